//! What can be wrong with an expression, and where.

use tape::Shape;

use crate::diagnostic::Span;

/// An error in an expression: what went wrong and the span it points at.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
#[error("{kind}")]
pub struct ExprError {
    /// What went wrong.
    pub kind: ExprErrorKind,
    /// The part of the expression it is about.
    pub span: Span,
}

impl ExprError {
    /// An error of `kind` at `span`.
    pub fn new(kind: ExprErrorKind, span: Span) -> Self {
        ExprError { kind, span }
    }
}

/// The kinds of expression errors: syntax, names, and shapes.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum ExprErrorKind {
    /// A character that starts no token.
    #[error("unexpected character `{0}`")]
    UnexpectedChar(char),
    /// A malformed number literal such as `1.2.3` or `1e`.
    #[error("`{0}` is not a number")]
    BadNumber(String),
    /// A number literal too large for `f64` (`1e999`): it would be infinite.
    #[error(
        "`{0}` is too large to be a number: numbers must be finite, at most about 1.8e308 in size"
    )]
    NotFinite(String),
    /// Nothing but whitespace.
    #[error("the expression is empty")]
    Empty,
    /// A token where another kind was expected.
    #[error("expected {expected}, found {found}")]
    Unexpected {
        /// What the grammar allows here.
        expected: &'static str,
        /// What was there.
        found: String,
    },
    /// A `(` without its `)`.
    #[error("this `(` is never closed")]
    UnclosedParen,
    /// A call of a function that does not exist.
    #[error("unknown function `{0}`")]
    UnknownFunction(String),
    /// A function name used as a value.
    #[error("`{0}` is a function: call it as `{0}(...)`")]
    FunctionNotCalled(String),
    /// A function called with the wrong number of arguments.
    #[error("`{func}` takes {expected}, but {found} were given")]
    Arity {
        /// The function.
        func: &'static str,
        /// What it accepts, in words.
        expected: &'static str,
        /// How many arguments were given.
        found: usize,
    },
    /// Nesting beyond what the evaluator accepts.
    #[error("the expression is nested more than {0} levels deep")]
    TooDeep(usize),
    /// A variable that was not given a value.
    #[error("unknown variable `{0}`")]
    UnknownVariable(String),
    /// `x ^ y` where `y` is not a constant number.
    #[error("the exponent of `^` must be a constant number")]
    NonConstantExponent,
    /// An axis argument that is not a constant integer.
    #[error("the axis of `{func}` must be a constant integer")]
    BadAxis {
        /// The function.
        func: &'static str,
    },
    /// An axis beyond the rank of the tensor.
    #[error("axis {axis} is out of range for `{func}` of a tensor of shape {shape} (rank {})", shape.rank())]
    AxisOutOfRange {
        /// The function.
        func: &'static str,
        /// The axis as written.
        axis: i64,
        /// The shape of the argument.
        shape: Shape,
    },
    /// `max` over no elements.
    #[error("`max` of an empty tensor (shape {0}) has no value")]
    EmptyMax(Shape),
    /// Operands of an elementwise op that do not broadcast together.
    #[error("shape mismatch: `{op}` cannot broadcast shapes {left} and {right}")]
    Broadcast {
        /// The operator.
        op: &'static str,
        /// The left operand's shape.
        left: Shape,
        /// The right operand's shape.
        right: Shape,
    },
    /// A matmul operand with fewer than 2 axes.
    #[error("shape mismatch: `@` needs matrices (2 or more axes), but the {side} operand has shape {shape}")]
    MatmulRank {
        /// `"left"` or `"right"`.
        side: &'static str,
        /// Its shape.
        shape: Shape,
    },
    /// Matmul operands whose inner dimensions differ.
    #[error("shape mismatch: `@` cannot multiply {left} by {right}: inner dimensions {cols} (columns of the left) and {rows} (rows of the right) differ")]
    MatmulInner {
        /// The left shape.
        left: Shape,
        /// The right shape.
        right: Shape,
        /// Columns of the left.
        cols: usize,
        /// Rows of the right.
        rows: usize,
    },
    /// Batched matmul operands whose batch dimensions differ.
    #[error("shape mismatch: `@` operands {left} and {right} have different batch dimensions")]
    MatmulBatch {
        /// The left shape.
        left: Shape,
        /// The right shape.
        right: Shape,
    },
    /// `transpose` of something with fewer than 2 axes.
    #[error("shape mismatch: `transpose` needs 2 or more axes, but its argument has shape {0}")]
    TransposeRank(Shape),
}

impl ExprErrorKind {
    /// A hint on how to fix the problem, if there is a useful one.
    pub fn help(&self) -> Option<String> {
        match self {
            ExprErrorKind::UnknownVariable(name) => Some(format!(
                "give it a value with `--at {name}=VALUE` (a number or a nested list like [[1,2],[3,4]])"
            )),
            ExprErrorKind::UnknownFunction(_) | ExprErrorKind::FunctionNotCalled(_) => Some(
                format!("the functions are: {}", super::ast::Func::NAMES.join(", ")),
            ),
            ExprErrorKind::NonConstantExponent => {
                Some("write a number such as `x^2`, `x^-1` or `x^0.5`".to_string())
            }
            ExprErrorKind::BadAxis { func } => {
                Some(format!("write e.g. `{func}(x, 0)`; negative axes count from the end"))
            }
            ExprErrorKind::Broadcast { .. } => Some(
                "shapes are aligned at their last axis; each pair of sizes must be equal or one of them 1"
                    .to_string(),
            ),
            ExprErrorKind::MatmulRank { .. } => {
                Some("give vectors as [[1,2,3]] (a row) or [[1],[2],[3]] (a column)".to_string())
            }
            ExprErrorKind::TooDeep(_) => Some("split the expression or simplify it".to_string()),
            _ => None,
        }
    }
}
