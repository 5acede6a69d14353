//! A trained model: an MLP with its [`ModelSpec`], saved as safetensors
//! with the spec in the metadata so that a model file needs nothing else.

pub mod spec;

use std::collections::HashMap;
use std::path::Path;

use nn::rand::{rngs::StdRng, SeedableRng};
use nn::train::predict;
use nn::{CheckpointError, Mlp, ParamStore, Sequential};
use tape::Tensor;

pub use spec::{ActivationKind, LossKind, ModelSpec, Scaling, Task, SPEC_KEY, SPEC_VERSION};

use crate::error::CliError;

/// An MLP, its parameters and its spec.
pub struct Model {
    /// The architecture and how to feed it.
    pub spec: ModelSpec,
    /// The parameters (`mlp.0.weight`, `mlp.0.bias`, ...).
    pub store: ParamStore<f32>,
    /// The network.
    pub net: Sequential<f32>,
}

impl Model {
    /// A freshly initialised model (weights drawn from `seed`).
    pub fn new(spec: ModelSpec, seed: u64) -> Model {
        let mut store = ParamStore::new();
        let net = Mlp::new(&spec.layers, spec.activation.to_nn())
            .build(&mut store, &mut StdRng::seed_from_u64(seed));
        Model { spec, store, net }
    }

    /// Saves the parameters and the spec (atomically: temporary file, then
    /// rename).
    pub fn save(&self, path: &Path) -> Result<(), CliError> {
        let json = serde_json::to_string(&self.spec).expect("a spec serialises");
        let meta = HashMap::from([(SPEC_KEY.to_string(), json)]);
        self.store
            .save_with_metadata(path, &meta)
            .map_err(|e| match e {
                CheckpointError::Io { path, source } => CliError::Io { path, source },
                other => CliError::Io {
                    path: path.to_path_buf(),
                    source: std::io::Error::other(other.to_string()),
                },
            })
    }

    /// Loads a model saved by [`Model::save`]: reads the spec from the
    /// metadata, builds the MLP it describes and loads its tensors.
    pub fn load(path: &Path) -> Result<Model, CliError> {
        let problem = |problem: String| CliError::Model {
            path: path.to_path_buf(),
            problem,
        };
        let meta = ParamStore::<f32>::read_metadata(path).map_err(|e| match e {
            CheckpointError::Io { source, .. } => problem(source.to_string()),
            CheckpointError::Format { source, .. } => problem(format!(
                "it is not a valid safetensors file (corrupt or truncated?): {source}"
            )),
            other => problem(other.to_string()),
        })?;
        let json = meta.get(SPEC_KEY).ok_or_else(|| {
            problem(format!(
                "it is a safetensors file but not a tapegrad model: its metadata has no \
                 `{SPEC_KEY}` entry (models are written by `tapegrad train`)"
            ))
        })?;
        let spec: ModelSpec = serde_json::from_str(json)
            .map_err(|e| problem(format!("its `{SPEC_KEY}` metadata is not valid: {e}")))?;
        spec.check()
            .map_err(|e| problem(format!("its architecture metadata is inconsistent: {e}")))?;
        let mut model = Model::new(spec, 0);
        model.store.load(path).map_err(|e| {
            let detail = match &e {
                CheckpointError::Shape {
                    name,
                    expected,
                    found,
                    ..
                } => format!("tensor `{name}` has shape {found:?}, not {expected:?}"),
                CheckpointError::Missing { name, .. } => format!("tensor `{name}` is missing"),
                CheckpointError::Unexpected { name, .. } => {
                    format!("it holds tensor `{name}`, which the architecture has no place for")
                }
                other => other.to_string(),
            };
            problem(format!(
                "its tensors do not fit the architecture in its metadata (layers {:?}): {detail}",
                model.spec.layers
            ))
        })?;
        Ok(model)
    }

    /// The network's input for raw feature rows (row-major, one row per
    /// example): standardised if the model was trained so.
    pub fn inputs(&self, raw: &[f64]) -> Tensor<f32> {
        let f = self.spec.features.len();
        let mut x = raw.to_vec();
        if let Some(s) = &self.spec.scaling {
            s.apply(&mut x);
        }
        Tensor::from_vec(
            x.into_iter().map(|v| v as f32).collect(),
            [raw.len() / f.max(1), f],
        )
    }

    /// The network's raw outputs (logits for classifiers) for inputs made
    /// by [`Model::inputs`].
    pub fn outputs(&self, x: &Tensor<f32>) -> Tensor<f32> {
        predict(&self.net, &self.store, x)
    }

    /// The number of scalar parameters.
    pub fn parameter_count(&self) -> usize {
        self.store.numel()
    }

    /// The layer sizes as `2-16-16-1`.
    pub fn shape_text(&self) -> String {
        let sizes: Vec<String> = self.spec.layers.iter().map(|s| s.to_string()).collect();
        sizes.join("-")
    }
}

/// What a model says about one example.
#[derive(Clone, Debug, PartialEq)]
pub struct Prediction {
    /// The predicted value (regression) or class index.
    pub value: f64,
    /// The class probabilities (empty for regression).
    pub probabilities: Vec<f64>,
}

/// Interprets a model's raw outputs: sigmoid of a binary logit, softmax of
/// multiclass logits, the value itself for a regression.
pub fn interpret(task: Task, outputs: &Tensor<f32>) -> Vec<Prediction> {
    let cols = outputs.dims()[1];
    outputs
        .data()
        .chunks(cols.max(1))
        .map(|row| match task {
            Task::Regression => Prediction {
                value: row[0] as f64,
                probabilities: vec![],
            },
            Task::Binary => {
                let p = 1.0 / (1.0 + (-(row[0] as f64)).exp());
                Prediction {
                    value: if row[0] > 0.0 { 1.0 } else { 0.0 },
                    probabilities: vec![1.0 - p, p],
                }
            }
            Task::Multiclass => {
                let max = row.iter().fold(f64::NEG_INFINITY, |m, &v| m.max(v as f64));
                let e: Vec<f64> = row.iter().map(|&v| (v as f64 - max).exp()).collect();
                let sum: f64 = e.iter().sum();
                let best = (0..row.len()).fold(0, |b, c| if row[c] > row[b] { c } else { b });
                Prediction {
                    value: best as f64,
                    probabilities: e.iter().map(|v| v / sum).collect(),
                }
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn outputs_are_read_as_probabilities_and_classes() {
        let logits = Tensor::from_vec(vec![0.0_f32, 2.0], [2, 1]);
        let p = interpret(Task::Binary, &logits);
        assert_eq!(p[0].probabilities, [0.5, 0.5]);
        assert_eq!(p[0].value, 0.0);
        assert_eq!(p[1].value, 1.0);
        assert!((p[1].probabilities[1] - 1.0 / (1.0 + (-2f64).exp())).abs() < 1e-12);

        let logits = Tensor::from_vec(vec![0.0_f32, 0.0, 2f32.ln()], [1, 3]);
        let p = interpret(Task::Multiclass, &logits);
        assert_eq!(p[0].value, 2.0);
        let expected = [0.25, 0.25, 0.5];
        for (a, b) in p[0].probabilities.iter().zip(expected) {
            assert!((a - b).abs() < 1e-6, "{a} {b}");
        }
    }
}
