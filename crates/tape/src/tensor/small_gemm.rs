//! The direct matrix product for tiny matrices and single rows.
//!
//! Below a few hundred multiply-adds, packing panels for the blocked
//! kernel (`gemm`) costs more than the product itself. This kernel computes `MR x NR` tiles of the output in
//! local accumulators (which the compiler keeps in vector registers) and
//! needs no heap memory unless `op(b)` must be made row-contiguous first
//! (then a buffer from the tensor cache). It is compiled for several
//! instruction sets and the best one the CPU has is chosen at run time
//! (`multiversion`).

use multiversion::multiversion;

use super::{pool, Tensor};
use crate::{Scalar, Shape};

/// Rows of a tile.
const MR: usize = 4;
/// Columns of a tile.
const NR: usize = 16;

/// `c += op(a) @ op(b)` for an `m x k` and a `k x n` matrix given by their
/// data and `[row, column]` strides; `c` is `m x n`, row-major.
#[allow(clippy::too_many_arguments)]
pub(super) fn small_gemm<T: Scalar>(
    m: usize,
    k: usize,
    n: usize,
    a: &[T],
    [rsa, csa]: [usize; 2],
    b: &[T],
    [rsb, csb]: [usize; 2],
    c: &mut [T],
) {
    debug_assert_eq!(c.len(), m * n);
    if csb == 1 && rsb == n {
        tiles(m, k, n, a, [rsa, csa], b, c);
    } else {
        // Gather op(b) into a row-major k x n scratch (at most a few
        // thousand elements here).
        let data = pool::collect(
            k * n,
            (0..k).flat_map(|p| (0..n).map(move |j| b[p * rsb + j * csb])),
        );
        let dense = Tensor::with_data(Shape::new(&[k, n]), data);
        tiles(m, k, n, a, [rsa, csa], dense.data(), c);
    }
}

/// The tiled product with a row-major `b` (`k x n`).
#[multiversion(targets("x86_64+avx512f+avx512vl+avx2+fma", "x86_64+avx2+fma", "aarch64+neon"))]
fn tiles<T: Scalar>(
    m: usize,
    k: usize,
    n: usize,
    a: &[T],
    [rsa, csa]: [usize; 2],
    b: &[T],
    c: &mut [T],
) {
    // The rows of `a` for one tile, packed column by column (`MR` values
    // per `p`, zero past the last row), so the inner loop reads them
    // contiguously.
    let mut apack = pool::filled(MR * k, T::zero());
    for i0 in (0..m).step_by(MR) {
        let mr = MR.min(m - i0);
        for (p, ap) in apack.chunks_exact_mut(MR).enumerate() {
            for (ii, x) in ap.iter_mut().enumerate() {
                *x = if ii < mr {
                    a[(i0 + ii) * rsa + p * csa]
                } else {
                    T::zero()
                };
            }
        }
        for j0 in (0..n).step_by(NR) {
            let nr = NR.min(n - j0);
            let mut acc = [[T::zero(); NR]; MR];
            if nr == NR {
                // Full width: fixed trip counts, so the inner loops vectorise.
                for (p, ap) in apack.chunks_exact(MR).enumerate() {
                    let bv: [T; NR] = b[p * n + j0..p * n + j0 + NR].try_into().unwrap();
                    for (row, &av) in acc.iter_mut().zip(ap) {
                        for (x, &y) in row.iter_mut().zip(&bv) {
                            *x = *x + av * y;
                        }
                    }
                }
            } else {
                for (p, ap) in apack.chunks_exact(MR).enumerate() {
                    let bv = &b[p * n + j0..p * n + j0 + nr];
                    for (row, &av) in acc.iter_mut().zip(ap) {
                        for (x, &y) in row.iter_mut().zip(bv) {
                            *x = *x + av * y;
                        }
                    }
                }
            }
            for (ii, row) in acc.iter().enumerate().take(mr) {
                let out = &mut c[(i0 + ii) * n + j0..(i0 + ii) * n + j0 + nr];
                for (o, &x) in out.iter_mut().zip(row) {
                    *o = *o + x;
                }
            }
        }
    }
    pool::recycle(&mut apack);
}
