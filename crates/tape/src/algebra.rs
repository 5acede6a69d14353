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
        self.zip_map(x, "relu backward", |g, x| {
            if x > T::zero() {
                g
            } else {
                T::zero()
            }
        })
    }
    fn mul_sigmoid_slope(&self, s: &Self) -> Self {
        self.zip_map(s, "sigmoid backward", |g, s| g * s * (T::one() - s))
    }
    fn mul_tanh_slope(&self, t: &Self) -> Self {
        self.zip_map(t, "tanh backward", |g, t| g * (T::one() - t * t))
    }
}
