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

/// Records the network and its loss.
fn loss<'t>(tape: &'t Tape<f64>, p: &[Var<'t, f64>; 4]) -> Var<'t, f64> {
    let x = tape.constant(Tensor::from_slice(&X, [1, 3])).label("x");
    let y = tape.constant(Tensor::from_slice(&[Y], [1, 1])).label("y");
    let a1 = (x.matmul(p[0]) + p[1]).sigmoid().label("a1");
    let a2 = (a1.matmul(p[2]) + p[3]).sigmoid().label("a2");
    (a2 - y).square().mean().label("loss")
}

fn loss_value(p: [Tensor<f64>; 4]) -> f64 {
    let tape = Tape::new();
    let vars = p.map(|t| tape.constant(t));
    loss(&tape, &vars).item()
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

#[test]
fn gradients_match_central_finite_differences() {
    let tape = Tape::new();
    let p = params().map(|t| tape.var(t));
    let g = loss(&tape, &p).backward();
    let h = 1e-5;
    for (k, var) in p.iter().enumerate() {
        for i in 0..var.value().numel() {
            let bumped = |delta: f64| {
                let mut q = params();
                q[k].data_mut()[i] += delta;
                loss_value(q)
            };
            let numeric = (bumped(h) - bumped(-h)) / (2.0 * h);
            let analytic = g[*var].data()[i];
            assert!(
                (numeric - analytic).abs() <= 1e-9 + 1e-4 * analytic.abs(),
                "param {k} element {i}: analytic {analytic:e}, numeric {numeric:e}"
            );
        }
    }
}
