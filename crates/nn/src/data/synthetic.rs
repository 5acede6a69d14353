//! Small datasets generated in code (the usual toy problems).

use std::f64::consts::PI;

use rand::Rng;
use tape::{Scalar, Tensor};

use super::Dataset;

fn build<T: Scalar>(x: Vec<f64>, features: usize, y: Vec<f64>) -> Dataset<T> {
    let n = y.len();
    let cast = |v: Vec<f64>| v.into_iter().map(T::from_f64_lossy).collect::<Vec<T>>();
    Dataset::new(
        Tensor::from_vec(cast(x), [n, features]),
        Tensor::from_vec(cast(y), [n, 1]),
    )
}

fn normal<R: Rng + ?Sized>(rng: &mut R, std: f64) -> f64 {
    if std == 0.0 {
        0.0
    } else {
        std * f64::sample_standard_normal(rng)
    }
}

/// The four XOR points `{0,1}²` with label `a xor b` (`[4, 2]`, `[4, 1]`).
pub fn xor<T: Scalar>() -> Dataset<T> {
    build(
        vec![0., 0., 0., 1., 1., 0., 1., 1.],
        2,
        vec![0., 1., 1., 0.],
    )
}

/// Two interleaving half circles (scikit-learn's `make_moons`): `n` points
/// (`n / 2` per moon, the first moon labelled 0), with Gaussian noise of
/// standard deviation `noise` added to each coordinate.
pub fn two_moons<T: Scalar, R: Rng + ?Sized>(n: usize, noise: f64, rng: &mut R) -> Dataset<T> {
    let n_outer = n / 2;
    let n_inner = n - n_outer;
    let mut x = Vec::with_capacity(2 * n);
    let mut y = Vec::with_capacity(n);
    let angle = |i: usize, count: usize| PI * i as f64 / (count.max(2) - 1) as f64;
    for i in 0..n_outer {
        let t = angle(i, n_outer);
        x.extend([t.cos() + normal(rng, noise), t.sin() + normal(rng, noise)]);
        y.push(0.0);
    }
    for i in 0..n_inner {
        let t = angle(i, n_inner);
        x.extend([
            1.0 - t.cos() + normal(rng, noise),
            0.5 - t.sin() + normal(rng, noise),
        ]);
        y.push(1.0);
    }
    build(x, 2, y)
}

/// Two concentric circles (scikit-learn's `make_circles`): `n / 2` points on
/// the unit circle (label 0) and the rest on a circle of radius `factor`
/// (label 1), with Gaussian noise of standard deviation `noise`.
pub fn circles<T: Scalar, R: Rng + ?Sized>(
    n: usize,
    noise: f64,
    factor: f64,
    rng: &mut R,
) -> Dataset<T> {
    let n_outer = n / 2;
    let mut x = Vec::with_capacity(2 * n);
    let mut y = Vec::with_capacity(n);
    for (count, radius, label) in [(n_outer, 1.0, 0.0), (n - n_outer, factor, 1.0)] {
        for i in 0..count {
            let t = 2.0 * PI * i as f64 / count as f64;
            x.extend([
                radius * t.cos() + normal(rng, noise),
                radius * t.sin() + normal(rng, noise),
            ]);
            y.push(label);
        }
    }
    build(x, 2, y)
}

/// `n` points `x` uniform on `[-π, π]` with target `sin x` plus Gaussian
/// noise of standard deviation `noise` (a regression problem).
pub fn noisy_sine<T: Scalar, R: Rng + ?Sized>(n: usize, noise: f64, rng: &mut R) -> Dataset<T> {
    let mut x = Vec::with_capacity(n);
    let mut y = Vec::with_capacity(n);
    for _ in 0..n {
        let v = rng.random_range(-PI..PI);
        x.push(v);
        y.push(v.sin() + normal(rng, noise));
    }
    build(x, 1, y)
}
