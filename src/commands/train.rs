//! `tapegrad train`: data in, a trained model and its pictures out.

use std::io::Write;
use std::time::Instant;

use nn::data::Dataset;
use nn::rand::{rngs::StdRng, SeedableRng};
use tape::Tensor;

use super::artifacts;
use crate::cli::TrainArgs;
use crate::data::{self, builtin, target, Source};
use crate::error::CliError;
use crate::fit::{self, Settings};
use crate::model::{Model, ModelSpec, Scaling, Task, SPEC_VERSION};
use crate::progress::Progress;
use crate::say;

/// The number of examples drawn from a built-in dataset by default.
pub const DEFAULT_SAMPLES: usize = 1000;

/// Runs the command: trains, writes the outputs and prints a summary.
pub fn run(args: &TrainArgs, out: &mut dyn Write) -> Result<(), CliError> {
    let source = Source::parse(&args.data);
    check_options(args, &source)?;
    let started = Instant::now();
    let samples = args.samples.map_or(DEFAULT_SAMPLES, |n| n as usize);
    let mut rng = StdRng::seed_from_u64(args.seed);
    let examples = data::load(&source, args.target.as_deref(), samples, &mut rng)?;
    let (features, ignored, rows) = (
        examples.features.clone(),
        examples.ignored.clone(),
        examples.rows(),
    );
    let inferred = args.task.is_none() && args.loss.is_none();
    let encoded = target::encode(examples.target, args.task.or(args.loss.map(|l| l.task())))?;
    let loss = args.loss.unwrap_or(encoded.task.default_loss());
    if loss.task() != encoded.task {
        return Err(CliError::usage(
            format!(
                "--loss {} is for {}, but the task is {}",
                loss.name(),
                loss.task().describe(),
                encoded.task.describe()
            ),
            "leave out --loss to use the task's loss, or change --task",
        ));
    }

    let f = features.len();
    let full = Dataset::new(
        Tensor::from_vec(examples.x.iter().map(|&v| v as f32).collect(), [rows, f]),
        Tensor::from_vec(encoded.y.iter().map(|&v| v as f32).collect(), [rows, 1]),
    );
    let (train_raw, val_raw) = full.split(args.val_split, &mut rng);
    if train_raw.is_empty() {
        return Err(CliError::usage(
            format!(
                "--val-split {} leaves no examples to train on ({rows} in all)",
                args.val_split
            ),
            "use a smaller --val-split",
        ));
    }
    let raw = |d: &Dataset<f32>| d.x.data().iter().map(|&v| v as f64).collect::<Vec<f64>>();
    let scaling = args.standardize.then(|| Scaling::fit(&raw(&train_raw), f));
    let outputs = match encoded.task {
        Task::Multiclass => encoded.classes.len(),
        _ => 1,
    };
    let mut layers = vec![f];
    layers.extend(&args.layers.0);
    layers.push(outputs);
    let spec = ModelSpec {
        version: SPEC_VERSION,
        task: encoded.task,
        layers,
        activation: args.activation,
        loss,
        target: args
            .target
            .clone()
            .unwrap_or_else(|| builtin_target(&source)),
        features: features.clone(),
        classes: encoded.classes.clone(),
        scaling,
        data: source.name(),
    };
    let mut model = Model::new(spec, args.seed.wrapping_add(1));
    let prepare = |m: &Model, d: &Dataset<f32>| Dataset::new(m.inputs(&raw(d)), d.y.clone());
    let train = prepare(&model, &train_raw);
    let val = (!val_raw.is_empty()).then(|| prepare(&model, &val_raw));

    say!(
        out,
        "data      {} ({rows} examples, {f} feature{}: {}; {} for training, {} for validation){}",
        source.name(),
        if f == 1 { "" } else { "s" },
        features.join(", "),
        train.len(),
        val.as_ref().map_or(0, Dataset::len),
        if args.standardize {
            ", standardised"
        } else {
            ""
        }
    )?;
    if !ignored.is_empty() {
        say!(
            out,
            "          text columns left out: {}",
            ignored.join(", ")
        )?;
    }
    say!(
        out,
        "task      {}{} of `{}`{}, loss {}",
        model.spec.task.describe(),
        if inferred { " (inferred)" } else { "" },
        model.spec.target,
        class_list(&model.spec.classes),
        loss.name()
    )?;
    say!(
        out,
        "model     MLP {} with {} ({} parameters)",
        model.shape_text(),
        args.activation.name(),
        model.parameter_count()
    )?;
    say!(
        out,
        "training  {} lr {} (cosine schedule), {} epochs, batch size {}, seed {}",
        args.optimizer.name(),
        args.lr,
        args.epochs,
        args.batch_size,
        args.seed
    )?;

    let settings = Settings {
        epochs: args.epochs as usize,
        batch_size: args.batch_size as usize,
        lr: args.lr,
        optimizer: args.optimizer,
        seed: args.seed.wrapping_add(2),
    };
    let mut progress = Progress::new("train", settings.epochs, args.quiet);
    let history = fit::fit(&mut model, &train, val.as_ref(), &settings, &mut progress)?;
    progress.finish();

    let train_score = fit::score(&model, &train);
    let val_score = val.as_ref().map(|v| fit::score(&model, v));
    say!(
        out,
        "result    training loss {:.4}, {}",
        train_score.loss,
        train_score
            .metric_text()
            .replacen("accuracy", "training accuracy", 1)
            .replacen("MSE", "training MSE", 1)
    )?;
    if let Some(v) = &val_score {
        say!(
            out,
            "          validation loss {:.4}, validation {}",
            v.loss,
            v.metric_text()
        )?;
    }
    say!(
        out,
        "          trained in {}",
        crate::progress::duration_text(started.elapsed())
    )?;

    let labels: Vec<f64> = encoded.y;
    let written = artifacts::write(&args.out, &model, &history, &examples.x, &labels, &train)?;
    for w in &written {
        say!(out, "wrote     {}  ({})", w.path.display(), w.what)?;
    }
    Ok(())
}

fn builtin_target(source: &Source) -> String {
    match source {
        Source::Builtin(b) => b.target().to_string(),
        Source::Csv(_) => unreachable!("a CSV source has a --target (checked)"),
    }
}

fn class_list(classes: &[String]) -> String {
    if classes.is_empty() {
        return String::new();
    }
    let shown: Vec<&str> = classes.iter().take(10).map(String::as_str).collect();
    let more = if classes.len() > 10 { ", ..." } else { "" };
    format!(" (classes {}{more})", shown.join(", "))
}

/// Options that contradict each other or the data source, and an output
/// directory that cannot be one (checked before any work is done).
fn check_options(args: &TrainArgs, source: &Source) -> Result<(), CliError> {
    if args.out.exists() && !args.out.is_dir() {
        return Err(CliError::Io {
            path: args.out.clone(),
            source: std::io::Error::other(
                "it exists and is not a directory (--out names a directory)",
            ),
        });
    }
    if let (Some(task), Some(loss)) = (args.task, args.loss) {
        if loss.task() != task {
            return Err(CliError::usage(
                format!(
                    "--task {} contradicts --loss {}, which is for {}",
                    task.describe(),
                    loss.name(),
                    loss.task().describe()
                ),
                "give one of them; each task has its loss (regression: mse or mae, binary: bce, \
                 multiclass: cross-entropy)",
            ));
        }
    }
    match source {
        Source::Builtin(b) => {
            if let Some(t) = &args.target {
                return Err(CliError::usage(
                    format!(
                        "--target {t} applies to CSV files, but `{}` is built in",
                        b.name()
                    ),
                    format!(
                        "leave out --target (the target of `{}` is `{}`)",
                        b.name(),
                        b.target()
                    ),
                ));
            }
        }
        Source::Csv(path) => {
            if args.samples.is_some() {
                return Err(CliError::usage(
                    "--samples applies to built-in datasets, not to a CSV file",
                    "leave out --samples",
                ));
            }
            if args.target.is_none() {
                let help = match data::csv::read(path) {
                    Ok(t) => format!(
                        "the columns of `{}` are: {}",
                        path.display(),
                        t.headers.join(", ")
                    ),
                    Err(_) => format!("or name a built-in dataset: {}", builtin::NAMES.join(", ")),
                };
                return Err(CliError::usage(
                    format!("training on `{}` needs --target COLUMN", path.display()),
                    help,
                ));
            }
        }
    }
    Ok(())
}
