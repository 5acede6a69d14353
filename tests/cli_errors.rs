//! Every class of bad input: a clear message on stderr that shows the input
//! with a caret under the offending part, nothing on stdout, exit code 2,
//! and never a panic.

mod common;

use common::{fails, points_at, points_at_offset, run};

#[test]
fn syntax_errors() {
    let e = fails("x + * y", &["x=1,y=2"]);
    assert!(
        e.contains("expected a number, a variable, a function call or `(`, found `*`"),
        "{e}"
    );
    points_at(&e, "x + * y", "*");

    let e = fails("2 * (x + 1", &["x=1"]);
    assert!(e.contains("this `(` is never closed"), "{e}");
    points_at(&e, "2 * (x + 1", "(");

    let e = fails("x + 1)", &["x=1"]);
    assert!(
        e.contains("expected an operator or the end of the expression, found `)`"),
        "{e}"
    );
    points_at(&e, "x + 1)", ")");

    let e = fails("x # 2", &["x=1"]);
    assert!(e.contains("unexpected character `#`"), "{e}");
    points_at(&e, "x # 2", "#");

    let e = fails("x * 1.2.3", &["x=1"]);
    assert!(e.contains("`1.2.3` is not a number"), "{e}");
    points_at(&e, "x * 1.2.3", "1.2.3");

    let e = fails("x *", &["x=1"]);
    assert!(e.contains("found the end of the expression"), "{e}");
    points_at_offset(&e, "x *", 3, 1);

    let e = fails("  ", &[]);
    assert!(e.contains("the expression is empty"), "{e}");
}

#[test]
fn unknown_functions_and_misused_names() {
    let e = fails("2 * soft(x)", &["x=1"]);
    assert!(e.contains("unknown function `soft`"), "{e}");
    assert!(e.contains("help: the functions are: sigmoid, relu"), "{e}");
    points_at(&e, "2 * soft(x)", "soft");

    let e = fails("x + sum", &["x=1"]);
    assert!(
        e.contains("`sum` is a function: call it as `sum(...)`"),
        "{e}"
    );
    points_at(&e, "x + sum", "sum");

    let e = fails("1 + tanh(x, 0)", &["x=1"]);
    assert!(
        e.contains("`tanh` takes 1 argument, but 2 were given"),
        "{e}"
    );
    points_at(&e, "1 + tanh(x, 0)", "tanh(x, 0)");
}

#[test]
fn unknown_variables() {
    let e = fails("w * x + b", &["w=1,x=2"]);
    assert!(e.contains("unknown variable `b`"), "{e}");
    assert!(
        e.contains("help: give it a value with `--at b=VALUE`"),
        "{e}"
    );
    points_at(&e, "w * x + b", "b");
}

#[test]
fn shape_mismatches_point_at_the_operator() {
    let m = "m=[[1,2,3],[4,5,6]]";
    let e = fails("sum(m + v)", &[m, "v=[1,2]"]);
    assert!(
        e.contains("shape mismatch: `+` cannot broadcast shapes [2, 3] and [2]"),
        "{e}"
    );
    points_at(&e, "sum(m + v)", "+");

    let e = fails("m * m @ m", &[m]);
    assert!(
        e.contains(
            "`@` cannot multiply [2, 3] by [2, 3]: inner dimensions 3 (columns of the left) and 2 (rows of the right) differ"
        ),
        "{e}"
    );
    points_at(&e, "m * m @ m", "@");

    let e = fails("v @ m", &[m, "v=[1,2]"]);
    assert!(e.contains("the left operand has shape [2]"), "{e}");
    points_at(&e, "v @ m", "@");

    let e = fails("sum(m, 2)", &[m]);
    assert!(
        e.contains("axis 2 is out of range for `sum` of a tensor of shape [2, 3] (rank 2)"),
        "{e}"
    );
    points_at(&e, "sum(m, 2)", "2");

    let e = fails("mean(m, 0.5)", &[m]);
    assert!(
        e.contains("the axis of `mean` must be a constant integer"),
        "{e}"
    );
    points_at(&e, "mean(m, 0.5)", "0.5");

    let e = fails("transpose(v)", &["v=[1,2]"]);
    assert!(
        e.contains("`transpose` needs 2 or more axes, but its argument has shape [2]"),
        "{e}"
    );
    points_at(&e, "transpose(v)", "transpose(v)");

    let e = fails("m ^ (m + 1)", &[m]);
    assert!(
        e.contains("the exponent of `^` must be a constant number"),
        "{e}"
    );
    points_at(&e, "m ^ (m + 1)", "(m + 1)");

    let e = fails("max(v)", &["v=[]"]);
    assert!(
        e.contains("`max` of an empty tensor (shape [0]) has no value"),
        "{e}"
    );
}

#[test]
fn malformed_values_point_into_the_argument() {
    let e = fails("sum(m)", &["m=[[1,2],[3]]"]);
    assert!(e.contains("the value of `m` is ragged: this element has shape [1] but the first one has shape [2]"), "{e}");
    points_at(&e, "m=[[1,2],[3]]", "[3]");

    let e = fails("x", &["x=1.5.2"]);
    assert!(
        e.contains("`1.5.2` is not a number (in the value of `x`)"),
        "{e}"
    );
    points_at(&e, "x=1.5.2", "1.5.2");

    let e = fails("x", &["x=[1,2"]);
    assert!(
        e.contains("in the value of `x`: this `[` is never closed"),
        "{e}"
    );
    points_at(&e, "x=[1,2", "[");

    let e = fails("x", &["x=[1;2]"]);
    assert!(
        e.contains("in the value of `x`: expected `,` or `]`, found `;`"),
        "{e}"
    );
    points_at(&e, "x=[1;2]", ";");

    let e = fails("x", &["x"]);
    assert!(e.contains("expected `NAME=VALUE`, found `x`"), "{e}");

    let e = fails("x", &["x=1", "y=2,x=3"]);
    assert!(e.contains("`x` is given a value twice"), "{e}");
    points_at(&e, "y=2,x=3", "x");

    let e = fails("x", &["exp=1"]);
    assert!(
        e.contains("`exp` is the name of a function and cannot be a variable"),
        "{e}"
    );

    let e = fails("x", &["2x=1"]);
    assert!(e.contains("`2x` is not a valid variable name"), "{e}");
}

#[test]
fn absurd_nesting_is_refused_without_crashing() {
    let deep = format!("{}x{}", "(".repeat(50_000), ")".repeat(50_000));
    let e = fails(&deep, &["x=1"]);
    assert!(e.contains("nested more than 200 levels deep"));
    let long = vec!["x"; 10_000].join("+");
    let e = fails(&long, &["x=1"]);
    assert!(e.contains("nested more than 200 levels deep"));
    let deep_value = format!("x={}1{}", "[".repeat(10_000), "]".repeat(10_000));
    let e = fails("x", &[&deep_value]);
    assert!(e.contains("nested more than 32 levels deep"));
}

#[test]
fn usage_errors_exit_with_2_and_help_says_results_are_summed() {
    let out = run(&["grad"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("<EXPR>"));
    let out = run(&["differentiate", "x"]);
    assert_eq!(out.status.code(), Some(2));
    let out = run(&["grad", "--help"]);
    assert_eq!(out.status.code(), Some(0));
    let help = String::from_utf8(out.stdout).unwrap();
    assert!(help.contains("summed before backward"), "{help}");
    assert!(help.contains("--json"), "{help}");
}
