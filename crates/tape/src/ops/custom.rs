//! User-defined ops: a forward function and its VJP, recorded and
//! backpropagated exactly like the built-ins.

use std::rc::Rc;

use super::Op;
use crate::{Scalar, Tape, Tensor, Var};

/// An op defined by the user: its forward computation and its
/// vector-Jacobian product.
///
/// The backward pass calls [`CustomOp::vjp`] once per input that needs a
/// gradient, with `grad` = d loss / d output (shaped like the output); it
/// must return d loss / d input `wrt`, shaped like that input.
///
/// ```
/// use tape::{CustomOp, Tape, Tensor};
///
/// /// softplus(x) = ln(1 + e^x); d/dx = sigmoid(x).
/// struct Softplus;
///
/// impl CustomOp<f64> for Softplus {
///     fn name(&self) -> &str {
///         "softplus"
///     }
///     fn forward(&self, inputs: &[&Tensor<f64>]) -> Tensor<f64> {
///         inputs[0].map(|x| x.exp().ln_1p())
///     }
///     fn vjp(
///         &self,
///         inputs: &[&Tensor<f64>],
///         _output: &Tensor<f64>,
///         grad: &Tensor<f64>,
///         _wrt: usize,
///     ) -> Tensor<f64> {
///         grad.mul(&inputs[0].sigmoid())
///     }
/// }
///
/// let tape = Tape::new();
/// let x = tape.var([0.0, 2.0]);
/// let y = tape.custom(Softplus, &[x]).sum();
/// let g = y.backward();
/// assert_eq!(g[x].data()[0], 0.5);
/// assert!((g[x].data()[1] - 1.0 / (1.0 + (-2.0f64).exp())).abs() < 1e-15);
/// ```
pub trait CustomOp<T: Scalar>: 'static {
    /// The op's name, shown in traces, exports and error messages.
    fn name(&self) -> &str;

    /// The output value from the input values (in the order given to
    /// [`Tape::custom`]).
    fn forward(&self, inputs: &[&Tensor<T>]) -> Tensor<T>;

    /// The message to input `wrt`: `grad` (shaped like the output) times
    /// the Jacobian of the output with respect to that input.
    fn vjp(
        &self,
        inputs: &[&Tensor<T>],
        output: &Tensor<T>,
        grad: &Tensor<T>,
        wrt: usize,
    ) -> Tensor<T>;
}

/// Runs a custom forward (hook for future checks of user code).
pub(crate) fn checked_forward<T: Scalar>(op: &dyn CustomOp<T>, x: &[&Tensor<T>]) -> Tensor<T> {
    op.forward(x)
}

impl<T: Scalar> Tape<T> {
    /// Records a user-defined op applied to `inputs`.
    ///
    /// # Panics
    /// If an input belongs to another tape.
    #[track_caller]
    pub fn custom<'t>(&'t self, op: impl CustomOp<T>, inputs: &[Var<'t, T>]) -> Var<'t, T> {
        self.record(Op::Custom(Rc::new(op)), inputs)
    }
}
