//! What a gradient check found, element by element, printable.

use std::fmt;

use super::{GradCheck, Verdict};
use crate::Shape;

/// How many failing elements [`GradReport`]'s `Display` lists before it
/// summarises the rest.
const SHOWN: usize = 20;

/// One gradient element that disagrees with its finite difference.
#[derive(Clone, Debug, PartialEq)]
pub struct Mismatch {
    /// Which input (position in the slice given to the checker).
    pub input: usize,
    /// The input's label, if the checked function gave it one
    /// ([`Var::label`](crate::Var::label)).
    pub label: Option<String>,
    /// The element's multi-index in that input (`[]` for a scalar).
    pub index: Vec<usize>,
    /// The tape's gradient.
    pub analytic: f64,
    /// The finite-difference estimate.
    pub numeric: f64,
    /// `|analytic - numeric|`.
    pub abs_error: f64,
    /// `|analytic - numeric| / max(|analytic|, |numeric|)`.
    pub rel_error: f64,
}

impl fmt::Display for Mismatch {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "input {}", self.input)?;
        if let Some(label) = &self.label {
            write!(f, " \"{label}\"")?;
        }
        write!(
            f,
            " {:?}: analytic {:.6e}, numeric {:.6e}, abs err {:.2e}, rel err {:.2e}",
            self.index, self.analytic, self.numeric, self.abs_error, self.rel_error
        )
    }
}

/// The result of [`GradCheck::check`]: every gradient element that disagrees
/// with finite differences, with enough context to find the bug.
///
/// `Display` prints one line per failing element (input, element index,
/// analytic and numeric values, absolute and relative error).
#[derive(Clone, Debug)]
pub struct GradReport {
    /// The settings the check ran with.
    pub config: GradCheck,
    /// The shape of the checked function's output.
    pub output_shape: Shape,
    /// How many gradient elements were compared.
    pub checked: usize,
    /// How many of them sit at a kink and were accepted as subgradients
    /// (see the [module docs](super)).
    pub kinks: usize,
    /// The elements that disagree, in input and element order.
    pub mismatches: Vec<Mismatch>,
}

impl GradReport {
    pub(crate) fn new(config: GradCheck, output_shape: Shape) -> Self {
        GradReport {
            config,
            output_shape,
            checked: 0,
            kinks: 0,
            mismatches: Vec::new(),
        }
    }

    /// Whether every element agrees.
    pub fn is_ok(&self) -> bool {
        self.mismatches.is_empty()
    }

    /// The mismatch with the largest absolute error, if any.
    pub fn worst(&self) -> Option<&Mismatch> {
        self.mismatches
            .iter()
            .max_by(|a, b| a.abs_error.total_cmp(&b.abs_error))
    }

    /// Panics with the whole report unless every element agrees.
    #[track_caller]
    pub fn assert_ok(&self) {
        if !self.is_ok() {
            panic!("{self}");
        }
    }
}

impl fmt::Display for GradReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let c = &self.config;
        let status = if self.is_ok() { "passed" } else { "FAILED" };
        write!(
            f,
            "gradcheck {status}: {} of {} gradient elements disagree with finite differences \
             ({} at kinks accepted; output {:?}; eps {:e}, atol {:e}, rtol {:e})",
            self.mismatches.len(),
            self.checked,
            self.kinks,
            self.output_shape,
            c.eps,
            c.atol,
            c.rtol
        )?;
        for m in self.mismatches.iter().take(SHOWN) {
            write!(f, "\n  {m}")?;
        }
        if self.mismatches.len() > SHOWN {
            write!(f, "\n  ... and {} more", self.mismatches.len() - SHOWN)?;
        }
        Ok(())
    }
}

/// One random direction of a [`DirectionalReport`].
#[derive(Clone, Debug, PartialEq)]
pub struct DirectionalCheck {
    /// `Σ grad · v`, from the tape.
    pub analytic: f64,
    /// The finite difference of `L(x + t v)` at `t = 0`.
    pub numeric: f64,
    /// `|analytic - numeric|`.
    pub abs_error: f64,
    /// `|analytic - numeric| / max(|analytic|, |numeric|)`.
    pub rel_error: f64,
    /// Whether they agree (a kink along `v` accepts subgradients).
    pub verdict: Verdict,
}

/// The result of [`GradCheck::check_directional`].
#[derive(Clone, Debug)]
pub struct DirectionalReport {
    /// The settings the check ran with.
    pub config: GradCheck,
    /// One entry per random direction.
    pub checks: Vec<DirectionalCheck>,
}

impl DirectionalReport {
    /// Whether every direction agrees.
    pub fn is_ok(&self) -> bool {
        self.checks.iter().all(|c| c.verdict.passed())
    }

    /// Panics with the whole report unless every direction agrees.
    #[track_caller]
    pub fn assert_ok(&self) {
        if !self.is_ok() {
            panic!("{self}");
        }
    }
}

impl fmt::Display for DirectionalReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let failed = self.checks.iter().filter(|c| !c.verdict.passed()).count();
        let status = if failed == 0 { "passed" } else { "FAILED" };
        write!(
            f,
            "directional gradcheck {status}: {failed} of {} random directions disagree \
             (eps {:e}, atol {:e}, rtol {:e}, seed {})",
            self.checks.len(),
            self.config.eps,
            self.config.atol,
            self.config.rtol,
            self.config.seed
        )?;
        for (k, c) in self.checks.iter().enumerate() {
            write!(
                f,
                "\n  direction {k}: grad·v {:.6e}, finite difference {:.6e}, abs err {:.2e}, \
                 rel err {:.2e} ({:?})",
                c.analytic, c.numeric, c.abs_error, c.rel_error, c.verdict
            )?;
        }
        Ok(())
    }
}
