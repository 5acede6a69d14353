//! Anomaly mode: find the first NaN or infinity where it is made, instead
//! of seeing it only in the loss.
//!
//! With anomaly mode on ([`Tape::set_anomaly_mode`]), every recorded value
//! and every backward message is checked. Because a label is given *after*
//! its op returns (`(a * b).label("z")`), a bad forward value is reported
//! when the tape is next used (the next op recorded on it, or the start of
//! a backward pass), so the report can name it. Reports are panics whose
//! message is the [`Anomaly`]'s `Display`; [`Tape::find_anomaly`] gives the
//! same report without panicking.

use std::cell::{Cell, RefCell};
use std::fmt;
use std::panic::Location;

use super::format::{shape as fmt_shape, stats};
use crate::nodes::Nodes;
use crate::ops::Op;
use crate::{NodeId, Scalar, Tape, Tensor, Var};

/// Where in the computation a non-finite value appeared.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum AnomalyPhase {
    /// An op computed a NaN or infinite value from finite inputs.
    Forward,
    /// A leaf (given data, or a value recorded before anomaly mode was on)
    /// already held NaN or infinite values when an op read it.
    Input {
        /// The op that read it.
        read_by: String,
        /// Where that op was recorded.
        at: String,
    },
    /// An op sent a NaN or infinite gradient message to one of its inputs.
    Backward {
        /// The receiving node's id.
        to: usize,
        /// The receiver's name (label, else `#id`).
        to_name: String,
        /// Which argument of the op the receiver is.
        input: usize,
    },
}

/// One input of the op an [`Anomaly`] is about.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AnomalyInput {
    /// The input node's id.
    pub id: usize,
    /// Its label, else `#id`.
    pub name: String,
    /// The op that produced it.
    pub op: String,
    /// Its shape.
    pub shape: Vec<usize>,
    /// Its values: min, max, and how many are NaN or infinite.
    pub summary: String,
}

/// The first NaN or infinity found by anomaly mode: which node, which op,
/// where in the source, and what its inputs held.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Anomaly {
    /// Forward value, leaf data, or backward message.
    pub phase: AnomalyPhase,
    /// The node at fault: the op's output (forward and backward), or the leaf.
    pub node: usize,
    /// Its op's name (`"ln"`, `"div"`, ...).
    pub op: String,
    /// Its label, if it has one.
    pub label: Option<String>,
    /// Where it was recorded, `file:line:column` (from `#[track_caller]`).
    pub location: String,
    /// The offending tensor (the value, or the message): shape and summary.
    pub value: String,
    /// The op's inputs (empty for a leaf).
    pub inputs: Vec<AnomalyInput>,
    /// Backward only: the gradient the op was passing on, summarised.
    pub grad: Option<String>,
}

impl std::error::Error for Anomaly {}

impl fmt::Display for Anomaly {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let name = match &self.label {
            Some(l) => format!("#{} \"{l}\"", self.node),
            None => format!("#{} (unlabelled)", self.node),
        };
        match &self.phase {
            AnomalyPhase::Forward => {
                writeln!(
                    f,
                    "anomaly: op `{}` produced a NaN or infinite value",
                    self.op
                )?;
                writeln!(f, "  node {name}, recorded at {}", self.location)?;
                writeln!(f, "  its value {}", self.value)?;
            }
            AnomalyPhase::Input { read_by, at } => {
                writeln!(
                    f,
                    "anomaly: {} `{}` already held NaN or infinite values",
                    self.op, name
                )?;
                writeln!(
                    f,
                    "  node {name} ({}), recorded at {}",
                    self.op, self.location
                )?;
                writeln!(f, "  its value {}", self.value)?;
                writeln!(f, "  found when op `{read_by}` read it at {at}")?;
            }
            AnomalyPhase::Backward { to, to_name, input } => {
                writeln!(
                    f,
                    "anomaly: op `{}` sent a NaN or infinite gradient message to its input {input} \
                     (#{to} {to_name})",
                    self.op
                )?;
                writeln!(f, "  node {name}, recorded at {}", self.location)?;
                writeln!(f, "  the message {}", self.value)?;
                if let Some(g) = &self.grad {
                    writeln!(f, "  the gradient it was passing on {g}")?;
                }
            }
        }
        for (i, x) in self.inputs.iter().enumerate() {
            writeln!(
                f,
                "  input {i}: #{} {} ({}) shape {}: {}",
                x.id,
                x.name,
                x.op,
                fmt_shape(&x.shape),
                x.summary
            )?;
        }
        Ok(())
    }
}

/// A forward anomaly waiting for the node's label (see the module docs).
struct Pending {
    anomaly: Anomaly,
}

/// Anomaly mode's state on a tape: the switch and a pending report.
#[derive(Default)]
pub(crate) struct AnomalyState {
    pub(crate) on: Cell<bool>,
    pending: RefCell<Option<Pending>>,
}

impl AnomalyState {
    /// Drops a pending report (the tape was reset).
    pub(crate) fn clear(&self) {
        self.pending.borrow_mut().take();
    }
}

fn summary<T: Scalar>(t: &Tensor<T>) -> String {
    let data: Vec<f64> = t.data().iter().map(|x| x.to_f64_lossy()).collect();
    format!("shape {}: {}", fmt_shape(t.dims()), stats(&data))
}

fn location_string(l: &Location<'_>) -> String {
    format!("{}:{}:{}", l.file(), l.line(), l.column())
}

impl<T: Scalar> Tape<T> {
    /// A tape with anomaly mode on (see [`Tape::set_anomaly_mode`]).
    pub fn with_anomaly_mode() -> Self {
        let tape = Tape::new();
        tape.set_anomaly_mode(true);
        tape
    }

    /// Switches anomaly mode on or off.
    ///
    /// When on, every recorded value and every backward message is checked
    /// for NaN and infinity. The first one found panics with an [`Anomaly`]
    /// report: the op that made it, the node's label, its inputs' shapes and
    /// value ranges, and the `file:line:column` where it was recorded. A
    /// bad forward value is reported at the next op recorded on this tape or
    /// at the next backward pass, so that its label is known; call
    /// [`Tape::find_anomaly`] to ask without panicking. When off, the cost is
    /// one test of a flag per op and per backward pass.
    ///
    /// ```should_panic
    /// use tape::Tape;
    /// let tape = Tape::with_anomaly_mode();
    /// let x = tape.var([1.0_f64, -1.0]).label("x");
    /// let h = x.ln().label("h"); // ln(-1) = NaN
    /// let _ = h.sum(); // panics: op `ln` produced a NaN ... node "h", recorded at ...
    /// ```
    pub fn set_anomaly_mode(&self, on: bool) {
        self.anomaly.on.set(on);
    }

    /// Whether anomaly mode is on.
    pub fn anomaly_mode(&self) -> bool {
        self.anomaly.on.get()
    }

    /// The first NaN or infinite value on the tape, without panicking: the
    /// pending anomaly-mode report if there is one, else the first recorded
    /// node (in recording order) whose value is not finite. Works with
    /// anomaly mode off too, though then an op computed under
    /// [`Tape::no_grad`] shows as a `constant` without inputs.
    ///
    /// ```
    /// use tape::Tape;
    /// let tape = Tape::new();
    /// let x = tape.var(0.0_f64).label("x");
    /// let y = (x / x).label("y"); // 0/0
    /// let a = tape.find_anomaly().unwrap();
    /// assert_eq!((a.op.as_str(), a.label.as_deref()), ("div", Some("y")));
    /// assert_eq!(a.node, y.id().index());
    /// ```
    pub fn find_anomaly(&self) -> Option<Anomaly> {
        if let Some(p) = self.anomaly.pending.borrow().as_ref() {
            let mut a = p.anomaly.clone();
            a.label = self.label_of(NodeId(a.node as u32));
            return Some(a);
        }
        let nodes = self.nodes.borrow();
        let bad = (0..nodes.len() as u32)
            .map(NodeId)
            .find(|&id| !nodes.value(id).all_finite())?;
        let inputs = nodes
            .parents(bad)
            .iter()
            .map(|&p| self.describe_input(p, &nodes.value(p)))
            .collect();
        Some(Anomaly {
            phase: AnomalyPhase::Forward,
            node: bad.index(),
            op: nodes.op_name(bad).to_string(),
            label: self.label_of(bad),
            location: location_string(nodes.locations[bad.index()]),
            value: summary(&nodes.value(bad)),
            inputs,
            grad: None,
        })
    }

    fn describe_input(&self, id: NodeId, value: &Tensor<T>) -> AnomalyInput {
        let data: Vec<f64> = value.data().iter().map(|x| x.to_f64_lossy()).collect();
        AnomalyInput {
            id: id.index(),
            name: self.label_of(id).unwrap_or_else(|| id.to_string()),
            op: self.op_name_of(id),
            shape: value.dims().to_vec(),
            summary: stats(&data),
        }
    }

    /// Panics with the pending forward report, now that its label is known.
    #[track_caller]
    pub(crate) fn report_pending_anomaly(&self) {
        let pending = self.anomaly.pending.borrow_mut().take();
        if let Some(p) = pending {
            let mut a = p.anomaly;
            a.label = self.label_of(NodeId(a.node as u32));
            panic!("{a}");
        }
    }

    /// Anomaly mode's check of a value about to be recorded by `op`.
    #[track_caller]
    pub(crate) fn check_recorded(&self, op: &Op<T>, inputs: &[Var<'_, T>], value: &Tensor<T>) {
        self.report_pending_anomaly();
        if value.all_finite() {
            return;
        }
        let at = location_string(Location::caller());
        let nodes = self.nodes.borrow();
        if let Some(bad) = inputs.iter().find(|v| !nodes.value(v.id).all_finite()) {
            let a = Anomaly {
                phase: AnomalyPhase::Input {
                    read_by: op.name().to_string(),
                    at,
                },
                node: bad.id.index(),
                op: nodes.op_name(bad.id).to_string(),
                label: self.label_of(bad.id),
                location: location_string(nodes.locations[bad.id.index()]),
                value: summary(&nodes.value(bad.id)),
                inputs: Vec::new(),
                grad: None,
            };
            drop(nodes);
            panic!("{a}");
        }
        let inputs = inputs
            .iter()
            .map(|v| self.describe_input(v.id, &nodes.value(v.id)))
            .collect();
        let anomaly = Anomaly {
            phase: AnomalyPhase::Forward,
            node: nodes.len(), // the id the value is about to get
            op: op.name().to_string(),
            label: None,
            location: at,
            value: summary(value),
            inputs,
            grad: None,
        };
        *self.anomaly.pending.borrow_mut() = Some(Pending { anomaly });
    }
}

/// Anomaly mode's check of one backward message (`from` sends `message` to
/// its input number `input`); panics with a report if it is not finite.
pub(crate) fn check_message<T: Scalar>(
    tape: &Tape<T>,
    nodes: &Nodes<T>,
    from: usize,
    input: usize,
    message: &Tensor<T>,
    grad: &Tensor<T>,
) {
    if message.all_finite() {
        return;
    }
    let id = NodeId(from as u32);
    let parents = nodes.parents(id);
    let to = parents[input];
    let a = Anomaly {
        phase: AnomalyPhase::Backward {
            to: to.index(),
            to_name: tape.label_of(to).unwrap_or_else(|| to.to_string()),
            input,
        },
        node: from,
        op: nodes.op_name(id).to_string(),
        label: tape.label_of(id),
        location: location_string(nodes.locations[from]),
        value: summary(message),
        inputs: parents
            .iter()
            .map(|&p| tape.describe_input(p, &nodes.value(p)))
            .collect(),
        grad: Some(summary(grad)),
    };
    panic!("{a}");
}
