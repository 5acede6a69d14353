//! The seed article's 3-2-1 sigmoid network (section 4.3) through the tape,
//! checked against the chain rule worked by hand and against central
//! finite differences.
//!
//! The article's numbers do not fit a 3-2-1 network as printed; the
//! project's consistent reading (see docs/worked-example.md):
//! x = [[1, 2, 3]], y = [[0.5]], W1: [3, 2] with both columns [1, 2, 3],
//! b1 = [1, 2], W2 = [[4], [5]], b2 = [6], loss = mean((a2 - y)^2).

use tape::{Tape, Tensor, Var};

const X: [f64; 3] = [1.0, 2.0, 3.0];
const W1: [f64; 6] = [1.0, 1.0, 2.0, 2.0, 3.0, 3.0];
const B1: [f64; 2] = [1.0, 2.0];
const W2: [f64; 2] = [4.0, 5.0];
const B2: f64 = 6.0;
const Y: f64 = 0.5;

fn sigmoid(z: f64) -> f64 {
    1.0 / (1.0 + (-z).exp())
}

/// Parameters in the order w1, b1, w2, b2.
fn params() -> [Tensor<f64>; 4] {
    [
        Tensor::from_slice(&W1, [3, 2]),
        Tensor::from_slice(&B1, [2]),
        Tensor::from_slice(&W2, [2, 1]),
        Tensor::from_slice(&[B2], [1]),
    ]
}

/// Records the network and its loss at the article's input `X`.
fn loss<'t>(tape: &'t Tape<f64>, p: &[Var<'t, f64>; 4]) -> Var<'t, f64> {
    loss_at(tape, &X, p)
}

/// Records the network and its loss at input `x`.
fn loss_at<'t>(tape: &'t Tape<f64>, x: &[f64; 3], p: &[Var<'t, f64>; 4]) -> Var<'t, f64> {
    let x = tape.constant(Tensor::from_slice(x, [1, 3])).label("x");
    let y = tape.constant(Tensor::from_slice(&[Y], [1, 1])).label("y");
    let a1 = (x.matmul(p[0]) + p[1]).sigmoid().label("a1");
    let a2 = (a1.matmul(p[2]) + p[3]).sigmoid().label("a2");
    (a2 - y).square().mean().label("loss")
}

fn loss_value(x: &[f64; 3], p: [Tensor<f64>; 4]) -> f64 {
    let tape = Tape::new();
    let vars = p.map(|t| tape.constant(t));
    loss_at(&tape, x, &vars).item()
}

#[test]
fn forward_values_match_the_hand_computation() {
    let tape = Tape::new();
    let p = params().map(|t| tape.var(t));
    let l = loss(&tape, &p);
    // z1 = x @ W1 + b1 = [1 + 4 + 9 + 1, 1 + 4 + 9 + 2] = [15, 16]
    // (the article writes 1·1 + 2·2 + 3·3 + 1 = 14).
    let z1 = [15.0, 16.0];
    let a1 = z1.map(sigmoid);
    let z2 = W2[0] * a1[0] + W2[1] * a1[1] + B2;
    let a2 = sigmoid(z2);
    assert!((l.item() - (a2 - Y).powi(2)).abs() < 1e-15);
    // The article rounds a1 to 0.9999; it is 0.99999969 and 0.99999989.
    assert!((a1[0] - 0.999_999_694).abs() < 1e-9);
    assert!((a1[1] - 0.999_999_887).abs() < 1e-9);
    assert!((z2 - 14.999_998_3).abs() < 1e-6);
}

#[test]
fn gradients_match_the_chain_rule_by_hand() {
    let tape = Tape::new();
    let p = params().map(|t| tape.var(t));
    let g = loss(&tape, &p).backward();

    let a1 = [15.0_f64, 16.0].map(sigmoid);
    let a2 = sigmoid(W2[0] * a1[0] + W2[1] * a1[1] + B2);
    let delta2 = 2.0 * (a2 - Y) * a2 * (1.0 - a2); // dL/dz2
    let delta1 = [0, 1].map(|j| delta2 * W2[j] * a1[j] * (1.0 - a1[j])); // dL/dz1
    let dw1: Vec<f64> = (0..6).map(|k| X[k / 2] * delta1[k % 2]).collect();

    let close = |a: &[f64], b: &[f64]| {
        a.iter()
            .zip(b)
            .all(|(x, y)| (x - y).abs() <= 1e-12 * y.abs().max(1e-300))
    };
    assert!(close(g[p[0]].data(), &dw1), "{:?} vs {dw1:?}", g[p[0]]);
    assert!(close(g[p[1]].data(), &delta1));
    assert!(close(g[p[2]].data(), &[delta2 * a1[0], delta2 * a1[1]]));
    assert!(close(g[p[3]].data(), &[delta2]));
    // The sigmoids are saturated: the true gradients are tiny, nothing like
    // the article's 0.4995 update for W2.
    assert!(delta2 > 0.0 && delta2 < 1e-6);
}

/// Compares the tape's gradient of every element of the parameters
/// `checked` (indices into w1, b1, w2, b2) at input `x` and parameters `p`
/// with a central difference of step `h`, within a relative tolerance
/// `rel` only: no absolute floor, so a gradient far smaller than the
/// difference's error fails instead of passing unexamined.
fn check_against_finite_differences(
    x: &[f64; 3],
    p: &[Tensor<f64>; 4],
    checked: &[usize],
    h: f64,
    rel: f64,
) {
    let tape = Tape::new();
    let vars = p.clone().map(|t| tape.var(t));
    let g = loss_at(&tape, x, &vars).backward();
    for &k in checked {
        for i in 0..p[k].numel() {
            let bumped = |delta: f64| {
                let mut q = p.clone();
                q[k].data_mut()[i] += delta;
                loss_value(x, q)
            };
            let numeric = (bumped(h) - bumped(-h)) / (2.0 * h);
            let analytic = g[vars[k]].data()[i];
            assert!(
                analytic != 0.0 && (numeric - analytic).abs() <= rel * analytic.abs(),
                "param {k} element {i}: analytic {analytic:e}, numeric {numeric:e}"
            );
        }
    }
}

/// At the article's (saturated) point this resolves W2 and b2 only. Their
/// gradients are about 3e-7 and the loss about 0.25, so the difference's
/// rounding error (about 1e-16 * 0.25 / h = 3e-13 at h = 1e-4) is 1e-6 of
/// them. W1 and b1 are not checked here: their true gradients (about
/// 1e-13) are below that rounding error, so no finite difference at this
/// point can tell a right gradient from a wrong one. The chain-rule test
/// above checks them exactly, and the next test checks them numerically
/// at a point where they are resolvable.
#[test]
fn w2_and_b2_match_central_finite_differences_at_the_article_point() {
    check_against_finite_differences(&X, &params(), &[2, 3], 1e-4, 1e-4);
}

/// The same network with the input and every parameter scaled by 0.1
/// (z1 = [0.24, 0.34], z2 about 1.1): no sigmoid is saturated and every
/// gradient is between 1e-3 and 1e-1, so this resolves all four
/// parameters, W1, b1, W2 and b2, element by element, within a relative
/// 1e-6 (the difference's error is below 1e-9 of each gradient).
#[test]
fn every_parameter_matches_central_finite_differences_off_saturation() {
    let x = X.map(|v| 0.1 * v);
    let p =
        params().map(|t| Tensor::from_vec(t.data().iter().map(|v| 0.1 * v).collect(), t.dims()));
    // Guard the claim that this point is not saturated.
    let tape = Tape::new();
    let vars = p.clone().map(|t| tape.var(t));
    let g = loss_at(&tape, &x, &vars).backward();
    for v in vars {
        assert!(g[v].data().iter().all(|d| d.abs() > 1e-4), "{:?}", g[v]);
    }
    check_against_finite_differences(&x, &p, &[0, 1, 2, 3], 1e-5, 1e-6);
}
