//! Arithmetic with numpy broadcasting: `+ - * /`, negation, and the same
//! with a scalar constant on either side.
//!
//! Broadcasting copies an input along some axes, so its VJP sums the
//! message back over those axes (`sum_to`): a bias of shape `[n]` added to
//! `[b, n]` receives the column sums of the message.
//!
//! Every op here also has a scalar form ([`ScalarRule`]): the same forward
//! on plain numbers, for 0-d values.

use super::{Rule, ScalarRule};
use crate::{Algebra, Scalar, Tensor, Var};

/// `a + b`. d/da = 1, d/db = 1.
pub(crate) struct Add;

impl<T: Scalar> Rule<T> for Add {
    fn name(&self) -> &'static str {
        "add"
    }
    fn forward(&self, x: &[&Tensor<T>]) -> Tensor<T> {
        x[0].add(x[1])
    }
    fn vjp<A: Algebra<T>>(&self, x: &[&A], _out: &A, g: &A, wrt: usize) -> Option<A> {
        Some(g.sum_to(&x[wrt].shape_of()))
    }
}

impl<T: Scalar> ScalarRule<T> for Add {
    fn eval(&self, x: &[T]) -> T {
        x[0] + x[1]
    }
    fn unpack(_param: T, _aux: u32) -> Self {
        Add
    }
}

/// `a - b`. d/da = 1, d/db = -1.
pub(crate) struct Sub;

impl<T: Scalar> Rule<T> for Sub {
    fn name(&self) -> &'static str {
        "sub"
    }
    fn forward(&self, x: &[&Tensor<T>]) -> Tensor<T> {
        x[0].sub(x[1])
    }
    fn vjp<A: Algebra<T>>(&self, x: &[&A], _out: &A, g: &A, wrt: usize) -> Option<A> {
        let shape = x[wrt].shape_of();
        Some(if wrt == 0 {
            g.sum_to(&shape)
        } else {
            g.neg().into_sum_to(&shape)
        })
    }
}

impl<T: Scalar> ScalarRule<T> for Sub {
    fn eval(&self, x: &[T]) -> T {
        x[0] - x[1]
    }
    fn unpack(_param: T, _aux: u32) -> Self {
        Sub
    }
}

/// `a * b` elementwise. d/da = b, d/db = a.
pub(crate) struct Mul;

impl<T: Scalar> Rule<T> for Mul {
    fn name(&self) -> &'static str {
        "mul"
    }
    fn forward(&self, x: &[&Tensor<T>]) -> Tensor<T> {
        x[0].mul(x[1])
    }
    fn vjp<A: Algebra<T>>(&self, x: &[&A], _out: &A, g: &A, wrt: usize) -> Option<A> {
        let other = x[1 - wrt];
        Some(g.mul(other).into_sum_to(&x[wrt].shape_of()))
    }
}

impl<T: Scalar> ScalarRule<T> for Mul {
    fn eval(&self, x: &[T]) -> T {
        x[0] * x[1]
    }
    fn unpack(_param: T, _aux: u32) -> Self {
        Mul
    }
}

/// `a / b` elementwise. d/da = 1/b, d/db = -a/b² = -(a/b)/b.
pub(crate) struct Div;

impl<T: Scalar> Rule<T> for Div {
    fn name(&self) -> &'static str {
        "div"
    }
    fn forward(&self, x: &[&Tensor<T>]) -> Tensor<T> {
        x[0].div(x[1])
    }
    fn vjp<A: Algebra<T>>(&self, x: &[&A], out: &A, g: &A, wrt: usize) -> Option<A> {
        let m = if wrt == 0 {
            g.div(x[1])
        } else {
            g.mul(out).div(x[1]).neg()
        };
        Some(m.into_sum_to(&x[wrt].shape_of()))
    }
}

impl<T: Scalar> ScalarRule<T> for Div {
    fn eval(&self, x: &[T]) -> T {
        x[0] / x[1]
    }
    fn unpack(_param: T, _aux: u32) -> Self {
        Div
    }
}

/// `-a`. d/da = -1.
pub(crate) struct Neg;

impl<T: Scalar> Rule<T> for Neg {
    fn name(&self) -> &'static str {
        "neg"
    }
    fn forward(&self, x: &[&Tensor<T>]) -> Tensor<T> {
        x[0].neg()
    }
    fn vjp<A: Algebra<T>>(&self, _x: &[&A], _out: &A, g: &A, _wrt: usize) -> Option<A> {
        Some(g.neg())
    }
}

impl<T: Scalar> ScalarRule<T> for Neg {
    fn eval(&self, x: &[T]) -> T {
        -x[0]
    }
    fn unpack(_param: T, _aux: u32) -> Self {
        Neg
    }
}

/// `a + c` for a constant `c` (also `a - c`, recorded as `a + (-c)`,
/// which IEEE arithmetic computes identically). d/da = 1.
pub(crate) struct AddScalar<T>(pub(crate) T);

impl<T: Scalar> Rule<T> for AddScalar<T> {
    fn name(&self) -> &'static str {
        "add_scalar"
    }
    fn forward(&self, x: &[&Tensor<T>]) -> Tensor<T> {
        x[0].add_scalar(self.0)
    }
    fn vjp<A: Algebra<T>>(&self, _x: &[&A], _out: &A, g: &A, _wrt: usize) -> Option<A> {
        Some(g.clone())
    }
}

impl<T: Scalar> ScalarRule<T> for AddScalar<T> {
    fn eval(&self, x: &[T]) -> T {
        x[0] + self.0
    }
    fn pack(&self) -> (T, u32) {
        (self.0, 0)
    }
    fn unpack(param: T, _aux: u32) -> Self {
        AddScalar(param)
    }
}

/// `a * c` for a constant `c`. d/da = c.
pub(crate) struct MulScalar<T>(pub(crate) T);

impl<T: Scalar> Rule<T> for MulScalar<T> {
    fn name(&self) -> &'static str {
        "mul_scalar"
    }
    fn forward(&self, x: &[&Tensor<T>]) -> Tensor<T> {
        x[0].mul_scalar(self.0)
    }
    fn vjp<A: Algebra<T>>(&self, _x: &[&A], _out: &A, g: &A, _wrt: usize) -> Option<A> {
        Some(g.mul_scalar(self.0))
    }
}

impl<T: Scalar> ScalarRule<T> for MulScalar<T> {
    fn eval(&self, x: &[T]) -> T {
        x[0] * self.0
    }
    fn pack(&self) -> (T, u32) {
        (self.0, 0)
    }
    fn unpack(param: T, _aux: u32) -> Self {
        MulScalar(param)
    }
}

/// `a / c` for a constant `c`. d/da = 1/c.
pub(crate) struct DivScalar<T>(pub(crate) T);

impl<T: Scalar> Rule<T> for DivScalar<T> {
    fn name(&self) -> &'static str {
        "div_scalar"
    }
    fn forward(&self, x: &[&Tensor<T>]) -> Tensor<T> {
        x[0].div_scalar(self.0)
    }
    fn vjp<A: Algebra<T>>(&self, _x: &[&A], _out: &A, g: &A, _wrt: usize) -> Option<A> {
        Some(g.div_scalar(self.0))
    }
}

impl<T: Scalar> ScalarRule<T> for DivScalar<T> {
    fn eval(&self, x: &[T]) -> T {
        x[0] / self.0
    }
    fn pack(&self) -> (T, u32) {
        (self.0, 0)
    }
    fn unpack(param: T, _aux: u32) -> Self {
        DivScalar(param)
    }
}

/// `c - a` for a constant `c`. d/da = -1.
pub(crate) struct RSubScalar<T>(pub(crate) T);

impl<T: Scalar> Rule<T> for RSubScalar<T> {
    fn name(&self) -> &'static str {
        "rsub_scalar"
    }
    fn forward(&self, x: &[&Tensor<T>]) -> Tensor<T> {
        x[0].rsub_scalar(self.0)
    }
    fn vjp<A: Algebra<T>>(&self, _x: &[&A], _out: &A, g: &A, _wrt: usize) -> Option<A> {
        Some(g.neg())
    }
}

impl<T: Scalar> ScalarRule<T> for RSubScalar<T> {
    fn eval(&self, x: &[T]) -> T {
        self.0 - x[0]
    }
    fn pack(&self) -> (T, u32) {
        (self.0, 0)
    }
    fn unpack(param: T, _aux: u32) -> Self {
        RSubScalar(param)
    }
}

/// `c / a` for a constant `c`. d/da = -c/a² = -(c/a)/a.
pub(crate) struct RDivScalar<T>(pub(crate) T);

impl<T: Scalar> Rule<T> for RDivScalar<T> {
    fn name(&self) -> &'static str {
        "rdiv_scalar"
    }
    fn forward(&self, x: &[&Tensor<T>]) -> Tensor<T> {
        x[0].rdiv_scalar(self.0)
    }
    fn vjp<A: Algebra<T>>(&self, x: &[&A], out: &A, g: &A, _wrt: usize) -> Option<A> {
        Some(g.mul(out).div(x[0]).neg())
    }
}

impl<T: Scalar> ScalarRule<T> for RDivScalar<T> {
    fn eval(&self, x: &[T]) -> T {
        self.0 / x[0]
    }
    fn pack(&self) -> (T, u32) {
        (self.0, 0)
    }
    fn unpack(param: T, _aux: u32) -> Self {
        RDivScalar(param)
    }
}

/// Scalar constants on the left, for generic code (with a concrete `f32` or
/// `f64` you can simply write `2.0 - x` and `2.0 / x`).
impl<'t, T: Scalar> Var<'t, T> {
    /// `c - self`.
    #[track_caller]
    pub fn rsub_scalar(self, c: T) -> Self {
        self.unary(RSubScalar(c))
    }

    /// `c / self`.
    #[track_caller]
    pub fn rdiv_scalar(self, c: T) -> Self {
        self.unary(RDivScalar(c))
    }
}
