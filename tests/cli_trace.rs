//! `tapegrad trace`: the terminal listing and the exported files.

use std::path::Path;
mod common;

use common::run;
use serde_json::Value;

fn path_str(p: &Path) -> &str {
    p.to_str().unwrap()
}

/// The JSON trace's node names (label, else `#id`) by id.
fn name_of(trace: &Value, id: u64) -> String {
    let node = trace["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|n| n["id"] == id)
        .unwrap();
    match node["label"].as_str() {
        Some(l) => l.to_string(),
        None => format!("#{id}"),
    }
}

#[test]
fn the_neuron_trace_lists_every_message_and_writes_every_file() {
    let dir = tempfile::tempdir().unwrap();
    let file = |name: &str| dir.path().join(name);
    let (html, dot, mermaid, json) = (file("t.html"), file("t.dot"), file("t.mmd"), file("t.json"));
    let out = run(&[
        "trace",
        "sigmoid(w * x + b)",
        "--at",
        "w=0.5,x=2,b=-1",
        "--html",
        path_str(&html),
        "--dot",
        path_str(&dot),
        "--mermaid",
        path_str(&mermaid),
        "--json",
        path_str(&json),
    ]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    let text = String::from_utf8(out.stdout).unwrap();

    let trace: Value = serde_json::from_str(&std::fs::read_to_string(&json).unwrap()).unwrap();
    // The messages of y = sigmoid(z), z = w*x + b at w = 0.5, x = 2, b = -1:
    // sigmoid'(0) = 0.25 flows to z, then to w*x and b, then 0.25*x to w
    // and 0.25*w to x.
    let expected = [
        ("sigmoid(w * x + b)", "w * x + b", "sigmoid", 0.25),
        ("w * x + b", "w * x", "add", 0.25),
        ("w * x + b", "b", "add", 0.25),
        ("w * x", "w", "mul", 0.5),
        ("w * x", "x", "mul", 0.125),
    ];
    let messages = trace["messages"].as_array().unwrap();
    assert_eq!(messages.len(), expected.len());
    for (m, (from, to, op, value)) in messages.iter().zip(expected) {
        let from_name = name_of(&trace, m["from"].as_u64().unwrap());
        let to_name = name_of(&trace, m["to"].as_u64().unwrap());
        assert_eq!((from_name.as_str(), to_name.as_str()), (from, to));
        assert_eq!(m["op"], op);
        assert_eq!(m["value"]["data"][0].as_f64(), Some(value));
        // The terminal shows the same message: both ends, the op, the value.
        let shown = text.lines().any(|l| {
            l.contains(&format!("{from} --{op}--> {to} "))
                && l.contains(&format!("message {value}"))
        });
        assert!(shown, "message {from} -> {to} not in:\n{text}");
    }
    // The forward steps, each node with its value.
    for step in [
        "w = variable",
        "x = variable",
        "b = variable",
        "w * x = mul(w, x)",
    ] {
        assert!(text.contains(step), "{step} not in:\n{text}");
    }
    for (what, path) in [
        ("HTML", &html),
        ("DOT", &dot),
        ("Mermaid", &mermaid),
        ("JSON", &json),
    ] {
        assert!(
            text.contains(&format!("to {}", path.display())),
            "{what}: {text}"
        );
    }
    let read = |p: &Path| std::fs::read_to_string(p).unwrap();
    assert!(read(&dot).starts_with("digraph"));
    assert!(read(&dot).contains("w * x"));
    assert!(read(&mermaid).starts_with("flowchart"));
    assert!(read(&html).to_lowercase().contains("<html"));
    // Nothing else (no temporary files) is left in the directory.
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 4);
}

#[test]
fn a_tensor_result_is_traced_from_its_labelled_sum() {
    let dir = tempfile::tempdir().unwrap();
    let json = dir.path().join("trace.json");
    let out = run(&[
        "trace",
        "x @ w + b",
        "--at",
        "x=[[1,2]]",
        "--at",
        "w=[[1,0],[0,1]]",
        "--at",
        "b=[1,1]",
        "--json",
        path_str(&json),
    ]);
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("backward starts from its sum"), "{text}");
    let trace: Value = serde_json::from_str(&std::fs::read_to_string(&json).unwrap()).unwrap();
    let output = trace["output"].as_u64().unwrap();
    assert_eq!(name_of(&trace, output), "sum(x @ w + b)");
    let labels: Vec<String> = trace["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|n| n["op"] == "variable")
        .map(|n| n["label"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(labels, ["x", "w", "b"]);
    // d sum(x @ w + b) / d w = xᵀ @ ones = [[1, 1], [2, 2]].
    let w = trace["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|n| n["label"] == "w")
        .unwrap();
    let grad: Vec<f64> = w["grad"]["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_f64().unwrap())
        .collect();
    assert_eq!(grad, [1.0, 1.0, 2.0, 2.0]);
}

#[test]
fn an_existing_file_is_replaced_whole() {
    let dir = tempfile::tempdir().unwrap();
    let dot = dir.path().join("graph.dot");
    std::fs::write(&dot, "x".repeat(100_000)).unwrap();
    let out = run(&["trace", "x * x", "--at", "x=3", "--dot", path_str(&dot)]);
    assert!(out.status.success());
    let written = std::fs::read_to_string(&dot).unwrap();
    assert!(written.starts_with("digraph") && !written.contains("xxxx"));
}

#[test]
fn an_unwritable_path_is_an_error_naming_it() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("no-such-dir").join("t.html");
    let out = run(&["trace", "x", "--at", "x=1", "--html", path_str(&missing)]);
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains(&format!("cannot write `{}`", missing.display())),
        "{stderr}"
    );
    assert!(!stderr.contains("panicked"), "{stderr}");
    // A directory given as the file.
    let out = run(&["trace", "x", "--at", "x=1", "--json", path_str(dir.path())]);
    assert_eq!(out.status.code(), Some(1));
    assert!(dir.path().is_dir());
}

#[test]
fn bad_input_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let dot = dir.path().join("t.dot");
    let out = run(&["trace", "x @ x", "--at", "x=[1,2]", "--dot", path_str(&dot)]);
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("`@` needs matrices"), "{stderr}");
    assert!(stderr.contains("   | x @ x\n   |   ^"), "{stderr}");
    assert!(!dot.exists());
}
