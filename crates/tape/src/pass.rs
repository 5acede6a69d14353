//! The backward pass itself: one walk down the tape, each node summing the
//! messages it received and sending its inputs the VJPs of its op.
//!
//! Running sums are kept by representation (see `nodes.rs`): a 0-d node's
//! as a plain number, another node's as a tensor. A scalar-coded node's
//! messages are computed on numbers by its op's own VJP ([`Num`]); a
//! general node's on tensors. Either way every message is reported to the
//! observer, as a tensor, exactly as the tensor path would report it.

use smallvec::SmallVec;

use crate::algebra::Num;
use crate::backward::{Message, Observer};
use crate::nodes::{Node, Nodes, ValueRef, NO_PARENT};
use crate::ops::{Code, Op};
use crate::tape::NodeId;
use crate::{Scalar, Tape, Tensor};

/// The backward pass's working memory. The tape keeps it between passes,
/// so a pass over a tape of the same size allocates nothing.
pub(crate) struct Scratch<T: Scalar> {
    /// The running sums of 0-d nodes, by node id (valid where `reached`).
    sums: Vec<T>,
    /// Whether a 0-d node has received a message yet.
    reached: Vec<bool>,
    /// The running sums of the other nodes, by side-table index.
    tensors: Vec<Option<Tensor<T>>>,
}

impl<T: Scalar> Default for Scratch<T> {
    fn default() -> Self {
        Scratch {
            sums: Vec::new(),
            reached: Vec::new(),
            tensors: Vec::new(),
        }
    }
}

impl<T: Scalar> Scratch<T> {
    /// Empties the sums for a pass over `nodes` nodes and `general` side-table entries.
    fn prepare(&mut self, nodes: usize, general: usize) {
        self.reached.clear();
        self.reached.resize(nodes, false);
        // Stale numbers are harmless: a sum is read only once `reached`.
        if self.sums.len() < nodes {
            self.sums.resize(nodes, T::zero());
        }
        self.tensors.clear();
        self.tensors.resize_with(general, || None);
    }
}

/// One backward pass in progress.
pub(crate) struct Pass<'a, T: Scalar, O> {
    tape: &'a Tape<T>,
    nodes: &'a Nodes<T>,
    scratch: Scratch<T>,
    observer: &'a mut O,
    anomaly: bool,
}

impl<'a, T: Scalar, O: Observer<T>> Pass<'a, T, O> {
    /// Starts a pass from `root` with the message `seed` (shaped like it).
    pub(crate) fn new(
        tape: &'a Tape<T>,
        nodes: &'a Nodes<T>,
        root: NodeId,
        seed: Tensor<T>,
        observer: &'a mut O,
    ) -> Self {
        let mut scratch = std::mem::take(&mut *tape.scratch.borrow_mut());
        scratch.prepare(root.index() + 1, nodes.general.len());
        observer.seed(root, &seed);
        let r = &nodes.records[root.index()];
        if r.requires_grad {
            if r.rank0 {
                scratch.sums[root.index()] = seed.item();
                scratch.reached[root.index()] = true;
            } else {
                scratch.tensors[r.aux as usize] = Some(seed);
            }
        }
        Pass {
            tape,
            nodes,
            scratch,
            observer,
            anomaly: tape.anomaly.on.get(),
        }
    }

    /// Walks from `root` down to the first node, then returns the
    /// gradients of the variables and retained nodes up to `root`, in tape
    /// order, pushed onto `out`.
    pub(crate) fn run(mut self, root: NodeId, out: &mut Vec<(NodeId, Tensor<T>)>) {
        let nodes = self.nodes;
        for (id, r) in nodes.records[..=root.index()].iter().enumerate().rev() {
            match r.code {
                Code::Variable | Code::Constant => {} // a leaf keeps what it received
                Code::General => self.general_node(id, r),
                _ => self.scalar_node(id, r),
            }
        }
        self.collect(root, out);
        self.scratch.tensors.clear(); // their buffers go back to the cache now
        *self.tape.scratch.borrow_mut() = self.scratch;
    }

    /// A scalar-coded node: its op's VJP runs on plain numbers.
    #[inline(always)]
    fn scalar_node(&mut self, id: usize, r: &Node<T>) {
        if !self.scratch.reached[id] {
            return; // nothing reached this node: it does not affect the output
        }
        let g = self.scratch.sums[id];
        self.observer
            .node_done(NodeId(id as u32), &Tensor::scalar(g));
        let records = &self.nodes.records;
        // A scalar-coded op has one or two inputs, all 0-d: their values
        // are inline in their records.
        let arity = if r.parents[1] == NO_PARENT { 1 } else { 2 };
        let x0 = Num(records[r.parents[0] as usize].value);
        let x1 = match arity {
            2 => Num(records[r.parents[1] as usize].value),
            _ => Num(T::zero()),
        };
        let x = [&x0, &x1];
        let x = &x[..arity];
        for (i, &p) in r.parents[..arity].iter().enumerate() {
            if !records[p as usize].requires_grad {
                continue;
            }
            let Some(m) = r.code.vjp(r.param, r.aux, x, Num(r.value), Num(g), i) else {
                continue;
            };
            if self.anomaly && !m.is_finite() {
                let (m, g) = (Tensor::scalar(m), Tensor::scalar(g));
                crate::trace::check_message(self.tape, self.nodes, id, i, &m, &g);
            }
            self.add_number(id, i, p as usize, m, r.code.name::<T>());
        }
    }

    /// Adds the message `m` from `from` (argument `input` of it) to the sum
    /// of the 0-d node `to`.
    #[inline(always)]
    fn add_number(&mut self, from: usize, input: usize, to: usize, m: T, op: &str) {
        let s = &mut self.scratch;
        let total = if s.reached[to] {
            s.sums[to] + m
        } else {
            s.reached[to] = true;
            m // the first message is the sum (not 0 + m, which loses -0)
        };
        s.sums[to] = total;
        self.observer.message(&Message {
            from: NodeId(from as u32),
            to: NodeId(to as u32),
            input,
            op,
            value: &Tensor::scalar(m),
            total: &Tensor::scalar(total),
        });
    }

    /// A general node: its op's VJP runs on tensors.
    #[inline(never)]
    fn general_node(&mut self, id: usize, r: &Node<T>) {
        let nodes = self.nodes;
        let node = &nodes.general[r.aux as usize];
        if node.parents.is_empty() {
            return; // a leaf keeps what it received
        }
        let grad = if r.rank0 {
            if !self.scratch.reached[id] {
                return;
            }
            Tensor::scalar(self.scratch.sums[id])
        } else {
            match self.scratch.tensors[r.aux as usize].take() {
                Some(g) => g,
                None => return,
            }
        };
        let from = NodeId(id as u32);
        self.observer.node_done(from, &grad);
        let values: SmallVec<[ValueRef<'_, T>; 4]> =
            node.parents.iter().map(|&p| nodes.value(p)).collect();
        let inputs: SmallVec<[&Tensor<T>; 4]> = values.iter().map(|v| &**v).collect();
        let out = nodes.value(from);
        let op = node.op.name();
        for (i, &p) in node.parents.iter().enumerate() {
            let receiver = &nodes.records[p.index()];
            if !receiver.requires_grad {
                continue;
            }
            let Some(message) = node.op.vjp(&inputs, &out, &grad, i) else {
                continue;
            };
            // Built-in rules are shape-correct by construction (and
            // property-tested); a custom op's VJP is user code.
            if matches!(node.op, Op::Custom(_)) || cfg!(debug_assertions) {
                check_message(&node.op, i, &message, inputs[i]);
            }
            if self.anomaly {
                crate::trace::check_message(self.tape, nodes, id, i, &message, &grad);
            }
            if receiver.rank0 {
                self.add_number(id, i, p.index(), message.item(), op);
                continue;
            }
            let slot = &mut self.scratch.tensors[receiver.aux as usize];
            let (value, total) = match slot {
                Some(total) => {
                    total.add_assign(&message);
                    (&message, &*total)
                }
                None => {
                    // The first message becomes the sum: no copy.
                    let total = &*slot.insert(message);
                    (total, total)
                }
            };
            self.observer.message(&Message {
                from,
                to: p,
                input: i,
                op,
                value,
                total,
            });
        }
        if r.retain && !r.rank0 {
            // (a 0-d node's sum simply stays in `sums`)
            self.scratch.tensors[r.aux as usize] = Some(grad);
        }
    }

    /// The gradients of the variables and retained nodes up to `root`.
    /// Those that no message reached get zeros: the output does not depend
    /// on them.
    fn collect(&mut self, root: NodeId, out: &mut Vec<(NodeId, Tensor<T>)>) {
        let nodes = self.nodes;
        let s = &mut self.scratch;
        for &id in nodes.kept.iter().take_while(|&&id| id <= root.0) {
            let nid = NodeId(id);
            let r = &nodes.records[nid.index()];
            if !(nodes.is_variable(nid) || (r.retain && r.requires_grad)) {
                continue;
            }
            let grad = if r.rank0 {
                let reached = s.reached[nid.index()];
                Tensor::scalar(if reached {
                    s.sums[nid.index()]
                } else {
                    T::zero()
                })
            } else {
                s.tensors[r.aux as usize]
                    .take()
                    .unwrap_or_else(|| Tensor::zeros(nodes.shape(nid)))
            };
            out.push((nid, grad));
        }
    }
}

/// Panics if a message does not have its receiver's shape (a wrong VJP).
#[track_caller]
fn check_message<T: Scalar>(op: &Op<T>, input: usize, message: &Tensor<T>, receiver: &Tensor<T>) {
    assert!(
        message.shape() == receiver.shape(),
        "backward: op `{}` sent input {input} a message of shape {:?}, but that input has \
         shape {:?} (a VJP must return the gradient shaped like its input)",
        op.name(),
        message.shape(),
        receiver.shape()
    );
}
