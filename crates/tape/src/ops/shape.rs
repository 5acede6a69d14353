//! Layout ops: reshape, broadcast, concatenation and slicing. They move
//! elements without changing them, so each VJP moves the message back:
//! reshape it back, sum it over the broadcast, cut out each part, pad it
//! into place, scatter-add gathered rows.

use std::rc::Rc;

use super::Rule;
use crate::{Algebra, Scalar, Shape, Tensor, Var};

/// Same elements, new shape. VJP: reshape back.
pub(crate) struct Reshape(pub(crate) Shape);

impl<T: Scalar> Rule<T> for Reshape {
    fn name(&self) -> &'static str {
        "reshape"
    }
    fn forward(&self, x: &[&Tensor<T>]) -> Tensor<T> {
        x[0].reshape(&self.0)
    }
    fn vjp<A: Algebra<T>>(&self, x: &[&A], _out: &A, g: &A, _wrt: usize) -> Option<A> {
        Some(g.reshape(&x[0].shape_of()))
    }
}

/// Repeat along broadcast axes. VJP: sum over them.
pub(crate) struct BroadcastTo(pub(crate) Shape);

impl<T: Scalar> Rule<T> for BroadcastTo {
    fn name(&self) -> &'static str {
        "broadcast_to"
    }
    fn forward(&self, x: &[&Tensor<T>]) -> Tensor<T> {
        x[0].broadcast_to(&self.0)
    }
    fn vjp<A: Algebra<T>>(&self, x: &[&A], _out: &A, g: &A, _wrt: usize) -> Option<A> {
        Some(g.sum_to(&x[0].shape_of()))
    }
}

/// Join along an axis. VJP for input `i`: its slice of the message.
pub(crate) struct Concat {
    pub(crate) axis: usize,
}

impl<T: Scalar> Rule<T> for Concat {
    fn name(&self) -> &'static str {
        "concat"
    }
    fn forward(&self, x: &[&Tensor<T>]) -> Tensor<T> {
        Tensor::concat(x, self.axis)
    }
    fn vjp<A: Algebra<T>>(&self, x: &[&A], _out: &A, g: &A, wrt: usize) -> Option<A> {
        let start = x[..wrt]
            .iter()
            .map(|p| p.shape_of().dims()[self.axis])
            .sum();
        let len = x[wrt].shape_of().dims()[self.axis];
        Some(g.narrow(self.axis, start, len))
    }
}

/// A slice along an axis. VJP: the message padded back into zeros.
pub(crate) struct Narrow {
    pub(crate) axis: usize,
    pub(crate) start: usize,
    pub(crate) len: usize,
}

impl<T: Scalar> Rule<T> for Narrow {
    fn name(&self) -> &'static str {
        "narrow"
    }
    fn forward(&self, x: &[&Tensor<T>]) -> Tensor<T> {
        x[0].narrow(self.axis, self.start, self.len)
    }
    fn vjp<A: Algebra<T>>(&self, x: &[&A], _out: &A, g: &A, _wrt: usize) -> Option<A> {
        let total = x[0].shape_of().dims()[self.axis];
        Some(g.pad(self.axis, self.start, total))
    }
}

/// Embed in zeros along an axis. VJP: the matching slice of the message.
pub(crate) struct Pad {
    pub(crate) axis: usize,
    pub(crate) start: usize,
    pub(crate) total: usize,
}

impl<T: Scalar> Rule<T> for Pad {
    fn name(&self) -> &'static str {
        "pad"
    }
    fn forward(&self, x: &[&Tensor<T>]) -> Tensor<T> {
        x[0].pad(self.axis, self.start, self.total)
    }
    fn vjp<A: Algebra<T>>(&self, x: &[&A], _out: &A, g: &A, _wrt: usize) -> Option<A> {
        let len = x[0].shape_of().dims()[self.axis];
        Some(g.narrow(self.axis, self.start, len))
    }
}

/// Gather rows by index. VJP: scatter-add the message rows back.
pub(crate) struct IndexRows(pub(crate) Rc<[usize]>);

impl<T: Scalar> Rule<T> for IndexRows {
    fn name(&self) -> &'static str {
        "index_rows"
    }
    fn forward(&self, x: &[&Tensor<T>]) -> Tensor<T> {
        x[0].index_rows(&self.0)
    }
    fn vjp<A: Algebra<T>>(&self, x: &[&A], _out: &A, g: &A, _wrt: usize) -> Option<A> {
        let rows = x[0].shape_of().dims()[0];
        Some(g.index_add_rows(&self.0, rows))
    }
}

/// Scatter-add rows into zeros. VJP: gather the message rows.
pub(crate) struct IndexAddRows {
    pub(crate) indices: Rc<[usize]>,
    pub(crate) rows: usize,
}

impl<T: Scalar> Rule<T> for IndexAddRows {
    fn name(&self) -> &'static str {
        "index_add_rows"
    }
    fn forward(&self, x: &[&Tensor<T>]) -> Tensor<T> {
        x[0].index_add_rows(&self.indices, self.rows)
    }
    fn vjp<A: Algebra<T>>(&self, _x: &[&A], _out: &A, g: &A, _wrt: usize) -> Option<A> {
        Some(g.index_rows(&self.indices))
    }
}

/// Layout changes. Each records one node (`stack` records one per input
/// plus the concatenation).
impl<'t, T: Scalar> Var<'t, T> {
    /// The same elements viewed with a new shape of equal element count.
    #[track_caller]
    pub fn reshape(self, shape: impl Into<Shape>) -> Self {
        self.unary(Reshape(shape.into()))
    }

    /// Repeats along broadcast axes to fill `shape` (numpy rules).
    #[track_caller]
    pub fn broadcast_to(self, shape: impl Into<Shape>) -> Self {
        self.unary(BroadcastTo(shape.into()))
    }

    /// The slice `start .. start + len` along `axis`.
    #[track_caller]
    pub fn narrow(self, axis: usize, start: usize, len: usize) -> Self {
        self.unary(Narrow { axis, start, len })
    }

    /// Rows `range` (a slice along axis 0).
    #[track_caller]
    pub fn rows(self, range: std::ops::Range<usize>) -> Self {
        self.narrow(0, range.start, range.end.saturating_sub(range.start))
    }

    /// Embeds this value at `start` along `axis` in zeros of length `total`.
    #[track_caller]
    pub fn pad(self, axis: usize, start: usize, total: usize) -> Self {
        self.unary(Pad { axis, start, total })
    }

    /// Gathers rows (axis 0) by index; indices may repeat.
    #[track_caller]
    pub fn index_rows(self, indices: &[usize]) -> Self {
        self.unary(IndexRows(indices.into()))
    }

    /// Adds row `k` into row `indices[k]` of `rows` zero rows.
    #[track_caller]
    pub fn index_add_rows(self, indices: &[usize], rows: usize) -> Self {
        self.unary(IndexAddRows {
            indices: indices.into(),
            rows,
        })
    }

    /// Joins values along `axis`; other dimensions must agree.
    ///
    /// # Panics
    /// If `parts` is empty or the shapes do not fit together.
    #[track_caller]
    pub fn concat(parts: &[Var<'t, T>], axis: usize) -> Self {
        let first = parts.first().expect("concat: no values given");
        first.tape.record(Concat { axis }.into(), parts)
    }

    /// Stacks equally shaped values along a new axis at position `axis`.
    #[track_caller]
    pub fn stack(parts: &[Var<'t, T>], axis: usize) -> Self {
        let first = parts.first().expect("stack: no values given");
        let shape = first.shape();
        assert!(
            axis <= shape.rank(),
            "stack: axis {axis} is out of range for values of shape {shape:?}"
        );
        let mut dims = shape.dims().to_vec();
        dims.insert(axis, 1);
        let expanded: Vec<Var<'t, T>> = parts
            .iter()
            .map(|p| {
                assert_eq!(
                    p.shape(),
                    shape,
                    "stack: shapes {:?} and {shape:?} differ",
                    p.shape()
                );
                p.reshape(dims.clone())
            })
            .collect();
        Var::concat(&expanded, axis)
    }
}
