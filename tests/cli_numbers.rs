//! Numbers must be finite: a literal too large for `f64` (`1e999`), in an
//! `--at` value or in the expression, is an error with a caret under it,
//! not a silent infinity. Large finite and tiny numbers still work.

mod common;

use common::{fails, grad, points_at};
use serde_json::Value;

/// The value of `grad EXPR --at .. --json` as one number.
fn value(expr: &str, at: &[&str]) -> f64 {
    let out = grad(expr, at);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{expr} {at:?}: {stderr}");
    let json: Value = serde_json::from_slice(&out.stdout).unwrap();
    json["value"]["data"][0].as_f64().expect("a finite value")
}

#[test]
fn an_overflowing_at_value_is_an_error_at_the_number() {
    let e = fails("x * 2", &["x=1e999"]);
    assert!(e.contains("`1e999` is too large to be a number"), "{e}");
    assert!(e.contains("in the value of `x`"), "{e}");
    points_at(&e, "x=1e999", "1e999");

    let e = fails("x * 2", &["x=-1e999"]);
    assert!(e.contains("`-1e999` is too large"), "{e}");
    points_at(&e, "x=-1e999", "-1e999");

    let e = fails("sum(v)", &["v=[1, 2e400, 3]"]);
    assert!(e.contains("`2e400` is too large"), "{e}");
    points_at(&e, "v=[1, 2e400, 3]", "2e400");

    // In the second of several assignments in one argument.
    let e = fails("x * w", &["x=1,w=1.5E+309"]);
    assert!(e.contains("in the value of `w`"), "{e}");
    points_at(&e, "x=1,w=1.5E+309", "1.5E+309");
}

#[test]
fn an_overflowing_literal_in_the_expression_is_an_error_at_the_number() {
    let e = fails("x * 1e999", &["x=1"]);
    assert!(e.contains("`1e999` is too large to be a number"), "{e}");
    points_at(&e, "x * 1e999", "1e999");

    let e = fails("x ^ 400000e305", &["x=1"]);
    points_at(&e, "x ^ 400000e305", "400000e305");

    let e = fails("exp(x) + .5e309", &["x=0"]);
    points_at(&e, "exp(x) + .5e309", ".5e309");
}

#[test]
fn large_finite_and_tiny_numbers_are_still_accepted() {
    // The largest f64 is about 1.797e308.
    assert_eq!(value("x * 1", &["x=1.7e308"]), 1.7e308);
    assert_eq!(value("x * 1.7e308", &["x=1"]), 1.7e308);
    // Underflow gives a finite number (0), which is fine.
    assert_eq!(value("x + 1e-400", &["x=2"]), 2.0);
    assert_eq!(value("x * 1", &["x=-1e-400"]), 0.0);
}
