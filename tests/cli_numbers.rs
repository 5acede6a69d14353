//! Numbers must be finite: a literal too large for `f64` (`1e999`), in an
//! `--at` value or in the expression, is an error with a caret under it,
//! not a silent infinity. Large finite and tiny numbers still work.

use std::process::{Command, Output};

use serde_json::Value;

fn grad(expr: &str, at: &[&str]) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_tapegrad"));
    cmd.args(["grad", expr, "--json"]);
    for a in at {
        cmd.args(["--at", a]);
    }
    cmd.output().unwrap()
}

/// Runs `grad`, checks it failed cleanly (exit 2, empty stdout, no panic)
/// and returns stderr.
fn fails(expr: &str, at: &[&str]) -> String {
    let out = grad(expr, at);
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert_eq!(out.status.code(), Some(2), "{expr} {at:?}: {stderr}");
    assert!(out.stdout.is_empty(), "{expr} {at:?}: stdout not empty");
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert!(stderr.starts_with("error: "), "{stderr}");
    stderr
}

/// Checks that `stderr` shows `input` with carets exactly under `target`
/// and names its column.
#[track_caller]
fn points_at(stderr: &str, input: &str, target: &str) {
    let start = input.find(target).expect("target in input");
    let lines: Vec<&str> = stderr.lines().collect();
    let shown = format!("   | {input}");
    let i = lines
        .iter()
        .position(|l| *l == shown)
        .unwrap_or_else(|| panic!("input not shown:\n{stderr}"));
    let column = input[..start].chars().count();
    let caret = format!("   | {}{}", " ".repeat(column), "^".repeat(target.len()));
    assert_eq!(lines[i + 1], caret, "\n{stderr}");
    assert!(
        stderr.contains(&format!("column {}", column + 1)),
        "{stderr}"
    );
}

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
