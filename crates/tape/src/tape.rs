//! The tape: an append-only list of recorded nodes, and [`Var`], the cheap
//! handle to one of them.

use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::fmt;
use std::panic::Location;
use std::sync::atomic::{AtomicU64, Ordering};

use smallvec::SmallVec;

use crate::backward::Scratch;
use crate::nodes::Nodes;
use crate::ops::Op;
use crate::{Scalar, Shape, Tensor};

/// The position of a node on its tape (0 is the first recorded node).
///
/// Nodes are numbered in recording order, so a node's inputs always have
/// smaller ids: the tape is topologically sorted by construction.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Debug)]
pub struct NodeId(pub(crate) u32);

impl NodeId {
    /// The node's index on the tape.
    pub fn index(self) -> usize {
        self.0 as usize
    }
}

impl fmt::Display for NodeId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "#{}", self.0)
    }
}

/// Gives every tape a process-unique id, so handles and gradients from one
/// tape are recognised (and rejected) on another.
static NEXT_TAPE_ID: AtomicU64 = AtomicU64::new(1);

/// A tape records the operations of a computation so it can be
/// differentiated by message passing (see the [crate docs](crate)).
///
/// Handles ([`Var`]) borrow the tape, so [`Tape::reset`], which needs
/// `&mut self`, cannot be called while any handle is alive: a stale handle
/// is a compile error. A handle used with a *different* tape is caught at
/// run time with a clear panic.
///
/// ```
/// use tape::Tape;
/// let mut tape = Tape::new();
/// for step in 0..3 {
///     tape.reset(); // keeps its memory for the next step
///     let x = tape.var(step as f64);
///     let y = x * x;
///     assert_eq!(y.backward()[x].item(), 2.0 * step as f64);
/// }
/// ```
///
/// A handle kept across a reset does not compile:
///
/// ```compile_fail
/// use tape::Tape;
/// let mut tape = Tape::new();
/// let x = tape.var(1.0_f64);
/// tape.reset(); // error: `tape` is still borrowed by `x`
/// let y = x * x;
/// ```
pub struct Tape<T: Scalar> {
    id: u64,
    generation: u32,
    pub(crate) nodes: RefCell<Nodes<T>>,
    /// The backward pass's working buffers, kept for the next pass.
    pub(crate) scratch: RefCell<Scratch<T>>,
    labels: RefCell<HashMap<NodeId, String>>,
    no_grad_depth: Cell<u32>,
    /// Anomaly mode's switch and pending report (see `trace/anomaly.rs`).
    pub(crate) anomaly: crate::trace::AnomalyState,
}

impl<T: Scalar> Default for Tape<T> {
    fn default() -> Self {
        Self::new()
    }
}

impl<T: Scalar> Tape<T> {
    /// An empty tape.
    pub fn new() -> Self {
        Self::with_capacity(0)
    }

    /// An empty tape with room for `nodes` nodes before it reallocates.
    pub fn with_capacity(nodes: usize) -> Self {
        Tape {
            id: NEXT_TAPE_ID.fetch_add(1, Ordering::Relaxed),
            generation: 0,
            nodes: RefCell::new(Nodes::with_capacity(nodes)),
            scratch: RefCell::default(),
            labels: RefCell::new(HashMap::new()),
            no_grad_depth: Cell::new(0),
            anomaly: Default::default(),
        }
    }

    /// Forgets every recorded node but keeps the memory for reuse.
    ///
    /// Needs `&mut self`, so no [`Var`] of the old recording can survive it.
    /// [`Gradients`](crate::Gradients) computed before the reset are
    /// rejected (with a panic naming the problem) if indexed by new handles.
    pub fn reset(&mut self) {
        self.nodes.get_mut().clear();
        self.labels.get_mut().clear();
        self.anomaly.clear();
        self.generation = self.generation.wrapping_add(1);
    }

    /// The number of recorded nodes.
    pub fn len(&self) -> usize {
        self.nodes.borrow().len()
    }

    /// Whether nothing has been recorded since creation or the last reset.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// How many nodes fit before the tape's node list reallocates.
    pub fn capacity(&self) -> usize {
        self.nodes.borrow().records.capacity()
    }

    /// Records a leaf that gradients are taken with respect to.
    ///
    /// Accepts anything convertible to a tensor: `2.0`, `[1.0, 2.0]`,
    /// `[[1.0, 2.0], [3.0, 4.0]]` or a [`Tensor`].
    #[track_caller]
    pub fn var(&self, value: impl Into<Tensor<T>>) -> Var<'_, T> {
        let requires_grad = !self.is_no_grad();
        let op = if requires_grad {
            Op::Variable
        } else {
            Op::Constant
        };
        self.push(op, SmallVec::new(), value.into(), requires_grad)
    }

    /// Records a leaf that never receives gradient messages.
    #[track_caller]
    pub fn constant(&self, value: impl Into<Tensor<T>>) -> Var<'_, T> {
        self.push(Op::Constant, SmallVec::new(), value.into(), false)
    }

    /// Runs `f` with recording switched off: every op computes its value
    /// but is stored as a constant with no inputs, so no message will flow
    /// through it. Nested calls are fine; recording resumes afterwards even
    /// if `f` panics.
    ///
    /// ```
    /// use tape::Tape;
    /// let tape = Tape::new();
    /// let x = tape.var(3.0_f64);
    /// let y = tape.no_grad(|| x * x); // 9, but not differentiable
    /// let z = x * y;
    /// assert_eq!(z.backward()[x].item(), 9.0); // not 27
    /// ```
    pub fn no_grad<R>(&self, f: impl FnOnce() -> R) -> R {
        struct Restore<'a>(&'a Cell<u32>);
        impl Drop for Restore<'_> {
            fn drop(&mut self) {
                self.0.set(self.0.get() - 1);
            }
        }
        self.no_grad_depth.set(self.no_grad_depth.get() + 1);
        let _restore = Restore(&self.no_grad_depth);
        f()
    }

    /// Whether recording is currently switched off by [`Tape::no_grad`].
    pub fn is_no_grad(&self) -> bool {
        self.no_grad_depth.get() > 0
    }

    /// Appends a node and returns its handle.
    #[track_caller]
    pub(crate) fn push(
        &self,
        op: Op<T>,
        parents: SmallVec<[NodeId; 4]>,
        value: Tensor<T>,
        requires_grad: bool,
    ) -> Var<'_, T> {
        let id =
            self.nodes
                .borrow_mut()
                .push(op, parents, value, requires_grad, Location::caller());
        Var { tape: self, id }
    }

    /// Panics unless `v` was recorded on this tape.
    #[track_caller]
    pub(crate) fn check_owns(&self, v: &Var<'_, T>, op: &str) {
        assert!(
            std::ptr::eq(self, v.tape),
            "{op}: an input was recorded on a different tape (tape {} vs tape {}); \
             combine only values recorded on the same tape",
            v.tape.id,
            self.id
        );
    }

    /// This tape's process-unique id.
    pub(crate) fn id(&self) -> u64 {
        self.id
    }

    /// The number of resets so far (distinguishes recordings of one tape).
    pub(crate) fn generation(&self) -> u32 {
        self.generation
    }

    /// The label of a node, if one was given.
    pub fn label_of(&self, id: NodeId) -> Option<String> {
        self.labels.borrow().get(&id).cloned()
    }

    /// The ids of every recorded node, in recording order.
    pub fn node_ids(&self) -> impl Iterator<Item = NodeId> {
        (0..self.len() as u32).map(NodeId)
    }

    /// A copy of a node's value.
    pub fn value_of(&self, id: NodeId) -> Tensor<T> {
        self.nodes.borrow().value(id).clone()
    }

    /// The name of the op that produced a node (`"variable"`, `"add"`, ...).
    pub fn op_name_of(&self, id: NodeId) -> String {
        self.nodes.borrow().op_name(id).to_string()
    }

    /// The inputs of a node, in argument order.
    pub fn inputs_of(&self, id: NodeId) -> Vec<NodeId> {
        self.nodes.borrow().parents(id).to_vec()
    }

    /// Where in the source a node was recorded.
    pub fn location_of(&self, id: NodeId) -> &'static Location<'static> {
        self.nodes.borrow().locations[id.index()]
    }
}

impl<T: Scalar> fmt::Debug for Tape<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Tape")
            .field("id", &self.id)
            .field("nodes", &self.len())
            .finish()
    }
}

/// A handle to a value recorded on a [`Tape`]: cheap to copy, and combined
/// with `+ - * /`, unary `-` and methods like [`Var::tanh`] or
/// [`Var::matmul`], each of which records a new node.
#[derive(Clone, Copy)]
pub struct Var<'t, T: Scalar> {
    pub(crate) tape: &'t Tape<T>,
    pub(crate) id: NodeId,
}

impl<'t, T: Scalar> Var<'t, T> {
    /// The node this handle points to.
    pub fn id(self) -> NodeId {
        self.id
    }

    /// The tape this handle belongs to.
    pub fn tape(self) -> &'t Tape<T> {
        self.tape
    }

    /// A copy of the value.
    pub fn value(self) -> Tensor<T> {
        self.tape.value_of(self.id)
    }

    /// The value of a one-element result (like a loss).
    ///
    /// # Panics
    /// If the value has more or fewer than one element.
    #[track_caller]
    pub fn item(self) -> T {
        let nodes = self.tape.nodes.borrow();
        let record = &nodes.records[self.id.index()];
        if record.rank0 {
            record.value
        } else {
            nodes.value(self.id).item()
        }
    }

    /// The shape of the value.
    pub fn shape(self) -> Shape {
        self.tape.nodes.borrow().shape(self.id)
    }

    /// Whether gradient messages reach this node (it depends on a variable
    /// through recorded ops).
    pub fn requires_grad(self) -> bool {
        self.tape.nodes.borrow().records[self.id.index()].requires_grad
    }

    /// Names the node (`"w1"`, `"z1"`...) for printing and exports.
    pub fn label(self, name: impl Into<String>) -> Self {
        self.tape.labels.borrow_mut().insert(self.id, name.into());
        self
    }

    /// The node's label, if any.
    pub fn name(self) -> Option<String> {
        self.tape.label_of(self.id)
    }

    /// Keeps this intermediate node's gradient after backward, so
    /// [`Gradients::get`](crate::Gradients::get) can return it (like
    /// PyTorch's `retain_grad`). Without it, an intermediate node's summed
    /// messages are freed as soon as they have been passed on.
    pub fn retain_grad(self) -> Self {
        self.tape.nodes.borrow_mut().retain(self.id);
        self
    }

    /// The same value as a constant: no message flows back through it.
    #[track_caller]
    pub fn detach(self) -> Self {
        let value = self.value();
        self.tape.constant(value)
    }
}

impl<T: Scalar> fmt::Debug for Var<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let nodes = self.tape.nodes.borrow();
        write!(f, "Var({} {}", self.id, nodes.op_name(self.id))?;
        if let Some(l) = self.tape.labels.borrow().get(&self.id) {
            write!(f, " \"{l}\"")?;
        }
        write!(f, " {:?})", *nodes.value(self.id))
    }
}
