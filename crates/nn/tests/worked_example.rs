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

/// `n / 10^scale` written out exactly in decimal (`395005, 5` is `3.95005`).
fn decimal(n: i64, scale: u32) -> String {
    let unit = 10_i64.pow(scale);
    let sign = if n < 0 { "-" } else { "" };
    let (whole, frac) = (n.abs() / unit, n.abs() % unit);
    let frac = format!("{frac:0width$}", width = scale as usize);
    let frac = frac.trim_end_matches('0');
    if frac.is_empty() {
        format!("{sign}{whole}")
    } else {
        format!("{sign}{whole}.{frac}")
    }
}

/// `[a, b]` of exact decimals, or `a` for one value.
fn decimals(values: &[i64], scale: u32) -> String {
    let parts: Vec<String> = values.iter().map(|&v| decimal(v, scale)).collect();
    match parts.as_slice() {
        [one] => one.clone(),
        _ => format!("[{}]", parts.join(", ")),
    }
}

/// The article's updates redone on its own terms, checked in exact integer
/// arithmetic: in units of 1e-5, `p - 0.1 * step` is `p * 100000 -
/// step * 10000` (its steps have four decimals).
#[test]
fn the_article_updates_on_their_own_terms() {
    let ex = worked::run();
    let findings = ex.article_differences();
    let doc = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../docs/worked-example.md"
    ))
    .unwrap();
    let updates = worked::article_updates();
    assert_eq!(
        updates.iter().map(|u| u.name).collect::<Vec<_>>(),
        ["W2", "b2", "W1", "b1"]
    );
    for u in &updates {
        let before: Vec<i64> = u.before.iter().map(|&p| (p * 1e5).round() as i64).collect();
        let step = |i: usize| (u.step[i % u.step.len()] * 1e4).round() as i64;
        let exact: Vec<i64> = (0..before.len()).map(|i| before[i] - step(i)).collect();
        // The computed values agree with exact arithmetic...
        for (got, want) in u.own_terms().iter().zip(&exact) {
            assert!(
                (got - *want as f64 / 1e5).abs() < 1e-12,
                "{}: {got}",
                u.name
            );
        }
        // ...differ from what the article prints by about 0.9 * step...
        for (i, (own, printed)) in u.own_terms().iter().zip(&u.printed).enumerate() {
            assert!(own - printed > 0.4, "{}: {own} vs {printed}", u.name);
            // ...because the printed result is p - step (to the article's rounding).
            let no_lr = (before[i] - 10 * step(i)) as f64 / 1e5;
            // (The article rounds 3.5005 up to 3.501: half a unit of its last digit.)
            assert!(
                (printed - no_lr).abs() <= 5e-4 + 1e-12,
                "{}: {printed}",
                u.name
            );
        }
        // The finding and the document quote the exact values.
        let quoted = decimals(&exact, 5);
        let prefix = format!("{}: ", u.name);
        let finding = findings
            .iter()
            .find(|f| f.starts_with(&prefix))
            .unwrap_or_else(|| panic!("no finding for {}", u.name));
        assert!(finding.contains(&format!("is {quoted}, not ")), "{finding}");
        assert!(
            doc.contains(&format!("- {prefix}")) && doc.contains(&quoted),
            "{quoted}"
        );
    }
    // W2's first weight, as the reviewer put it: 4 - 0.1 * 0.4995 = 3.95005.
    assert!(findings
        .iter()
        .any(|f| f.contains("[3.95005, 4.95005], not [3.501, 4.501]")));
}

/// The article's delta1 drops W2 and uses sigma for sigma'; its own product
/// 0.9999 * 0.4995 is 0.49945005 (exactly: 9999 * 4995 = 49945005e-8).
#[test]
fn the_delta1_finding_names_both_errors_and_the_true_values() {
    let ex = worked::run();
    let finding = ex
        .article_differences()
        .into_iter()
        .find(|f| f.starts_with("delta1 = "))
        .expect("a finding about delta1");
    assert!(finding.contains("leaves out the W2 factor"), "{finding}");
    assert!(
        finding.contains("delta1_j = delta2 * W2_j * sigma'(z1_j)"),
        "{finding}"
    );
    assert!(finding.contains(&decimal(9999 * 4995, 8)), "{finding}");
    let a1 = [sigmoid(15.0), sigmoid(16.0)];
    let derivative = a1.map(|a| nn::seed::fmt_num(a * (1.0 - a)));
    assert!(
        finding.contains(&format!("[{}, {}]", derivative[0], derivative[1])),
        "{finding}"
    );
    let a2 = sigmoid(4.0 * a1[0] + 5.0 * a1[1] + 6.0);
    let d_z2 = 2.0 * (a2 - 0.5) * a2 * (1.0 - a2);
    let delta1 = [0, 1].map(|j| nn::seed::fmt_num(d_z2 * [4.0, 5.0][j] * a1[j] * (1.0 - a1[j])));
    assert!(
        finding.ends_with(&format!("= [{}, {}].", delta1[0], delta1[1])),
        "{finding}"
    );
}
