//! `Trace::from_json` on malformed and crafted input: always a typed
//! error, never a panic; and what it accepts, every export can show.

use std::panic::{catch_unwind, AssertUnwindSafe};

use serde_json::{json, Value};
use tape::trace::TraceError;
use tape::{Tape, Trace};

/// A small good trace as a JSON value: y = (x * w) + x.
fn good() -> Value {
    let tape = Tape::new();
    let x = tape.var(2.0_f64).label("x");
    let w = tape.var(3.0).label("w");
    let s = (x * w).label("s");
    let y = (s + x).label("y");
    serde_json::from_str(&Trace::capture(y).to_json()).unwrap()
}

/// `from_json` on `v`, with a panic turned into a test failure naming `what`.
fn load(v: &Value, what: &str) -> Result<Trace, TraceError> {
    let text = v.to_string();
    catch_unwind(AssertUnwindSafe(|| Trace::from_json(&text)))
        .unwrap_or_else(|_| panic!("from_json panicked on {what}"))
}

/// Asserts that `v` is rejected as inconsistent, with a message containing
/// `needle`.
#[track_caller]
fn inconsistent(v: &Value, what: &str, needle: &str) {
    match load(v, what) {
        Err(e @ TraceError::Inconsistent(_)) => {
            assert!(e.to_string().contains(needle), "{what}: {e}")
        }
        other => panic!("{what}: expected an inconsistency, got {other:?}"),
    }
}

/// Asserts that `v` is rejected as not of the trace's JSON form.
#[track_caller]
fn not_a_trace(v: &Value, what: &str) {
    let got = load(v, what);
    assert!(matches!(got, Err(TraceError::Json(_))), "{what}: {got:?}");
}

#[test]
fn the_good_trace_loads() {
    assert!(load(&good(), "the good trace").is_ok());
}

#[test]
fn a_shape_whose_element_count_overflows_is_an_error() {
    let mut v = good();
    v["nodes"][0]["value"] = json!({"shape": [4294967296_u64, 4294967296_u64], "data": []});
    inconsistent(&v, "shape [2^32, 2^32]", "overflows");
    // The same in a message and in the seed.
    let mut v = good();
    v["messages"][0]["value"] = json!({"shape": [u64::MAX, 2], "data": []});
    inconsistent(&v, "overflowing message shape", "overflows");
    let mut v = good();
    v["seed"] = json!({"shape": [65536, 65536, 65536, 65536], "data": []});
    inconsistent(&v, "overflowing seed shape", "overflows");
}

#[test]
fn data_that_does_not_fit_its_shape_is_an_error() {
    let mut v = good();
    v["nodes"][1]["value"] = json!({"shape": [2, 2], "data": [1.0, 2.0, 3.0]});
    inconsistent(
        &v,
        "3 values for shape [2, 2]",
        "has 3 values but shape [2, 2] needs 4",
    );
    let mut v = good();
    v["nodes"][3]["grad"] = json!({"shape": [], "data": []});
    inconsistent(&v, "an empty scalar gradient", "needs 1");
}

#[test]
fn an_edge_to_a_missing_node_is_an_error() {
    let mut v = good();
    v["nodes"][2]["inputs"] = json!([0, 77]);
    inconsistent(&v, "input #77", "#77");
    // An input that exists but comes later is not an earlier node either.
    let mut v = good();
    v["nodes"][2]["inputs"] = json!([3]);
    inconsistent(&v, "a forward reference", "not an earlier node");
}

#[test]
fn messages_to_or_from_nonexistent_nodes_are_errors() {
    let mut v = good();
    v["messages"][0]["to"] = json!(1000);
    inconsistent(&v, "a message to #1000", "not an edge");
    let mut v = good();
    v["messages"][0]["from"] = json!(1000);
    inconsistent(&v, "a message from #1000", "unknown node #1000");
    let mut v = good();
    v["messages"][0]["input"] = json!(5);
    inconsistent(&v, "a message as input 5", "not an edge");
    let mut v = good();
    v["forward"][0]["node"] = json!(1000);
    inconsistent(&v, "a forward step of #1000", "unknown node #1000");
    let mut v = good();
    v["output"] = json!(1000);
    inconsistent(&v, "output #1000", "output #1000 is not a node");
}

#[test]
fn shape_entries_that_are_not_sizes_are_errors() {
    for (bad, what) in [
        (json!(-1), "a negative size"),
        (json!(1.5), "a fractional size"),
        (json!(2.0), "a float size"),
        (json!("2"), "a string size"),
        (json!(1e30), "a size past usize"),
        (json!(null), "null"),
    ] {
        let mut v = good();
        v["nodes"][0]["value"]["shape"] = json!([bad]);
        not_a_trace(&v, what);
    }
}

#[test]
fn malformed_documents_are_errors() {
    for (v, what) in [
        (json!(null), "null"),
        (json!([]), "an array"),
        (json!({}), "an empty object"),
        (json!({"nodes": 3}), "nodes as a number"),
    ] {
        not_a_trace(&v, what);
    }
    let mut v = good();
    v["nodes"][0]["value"]["data"] = json!(["one"]);
    not_a_trace(&v, "a word as a value");
    let mut v = good();
    v["nodes"][0]["id"] = json!(-3);
    not_a_trace(&v, "a negative id");
    assert!(matches!(
        Trace::from_json("{\"dtype\": \"f64\", \"output\""),
        Err(TraceError::Json(_))
    ));
}

/// A shape with a huge axis but no elements is valid; every export shows it
/// without trying to spell out 2^32 empty rows.
#[test]
fn an_empty_tensor_with_a_huge_axis_loads_and_exports() {
    let mut v = good();
    v["nodes"][0]["value"] = json!({"shape": [4294967296_u64, 0], "data": []});
    let trace = load(&v, "shape [2^32, 0]").expect("an empty tensor is valid");
    let text = trace.to_text();
    assert!(text.contains("[4294967296, 0]"), "{text}");
    assert!(trace.to_dot().contains("[4294967296, 0]"));
    assert!(trace.to_mermaid().contains("[4294967296, 0]"));
    assert!(trace.to_html().len() < 1_000_000);
    assert_eq!(Trace::from_json(&trace.to_json()).unwrap(), trace);
}
