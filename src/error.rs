//! The one error type of the command-line tool, and how it is shown.

use std::path::PathBuf;

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
    /// An output file could not be written.
    #[error("cannot write `{path}`: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
}

impl CliError {
    /// An error in the expression `text`.
    pub fn expr(text: &str, error: ExprError) -> Self {
        CliError::Expr {
            text: text.to_string(),
            error: Box::new(error),
        }
    }

    /// The process exit code: 2 for bad input (expression or values, as
    /// for bad command-line usage), 1 for failures to write output.
    pub fn exit_code(&self) -> u8 {
        match self {
            CliError::Expr { .. } | CliError::Value(_) => 2,
            CliError::Io { .. } => 1,
        }
    }

    /// The full message for the terminal, with the input shown and a caret
    /// under the offending part.
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
            CliError::Io { .. } => format!("error: {self}"),
        }
    }
}

impl From<ValueError> for CliError {
    fn from(e: ValueError) -> Self {
        CliError::Value(Box::new(e))
    }
}
