//! docs/step-through.md quotes the seed network's code and the trace it
//! prints: the code must be the code below, and the trace what it prints.

use tape::{Tape, Trace};

const DOC: &str = include_str!("../../../docs/step-through.md");
const THIS_FILE: &str = include_str!("step_through_doc.rs");

/// The fenced block of `kind` (`rust`, `text`) that comes first after
/// `from` in the document.
fn block_after<'a>(doc: &'a str, from: &str, kind: &str) -> &'a str {
    let at = doc
        .find(from)
        .unwrap_or_else(|| panic!("docs/step-through.md has no `{from}`"));
    let fence = format!("```{kind}\n");
    let start = at
        + doc[at..]
            .find(&fence)
            .unwrap_or_else(|| panic!("no ```{kind} block after `{from}`"))
        + fence.len();
    let len = doc[start..].find("```").expect("the block is closed");
    &doc[start..start + len]
}

/// The seed network exactly as the document writes it; returns the text
/// `print!` shows.
fn seed_network_listing() -> String {
    let tape = Tape::new();
    let x = tape.constant([[1.0, 2.0, 3.0]]).label("x");
    let y = tape.constant([[0.5]]).label("y");
    let w1 = tape.var([[1.0, 1.0], [2.0, 2.0], [3.0, 3.0]]).label("W1");
    let b1 = tape.var([1.0, 2.0]).label("b1");
    let w2 = tape.var([[4.0], [5.0]]).label("W2");
    let b2 = tape.var([6.0]).label("b2");
    let z1 = (x.matmul(w1).label("xW1") + b1).label("z1");
    let a1 = z1.sigmoid().label("a1");
    let z2 = (a1.matmul(w2).label("a1W2") + b2).label("z2");
    let a2 = z2.sigmoid().label("a2");
    let err = (a2 - y).label("err");
    let loss = err.square().mean().label("loss");
    Trace::capture(loss).to_text()
}

const SECTION: &str = "## The seed network, traced end to end";

#[test]
fn the_quoted_code_is_the_code_that_runs_here() {
    let code = block_after(DOC, SECTION, "rust");
    let body = &THIS_FILE[THIS_FILE
        .find("fn seed_network_listing")
        .expect("the function is here")..];
    let mut from = 0;
    for line in code.lines().map(str::trim).filter(|l| !l.is_empty()) {
        let line = line
            .replace("print!(\"{}\", ", "")
            .replace(".to_text());", "");
        let probe = line.trim_end_matches(';');
        match body[from..].find(probe) {
            Some(at) => from += at + probe.len(),
            None => {
                panic!("the document's line `{line}` is not (in order) in seed_network_listing")
            }
        }
    }
}

#[test]
fn the_quoted_trace_is_what_the_code_prints() {
    let quoted = block_after(DOC, SECTION, "text");
    let printed = seed_network_listing();
    if quoted != printed {
        let diff: Vec<String> = quoted
            .lines()
            .zip(printed.lines())
            .filter(|(q, p)| q != p)
            .map(|(q, p)| format!("doc:     {q}\nprinted: {p}"))
            .collect();
        panic!(
            "docs/step-through.md's trace differs from what the code prints \
             ({} vs {} lines):\n{}\n\nthe printed trace:\n{printed}",
            quoted.lines().count(),
            printed.lines().count(),
            diff.join("\n")
        );
    }
}
