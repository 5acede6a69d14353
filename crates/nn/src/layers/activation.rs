//! Parameter-free activation layers, each a composition of tape ops.

use tape::{Scalar, Var};

use crate::{Bound, Module};

/// `1 / (1 + e^-x)`, elementwise.
#[derive(Clone, Copy, Debug, Default)]
pub struct Sigmoid;

impl<T: Scalar> Module<T> for Sigmoid {
    fn forward<'t>(&self, x: Var<'t, T>, _: &Bound<'t, T>) -> Var<'t, T> {
        x.sigmoid()
    }
}

/// `max(x, 0)`, elementwise (derivative 0 at 0, like PyTorch).
#[derive(Clone, Copy, Debug, Default)]
#[allow(clippy::upper_case_acronyms)]
pub struct ReLU;

impl<T: Scalar> Module<T> for ReLU {
    fn forward<'t>(&self, x: Var<'t, T>, _: &Bound<'t, T>) -> Var<'t, T> {
        x.relu()
    }
}

/// `tanh x`, elementwise.
#[derive(Clone, Copy, Debug, Default)]
pub struct Tanh;

impl<T: Scalar> Module<T> for Tanh {
    fn forward<'t>(&self, x: Var<'t, T>, _: &Bound<'t, T>) -> Var<'t, T> {
        x.tanh()
    }
}

/// `x` for `x > 0`, else `slope * x`, recorded as
/// `relu(x) * (1 - slope) + slope * x` (derivative `slope` at 0, like
/// PyTorch).
#[derive(Clone, Copy, Debug)]
#[allow(clippy::upper_case_acronyms)]
pub struct LeakyReLU {
    /// The slope for negative inputs (PyTorch's default is 0.01).
    pub slope: f64,
}

impl Default for LeakyReLU {
    fn default() -> Self {
        LeakyReLU { slope: 0.01 }
    }
}

impl<T: Scalar> Module<T> for LeakyReLU {
    fn forward<'t>(&self, x: Var<'t, T>, _: &Bound<'t, T>) -> Var<'t, T> {
        let s = T::from_f64_lossy(self.slope);
        x.relu() * (T::one() - s) + x * s
    }
}

/// Softmax along `axis`: `e^(x - m) / Σ e^(x - m)` with `m` the (detached)
/// maximum along the axis, which keeps `exp` from overflowing and does not
/// change the value or the gradient.
#[derive(Clone, Copy, Debug)]
pub struct Softmax {
    /// The axis that sums to 1 (1 for `[batch, classes]`).
    pub axis: usize,
}

impl Default for Softmax {
    fn default() -> Self {
        Softmax { axis: 1 }
    }
}

impl<T: Scalar> Module<T> for Softmax {
    fn forward<'t>(&self, x: Var<'t, T>, _: &Bound<'t, T>) -> Var<'t, T> {
        softmax(x, self.axis)
    }
}

/// Softmax of `x` along `axis` (see [`Softmax`]).
#[track_caller]
pub fn softmax<'t, T: Scalar>(x: Var<'t, T>, axis: usize) -> Var<'t, T> {
    let m = x.tape().no_grad(|| x.max_axis(axis, true));
    let e = (x - m).exp();
    e / e.sum_axis(axis, true)
}

/// `ln softmax(x)` along `axis`, computed stably as `x - logsumexp(x)`.
#[track_caller]
pub fn log_softmax<'t, T: Scalar>(x: Var<'t, T>, axis: usize) -> Var<'t, T> {
    x - logsumexp(x, axis)
}

/// `ln Σ e^x` along `axis` (kept as a length-1 axis), computed as
/// `m + ln Σ e^(x - m)` with `m` the detached maximum: exact in value, and
/// its gradient is softmax(x) whatever constant `m` is.
#[track_caller]
pub fn logsumexp<'t, T: Scalar>(x: Var<'t, T>, axis: usize) -> Var<'t, T> {
    let m = x.tape().no_grad(|| x.max_axis(axis, true));
    (x - m).exp().sum_axis(axis, true).ln() + m
}
