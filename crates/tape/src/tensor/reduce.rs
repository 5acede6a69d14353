//! Reductions: sums, means and maxima, over everything or along one axis,
//! and `sum_to`, the reduction that undoes a broadcast.

use super::{pool, Tensor};
use crate::shape::for_each_run;
use crate::{Scalar, Shape};

impl<T: Scalar> Tensor<T> {
    /// The sum of all elements, as a 0-d tensor.
    pub fn sum_all(&self) -> Tensor<T> {
        Tensor::scalar(self.data.iter().copied().sum())
    }

    /// The mean of all elements, as a 0-d tensor.
    pub fn mean_all(&self) -> Tensor<T> {
        let n = T::from_usize(self.numel()).expect("element count fits the float type");
        Tensor::scalar(self.data.iter().copied().sum::<T>() / n)
    }

    /// `Σ (self - other)²` over all elements, summed in order (the same
    /// value as `self.sub(other).powi(2).sum_all()`, in one pass).
    ///
    /// # Panics
    /// If the shapes differ.
    #[track_caller]
    pub(crate) fn squared_distance(&self, other: &Tensor<T>) -> T {
        assert!(
            self.shape == other.shape,
            "squared_error: predictions have shape {:?} but targets have shape {:?}",
            self.shape,
            other.shape
        );
        self.data
            .iter()
            .zip(other.data.iter())
            .map(|(&a, &b)| (a - b) * (a - b))
            .sum()
    }

    /// The sum along `axis`; with `keepdim` the axis stays with size 1.
    #[track_caller]
    pub fn sum_axis(&self, axis: usize, keepdim: bool) -> Tensor<T> {
        self.shape.check_axis("sum", axis);
        let (outer, len, inner) = self.shape.split_at_axis(axis);
        let mut data = pool::filled(outer * inner, T::zero());
        for o in 0..outer {
            let out = &mut data[o * inner..(o + 1) * inner];
            for j in 0..len {
                let row = &self.data[(o * len + j) * inner..(o * len + j + 1) * inner];
                for (acc, &x) in out.iter_mut().zip(row) {
                    *acc = *acc + x;
                }
            }
        }
        Tensor::with_data(self.shape.reduced(axis, keepdim), data)
    }

    /// The mean along `axis`; with `keepdim` the axis stays with size 1.
    #[track_caller]
    pub fn mean_axis(&self, axis: usize, keepdim: bool) -> Tensor<T> {
        self.shape.check_axis("mean", axis);
        let n = T::from_usize(self.dims()[axis]).expect("axis length fits the float type");
        self.sum_axis(axis, keepdim).div_scalar(n)
    }

    /// The maximum along `axis`. NaN wins over numbers (it propagates).
    ///
    /// # Panics
    /// If `axis` is out of range or has length 0.
    #[track_caller]
    pub fn max_axis(&self, axis: usize, keepdim: bool) -> Tensor<T> {
        let (idx, _) = self.argmax_axis(axis);
        let data = pool::collect(idx.len(), idx.iter().map(|&i| self.data[i]));
        Tensor::with_data(self.shape.reduced(axis, keepdim), data)
    }

    /// For each position of the reduced shape, the flat offset of the first
    /// maximum along `axis` (the one `max_axis` reports and whose gradient
    /// it takes), plus the axis length.
    #[track_caller]
    fn argmax_axis(&self, axis: usize) -> (Vec<usize>, usize) {
        self.shape.check_axis("max", axis);
        let (outer, len, inner) = self.shape.split_at_axis(axis);
        assert!(
            len > 0,
            "max: axis {axis} of shape {:?} is empty",
            self.shape
        );
        let mut idx = Vec::with_capacity(outer * inner);
        for o in 0..outer {
            for i in 0..inner {
                let mut best = o * len * inner + i;
                for j in 1..len {
                    let at = (o * len + j) * inner + i;
                    let (x, b) = (self.data[at], self.data[best]);
                    if (x > b) || (x.is_nan() && !b.is_nan()) {
                        best = at;
                    }
                }
                idx.push(best);
            }
        }
        (idx, len)
    }

    /// A 0/1 tensor of this shape with a 1 at the first maximum along
    /// `axis` of each lane: the local derivative of `max_axis`.
    #[track_caller]
    pub fn max_mask(&self, axis: usize) -> Tensor<T> {
        let (idx, _) = self.argmax_axis(axis);
        let mut mask = Tensor::zeros(self.shape.clone());
        for i in idx {
            mask.data[i] = T::one();
        }
        mask
    }

    /// Sums this tensor down to `target`, the shape it was broadcast from:
    /// summed over the leading axes it lacks and over axes where it has 1.
    /// This is the VJP of broadcasting.
    ///
    /// ```
    /// use tape::Tensor;
    /// let g = Tensor::from([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]);
    /// assert_eq!(g.sum_to(&[3].into()).data(), &[5.0, 7.0, 9.0]);
    /// assert_eq!(g.sum_to(&[2, 1].into()).data(), &[6.0, 15.0]);
    /// ```
    ///
    /// # Panics
    /// If `target` does not broadcast to this tensor's shape.
    #[track_caller]
    pub fn sum_to(&self, target: &Shape) -> Tensor<T> {
        if *target == self.shape {
            return self.clone();
        }
        assert!(
            target.broadcasts_to(&self.shape),
            "sum_to: shape {target:?} does not broadcast to {:?}",
            self.shape
        );
        if target.numel() == 1 {
            let data = smallvec::smallvec![self.data.iter().copied().sum()];
            return Tensor::with_data(target.clone(), data);
        }
        // The common case (a bias's gradient): `target` is this shape's
        // trailing axes, so the sum adds whole rows.
        let t = target.dims();
        let t = &t[t.iter().position(|&d| d != 1).unwrap_or(t.len())..];
        if target.numel() > 0
            && !self.data.is_empty()
            && target.rank() <= self.rank()
            && self.dims().ends_with(t)
        {
            let mut data = pool::copy(&self.data[..target.numel()]);
            for row in self.data.chunks_exact(target.numel()).skip(1) {
                data.iter_mut().zip(row).for_each(|(d, &v)| *d = *d + v);
            }
            return Tensor::with_data(target.clone(), data);
        }
        let dst = target.broadcast_strides(&self.shape);
        let src = self.shape.strides();
        let mut data = pool::filled(target.numel(), T::zero());
        let x = &self.data[..];
        for_each_run(self.dims(), [&src, &dst], |[os, od], n, [is, id]| {
            match (is, id) {
                // A row added into a row (summing over an outer axis).
                (1, 1) => {
                    for (d, &v) in data[od..od + n].iter_mut().zip(&x[os..os + n]) {
                        *d = *d + v;
                    }
                }
                // A run summed into one element (summing over the last axis).
                (1, 0) => data[od] = data[od] + x[os..os + n].iter().copied().sum::<T>(),
                _ => {
                    for i in 0..n {
                        let d = &mut data[od + i * id];
                        *d = *d + x[os + i * is];
                    }
                }
            }
        });
        Tensor::with_data(target.clone(), data)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sum_to_trailing_axes_adds_rows() {
        // [2, 2, 3] -> [3], [1, 3], [2, 3] and [1, 2, 3]: the row-adding path;
        // [2, 1] the general one. Expected values summed by hand.
        let x = Tensor::from_vec((1..=12).map(f64::from).collect(), [2, 2, 3]);
        assert_eq!(x.sum_to(&Shape::new(&[3])).data(), &[22.0, 26.0, 30.0]);
        assert_eq!(x.sum_to(&Shape::new(&[1, 3])).dims(), &[1, 3]);
        assert_eq!(x.sum_to(&Shape::new(&[1, 3])).data(), &[22.0, 26.0, 30.0]);
        assert_eq!(
            x.sum_to(&Shape::new(&[2, 3])).data(),
            &[8.0, 10.0, 12.0, 14.0, 16.0, 18.0]
        );
        assert_eq!(
            x.sum_to(&Shape::new(&[1, 2, 3])).data(),
            &[8.0, 10.0, 12.0, 14.0, 16.0, 18.0]
        );
        assert_eq!(x.sum_to(&Shape::new(&[2, 1])).data(), &[30.0, 48.0]);
        let empty = Tensor::<f64>::zeros([0, 3]);
        assert_eq!(empty.sum_to(&Shape::new(&[3])).data(), &[0.0, 0.0, 0.0]);
    }

    fn m() -> Tensor<f64> {
        Tensor::from([[1.0, 5.0, 3.0], [4.0, 2.0, 6.0]])
    }

    #[test]
    fn sums_and_means() {
        assert_eq!(m().sum_all().item(), 21.0);
        assert_eq!(m().mean_all().item(), 3.5);
        assert_eq!(m().sum_axis(0, false).data(), &[5.0, 7.0, 9.0]);
        assert_eq!(m().sum_axis(1, true).dims(), &[2, 1]);
        assert_eq!(m().sum_axis(1, true).data(), &[9.0, 12.0]);
        assert_eq!(m().mean_axis(1, false).data(), &[3.0, 4.0]);
    }

    #[test]
    fn max_and_mask_take_first_of_ties() {
        assert_eq!(m().max_axis(1, false).data(), &[5.0, 6.0]);
        assert_eq!(m().max_axis(0, true).data(), &[4.0, 5.0, 6.0]);
        let tie = Tensor::from([[2.0_f32, 2.0, 1.0]]);
        assert_eq!(tie.max_mask(1).data(), &[1.0, 0.0, 0.0]);
    }

    #[test]
    fn sum_to_middle_axis() {
        let t = Tensor::<f32>::ones([2, 3, 4]);
        let s = t.sum_to(&Shape::new(&[2, 1, 4]));
        assert_eq!(s.data(), &[3.0; 8]);
        let s = t.sum_to(&Shape::new(&[3, 1]));
        assert_eq!(s.data(), &[8.0; 3]);
    }
}
