//! The seed worked example: the tape's numbers against closed forms, and
//! docs/worked-example.md against what the example prints.

use nn::seed::worked::{self, BackwardEvent};

fn sigmoid(x: f64) -> f64 {
    1.0 / (1.0 + (-x).exp())
}

fn close(a: &[f64], b: &[f64]) {
    assert_eq!(a.len(), b.len());
    for (x, y) in a.iter().zip(b) {
        assert!(
            (x - y).abs() <= 1e-12 * y.abs().max(1e-300) + 1e-300,
            "{a:?} vs {b:?}"
        );
    }
}

#[test]
fn numbers_match_the_closed_forms() {
    let ex = worked::run();
    let value = |n: &str| {
        ex.forward
            .iter()
            .find(|f| f.name == n)
            .unwrap()
            .value
            .data()
            .to_vec()
    };
    let grad = |n: &str| {
        ex.grads
            .iter()
            .find(|g| g.0 == n)
            .unwrap()
            .1
            .data()
            .to_vec()
    };
    // z1 = x W1 + b1 = [1+4+9+1, 1+4+9+2]
    assert_eq!(value("z1"), [15.0, 16.0]);
    let a1 = [sigmoid(15.0), sigmoid(16.0)];
    close(&value("a1"), &a1);
    let z2 = 4.0 * a1[0] + 5.0 * a1[1] + 6.0;
    close(&value("z2"), &[z2]);
    let a2 = sigmoid(z2);
    close(&[ex.loss], &[(a2 - 0.5).powi(2)]);
    // Chain rule by hand.
    let d_z2 = 2.0 * (a2 - 0.5) * a2 * (1.0 - a2);
    close(&grad("b2"), &[d_z2]);
    close(&grad("w2"), &[d_z2 * a1[0], d_z2 * a1[1]]);
    let d_z1 = [
        d_z2 * 4.0 * a1[0] * (1.0 - a1[0]),
        d_z2 * 5.0 * a1[1] * (1.0 - a1[1]),
    ];
    close(&grad("b1"), &d_z1);
    let x = [1.0, 2.0, 3.0];
    let dw1: Vec<f64> = x
        .iter()
        .flat_map(|xi| [xi * d_z1[0], xi * d_z1[1]])
        .collect();
    close(&grad("w1"), &dw1);
    let updated = ex
        .updated
        .iter()
        .find(|u| u.0 == "w2")
        .unwrap()
        .1
        .data()
        .to_vec();
    close(
        &updated,
        &[4.0 - 0.1 * d_z2 * a1[0], 5.0 - 0.1 * d_z2 * a1[1]],
    );
}

#[test]
fn every_backward_message_is_recorded() {
    let ex = worked::run();
    let messages = ex
        .backward
        .iter()
        .filter(|e| matches!(e, BackwardEvent::Message { .. }))
        .count();
    // mean, powi, sub (to a2 only: y is a constant), sigmoid, add x2, matmul x2,
    // sigmoid, add x2, matmul (to w1 only: x is a constant)
    assert_eq!(messages, 12);
    assert!(matches!(&ex.backward[0], BackwardEvent::Seed { node, .. } if node == "loss"));
}

#[test]
fn the_document_shows_exactly_the_printed_numbers() {
    let doc = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../docs/worked-example.md"
    ))
    .expect("docs/worked-example.md exists");
    let ex = worked::run();
    let mut expected: Vec<String> = ex.render().lines().map(str::to_string).collect();
    expected.extend(
        ex.article_differences()
            .into_iter()
            .map(|d| format!("- {d}")),
    );
    let mut from = 0;
    for line in expected {
        match doc[from..].find(line.as_str()) {
            Some(at) => from += at + line.len(),
            None => panic!("docs/worked-example.md lacks (in order) the printed line:\n{line}"),
        }
    }
}
