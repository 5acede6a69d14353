//! The article's section 4.3 worked example, computed by the tape: every
//! forward value, every backward message (watched with an
//! [`Observer`]), every gradient, and one SGD step; and where the article's
//! own arithmetic differs ([`WorkedExample::article_differences`],
//! [`article_updates`]).

mod article;

use std::fmt::Write;

use tape::{Message, NodeId, Observer, Tape, Tensor};

use super::{fmt_num, fmt_tensor, worked_example_data, SeedNet};
use crate::optim::{Optimizer, Sgd};
use crate::{Module, ParamStore};

pub use article::{article_updates, ArticleUpdate, ARTICLE_SIGMA};

/// The learning rate of the article's parameter update.
pub const LEARNING_RATE: f64 = 0.1;

/// One recorded node of the forward pass.
#[derive(Clone, Debug)]
pub struct ForwardNode {
    /// The node's name: its label, or `#id` if it has none.
    pub name: String,
    /// The op that produced it.
    pub op: String,
    /// The names of its inputs.
    pub inputs: Vec<String>,
    /// Its value.
    pub value: Tensor<f64>,
}

/// One event of the backward pass, in the order the tape produced it.
#[derive(Clone, Debug)]
pub enum BackwardEvent {
    /// The output received the seed message.
    Seed {
        /// The output's name.
        node: String,
        /// The seed (1 for a loss).
        value: Tensor<f64>,
    },
    /// A node summed its messages: its gradient d loss / d node.
    Done {
        /// The node's name.
        node: String,
        /// Its gradient.
        grad: Tensor<f64>,
    },
    /// A message sent along one edge.
    Message {
        /// The sender (an op's output).
        from: String,
        /// The sending op.
        op: String,
        /// The receiver (one of the op's inputs).
        to: String,
        /// The message: d loss / d receiver through this edge.
        value: Tensor<f64>,
        /// The receiver's running sum after it.
        total: Tensor<f64>,
    },
}

/// Everything the worked example computes.
#[derive(Clone, Debug)]
pub struct WorkedExample {
    /// The forward pass, node by node in recording order.
    pub forward: Vec<ForwardNode>,
    /// The loss `mean((a2 - y)²)`.
    pub loss: f64,
    /// The backward pass, event by event.
    pub backward: Vec<BackwardEvent>,
    /// `(name, d loss / d parameter)` for w1, b1, w2, b2.
    pub grads: Vec<(String, Tensor<f64>)>,
    /// `(name, value)` of each parameter after one SGD step of
    /// [`LEARNING_RATE`].
    pub updated: Vec<(String, Tensor<f64>)>,
}

fn name_of(tape: &Tape<f64>, id: NodeId) -> String {
    tape.label_of(id).unwrap_or_else(|| format!("{id}"))
}

/// Records the backward events with the nodes' names.
struct Recorder<'a> {
    tape: &'a Tape<f64>,
    events: Vec<BackwardEvent>,
}

impl Observer<f64> for Recorder<'_> {
    fn seed(&mut self, root: NodeId, seed: &Tensor<f64>) {
        self.events.push(BackwardEvent::Seed {
            node: name_of(self.tape, root),
            value: seed.clone(),
        });
    }

    fn node_done(&mut self, node: NodeId, grad: &Tensor<f64>) {
        self.events.push(BackwardEvent::Done {
            node: name_of(self.tape, node),
            grad: grad.clone(),
        });
    }

    fn message(&mut self, m: &Message<'_, f64>) {
        self.events.push(BackwardEvent::Message {
            from: name_of(self.tape, m.from),
            op: m.op.to_string(),
            to: name_of(self.tape, m.to),
            value: m.value.clone(),
            total: m.total.clone(),
        });
    }
}

/// Runs the worked example in f64: forward, backward (observed), and one
/// SGD step with learning rate [`LEARNING_RATE`].
pub fn run() -> WorkedExample {
    let mut store = ParamStore::<f64>::new();
    let net = SeedNet::article(&mut store);
    let data = worked_example_data::<f64>();
    let tape = Tape::new();
    let bound = store.bind_labelled(&tape);
    let x = tape.constant(data.x).label("x");
    let y = tape.constant(data.y).label("y");
    let a2 = net.forward(x, &bound);
    // The loss spelled out as sub, square, mean (what `mse` computes in one
    // fused node), so the walk-through shows each of its messages.
    let loss = (a2 - y).square().mean().label("loss");

    let forward = tape
        .node_ids()
        .map(|id| ForwardNode {
            name: name_of(&tape, id),
            op: tape.op_name_of(id),
            inputs: tape
                .inputs_of(id)
                .into_iter()
                .map(|i| name_of(&tape, i))
                .collect(),
            value: tape.value_of(id),
        })
        .collect();
    let mut recorder = Recorder {
        tape: &tape,
        events: Vec::new(),
    };
    let grads = loss.backward_observed(&mut recorder);
    let backward = recorder.events;
    let names = ["w1", "b1", "w2", "b2"];
    let ids = [net.w1, net.b1, net.w2, net.b2];
    let param_grads = names
        .iter()
        .zip(ids)
        .map(|(n, id)| {
            (
                n.to_string(),
                bound.grad(id, &grads).expect("trainable").clone(),
            )
        })
        .collect();
    let loss_value = loss.item();
    Sgd::new(LEARNING_RATE).step(&mut store, &bound, &grads);
    let updated = names
        .iter()
        .zip(ids)
        .map(|(n, id)| (n.to_string(), store.value(id).clone()))
        .collect();
    WorkedExample {
        forward,
        loss: loss_value,
        backward,
        grads: param_grads,
        updated,
    }
}

impl WorkedExample {
    /// The example's numbers as printed text: the forward pass, every
    /// backward message, the gradients and the updated parameters.
    pub fn render(&self) -> String {
        let mut s = String::new();
        let _ = writeln!(s, "Forward pass (node = op(inputs) -> value):");
        for n in &self.forward {
            let _ = writeln!(
                s,
                "  {} = {}({}) -> {}",
                n.name,
                n.op,
                n.inputs.join(", "),
                fmt_tensor(&n.value)
            );
        }
        let _ = writeln!(s, "Loss: {}", fmt_num(self.loss));
        let _ = writeln!(s, "Backward messages (in the order the tape sends them):");
        for e in &self.backward {
            let _ = match e {
                BackwardEvent::Seed { node, value } => {
                    writeln!(s, "  seed: d loss/d {node} = {}", fmt_tensor(value))
                }
                BackwardEvent::Done { node, grad } => {
                    writeln!(
                        s,
                        "  {node} has summed its messages: grad = {}",
                        fmt_tensor(grad)
                    )
                }
                BackwardEvent::Message {
                    from,
                    op,
                    to,
                    value,
                    total,
                } => writeln!(
                    s,
                    "    {from} ({op}) -> {to}: message {}, {to} total {}",
                    fmt_tensor(value),
                    fmt_tensor(total)
                ),
            };
        }
        let _ = writeln!(s, "Gradients:");
        for (n, g) in &self.grads {
            let _ = writeln!(s, "  d loss/d {n} = {}", fmt_tensor(g));
        }
        let _ = writeln!(s, "After one SGD step (lr = {LEARNING_RATE}):");
        for (n, v) in &self.updated {
            let _ = writeln!(s, "  {n} = {}", fmt_tensor(v));
        }
        s
    }
}

impl WorkedExample {
    fn value(&self, name: &str) -> &Tensor<f64> {
        &self
            .forward
            .iter()
            .find(|n| n.name == name)
            .unwrap_or_else(|| panic!("the forward pass has no node `{name}`"))
            .value
    }

    fn grad(&self, name: &str) -> &Tensor<f64> {
        &self
            .grads
            .iter()
            .find(|(n, _)| n == name)
            .unwrap_or_else(|| panic!("no parameter `{name}`"))
            .1
    }
}
