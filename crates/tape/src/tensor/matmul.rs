//! Matrix products: the blocked, threaded kernel of `gemm` for big
//! products, or the direct tiled loop of `small_gemm` for tiny ones.
//!
//! Transposed operands are never copied: a transpose is just swapped strides
//! handed to the kernel, which is what the matmul VJP relies on.

use std::mem::MaybeUninit;

use super::gemm::gemm;
use super::small_gemm::small_gemm;
use super::{pool, Tensor};
use crate::{Dims, Scalar, Shape};

/// One operand as the kernel sees it: batch count and the logical
/// (possibly transposed) matrix sizes and strides.
struct Operand<'a, T> {
    data: &'a [T],
    batch: &'a [usize],
    rows: usize,
    cols: usize,
    rs: usize,
    cs: usize,
    /// Elements between consecutive matrices of the batch (0 if unbatched).
    step: usize,
}

impl<'a, T: Scalar> Operand<'a, T> {
    #[track_caller]
    fn new(t: &'a Tensor<T>, transposed: bool, side: &str) -> Self {
        let r = t.rank();
        assert!(
            r >= 2,
            "matmul: the {side} operand has shape {:?}; matmul needs at least 2 dimensions \
             (reshape a vector to [1, n] or [n, 1])",
            t.shape()
        );
        let (sr, sc) = (t.dims()[r - 2], t.dims()[r - 1]);
        let batch = &t.dims()[..r - 2];
        let step = if batch.is_empty() { 0 } else { sr * sc };
        let (rows, cols, rs, cs) = if transposed {
            (sc, sr, 1, sc)
        } else {
            (sr, sc, sc, 1)
        };
        Operand {
            data: t.data(),
            batch,
            rows,
            cols,
            rs,
            cs,
            step,
        }
    }
}

/// Products with at most this many multiply-adds use the direct loop of
/// `small_gemm`: for the matrices of a 3-2-1 network, packing panels for the
/// blocked kernel costs more than the product (0.1 against 0.2 µs). From a
/// 100 x 2 x 16 product on, the blocked kernel is faster (0.4 against 0.8
/// µs; 0.9 against 2.4 µs at 100 x 16 x 16, measured in one run).
const SMALL_PRODUCT: usize = 512;

/// Whether an `m x k x n` product takes the direct loop. A single row (the
/// weight gradient of a one-output layer) wastes most of the blocked
/// kernel's tile; the direct loop does it in a third of the time.
fn is_small(m: usize, k: usize, n: usize) -> bool {
    m * k * n <= SMALL_PRODUCT || m == 1
}

impl<T: Scalar> Tensor<T> {
    /// The matrix product `self @ other` of 2-d tensors, or batched over
    /// leading axes (`[b, m, k] @ [b, k, n]`, or either side plain 2-d).
    ///
    /// ```
    /// use tape::Tensor;
    /// let a = Tensor::from([[1.0, 2.0], [3.0, 4.0]]);
    /// let b = Tensor::from([[5.0], [6.0]]);
    /// assert_eq!(a.matmul(&b).data(), &[17.0, 39.0]);
    /// ```
    #[track_caller]
    pub fn matmul(&self, other: &Tensor<T>) -> Tensor<T> {
        self.matmul_t(false, other, false)
    }

    /// `op(self) @ op(other)` where `op` transposes the last two axes when
    /// the flag is set. No transposed copy is made: the kernel reads strides.
    #[track_caller]
    pub fn matmul_t(&self, ta: bool, other: &Tensor<T>, tb: bool) -> Tensor<T> {
        let a = Operand::new(self, ta, "left");
        let b = Operand::new(other, tb, "right");
        assert!(
            a.cols == b.rows,
            "matmul: shapes {:?}{} and {:?}{} do not chain: the left has {} columns, the right {} rows",
            self.shape(),
            if ta { "^T" } else { "" },
            other.shape(),
            if tb { "^T" } else { "" },
            a.cols,
            b.rows
        );
        let batch = match (a.batch.is_empty(), b.batch.is_empty()) {
            (_, true) => a.batch,
            (true, false) => b.batch,
            (false, false) => {
                assert!(
                    a.batch == b.batch,
                    "matmul: batch dimensions {:?} and {:?} differ (shapes {:?} and {:?})",
                    a.batch,
                    b.batch,
                    self.shape(),
                    other.shape()
                );
                a.batch
            }
        };
        let (m, k, n) = (a.rows, a.cols, b.cols);
        let count: usize = batch.iter().product();
        let mut dims = Dims::from_slice(batch);
        dims.extend([m, n]);
        let len = count * m * n;
        if len == 0 {
            // Nothing to compute (an empty batch too: no chunk to split).
            return Tensor::with_data(Shape::from(dims), pool::filled(len, T::zero()));
        }
        // A batched left operand times a plain matrix is one tall product.
        let (m_eff, count_eff) = if !ta && b.step == 0 && a.step != 0 {
            (m * count, 1)
        } else {
            (m, count)
        };
        let size = m_eff * n;
        let strides = |o: &Operand<'_, T>| [o.rs, o.cs];
        let out = if is_small(m_eff, k, n) {
            let mut out = pool::filled(len, T::zero());
            for (i, c) in out.chunks_exact_mut(size).enumerate() {
                let (ad, bd) = (&a.data[i * a.step..], &b.data[i * b.step..]);
                small_gemm(m_eff, k, n, ad, strides(&a), bd, strides(&b), c);
            }
            out
        } else {
            // The blocked kernel overwrites its output: no need to zero it.
            let mut out = pool::with_capacity::<T>(len);
            // SAFETY: the buffer has room for `len` values, and
            // `MaybeUninit` may be uninitialised.
            let c = unsafe {
                std::slice::from_raw_parts_mut(out.as_mut_ptr().cast::<MaybeUninit<T>>(), len)
            };
            for (i, c) in c.chunks_exact_mut(size).enumerate() {
                let (ad, bd) = (&a.data[i * a.step..], &b.data[i * b.step..]);
                gemm(m_eff, k, n, ad, strides(&a), bd, strides(&b), c);
            }
            // SAFETY: `gemm` initialised all `count_eff * size == len` values.
            unsafe { out.set_len(len) };
            out
        };
        debug_assert_eq!(count_eff * size, len);
        Tensor::with_data(Shape::from(dims), out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn naive(a: &Tensor<f64>, b: &Tensor<f64>) -> Vec<f64> {
        let (m, k, n) = (a.dims()[0], a.dims()[1], b.dims()[1]);
        let mut c = vec![0.0; m * n];
        for i in 0..m {
            for j in 0..n {
                for p in 0..k {
                    c[i * n + j] += a.get(&[i, p]) * b.get(&[p, j]);
                }
            }
        }
        c
    }

    #[test]
    fn matches_naive_on_odd_sizes() {
        use rand::{rngs::StdRng, SeedableRng};
        let mut rng = StdRng::seed_from_u64(3);
        // Small products take the direct loop, large ones the tuned kernel.
        for (m, k, n) in [(1, 1, 1), (3, 5, 7), (17, 2, 9), (40, 30, 50), (33, 65, 31)] {
            let a = Tensor::<f64>::randn([m, k], &mut rng);
            let b = Tensor::<f64>::randn([k, n], &mut rng);
            let c = a.matmul(&b);
            for (x, y) in c.data().iter().zip(naive(&a, &b)) {
                assert!((x - y).abs() < 1e-12);
            }
        }
    }

    #[test]
    fn both_kernels_agree_with_transposes() {
        use rand::{rngs::StdRng, SeedableRng};
        let mut rng = StdRng::seed_from_u64(5);
        for (m, k, n) in [(4, 3, 5), (48, 40, 36)] {
            let a = Tensor::<f64>::randn([m, k], &mut rng);
            let b = Tensor::<f64>::randn([k, n], &mut rng);
            let c = a.matmul(&b);
            for (ta, tb) in [(true, false), (false, true), (true, true)] {
                let a2 = if ta { a.transpose() } else { a.clone() };
                let b2 = if tb { b.transpose() } else { b.clone() };
                let c2 = a2.matmul_t(ta, &b2, tb);
                for (x, y) in c.data().iter().zip(c2.data()) {
                    assert!((x - y).abs() < 1e-12, "{ta} {tb}: {x} vs {y}");
                }
            }
        }
    }

    #[test]
    fn transposed_operands_by_stride() {
        let a = Tensor::from([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]); // 2x3
        let at = a.transpose();
        let b = Tensor::from([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]]); // 3x2
        assert_eq!(at.matmul_t(true, &b, false), a.matmul(&b));
        assert_eq!(a.matmul_t(false, &b.transpose(), true), a.matmul(&b));
        // a^T a is 3x3 and symmetric
        let ata = a.matmul_t(true, &a, false);
        assert_eq!(ata.dims(), &[3, 3]);
        assert_eq!(ata.get(&[0, 2]), 27.0);
    }

    #[test]
    fn batched() {
        let a = Tensor::from_vec((0..12).map(f64::from).collect(), [2, 2, 3]);
        let b = Tensor::from([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]]);
        let c = a.matmul(&b);
        assert_eq!(c.dims(), &[2, 2, 2]);
        assert_eq!(c.data(), &[2.0, 3.0, 8.0, 9.0, 14.0, 15.0, 20.0, 21.0]);
        let bb = Tensor::from_vec([b.data(), b.data()].concat(), [2, 3, 2]);
        assert_eq!(a.matmul(&bb), c);
    }

    #[test]
    fn empty_batches_and_empty_sides() {
        // A batch of none, times a plain matrix or a batch; and k = 0.
        let c = Tensor::<f32>::zeros([0, 3, 4]).matmul(&Tensor::ones([4, 5]));
        assert_eq!(c.dims(), &[0, 3, 5]);
        let c = Tensor::<f32>::zeros([0, 3, 4]).matmul_t(true, &Tensor::ones([0, 3, 5]), false);
        assert_eq!(c.dims(), &[0, 4, 5]);
        let c = Tensor::<f64>::zeros([2, 0]).matmul(&Tensor::zeros([0, 40]));
        assert_eq!(c.dims(), &[2, 40]);
        assert!(c.data().iter().all(|&x| x == 0.0));
        let c = Tensor::<f64>::zeros([64, 0]).matmul(&Tensor::zeros([0, 64]));
        assert!(c.data().iter().all(|&x| x == 0.0));
    }

    #[test]
    #[should_panic(expected = "matmul: shapes [2, 3] and [2, 3] do not chain")]
    fn mismatch_message() {
        Tensor::<f32>::zeros([2, 3]).matmul(&Tensor::zeros([2, 3]));
    }
}
