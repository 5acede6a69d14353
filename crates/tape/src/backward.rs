//! Backpropagation as message passing over the recorded graph, and the
//! observer interface that lets anyone watch the messages.

use std::ops::Index;

use crate::pass::Pass;
pub(crate) use crate::pass::Scratch;
use crate::tape::NodeId;
use crate::tensor::pool;
use crate::{Scalar, Tensor, Var};

/// One gradient message, as seen by an [`Observer`].
#[derive(Debug)]
pub struct Message<'a, T: Scalar> {
    /// The node sending the message (the op's output).
    pub from: NodeId,
    /// The node receiving it (one of the op's inputs).
    pub to: NodeId,
    /// Which argument of the op `to` is (0 for the first input).
    pub input: usize,
    /// The sending op's name.
    pub op: &'a str,
    /// The message: d loss / d `to`, through this one edge.
    pub value: &'a Tensor<T>,
    /// The receiver's running sum after adding this message.
    pub total: &'a Tensor<T>,
}

/// Watches a backward pass. Every method has an empty default, and the pass
/// is generic over the observer, so the no-op observer `()` compiles away.
pub trait Observer<T: Scalar> {
    /// The pass starts: `root` receives the seed message (1 for a loss).
    fn seed(&mut self, root: NodeId, seed: &Tensor<T>) {
        let _ = (root, seed);
    }

    /// A node has summed all its incoming messages and is about to send
    /// its own; `grad` is that sum, d loss / d node.
    fn node_done(&mut self, node: NodeId, grad: &Tensor<T>) {
        let _ = (node, grad);
    }

    /// A message was sent along one edge and added to the receiver's sum.
    fn message(&mut self, message: &Message<'_, T>) {
        let _ = message;
    }
}

/// The observer that watches nothing.
impl<T: Scalar> Observer<T> for () {}

/// The result of a backward pass: the gradient of the output with respect
/// to every variable, and to any intermediate node marked with
/// [`Var::retain_grad`].
///
/// Index it with a handle: `grads[x]`. Variables recorded before the output
/// that do not influence it get a zero gradient; nodes recorded after the
/// output have none.
pub struct Gradients<T: Scalar> {
    tape_id: u64,
    generation: u32,
    /// The number of nodes up to the output: later ones have no gradient.
    len: usize,
    /// The gradients by node id, sorted (a few per variable, none for the
    /// intermediate nodes, which is most of a long scalar chain).
    grads: Vec<(NodeId, Tensor<T>)>,
}

/// The slot vector is kept for the next backward pass.
impl<T: Scalar> Drop for Gradients<T> {
    fn drop(&mut self) {
        pool::give_slots(std::mem::take(&mut self.grads));
    }
}

impl<T: Scalar> Gradients<T> {
    /// The gradient for `v`, or `None` if `v` is a constant, an
    /// intermediate node that was not marked with [`Var::retain_grad`], or
    /// was recorded after the output.
    ///
    /// # Panics
    /// If `v` belongs to another tape, or the tape was reset since.
    #[track_caller]
    pub fn get(&self, v: Var<'_, T>) -> Option<&Tensor<T>> {
        assert!(
            v.tape.id() == self.tape_id,
            "gradients: this handle belongs to a different tape than the one differentiated"
        );
        assert!(
            v.tape.generation() == self.generation,
            "gradients: these gradients were computed before the tape was reset; \
             the handle refers to a newer recording"
        );
        self.get_by_id(v.id)
    }

    /// The gradient stored for a node id (no tape check).
    pub fn get_by_id(&self, id: NodeId) -> Option<&Tensor<T>> {
        let at = self.grads.binary_search_by_key(&id, |(n, _)| *n).ok()?;
        Some(&self.grads[at].1)
    }

    /// Every stored gradient with its node id, in tape order.
    pub fn iter(&self) -> impl Iterator<Item = (NodeId, &Tensor<T>)> {
        self.grads.iter().map(|(id, g)| (*id, g))
    }
}

impl<'t, T: Scalar> Index<Var<'t, T>> for Gradients<T> {
    type Output = Tensor<T>;

    #[track_caller]
    fn index(&self, v: Var<'t, T>) -> &Tensor<T> {
        match self.get(v) {
            Some(g) => g,
            None if v.id.index() >= self.len => panic!(
                "gradients: node {} was recorded after the output that backward() started \
                 from, so the output cannot depend on it",
                v.id
            ),
            None => panic!(
                "gradients: no gradient for node {} ({}): it is a constant or no-grad value, \
                 or an intermediate node not marked with retain_grad()",
                v.id,
                v.tape.op_name_of(v.id)
            ),
        }
    }
}

impl<'t, T: Scalar> Var<'t, T> {
    /// Backpropagates from this one-element output (a loss): returns
    /// d self / d v for every variable `v`.
    ///
    /// Calling it again gives the same gradients: each call starts afresh.
    ///
    /// # Panics
    /// If the value has more than one element; use [`Var::backward_with`]
    /// with a seed of the output's shape, or reduce with [`Var::sum`].
    #[track_caller]
    pub fn backward(self) -> Gradients<T> {
        self.backward_observed(&mut ())
    }

    /// Backpropagates from this output with an explicit seed message
    /// (shaped like the output): the vector in the vector-Jacobian product.
    #[track_caller]
    pub fn backward_with(self, seed: Tensor<T>) -> Gradients<T> {
        self.backward_with_observed(seed, &mut ())
    }

    /// [`Var::backward`], reporting every message to `observer`.
    #[track_caller]
    pub fn backward_observed<O: Observer<T>>(self, observer: &mut O) -> Gradients<T> {
        let shape = self.shape();
        assert!(
            shape.numel() == 1,
            "backward: the output has shape {shape:?}; backward() needs a one-element \
             output such as a loss. Reduce it (e.g. .sum()) or use backward_with(seed)"
        );
        self.backward_with_observed(Tensor::ones(shape), observer)
    }

    /// [`Var::backward_with`], reporting every message to `observer`.
    ///
    /// The pass walks the tape once, from this node down to the first: each
    /// node that received messages sums them (in place, as they arrive),
    /// then sends each input that needs a gradient the VJP of its op. Leaf
    /// variables keep their sums. No recursion: any depth works.
    #[track_caller]
    pub fn backward_with_observed<O: Observer<T>>(
        self,
        seed: Tensor<T>,
        observer: &mut O,
    ) -> Gradients<T> {
        let tape = self.tape;
        let nodes = tape.nodes.borrow();
        let out_shape = nodes.shape(self.id);
        assert_eq!(
            seed.shape(),
            &out_shape,
            "backward_with: the seed has shape {:?} but the output has shape {:?}",
            seed.shape(),
            out_shape
        );
        if tape.anomaly.on.get() {
            tape.report_pending_anomaly();
        }
        let mut grads = pool::take_slots::<T>();
        Pass::new(tape, &nodes, self.id, seed, observer).run(self.id, &mut grads);
        Gradients {
            tape_id: tape.id(),
            generation: tape.generation(),
            len: self.id.index() + 1,
            grads,
        }
    }
}
