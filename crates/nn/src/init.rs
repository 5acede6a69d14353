//! Weight initialisation: Xavier/Glorot and He/Kaiming, uniform and normal,
//! drawn from a caller-supplied (seedable) random generator so that a run is
//! reproducible bit for bit.
//!
//! Fans follow PyTorch: for a weight of shape `[out, in]`, `fan_in = in`
//! and `fan_out = out`.

use rand::Rng;
use tape::{Scalar, Shape, Tensor};

/// How to fill a new parameter.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Init {
    /// Every element 0.
    Zeros,
    /// Every element the given value.
    Constant(f64),
    /// Uniform on `[low, high)`.
    Uniform(f64, f64),
    /// Normal with mean 0 and the given standard deviation.
    Normal(f64),
    /// Glorot uniform: `U(-a, a)`, `a = sqrt(6 / (fan_in + fan_out))`.
    XavierUniform,
    /// Glorot normal: `N(0, s²)`, `s = sqrt(2 / (fan_in + fan_out))`.
    XavierNormal,
    /// He/Kaiming uniform for ReLU: `U(-a, a)`, `a = sqrt(6 / fan_in)`.
    HeUniform,
    /// He/Kaiming normal for ReLU: `N(0, s²)`, `s = sqrt(2 / fan_in)`.
    HeNormal,
}

impl Init {
    /// A tensor of `shape` filled by this rule, with the given fans.
    ///
    /// ```
    /// use nn::Init;
    /// use rand::{rngs::StdRng, SeedableRng};
    /// let w = Init::XavierUniform.tensor::<f32, _>([4, 2], 2, 4, &mut StdRng::seed_from_u64(1));
    /// let a = (6.0_f32 / 6.0).sqrt();
    /// assert!(w.data().iter().all(|x| x.abs() < a));
    /// ```
    pub fn tensor<T: Scalar, R: Rng + ?Sized>(
        self,
        shape: impl Into<Shape>,
        fan_in: usize,
        fan_out: usize,
        rng: &mut R,
    ) -> Tensor<T> {
        let shape = shape.into();
        let f = |x: f64| T::from_f64_lossy(x);
        let (fi, fo) = (fan_in.max(1) as f64, fan_out.max(1) as f64);
        match self {
            Init::Zeros => Tensor::zeros(shape),
            Init::Constant(c) => Tensor::full(shape, f(c)),
            Init::Uniform(lo, hi) => Tensor::rand_uniform(shape, f(lo), f(hi), rng),
            Init::Normal(std) => Tensor::rand_normal(shape, T::zero(), f(std), rng),
            Init::XavierUniform => {
                let a = (6.0 / (fi + fo)).sqrt();
                Tensor::rand_uniform(shape, f(-a), f(a), rng)
            }
            Init::XavierNormal => {
                Tensor::rand_normal(shape, T::zero(), f((2.0 / (fi + fo)).sqrt()), rng)
            }
            Init::HeUniform => {
                let a = (6.0 / fi).sqrt();
                Tensor::rand_uniform(shape, f(-a), f(a), rng)
            }
            Init::HeNormal => Tensor::rand_normal(shape, T::zero(), f((2.0 / fi).sqrt()), rng),
        }
    }
}
