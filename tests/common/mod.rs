//! Helpers shared by the CLI tests: run the built binary, and check that a
//! bad input failed cleanly with a caret under the offending part.
#![allow(dead_code)]

use std::process::{Command, Output};

/// Runs `tapegrad ARGS`.
pub fn run(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_tapegrad"))
        .args(args)
        .output()
        .unwrap()
}

/// Runs `tapegrad grad EXPR --json --at ..`.
pub fn grad(expr: &str, at: &[&str]) -> Output {
    let mut args = vec!["grad", expr, "--json"];
    for a in at {
        args.extend(["--at", a]);
    }
    run(&args)
}

/// Runs `grad` (as JSON, so stdout must stay empty) and checks that it
/// failed cleanly: exit code 2, nothing on stdout, no panic, an `error:`
/// line. Returns stderr.
#[track_caller]
pub fn fails(expr: &str, at: &[&str]) -> String {
    let out = grad(expr, at);
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert_eq!(out.status.code(), Some(2), "{expr} {at:?}: {stderr}");
    assert!(out.stdout.is_empty(), "{expr} {at:?}: stdout not empty");
    assert!(!stderr.contains("panicked"), "{expr} {at:?}: {stderr}");
    assert!(stderr.starts_with("error: "), "{expr} {at:?}: {stderr}");
    stderr
}

/// Checks that `stderr` shows `input` and puts carets exactly under the
/// first occurrence of `target` in it, naming its column.
#[track_caller]
pub fn points_at(stderr: &str, input: &str, target: &str) {
    let start = input.find(target).expect("target in input");
    points_at_offset(stderr, input, start, target.chars().count());
}

/// Like [`points_at`], for a span given by its byte offset and width.
#[track_caller]
pub fn points_at_offset(stderr: &str, input: &str, start: usize, width: usize) {
    let lines: Vec<&str> = stderr.lines().collect();
    let shown = format!("   | {input}");
    let i = lines
        .iter()
        .position(|l| *l == shown)
        .unwrap_or_else(|| panic!("input not shown:\n{stderr}"));
    let column = input[..start].chars().count();
    let caret = format!("   | {}{}", " ".repeat(column), "^".repeat(width));
    assert_eq!(lines[i + 1], caret, "\n{stderr}");
    assert!(
        stderr.contains(&format!("column {}", column + 1)),
        "{stderr}"
    );
}
