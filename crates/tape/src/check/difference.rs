//! Finite differences along one direction, and the rule that compares them
//! with an analytic derivative (including at kinks).

/// What finite differences say about the derivative of `g(t) = L(x + t v)`
/// at `t = 0`, from the values `g(-2h), g(-h), g(0), g(h), g(2h)`.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Estimate {
    /// The five-point central difference, `O(h⁴)` accurate where `g` is smooth.
    pub(crate) numeric: f64,
    /// The smallest of the four one-sided difference quotients on the stencil.
    pub(crate) low: f64,
    /// The largest of them.
    pub(crate) high: f64,
    /// How unevenly the slopes change along the stencil: the spread of
    /// their three successive differences. Where `g` is smooth each
    /// difference is `h g''` up to `h² g'''`, so the spread is tiny; a kink
    /// puts its whole jump into one of them.
    pub(crate) unevenness: f64,
}

impl Estimate {
    /// The estimate from `g` sampled at `-2h, -h, 0, h, 2h`.
    pub(crate) fn new(g: [f64; 5], h: f64) -> Self {
        let [m2, m1, z, p1, p2] = g;
        let numeric = (m2 - 8.0 * m1 + 8.0 * p1 - p2) / (12.0 * h);
        let slopes = [(m1 - m2) / h, (z - m1) / h, (p1 - z) / h, (p2 - p1) / h];
        let low = slopes.iter().copied().fold(f64::INFINITY, f64::min);
        let high = slopes.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        let steps = [
            slopes[1] - slopes[0],
            slopes[2] - slopes[1],
            slopes[3] - slopes[2],
        ];
        let unevenness = steps.iter().copied().fold(f64::NEG_INFINITY, f64::max)
            - steps.iter().copied().fold(f64::INFINITY, f64::min);
        Estimate {
            numeric,
            low,
            high,
            unevenness,
        }
    }
}

/// How an analytic derivative compares with its finite-difference estimate.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Verdict {
    /// Within tolerance of the central difference.
    Ok,
    /// The function has a kink (or jump) within the stencil: its one-sided
    /// difference quotients change abruptly rather than smoothly, beyond
    /// the tolerance, and the analytic value lies between them, so it is a valid subgradient (`relu'(0) = 0`,
    /// `abs'(0) = 0`, the first of tied maxima). Accepted.
    Kink,
    /// Neither: the analytic value is wrong (or the function is not finite
    /// near the point).
    Wrong,
}

impl Verdict {
    /// Whether the analytic value is accepted (`Ok` or `Kink`).
    pub fn passed(self) -> bool {
        self != Verdict::Wrong
    }
}

/// Judges `analytic` against `estimate` with the tolerance
/// `atol + rtol * |numeric|`.
pub(crate) fn judge(analytic: f64, estimate: &Estimate, atol: f64, rtol: f64) -> Verdict {
    let tol = atol + rtol * estimate.numeric.abs();
    if (analytic - estimate.numeric).abs() <= tol {
        return Verdict::Ok;
    }
    let kink = estimate.unevenness > tol;
    if kink && estimate.low - tol <= analytic && analytic <= estimate.high + tol {
        Verdict::Kink
    } else {
        Verdict::Wrong
    }
}

/// `|a - n| / max(|a|, |n|)`, 0 when both are 0.
pub(crate) fn relative_error(analytic: f64, numeric: f64) -> f64 {
    let scale = analytic.abs().max(numeric.abs());
    if scale == 0.0 {
        0.0
    } else {
        (analytic - numeric).abs() / scale
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample(g: impl Fn(f64) -> f64, x: f64, h: f64) -> Estimate {
        Estimate::new([-2.0, -1.0, 0.0, 1.0, 2.0].map(|k| g(x + k * h)), h)
    }

    #[test]
    fn five_point_stencil_is_fourth_order() {
        // d/dx sin(x) = cos(x); the error of the 5-point rule is ~ h^4 / 30.
        let e = sample(f64::sin, 0.7, 1e-3);
        assert!((e.numeric - 0.7f64.cos()).abs() < 1e-12);
        assert_eq!(judge(0.7f64.cos(), &e, 1e-10, 0.0), Verdict::Ok);
        assert_eq!(judge(0.7f64.cos() + 1e-3, &e, 1e-6, 1e-4), Verdict::Wrong);
    }

    #[test]
    fn strong_curvature_is_not_mistaken_for_a_kink() {
        // exp(5x) at 1: f' = 5 e^5, f'' = 25 e^5; the one-sided slopes spread
        // by ~4 h f'' = 0.15, yet a value off by 0.01 is still wrong.
        let f = |x: f64| (5.0 * x).exp();
        let e = sample(f, 1.0, 1e-4);
        assert!(e.high - e.low > 0.1);
        let exact = 5.0 * 5f64.exp();
        assert_eq!(judge(exact, &e, 1e-6, 1e-4), Verdict::Ok);
        assert_eq!(judge(exact + 0.1, &e, 1e-6, 1e-4), Verdict::Wrong);
    }

    #[test]
    fn kinks_accept_subgradients_only() {
        let relu = |x: f64| x.max(0.0);
        let e = sample(relu, 0.0, 1e-4);
        assert_eq!((e.low, e.high), (0.0, 1.0));
        assert_eq!(judge(0.0, &e, 1e-6, 1e-4), Verdict::Kink);
        assert_eq!(judge(1.0, &e, 1e-6, 1e-4), Verdict::Kink);
        assert_eq!(judge(2.0, &e, 1e-6, 1e-4), Verdict::Wrong);
        assert_eq!(judge(-1.0, &e, 1e-6, 1e-4), Verdict::Wrong);
        // A kink 1.5 steps away still makes the stencil disagree with itself.
        let e = sample(relu, -1.5e-4, 1e-4);
        assert_eq!(judge(0.0, &e, 1e-6, 1e-4), Verdict::Kink);
        assert_eq!(judge(5.0, &e, 1e-6, 1e-4), Verdict::Wrong);
    }

    #[test]
    fn relative_error_is_symmetric_and_zero_safe() {
        assert_eq!(relative_error(0.0, 0.0), 0.0);
        assert_eq!(relative_error(1.0, 2.0), 0.5);
        assert_eq!(relative_error(2.0, 1.0), 0.5);
    }
}
