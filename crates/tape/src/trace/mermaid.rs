//! Mermaid flowchart export.

use std::fmt::Write;

use super::dot::node_lines;
use super::Trace;

/// Escapes text for a quoted Mermaid label, using Mermaid's `#code;`
/// entities (so `#3`, quotes and angle brackets are shown literally).
fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '#' => out.push_str("#35;"),
            '"' => out.push_str("#quot;"),
            '<' => out.push_str("#lt;"),
            '>' => out.push_str("#gt;"),
            c => out.push(c),
        }
    }
    out
}

impl Trace {
    /// The graph as a Mermaid flowchart (left to right): one node per traced
    /// node (`n<id>`) with its name, op, shape, value and gradient, one
    /// edge per input, and classes `variable`, `constant` and `output` for
    /// styling. Paste it into a Markdown ```` ```mermaid ```` block.
    ///
    /// ```
    /// use tape::{Tape, Trace};
    /// let tape = Tape::new();
    /// let x = tape.var(3.0_f64).label("x");
    /// let m = Trace::capture((x * x).label("y")).to_mermaid();
    /// assert!(m.starts_with("flowchart LR\n"));
    /// assert!(m.contains("  n0 --> n1\n"));
    /// ```
    pub fn to_mermaid(&self) -> String {
        let mut out = String::from("flowchart LR\n");
        let w = &mut out;
        for n in &self.nodes {
            let lines: Vec<String> = node_lines(n).iter().map(|l| escape(l)).collect();
            let _ = writeln!(w, "  n{}[\"{}\"]", n.id, lines.join("<br/>"));
        }
        for n in &self.nodes {
            for &p in &n.inputs {
                let _ = writeln!(w, "  n{p} --> n{}", n.id);
            }
        }
        let _ = writeln!(w, "  classDef variable fill:#dbeafe,stroke:#1d4ed8");
        let _ = writeln!(w, "  classDef constant fill:#eeeeee,stroke:#888888");
        let _ = writeln!(w, "  classDef output stroke-width:3px");
        for class in ["variable", "constant"] {
            let ids: Vec<String> = self
                .nodes
                .iter()
                .filter(|n| n.op == class)
                .map(|n| format!("n{}", n.id))
                .collect();
            if !ids.is_empty() {
                let _ = writeln!(w, "  class {} {class}", ids.join(","));
            }
        }
        let _ = writeln!(w, "  class n{} output", self.output);
        out
    }
}
