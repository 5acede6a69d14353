//! What can be wrong with the data a command is given.

use std::path::PathBuf;

use crate::diagnostic::{render, Span};

/// A problem with a dataset: the file, or what is in it. None of them
/// panics; each names the file, and where it can, the line and column.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum DataError {
    /// The file could not be opened or read.
    #[error("cannot read `{path}`: {source}")]
    Read {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// The file has no header line.
    #[error("`{path}` is empty: a CSV file needs a header line and at least one row")]
    Empty {
        /// The file.
        path: PathBuf,
    },
    /// The file has a header but no rows.
    #[error("`{path}` has a header line but no rows of data")]
    NoRows {
        /// The file.
        path: PathBuf,
    },
    /// The CSV itself is malformed (a row with the wrong number of fields,
    /// invalid UTF-8, ...).
    #[error("`{path}`, line {line}: {message}")]
    Malformed {
        /// The file.
        path: PathBuf,
        /// The line (from 1).
        line: u64,
        /// What is wrong.
        message: String,
    },
    /// A cell of a numeric column is not a number.
    #[error("`{path}`, line {line}, column {column} (`{name}`): {value:?} is not a number")]
    NotANumber {
        /// The file.
        path: PathBuf,
        /// The line (from 1; the header is line 1).
        line: u64,
        /// The column (from 1).
        column: usize,
        /// The column's name.
        name: String,
        /// The cell.
        value: String,
        /// The line's text and the cell's span in it, when they can be shown.
        snippet: Option<Box<(String, Span)>>,
    },
    /// A column the command needs is not in the header.
    #[error("`{path}` has no column `{column}`")]
    UnknownColumn {
        /// The file.
        path: PathBuf,
        /// The missing column.
        column: String,
        /// The columns it has.
        available: Vec<String>,
    },
    /// Two columns have the same name.
    #[error("`{path}` has two columns named `{column}`")]
    DuplicateColumn {
        /// The file.
        path: PathBuf,
        /// The name.
        column: String,
    },
    /// Apart from the target, no column holds numbers.
    #[error("`{path}` has no numeric feature column besides the target `{target}`")]
    NoFeatures {
        /// The file.
        path: PathBuf,
        /// The target column.
        target: String,
    },
    /// The target does not fit the task (e.g. three classes for a binary
    /// task, text for a regression), or the task cannot be inferred.
    #[error("{message}")]
    Task {
        /// What is wrong, naming the target and the task.
        message: String,
        /// What to do about it.
        help: Option<String>,
    },
}

impl DataError {
    /// The message for the terminal, with the offending line shown when
    /// there is one.
    pub fn report(&self) -> String {
        match self {
            DataError::NotANumber {
                snippet: Some(snippet),
                path,
                line,
                ..
            } => {
                let (text, span) = &**snippet;
                // The second line of `render` names the character column;
                // point at `file:line:character` instead, as compilers do.
                let rendered = render(&self.to_string(), "", text, *span);
                let character = text[..span.start.min(text.len())].chars().count() + 1;
                let mut lines: Vec<String> = rendered.lines().map(str::to_string).collect();
                lines[1] = format!("  --> {}:{line}:{character}", path.display());
                lines.join("\n")
            }
            DataError::UnknownColumn { available, .. } => format!(
                "error: {self}\n   = help: its columns are: {}",
                available.join(", ")
            ),
            DataError::Task {
                help: Some(help), ..
            } => format!("error: {self}\n   = help: {help}"),
            _ => format!("error: {self}"),
        }
    }
}
