//! The command line, declared with clap.

mod learn;

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

pub use learn::{EvalArgs, Layers, PredictArgs, TourArgs, TrainArgs};

const LANGUAGE: &str = "\
EXPRESSIONS:
    Numbers (2, .5, 1e-3), variables, + - * / (elementwise, numpy broadcasting),
    unary -, @ (matrix product), ^ or ** with a constant exponent, parentheses,
    and the functions sigmoid relu tanh exp ln sqrt abs transpose, and
    sum mean max with an optional axis: sum(x) adds every element, sum(x, 1)
    adds along axis 1 (negative axes count from the end).
    Precedence as in Python: ^ binds tighter than unary -, which binds tighter
    than * / @, which bind tighter than + -. So -x^2 = -(x^2) and 2^-1 = 0.5.

VALUES:
    --at x=3               a scalar
    --at v=[1,2,3]         a vector, shape [3]
    --at m=[[1,2],[3,4]]   a matrix, shape [2, 2] (row-major nested lists)
    --at x=1,w=2           several assignments in one argument
    Quote values containing brackets or spaces for your shell.

EXIT CODES:
    0 success, 2 bad command line or bad input (expression, values, shapes),
    1 an output file could not be written.

See docs/cli.md for the full grammar and the JSON format.";

/// tapegrad: reverse-mode automatic differentiation you can watch.
///
/// With no command, takes a short tour: trains two small networks and
/// writes plots, a model and a step-through page to ./tapegrad-out/.
#[derive(Debug, Parser)]
#[command(name = "tapegrad", version, after_long_help = LANGUAGE)]
pub struct Cli {
    /// What to do (default: the tour).
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Print the value of EXPR and the gradient of every variable.
    ///
    /// The gradient is that of the value with respect to each variable given
    /// with --at. A result with more than one element is summed before
    /// backward (so the gradients are those of sum(EXPR), i.e. backward
    /// starts from a seed of ones). Everything is computed in f64.
    #[command(after_long_help = LANGUAGE)]
    Grad(GradArgs),
    /// Show the forward steps and every backward message of EXPR.
    ///
    /// Prints each recorded node (op, inputs, value) and each gradient
    /// message sent during backward, and writes the requested files. A result
    /// with more than one element is summed before backward.
    #[command(after_long_help = LANGUAGE)]
    Trace(TraceArgs),
    /// The tour (what `tapegrad` with no command runs): the seed article's
    /// 3-2-1 network and an MLP on two moons, trained and shown.
    Tour(TourArgs),
    /// Train an MLP on a built-in dataset or a CSV file; writes the model,
    /// the loss curve, a decision boundary or fit plot, and a step-through.
    ///
    /// See docs/train.md.
    Train(TrainArgs),
    /// Score a saved model on a built-in dataset or a CSV file.
    Eval(EvalArgs),
    /// Write a saved model's predictions for the rows of a CSV file, as CSV.
    Predict(PredictArgs),
}

/// The expression and its variables, common to every command.
#[derive(Debug, Args)]
pub struct InputArgs {
    /// The expression, e.g. "sum(sigmoid(x @ w + b))". Quote it for your shell.
    #[arg(value_name = "EXPR", allow_hyphen_values = true)]
    pub expr: String,

    /// A variable's value: NAME=NUMBER or NAME=[[..],..]; repeatable, and
    /// scalars may be comma-separated (--at x=1,w=2).
    #[arg(long = "at", value_name = "NAME=VALUE")]
    pub at: Vec<String>,
}

/// Arguments of `tapegrad grad`.
#[derive(Debug, Args)]
pub struct GradArgs {
    /// The expression and its values.
    #[command(flatten)]
    pub input: InputArgs,

    /// Print one JSON object {"value": T, "grads": {"name": T, ...}}, where
    /// T is {"shape": [...], "data": [...]} (row-major).
    #[arg(long)]
    pub json: bool,
}

/// Arguments of `tapegrad trace`.
#[derive(Debug, Args)]
pub struct TraceArgs {
    /// The expression and its values.
    #[command(flatten)]
    pub input: InputArgs,

    /// Write a self-contained HTML step-through of the trace to FILE.
    #[arg(long, value_name = "FILE")]
    pub html: Option<PathBuf>,

    /// Write the graph in Graphviz DOT to FILE.
    #[arg(long, value_name = "FILE")]
    pub dot: Option<PathBuf>,

    /// Write the graph as a Mermaid flowchart to FILE.
    #[arg(long, value_name = "FILE")]
    pub mermaid: Option<PathBuf>,

    /// Write the whole trace (nodes and messages) as JSON to FILE.
    #[arg(long, value_name = "FILE")]
    pub json: Option<PathBuf>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn the_command_line_is_well_formed() {
        Cli::command().debug_assert();
    }

    #[test]
    fn expressions_may_start_with_a_minus() {
        let cli = Cli::try_parse_from(["tapegrad", "grad", "-x^2", "--at", "x=3"]).unwrap();
        let Some(Command::Grad(args)) = cli.command else {
            panic!("not grad")
        };
        assert_eq!(args.input.expr, "-x^2");
        assert_eq!(args.input.at, ["x=3"]);
    }

    #[test]
    fn no_command_is_the_tour() {
        assert!(Cli::try_parse_from(["tapegrad"]).unwrap().command.is_none());
    }
}
