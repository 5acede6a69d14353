//! Layout changes: transpose, reshape, broadcast, concatenation, slicing and
//! row gathering, each with the inverse its VJP needs (`pad` for `narrow`,
//! `index_add_rows` for `index_rows`).

use super::{pool, Tensor};
use crate::shape::for_each_run;
use crate::{Scalar, Shape};

impl<T: Scalar> Tensor<T> {
    /// Swaps the last two axes (a matrix transpose, batched over the rest).
    ///
    /// # Panics
    /// If the tensor has fewer than 2 dimensions.
    #[track_caller]
    pub fn transpose(&self) -> Tensor<T> {
        let r = self.rank();
        assert!(
            r >= 2,
            "transpose: shape {:?} has fewer than 2 dimensions",
            self.shape()
        );
        let (rows, cols) = (self.dims()[r - 2], self.dims()[r - 1]);
        let mut dims = self.dims().to_vec();
        dims.swap(r - 2, r - 1);
        let mut data = pool::with_capacity(self.numel());
        for m in self.data.chunks_exact((rows * cols).max(1)) {
            for j in 0..cols {
                for i in 0..rows {
                    data.push(m[i * cols + j]);
                }
            }
        }
        Tensor::with_data(Shape::from(dims), data)
    }

    /// The same elements in a new shape with the same element count.
    #[track_caller]
    pub fn reshape(&self, shape: impl Into<Shape>) -> Tensor<T> {
        let shape = shape.into();
        assert_eq!(
            shape.numel(),
            self.numel(),
            "reshape: cannot view shape {:?} ({} elements) as {shape:?} ({} elements)",
            self.shape(),
            self.numel(),
            shape.numel()
        );
        Tensor::with_data(shape, pool::copy(&self.data))
    }

    /// Repeats the tensor along broadcast axes to fill `shape`.
    #[track_caller]
    pub fn broadcast_to(&self, shape: impl Into<Shape>) -> Tensor<T> {
        let shape = shape.into();
        assert!(
            self.shape().broadcasts_to(&shape),
            "broadcast_to: shape {:?} cannot be broadcast to {shape:?}",
            self.shape()
        );
        if shape == *self.shape() {
            return self.clone();
        }
        let src = self.shape().broadcast_strides(&shape);
        let mut data = pool::with_capacity(shape.numel());
        for_each_run(shape.dims(), [&src], |[o], n, [s]| {
            if s == 1 {
                data.extend_from_slice(&self.data[o..o + n]);
            } else {
                data.extend((0..n).map(|i| self.data[o + i * s]));
            }
        });
        Tensor::with_data(shape, data)
    }

    /// Joins tensors along `axis`; all other dimensions must agree.
    #[track_caller]
    pub fn concat(parts: &[&Tensor<T>], axis: usize) -> Tensor<T> {
        assert!(!parts.is_empty(), "concat: no tensors given");
        let first = parts[0].shape();
        first.check_axis("concat", axis);
        let mut total = 0;
        for p in parts {
            let same_rank = p.rank() == first.rank();
            let others_agree =
                same_rank && (0..first.rank()).all(|i| i == axis || p.dims()[i] == first.dims()[i]);
            assert!(
                others_agree,
                "concat along axis {axis}: shape {:?} does not match {first:?} outside that axis",
                p.shape()
            );
            total += p.dims()[axis];
        }
        let shape = first.with_dim(axis, total);
        let (outer, _, inner) = first.split_at_axis(axis);
        let mut data = pool::with_capacity(shape.numel());
        for o in 0..outer {
            for p in parts {
                let run = p.dims()[axis] * inner;
                data.extend_from_slice(&p.data[o * run..(o + 1) * run]);
            }
        }
        Tensor::with_data(shape, data)
    }

    /// The slice `start .. start + len` along `axis`.
    #[track_caller]
    pub fn narrow(&self, axis: usize, start: usize, len: usize) -> Tensor<T> {
        self.shape().check_axis("narrow", axis);
        let (outer, size, inner) = self.shape().split_at_axis(axis);
        assert!(
            start + len <= size,
            "narrow: range {start}..{} is out of bounds for axis {axis} of shape {:?}",
            start + len,
            self.shape()
        );
        let mut data = pool::with_capacity(outer * len * inner);
        for o in 0..outer {
            let base = (o * size + start) * inner;
            data.extend_from_slice(&self.data[base..base + len * inner]);
        }
        Tensor::with_data(self.shape().with_dim(axis, len), data)
    }

    /// Places this tensor at `start` along `axis` inside zeros of length
    /// `total` there: the inverse of [`Tensor::narrow`], and its VJP.
    #[track_caller]
    pub fn pad(&self, axis: usize, start: usize, total: usize) -> Tensor<T> {
        self.shape().check_axis("pad", axis);
        let (outer, len, inner) = self.shape().split_at_axis(axis);
        assert!(
            start + len <= total,
            "pad: {len} entries at {start} do not fit in length {total} (shape {:?}, axis {axis})",
            self.shape()
        );
        let mut data = pool::filled(outer * total * inner, T::zero());
        for o in 0..outer {
            let dst = (o * total + start) * inner;
            data[dst..dst + len * inner]
                .copy_from_slice(&self.data[o * len * inner..(o + 1) * len * inner]);
        }
        Tensor::with_data(self.shape().with_dim(axis, total), data)
    }

    /// Gathers rows (entries along axis 0) by index; indices may repeat.
    #[track_caller]
    pub fn index_rows(&self, indices: &[usize]) -> Tensor<T> {
        assert!(
            self.rank() >= 1,
            "index_rows: a scalar has no rows (shape {:?})",
            self.shape()
        );
        let (_, rows, inner) = self.shape().split_at_axis(0);
        let mut data = pool::with_capacity(indices.len() * inner);
        for &i in indices {
            assert!(
                i < rows,
                "index_rows: row {i} is out of bounds for shape {:?}",
                self.shape()
            );
            data.extend_from_slice(&self.data[i * inner..(i + 1) * inner]);
        }
        Tensor::with_data(self.shape().with_dim(0, indices.len()), data)
    }

    /// Adds row `k` of this tensor into row `indices[k]` of a zero tensor
    /// with `rows` rows: the VJP of [`Tensor::index_rows`] (repeated indices
    /// accumulate).
    #[track_caller]
    pub fn index_add_rows(&self, indices: &[usize], rows: usize) -> Tensor<T> {
        assert_eq!(
            self.dims().first().copied(),
            Some(indices.len()),
            "index_add_rows: shape {:?} does not have one row per index ({} indices)",
            self.shape(),
            indices.len()
        );
        let (_, _, inner) = self.shape().split_at_axis(0);
        let mut data = pool::filled(rows * inner, T::zero());
        for (k, &i) in indices.iter().enumerate() {
            assert!(
                i < rows,
                "index_add_rows: row {i} is out of bounds for {rows} rows"
            );
            for (d, &s) in data[i * inner..(i + 1) * inner]
                .iter_mut()
                .zip(&self.data[k * inner..(k + 1) * inner])
            {
                *d = *d + s;
            }
        }
        Tensor::with_data(self.shape().with_dim(0, rows), data)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn transpose_and_reshape() {
        let a = Tensor::from([[1.0_f32, 2.0, 3.0], [4.0, 5.0, 6.0]]);
        assert_eq!(a.transpose().data(), &[1.0, 4.0, 2.0, 5.0, 3.0, 6.0]);
        assert_eq!(a.transpose().dims(), &[3, 2]);
        assert_eq!(a.reshape([3, 2]).dims(), &[3, 2]);
    }

    #[test]
    fn broadcast_to_repeats() {
        let col = Tensor::from_vec(vec![1.0, 2.0], [2, 1]);
        assert_eq!(
            col.broadcast_to([2, 3]).data(),
            &[1.0, 1.0, 1.0, 2.0, 2.0, 2.0]
        );
        let row = Tensor::from([1.0, 2.0]);
        assert_eq!(row.broadcast_to([2, 2]).data(), &[1.0, 2.0, 1.0, 2.0]);
    }

    #[test]
    fn concat_narrow_pad() {
        let a = Tensor::from([[1.0, 2.0], [3.0, 4.0]]);
        let b = Tensor::from([[5.0], [6.0]]);
        let c = Tensor::concat(&[&a, &b], 1);
        assert_eq!(c.data(), &[1.0, 2.0, 5.0, 3.0, 4.0, 6.0]);
        assert_eq!(c.narrow(1, 2, 1), b);
        assert_eq!(c.narrow(1, 0, 2), a);
        let p = b.pad(1, 2, 3);
        assert_eq!(p.data(), &[0.0, 0.0, 5.0, 0.0, 0.0, 6.0]);
        let rows = Tensor::concat(&[&a, &a], 0);
        assert_eq!(rows.dims(), &[4, 2]);
    }

    #[test]
    fn gather_and_scatter_rows() {
        let a = Tensor::from([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]]);
        let g = a.index_rows(&[2, 0, 2]);
        assert_eq!(g.data(), &[5.0, 6.0, 1.0, 2.0, 5.0, 6.0]);
        let s = g.index_add_rows(&[2, 0, 2], 3);
        assert_eq!(s.data(), &[1.0, 2.0, 0.0, 0.0, 10.0, 12.0]);
    }
}
