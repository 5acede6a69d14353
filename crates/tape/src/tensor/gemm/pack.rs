//! Packing: copying a block of an operand into the panel layout the
//! microkernels read, so that the kernel's inner loop walks memory
//! contiguously whatever the operand's strides (a transposed operand is
//! only a pair of swapped strides until here).
//!
//! A panel stores its block step by step along the shared dimension. When
//! the source runs the other way (rows of `op(a)`, or columns of a
//! transposed `op(b)`, contiguous along that dimension) the copy is a
//! transpose, done in 8 x 8 (or 4 x 8) blocks that the compiler keeps in
//! vector registers.

use super::kernel::Kernel;
use crate::Scalar;

/// A strided matrix: element `(i, j)` is at `ptr + i * rs + j * cs`.
#[derive(Clone, Copy)]
pub(crate) struct View<T> {
    pub(crate) ptr: *const T,
    pub(crate) rs: usize,
    pub(crate) cs: usize,
}

// SAFETY: a view is only read, and only while the slice it was made from is
// borrowed by the product (see `gemm`).
unsafe impl<T: Sync> Send for View<T> {}
unsafe impl<T: Sync> Sync for View<T> {}

impl<T> View<T> {
    /// The matrix in `data` with `[row, column]` strides.
    pub(crate) fn new(data: &[T], [rs, cs]: [usize; 2]) -> Self {
        View {
            ptr: data.as_ptr(),
            rs,
            cs,
        }
    }

    /// The view starting at element `(i, j)`.
    pub(crate) fn offset(self, i: usize, j: usize) -> Self {
        View {
            // SAFETY: callers stay inside the matrix the view describes.
            ptr: unsafe { self.ptr.add(i * self.rs + j * self.cs) },
            ..self
        }
    }
}

/// Steps of the shared dimension transposed at a time.
const STEPS: usize = 8;

/// Transposes `lines` contiguous source lines of `depth` values:
/// `out[p * out_stride + i] = src[i * src_stride + p]`. Full 8 x 8 blocks
/// go through the kernel set's vectorised `transpose8`, the edges through
/// plain loops.
///
/// # Safety
/// `src` holds `lines` lines of `depth` values at `src_stride`; `out` has
/// room for `depth` rows of `lines` values at `out_stride`.
unsafe fn transpose<T: Scalar>(
    kern: &Kernel<T>,
    src: *const T,
    src_stride: usize,
    lines: usize,
    depth: usize,
    out: *mut T,
    out_stride: usize,
) {
    let full = depth / STEPS * STEPS;
    let mut i = 0;
    // SAFETY: every access is inside the regions described above.
    unsafe {
        while i + 8 <= lines {
            let (s, o) = (src.add(i * src_stride), out.add(i));
            for p0 in (0..full).step_by(STEPS) {
                (kern.transpose8)(s.add(p0), src_stride, o.add(p0 * out_stride), out_stride);
            }
            for p in full..depth {
                for l in 0..8 {
                    *o.add(p * out_stride + l) = *s.add(l * src_stride + p);
                }
            }
            i += 8;
        }
        for i in i..lines {
            for p in 0..depth {
                *out.add(p * out_stride + i) = *src.add(i * src_stride + p);
            }
        }
    }
}

/// Packs the `rows x depth` block of `a` into panels of `mr` rows: panel
/// `r` holds, for each step `p` of the depth, the `mr` values
/// `a(r * mr + i, p)`, zero past the last row.
///
/// # Safety
/// `a` describes a readable `rows x depth` block; `out` has room for
/// `rows.div_ceil(mr) * mr * depth` values.
pub(crate) unsafe fn pack_a<T: Scalar>(
    kern: &Kernel<T>,
    a: View<T>,
    rows: usize,
    depth: usize,
    mr: usize,
    out: *mut T,
) {
    for (panel, r0) in (0..rows).step_by(mr).enumerate() {
        let live = mr.min(rows - r0);
        // SAFETY: within the block and the buffer (see above).
        unsafe {
            let dst = out.add(panel * mr * depth);
            let src = a.ptr.add(r0 * a.rs);
            if a.cs == 1 {
                transpose(kern, src, a.rs, live, depth, dst, mr);
            } else if a.rs == 1 {
                // Columns are contiguous (a transposed operand): copy runs.
                for p in 0..depth {
                    std::ptr::copy_nonoverlapping(src.add(p * a.cs), dst.add(p * mr), live);
                }
            } else {
                for p in 0..depth {
                    for i in 0..live {
                        *dst.add(p * mr + i) = *src.add(i * a.rs + p * a.cs);
                    }
                }
            }
            if live < mr {
                for p in 0..depth {
                    for i in live..mr {
                        *dst.add(p * mr + i) = T::zero();
                    }
                }
            }
        }
    }
}

/// Packs the `depth x cols` block of `b` into panels of `nr` columns:
/// panel `c` holds, for each step `p`, the `nr` values `b(p, c * nr + j)`,
/// zero past the last column.
///
/// # Safety
/// `b` describes a readable `depth x cols` block; `out` has room for
/// `cols.div_ceil(nr) * nr * depth` values.
pub(crate) unsafe fn pack_b<T: Scalar>(
    kern: &Kernel<T>,
    b: View<T>,
    depth: usize,
    cols: usize,
    nr: usize,
    out: *mut T,
) {
    for (panel, c0) in (0..cols).step_by(nr).enumerate() {
        let live = nr.min(cols - c0);
        // SAFETY: within the block and the buffer (see above).
        unsafe {
            let dst = out.add(panel * nr * depth);
            if b.cs == 1 {
                // Rows are contiguous: copy runs of `live` values.
                for p in 0..depth {
                    let src = b.ptr.add(p * b.rs + c0);
                    std::ptr::copy_nonoverlapping(src, dst.add(p * nr), live);
                }
            } else if b.rs == 1 {
                // Columns are contiguous (a transposed operand).
                transpose(kern, b.ptr.add(c0 * b.cs), b.cs, live, depth, dst, nr);
            } else {
                for p in 0..depth {
                    for j in 0..live {
                        *dst.add(p * nr + j) = *b.ptr.add(p * b.rs + (c0 + j) * b.cs);
                    }
                }
            }
            if live < nr {
                for p in 0..depth {
                    for j in live..nr {
                        *dst.add(p * nr + j) = T::zero();
                    }
                }
            }
        }
    }
}
