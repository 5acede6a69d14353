//! Fused ops: a few compositions that training steps record over and over,
//! as one node each, with one forward pass and one VJP instead of several.
//!
//! Each gives exactly the value and gradient of the composition it
//! replaces (written next to it), but records one node instead of two or
//! three and skips the intermediate tensors: less recording overhead for
//! small models, fewer passes over memory for big ones. The VJPs are still
//! written in [`Algebra`], so they stay differentiable.

use super::Rule;
use crate::{Algebra, Scalar, Shape, Tensor, Var};

/// The dense layer `x @ wᵀ + b`, with `x: [batch, in]`, `w: [out, in]`
/// (PyTorch's layout) and `b: [out]`. Replaces `x.matmul_t(false, w, true)
/// + b`.
///
/// With `G` the message for the output `[batch, out]`:
/// `dx = G @ w`, `dw = Gᵀ @ x`, `db = Σ_rows G`.
pub(crate) struct Linear;

impl<T: Scalar> Rule<T> for Linear {
    fn name(&self) -> &'static str {
        "linear"
    }
    #[track_caller]
    fn forward(&self, x: &[&Tensor<T>]) -> Tensor<T> {
        let (input, weight, bias) = (x[0], x[1], x[2]);
        let (xd, wd) = (input.dims(), weight.dims());
        assert!(
            xd.len() == 2 && wd.len() == 2 && xd[1] == wd[1] && *bias.dims() == [wd[0]],
            "linear: expected x [batch, in], weight [out, in] and bias [out], got x {:?}, \
             weight {:?}, bias {:?}",
            input.shape(),
            weight.shape(),
            bias.shape()
        );
        let mut y = input.matmul_t(false, weight, true);
        y.add_row_assign(bias);
        y
    }
    fn vjp<A: Algebra<T>>(&self, x: &[&A], _out: &A, g: &A, wrt: usize) -> Option<A> {
        Some(match wrt {
            0 => g.matmul_t(false, x[1], false),
            1 => g.matmul_t(true, x[0], false),
            _ => g.sum_to(&x[2].shape_of()),
        })
    }
}

/// The squared distance `Σ (a - b)²`, or its mean `Σ (a - b)² / n` over
/// the `n` elements, of two tensors of one shape, as a 0-d tensor.
/// Replaces `(a - b).square().sum()` (or `.mean()`).
///
/// With `g` the (scalar) message for the output and `c = 2/n` for the mean
/// (`2` for the sum): `da = c g (a - b)`, `db = c g (b - a)`.
pub(crate) struct SquaredError {
    pub(crate) mean: bool,
}

impl SquaredError {
    /// `1/n` for the mean, `1` for the sum.
    fn scale<T: Scalar>(&self, shape: &Shape) -> T {
        if self.mean {
            T::one() / T::from_usize(shape.numel()).expect("element count fits the float type")
        } else {
            T::one()
        }
    }
}

impl<T: Scalar> Rule<T> for SquaredError {
    fn name(&self) -> &'static str {
        if self.mean {
            "squared_error_mean"
        } else {
            "squared_error_sum"
        }
    }
    #[track_caller]
    fn forward(&self, x: &[&Tensor<T>]) -> Tensor<T> {
        let sum = x[0].squared_distance(x[1]);
        if self.mean {
            // As `mean_all` divides: the sum, then one division by n.
            let n = T::from_usize(x[0].numel()).expect("element count fits the float type");
            Tensor::scalar(sum / n)
        } else {
            Tensor::scalar(sum)
        }
    }
    fn vjp<A: Algebra<T>>(&self, x: &[&A], _out: &A, g: &A, wrt: usize) -> Option<A> {
        let shape = x[0].shape_of();
        let two = T::one() + T::one();
        let slope = g.mul_scalar(two * self.scale::<T>(&shape));
        let diff = x[wrt].sub(x[1 - wrt]);
        Some(diff.mul(&slope))
    }
}

/// Fused compositions. Each records one node.
impl<'t, T: Scalar> Var<'t, T> {
    /// The dense layer `self @ weightᵀ + bias` (one `linear` node), with
    /// `self: [batch, in]`, `weight: [out, in]` and `bias: [out]`: the same
    /// value and gradients as `self.matmul_t(false, weight, true) + bias`.
    /// Derivatives, with `G` the output's message: `d self = G @ weight`,
    /// `d weight = Gᵀ @ self`, `d bias = Σ_rows G`.
    ///
    /// ```
    /// use tape::Tape;
    /// let tape = Tape::new();
    /// let x = tape.var([[1.0_f64, 2.0]]);
    /// let w = tape.var([[3.0, 4.0], [5.0, 6.0]]); // [out = 2, in = 2]
    /// let b = tape.var([0.5, -0.5]);
    /// let y = x.linear(w, b);
    /// assert_eq!(y.value().data(), &[11.5, 16.5]); // [1*3 + 2*4 + 0.5, 1*5 + 2*6 - 0.5]
    /// let g = y.sum().backward();
    /// assert_eq!(g[x].data(), &[8.0, 10.0]); // column sums of w
    /// assert_eq!(g[w].data(), &[1.0, 2.0, 1.0, 2.0]); // each row of w sees x
    /// assert_eq!(g[b].data(), &[1.0, 1.0]);
    /// ```
    ///
    /// # Panics
    /// If the shapes are not `[batch, in]`, `[out, in]` and `[out]`; the
    /// message names all three.
    #[track_caller]
    pub fn linear(self, weight: Var<'t, T>, bias: Var<'t, T>) -> Self {
        self.tape.record(Linear.into(), &[self, weight, bias])
    }

    /// `Σ (self - target)²` as one `squared_error_sum` node; derivative
    /// `2 (self - target)` (and the negative for `target`).
    ///
    /// ```
    /// use tape::Tape;
    /// let tape = Tape::new();
    /// let p = tape.var([1.0_f64, 3.0]);
    /// let t = tape.constant([0.0, 1.0]);
    /// let l = p.squared_error_sum(t);
    /// assert_eq!(l.item(), 5.0); // 1 + 4
    /// assert_eq!(l.backward()[p].data(), &[2.0, 4.0]);
    /// ```
    ///
    /// # Panics
    /// If the shapes differ.
    #[track_caller]
    pub fn squared_error_sum(self, target: Var<'t, T>) -> Self {
        self.binary(target, SquaredError { mean: false })
    }

    /// The mean squared error `Σ (self - target)² / n` over the `n`
    /// elements, as one `squared_error_mean` node; derivative
    /// `2 (self - target) / n` (and the negative for `target`).
    ///
    /// ```
    /// use tape::Tape;
    /// let tape = Tape::new();
    /// let p = tape.var([1.0_f64, 3.0]);
    /// let t = tape.constant([0.0, 1.0]);
    /// let l = p.squared_error_mean(t);
    /// assert_eq!(l.item(), 2.5); // (1 + 4) / 2
    /// assert_eq!(l.backward()[p].data(), &[1.0, 2.0]);
    /// ```
    ///
    /// # Panics
    /// If the shapes differ.
    #[track_caller]
    pub fn squared_error_mean(self, target: Var<'t, T>) -> Self {
        self.binary(target, SquaredError { mean: true })
    }
}
