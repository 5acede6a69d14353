//! Matrix product and transpose.
//!
//! For `C = A @ B` the messages are `dA = G @ Bᵀ` and `dB = Aᵀ @ G`. The
//! transposes are passed to the kernel as strides (no copy); the transposed
//! forms are recorded as the same op with flags, so the rule stays closed
//! under differentiation.

use super::Rule;
use crate::{Algebra, Scalar, Tensor, Var};

/// `op(A) @ op(B)`, where `op` transposes the last two axes if flagged.
pub(crate) struct MatMul {
    pub(crate) ta: bool,
    pub(crate) tb: bool,
}

impl<T: Scalar> Rule<T> for MatMul {
    fn name(&self) -> &'static str {
        "matmul"
    }
    fn forward(&self, x: &[&Tensor<T>]) -> Tensor<T> {
        x[0].matmul_t(self.ta, x[1], self.tb)
    }
    fn vjp<A: Algebra<T>>(&self, x: &[&A], _out: &A, g: &A, wrt: usize) -> Option<A> {
        let (a, b) = (x[0], x[1]);
        // With C = op(A) op(B) and G = dC: d op(A) = G op(B)ᵀ, d op(B) = op(A)ᵀ G;
        // undo op() on the way back. Each case is one product, no copies.
        let m = match (wrt, self.ta, self.tb) {
            (0, false, false) => g.matmul_t(false, b, true),
            (0, false, true) => g.matmul_t(false, b, false),
            (0, true, false) => b.matmul_t(false, g, true),
            (0, true, true) => b.matmul_t(true, g, true),
            (_, false, false) => a.matmul_t(true, g, false),
            (_, false, true) => g.matmul_t(true, a, false),
            (_, true, false) => a.matmul_t(false, g, false),
            (_, true, true) => g.matmul_t(true, a, true),
        };
        // A plain matrix used against a batch received one product per
        // batch entry: sum them.
        // (Usually it is already the input's shape: no copy then.)
        Some(m.into_sum_to(&x[wrt].shape_of()))
    }
}

/// Swap of the last two axes. Its VJP is the same swap.
pub(crate) struct Transpose;

impl<T: Scalar> Rule<T> for Transpose {
    fn name(&self) -> &'static str {
        "transpose"
    }
    fn forward(&self, x: &[&Tensor<T>]) -> Tensor<T> {
        x[0].transpose()
    }
    fn vjp<A: Algebra<T>>(&self, _x: &[&A], _out: &A, g: &A, _wrt: usize) -> Option<A> {
        Some(g.transpose())
    }
}

/// Matrix products. Each records one node.
impl<'t, T: Scalar> Var<'t, T> {
    /// The matrix product `self @ other` (2-d, or batched over leading axes
    /// with either side allowed to be a plain matrix).
    ///
    /// # Panics
    /// If the inner dimensions differ or an operand has fewer than 2 axes;
    /// the message names both shapes.
    #[track_caller]
    pub fn matmul(self, other: Var<'t, T>) -> Self {
        self.binary(
            other,
            MatMul {
                ta: false,
                tb: false,
            },
        )
    }

    /// `op(self) @ op(other)`, transposing the last two axes of an operand
    /// whose flag is set, without copying it.
    #[track_caller]
    pub fn matmul_t(self, ta: bool, other: Var<'t, T>, tb: bool) -> Self {
        self.binary(other, MatMul { ta, tb })
    }

    /// Swaps the last two axes (`[.., m, n]` becomes `[.., n, m]`).
    #[track_caller]
    pub fn transpose(self) -> Self {
        self.unary(Transpose)
    }

    /// Short for [`Var::transpose`].
    #[track_caller]
    pub fn t(self) -> Self {
        self.transpose()
    }
}
