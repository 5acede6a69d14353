//! Gradient checking: compare the tape's gradients with finite differences.
//!
//! Users pick an autodiff engine to *trust* its gradients; this module lets
//! them verify any function recorded on a tape, including their own
//! [`CustomOp`](crate::CustomOp)s, the way PyTorch's `gradcheck` and JAX's
//! `check_grads` do.
//!
//! The function under check is a closure from input handles to an output
//! handle, `Fn(&[Var<'t, f64>]) -> Var<'t, f64>`. The checker runs it on a
//! fresh [`Tape<f64>`] for every evaluation: once with the inputs as
//! variables to get the analytic gradients by backpropagation, and many
//! times with recording off ([`Tape::no_grad`]) at perturbed inputs to get
//! the numeric ones. Everything is done in `f64`.
//!
//! ```
//! use tape::{check, Tensor};
//!
//! // f(a, b) = sum(a * b + exp(a)): df/da = b + exp(a), df/db = a.
//! let a = Tensor::from_vec(vec![0.5, -1.0, 2.0], [3]);
//! let b = Tensor::from_vec(vec![1.5, 0.25, -0.75], [3]);
//! let report = check::gradcheck(|x| (x[0] * x[1] + x[0].exp()).sum(), &[a, b]);
//! report.assert_ok();
//! assert_eq!(report.checked, 6);
//! ```
//!
//! ## The rules
//!
//! - **Non-scalar outputs** `y` are contracted with a fixed random cotangent
//!   `c` (entries `±[0.5, 1.5]`, drawn from [`GradCheck::seed`]): the checked
//!   function is `L(x) = Σ c ⊙ y(x)` and the analytic side is
//!   `backward_with(c)`, one vector-Jacobian product. A random `c` (rather
//!   than all ones) keeps errors from cancelling out: `sum(softmax(x))` is
//!   constant, so its gradient is zero whatever a softmax VJP says. A
//!   one-element output is used as it is (`c = 1`).
//! - **Numeric derivatives** are five-point central differences,
//!   `(L(x-2h) - 8 L(x-h) + 8 L(x+h) - L(x+2h)) / 12h`, accurate to `O(h⁴)`,
//!   with a step `h = eps * max(1, |x_i|)` relative to the element.
//! - **Tolerance**: an analytic value `a` agrees with the numeric `n` if
//!   `|a - n| <= atol + rtol * |n|` (numpy's `allclose`).
//! - **Kinks**: where the function is not differentiable within the stencil
//!   (`relu` or `abs` at 0, tied maxima, a jump of `sign`), the four
//!   one-sided difference quotients on the stencil jump instead of changing
//!   smoothly: their successive differences, all `h L''` up to `h² L'''` for
//!   a smooth function, differ by more than the tolerance. The checker then
//!   accepts any analytic value between the smallest and largest quotient
//!   (again with the tolerance): that is exactly the set of valid
//!   subgradients, such as `relu'(0) = 0`. Such elements are counted in
//!   [`GradReport::kinks`], never reported as errors. A wrong derivative at
//!   a smooth point, even a strongly curved one, is still caught.
//! - **Not checkable by differences**: [`Var::detach`] and
//!   [`Tape::no_grad`] deliberately cut a dependency the numeric side still
//!   sees, so a function using them "fails" by design.
//!
//! For large inputs, [`gradcheck_directional`] checks one random direction
//! per run with four evaluations instead of four per element.

mod difference;
mod eval;
mod report;

use rand::rngs::StdRng;
use rand::SeedableRng;

pub use difference::Verdict;
pub use report::{DirectionalCheck, DirectionalReport, GradReport, Mismatch};

use crate::{Tensor, Var};
use difference::{judge, relative_error, Estimate};
use eval::{random_unit_direction, unravel, Analytic, Evaluator};

/// Settings of a gradient check: step size, tolerances and the seed of the
/// random cotangent and directions.
///
/// ```
/// use tape::{check::GradCheck, Tensor};
/// let x = Tensor::from_vec(vec![0.3, 1.7], [2]);
/// let report = GradCheck::new()
///     .atol(1e-9)
///     .rtol(1e-7)
///     .check(|x| x[0].tanh().sum(), &[x]);
/// assert!(report.is_ok(), "{report}");
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct GradCheck {
    /// Relative step of the finite differences: `h = eps * max(1, |x|)`.
    /// Default `1e-4` (the five-point rule's error is `~h⁴`, its rounding
    /// noise `~1e-16 |L| / h`).
    pub eps: f64,
    /// Absolute tolerance. Default `1e-6`.
    pub atol: f64,
    /// Relative tolerance (relative to the numeric value). Default `1e-4`.
    pub rtol: f64,
    /// Seed of the random cotangent and of the random directions. Default 0.
    pub seed: u64,
    /// How many random directions [`GradCheck::check_directional`] tries.
    /// Default 2.
    pub directions: usize,
}

impl Default for GradCheck {
    fn default() -> Self {
        GradCheck {
            eps: 1e-4,
            atol: 1e-6,
            rtol: 1e-4,
            seed: 0,
            directions: 2,
        }
    }
}

impl GradCheck {
    /// The default settings.
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets the relative step [`GradCheck::eps`].
    pub fn eps(mut self, eps: f64) -> Self {
        self.eps = eps;
        self
    }

    /// Sets the absolute tolerance [`GradCheck::atol`].
    pub fn atol(mut self, atol: f64) -> Self {
        self.atol = atol;
        self
    }

    /// Sets the relative tolerance [`GradCheck::rtol`].
    pub fn rtol(mut self, rtol: f64) -> Self {
        self.rtol = rtol;
        self
    }

    /// Sets the seed of the random cotangent and directions.
    pub fn seed(mut self, seed: u64) -> Self {
        self.seed = seed;
        self
    }

    /// Sets how many random directions the directional check tries.
    pub fn directions(mut self, directions: usize) -> Self {
        self.directions = directions;
        self
    }

    /// Compares every element of every input's gradient with a finite
    /// difference (four evaluations of `f` per element).
    ///
    /// # Panics
    /// If `f` panics, or returns outputs of different shapes at different
    /// points.
    pub fn check<F>(&self, f: F, inputs: &[Tensor<f64>]) -> GradReport
    where
        F: for<'t> Fn(&[Var<'t, f64>]) -> Var<'t, f64>,
    {
        let analytic = Analytic::compute(&f, inputs, self.seed);
        let mut eval = Evaluator::new(&f, inputs, &analytic.cotangent);
        let base = eval.loss();
        let mut report = GradReport::new(self.clone(), analytic.output_shape.clone());
        for (i, input) in inputs.iter().enumerate() {
            let grad = &analytic.grads[i];
            for j in 0..input.numel() {
                let x = input.data()[j];
                let h = self.eps * x.abs().max(1.0);
                let g = stencil(base, h, |t| eval.loss_with(i, j, x + t));
                let estimate = Estimate::new(g, h);
                let a = grad.data()[j];
                report.checked += 1;
                match judge(a, &estimate, self.atol, self.rtol) {
                    Verdict::Ok => {}
                    Verdict::Kink => report.kinks += 1,
                    Verdict::Wrong => report.mismatches.push(Mismatch {
                        input: i,
                        label: analytic.labels[i].clone(),
                        index: unravel(j, input.dims()),
                        analytic: a,
                        numeric: estimate.numeric,
                        abs_error: (a - estimate.numeric).abs(),
                        rel_error: relative_error(a, estimate.numeric),
                    }),
                }
            }
        }
        report
    }

    /// Checks directional derivatives: for [`GradCheck::directions`] random
    /// unit directions `v`, compares the finite difference of `L(x + t v)`
    /// with `Σ grad · v`. Four evaluations of `f` per direction, whatever the
    /// input size: the cheap check for large inputs (it cannot say which
    /// element is wrong; [`GradCheck::check`] can).
    pub fn check_directional<F>(&self, f: F, inputs: &[Tensor<f64>]) -> DirectionalReport
    where
        F: for<'t> Fn(&[Var<'t, f64>]) -> Var<'t, f64>,
    {
        let analytic = Analytic::compute(&f, inputs, self.seed);
        let mut eval = Evaluator::new(&f, inputs, &analytic.cotangent);
        let base = eval.loss();
        let scale = inputs
            .iter()
            .flat_map(|x| x.data())
            .fold(1.0f64, |m, x| m.max(x.abs()));
        let h = self.eps * scale;
        let mut rng = StdRng::seed_from_u64(self.seed ^ 0xd1ec_7105);
        let mut checks = Vec::with_capacity(self.directions);
        for _ in 0..self.directions {
            let direction = random_unit_direction(inputs, &mut rng);
            let a: f64 = analytic
                .grads
                .iter()
                .zip(&direction)
                .map(|(g, v)| {
                    g.data()
                        .iter()
                        .zip(v.data())
                        .map(|(g, v)| g * v)
                        .sum::<f64>()
                })
                .sum();
            let g = stencil(base, h, |t| eval.loss_along(&direction, t));
            let estimate = Estimate::new(g, h);
            checks.push(DirectionalCheck {
                analytic: a,
                numeric: estimate.numeric,
                abs_error: (a - estimate.numeric).abs(),
                rel_error: relative_error(a, estimate.numeric),
                verdict: judge(a, &estimate, self.atol, self.rtol),
            });
        }
        DirectionalReport {
            config: self.clone(),
            checks,
        }
    }
}

/// [`GradCheck::check`] with the default settings.
///
/// ```
/// use tape::{check::gradcheck, Tensor};
/// let x = Tensor::from_vec(vec![1.0, 2.0, 3.0, 4.0], [2, 2]);
/// // A non-scalar output is contracted with a random cotangent.
/// gradcheck(|x| x[0].matmul(x[0]).sigmoid(), &[x]).assert_ok();
/// ```
pub fn gradcheck<F>(f: F, inputs: &[Tensor<f64>]) -> GradReport
where
    F: for<'t> Fn(&[Var<'t, f64>]) -> Var<'t, f64>,
{
    GradCheck::default().check(f, inputs)
}

/// [`GradCheck::check_directional`] with the default settings.
///
/// ```
/// use rand::{rngs::StdRng, SeedableRng};
/// use tape::{check::gradcheck_directional, Tensor};
/// let mut rng = StdRng::seed_from_u64(1);
/// let w = Tensor::<f64>::randn([64, 32], &mut rng);
/// let x = Tensor::<f64>::randn([8, 64], &mut rng);
/// // 2048 + 512 elements, yet only four evaluations per direction.
/// gradcheck_directional(|v| v[1].matmul(v[0]).tanh().mean(), &[w, x]).assert_ok();
/// ```
pub fn gradcheck_directional<F>(f: F, inputs: &[Tensor<f64>]) -> DirectionalReport
where
    F: for<'t> Fn(&[Var<'t, f64>]) -> Var<'t, f64>,
{
    GradCheck::default().check_directional(f, inputs)
}

/// Returns `f` unchanged: a closure stored in a variable before it is
/// passed to a checker needs this to get the signature the checkers want
/// (Rust infers closure lifetimes from the place they are written).
///
/// ```
/// use tape::{check, Tensor};
/// let f = check::function(|x| x[0].powi(3).sum());
/// let x = [Tensor::from_vec(vec![1.0, -2.0], [2])];
/// check::gradcheck(&f, &x).assert_ok();
/// check::gradcheck_directional(&f, &x).assert_ok();
/// ```
pub fn function<F>(f: F) -> F
where
    F: for<'t> Fn(&[Var<'t, f64>]) -> Var<'t, f64>,
{
    f
}

/// `g(t)` at `t = -2h, -h, 0, h, 2h`, with `g(0) = base` already known.
fn stencil(base: f64, h: f64, mut g: impl FnMut(f64) -> f64) -> [f64; 5] {
    [g(-2.0 * h), g(-h), base, g(h), g(2.0 * h)]
}
