//! The element types a [`Tensor`](crate::Tensor) can hold.

use std::fmt::{Debug, Display};
use std::iter::Sum;

use num_traits::{Float, FromPrimitive};
use rand::Rng;
use rand_distr::{Distribution, StandardNormal, Uniform};

mod sealed {
    pub trait Sealed {}
    impl Sealed for f32 {}
    impl Sealed for f64 {}
}

/// A floating-point element type: `f32` (fast) or `f64` (for gradient checks).
///
/// It is a num-traits [`Float`] plus the few things the kernels need that
/// `Float` does not give: a tuned matrix multiply and random sampling. The
/// trait is sealed; it is implemented for `f32` and `f64`.
pub trait Scalar:
    Float + FromPrimitive + Sum + Debug + Display + Default + Send + Sync + 'static + sealed::Sealed
{
    /// The type's name, `"f32"` or `"f64"`, as shown in messages and exports.
    const NAME: &'static str;

    /// `c = alpha * a @ b + beta * c` on strided matrices (`m x k` times `k x n`).
    ///
    /// # Safety
    /// The pointers and strides must describe valid matrices of the given
    /// sizes; `c` must not alias `a` or `b`. Strides are in elements.
    #[allow(clippy::too_many_arguments)]
    unsafe fn gemm(
        m: usize,
        k: usize,
        n: usize,
        alpha: Self,
        a: *const Self,
        rsa: isize,
        csa: isize,
        b: *const Self,
        rsb: isize,
        csb: isize,
        beta: Self,
        c: *mut Self,
        rsc: isize,
        csc: isize,
    );

    /// One sample of the uniform distribution on `[low, high)`.
    fn sample_uniform<R: Rng + ?Sized>(rng: &mut R, low: Self, high: Self) -> Self;

    /// One sample of the standard normal distribution.
    fn sample_standard_normal<R: Rng + ?Sized>(rng: &mut R) -> Self;

    /// Converts an `f64` (used for constants like `0.5`).
    fn from_f64_lossy(x: f64) -> Self;

    /// Converts to `f64` (used by the finite-difference checks and exports).
    fn to_f64_lossy(self) -> f64;
}

macro_rules! impl_scalar {
    ($t:ty, $name:literal, $gemm:path) => {
        impl Scalar for $t {
            const NAME: &'static str = $name;

            unsafe fn gemm(
                m: usize,
                k: usize,
                n: usize,
                alpha: Self,
                a: *const Self,
                rsa: isize,
                csa: isize,
                b: *const Self,
                rsb: isize,
                csb: isize,
                beta: Self,
                c: *mut Self,
                rsc: isize,
                csc: isize,
            ) {
                // SAFETY: forwarded; the caller upholds matrixmultiply's contract.
                unsafe { $gemm(m, k, n, alpha, a, rsa, csa, b, rsb, csb, beta, c, rsc, csc) }
            }

            fn sample_uniform<R: Rng + ?Sized>(rng: &mut R, low: Self, high: Self) -> Self {
                Uniform::new(low, high)
                    .unwrap_or_else(|e| panic!("uniform({low}, {high}): {e}"))
                    .sample(rng)
            }

            fn sample_standard_normal<R: Rng + ?Sized>(rng: &mut R) -> Self {
                StandardNormal.sample(rng)
            }

            fn from_f64_lossy(x: f64) -> Self {
                x as $t
            }

            fn to_f64_lossy(self) -> f64 {
                self as f64
            }
        }
    };
}

impl_scalar!(f32, "f32", matrixmultiply::sgemm);
impl_scalar!(f64, "f64", matrixmultiply::dgemm);
