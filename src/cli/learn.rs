//! The arguments of the learning commands: `tour`, `train`, `eval` and
//! `predict`.

use std::path::PathBuf;

use clap::Args;

use crate::fit::OptimizerKind;
use crate::model::{ActivationKind, LossKind, Task};

/// Arguments of `tapegrad tour` (and of `tapegrad` with no command).
#[derive(Debug, Args)]
pub struct TourArgs {
    /// The directory to write the outputs to (created if missing).
    #[arg(long, value_name = "DIR", default_value = "tapegrad-out")]
    pub out: PathBuf,

    /// Print only the summary, no progress.
    #[arg(long, short)]
    pub quiet: bool,
}

impl Default for TourArgs {
    /// What `tapegrad` with no command uses.
    fn default() -> Self {
        TourArgs {
            out: PathBuf::from("tapegrad-out"),
            quiet: false,
        }
    }
}

/// Arguments of `tapegrad train`.
#[derive(Debug, Args, Clone)]
pub struct TrainArgs {
    /// A built-in dataset (moons, xor, circles, sine) or a CSV file with a
    /// header line.
    #[arg(
        long,
        value_name = "moons|xor|circles|sine|PATH.csv",
        default_value = "moons"
    )]
    pub data: String,

    /// The target column of a CSV file; the other numeric columns are the
    /// features (text columns are left out).
    #[arg(long, value_name = "COLUMN")]
    pub target: Option<String>,

    /// Standardise each feature to mean 0 and standard deviation 1 (with
    /// the training split's statistics, saved in the model).
    #[arg(long, alias = "standardise")]
    pub standardize: bool,

    /// The task; inferred from the target when obvious.
    #[arg(long, value_enum)]
    pub task: Option<Task>,

    /// Hidden layer sizes, comma-separated ("" for none: a linear model).
    #[arg(long, value_name = "N,N,..", default_value = "16,16", value_parser = parse_layers)]
    pub layers: Layers,

    /// The activation between layers.
    #[arg(long, value_enum, default_value = "relu")]
    pub activation: ActivationKind,

    /// The loss: mse or mae (regression), bce (binary), cross-entropy
    /// (multiclass); by default the task's.
    #[arg(long, value_enum)]
    pub loss: Option<LossKind>,

    /// The optimizer.
    #[arg(long, value_enum, default_value = "adam")]
    pub optimizer: OptimizerKind,

    /// The initial learning rate (annealed along a cosine to 1% of it).
    #[arg(long, default_value = "0.01", value_parser = parse_positive)]
    pub lr: f64,

    /// Passes over the training set.
    #[arg(long, default_value = "100", value_parser = clap::value_parser!(u32).range(1..))]
    pub epochs: u32,

    /// Examples per optimizer step.
    #[arg(long, default_value = "32", value_parser = clap::value_parser!(u32).range(1..))]
    pub batch_size: u32,

    /// The seed of everything random: data generation, the split,
    /// initialisation and shuffling.
    #[arg(long, default_value = "42")]
    pub seed: u64,

    /// The fraction of examples held out for validation (0 for none).
    #[arg(long, default_value = "0.2", value_parser = parse_fraction)]
    pub val_split: f64,

    /// The number of examples of a built-in dataset [default: 1000].
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(4..=1_000_000))]
    pub samples: Option<u32>,

    /// The directory to write the outputs to (created if missing).
    #[arg(long, value_name = "DIR", default_value = "tapegrad-out")]
    pub out: PathBuf,

    /// Print only the summary, no progress.
    #[arg(long, short)]
    pub quiet: bool,
}

/// Arguments of `tapegrad eval`.
#[derive(Debug, Args)]
pub struct EvalArgs {
    /// A model written by `tapegrad train`.
    #[arg(long, value_name = "FILE")]
    pub model: PathBuf,

    /// A built-in dataset or a CSV file with the model's feature columns
    /// and its target column.
    #[arg(long, value_name = "moons|xor|circles|sine|PATH.csv")]
    pub data: String,

    /// The target column, if it is not named as in training.
    #[arg(long, value_name = "COLUMN")]
    pub target: Option<String>,

    /// The seed of a built-in dataset.
    #[arg(long, default_value = "42")]
    pub seed: u64,

    /// The number of examples of a built-in dataset [default: 1000].
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=1_000_000))]
    pub samples: Option<u32>,
}

/// Arguments of `tapegrad predict`.
#[derive(Debug, Args)]
pub struct PredictArgs {
    /// A model written by `tapegrad train`.
    #[arg(long, value_name = "FILE")]
    pub model: PathBuf,

    /// A CSV file with the model's feature columns (other columns are
    /// ignored).
    #[arg(long, value_name = "PATH.csv")]
    pub data: PathBuf,

    /// Write the predictions to FILE instead of standard output.
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
}

/// Hidden layer sizes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Layers(pub Vec<usize>);

fn parse_layers(text: &str) -> Result<Layers, String> {
    if text.trim().is_empty() {
        return Ok(Layers(vec![]));
    }
    text.split(',')
        .map(|s| match s.trim().parse::<usize>() {
            Ok(n) if (1..=4096).contains(&n) => Ok(n),
            _ => Err(format!(
                "`{}` is not a layer size: expected whole numbers from 1 to 4096 separated by \
                 commas, like 16,16",
                s.trim()
            )),
        })
        .collect::<Result<_, _>>()
        .map(Layers)
}

fn parse_positive(text: &str) -> Result<f64, String> {
    match text.parse::<f64>() {
        Ok(x) if x.is_finite() && x > 0.0 => Ok(x),
        _ => Err(format!("`{text}` is not a positive number")),
    }
}

fn parse_fraction(text: &str) -> Result<f64, String> {
    match text.parse::<f64>() {
        Ok(x) if (0.0..1.0).contains(&x) => Ok(x),
        _ => Err(format!(
            "`{text}` is not a fraction from 0 up to (not including) 1"
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn layer_lists_parse_or_explain() {
        assert_eq!(parse_layers("16, 8").unwrap(), Layers(vec![16, 8]));
        assert_eq!(parse_layers("").unwrap(), Layers(vec![]));
        assert!(parse_layers("16,,8").unwrap_err().contains("``"));
        assert!(parse_layers("0").is_err());
        assert!(parse_fraction("1").is_err());
        assert_eq!(parse_fraction("0").unwrap(), 0.0);
        assert!(parse_positive("-1").is_err());
    }
}
