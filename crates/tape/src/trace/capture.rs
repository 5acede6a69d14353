//! Recording a [`Trace`]: the graph of an output, and an observer that
//! writes down every backward message.

use std::collections::HashMap;

use super::{ForwardStep, TensorData, Trace, TraceMessage, TraceNode};
use crate::{Message, NodeId, Observer, Scalar, Tape, Tensor, Var};

/// The observer behind [`Trace::capture`]: it keeps every message and
/// every intermediate node's summed gradient.
struct Recorder {
    seed: Option<TensorData>,
    grads: HashMap<usize, TensorData>,
    messages: Vec<TraceMessage>,
}

impl<T: Scalar> Observer<T> for Recorder {
    fn seed(&mut self, _root: NodeId, seed: &Tensor<T>) {
        self.seed = Some(TensorData::from_tensor(seed));
    }

    fn node_done(&mut self, node: NodeId, grad: &Tensor<T>) {
        self.grads
            .insert(node.index(), TensorData::from_tensor(grad));
    }

    fn message(&mut self, m: &Message<'_, T>) {
        self.messages.push(TraceMessage {
            from: m.from.index(),
            to: m.to.index(),
            input: m.input,
            op: m.op.to_string(),
            value: TensorData::from_tensor(m.value),
            total: TensorData::from_tensor(m.total),
        });
    }
}

impl Trace {
    /// Backpropagates from the one-element `output` (a loss), watching
    /// every message, and returns the graph of the output with its forward
    /// steps, every message in the order it was sent, and each node's
    /// gradient.
    ///
    /// # Panics
    /// If `output` has more than one element (like [`Var::backward`]).
    ///
    /// ```
    /// use tape::{Tape, Trace};
    /// let tape = Tape::new();
    /// let w = tape.var(2.0_f64).label("w");
    /// let loss = (w * w).label("loss");
    /// let trace = Trace::capture(loss);
    /// let m = &trace.messages[0];
    /// assert_eq!((m.from, m.to, m.op.as_str()), (loss.id().index(), w.id().index(), "mul"));
    /// assert_eq!(m.value.item(), Some(2.0)); // d(w*w)/d(first w) = w
    /// assert_eq!(trace.messages[1].total.item(), Some(4.0)); // 2w, once both arrived
    /// ```
    #[track_caller]
    pub fn capture<T: Scalar>(output: Var<'_, T>) -> Trace {
        let mut recorder = Recorder {
            seed: None,
            grads: HashMap::new(),
            messages: Vec::new(),
        };
        let grads = output.backward_observed(&mut recorder);
        let mut trace = Self::graph_of(output);
        for node in &mut trace.nodes {
            let id = node.id;
            node.grad = if let Some(g) = recorder.grads.remove(&id) {
                Some(g) // an intermediate node: the sum it passed on
            } else if let Some(g) = grads.get_by_id(NodeId(id as u32)) {
                Some(TensorData::from_tensor(g)) // a variable (or retained node)
            } else {
                // Not reached by backward, or a node whose sum was not kept:
                // the last running sum it received, if any.
                recorder
                    .messages
                    .iter()
                    .rev()
                    .find(|m| m.to == id)
                    .map(|m| m.total.clone())
            };
        }
        trace.seed = recorder.seed;
        trace.messages = recorder.messages;
        trace
    }

    /// The forward graph of `output` alone, without backpropagating: every
    /// node it depends on, with values, and no gradients or messages. Use
    /// it to draw a graph whose output is not a single number.
    pub fn graph_of<T: Scalar>(output: Var<'_, T>) -> Trace {
        let tape = output.tape();
        let root = output.id().index();
        let needed = ancestors(tape, root);
        let mut nodes = Vec::new();
        let mut forward = Vec::new();
        for id in (0..=root).filter(|&i| needed[i]) {
            let nid = NodeId(id as u32);
            let loc = tape.location_of(nid);
            let node = TraceNode {
                id,
                op: tape.op_name_of(nid),
                label: tape.label_of(nid),
                value: TensorData::from_tensor(&tape.value_of(nid)),
                inputs: tape.inputs_of(nid).iter().map(|p| p.index()).collect(),
                grad: None,
                location: format!("{}:{}:{}", loc.file(), loc.line(), loc.column()),
            };
            nodes.push(node);
        }
        for node in &nodes {
            let formula = formula(&nodes, node);
            forward.push(ForwardStep {
                node: node.id,
                formula,
            });
        }
        Trace {
            dtype: T::NAME.to_string(),
            output: root,
            nodes,
            forward,
            seed: None,
            messages: Vec::new(),
        }
    }
}

/// Which nodes `root` depends on (itself included), by tape index.
fn ancestors<T: Scalar>(tape: &Tape<T>, root: usize) -> Vec<bool> {
    let mut needed = vec![false; root + 1];
    needed[root] = true;
    // Inputs always precede their users, so one backward sweep suffices.
    for id in (0..=root).rev() {
        if needed[id] {
            for p in tape.inputs_of(NodeId(id as u32)) {
                needed[p.index()] = true;
            }
        }
    }
    needed
}

/// `"z1 = add(xW1, b1)"`, or `"x = variable [1, 3]"` for a leaf.
fn formula(nodes: &[TraceNode], node: &TraceNode) -> String {
    let name_of = |id: usize| {
        nodes
            .binary_search_by_key(&id, |n| n.id)
            .map(|i| nodes[i].name())
            .unwrap_or_else(|_| format!("#{id}"))
    };
    if node.is_leaf() {
        format!("{} = {} {:?}", node.name(), node.op, node.value.shape)
    } else {
        let args: Vec<String> = node.inputs.iter().map(|&i| name_of(i)).collect();
        format!("{} = {}({})", node.name(), node.op, args.join(", "))
    }
}
