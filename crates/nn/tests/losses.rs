//! Each loss against known values, and its gradient against central finite
//! differences of the loss itself.

use nn::loss::{bce_with_logits, mse, softmax_cross_entropy, softplus, Reduction};
use tape::{Tape, Tensor, Var};

/// Compares the tape's gradient of `f` at `x0` with central differences.
fn check_gradient(x0: &[f64], shape: &[usize], f: impl for<'t> Fn(Var<'t, f64>) -> Var<'t, f64>) {
    let value = |x: &[f64]| {
        let tape = Tape::new();
        f(tape.constant(Tensor::from_vec(x.to_vec(), shape.to_vec()))).item()
    };
    let tape = Tape::new();
    let x = tape.var(Tensor::from_vec(x0.to_vec(), shape.to_vec()));
    let g = f(x).backward();
    let h = 1e-6;
    for i in 0..x0.len() {
        let (mut up, mut down) = (x0.to_vec(), x0.to_vec());
        up[i] += h;
        down[i] -= h;
        let numeric = (value(&up) - value(&down)) / (2.0 * h);
        let analytic = g[x].data()[i];
        assert!(
            (numeric - analytic).abs() < 1e-7 * (1.0 + numeric.abs()),
            "element {i}: tape {analytic}, finite differences {numeric}"
        );
    }
}

const P: [f64; 6] = [0.3, -1.2, 2.5, 0.0, 1.7, -0.4];
const T: [f64; 6] = [0.0, 1.0, 1.0, 0.0, 1.0, 0.0];

fn t(v: &[f64]) -> Tensor<f64> {
    Tensor::from_vec(v.to_vec(), [2, 3])
}

#[test]
fn mse_known_values() {
    let tape = Tape::new();
    let p = tape.constant(t(&P));
    let y = tape.constant(t(&T));
    let sq: f64 = P.iter().zip(T).map(|(p, t)| (p - t).powi(2)).sum();
    assert!((mse(p, y, Reduction::Sum).item() - sq).abs() < 1e-14);
    assert!((mse(p, y, Reduction::Mean).item() - sq / 6.0).abs() < 1e-14);
    // 0.09 + 4.84 + 2.25 + 0 + 0.49 + 0.16 = 7.83
    assert!((sq - 7.83).abs() < 1e-12);
}

#[test]
fn mse_gradients_match_finite_differences() {
    for r in [Reduction::Mean, Reduction::Sum] {
        check_gradient(&P, &[2, 3], |p| mse(p, p.tape().constant(t(&T)), r));
    }
}

#[test]
fn bce_with_logits_matches_the_textbook_formula() {
    let tape = Tape::new();
    let z = tape.constant(t(&P));
    let y = tape.constant(t(&T));
    let s = |z: f64| 1.0 / (1.0 + (-z).exp());
    let naive: f64 = P
        .iter()
        .zip(T)
        .map(|(&z, y)| -(y * s(z).ln() + (1.0 - y) * (1.0 - s(z)).ln()))
        .sum();
    assert!((bce_with_logits(z, y, Reduction::Sum).item() - naive).abs() < 1e-13);
    assert!((bce_with_logits(z, y, Reduction::Mean).item() - naive / 6.0).abs() < 1e-13);
}

#[test]
fn bce_with_logits_is_stable_for_huge_logits() {
    let tape = Tape::new();
    let z = tape.var([[-800.0_f64, 800.0, -800.0, 800.0]]);
    let y = tape.constant([[0.0, 1.0, 1.0, 0.0]]);
    let l = bce_with_logits(z, y, Reduction::Sum);
    // Right answers cost nothing; confidently wrong ones cost |z| each.
    assert_eq!(l.item(), 1600.0);
    assert_eq!(l.backward()[z].data(), &[0.0, 0.0, -1.0, 1.0]); // sigmoid(z) - y
    let sp = softplus(tape.constant([-800.0_f64, 0.0, 800.0]));
    assert_eq!(sp.value().data(), &[0.0, 2f64.ln(), 800.0]);
}

#[test]
fn bce_with_logits_gradients_match_finite_differences() {
    for r in [Reduction::Mean, Reduction::Sum] {
        check_gradient(&P, &[2, 3], |z| {
            bce_with_logits(z, z.tape().constant(t(&T)), r)
        });
    }
}

#[test]
fn softmax_cross_entropy_known_values() {
    let tape = Tape::new();
    let z = tape.constant(t(&P));
    let targets = [2, 0];
    let rows: [[f64; 3]; 2] = [[0.3, -1.2, 2.5], [0.0, 1.7, -0.4]];
    let expected: f64 = rows
        .iter()
        .zip(targets)
        .map(|(r, k)| r.iter().map(|x| x.exp()).sum::<f64>().ln() - r[k])
        .sum();
    let l = softmax_cross_entropy(z, &targets, Reduction::Sum);
    assert!((l.item() - expected).abs() < 1e-14);
    let l = softmax_cross_entropy(z, &targets, Reduction::Mean);
    assert!((l.item() - expected / 2.0).abs() < 1e-14);
    // Uniform logits over 3 classes: ln 3 whatever the target.
    let u = softmax_cross_entropy(tape.constant([[5.0_f64, 5.0, 5.0]]), &[1], Reduction::Mean);
    assert!((u.item() - 3f64.ln()).abs() < 1e-15);
}

#[test]
fn softmax_cross_entropy_gradients_match_finite_differences() {
    for r in [Reduction::Mean, Reduction::Sum] {
        check_gradient(&P, &[2, 3], |z| softmax_cross_entropy(z, &[1, 2], r));
    }
}

#[test]
#[should_panic(expected = "softmax_cross_entropy: target 3 (row 0) is not a class index below 3")]
fn softmax_cross_entropy_rejects_a_bad_class() {
    let tape = Tape::new();
    softmax_cross_entropy(tape.constant(t(&P)), &[3, 0], Reduction::Mean);
}

#[test]
#[should_panic(expected = "mse: predictions have shape")]
fn mse_rejects_mismatched_shapes() {
    let tape = Tape::new();
    mse(
        tape.constant(t(&P)),
        tape.constant([1.0, 2.0]),
        Reduction::Mean,
    );
}
