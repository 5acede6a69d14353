//! Microkernels: each computes one `MR x NR` tile of the output from a
//! packed panel of `op(a)` (`MR` values per step of the shared dimension)
//! and a packed panel of `op(b)` (`NR` values per step), keeping the whole
//! tile in vector registers for the length of the panels.
//!
//! The AVX-512 kernels are written with intrinsics, so the tile stays in
//! 16 of the 32 `zmm` registers; the others are one generic loop nest,
//! compiled once per instruction set with fixed tile sizes so that the
//! compiler unrolls it into register-resident accumulators.
//!
//! Each kernel is defined once, with its tile size, as a function returning
//! its [`Kernel`]; [`f32_kernel`] and [`f64_kernel`] only choose among them.

use crate::Scalar;

/// `c[i * rsc + j] = (c[..] if accumulate else 0) + sum_p a[p * MR + i] * b[p * NR + j]`
/// for the full `MR x NR` tile.
///
/// # Safety
/// `a` holds `kc * MR` and `b` `kc * NR` readable values; `c` addresses a
/// writable `MR x NR` tile with row stride `rsc`; the CPU supports the
/// kernel's instruction set (guaranteed by [`Kernel`]'s constructor).
pub(crate) type KernelFn<T> =
    unsafe fn(kc: usize, a: *const T, b: *const T, c: *mut T, rsc: usize, accumulate: bool);

/// Transposes an 8 x 8 block: `out[p * os + i] = src[i * ss + p]`.
///
/// # Safety
/// `src` holds 8 lines of 8 values at stride `ss`, `out` has room for 8
/// lines of 8 at stride `os`, and the CPU supports the routine's
/// instruction set.
pub(crate) type Transpose8<T> = unsafe fn(src: *const T, ss: usize, out: *mut T, os: usize);

/// The portable 8 x 8 transpose.
///
/// # Safety
/// As [`Transpose8`].
unsafe fn transpose8_portable<T: Scalar>(src: *const T, ss: usize, out: *mut T, os: usize) {
    for i in 0..8 {
        for p in 0..8 {
            // SAFETY: inside both blocks.
            unsafe { *out.add(p * os + i) = *src.add(i * ss + p) };
        }
    }
}

#[cfg(target_arch = "x86_64")]
mod avx {
    use std::arch::x86_64::*;

    /// The 8 x 8 `f32` transpose in eight `ymm` registers: interleave
    /// pairs of rows, then pairs of pairs, then swap 128-bit halves.
    #[target_feature(enable = "avx")]
    pub(super) unsafe fn transpose8_f32(src: *const f32, ss: usize, out: *mut f32, os: usize) {
        // SAFETY: the caller provides both 8 x 8 blocks (see `Transpose8`).
        unsafe {
            let r: [__m256; 8] = std::array::from_fn(|i| _mm256_loadu_ps(src.add(i * ss)));
            let t0 = _mm256_unpacklo_ps(r[0], r[1]);
            let t1 = _mm256_unpackhi_ps(r[0], r[1]);
            let t2 = _mm256_unpacklo_ps(r[2], r[3]);
            let t3 = _mm256_unpackhi_ps(r[2], r[3]);
            let t4 = _mm256_unpacklo_ps(r[4], r[5]);
            let t5 = _mm256_unpackhi_ps(r[4], r[5]);
            let t6 = _mm256_unpacklo_ps(r[6], r[7]);
            let t7 = _mm256_unpackhi_ps(r[6], r[7]);
            // Columns p and p + 4 of rows 0-3 (u0-u3) and of rows 4-7 (u4-u7).
            let u0 = _mm256_shuffle_ps::<0x44>(t0, t2);
            let u1 = _mm256_shuffle_ps::<0xEE>(t0, t2);
            let u2 = _mm256_shuffle_ps::<0x44>(t1, t3);
            let u3 = _mm256_shuffle_ps::<0xEE>(t1, t3);
            let u4 = _mm256_shuffle_ps::<0x44>(t4, t6);
            let u5 = _mm256_shuffle_ps::<0xEE>(t4, t6);
            let u6 = _mm256_shuffle_ps::<0x44>(t5, t7);
            let u7 = _mm256_shuffle_ps::<0xEE>(t5, t7);
            let cols = [
                _mm256_permute2f128_ps::<0x20>(u0, u4),
                _mm256_permute2f128_ps::<0x20>(u1, u5),
                _mm256_permute2f128_ps::<0x20>(u2, u6),
                _mm256_permute2f128_ps::<0x20>(u3, u7),
                _mm256_permute2f128_ps::<0x31>(u0, u4),
                _mm256_permute2f128_ps::<0x31>(u1, u5),
                _mm256_permute2f128_ps::<0x31>(u2, u6),
                _mm256_permute2f128_ps::<0x31>(u3, u7),
            ];
            for (p, col) in cols.into_iter().enumerate() {
                _mm256_storeu_ps(out.add(p * os), col);
            }
        }
    }

    /// The 8 x 8 `f64` transpose as four 4 x 4 ones.
    #[target_feature(enable = "avx")]
    pub(super) unsafe fn transpose8_f64(src: *const f64, ss: usize, out: *mut f64, os: usize) {
        // SAFETY: the caller provides both 8 x 8 blocks (see `Transpose8`).
        unsafe {
            for bi in 0..2 {
                for bj in 0..2 {
                    let s = src.add(bi * 4 * ss + bj * 4);
                    let r: [__m256d; 4] = std::array::from_fn(|i| _mm256_loadu_pd(s.add(i * ss)));
                    let t0 = _mm256_unpacklo_pd(r[0], r[1]);
                    let t1 = _mm256_unpackhi_pd(r[0], r[1]);
                    let t2 = _mm256_unpacklo_pd(r[2], r[3]);
                    let t3 = _mm256_unpackhi_pd(r[2], r[3]);
                    let cols = [
                        _mm256_permute2f128_pd::<0x20>(t0, t2),
                        _mm256_permute2f128_pd::<0x20>(t1, t3),
                        _mm256_permute2f128_pd::<0x31>(t0, t2),
                        _mm256_permute2f128_pd::<0x31>(t1, t3),
                    ];
                    let o = out.add(bj * 4 * os + bi * 4);
                    for (p, col) in cols.into_iter().enumerate() {
                        _mm256_storeu_pd(o.add(p * os), col);
                    }
                }
            }
        }
    }
}

/// A microkernel and its tile size, chosen for the running CPU.
#[derive(Clone, Copy)]
pub struct Kernel<T> {
    /// Rows of the tile (values of a packed `a` panel per step).
    pub(crate) mr: usize,
    /// Columns of the tile (values of a packed `b` panel per step).
    pub(crate) nr: usize,
    pub(crate) run: KernelFn<T>,
    /// The packing routines' 8 x 8 transpose for this instruction set.
    pub(crate) transpose8: Transpose8<T>,
    /// The instruction set, for benchmark reports.
    pub(crate) isa: &'static str,
}

/// The largest tile of any kernel, for edge tiles computed on the stack.
pub(crate) const MAX_TILE: usize = 16 * 16;

/// The generic kernel: `MR x NR` accumulators, fused multiply-adds when
/// `FMA` (only where the instruction set has them: a software `mul_add`
/// would be far slower than a separate multiply and add).
///
/// # Safety
/// As [`KernelFn`].
#[inline(always)]
unsafe fn generic<T: Scalar, const MR: usize, const NR: usize, const FMA: bool>(
    kc: usize,
    a: *const T,
    b: *const T,
    c: *mut T,
    rsc: usize,
    accumulate: bool,
) {
    let mut acc = [[T::zero(); NR]; MR];
    for p in 0..kc {
        // SAFETY: the panels hold `kc` steps of `MR` and `NR` values.
        let (av, bv) = unsafe {
            (
                std::ptr::read_unaligned(a.add(p * MR) as *const [T; MR]),
                std::ptr::read_unaligned(b.add(p * NR) as *const [T; NR]),
            )
        };
        for (row, &x) in acc.iter_mut().zip(&av) {
            for (s, &y) in row.iter_mut().zip(&bv) {
                *s = if FMA { x.mul_add(y, *s) } else { *s + x * y };
            }
        }
    }
    for (i, row) in acc.iter().enumerate() {
        for (j, &s) in row.iter().enumerate() {
            // SAFETY: (i, j) is inside the tile the caller provides.
            unsafe {
                let out = c.add(i * rsc + j);
                *out = if accumulate { *out + s } else { s };
            }
        }
    }
}

/// Defines `fn $name() -> Kernel<$t>`: the generic kernel with an `MR x NR`
/// tile, compiled for a set of target features.
macro_rules! generic_kernel {
    ($name:ident, $t:ty, $mr:literal x $nr:literal, fma: $fma:literal, $isa:literal,
     $transpose:expr $(, $features:literal)?) => {
        fn $name() -> Kernel<$t> {
            $(#[target_feature(enable = $features)])?
            unsafe fn run(
                kc: usize,
                a: *const $t,
                b: *const $t,
                c: *mut $t,
                rsc: usize,
                accumulate: bool,
            ) {
                // SAFETY: forwarded; the kernel is only chosen when the CPU
                // has its features.
                unsafe { generic::<$t, $mr, $nr, $fma>(kc, a, b, c, rsc, accumulate) }
            }
            Kernel {
                mr: $mr,
                nr: $nr,
                run,
                transpose8: $transpose,
                isa: $isa,
            }
        }
    };
}

generic_kernel!(sgemm_portable, f32, 4 x 8, fma: false, "portable", transpose8_portable::<f32>);
generic_kernel!(dgemm_portable, f64, 4 x 4, fma: false, "portable", transpose8_portable::<f64>);
#[cfg(target_arch = "x86_64")]
generic_kernel!(sgemm_avx2, f32, 6 x 16, fma: true, "avx2", avx::transpose8_f32, "avx2,fma");
#[cfg(target_arch = "x86_64")]
generic_kernel!(dgemm_avx2, f64, 6 x 8, fma: true, "avx2", avx::transpose8_f64, "avx2,fma");
#[cfg(target_arch = "aarch64")]
generic_kernel!(sgemm_neon, f32, 8 x 8, fma: true, "neon", transpose8_portable::<f32>, "neon");
#[cfg(target_arch = "aarch64")]
generic_kernel!(dgemm_neon, f64, 8 x 4, fma: true, "neon", transpose8_portable::<f64>, "neon");

#[cfg(target_arch = "x86_64")]
mod avx512 {
    use std::arch::x86_64::*;

    use super::{Kernel, Transpose8};

    /// Defines `fn $name() -> Kernel<$t>`: an `MR`-row kernel whose rows
    /// are `NV` `zmm` vectors wide (`MR * NV` accumulators, `NV` loads of
    /// `b` and `MR` broadcasts of `a` per step). The first two rules name
    /// each type's intrinsics once.
    macro_rules! avx512_kernel {
        ($name:ident, f32, $mr:literal x $nv:literal) => {
            avx512_kernel!(@ $name, f32, __m512, 16, $mr, $nv, super::avx::transpose8_f32,
                _mm512_setzero_ps, _mm512_loadu_ps, _mm512_set1_ps, _mm512_fmadd_ps,
                _mm512_add_ps, _mm512_storeu_ps);
        };
        ($name:ident, f64, $mr:literal x $nv:literal) => {
            avx512_kernel!(@ $name, f64, __m512d, 8, $mr, $nv, super::avx::transpose8_f64,
                _mm512_setzero_pd, _mm512_loadu_pd, _mm512_set1_pd, _mm512_fmadd_pd,
                _mm512_add_pd, _mm512_storeu_pd);
        };
        (@ $name:ident, $t:ty, $v:ty, $lanes:literal, $mr:literal, $nv:literal, $transpose:path,
         $zero:ident, $load:ident, $set1:ident, $fma:ident, $add:ident, $store:ident) => {
            pub(super) fn $name() -> Kernel<$t> {
                const MR: usize = $mr;
                const NV: usize = $nv;
                const NR: usize = NV * $lanes;

                #[target_feature(enable = "avx512f")]
                unsafe fn run(
                    kc: usize,
                    a: *const $t,
                    b: *const $t,
                    c: *mut $t,
                    rsc: usize,
                    accumulate: bool,
                ) {
                    let mut acc = [[$zero(); NV]; MR];
                    // SAFETY: the caller provides `kc` steps of both panels
                    // and a writable MR x NR tile (see `KernelFn`).
                    unsafe {
                        for p in 0..kc {
                            let bp = b.add(p * NR);
                            let mut bv = [$zero(); NV];
                            for (v, x) in bv.iter_mut().enumerate() {
                                *x = $load(bp.add(v * $lanes));
                            }
                            let ap = a.add(p * MR);
                            for (i, row) in acc.iter_mut().enumerate() {
                                let x = $set1(*ap.add(i));
                                for (s, &y) in row.iter_mut().zip(&bv) {
                                    *s = $fma(x, y, *s);
                                }
                            }
                        }
                        for (i, row) in acc.iter().enumerate() {
                            for (v, &s) in row.iter().enumerate() {
                                let out = c.add(i * rsc + v * $lanes);
                                let s = if accumulate { $add(s, $load(out)) } else { s };
                                $store(out, s);
                            }
                        }
                    }
                }

                let transpose8: Transpose8<$t> = $transpose;
                Kernel {
                    mr: MR,
                    nr: NR,
                    run,
                    transpose8,
                    isa: "avx512",
                }
            }
        };
    }

    avx512_kernel!(sgemm_8x32, f32, 8 x 2);
    avx512_kernel!(dgemm_8x16, f64, 8 x 2);
    // Narrow products (a 16-wide layer): one vector per row, more rows.
    avx512_kernel!(sgemm_16x16, f32, 16 x 1);
    avx512_kernel!(dgemm_16x8, f64, 16 x 1);
}

/// The CPU's best instruction set among those we have kernels for, or
/// `"portable"`. `TAPEGRAD_GEMM_ISA=avx2` or `=portable` caps it (to
/// compare kernels, or to test the fallbacks on a bigger machine).
fn best_isa() -> &'static str {
    static ISA: std::sync::OnceLock<&'static str> = std::sync::OnceLock::new();
    ISA.get_or_init(|| {
        let cap = std::env::var("TAPEGRAD_GEMM_ISA").unwrap_or_default();
        let allowed = |isa: &str| match cap.as_str() {
            "portable" => false,
            "avx2" | "neon" => isa == cap,
            _ => true,
        };
        #[cfg(target_arch = "x86_64")]
        {
            if allowed("avx512") && std::arch::is_x86_feature_detected!("avx512f") {
                return "avx512";
            }
            if allowed("avx2")
                && std::arch::is_x86_feature_detected!("avx2")
                && std::arch::is_x86_feature_detected!("fma")
            {
                return "avx2";
            }
        }
        #[cfg(target_arch = "aarch64")]
        {
            if allowed("neon") && std::arch::is_aarch64_feature_detected!("neon") {
                return "neon";
            }
        }
        let _ = allowed;
        "portable"
    })
}

/// The kernel for `f32` products with `n` columns on this CPU: with
/// AVX-512, the narrow one when its tile is at least as wide as `n`.
pub(crate) fn f32_kernel(n: usize) -> Kernel<f32> {
    let _ = n; // read only by the AVX-512 choice
    match best_isa() {
        #[cfg(target_arch = "x86_64")]
        "avx512" => Some(avx512::sgemm_16x16())
            .filter(|narrow| n <= narrow.nr)
            .unwrap_or_else(avx512::sgemm_8x32),
        #[cfg(target_arch = "x86_64")]
        "avx2" => sgemm_avx2(),
        #[cfg(target_arch = "aarch64")]
        "neon" => sgemm_neon(),
        _ => sgemm_portable(),
    }
}

/// The kernel for `f64` products with `n` columns on this CPU (as
/// [`f32_kernel`]).
pub(crate) fn f64_kernel(n: usize) -> Kernel<f64> {
    let _ = n; // read only by the AVX-512 choice
    match best_isa() {
        #[cfg(target_arch = "x86_64")]
        "avx512" => Some(avx512::dgemm_16x8())
            .filter(|narrow| n <= narrow.nr)
            .unwrap_or_else(avx512::dgemm_8x16),
        #[cfg(target_arch = "x86_64")]
        "avx2" => dgemm_avx2(),
        #[cfg(target_arch = "aarch64")]
        "neon" => dgemm_neon(),
        _ => dgemm_portable(),
    }
}

/// Every kernel this CPU can run, best first (for tests): the chosen wide
/// and narrow ones, then AVX2 (if the CPU has it) and portable.
#[cfg(test)]
fn runnable<T>(
    best: fn(usize) -> Kernel<T>,
    avx2: impl FnOnce() -> Kernel<T>,
    portable: fn() -> Kernel<T>,
) -> Vec<Kernel<T>> {
    let mut all = vec![best(usize::MAX), best(1)];
    #[cfg(target_arch = "x86_64")]
    if std::arch::is_x86_feature_detected!("avx2") && std::arch::is_x86_feature_detected!("fma") {
        all.push(avx2());
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = avx2;
    all.push(portable());
    all
}

/// Every `f32` kernel this CPU can run (for tests).
#[cfg(test)]
pub(crate) fn all_f32() -> Vec<Kernel<f32>> {
    #[cfg(target_arch = "x86_64")]
    let avx2 = sgemm_avx2;
    #[cfg(not(target_arch = "x86_64"))]
    let avx2 = sgemm_portable;
    runnable(f32_kernel, avx2, sgemm_portable)
}

/// Every `f64` kernel this CPU can run (for tests).
#[cfg(test)]
pub(crate) fn all_f64() -> Vec<Kernel<f64>> {
    #[cfg(target_arch = "x86_64")]
    let avx2 = dgemm_avx2;
    #[cfg(not(target_arch = "x86_64"))]
    let avx2 = dgemm_portable;
    runnable(f64_kernel, avx2, dgemm_portable)
}
