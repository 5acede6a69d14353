//! Elementwise functions and their derivatives.
//!
//! Derivatives at kinks follow PyTorch: `relu'(0) = 0`, `abs'(0) = 0`.
//!
//! Each op gives its forward twice, on tensors and on one number (`scalar`,
//! the fast path for 0-d values; where the tensor kernel is more than a
//! one-liner the number goes through it as a 0-d tensor, so the two cannot
//! drift apart). Its VJP is written once, for both.

use super::{Rule, ScalarRule};
use crate::{Algebra, Scalar, Tensor, Var};

macro_rules! unary_rule {
    (
        $(#[$doc:meta])*
        $ty:ident, $name:literal,
        forward: |$x:ident| $fwd:expr,
        scalar: |$s:ident| $scalar:expr,
        vjp: |$vx:ident, $out:ident, $g:ident| $vjp:expr
    ) => {
        $(#[$doc])*
        pub(crate) struct $ty;

        impl<T: Scalar> Rule<T> for $ty {
            fn name(&self) -> &'static str {
                $name
            }
            fn forward(&self, x: &[&Tensor<T>]) -> Tensor<T> {
                let $x = x[0];
                $fwd
            }
            #[allow(unused_variables)]
            fn vjp<A: Algebra<T>>(&self, x: &[&A], $out: &A, $g: &A, _wrt: usize) -> Option<A> {
                let $vx = x[0];
                $vjp
            }
        }

        impl<T: Scalar> ScalarRule<T> for $ty {
            fn eval(&self, x: &[T]) -> T {
                let $s = x[0];
                $scalar
            }
            fn unpack(_param: T, _aux: u32) -> Self {
                $ty
            }
        }
    };
}

unary_rule! {
    /// `e^x`. d/dx = e^x, the output itself.
    Exp, "exp",
    forward: |x| x.exp(),
    scalar: |x| x.exp(),
    vjp: |x, out, g| Some(g.mul(out))
}

unary_rule! {
    /// `ln x`. d/dx = 1/x.
    Ln, "ln",
    forward: |x| x.ln(),
    scalar: |x| x.ln(),
    vjp: |x, out, g| Some(g.div(x))
}

unary_rule! {
    /// `sqrt x`. d/dx = 1 / (2 sqrt x) = 0.5 / out.
    Sqrt, "sqrt",
    forward: |x| x.sqrt(),
    scalar: |x| x.sqrt(),
    vjp: |x, out, g| Some(g.div(out).mul_scalar(T::from_f64_lossy(0.5)))
}

unary_rule! {
    /// `|x|`. d/dx = sign(x), 0 at 0.
    Abs, "abs",
    forward: |x| x.abs(),
    scalar: |x| x.abs(),
    vjp: |x, out, g| Some(g.mul(&x.sign()))
}

unary_rule! {
    /// `1 / (1 + e^-x)`. d/dx = s (1 - s) with s the output.
    Sigmoid, "sigmoid",
    forward: |x| x.sigmoid(),
    scalar: |x| Tensor::scalar(x).sigmoid().item(),
    vjp: |x, out, g| Some(g.mul_sigmoid_slope(out))
}

unary_rule! {
    /// `max(x, 0)`. d/dx = 1 for x > 0, else 0 (0 at the kink).
    Relu, "relu",
    forward: |x| x.relu(),
    scalar: |x| Tensor::scalar(x).relu().item(),
    vjp: |x, out, g| Some(g.mul_step(x))
}

unary_rule! {
    /// `tanh x`. d/dx = 1 - tanh² x = 1 - out².
    Tanh, "tanh",
    forward: |x| x.tanh(),
    scalar: |x| x.tanh(),
    vjp: |x, out, g| Some(g.mul_tanh_slope(out))
}

unary_rule! {
    /// `sign x` (-1, 0, 1). Derivative 0 wherever it exists: no message.
    Sign, "sign",
    forward: |x| x.sign(),
    scalar: |x| Tensor::scalar(x).sign().item(),
    vjp: |x, out, g| None
}

unary_rule! {
    /// The step `x > 0 ? 1 : 0`. Derivative 0 wherever it exists: no message.
    Step, "step",
    forward: |x| x.step(),
    scalar: |x| Tensor::scalar(x).step().item(),
    vjp: |x, out, g| None
}

/// `x^p` for a constant float `p`. d/dx = p x^(p-1).
pub(crate) struct Powf<T>(pub(crate) T);

impl<T: Scalar> Rule<T> for Powf<T> {
    fn name(&self) -> &'static str {
        "powf"
    }
    fn forward(&self, x: &[&Tensor<T>]) -> Tensor<T> {
        x[0].powf(self.0)
    }
    fn vjp<A: Algebra<T>>(&self, x: &[&A], _out: &A, g: &A, _wrt: usize) -> Option<A> {
        let p = self.0;
        Some(g.mul(&x[0].powf(p - T::one()).mul_scalar(p)))
    }
}

impl<T: Scalar> ScalarRule<T> for Powf<T> {
    fn eval(&self, x: &[T]) -> T {
        x[0].powf(self.0)
    }
    fn pack(&self) -> (T, u32) {
        (self.0, 0)
    }
    fn unpack(param: T, _aux: u32) -> Self {
        Powf(param)
    }
}

/// `x^n` for a constant integer `n`. d/dx = n x^(n-1).
pub(crate) struct Powi(pub(crate) i32);

impl<T: Scalar> Rule<T> for Powi {
    fn name(&self) -> &'static str {
        "powi"
    }
    fn forward(&self, x: &[&Tensor<T>]) -> Tensor<T> {
        x[0].powi(self.0)
    }
    fn vjp<A: Algebra<T>>(&self, x: &[&A], _out: &A, g: &A, _wrt: usize) -> Option<A> {
        let n = self.0;
        if n == 0 {
            return None;
        }
        let scale = T::from_i32(n).expect("an i32 fits any float type");
        Some(g.mul(&x[0].powi(n - 1).mul_scalar(scale)))
    }
}

impl<T: Scalar> ScalarRule<T> for Powi {
    fn eval(&self, x: &[T]) -> T {
        x[0].powi(self.0)
    }
    /// The exponent's bits in the record's integer field.
    fn pack(&self) -> (T, u32) {
        (T::zero(), self.0 as u32)
    }
    fn unpack(_param: T, aux: u32) -> Self {
        Powi(aux as i32)
    }
}

/// Elementwise functions. Each records one node; its derivative is stated.
impl<'t, T: Scalar> Var<'t, T> {
    /// `e^x`; derivative `e^x`.
    #[track_caller]
    pub fn exp(self) -> Self {
        self.unary(Exp)
    }

    /// Natural log; derivative `1/x`.
    #[track_caller]
    pub fn ln(self) -> Self {
        self.unary(Ln)
    }

    /// Square root; derivative `1/(2 sqrt x)`.
    #[track_caller]
    pub fn sqrt(self) -> Self {
        self.unary(Sqrt)
    }

    /// `x^p` for a constant float `p`; derivative `p x^(p-1)`.
    #[track_caller]
    pub fn powf(self, p: T) -> Self {
        self.unary(Powf(p))
    }

    /// `x^n` for a constant integer `n`; derivative `n x^(n-1)`.
    #[track_caller]
    pub fn powi(self, n: i32) -> Self {
        self.unary(Powi(n))
    }

    /// `x^2`; derivative `2x`.
    #[track_caller]
    pub fn square(self) -> Self {
        self.powi(2)
    }

    /// `|x|`; derivative `sign(x)` (0 at 0).
    #[track_caller]
    pub fn abs(self) -> Self {
        self.unary(Abs)
    }

    /// The logistic sigmoid `1/(1+e^-x)`; derivative `s(1-s)`.
    #[track_caller]
    pub fn sigmoid(self) -> Self {
        self.unary(Sigmoid)
    }

    /// `max(x, 0)`; derivative 1 where `x > 0`, else 0.
    #[track_caller]
    pub fn relu(self) -> Self {
        self.unary(Relu)
    }

    /// Hyperbolic tangent; derivative `1 - tanh^2 x`.
    #[track_caller]
    pub fn tanh(self) -> Self {
        self.unary(Tanh)
    }

    /// The sign (-1, 0 or 1); its derivative is 0, so no message flows.
    #[track_caller]
    pub fn sign(self) -> Self {
        self.unary(Sign)
    }

    /// `1` where `x > 0`, else `0`; its derivative is 0, so no message flows.
    #[track_caller]
    pub fn step(self) -> Self {
        self.unary(Step)
    }
}
