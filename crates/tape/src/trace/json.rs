//! Saving and loading traces as JSON, with a check that a loaded trace is
//! consistent (so exports never index out of bounds on a bad file).

use std::collections::HashSet;

use super::{TensorData, Trace};

/// Why a JSON text is not a valid [`Trace`].
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum TraceError {
    /// The text is not JSON of the trace's form.
    #[error("not a valid trace JSON: {0}")]
    Json(#[from] serde_json::Error),
    /// The JSON parsed, but its parts do not fit together.
    #[error("inconsistent trace: {0}")]
    Inconsistent(String),
}

impl Trace {
    /// The trace as JSON (pretty-printed; non-finite values as strings).
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).expect("a trace always serialises")
    }

    /// Loads a trace saved with [`Trace::to_json`], checking that node ids
    /// increase, inputs and messages refer to earlier or known nodes, and
    /// every tensor's data fits its shape.
    ///
    /// ```
    /// assert!(tape::Trace::from_json("{\"nodes\": 3}").is_err());
    /// ```
    pub fn from_json(s: &str) -> Result<Trace, TraceError> {
        let trace: Trace = serde_json::from_str(s)?;
        trace.validate().map_err(TraceError::Inconsistent)?;
        Ok(trace)
    }

    fn validate(&self) -> Result<(), String> {
        let mut seen = HashSet::new();
        let mut last = None;
        for n in &self.nodes {
            if last.is_some_and(|l| n.id <= l) {
                return Err(format!(
                    "node ids must increase, but #{} follows #{}",
                    n.id,
                    last.unwrap_or(0)
                ));
            }
            last = Some(n.id);
            for &i in &n.inputs {
                if !seen.contains(&i) {
                    return Err(format!(
                        "node #{} reads #{i}, which is not an earlier node",
                        n.id
                    ));
                }
            }
            check_tensor(&n.value, &format!("value of #{}", n.id))?;
            if let Some(g) = &n.grad {
                check_tensor(g, &format!("gradient of #{}", n.id))?;
            }
            seen.insert(n.id);
        }
        if !seen.contains(&self.output) {
            return Err(format!("the output #{} is not a node", self.output));
        }
        for s in &self.forward {
            if !seen.contains(&s.node) {
                return Err(format!("forward step of unknown node #{}", s.node));
            }
        }
        if let Some(seed) = &self.seed {
            check_tensor(seed, "seed")?;
        }
        for (k, m) in self.messages.iter().enumerate() {
            let sender = self
                .node(m.from)
                .ok_or_else(|| format!("message {k} from unknown node #{}", m.from))?;
            if sender.inputs.get(m.input) != Some(&m.to) {
                return Err(format!(
                    "message {k} goes from #{} to #{} as input {}, but that is not an edge",
                    m.from, m.to, m.input
                ));
            }
            check_tensor(&m.value, &format!("message {k}"))?;
            check_tensor(&m.total, &format!("running sum of message {k}"))?;
        }
        Ok(())
    }
}

fn check_tensor(t: &TensorData, what: &str) -> Result<(), String> {
    // A crafted shape can overflow the element count: checked, so that it is
    // an error here rather than a panic (or a wrapped count) later.
    let n = t
        .shape
        .iter()
        .try_fold(1usize, |n, &d| n.checked_mul(d))
        .ok_or_else(|| {
            format!(
                "{what} has shape {:?}, whose element count overflows",
                t.shape
            )
        })?;
    if n == t.data.len() {
        Ok(())
    } else {
        Err(format!(
            "{what} has {} values but shape {:?} needs {n}",
            t.data.len(),
            t.shape
        ))
    }
}

/// Serde for `Vec<f64>` that writes NaN and infinities as strings (JSON
/// numbers cannot hold them) and reads them back.
pub(crate) mod finite_or_string {
    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    #[derive(Serialize, Deserialize)]
    #[serde(untagged)]
    enum Num {
        Finite(f64),
        Special(String),
    }

    pub(crate) fn serialize<S: Serializer>(data: &[f64], s: S) -> Result<S::Ok, S::Error> {
        let nums: Vec<Num> = data
            .iter()
            .map(|&x| match x {
                x if x.is_finite() => Num::Finite(x),
                x if x.is_nan() => Num::Special("NaN".into()),
                x if x > 0.0 => Num::Special("inf".into()),
                _ => Num::Special("-inf".into()),
            })
            .collect();
        nums.serialize(s)
    }

    pub(crate) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<f64>, D::Error> {
        let nums = Vec::<Num>::deserialize(d)?;
        nums.into_iter()
            .map(|n| match n {
                Num::Finite(x) => Ok(x),
                Num::Special(s) => match s.as_str() {
                    "NaN" => Ok(f64::NAN),
                    "inf" => Ok(f64::INFINITY),
                    "-inf" => Ok(f64::NEG_INFINITY),
                    other => Err(serde::de::Error::custom(format!(
                        "expected a number, \"NaN\", \"inf\" or \"-inf\", found \"{other}\""
                    ))),
                },
            })
            .collect()
    }
}
