//! The architecture a saved model carries in its safetensors metadata:
//! everything `eval` and `predict` need to rebuild it.

use clap::ValueEnum;
use serde::{Deserialize, Serialize};

/// What the model predicts.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Task {
    /// A number per example; loss MSE (or MAE), metric validation MSE.
    Regression,
    /// One of two classes; one logit out, loss binary cross-entropy on
    /// logits, metric accuracy.
    Binary,
    /// One of several classes; one logit per class, loss softmax
    /// cross-entropy, metric accuracy.
    Multiclass,
}

impl Task {
    /// How the task is written in summaries.
    pub fn describe(self) -> &'static str {
        match self {
            Task::Regression => "regression",
            Task::Binary => "binary classification",
            Task::Multiclass => "multiclass classification",
        }
    }

    /// The loss used unless `--loss` says otherwise.
    pub fn default_loss(self) -> LossKind {
        match self {
            Task::Regression => LossKind::Mse,
            Task::Binary => LossKind::Bce,
            Task::Multiclass => LossKind::CrossEntropy,
        }
    }

    /// Whether the targets are classes.
    pub fn is_classification(self) -> bool {
        self != Task::Regression
    }
}

/// The activation between hidden layers.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ActivationKind {
    /// max(x, 0).
    Relu,
    /// tanh x.
    Tanh,
    /// 1 / (1 + e^-x).
    Sigmoid,
}

impl ActivationKind {
    /// The `nn` activation.
    pub fn to_nn(self) -> nn::Activation {
        match self {
            ActivationKind::Relu => nn::Activation::ReLU,
            ActivationKind::Tanh => nn::Activation::Tanh,
            ActivationKind::Sigmoid => nn::Activation::Sigmoid,
        }
    }

    /// Its name on the command line.
    pub fn name(self) -> &'static str {
        match self {
            ActivationKind::Relu => "relu",
            ActivationKind::Tanh => "tanh",
            ActivationKind::Sigmoid => "sigmoid",
        }
    }
}

/// The training loss.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum LossKind {
    /// Mean squared error (regression).
    Mse,
    /// Mean absolute error (regression).
    Mae,
    /// Binary cross-entropy on logits (binary classification).
    Bce,
    /// Softmax cross-entropy on logits (multiclass classification).
    CrossEntropy,
}

impl LossKind {
    /// The task this loss is for.
    pub fn task(self) -> Task {
        match self {
            LossKind::Mse | LossKind::Mae => Task::Regression,
            LossKind::Bce => Task::Binary,
            LossKind::CrossEntropy => Task::Multiclass,
        }
    }

    /// Its name on the command line.
    pub fn name(self) -> &'static str {
        match self {
            LossKind::Mse => "mse",
            LossKind::Mae => "mae",
            LossKind::Bce => "bce",
            LossKind::CrossEntropy => "cross-entropy",
        }
    }
}

/// Per-feature standardisation `(x - mean) / std`, with the statistics of
/// the training split.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Scaling {
    /// Each feature's mean.
    pub mean: Vec<f64>,
    /// Each feature's standard deviation (1 where it is 0).
    pub std: Vec<f64>,
}

impl Scaling {
    /// The statistics of the `rows x features` row-major values `x`.
    pub fn fit(x: &[f64], features: usize) -> Scaling {
        let rows = (x.len() / features.max(1)).max(1) as f64;
        let column = |j: usize| x.iter().skip(j).step_by(features.max(1));
        let mean: Vec<f64> = (0..features)
            .map(|j| column(j).sum::<f64>() / rows)
            .collect();
        let std = (0..features)
            .map(|j| {
                let var = column(j).map(|v| (v - mean[j]).powi(2)).sum::<f64>() / rows;
                if var > 0.0 {
                    var.sqrt()
                } else {
                    1.0
                }
            })
            .collect();
        Scaling { mean, std }
    }

    /// Standardises row-major values in place.
    pub fn apply(&self, x: &mut [f64]) {
        let f = self.mean.len().max(1);
        for (i, v) in x.iter_mut().enumerate() {
            *v = (*v - self.mean[i % f]) / self.std[i % f];
        }
    }
}

/// The current version of the metadata format.
pub const SPEC_VERSION: u32 = 1;

/// The metadata key the spec is stored under, as JSON.
pub const SPEC_KEY: &str = "tapegrad.model";

/// A model's architecture and how to feed it: stored as JSON under
/// [`SPEC_KEY`] in the safetensors metadata.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ModelSpec {
    /// The format version ([`SPEC_VERSION`]).
    pub version: u32,
    /// What the model predicts.
    pub task: Task,
    /// Layer sizes, inputs first, outputs last.
    pub layers: Vec<usize>,
    /// The activation between layers.
    pub activation: ActivationKind,
    /// The loss it was trained with.
    pub loss: LossKind,
    /// The target column's name.
    pub target: String,
    /// The feature columns, in input order.
    pub features: Vec<String>,
    /// The class labels, by class index (empty for regression).
    pub classes: Vec<String>,
    /// The feature standardisation, if it was trained with one.
    pub scaling: Option<Scaling>,
    /// The data it was trained on (a built-in name or a file name).
    pub data: String,
}

impl ModelSpec {
    /// Checks that the parts agree with each other (a hand-edited or
    /// foreign file may not); returns what is wrong.
    pub fn check(&self) -> Result<(), String> {
        if self.version != SPEC_VERSION {
            return Err(format!(
                "metadata version {} (this tapegrad reads version {SPEC_VERSION})",
                self.version
            ));
        }
        let (first, last) = match (self.layers.first(), self.layers.last()) {
            (Some(&f), Some(&l)) if self.layers.len() >= 2 => (f, l),
            _ => return Err(format!("layer sizes {:?} need at least two", self.layers)),
        };
        if self.layers.contains(&0) {
            return Err(format!("layer sizes {:?} include 0", self.layers));
        }
        if first != self.features.len() {
            return Err(format!(
                "{first} inputs but {} feature names",
                self.features.len()
            ));
        }
        let outputs = match self.task {
            Task::Regression | Task::Binary => 1,
            Task::Multiclass => self.classes.len(),
        };
        if last != outputs {
            return Err(format!(
                "{last} outputs, but a {} model has {outputs}",
                self.task.describe()
            ));
        }
        if self.task.is_classification() && self.classes.len() < 2 {
            return Err("a classifier with fewer than two classes".into());
        }
        if self.loss.task() != self.task {
            return Err(format!(
                "loss {} does not fit a {} model",
                self.loss.name(),
                self.task.describe()
            ));
        }
        if let Some(s) = &self.scaling {
            if s.mean.len() != first || s.std.len() != first {
                return Err("scaling statistics do not match the features".into());
            }
            if s.std.iter().chain(&s.mean).any(|v| !v.is_finite()) || s.std.contains(&0.0) {
                return Err("scaling statistics are not finite and non-zero".into());
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scaling_standardises_each_column() {
        // Column 0: 1, 3 (mean 2, std 1); column 1: 5, 5 (std 0 -> 1).
        let x = [1.0, 5.0, 3.0, 5.0];
        let s = Scaling::fit(&x, 2);
        assert_eq!(s.mean, [2.0, 5.0]);
        assert_eq!(s.std, [1.0, 1.0]);
        let mut y = x;
        s.apply(&mut y);
        assert_eq!(y, [-1.0, 0.0, 1.0, 0.0]);
    }

    #[test]
    fn the_spec_round_trips_through_json_and_checks_its_parts() {
        let spec = ModelSpec {
            version: SPEC_VERSION,
            task: Task::Multiclass,
            layers: vec![2, 8, 3],
            activation: ActivationKind::Tanh,
            loss: LossKind::CrossEntropy,
            target: "species".into(),
            features: vec!["a".into(), "b".into()],
            classes: vec!["x".into(), "y".into(), "z".into()],
            scaling: None,
            data: "t.csv".into(),
        };
        let json = serde_json::to_string(&spec).unwrap();
        assert!(json.contains(r#""loss":"cross-entropy""#), "{json}");
        assert_eq!(serde_json::from_str::<ModelSpec>(&json).unwrap(), spec);
        assert_eq!(spec.check(), Ok(()));
        let wrong = ModelSpec {
            layers: vec![2, 8, 2],
            ..spec
        };
        assert!(wrong.check().unwrap_err().contains("2 outputs"));
    }
}
