//! The matrix-multiply kernel for products too big for the direct loop of
//! `small_gemm`: the classic blocked algorithm (Goto; BLIS's five loops).
//!
//! `c = op(a) @ op(b)` is computed block by block: a `KC x NC` block of
//! `op(b)` is packed into panels `NR` columns wide, then for each `MC x KC`
//! block of `op(a)` (packed into panels `MR` rows tall) a register-tiled
//! microkernel (`kernel`) computes the `MR x NR` tiles of `c`. The panels
//! are sized so a kernel call reads its `b` panel from L1 and its `a` block
//! from L2.
//!
//! Two things make this kernel ours rather than a dependency's:
//! - **no allocation per call**: packing buffers are kept per thread and
//!   only grow, and the worker threads are started once (`threads`), so a
//!   steady-state training step allocates nothing;
//! - **AVX-512**: on CPUs that have it the `f32` microkernel is 8 x 32 (16
//!   x 16 for products at most 16 columns wide), with AVX2+FMA and portable
//!   kernels as fallbacks chosen at run time.
//!
//! Big products are split into one part per thread, by rows of `c` (or by
//! columns when `c` is wider than tall); each part runs the whole blocked
//! algorithm on its own buffers, so threads never wait for each other.
//! Splitting the longer side means each thread re-packs the smaller operand
//! (`op(b)` for a row split), which costs little next to the product.

mod kernel;
mod pack;

use std::cell::RefCell;
use std::mem::{size_of, MaybeUninit};

pub use kernel::Kernel;
pub(crate) use kernel::{f32_kernel, f64_kernel};
use pack::{pack_a, pack_b, View};

use crate::Scalar;

/// Depth of a packed block (the shared dimension `k`).
const KC: usize = 256;
/// Rows of `op(a)` packed at a time (rounded down to a multiple of `MR`).
const MC: usize = 128;
/// Columns of `op(b)` packed at a time (rounded down to a multiple of `NR`).
const NC: usize = 2048;
/// Products with fewer multiply-adds than this run on the calling thread
/// alone: waking a worker costs more than it saves.
const PARALLEL_MIN: usize = 1 << 20;

/// Scratch memory in 64-byte units, so packed panels are cache-line aligned.
#[derive(Clone, Copy)]
#[repr(C, align(64))]
struct Line([u8; 64]);

thread_local! {
    /// This thread's packing buffers for `op(a)` and `op(b)` blocks.
    static SCRATCH: RefCell<(Vec<Line>, Vec<Line>)> = const { RefCell::new((Vec::new(), Vec::new())) };
}

/// A buffer of at least `elems` values of `T`, grown (never shrunk) from `buf`.
fn reserve<T>(buf: &mut Vec<Line>, elems: usize) -> *mut T {
    let lines = (elems * size_of::<T>()).div_ceil(size_of::<Line>());
    if buf.len() < lines {
        buf.resize(lines, Line([0; 64]));
    }
    buf.as_mut_ptr().cast()
}

/// The output matrix, written by several threads at disjoint tiles.
#[derive(Clone, Copy)]
struct Out<T>(*mut T);
// SAFETY: parts of a product write disjoint regions (see `gemm`).
unsafe impl<T: Send> Send for Out<T> {}
unsafe impl<T: Send> Sync for Out<T> {}

impl<T> Out<T> {
    /// The pointer (a method, so closures capture the `Sync` wrapper).
    fn ptr(self) -> *mut T {
        self.0
    }
}

/// `c = op(a) @ op(b)`: `op(a)` is `m x k` with strides `[rsa, csa]` in `a`,
/// `op(b)` is `k x n` with strides `[rsb, csb]` in `b`, and `c` is `m x n`,
/// row-major, written without being read (it may be uninitialised); every
/// element is initialised on return.
///
/// # Panics
/// If a slice is too short for the sizes and strides given.
#[allow(clippy::too_many_arguments)]
pub(crate) fn gemm<T: Scalar>(
    m: usize,
    k: usize,
    n: usize,
    a: &[T],
    [rsa, csa]: [usize; 2],
    b: &[T],
    [rsb, csb]: [usize; 2],
    c: &mut [MaybeUninit<T>],
) {
    let last = |rows: usize, cols: usize, rs: usize, cs: usize| (rows - 1) * rs + (cols - 1) * cs;
    assert_eq!(c.len(), m * n, "gemm: output buffer of the wrong size");
    if m == 0 || n == 0 {
        return;
    }
    if k == 0 {
        c.iter_mut().for_each(|x| {
            x.write(T::zero());
        });
        return;
    }
    assert!(
        last(m, k, rsa, csa) < a.len() && last(k, n, rsb, csb) < b.len(),
        "gemm: an operand is smaller than its sizes and strides say"
    );
    let kern = T::gemm_kernel(n);
    let (a, b) = (View::new(a, [rsa, csa]), View::new(b, [rsb, csb]));
    let out = Out(c.as_mut_ptr().cast::<T>());

    let by_rows = m >= n;
    let (len, unit) = if by_rows { (m, kern.mr) } else { (n, kern.nr) };
    let tiles = len.div_ceil(unit);
    let parts = if m * k * n >= PARALLEL_MIN {
        crate::threads::threads().min(tiles)
    } else {
        1
    };
    let per_part = tiles.div_ceil(parts) * unit;
    let part = |i: usize| {
        let start = i * per_part;
        let end = len.min(start + per_part);
        if start >= end {
            return;
        }
        // SAFETY: the part covers rows (or columns) start..end of `c`, of
        // `op(a)` (or `op(b)`), all inside the operands checked above; the
        // parts are disjoint.
        unsafe {
            if by_rows {
                blocked(
                    &kern,
                    end - start,
                    k,
                    n,
                    a.offset(start, 0),
                    b,
                    out.ptr().add(start * n),
                    n,
                );
            } else {
                blocked(
                    &kern,
                    m,
                    k,
                    end - start,
                    a,
                    b.offset(0, start),
                    out.ptr().add(start),
                    n,
                );
            }
        }
    };
    if parts == 1 {
        part(0);
    } else {
        crate::threads::run(parts, &part);
    }
}

/// The blocked product on one thread: `c (m x n, row stride ldc) = op(a) @ op(b)`.
///
/// # Safety
/// The views describe readable `m x k` and `k x n` matrices, `c` a writable
/// `m x n` one that no other thread touches meanwhile.
#[allow(clippy::too_many_arguments)]
unsafe fn blocked<T: Scalar>(
    kern: &Kernel<T>,
    m: usize,
    k: usize,
    n: usize,
    a: View<T>,
    b: View<T>,
    c: *mut T,
    ldc: usize,
) {
    let (mr, nr) = (kern.mr, kern.nr);
    assert!(
        mr * nr <= kernel::MAX_TILE,
        "gemm: a {mr} x {nr} tile exceeds MAX_TILE"
    );
    let mc_max = (MC / mr).max(1) * mr;
    let nc_max = (NC / nr).max(1) * nr;
    SCRATCH.with_borrow_mut(|(abuf, bbuf)| {
        let apack = reserve::<T>(abuf, mc_max * KC.min(k));
        let bpack = reserve::<T>(bbuf, nc_max * KC.min(k));
        let mut tile = [T::zero(); kernel::MAX_TILE];
        for jc in (0..n).step_by(nc_max) {
            let nc = nc_max.min(n - jc);
            for pc in (0..k).step_by(KC) {
                let kc = KC.min(k - pc);
                let accumulate = pc > 0;
                // SAFETY (this block): the packed panels stay inside the
                // buffers reserved above, the tiles inside `c`.
                unsafe {
                    pack_b(kern, b.offset(pc, jc), kc, nc, nr, bpack);
                    for ic in (0..m).step_by(mc_max) {
                        let mc = mc_max.min(m - ic);
                        pack_a(kern, a.offset(ic, pc), mc, kc, mr, apack);
                        for jr in (0..nc).step_by(nr) {
                            let bp = bpack.add(jr * kc);
                            let live_n = nr.min(nc - jr);
                            for ir in (0..mc).step_by(mr) {
                                let ap = apack.add(ir * kc);
                                let live_m = mr.min(mc - ir);
                                let cp = c.add((ic + ir) * ldc + jc + jr);
                                if live_m == mr && live_n == nr {
                                    (kern.run)(kc, ap, bp, cp, ldc, accumulate);
                                } else {
                                    // An edge tile: compute it whole on the
                                    // stack, keep the part inside `c`.
                                    (kern.run)(kc, ap, bp, tile.as_mut_ptr(), nr, false);
                                    let live = [live_m, live_n];
                                    write_edge(&tile, nr, live, cp, ldc, accumulate);
                                }
                            }
                        }
                    }
                }
            }
        }
    });
}

/// Writes (or adds, after the first depth block) the live `rows x cols`
/// part of an edge tile computed on the stack into `c`.
///
/// # Safety
/// `c` addresses a writable `rows x cols` region with row stride `ldc`,
/// initialised if `accumulate`.
unsafe fn write_edge<T: Scalar>(
    tile: &[T],
    nr: usize,
    [rows, cols]: [usize; 2],
    c: *mut T,
    ldc: usize,
    accumulate: bool,
) {
    for i in 0..rows {
        let src = &tile[i * nr..i * nr + cols];
        // SAFETY: row `i` of the region (see above).
        unsafe {
            let dst = c.add(i * ldc);
            if accumulate {
                let dst = std::slice::from_raw_parts_mut(dst, cols);
                dst.iter_mut().zip(src).for_each(|(o, &s)| *o = *o + s);
            } else {
                std::ptr::copy_nonoverlapping(src.as_ptr(), dst, cols);
            }
        }
    }
}

/// The instruction set whose microkernel matrix products of `T` use on
/// this CPU: `"avx512"`, `"avx2"`, `"neon"` or `"portable"` (for reports;
/// `TAPEGRAD_GEMM_ISA=avx2` or `=portable` caps the choice).
///
/// ```
/// let isa = tape::matmul_kernel_isa::<f32>();
/// assert!(["avx512", "avx2", "neon", "portable"].contains(&isa));
/// ```
pub fn kernel_isa<T: Scalar>() -> &'static str {
    T::gemm_kernel(usize::MAX).isa
}

/// How many threads big matrix products are split across: the available
/// parallelism, or `TAPEGRAD_NUM_THREADS` if set. Products below about a
/// million multiply-adds run on the calling thread alone.
///
/// ```
/// assert!(tape::matmul_threads() >= 1);
/// ```
pub fn matmul_threads() -> usize {
    crate::threads::threads()
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::{rngs::StdRng, Rng, SeedableRng};

    /// op(a) @ op(b) by the definition, in f64.
    fn reference(
        m: usize,
        k: usize,
        n: usize,
        a: &[f64],
        sa: [usize; 2],
        b: &[f64],
        sb: [usize; 2],
    ) -> Vec<f64> {
        let mut c = vec![0.0; m * n];
        for i in 0..m {
            for j in 0..n {
                c[i * n + j] = (0..k)
                    .map(|p| a[i * sa[0] + p * sa[1]] * b[p * sb[0] + j * sb[1]])
                    .sum();
            }
        }
        c
    }

    /// Random `m x k` and `k x n` operands, stored transposed where asked,
    /// their strides, and their product by the definition.
    struct Problem<T> {
        a: Vec<T>,
        b: Vec<T>,
        sa: [usize; 2],
        sb: [usize; 2],
        expect: Vec<f64>,
    }

    fn problem<T: Scalar>(
        [m, k, n]: [usize; 3],
        [ta, tb]: [bool; 2],
        rng: &mut StdRng,
    ) -> Problem<T> {
        let mut random = |len: usize| -> Vec<T> {
            (0..len)
                .map(|_| T::from_f64_lossy(rng.random_range(-1.0..1.0)))
                .collect()
        };
        let (a, b) = (random(m * k), random(k * n));
        let sa = if ta { [1, m] } else { [k, 1] };
        let sb = if tb { [1, k] } else { [n, 1] };
        let expect = reference(m, k, n, &wide(&a), sa, &wide(&b), sb);
        Problem {
            a,
            b,
            sa,
            sb,
            expect,
        }
    }

    fn wide<T: Scalar>(v: &[T]) -> Vec<f64> {
        v.iter().map(|x| x.to_f64_lossy()).collect()
    }

    fn check<T: Scalar>(m: usize, k: usize, n: usize, ta: bool, tb: bool, rng: &mut StdRng) {
        let p = problem::<T>([m, k, n], [ta, tb], rng);
        // Garbage in `c` first: the product overwrites it.
        let mut c = vec![MaybeUninit::new(T::from_f64_lossy(f64::NAN)); m * n];
        gemm(m, k, n, &p.a, p.sa, &p.b, p.sb, &mut c);
        // SAFETY: `gemm` initialises every element (and these were anyway).
        let c: Vec<T> = c.into_iter().map(|x| unsafe { x.assume_init() }).collect();
        let tol = if T::NAME == "f32" { 1e-4 } else { 1e-12 } * (k as f64).sqrt();
        for (idx, (x, y)) in wide(&c).iter().zip(&p.expect).enumerate() {
            assert!(
                (x - y).abs() <= tol,
                "{} {m}x{k}x{n} ta={ta} tb={tb}: c[{idx}] = {x}, expected {y}",
                T::NAME
            );
        }
    }

    #[test]
    fn matches_the_definition_on_edge_sizes_and_transposes() {
        let mut rng = StdRng::seed_from_u64(11);
        // Sizes around the tile and block edges, below and above the
        // parallel threshold.
        for (m, k, n) in [
            (1, 1, 1),
            (13, 7, 33),
            (12, 256, 32),
            (25, 257, 65),
            (145, 300, 70),
            (70, 513, 145),
            (130, 64, 2100),
        ] {
            for (ta, tb) in [(false, false), (true, false), (false, true), (true, true)] {
                check::<f32>(m, k, n, ta, tb, &mut rng);
                check::<f64>(m, k, n, ta, tb, &mut rng);
            }
        }
    }

    #[test]
    fn empty_depth_gives_zeros() {
        let mut c = vec![MaybeUninit::new(7.0f32); 6];
        gemm(2, 0, 3, &[], [0, 1], &[], [3, 1], &mut c);
        // SAFETY: initialised (by the test, then by `gemm`).
        assert!(c.iter().all(|x| unsafe { x.assume_init() } == 0.0));
    }

    /// Every kernel on one operand layout against the definition.
    fn check_kernels<T: Scalar>(kernels: Vec<Kernel<T>>, ta: bool, tb: bool) {
        let mut rng = StdRng::seed_from_u64(12);
        let (m, k, n) = (29, 70, 41);
        let p = problem::<T>([m, k, n], [ta, tb], &mut rng);
        let (av, bv) = (View::new(&p.a, p.sa), View::new(&p.b, p.sb));
        for kern in kernels {
            let mut c = vec![T::from_f64_lossy(f64::NAN); m * n];
            // SAFETY: sizes and strides describe the vectors of `p`.
            unsafe { blocked(&kern, m, k, n, av, bv, c.as_mut_ptr(), n) };
            for (x, y) in wide(&c).iter().zip(&p.expect) {
                assert!((x - y).abs() < 1e-4, "{} {}: {x} vs {y}", T::NAME, kern.isa);
            }
        }
    }

    #[test]
    fn fallback_kernels_match_too() {
        // Every kernel and transpose this CPU can run, not only the best.
        for (ta, tb) in [(false, false), (true, false), (false, true), (true, true)] {
            check_kernels(kernel::all_f32(), ta, tb);
            check_kernels(kernel::all_f64(), ta, tb);
        }
    }
}
