//! The subcommands, and what they share: reading the expression and its
//! values and recording them on a tape.

mod artifacts;
pub mod eval;
pub mod grad;
pub mod predict;
pub mod tour;
pub mod trace;
pub mod train;

use std::collections::HashMap;
use std::io::Write;

use tape::{Tape, Var};

use crate::cli::{Command, InputArgs};
use crate::error::CliError;
use crate::expr::{self, ast::Expr};
use crate::value::{parse_bindings, Binding};

/// Runs a subcommand (the tour if there is none), printing to `out` as it
/// goes.
pub fn run(command: Option<&Command>, out: &mut dyn Write) -> Result<(), CliError> {
    match command {
        None => tour::run(&Default::default(), out),
        Some(Command::Grad(args)) => print(out, &grad::run(args)?),
        Some(Command::Trace(args)) => print(out, &trace::run(args)?),
        Some(Command::Tour(args)) => tour::run(args, out),
        Some(Command::Train(args)) => train::run(args, out),
        Some(Command::Eval(args)) => eval::run(args, out),
        Some(Command::Predict(args)) => predict::run(args, out),
    }
}

/// Writes `text` to standard output.
pub fn print(out: &mut dyn Write, text: &str) -> Result<(), CliError> {
    out.write_all(text.as_bytes())
        .and_then(|()| out.flush())
        .map_err(CliError::Stdout)
}

/// `println!` to a command's output, with write errors as [`CliError`]s.
#[macro_export]
macro_rules! say {
    ($out:expr) => {
        $crate::commands::print($out, "\n")
    };
    ($out:expr, $($arg:tt)*) => {
        $crate::commands::print($out, &format!("{}\n", format!($($arg)*)))
    };
}

/// A parsed expression and its parsed values.
pub struct Input {
    /// The expression as given.
    pub text: String,
    /// Its syntax tree.
    pub expr: Expr,
    /// The `--at` values, in the order given.
    pub bindings: Vec<Binding>,
}

impl Input {
    /// Parses the expression, then the values.
    pub fn parse(args: &InputArgs) -> Result<Input, CliError> {
        let expr = expr::parse(&args.expr).map_err(|e| CliError::expr(&args.expr, e))?;
        let bindings = parse_bindings(&args.at)?;
        Ok(Input {
            text: args.expr.clone(),
            expr,
            bindings,
        })
    }

    /// Records the computation on `tape`: one labelled variable per value,
    /// then the expression.
    pub fn record<'t>(&self, tape: &'t Tape<f64>) -> Result<Recorded<'t>, CliError> {
        let vars: Vec<(String, Var<'t, f64>)> = self
            .bindings
            .iter()
            .map(|b| (b.name.clone(), tape.var(&b.value).label(&b.name)))
            .collect();
        let lookup: HashMap<String, Var<'t, f64>> = vars.iter().cloned().collect();
        let value = expr::eval(&self.expr, &self.text, tape, &lookup)
            .map_err(|e| CliError::expr(&self.text, e))?;
        let summed = value.shape().numel() != 1;
        let output = if summed {
            value.sum().label(format!("sum({})", self.text.trim()))
        } else {
            if value.name().is_none() {
                value.label(self.text.trim());
            }
            value
        };
        Ok(Recorded {
            vars,
            value,
            output,
            summed,
        })
    }
}

/// The recorded computation.
pub struct Recorded<'t> {
    /// Each variable's name and node, in the order given.
    pub vars: Vec<(String, Var<'t, f64>)>,
    /// The expression's value.
    pub value: Var<'t, f64>,
    /// What backward starts from: the value, or its sum if it has more
    /// than one element.
    pub output: Var<'t, f64>,
    /// Whether `output` is the sum of `value`.
    pub summed: bool,
}
