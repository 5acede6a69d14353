//! Graphviz DOT and Mermaid exports: their structure checked strictly line
//! by line, and the DOT run through Graphviz's `dot` when it is installed.

use std::collections::{BTreeMap, BTreeSet};
use std::io::Write;
use std::process::{Command, Stdio};

use regex::Regex;
use tape::{Tape, Trace};

/// A small network with a shared node and a label that needs escaping.
fn trace() -> Trace {
    let tape = Tape::new();
    let x = tape.constant([[1.0_f64, -2.0]]).label("x");
    let w = tape.var([[0.5], [0.25]]).label("w");
    let b = tape.var([0.1]).label("say \"hi\" <b> #1 \\ back");
    let z = (x.matmul(w) + b).label("z");
    let t = z.tanh();
    let loss = (t * t + z).sum().label("loss");
    Trace::capture(loss)
}

/// The edges a trace should draw: (input, user, argument).
fn expected_edges(t: &Trace) -> BTreeSet<(usize, usize, usize)> {
    t.nodes
        .iter()
        .flat_map(|n| n.inputs.iter().enumerate().map(move |(i, &p)| (p, n.id, i)))
        .collect()
}

#[test]
fn dot_has_exactly_one_node_per_traced_node_and_one_edge_per_input() {
    let t = trace();
    let dot = t.to_dot();
    let lines: Vec<&str> = dot.lines().collect();
    assert_eq!(lines.first(), Some(&"digraph tape {"));
    assert_eq!(lines.last(), Some(&"}"));
    assert_eq!(lines[1], "  rankdir=LR;");
    assert!(lines[2].starts_with("  node [") && lines[2].ends_with("];"));

    // A DOT string: any character but `"` and `\`, or a backslash escape.
    let node = Regex::new(
        r##"^  n(\d+) \[label="((?:[^"\\]|\\.)*)"(, fillcolor="#[0-9a-f]{6}")?(, peripheries=2)?\];$"##,
    )
    .unwrap();
    let edge = Regex::new(r#"^  n(\d+) -> n(\d+)(?: \[label="(\d+)"\])?;$"#).unwrap();
    let mut labels = BTreeMap::new();
    let mut edges = BTreeSet::new();
    for line in &lines[3..lines.len() - 1] {
        if let Some(c) = node.captures(line) {
            let id: usize = c[1].parse().unwrap();
            assert!(
                labels.insert(id, c[2].to_string()).is_none(),
                "n{id} declared twice"
            );
            assert_eq!(
                c.get(4).is_some(),
                id == t.output,
                "only the output has a double border"
            );
        } else if let Some(c) = edge.captures(line) {
            let (from, to): (usize, usize) = (c[1].parse().unwrap(), c[2].parse().unwrap());
            assert!(
                labels.contains_key(&from) && labels.contains_key(&to),
                "edge before its nodes: {line}"
            );
            let users_inputs = &t.node(to).unwrap().inputs;
            let arg = match c.get(3) {
                Some(a) => a.as_str().parse().unwrap(),
                None => {
                    assert_eq!(
                        users_inputs.len(),
                        1,
                        "an edge into a multi-input op needs its argument"
                    );
                    0
                }
            };
            assert!(edges.insert((from, to, arg)), "duplicate edge {line}");
        } else {
            panic!("not a node or an edge line: {line}");
        }
    }
    assert_eq!(
        labels.keys().copied().collect::<Vec<_>>(),
        t.nodes.iter().map(|n| n.id).collect::<Vec<_>>()
    );
    assert_eq!(edges, expected_edges(&t));

    // Values and gradients are on the nodes: w = [[0.5], [0.25]] and
    // d loss / d w = x^T (2 t t' + 1), with t' = 1 - tanh^2.
    let w = t
        .nodes
        .iter()
        .find(|n| n.label.as_deref() == Some("w"))
        .unwrap();
    let zv = 1.0 * 0.5 + -2.0 * 0.25 + 0.1;
    let th = f64::tanh(zv);
    let dz = 2.0 * th * (1.0 - th * th) + 1.0;
    let gw = w.grad.as_ref().unwrap();
    assert!((gw.data[0] - dz).abs() < 1e-12 && (gw.data[1] + 2.0 * dz).abs() < 1e-12);
    let wl = &labels[&w.id];
    assert!(
        wl.starts_with("w = variable\\n[2, 1]\\nvalue [[0.5], [0.25]]\\ngrad [["),
        "{wl}"
    );
    // The awkward label is escaped, not cut short.
    let b = t
        .nodes
        .iter()
        .find(|n| n.label.as_deref().is_some_and(|l| l.starts_with("say")))
        .unwrap();
    assert!(
        labels[&b.id].starts_with(r#"say \"hi\" <b> #1 \\ back = variable\n"#),
        "{}",
        labels[&b.id]
    );
}

#[test]
fn graphviz_accepts_the_dot() {
    let dot = trace().to_dot();
    let child = Command::new("dot")
        .arg("-Tsvg")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn();
    let Ok(mut child) = child else {
        let _ = writeln!(
            std::io::stderr(),
            "SKIPPED graphviz check: `dot` is not installed (apt-get install graphviz); \
             the structural DOT test still ran"
        );
        return;
    };
    child
        .stdin
        .take()
        .unwrap()
        .write_all(dot.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success() && stderr.trim().is_empty(),
        "dot rejected the graph: {stderr}"
    );
    let svg = String::from_utf8(out.stdout).unwrap();
    let t = trace();
    for n in &t.nodes {
        assert!(
            svg.contains(&format!("<title>n{}</title>", n.id)),
            "node n{} not drawn",
            n.id
        );
    }
    for (from, to, _) in expected_edges(&t) {
        assert!(
            svg.contains(&format!("<title>n{from}&#45;&gt;n{to}</title>")),
            "edge n{from}->n{to} not drawn"
        );
    }
    assert!(svg.contains("say &quot;hi&quot; &lt;b&gt; #1 \\ back = variable"));
}

#[test]
fn mermaid_is_a_well_formed_flowchart() {
    let t = trace();
    let m = t.to_mermaid();
    let mut lines = m.lines();
    assert_eq!(lines.next(), Some("flowchart LR"));
    // Inside a label: no raw quote, and every `#` starts an entity code.
    let node = Regex::new(r#"^  n(\d+)\["([^"]*)"\]$"#).unwrap();
    let entity = Regex::new(r"#(\d+|quot|lt|gt);").unwrap();
    let edge = Regex::new(r"^  n(\d+) --> n(\d+)$").unwrap();
    let class_def = Regex::new(
        r"^  classDef (variable|constant|output) [a-z-]+:[#0-9a-z]+(,[a-z-]+:[#0-9a-z]+)*$",
    )
    .unwrap();
    let class = Regex::new(r"^  class (n\d+(?:,n\d+)*) (variable|constant|output)$").unwrap();
    let mut labels = BTreeMap::new();
    let mut edges = Vec::new();
    let mut classes = BTreeMap::new();
    for line in lines {
        if let Some(c) = node.captures(line) {
            let text = c[2].to_string();
            assert_eq!(
                entity.replace_all(&text, "").matches('#').count(),
                0,
                "raw # in {text}"
            );
            assert!(
                !text.contains('<') || text.replace("<br/>", "").find('<').is_none(),
                "raw < in {text}"
            );
            labels.insert(c[1].parse::<usize>().unwrap(), text);
        } else if let Some(c) = edge.captures(line) {
            edges.push((
                c[1].parse::<usize>().unwrap(),
                c[2].parse::<usize>().unwrap(),
            ));
        } else if class_def.is_match(line) {
        } else if let Some(c) = class.captures(line) {
            for id in c[1].split(',') {
                let id: usize = id[1..].parse().unwrap();
                assert!(
                    labels.contains_key(&id),
                    "class for an undeclared node n{id}"
                );
                classes
                    .entry(c[2].to_string())
                    .or_insert_with(Vec::new)
                    .push(id);
            }
        } else {
            panic!("not a Mermaid flowchart line: {line}");
        }
    }
    assert_eq!(labels.len(), t.nodes.len());
    let want: Vec<(usize, usize)> = t
        .nodes
        .iter()
        .flat_map(|n| n.inputs.iter().map(move |&p| (p, n.id)))
        .collect();
    assert_eq!(edges, want);
    let of = |op: &str| {
        t.nodes
            .iter()
            .filter(|n| n.op == op)
            .map(|n| n.id)
            .collect::<Vec<_>>()
    };
    assert_eq!(classes["variable"], of("variable"));
    assert_eq!(classes["constant"], of("constant"));
    assert_eq!(classes["output"], vec![t.output]);
    let z = t
        .nodes
        .iter()
        .find(|n| n.label.as_deref() == Some("z"))
        .unwrap();
    assert!(
        labels[&z.id].starts_with("z = add<br/>[1, 1]<br/>value [[0.1]]<br/>grad [["),
        "{}",
        labels[&z.id]
    );
    let b = t
        .nodes
        .iter()
        .find(|n| n.label.as_deref().is_some_and(|l| l.starts_with("say")))
        .unwrap();
    assert!(labels[&b.id].starts_with("say #quot;hi#quot; #lt;b#gt; #35;1 \\ back = variable<br/>"));
    // Unlabelled nodes are named by id, with the # escaped.
    let t_node = t.nodes.iter().find(|n| n.op == "tanh").unwrap();
    assert!(labels[&t_node.id].starts_with(&format!("#35;{} tanh<br/>", t_node.id)));
}
