//! The element types a [`Tensor`](crate::Tensor) can hold.

use std::fmt::{Debug, Display};
use std::iter::Sum;

use num_traits::{Float, FromPrimitive};
use rand::Rng;
use rand_distr::{Distribution, StandardNormal, Uniform};

mod sealed {
    use crate::tensor::gemm::{f32_kernel, f64_kernel, Kernel};

    /// Implemented for `f32` and `f64` only; carries what the kernels need
    /// per type without making it public API.
    pub trait Sealed: Sized {
        /// The matrix-multiply microkernel for this type on this CPU, for
        /// products with `n` columns.
        fn gemm_kernel(n: usize) -> Kernel<Self>;
    }

    impl Sealed for f32 {
        fn gemm_kernel(n: usize) -> Kernel<Self> {
            f32_kernel(n)
        }
    }

    impl Sealed for f64 {
        fn gemm_kernel(n: usize) -> Kernel<Self> {
            f64_kernel(n)
        }
    }
}

/// A floating-point element type: `f32` (fast) or `f64` (for gradient checks).
///
/// It is a num-traits [`Float`] plus the few things the kernels need that
/// `Float` does not give: a matrix-multiply kernel and random sampling. The
/// trait is sealed; it is implemented for `f32` and `f64`.
pub trait Scalar:
    Float + FromPrimitive + Sum + Debug + Display + Default + Send + Sync + 'static + sealed::Sealed
{
    /// The type's name, `"f32"` or `"f64"`, as shown in messages and exports.
    const NAME: &'static str;

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
    ($t:ty, $name:literal) => {
        impl Scalar for $t {
            const NAME: &'static str = $name;

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

impl_scalar!(f32, "f32");
impl_scalar!(f64, "f64");
