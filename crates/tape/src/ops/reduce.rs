//! Reductions: sum, mean and max, over everything or along one axis.
//!
//! A reduction's VJP spreads the message back over the reduced elements:
//! evenly for a sum (the message itself) or a mean (divided by the count),
//! and only to the first maximal element for a max (ties: the first wins,
//! like PyTorch's `max(dim)` with its returned index).

use super::Rule;
use crate::{Algebra, Scalar, Shape, Tensor, Var};

fn count<T: Scalar>(n: usize) -> T {
    T::from_usize(n).expect("element count fits the float type")
}

/// Sum of all elements. d/dx_i = 1.
pub(crate) struct SumAll;

impl<T: Scalar> Rule<T> for SumAll {
    fn name(&self) -> &'static str {
        "sum"
    }
    fn forward(&self, x: &[&Tensor<T>]) -> Tensor<T> {
        x[0].sum_all()
    }
    fn vjp<A: Algebra<T>>(&self, x: &[&A], _out: &A, g: &A, _wrt: usize) -> Option<A> {
        Some(g.broadcast_to(&x[0].shape_of()))
    }
}

/// Mean of all elements. d/dx_i = 1/n.
pub(crate) struct MeanAll;

impl<T: Scalar> Rule<T> for MeanAll {
    fn name(&self) -> &'static str {
        "mean"
    }
    fn forward(&self, x: &[&Tensor<T>]) -> Tensor<T> {
        x[0].mean_all()
    }
    fn vjp<A: Algebra<T>>(&self, x: &[&A], _out: &A, g: &A, _wrt: usize) -> Option<A> {
        let shape = x[0].shape_of();
        Some(g.broadcast_to(&shape).div_scalar(count(shape.numel())))
    }
}

/// The message of an axis reduction, spread back over the reduced axis.
fn spread<T: Scalar, A: Algebra<T>>(g: &A, input: &Shape, axis: usize) -> A {
    g.reshape(&input.reduced(axis, true)).broadcast_to(input)
}

/// Sum along one axis. d/dx = 1 along that axis.
pub(crate) struct SumAxis {
    pub(crate) axis: usize,
    pub(crate) keepdim: bool,
}

impl<T: Scalar> Rule<T> for SumAxis {
    fn name(&self) -> &'static str {
        "sum_axis"
    }
    fn forward(&self, x: &[&Tensor<T>]) -> Tensor<T> {
        x[0].sum_axis(self.axis, self.keepdim)
    }
    fn vjp<A: Algebra<T>>(&self, x: &[&A], _out: &A, g: &A, _wrt: usize) -> Option<A> {
        Some(spread(g, &x[0].shape_of(), self.axis))
    }
}

/// Mean along one axis. d/dx = 1/len along that axis.
pub(crate) struct MeanAxis {
    pub(crate) axis: usize,
    pub(crate) keepdim: bool,
}

impl<T: Scalar> Rule<T> for MeanAxis {
    fn name(&self) -> &'static str {
        "mean_axis"
    }
    fn forward(&self, x: &[&Tensor<T>]) -> Tensor<T> {
        x[0].mean_axis(self.axis, self.keepdim)
    }
    fn vjp<A: Algebra<T>>(&self, x: &[&A], _out: &A, g: &A, _wrt: usize) -> Option<A> {
        let shape = x[0].shape_of();
        let n = count(shape.dims()[self.axis]);
        Some(spread(g, &shape, self.axis).div_scalar(n))
    }
}

/// Max along one axis. d/dx = 1 at the first maximum of each lane, else 0.
pub(crate) struct MaxAxis {
    pub(crate) axis: usize,
    pub(crate) keepdim: bool,
}

impl<T: Scalar> Rule<T> for MaxAxis {
    fn name(&self) -> &'static str {
        "max_axis"
    }
    fn forward(&self, x: &[&Tensor<T>]) -> Tensor<T> {
        x[0].max_axis(self.axis, self.keepdim)
    }
    fn vjp<A: Algebra<T>>(&self, x: &[&A], _out: &A, g: &A, _wrt: usize) -> Option<A> {
        let spread = spread(g, &x[0].shape_of(), self.axis);
        Some(spread.mul(&x[0].max_mask(self.axis)))
    }
}

/// The 0/1 mask of the first maximum along an axis. Derivative 0.
pub(crate) struct MaxMask {
    pub(crate) axis: usize,
}

impl<T: Scalar> Rule<T> for MaxMask {
    fn name(&self) -> &'static str {
        "max_mask"
    }
    fn forward(&self, x: &[&Tensor<T>]) -> Tensor<T> {
        x[0].max_mask(self.axis)
    }
    fn vjp<A: Algebra<T>>(&self, _x: &[&A], _out: &A, _g: &A, _wrt: usize) -> Option<A> {
        None
    }
}

/// Sum down to a shape the input was broadcast from. Its VJP broadcasts
/// the message back up: the mirror image of [`super::shape::BroadcastTo`].
pub(crate) struct SumTo(pub(crate) Shape);

impl<T: Scalar> Rule<T> for SumTo {
    fn name(&self) -> &'static str {
        "sum_to"
    }
    fn forward(&self, x: &[&Tensor<T>]) -> Tensor<T> {
        x[0].sum_to(&self.0)
    }
    fn vjp<A: Algebra<T>>(&self, x: &[&A], _out: &A, g: &A, _wrt: usize) -> Option<A> {
        Some(g.broadcast_to(&x[0].shape_of()))
    }
}

/// Reductions. Each records one node.
impl<'t, T: Scalar> Var<'t, T> {
    /// The sum of all elements (a 0-d result).
    #[track_caller]
    pub fn sum(self) -> Self {
        self.unary(SumAll)
    }

    /// The mean of all elements (a 0-d result).
    #[track_caller]
    pub fn mean(self) -> Self {
        self.unary(MeanAll)
    }

    /// The sum along `axis`; `keepdim` keeps that axis with size 1.
    #[track_caller]
    pub fn sum_axis(self, axis: usize, keepdim: bool) -> Self {
        self.unary(SumAxis { axis, keepdim })
    }

    /// The mean along `axis`; `keepdim` keeps that axis with size 1.
    #[track_caller]
    pub fn mean_axis(self, axis: usize, keepdim: bool) -> Self {
        self.unary(MeanAxis { axis, keepdim })
    }

    /// The maximum along `axis`; the gradient goes to the first maximum.
    #[track_caller]
    pub fn max_axis(self, axis: usize, keepdim: bool) -> Self {
        self.unary(MaxAxis { axis, keepdim })
    }

    /// A 0/1 mask marking the first maximum along `axis` (no gradient).
    #[track_caller]
    pub fn max_mask(self, axis: usize) -> Self {
        self.unary(MaxMask { axis })
    }

    /// Sums down to `shape`, a shape that broadcasts to this one (the
    /// reverse of [`Var::broadcast_to`]).
    #[track_caller]
    pub fn sum_to(self, shape: impl Into<Shape>) -> Self {
        self.unary(SumTo(shape.into()))
    }
}
