//! `tapegrad trace`: the forward steps and every backward message of an
//! expression, in the terminal and in the requested files.

use std::fmt::Write as _;
use std::path::Path;

use tape::{Tape, Trace};

use super::Input;
use crate::cli::TraceArgs;
use crate::error::CliError;
use crate::output::write_atomically;

/// One of the trace's renderings.
type Export = fn(&Trace) -> String;

/// Runs the command; returns its standard output. The requested files are
/// written (each atomically) before anything is printed.
pub fn run(args: &TraceArgs) -> Result<String, CliError> {
    let input = Input::parse(&args.input)?;
    let tape = Tape::new();
    let rec = input.record(&tape)?;
    let trace = Trace::capture(rec.output);

    let exports: [(&str, Option<&Path>, Export); 4] = [
        ("HTML step-through", args.html.as_deref(), Trace::to_html),
        ("Graphviz DOT graph", args.dot.as_deref(), Trace::to_dot),
        ("Mermaid graph", args.mermaid.as_deref(), Trace::to_mermaid),
        ("JSON trace", args.json.as_deref(), Trace::to_json),
    ];
    let mut written = Vec::new();
    for (what, path, export) in exports {
        if let Some(path) = path {
            write_atomically(path, &export(&trace))?;
            written.push((what, path));
        }
    }

    let mut out = String::new();
    let _ = writeln!(out, "expression  {}", input.text.trim());
    if rec.summed {
        let _ = writeln!(
            out,
            "note        the value has shape {} ({} elements): backward starts from its sum",
            rec.value.shape(),
            rec.value.shape().numel()
        );
    }
    let _ = writeln!(out);
    out.push_str(&trace.to_text());
    if !out.ends_with('\n') {
        out.push('\n');
    }
    for (what, path) in written {
        let _ = writeln!(out, "wrote the {what} to {}", path.display());
    }
    Ok(out)
}
