//! The files training leaves in its output directory, each written
//! atomically: the model, the loss curve, a picture of what the model
//! learned, and a step-through of one training step.

use std::path::{Path, PathBuf};

use nn::data::Dataset;
use nn::Module;
use tape::{Tape, Trace};

use crate::error::CliError;
use crate::fit::{loss_of, EpochRecord};
use crate::model::{Model, Task};
use crate::output::{write_atomically, write_bytes_atomically};
use crate::plot;

/// One file written.
#[derive(Clone, Debug)]
pub struct Written {
    /// What it holds.
    pub what: &'static str,
    /// Where it is.
    pub path: PathBuf,
}

/// The number of training examples in the traced step.
const TRACED_EXAMPLES: usize = 4;

/// Writes the outputs into `dir` (created if missing): `model.safetensors`,
/// `loss.svg`, `decision-boundary.png` (a classifier of two features) or
/// `fit.svg` (a regression of one feature), and `step.html`. `x` and `y`
/// are all examples (raw features, target values or class indices);
/// `train` is the prepared training split.
pub fn write(
    dir: &Path,
    model: &Model,
    history: &[EpochRecord],
    x: &[f64],
    y: &[f64],
    train: &Dataset<f32>,
) -> Result<Vec<Written>, CliError> {
    create_dir(dir)?;
    let mut written = Vec::new();
    let mut put = |what: &'static str, name: &str, bytes: &[u8]| -> Result<(), CliError> {
        let path = dir.join(name);
        write_bytes_atomically(&path, bytes)?;
        written.push(Written { what, path });
        Ok(())
    };
    let model_path = dir.join("model.safetensors");
    model.save(&model_path)?;
    let title = format!(
        "loss of the {} MLP on {}",
        model.shape_text(),
        model.spec.data
    );
    put(
        "loss curve",
        "loss.svg",
        plot::loss_curve_svg(history, &title)?.as_bytes(),
    )?;
    let features = model.spec.features.len();
    if model.spec.task.is_classification() && features == 2 {
        let labels: Vec<usize> = y.iter().map(|&c| c as usize).collect();
        put(
            "decision boundary",
            "decision-boundary.png",
            &plot::decision_boundary_png(model, x, &labels)?,
        )?;
    } else if model.spec.task == Task::Regression && features == 1 {
        put(
            "examples and the model's curve",
            "fit.svg",
            plot::regression_fit_svg(model, x, y)?.as_bytes(),
        )?;
    }
    let html = step_trace(model, train).to_html();
    put(
        "step-through of one training step",
        "step.html",
        html.as_bytes(),
    )?;
    written.insert(
        0,
        Written {
            what: "trained model",
            path: model_path,
        },
    );
    Ok(written)
}

/// Creates the output directory, with an error naming it.
pub fn create_dir(dir: &Path) -> Result<(), CliError> {
    std::fs::create_dir_all(dir).map_err(|source| CliError::Io {
        path: dir.to_path_buf(),
        source,
    })
}

/// The trace of one training step of `model` on the first few training
/// examples: the forward pass with the parameters labelled by name, the
/// loss, and every backward message.
pub fn step_trace(model: &Model, train: &Dataset<f32>) -> Trace {
    let first: Vec<usize> = (0..train.len().min(TRACED_EXAMPLES)).collect();
    let batch = train.select(&first);
    let tape = Tape::new();
    let bound = model.store.bind_labelled(&tape);
    let x = tape.constant(batch.x).label("x");
    let y = tape.constant(batch.y).label("target");
    let pred = model.net.forward(x, &bound).label("output");
    let loss = loss_of(model.spec.loss, pred, y).label("loss");
    Trace::capture(loss)
}

/// Writes a text file atomically, naming it in [`Written`].
pub fn write_text(what: &'static str, path: PathBuf, text: &str) -> Result<Written, CliError> {
    write_atomically(&path, text)?;
    Ok(Written { what, path })
}
