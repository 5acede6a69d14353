//! Losses by name, and scoring a model on a dataset.

use nn::data::Dataset;
use nn::loss::{bce_with_logits, mse, softmax_cross_entropy, Reduction};
use tape::{Tape, Var};

use crate::model::{interpret, LossKind, Model, Task};

/// Records the loss `kind` of predictions against targets (class indices
/// in one column for cross-entropy).
pub fn loss_of<'t>(kind: LossKind, pred: Var<'t, f32>, y: Var<'t, f32>) -> Var<'t, f32> {
    match kind {
        LossKind::Mse => mse(pred, y, Reduction::Mean),
        LossKind::Mae => (pred - y).abs().mean(),
        LossKind::Bce => bce_with_logits(pred, y, Reduction::Mean),
        LossKind::CrossEntropy => {
            let classes: Vec<usize> = y.value().data().iter().map(|&c| c as usize).collect();
            softmax_cross_entropy(pred, &classes, Reduction::Mean)
        }
    }
}

/// A model's score on a dataset.
#[derive(Clone, Debug, PartialEq)]
pub struct Score {
    /// The mean loss.
    pub loss: f64,
    /// Accuracy (classification) or mean squared error (regression).
    pub metric: f64,
    /// The examples classified correctly (classification only).
    pub correct: Option<usize>,
    /// The number of examples.
    pub count: usize,
}

impl Score {
    /// `accuracy 98.5% (197/200)` or `MSE 0.0123`.
    pub fn metric_text(&self) -> String {
        match self.correct {
            Some(c) => format!("accuracy {:.1}% ({c}/{})", 100.0 * self.metric, self.count),
            None => format!("MSE {:.5}", self.metric),
        }
    }
}

/// Scores `model` on `data` (inputs already prepared for the network).
pub fn score(model: &Model, data: &Dataset<f32>) -> Score {
    let out = model.outputs(&data.x);
    let tape = Tape::new();
    let loss = loss_of(
        model.spec.loss,
        tape.constant(out.clone()),
        tape.constant(data.y.clone()),
    )
    .item() as f64;
    let count = data.len();
    let preds = interpret(model.spec.task, &out);
    let targets = data.y.data();
    match model.spec.task {
        Task::Regression => {
            let sq: f64 = preds
                .iter()
                .zip(targets)
                .map(|(p, &t)| (p.value - t as f64).powi(2))
                .sum();
            Score {
                loss,
                metric: sq / count.max(1) as f64,
                correct: None,
                count,
            }
        }
        Task::Binary | Task::Multiclass => {
            let correct = preds
                .iter()
                .zip(targets)
                .filter(|(p, &t)| p.value == t as f64)
                .count();
            Score {
                loss,
                metric: correct as f64 / count.max(1) as f64,
                correct: Some(correct),
                count,
            }
        }
    }
}
