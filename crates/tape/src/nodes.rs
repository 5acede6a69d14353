//! How the tape stores its nodes: one small fixed-size record per node, with
//! tensors and general ops kept in a side table.
//!
//! Scalar code (a micrograd-style chain of `+ * tanh` on 0-d values) records
//! millions of nodes whose whole content is a number, an op and one or two
//! input ids. Storing each as a full op, a [`Tensor`] and a small vector of
//! inputs (~150 bytes) made memory traffic and per-node bookkeeping the
//! cost of every op. So each node is a [`Node`] record of 24 or 32 bytes:
//!
//! - a node whose value is 0-d and whose op has a scalar form (a leaf,
//!   `+ - * /` and the elementwise functions, see `ops::ScalarRule`) lives
//!   entirely in its record: the value inline, the op as a one-byte
//!   [`Code`] plus its constant, its (at most two) inputs inline;
//! - any other node is [`Code::General`]: its op, inputs and (unless 0-d)
//!   its tensor value live in a [`General`] entry that the record points to.
//!
//! Every 0-d value lives inline, whatever its op, so "is this node 0-d" is
//! one flag: the backward pass keeps the gradients of 0-d nodes as plain
//! numbers and those of the others as tensors.
//!
//! Where each node was recorded is kept in its own array: it is written on
//! recording and read only by traces and reports, never by backward.

use std::ops::Deref;
use std::panic::Location;

use smallvec::SmallVec;

use crate::ops::{Code, Op};
use crate::tape::NodeId;
use crate::{Scalar, Shape, Tensor};

/// The marker for "no input" in [`Node::parents`].
pub(crate) const NO_PARENT: u32 = u32::MAX;

/// One recorded node: the compact record of the module docs.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Node<T: Scalar> {
    /// The value, if the node is 0-d (`rank0`); unused otherwise.
    pub(crate) value: T,
    /// The constant of a scalar-coded op (`c` of `x + c`); unused otherwise.
    pub(crate) param: T,
    /// A scalar-coded node's inputs ([`NO_PARENT`] where absent).
    pub(crate) parents: [u32; 2],
    /// [`Code::General`]: the index of the node's [`General`] entry; a
    /// scalar-coded op: its integer constant (the `n` of `powi`).
    pub(crate) aux: u32,
    /// What produced the node.
    pub(crate) code: Code,
    /// Whether the value is 0-d (and so stored in `value`).
    pub(crate) rank0: bool,
    /// Whether gradient messages flow into this node (it depends on a variable).
    pub(crate) requires_grad: bool,
    /// Keep this node's gradient after backward (see `Var::retain_grad`).
    pub(crate) retain: bool,
}

impl<T: Scalar> Node<T> {
    /// The inputs of a scalar-coded node.
    pub(crate) fn scalar_parents(&self) -> &[u32] {
        let n = self.parents.iter().take_while(|&&p| p != NO_PARENT).count();
        &self.parents[..n]
    }
}

/// The part of a node that does not fit its record.
pub(crate) struct General<T: Scalar> {
    /// The op that produced the node.
    pub(crate) op: Op<T>,
    /// Its inputs, in argument order.
    pub(crate) parents: SmallVec<[NodeId; 4]>,
    /// The value, unless it is 0-d (then it is in the record).
    pub(crate) value: Option<Tensor<T>>,
}

/// A node's value as a tensor: borrowed from the side table, or a 0-d
/// tensor made from the record (no heap allocation either way).
pub(crate) enum ValueRef<'a, T: Scalar> {
    /// A 0-d value, rebuilt from its record.
    Inline(Tensor<T>),
    /// A tensor stored in the side table.
    Stored(&'a Tensor<T>),
}

impl<T: Scalar> Deref for ValueRef<'_, T> {
    type Target = Tensor<T>;
    fn deref(&self) -> &Tensor<T> {
        match self {
            ValueRef::Inline(t) => t,
            ValueRef::Stored(t) => t,
        }
    }
}

/// All recorded nodes of a tape.
#[derive(Default)]
pub(crate) struct Nodes<T: Scalar> {
    /// One record per node, in recording order.
    pub(crate) records: Vec<Node<T>>,
    /// Where each node was recorded (same indices as `records`).
    pub(crate) locations: Vec<&'static Location<'static>>,
    /// The side table of [`Code::General`] nodes.
    pub(crate) general: Vec<General<T>>,
    /// The variables and the nodes marked with `retain_grad`, sorted and
    /// without repeats: the nodes a backward pass returns gradients for.
    pub(crate) kept: Vec<u32>,
}

impl<T: Scalar> Nodes<T> {
    /// No nodes, with room for `n` before reallocating.
    pub(crate) fn with_capacity(n: usize) -> Self {
        Nodes {
            records: Vec::with_capacity(n),
            locations: Vec::with_capacity(n),
            general: Vec::new(),
            kept: Vec::new(),
        }
    }

    /// The number of nodes.
    pub(crate) fn len(&self) -> usize {
        self.records.len()
    }

    /// Forgets every node, keeping the memory.
    pub(crate) fn clear(&mut self) {
        self.records.clear();
        self.locations.clear();
        self.general.clear();
        self.kept.clear();
    }

    /// The id the next node gets.
    #[track_caller]
    fn next_id(&self) -> u32 {
        u32::try_from(self.records.len())
            .ok()
            .filter(|&id| id != NO_PARENT)
            .expect("a tape holds fewer than 2^32 - 1 nodes")
    }

    /// Appends a node stored entirely in its record and returns its id.
    ///
    /// Inlined into the recording fast path: passed by pointer, the record
    /// was written field by field and re-read whole, which stalled.
    #[inline(always)]
    pub(crate) fn push_record(
        &mut self,
        record: Node<T>,
        location: &'static Location<'static>,
    ) -> NodeId {
        let id = self.next_id();
        if record.code == Code::Variable {
            self.kept.push(id); // ids grow, so `kept` stays sorted
        }
        self.records.push(record);
        self.locations.push(location);
        NodeId(id)
    }

    /// Appends a node of any op, choosing its representation (see the
    /// module docs), and returns its id.
    pub(crate) fn push(
        &mut self,
        op: Op<T>,
        parents: SmallVec<[NodeId; 4]>,
        value: Tensor<T>,
        requires_grad: bool,
        location: &'static Location<'static>,
    ) -> NodeId {
        let rank0 = value.rank() == 0;
        let item = if rank0 { value.item() } else { T::zero() };
        // A scalar-coded op with a 0-d output has 0-d inputs (broadcasting
        // only keeps rank 0 when every input is 0-d), which the backward
        // pass relies on; the arity check is a second guard.
        if let (true, Some((code, param, aux))) = (rank0 && parents.len() <= 2, op.encode()) {
            let mut ids = [NO_PARENT; 2];
            for (slot, p) in ids.iter_mut().zip(&parents) {
                *slot = p.0;
            }
            let record = Node {
                value: item,
                param,
                parents: ids,
                aux,
                code,
                rank0: true,
                requires_grad,
                retain: false,
            };
            return self.push_record(record, location);
        }
        let id = self.next_id();
        if matches!(op, Op::Variable) {
            self.kept.push(id);
        }
        let aux = u32::try_from(self.general.len()).expect("fewer than 2^32 general nodes");
        self.general.push(General {
            op,
            parents,
            value: (!rank0).then_some(value),
        });
        self.records.push(Node {
            value: item,
            param: T::zero(),
            parents: [NO_PARENT; 2],
            aux,
            code: Code::General,
            rank0,
            requires_grad,
            retain: false,
        });
        self.locations.push(location);
        NodeId(id)
    }

    /// Marks a node to keep its gradient after backward.
    pub(crate) fn retain(&mut self, id: NodeId) {
        self.records[id.index()].retain = true;
        if let Err(at) = self.kept.binary_search(&id.0) {
            self.kept.insert(at, id.0);
        }
    }

    /// The value of a node as a tensor.
    pub(crate) fn value(&self, id: NodeId) -> ValueRef<'_, T> {
        let r = &self.records[id.index()];
        if r.rank0 {
            ValueRef::Inline(Tensor::scalar(r.value))
        } else {
            ValueRef::Stored(
                self.general[r.aux as usize]
                    .value
                    .as_ref()
                    .expect("a node that is not 0-d keeps its value in the side table"),
            )
        }
    }

    /// The shape of a node's value.
    pub(crate) fn shape(&self, id: NodeId) -> Shape {
        let r = &self.records[id.index()];
        if r.rank0 {
            Shape::scalar()
        } else {
            self.value(id).shape().clone()
        }
    }

    /// The side-table entry of a [`Code::General`] node.
    pub(crate) fn general_of(&self, r: &Node<T>) -> Option<&General<T>> {
        (r.code == Code::General).then(|| &self.general[r.aux as usize])
    }

    /// The name of the op that produced a node.
    pub(crate) fn op_name(&self, id: NodeId) -> &str {
        let r = &self.records[id.index()];
        match self.general_of(r) {
            Some(g) => g.op.name(),
            None => r.code.name::<T>(),
        }
    }

    /// Whether a node is a variable (a leaf that gradients are taken for).
    pub(crate) fn is_variable(&self, id: NodeId) -> bool {
        let r = &self.records[id.index()];
        match self.general_of(r) {
            Some(g) => matches!(g.op, Op::Variable),
            None => r.code == Code::Variable,
        }
    }

    /// The inputs of a node, in argument order.
    pub(crate) fn parents(&self, id: NodeId) -> SmallVec<[NodeId; 4]> {
        let r = &self.records[id.index()];
        match self.general_of(r) {
            Some(g) => g.parents.clone(),
            None => r.scalar_parents().iter().map(|&p| NodeId(p)).collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The record sizes the module docs promise (and the benches rely on).
    #[test]
    fn records_are_compact() {
        assert_eq!(std::mem::size_of::<Node<f64>>(), 32);
        assert_eq!(std::mem::size_of::<Node<f32>>(), 24);
    }

    #[test]
    fn zero_d_values_are_inline_and_others_in_the_side_table() {
        let mut nodes = Nodes::<f64>::default();
        let here = Location::caller();
        let a = nodes.push(
            Op::Variable,
            SmallVec::new(),
            Tensor::scalar(2.0),
            true,
            here,
        );
        let v = nodes.push(Op::Variable, SmallVec::new(), Tensor::ones([3]), true, here);
        assert_eq!(nodes.records[a.index()].code, Code::Variable);
        assert!(nodes.records[a.index()].rank0);
        assert_eq!(nodes.records[v.index()].code, Code::General);
        assert_eq!(nodes.general.len(), 1);
        assert_eq!(*nodes.value(a), Tensor::scalar(2.0));
        assert_eq!(nodes.value(v).data(), &[1.0; 3]);
        assert_eq!(nodes.kept, vec![a.0, v.0]);
        nodes.retain(a);
        assert_eq!(nodes.kept, vec![a.0, v.0], "no repeats");
    }
}
