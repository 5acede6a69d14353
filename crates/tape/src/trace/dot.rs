//! Graphviz DOT export.

use std::fmt::Write;

use super::format::{shape, tensor};
use super::{Trace, TraceNode};

/// How many values a node shows before `…` in the exported graphs.
const SHOWN: usize = 4;

/// The text lines describing a node in a drawn graph: name and op, shape,
/// value, and gradient when there is one.
pub(super) fn node_lines(node: &TraceNode) -> Vec<String> {
    let head = match &node.label {
        Some(l) => format!("{l} = {}", node.op),
        None => format!("#{} {}", node.id, node.op),
    };
    let mut lines = vec![
        head,
        shape(&node.value.shape),
        format!("value {}", tensor(&node.value, SHOWN)),
    ];
    if let Some(g) = &node.grad {
        lines.push(format!("grad {}", tensor(g, SHOWN)));
    }
    lines
}

/// Escapes text for a double-quoted DOT string.
fn escape(s: &str) -> String {
    s.replace('\\', "\\\\").replace('"', "\\\"")
}

impl Trace {
    /// The graph in Graphviz DOT: one node per traced node (`n<id>`) showing
    /// its name, op, shape, value and gradient; one edge per input, from
    /// the input to the op that reads it (labelled with the argument number
    /// when the op has several). Variables are blue, constants grey, and the
    /// output is drawn with a double border.
    ///
    /// ```
    /// use tape::{Tape, Trace};
    /// let tape = Tape::new();
    /// let x = tape.var(3.0_f64).label("x");
    /// let dot = Trace::capture((x * x).label("y")).to_dot();
    /// assert!(dot.starts_with("digraph tape {"));
    /// assert!(dot.contains("n0 -> n1 [label=\"0\"];"));
    /// ```
    pub fn to_dot(&self) -> String {
        let mut out = String::new();
        let w = &mut out;
        let _ = writeln!(w, "digraph tape {{");
        let _ = writeln!(w, "  rankdir=LR;");
        let _ = writeln!(w, "  node [shape=box, style=\"rounded,filled\", fillcolor=white, fontname=\"Helvetica\"];");
        for n in &self.nodes {
            let label: Vec<String> = node_lines(n).iter().map(|l| escape(l)).collect();
            let style = match n.op.as_str() {
                "variable" => ", fillcolor=\"#dbeafe\"",
                "constant" => ", fillcolor=\"#eeeeee\"",
                _ => "",
            };
            let peripheries = if n.id == self.output {
                ", peripheries=2"
            } else {
                ""
            };
            let _ = writeln!(
                w,
                "  n{} [label=\"{}\"{style}{peripheries}];",
                n.id,
                label.join("\\n")
            );
        }
        for n in &self.nodes {
            for (i, &p) in n.inputs.iter().enumerate() {
                if n.inputs.len() > 1 {
                    let _ = writeln!(w, "  n{p} -> n{} [label=\"{i}\"];", n.id);
                } else {
                    let _ = writeln!(w, "  n{p} -> n{};", n.id);
                }
            }
        }
        let _ = writeln!(w, "}}");
        out
    }
}
