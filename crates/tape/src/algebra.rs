//! The vocabulary every VJP is written in.
//!
//! A built-in op's vector-Jacobian product is written once, generically, in
//! terms of [`Algebra`]: the handful of tensor operations below. Today the
//! backward pass runs the rules with `A = Tensor<T>`, computing messages
//! eagerly. Every method here is itself a recorded op of the tape, each with
//! its own VJP, so implementing `Algebra` for [`Var`](crate::Var) makes the
//! very same rules record their messages onto the tape: gradients of
//! gradients (`create_graph`) without writing any rule twice. See
//! `docs/architecture.md`.

use crate::{Scalar, Shape, Tensor};

/// Tensor operations available to vector-Jacobian products.
///
/// Implemented by [`Tensor`] (eager). Every operation is differentiable
/// (or, like [`Algebra::sign`], has derivative zero almost everywhere), so
/// a recorded implementation can differentiate the VJPs themselves.
pub trait Algebra<T: Scalar>: Sized + Clone {
    /// The shape of the value.
    fn shape_of(&self) -> Shape;
    /// `self + o`, broadcasting.
    fn add(&self, o: &Self) -> Self;
    /// `self - o`, broadcasting.
    fn sub(&self, o: &Self) -> Self;
    /// `self * o`, broadcasting.
    fn mul(&self, o: &Self) -> Self;
    /// `self / o`, broadcasting.
    fn div(&self, o: &Self) -> Self;
    /// `-self`.
    fn neg(&self) -> Self;
    /// `self * c`.
    fn mul_scalar(&self, c: T) -> Self;
    /// `self / c`.
    fn div_scalar(&self, c: T) -> Self;
    /// `c - self`.
    fn rsub_scalar(&self, c: T) -> Self;
    /// `self ^ p`.
    fn powf(&self, p: T) -> Self;
    /// `self ^ n`.
    fn powi(&self, n: i32) -> Self;
    /// The sign (-1, 0, 1); derivative zero.
    fn sign(&self) -> Self;
    /// 1 where positive, else 0; derivative zero.
    fn step(&self) -> Self;
    /// 1 at the first maximum along `axis`, else 0; derivative zero.
    fn max_mask(&self, axis: usize) -> Self;
    /// Sum down to a shape this value was broadcast from.
    fn sum_to(&self, shape: &Shape) -> Self;
    /// Broadcast up to `shape`.
    fn broadcast_to(&self, shape: &Shape) -> Self;
    /// Same elements, new shape.
    fn reshape(&self, shape: &Shape) -> Self;
    /// `op(self) @ op(o)`, transposing the last two axes where flagged.
    fn matmul_t(&self, ta: bool, o: &Self, tb: bool) -> Self;
    /// Swap the last two axes.
    fn transpose(&self) -> Self;
    /// Slice `start..start+len` along `axis`.
    fn narrow(&self, axis: usize, start: usize, len: usize) -> Self;
    /// Embed at `start` along `axis` in zeros of length `total`.
    fn pad(&self, axis: usize, start: usize, total: usize) -> Self;
    /// Gather rows by index.
    fn index_rows(&self, indices: &[usize]) -> Self;
    /// Scatter-add rows into `rows` zero rows.
    fn index_add_rows(&self, indices: &[usize], rows: usize) -> Self;

    // Fused forms. Each has a default composed of the operations above (so
    // a recorded implementation stays differentiable) and may be overridden
    // by one pass over the data without temporaries.

    /// [`Algebra::sum_to`] of an owned value: no copy when it already has
    /// `shape` (a message computed by the rule itself, like a matmul's).
    fn into_sum_to(self, shape: &Shape) -> Self {
        if self.shape_of() == *shape {
            self
        } else {
            self.sum_to(shape)
        }
    }
    /// `self * step(x)`: the message through a ReLU of `x` (same shapes).
    fn mul_step(&self, x: &Self) -> Self {
        self.mul(&x.step())
    }
    /// `self * s * (1 - s)`: the message through a sigmoid with output `s`.
    fn mul_sigmoid_slope(&self, s: &Self) -> Self {
        self.mul(s).mul(&s.rsub_scalar(T::one()))
    }
    /// `self * (1 - t²)`: the message through a tanh with output `t`.
    fn mul_tanh_slope(&self, t: &Self) -> Self {
        self.mul(&t.mul(t).rsub_scalar(T::one()))
    }
}

impl<T: Scalar> Algebra<T> for Tensor<T> {
    fn shape_of(&self) -> Shape {
        self.shape().clone()
    }
    fn add(&self, o: &Self) -> Self {
        Tensor::add(self, o)
    }
    fn sub(&self, o: &Self) -> Self {
        Tensor::sub(self, o)
    }
    fn mul(&self, o: &Self) -> Self {
        Tensor::mul(self, o)
    }
    fn div(&self, o: &Self) -> Self {
        Tensor::div(self, o)
    }
    fn neg(&self) -> Self {
        Tensor::neg(self)
    }
    fn mul_scalar(&self, c: T) -> Self {
        Tensor::mul_scalar(self, c)
    }
    fn div_scalar(&self, c: T) -> Self {
        Tensor::div_scalar(self, c)
    }
    fn rsub_scalar(&self, c: T) -> Self {
        Tensor::rsub_scalar(self, c)
    }
    fn powf(&self, p: T) -> Self {
        Tensor::powf(self, p)
    }
    fn powi(&self, n: i32) -> Self {
        Tensor::powi(self, n)
    }
    fn sign(&self) -> Self {
        Tensor::sign(self)
    }
    fn step(&self) -> Self {
        Tensor::step(self)
    }
    fn max_mask(&self, axis: usize) -> Self {
        Tensor::max_mask(self, axis)
    }
    fn sum_to(&self, shape: &Shape) -> Self {
        Tensor::sum_to(self, shape)
    }
    fn broadcast_to(&self, shape: &Shape) -> Self {
        Tensor::broadcast_to(self, shape)
    }
    fn reshape(&self, shape: &Shape) -> Self {
        Tensor::reshape(self, shape)
    }
    fn matmul_t(&self, ta: bool, o: &Self, tb: bool) -> Self {
        Tensor::matmul_t(self, ta, o, tb)
    }
    fn transpose(&self) -> Self {
        Tensor::transpose(self)
    }
    fn narrow(&self, axis: usize, start: usize, len: usize) -> Self {
        Tensor::narrow(self, axis, start, len)
    }
    fn pad(&self, axis: usize, start: usize, total: usize) -> Self {
        Tensor::pad(self, axis, start, total)
    }
    fn index_rows(&self, indices: &[usize]) -> Self {
        Tensor::index_rows(self, indices)
    }
    fn index_add_rows(&self, indices: &[usize], rows: usize) -> Self {
        Tensor::index_add_rows(self, indices, rows)
    }
    fn mul_step(&self, x: &Self) -> Self {
        self.zip_map(x, "relu backward", relu_message)
    }
    fn mul_sigmoid_slope(&self, s: &Self) -> Self {
        self.zip_map(s, "sigmoid backward", sigmoid_message)
    }
    fn mul_tanh_slope(&self, t: &Self) -> Self {
        self.zip_map(t, "tanh backward", tanh_message)
    }
}

/// The message `g` through a ReLU whose input was `x`: `g` where `x > 0`,
/// else 0 (also at the kink, and without turning an infinite `g` into NaN).
fn relu_message<T: Scalar>(g: T, x: T) -> T {
    if x > T::zero() {
        g
    } else {
        T::zero()
    }
}

/// The message `g` through a sigmoid with output `s`: `g s (1 - s)`.
fn sigmoid_message<T: Scalar>(g: T, s: T) -> T {
    g * s * (T::one() - s)
}

/// The message `g` through a tanh with output `t`: `g (1 - t²)`.
fn tanh_message<T: Scalar>(g: T, t: T) -> T {
    g * (T::one() - t * t)
}

/// A 0-d value as a plain number: the [`Algebra`] the backward pass runs a
/// scalar-coded op's VJP on (see `ops::ScalarRule`), so the scalar fast
/// path uses the very rule the tensor path uses.
///
/// Only the elementwise vocabulary has a scalar form. The axis and matrix
/// operations panic as they do on a 0-d tensor: a 0-d value has no axes,
/// and no op with a scalar form calls them.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct Num<T>(pub(crate) T);

impl<T: Scalar> Num<T> {
    #[track_caller]
    fn no_axes(op: &str) -> ! {
        panic!("{op}: a 0-d value has no axes")
    }
}

impl<T: Scalar> Algebra<T> for Num<T> {
    fn shape_of(&self) -> Shape {
        Shape::scalar()
    }
    fn add(&self, o: &Self) -> Self {
        Num(self.0 + o.0)
    }
    fn sub(&self, o: &Self) -> Self {
        Num(self.0 - o.0)
    }
    fn mul(&self, o: &Self) -> Self {
        Num(self.0 * o.0)
    }
    fn div(&self, o: &Self) -> Self {
        Num(self.0 / o.0)
    }
    fn neg(&self) -> Self {
        Num(-self.0)
    }
    fn mul_scalar(&self, c: T) -> Self {
        Num(self.0 * c)
    }
    fn div_scalar(&self, c: T) -> Self {
        Num(self.0 / c)
    }
    fn rsub_scalar(&self, c: T) -> Self {
        Num(c - self.0)
    }
    fn powf(&self, p: T) -> Self {
        Num(self.0.powf(p))
    }
    fn powi(&self, n: i32) -> Self {
        Num(self.0.powi(n))
    }
    fn sign(&self) -> Self {
        Num(Tensor::scalar(self.0).sign().item())
    }
    fn step(&self) -> Self {
        Num(Tensor::scalar(self.0).step().item())
    }
    fn max_mask(&self, _axis: usize) -> Self {
        Self::no_axes("max_mask")
    }
    /// A 0-d value was broadcast from nothing smaller: `shape` is `[]`.
    fn sum_to(&self, shape: &Shape) -> Self {
        debug_assert_eq!(shape.rank(), 0, "sum_to: a 0-d value sums to shape []");
        *self
    }
    fn broadcast_to(&self, shape: &Shape) -> Self {
        assert_eq!(shape.rank(), 0, "broadcast_to: a number stays 0-d");
        *self
    }
    fn reshape(&self, shape: &Shape) -> Self {
        assert_eq!(shape.rank(), 0, "reshape: a number stays 0-d");
        *self
    }
    fn matmul_t(&self, _ta: bool, _o: &Self, _tb: bool) -> Self {
        Self::no_axes("matmul")
    }
    fn transpose(&self) -> Self {
        Self::no_axes("transpose")
    }
    fn narrow(&self, _axis: usize, _start: usize, _len: usize) -> Self {
        Self::no_axes("narrow")
    }
    fn pad(&self, _axis: usize, _start: usize, _total: usize) -> Self {
        Self::no_axes("pad")
    }
    fn index_rows(&self, _indices: &[usize]) -> Self {
        Self::no_axes("index_rows")
    }
    fn index_add_rows(&self, _indices: &[usize], _rows: usize) -> Self {
        Self::no_axes("index_add_rows")
    }
    // The fused messages, with the very formulas the tensor kernels use.
    fn mul_step(&self, x: &Self) -> Self {
        Num(relu_message(self.0, x.0))
    }
    fn mul_sigmoid_slope(&self, s: &Self) -> Self {
        Num(sigmoid_message(self.0, s.0))
    }
    fn mul_tanh_slope(&self, t: &Self) -> Self {
        Num(tanh_message(self.0, t.0))
    }
}
