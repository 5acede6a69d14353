//! The self-contained HTML step-through page.
//!
//! The page is one file: the markup, style and script below are inlined,
//! and the trace is embedded as JSON with every number already formatted,
//! so it opens from disk with no network access. The script (`page.js`)
//! draws the graph in layers and replays the steps.

use serde::Serialize;

use super::format::{shape, tensor};
use super::Trace;

const PAGE: &str = include_str!("page/page.html");
const STYLE: &str = include_str!("page/page.css");
const SCRIPT: &str = include_str!("page/page.js");

/// Values shown inside a node's box.
const SHORT: usize = 3;
/// Values shown in the table and the step description.
const LONG: usize = 48;

/// What the page's script reads: the trace with formatted numbers and a
/// layer for each node.
#[derive(Serialize)]
struct View<'a> {
    dtype: &'a str,
    output: usize,
    nodes: Vec<ViewNode<'a>>,
    forward: &'a [super::ForwardStep],
    seed: Option<String>,
    seed_short: Option<String>,
    messages: Vec<ViewMessage<'a>>,
}

#[derive(Serialize)]
struct ViewNode<'a> {
    id: usize,
    name: String,
    op: &'a str,
    shape: String,
    value: String,
    value_short: String,
    inputs: &'a [usize],
    location: &'a str,
    layer: usize,
}

#[derive(Serialize)]
struct ViewMessage<'a> {
    from: usize,
    to: usize,
    input: usize,
    op: &'a str,
    value: String,
    total: String,
    total_short: String,
}

impl Trace {
    /// A self-contained HTML page to step through this trace in a browser.
    ///
    /// Step 0 shows the graph; steps `1..=F` compute the `F` forward steps
    /// one node at a time; step `F + 1` gives the output its seed; each
    /// later step sends one backward message, highlighting the sender
    /// (orange), the receiver (green) and the edge, and showing every
    /// node's value and gradient so far (in its box and in the table).
    /// Buttons, a slider and the arrow keys move between steps; the address
    /// `page.html#step=N` opens step `N`. Large graphs scroll.
    ///
    /// The page needs no network: script and style are inline.
    ///
    /// ```
    /// use tape::{Tape, Trace};
    /// let tape = Tape::new();
    /// let x = tape.var(3.0_f64).label("x");
    /// let html = Trace::capture((x * x).label("y")).to_html();
    /// assert!(html.starts_with("<!DOCTYPE html>"));
    /// assert!(html.contains(r#"<script type="application/json" id="trace-data">"#));
    /// assert!(!html.contains("<script src") && !html.contains("<link"));
    /// ```
    pub fn to_html(&self) -> String {
        let title = match self.node(self.output) {
            Some(n) => format!("tapegrad step-through: {}", n.name()),
            None => "tapegrad step-through".to_string(),
        };
        let data = serde_json::to_string(&self.view()).expect("the page data always serialises");
        // `<` only occurs inside JSON strings, where \u003c means the same;
        // this keeps `</script>` in a label from ending the data block.
        let data = data.replace('<', "\\u003c");
        fill(
            PAGE,
            &[
                ("TITLE", &escape_html(&title)),
                ("STYLE", STYLE),
                ("SCRIPT", SCRIPT),
                ("DATA", &data),
            ],
        )
    }

    fn view(&self) -> View<'_> {
        let layers = self.layers();
        View {
            dtype: &self.dtype,
            output: self.output,
            nodes: self
                .nodes
                .iter()
                .zip(layers)
                .map(|(n, layer)| ViewNode {
                    id: n.id,
                    name: n.name(),
                    op: &n.op,
                    shape: shape(&n.value.shape),
                    value: tensor(&n.value, LONG),
                    value_short: tensor(&n.value, SHORT),
                    inputs: &n.inputs,
                    location: &n.location,
                    layer,
                })
                .collect(),
            forward: &self.forward,
            seed: self.seed.as_ref().map(|s| tensor(s, LONG)),
            seed_short: self.seed.as_ref().map(|s| tensor(s, SHORT)),
            messages: self
                .messages
                .iter()
                .map(|m| ViewMessage {
                    from: m.from,
                    to: m.to,
                    input: m.input,
                    op: &m.op,
                    value: tensor(&m.value, LONG),
                    total: tensor(&m.total, LONG),
                    total_short: tensor(&m.total, SHORT),
                })
                .collect(),
        }
    }

    /// Each node's layer (row on the page): an op sits one layer below its
    /// deepest input; a leaf sits just above its first user, so weights are
    /// drawn next to where they are used.
    fn layers(&self) -> Vec<usize> {
        let index = |id: usize| self.nodes.binary_search_by_key(&id, |n| n.id).ok();
        let mut layer = vec![0usize; self.nodes.len()];
        for (k, n) in self.nodes.iter().enumerate() {
            layer[k] = n
                .inputs
                .iter()
                .filter_map(|&p| index(p))
                .map(|p| layer[p] + 1)
                .max()
                .unwrap_or(0);
        }
        let mut first_user = vec![usize::MAX; self.nodes.len()];
        for (k, n) in self.nodes.iter().enumerate() {
            for p in n.inputs.iter().filter_map(|&p| index(p)) {
                first_user[p] = first_user[p].min(layer[k]);
            }
        }
        for (k, n) in self.nodes.iter().enumerate() {
            if n.is_leaf() && first_user[k] != usize::MAX {
                layer[k] = first_user[k] - 1;
            }
        }
        layer
    }
}

fn escape_html(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// Replaces each `{{NAME}}` in `template` by its value, in one pass (so a
/// value that happens to contain `{{...}}` is left alone).
fn fill(template: &str, values: &[(&str, &str)]) -> String {
    let mut out =
        String::with_capacity(template.len() + values.iter().map(|v| v.1.len()).sum::<usize>());
    let mut rest = template;
    while let Some(start) = rest.find("{{") {
        out.push_str(&rest[..start]);
        let after = &rest[start + 2..];
        let end = after.find("}}").expect("the page template closes every {{");
        let key = &after[..end];
        let value = values.iter().find(|(k, _)| *k == key).map(|(_, v)| *v);
        out.push_str(value.expect("the page template uses only known keys"));
        rest = &after[end + 2..];
    }
    out.push_str(rest);
    out
}
