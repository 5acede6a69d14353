//! `tapegrad eval`: a saved model's loss and metric on some data.

use std::io::Write;

use nn::data::Dataset;
use nn::rand::{rngs::StdRng, SeedableRng};
use tape::Tensor;

use super::train::DEFAULT_SAMPLES;
use crate::cli::EvalArgs;
use crate::data::{self, DataError, Source, TargetColumn};
use crate::error::CliError;
use crate::fit::score;
use crate::model::{Model, Task};
use crate::say;

/// Runs the command.
pub fn run(args: &EvalArgs, out: &mut dyn Write) -> Result<(), CliError> {
    let model = Model::load(&args.model)?;
    let source = Source::parse(&args.data);
    let target_name = args.target.as_deref().unwrap_or(&model.spec.target);
    let (x, target) = match &source {
        Source::Builtin(b) => {
            if b.features() != model.spec.features {
                return Err(CliError::usage(
                    format!(
                        "the model reads features [{}], but `{}` has [{}]",
                        model.spec.features.join(", "),
                        b.name(),
                        b.features().join(", ")
                    ),
                    "evaluate it on data like the data it was trained on",
                ));
            }
            let samples = args.samples.map_or(DEFAULT_SAMPLES, |n| n as usize);
            let mut rng = StdRng::seed_from_u64(args.seed);
            let ex = data::load(&source, None, samples, &mut rng)?;
            (ex.x, ex.target)
        }
        Source::Csv(path) => {
            let (x, table, target) = data::load_features(path, &model.spec.features, target_name)?;
            let target = match target {
                Some(t) => t,
                None => return Err(table.column(target_name).unwrap_err().into()),
            };
            (x, target)
        }
    };
    let y = encode_for(&model, target)?;
    let rows = y.len();
    let data = Dataset::new(
        model.inputs(&x),
        Tensor::from_vec(y.iter().map(|&v| v as f32).collect(), [rows, 1]),
    );
    let s = score(&model, &data);
    say!(
        out,
        "model     {} (MLP {}, {}, trained on {})",
        args.model.display(),
        model.shape_text(),
        model.spec.task.describe(),
        model.spec.data
    )?;
    say!(out, "data      {} ({rows} examples)", source.name())?;
    say!(
        out,
        "result    loss {:.4} ({}), {}",
        s.loss,
        model.spec.loss.name(),
        s.metric_text()
    )?;
    Ok(())
}

/// The target column as the model's targets: values for a regression,
/// the model's class indices for a classifier.
pub fn encode_for(model: &Model, target: TargetColumn) -> Result<Vec<f64>, CliError> {
    if model.spec.task == Task::Regression {
        return Ok(target.numbers?);
    }
    target
        .cells
        .iter()
        .enumerate()
        .map(|(row, cell)| {
            class_index(&model.spec.classes, cell)
                .map(|c| c as f64)
                .ok_or_else(|| {
                    DataError::Task {
                        message: format!(
                            "example {} has the label `{cell}` in `{}`, which is not one of the \
                             model's classes",
                            row + 1,
                            target.name
                        ),
                        help: Some(format!(
                            "its classes are: {}",
                            model.spec.classes.join(", ")
                        )),
                    }
                    .into()
                })
        })
        .collect()
}

/// The index of `cell` among `classes`, comparing numbers as numbers
/// (`1.0` is class `1`).
fn class_index(classes: &[String], cell: &str) -> Option<usize> {
    classes.iter().position(|c| c == cell).or_else(|| {
        let x = data::csv::number(cell)?;
        classes.iter().position(|c| c.parse::<f64>() == Ok(x))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_match_as_text_or_as_numbers() {
        let classes = ["0".to_string(), "1".to_string()];
        assert_eq!(class_index(&classes, "1"), Some(1));
        assert_eq!(class_index(&classes, "1.0"), Some(1));
        assert_eq!(class_index(&classes, "2"), None);
        let names = ["cat".to_string(), "dog".to_string()];
        assert_eq!(class_index(&names, "dog"), Some(1));
        assert_eq!(class_index(&names, "emu"), None);
    }
}
