//! `tapegrad grad`: the value of an expression and the gradient of every
//! variable, as text or as one JSON object.

use std::fmt::Write as _;

use serde_json::{json, Map, Value};
use tape::{Tape, Tensor};

use super::Input;
use crate::cli::GradArgs;
use crate::error::CliError;

/// Runs the command; returns its standard output.
pub fn run(args: &GradArgs) -> Result<String, CliError> {
    let input = Input::parse(&args.input)?;
    let tape = Tape::new();
    let rec = input.record(&tape)?;
    let grads = rec.output.backward();
    let value = rec.value.value();
    let named: Vec<(&str, Tensor<f64>)> = rec
        .vars
        .iter()
        .map(|(name, v)| {
            // Every variable gets a gradient (zero if unused).
            let g = grads.get(*v).cloned();
            (name.as_str(), g.unwrap_or_else(|| Tensor::zeros(v.shape())))
        })
        .collect();
    Ok(if args.json {
        to_json(&value, &named)
    } else {
        to_text(&input.text, &value, rec.summed, &named)
    })
}

/// `{"shape": [...], "data": [...]}`; non-finite numbers become `null`
/// (JSON has no NaN or infinity).
pub fn tensor_json(t: &Tensor<f64>) -> Value {
    json!({ "shape": t.dims(), "data": t.data() })
}

fn to_json(value: &Tensor<f64>, grads: &[(&str, Tensor<f64>)]) -> String {
    let grads: Map<String, Value> = grads
        .iter()
        .map(|(name, g)| (name.to_string(), tensor_json(g)))
        .collect();
    let mut out = json!({ "value": tensor_json(value), "grads": grads }).to_string();
    out.push('\n');
    out
}

fn to_text(text: &str, value: &Tensor<f64>, summed: bool, grads: &[(&str, Tensor<f64>)]) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "expression  {}", text.trim());
    let _ = writeln!(out, "value       {value}  (shape {})", value.shape());
    if summed {
        let _ = writeln!(
            out,
            "note        the value has {} elements: it is summed before backward, so the \
             gradients below are those of sum({})",
            value.numel(),
            text.trim()
        );
    }
    if grads.is_empty() {
        let _ = writeln!(out, "gradients   (no variables given with --at)");
        return out;
    }
    let _ = writeln!(out, "gradients");
    let width = grads.iter().map(|(n, _)| n.len()).max().unwrap_or(0);
    for (name, g) in grads {
        let _ = writeln!(out, "  d/d{name:<width$} = {g}  (shape {})", g.shape());
    }
    out
}
