//! The terminal listing of a trace.

use std::fmt::Write;

use super::format::{num, shape, tensor};
use super::Trace;

/// How many values of a tensor the listing shows before `…`.
const SHOWN: usize = 8;

impl Trace {
    /// A readable listing: every forward step with its value, then the seed
    /// and every backward message in the order it was sent (sender, op,
    /// receiver, the message and the receiver's running sum), then each
    /// leaf variable's gradient.
    ///
    /// ```
    /// use tape::{Tape, Trace};
    /// let tape = Tape::new();
    /// let x = tape.var(3.0_f64).label("x");
    /// let y = (x * x).label("y");
    /// let text = Trace::capture(y).to_text();
    /// assert!(text.contains("y = mul(x, x)"));
    /// assert!(text.contains("y --mul--> x (input 1)  message 3  sum 6"));
    /// ```
    pub fn to_text(&self) -> String {
        let mut out = String::new();
        let w = &mut out;
        let _ = writeln!(
            w,
            "forward pass ({} steps, {}):",
            self.forward.len(),
            self.dtype
        );
        let width = self
            .forward
            .iter()
            .map(|s| s.formula.chars().count())
            .max()
            .unwrap_or(0);
        for (k, step) in self.forward.iter().enumerate() {
            let Some(node) = self.node(step.node) else {
                continue;
            };
            let _ = writeln!(
                w,
                "  {:>3}. {:<width$}  {:<8} = {}",
                k + 1,
                step.formula,
                shape(&node.value.shape),
                tensor(&node.value, SHOWN),
            );
        }
        let Some(seed) = &self.seed else {
            let _ = writeln!(w, "\n(no backward pass recorded)");
            return out;
        };
        let _ = writeln!(
            w,
            "\nbackward pass ({} messages):\n  seed: {} receives {}",
            self.messages.len(),
            self.name_of(self.output),
            tensor(seed, SHOWN)
        );
        for (k, m) in self.messages.iter().enumerate() {
            let _ = writeln!(
                w,
                "  {:>3}. {} --{}--> {} (input {})  message {}  sum {}",
                k + 1,
                self.name_of(m.from),
                m.op,
                self.name_of(m.to),
                m.input,
                tensor(&m.value, SHOWN),
                tensor(&m.total, SHOWN),
            );
        }
        let _ = writeln!(w, "\ngradients of the variables:");
        for n in self.nodes.iter().filter(|n| n.op == "variable") {
            let g = n.grad.as_ref().map_or("none".into(), |g| tensor(g, SHOWN));
            let _ = writeln!(
                w,
                "  d {} / d {} = {}",
                self.name_of(self.output),
                n.name(),
                g
            );
        }
        if let Some(v) = self.node(self.output).and_then(|n| n.value.item()) {
            let _ = writeln!(w, "(output value {})", num(v));
        }
        out
    }
}
