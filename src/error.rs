//! The one error type of the command-line tool, and how it is shown.

use std::path::PathBuf;

use crate::data::DataError;
use crate::diagnostic::render;
use crate::expr::ExprError;
use crate::value::ValueError;

/// Everything that can make a command fail. None of them panics.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum CliError {
    /// The expression does not parse or evaluate (syntax, unknown name,
    /// shape mismatch).
    #[error("{error}")]
    Expr {
        /// The expression as given.
        text: String,
        /// What is wrong and where.
        error: Box<ExprError>,
    },
    /// A `--at` argument is malformed.
    #[error(transparent)]
    Value(Box<ValueError>),
    /// The data given with `--data` cannot be used.
    #[error(transparent)]
    Data(Box<DataError>),
    /// A model file cannot be used: missing, corrupt, not a tapegrad
    /// model, or its tensors do not fit its recorded architecture.
    #[error("cannot use the model `{path}`: {problem}")]
    Model {
        /// The model file.
        path: PathBuf,
        /// What is wrong with it.
        problem: String,
    },
    /// Options that contradict each other or do not apply.
    #[error("{message}")]
    Usage {
        /// What is wrong.
        message: String,
        /// What to do about it.
        help: Option<String>,
    },
    /// Training produced a loss that is not a finite number.
    #[error("training diverged: the loss became {loss} in epoch {epoch}")]
    Diverged {
        /// The epoch (from 1).
        epoch: usize,
        /// The loss.
        loss: f64,
    },
    /// A plot could not be drawn.
    #[error("cannot draw the {what}: {message}")]
    Plot {
        /// Which plot.
        what: String,
        /// Why.
        message: String,
    },
    /// An output file could not be written.
    #[error("cannot write `{path}`: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// Standard output could not be written.
    #[error("cannot write to standard output: {0}")]
    Stdout(std::io::Error),
}

impl CliError {
    /// An error in the expression `text`.
    pub fn expr(text: &str, error: ExprError) -> Self {
        CliError::Expr {
            text: text.to_string(),
            error: Box::new(error),
        }
    }

    /// Contradictory or inapplicable options, with advice.
    pub fn usage(message: impl Into<String>, help: impl Into<String>) -> Self {
        CliError::Usage {
            message: message.into(),
            help: Some(help.into()),
        }
    }

    /// The process exit code: 2 for bad input (expression, values, data,
    /// model files and options, as for bad command-line usage), 1 for
    /// failures to write output or to train.
    pub fn exit_code(&self) -> u8 {
        match self {
            CliError::Expr { .. }
            | CliError::Value(_)
            | CliError::Data(_)
            | CliError::Model { .. }
            | CliError::Usage { .. } => 2,
            CliError::Diverged { .. }
            | CliError::Plot { .. }
            | CliError::Io { .. }
            | CliError::Stdout(_) => 1,
        }
    }

    /// The full message for the terminal, with the input shown and a caret
    /// under the offending part where there is one.
    pub fn report(&self) -> String {
        match self {
            CliError::Expr { text, error } => {
                let mut out = render(&error.to_string(), "in the expression", text, error.span);
                if let Some(help) = error.kind.help() {
                    out.push_str(&format!("\n   = help: {help}"));
                }
                out
            }
            CliError::Value(e) => render(&e.to_string(), "in --at", &e.arg, e.span),
            CliError::Data(e) => e.report(),
            CliError::Usage {
                help: Some(help), ..
            } => format!("error: {self}\n   = help: {help}"),
            CliError::Diverged { .. } => format!(
                "error: {self}\n   = help: try a smaller --lr, or --standardize for features of \
                 very different scales"
            ),
            _ => format!("error: {self}"),
        }
    }
}

impl From<ValueError> for CliError {
    fn from(e: ValueError) -> Self {
        CliError::Value(Box::new(e))
    }
}

impl From<DataError> for CliError {
    fn from(e: DataError) -> Self {
        CliError::Data(Box::new(e))
    }
}
