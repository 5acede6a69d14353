//! The gradient checker catches wrong VJPs, says where, and raises no false
//! alarm at kinks.

use proptest::prelude::*;
use proptest::test_runner::{Config, RngAlgorithm, TestError, TestRng, TestRunner};
use tape::check::{self, gradcheck, gradcheck_directional, GradCheck, Verdict};
use tape::testing::{arb_graph_with, proptest_config, Domain, GraphConfig};
use tape::{CustomOp, Tape, Tensor};

/// `a * b` elementwise (same shapes), whose VJP for `b` is wrong in exactly
/// one element: `bad` (a flat offset) gets twice the right message.
struct MulWithOneBadElement {
    bad: Option<usize>,
}

impl CustomOp<f64> for MulWithOneBadElement {
    fn name(&self) -> &str {
        "mul_one_bad"
    }
    fn forward(&self, x: &[&Tensor<f64>]) -> Tensor<f64> {
        x[0].mul(x[1])
    }
    fn vjp(
        &self,
        x: &[&Tensor<f64>],
        _out: &Tensor<f64>,
        g: &Tensor<f64>,
        wrt: usize,
    ) -> Tensor<f64> {
        let mut m = g.mul(x[1 - wrt]);
        if let (1, Some(bad)) = (wrt, self.bad) {
            m.data_mut()[bad] *= 2.0;
        }
        m
    }
}

/// `x - mean(x)` over a vector, with a VJP that is twice the right one,
/// `2 (g - mean(g))`: a bug invisible to a seed of all ones.
struct CenterTwiceTooSteep;

impl CustomOp<f64> for CenterTwiceTooSteep {
    fn name(&self) -> &str {
        "center_bad"
    }
    fn forward(&self, x: &[&Tensor<f64>]) -> Tensor<f64> {
        let mean = x[0].mean_all().item();
        x[0].add_scalar(-mean)
    }
    fn vjp(
        &self,
        _x: &[&Tensor<f64>],
        _out: &Tensor<f64>,
        g: &Tensor<f64>,
        _wrt: usize,
    ) -> Tensor<f64> {
        let mean = g.mean_all().item();
        g.add_scalar(-mean).mul_scalar(2.0)
    }
}

fn a() -> Tensor<f64> {
    Tensor::from([[0.5, -1.0, 2.0], [1.5, 0.25, -0.75]])
}

fn b() -> Tensor<f64> {
    Tensor::from([[1.0, 2.0, -0.5], [0.3, -1.2, 0.8]])
}

#[test]
fn a_wrong_vjp_is_reported_with_its_input_and_element() {
    // Flat offset 3 of a [2, 3] input is the element [1, 0].
    let f = check::function(|x| {
        x[0].tape()
            .custom(MulWithOneBadElement { bad: Some(3) }, x)
            .sum()
    });
    let report = gradcheck(f, &[a(), b()]);
    assert!(!report.is_ok());
    assert_eq!(report.checked, 12);
    assert_eq!(report.mismatches.len(), 1, "{report}");
    let m = &report.mismatches[0];
    assert_eq!((m.input, m.index.as_slice()), (1, &[1, 0][..]));
    // d/db[1,0] sum(a * b) = a[1,0] = 1.5; the op claims twice that.
    assert_eq!(m.analytic, 3.0);
    assert!((m.numeric - 1.5).abs() < 1e-9, "{}", m.numeric);
    assert!((m.abs_error - 1.5).abs() < 1e-9 && (m.rel_error - 0.5).abs() < 1e-9);
    let text = report.to_string();
    assert!(text.contains("FAILED: 1 of 12"), "{text}");
    assert!(
        text.contains("input 1 [1, 0]: analytic 3.000000e0, numeric 1.500000e0"),
        "{text}"
    );
}

#[test]
fn the_report_uses_labels_given_in_the_function() {
    let f = check::function(|x| {
        let (a, b) = (x[0].label("a"), x[1].label("weights"));
        a.tape()
            .custom(MulWithOneBadElement { bad: Some(5) }, &[a, b])
            .tanh()
            .sum()
    });
    let report = gradcheck(f, &[a(), b()]);
    let m = report.worst().expect("a mismatch");
    assert_eq!(m.label.as_deref(), Some("weights"));
    assert_eq!(m.index, vec![1, 2]);
    assert!(
        report.to_string().contains("input 1 \"weights\" [1, 2]"),
        "{report}"
    );
}

#[test]
#[should_panic(expected = "input 1 [0, 2]: analytic")]
fn assert_ok_panics_with_the_report() {
    gradcheck(
        |x| {
            x[0].tape()
                .custom(MulWithOneBadElement { bad: Some(2) }, x)
                .sum()
        },
        &[a(), b()],
    )
    .assert_ok();
}

#[test]
fn a_correct_custom_op_passes() {
    let f = check::function(|x| x[0].tape().custom(MulWithOneBadElement { bad: None }, x));
    let report = gradcheck(|x| f(x).exp().sum(), &[a(), b()]);
    assert!(report.is_ok(), "{report}");
    assert_eq!((report.checked, report.kinks), (12, 0));
}

#[test]
fn non_scalar_outputs_use_a_random_cotangent() {
    let x = Tensor::from_vec(vec![0.3, -1.2, 2.0, 0.7], [4]);
    let center = check::function(|x| x[0].tape().custom(CenterTwiceTooSteep, x));
    // Contracting with a random cotangent exposes the bug...
    let report = gradcheck(center, std::slice::from_ref(&x));
    assert_eq!(report.mismatches.len(), 4, "{report}");
    assert_eq!(report.output_shape.dims(), &[4]);
    // ... which a plain sum cannot: the centred values always sum to 0, so
    // both sides of the check are 0 whatever the VJP's scale.
    let summed = gradcheck(|x| center(x).sum(), std::slice::from_ref(&x));
    assert!(summed.is_ok(), "{summed}");
    // Another seed draws another cotangent and catches it too.
    assert!(!GradCheck::new().seed(7).check(center, &[x]).is_ok());
}

#[test]
fn kinks_are_not_false_alarms() {
    // relu and abs exactly at 0, max with a tie: not differentiable there,
    // and the tape's choices (0, 0, the first maximum) are subgradients.
    let x = Tensor::from_vec(vec![0.0, 1.5, -2.0, 0.0], [4]);
    let report = gradcheck(|x| (x[0].relu() + x[0].abs() * 0.5).sum(), &[x]);
    assert!(report.is_ok(), "{report}");
    assert_eq!(report.kinks, 2);
    let tied = Tensor::from([[1.0, 3.0, 3.0], [2.0, -1.0, 0.5]]);
    let report = gradcheck(|x| x[0].max_axis(1, false).sum(), &[tied]);
    assert!(report.is_ok(), "{report}");
    assert_eq!(report.kinks, 2);
}

#[test]
fn a_wrong_value_at_a_kink_is_still_caught() {
    // A "relu" whose derivative at 0 is 2: outside the one-sided slopes [0, 1].
    struct SteepRelu;
    impl CustomOp<f64> for SteepRelu {
        fn name(&self) -> &str {
            "steep_relu"
        }
        fn forward(&self, x: &[&Tensor<f64>]) -> Tensor<f64> {
            x[0].relu()
        }
        fn vjp(
            &self,
            x: &[&Tensor<f64>],
            _: &Tensor<f64>,
            g: &Tensor<f64>,
            _: usize,
        ) -> Tensor<f64> {
            g.mul(&x[0].map(|v| if v == 0.0 { 2.0 } else { f64::from(v > 0.0) }))
        }
    }
    let x = Tensor::from_vec(vec![0.0, 1.0, -1.0], [3]);
    let report = gradcheck(|x| x[0].tape().custom(SteepRelu, x).sum(), &[x]);
    assert_eq!(report.mismatches.len(), 1, "{report}");
    assert_eq!(report.mismatches[0].index, vec![0]);
}

#[test]
fn the_directional_check_catches_the_wrong_op_cheaply() {
    let f = check::function(|x| {
        x[0].tape()
            .custom(MulWithOneBadElement { bad: Some(4) }, x)
            .sum()
    });
    let report = gradcheck_directional(f, &[a(), b()]);
    assert!(!report.is_ok(), "{report}");
    assert!(report.to_string().contains("directional gradcheck FAILED"));
    let good = gradcheck_directional(|x| (x[0] * x[1]).sigmoid().sum(), &[a(), b()]);
    assert!(good.is_ok(), "{good}");
    assert_eq!(good.checks.len(), 2);
    assert!(good.checks.iter().all(|c| c.verdict == Verdict::Ok));
}

#[test]
fn inputs_the_output_ignores_have_zero_gradients() {
    let report = gradcheck(|x| x[0].square().sum(), &[a(), b()]);
    assert!(report.is_ok(), "{report}");
    assert_eq!(report.checked, 12);
    // The function may even return an input itself.
    let report = gradcheck(|x| x[1], &[a(), b()]);
    assert!(report.is_ok(), "{report}");
}

#[test]
fn the_checker_sees_a_wrong_gradient_through_detach() {
    // detach() cuts the path on purpose; finite differences still see it.
    // This is the documented limit: such functions are not checkable.
    let report = gradcheck(|x| (x[0] * x[0].detach()).sum(), &[a()]);
    assert_eq!(report.mismatches.len(), 6);
    for m in &report.mismatches {
        // analytic a, numeric 2a
        assert!((m.numeric - 2.0 * m.analytic).abs() < 1e-8, "{m}");
    }
}

#[test]
fn tolerances_are_configurable() {
    // A VJP off by 1e-3 relative passes a loose check and fails a tight one.
    struct SlightlyOff;
    impl CustomOp<f64> for SlightlyOff {
        fn name(&self) -> &str {
            "slightly_off"
        }
        fn forward(&self, x: &[&Tensor<f64>]) -> Tensor<f64> {
            x[0].mul_scalar(3.0)
        }
        fn vjp(
            &self,
            _: &[&Tensor<f64>],
            _: &Tensor<f64>,
            g: &Tensor<f64>,
            _: usize,
        ) -> Tensor<f64> {
            g.mul_scalar(3.003)
        }
    }
    let f = check::function(|x| x[0].tape().custom(SlightlyOff, x).sum());
    assert!(GradCheck::new().rtol(1e-2).check(f, &[a()]).is_ok());
    assert_eq!(GradCheck::new().check(f, &[a()]).mismatches.len(), 6);
}

#[test]
fn checks_run_on_fresh_tapes() {
    // The user's own tape is untouched by a check.
    let tape = Tape::<f64>::new();
    let _w = tape.var(1.0);
    gradcheck(|x| x[0].sum(), &[a()]).assert_ok();
    assert_eq!(tape.len(), 1);
}

/// `x²` with the derivative `x` instead of `2x`.
struct SquareMissingTwo;

impl CustomOp<f64> for SquareMissingTwo {
    fn name(&self) -> &str {
        "square_missing_two"
    }
    fn forward(&self, x: &[&Tensor<f64>]) -> Tensor<f64> {
        x[0].mul(x[0])
    }
    fn vjp(&self, x: &[&Tensor<f64>], _: &Tensor<f64>, g: &Tensor<f64>, _: usize) -> Tensor<f64> {
        g.mul(x[0])
    }
}

#[test]
fn random_graphs_with_a_wrong_user_op_fail_and_shrink_to_it() {
    let config = GraphConfig::default().unary_op("bad_square", Domain::Real, |x| {
        x[0].tape().custom(SquareMissingTwo, x)
    });
    // A fixed number of cases and a fixed seed: this test asserts that a
    // failure is found, so PROPTEST_CASES must not shrink it to nothing.
    let run_config = Config {
        cases: 64,
        failure_persistence: None,
        ..proptest_config(64)
    };
    let rng = TestRng::deterministic_rng(RngAlgorithm::ChaCha);
    let mut runner = TestRunner::new_with_rng(run_config, rng);
    let result = runner.run(&arb_graph_with(config), |g| {
        let report = g.check(&GradCheck::default());
        prop_assert!(report.is_ok(), "{}", report);
        Ok(())
    });
    match result {
        Err(TestError::Fail(_, g)) => {
            let listing = format!("{g:?}");
            assert!(listing.contains("bad_square(&[v"), "{listing}");
            assert!(
                g.len() <= 2,
                "shrinking should leave a tiny graph: {listing}"
            );
        }
        other => panic!("the wrong op went unnoticed: {other:?}"),
    }
}
