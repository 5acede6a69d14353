//! Watching backpropagation: a recorded [`Trace`] of one forward and
//! backward pass, its exports, and anomaly mode.
//!
//! [`Trace::capture`] runs the backward pass from a loss with an
//! [`Observer`](crate::Observer) that writes down every message, and keeps
//! the graph that produced the loss: each node's op, label, shape, value,
//! inputs and final gradient. Values are stored as `f64` (shape plus
//! row-major data), so a trace does not depend on the tape's float type.
//!
//! A trace can then be shown in several ways:
//!
//! - [`Trace::to_text`]: a terminal listing of the forward steps and of
//!   every backward message, in the order they were sent;
//! - [`Trace::to_dot`] and [`Trace::to_mermaid`]: the graph as Graphviz DOT
//!   or a Mermaid flowchart, with values and gradients on the nodes;
//! - [`Trace::to_html`]: one self-contained HTML page to step through the
//!   forward pass and then through each message, in a browser;
//! - [`Trace::to_json`] / [`Trace::from_json`]: to save and load it.
//!
//! ```
//! use tape::{Tape, Trace};
//!
//! // y = x * x + x: x is used twice, so it receives two messages... and
//! // a third one, since x * x sends one per argument.
//! let tape = Tape::new();
//! let x = tape.var(3.0_f64).label("x");
//! let sq = (x * x).label("sq");
//! let y = (sq + x).label("y");
//! let trace = Trace::capture(y);
//!
//! assert_eq!(trace.messages.len(), 4); // y->sq, y->x, sq->x, sq->x
//! assert_eq!(trace.node(x.id().index()).unwrap().grad_f64(), Some(7.0)); // 2x + 1
//! assert!(trace.to_text().contains("sq"));
//! let again = tape::Trace::from_json(&trace.to_json()).unwrap();
//! assert_eq!(again, trace);
//! ```
//!
//! **Anomaly mode** ([`Tape::set_anomaly_mode`](crate::Tape::set_anomaly_mode))
//! stops at the first NaN or infinite value or message and reports where it
//! came from; see [`Anomaly`].

mod anomaly;
mod capture;
mod dot;
pub(crate) mod format;
mod html;
mod json;
mod mermaid;
mod text;

use serde::{Deserialize, Serialize};

pub(crate) use anomaly::{check_message, AnomalyState};
pub use anomaly::{Anomaly, AnomalyInput, AnomalyPhase};
pub use json::TraceError;

/// A recorded forward and backward pass: the graph of one output and every
/// gradient message sent while backpropagating from it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Trace {
    /// The float type of the tape it was recorded from (`"f32"` or `"f64"`).
    pub dtype: String,
    /// The id of the output node (the loss) backpropagation started from.
    pub output: usize,
    /// Every node the output depends on, in recording order (inputs first).
    pub nodes: Vec<TraceNode>,
    /// The forward pass, one step per node, in the order it was computed.
    pub forward: Vec<ForwardStep>,
    /// The seed message the output received (1 for a loss); empty if the
    /// trace holds only the forward graph ([`Trace::graph_of`]).
    pub seed: Option<TensorData>,
    /// Every backward message, in the order it was sent.
    pub messages: Vec<TraceMessage>,
}

/// One node of a traced graph.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TraceNode {
    /// The node's id on its tape (also its index in recording order).
    pub id: usize,
    /// The op that produced it: `"variable"`, `"constant"`, `"add"`, ...
    pub op: String,
    /// The name given with [`Var::label`](crate::Var::label), if any.
    pub label: Option<String>,
    /// The value it holds.
    pub value: TensorData,
    /// Its inputs' ids, in argument order (empty for a leaf).
    pub inputs: Vec<usize>,
    /// d output / d node: the sum of every message it received. `None` if
    /// no message reached it (a constant, or a forward-only trace).
    pub grad: Option<TensorData>,
    /// Where in the source it was recorded, as `file:line:column`.
    pub location: String,
}

/// One step of the forward pass: a node got its value.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ForwardStep {
    /// The node that was computed (or given, for a leaf).
    pub node: usize,
    /// The step written out with names: `"z1 = add(xW1, b1)"`.
    pub formula: String,
}

/// One backward message, as it was sent.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TraceMessage {
    /// The sending node (an op's output).
    pub from: usize,
    /// The receiving node (one of the sender's inputs).
    pub to: usize,
    /// Which argument of the sender `to` is (0 for the first).
    pub input: usize,
    /// The sender's op.
    pub op: String,
    /// The message: d output / d `to` through this one edge.
    pub value: TensorData,
    /// The receiver's running sum after adding this message.
    pub total: TensorData,
}

/// A tensor's shape and row-major values, as `f64`.
///
/// In JSON, non-finite values are written as the strings `"NaN"`, `"inf"`
/// and `"-inf"`, so traces of anomalies survive a round trip.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TensorData {
    /// The dimensions (empty for a scalar).
    pub shape: Vec<usize>,
    /// The values in row-major order.
    #[serde(with = "json::finite_or_string")]
    pub data: Vec<f64>,
}

impl TensorData {
    /// The values of `t` as `f64`.
    pub fn from_tensor<T: crate::Scalar>(t: &crate::Tensor<T>) -> Self {
        TensorData {
            shape: t.dims().to_vec(),
            data: t.data().iter().map(|x| x.to_f64_lossy()).collect(),
        }
    }

    /// The one value of a one-element tensor, or `None` otherwise.
    pub fn item(&self) -> Option<f64> {
        match self.data.as_slice() {
            [x] => Some(*x),
            _ => None,
        }
    }

    /// The values, compactly: `[14, 15]`, `0.25`, or the first few values
    /// and `…` with the count for a long tensor.
    pub fn summary(&self) -> String {
        format::tensor(self, 6)
    }
}

impl TraceNode {
    /// The label if there is one, else `#id`.
    pub fn name(&self) -> String {
        match &self.label {
            Some(l) => l.clone(),
            None => format!("#{}", self.id),
        }
    }

    /// The gradient of a one-element node, if it has one.
    pub fn grad_f64(&self) -> Option<f64> {
        self.grad.as_ref().and_then(TensorData::item)
    }

    /// Whether the node is a leaf (it has no inputs).
    pub fn is_leaf(&self) -> bool {
        self.inputs.is_empty()
    }
}

impl Trace {
    /// The node with tape id `id`, if it is part of the trace.
    pub fn node(&self, id: usize) -> Option<&TraceNode> {
        self.nodes
            .binary_search_by_key(&id, |n| n.id)
            .ok()
            .map(|i| &self.nodes[i])
    }

    /// The name of node `id` (its label, else `#id`).
    pub fn name_of(&self, id: usize) -> String {
        self.node(id)
            .map(TraceNode::name)
            .unwrap_or_else(|| format!("#{id}"))
    }

    /// The messages node `id` received, in the order they arrived.
    pub fn messages_to(&self, id: usize) -> impl Iterator<Item = &TraceMessage> {
        self.messages.iter().filter(move |m| m.to == id)
    }
}
