//! The article's section 4.3 worked example, computed by the tape: every
//! forward value, every backward message (watched with an
//! [`Observer`]), every gradient, and one SGD step.

use std::fmt::Write;

use tape::{Message, NodeId, Observer, Tape, Tensor};

use super::{fmt_num, fmt_tensor, worked_example_data, SeedNet};
use crate::loss::{mse, Reduction};
use crate::optim::{Optimizer, Sgd};
use crate::{Module, ParamStore};

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
    let loss = mse(a2, y, Reduction::Mean).label("loss");

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

    /// Where the article's section 4.3 arithmetic differs from the tape's
    /// numbers, one finding per entry.
    pub fn article_differences(&self) -> Vec<String> {
        let (z1, a1) = (self.value("z1").data(), self.value("a1").data());
        let (z2, a2) = (self.value("z2").data()[0], self.value("a2").data()[0]);
        let d_a2 = 2.0 * (a2 - 0.5);
        let s2 = a2 * (1.0 - a2);
        vec![
            format!(
                "z1: 1*1 + 2*2 + 3*3 + 1 is {}, not 14 (14 is the sum without the bias), and \
                 the second hidden neuron (bias 2) gives {}; the article computes one neuron \
                 only and then uses its a1 = 0.9999 for both (correctly a1 = [{}, {}]).",
                fmt_num(z1[0]),
                fmt_num(z1[1]),
                fmt_num(a1[0]),
                fmt_num(a1[1])
            ),
            format!(
                "z2: the article adds both 6 and 7 (an output neuron has one bias) and gets \
                 21.9995 (its own sum 0.9999*9 + 13 would be 21.9991). Correctly \
                 z2 = 4 a1[0] + 5 a1[1] + 6 = {}, a2 = {}.",
                fmt_num(z2),
                fmt_num(a2)
            ),
            "z3, a3: a 3-2-1 network has no third layer; the article invents one by applying \
             W2 and b2 a second time."
                .to_string(),
            format!(
                "delta3 = a3 - y = 0.4999 drops the sigmoid derivative and the MSE factor 2: \
                 d loss/d a2 = 2 (a2 - y) = {}, d loss/d z2 = 2 (a2 - y) a2 (1 - a2) = {}.",
                fmt_num(d_a2),
                fmt_num(d_a2 * s2)
            ),
            format!(
                "delta2 = sigma'(z2) * delta3 with sigma'(z2) = 0.9999: that is sigma(z2), not \
                 its derivative sigma(z2) (1 - sigma(z2)) = {} (the output neuron is \
                 saturated); and 0.9999 * 0.4999 is 0.49985, not 0.4995.",
                fmt_num(s2)
            ),
            format!(
                "W2: 4 - 0.1 * 0.4995 is 3.95005, not 3.501 (the article subtracts 0.4995 \
                 itself, dropping the learning rate); and dW2 = delta * a1 differs per weight. \
                 The true d loss/d W2 = {}: W2 barely moves.",
                fmt_tensor(self.grad("w2"))
            ),
            "b2: [6, 7] - 0.1 * 0.4995 is [5.95005, 6.95005], not [5.5005, 6.5005] (the \
             learning rate dropped again), and there is only one output bias."
                .to_string(),
            format!(
                "W1: the article subtracts 0.4994 from every weight (not 0.1 * 0.4994), and \
                 ignores that d loss/d w1k = delta1 * x_k scales with x = [1, 2, 3]. The true \
                 d loss/d W1 = {}: the saturated sigmoids pass almost nothing back.",
                fmt_tensor(self.grad("w1"))
            ),
        ]
    }
}
