//! The syntax tree of an expression.

use std::fmt;

use crate::diagnostic::Span;

/// A node of the syntax tree and the span of text it came from.
#[derive(Clone, Debug, PartialEq)]
pub struct Expr {
    /// What the node is.
    pub kind: ExprKind,
    /// The text it covers.
    pub span: Span,
    /// The height of the subtree (1 for a leaf), bounded by the parser so
    /// that evaluating and dropping the tree cannot exhaust the stack.
    pub depth: usize,
}

/// The kinds of syntax nodes.
#[derive(Clone, Debug, PartialEq)]
pub enum ExprKind {
    /// A number literal.
    Number(f64),
    /// A variable, given a value with `--at`.
    Var(String),
    /// Unary minus.
    Neg(Box<Expr>),
    /// A binary operation; `op_span` is the operator itself.
    Binary {
        /// The operator.
        op: BinOp,
        /// Where the operator is.
        op_span: Span,
        /// The left operand.
        lhs: Box<Expr>,
        /// The right operand.
        rhs: Box<Expr>,
    },
    /// A function call; `name_span` is the function's name.
    Call {
        /// The function.
        func: Func,
        /// Where its name is.
        name_span: Span,
        /// The arguments.
        args: Vec<Expr>,
    },
}

/// The binary operators.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BinOp {
    /// `+`, broadcasting.
    Add,
    /// `-`, broadcasting.
    Sub,
    /// `*`, elementwise and broadcasting.
    Mul,
    /// `/`, elementwise and broadcasting.
    Div,
    /// `@`, matrix product.
    MatMul,
    /// `^` (or `**`), power with a constant exponent.
    Pow,
}

impl BinOp {
    /// The operator as written.
    pub fn symbol(self) -> &'static str {
        match self {
            BinOp::Add => "+",
            BinOp::Sub => "-",
            BinOp::Mul => "*",
            BinOp::Div => "/",
            BinOp::MatMul => "@",
            BinOp::Pow => "^",
        }
    }
}

macro_rules! functions {
    ($($variant:ident = $name:literal, $min:literal..=$max:literal, $doc:literal;)*) => {
        /// The built-in functions.
        #[derive(Clone, Copy, Debug, PartialEq, Eq)]
        pub enum Func {
            $(#[doc = $doc] $variant,)*
        }

        impl Func {
            /// Every function's name, in the order of the docs.
            pub const NAMES: &'static [&'static str] = &[$($name),*];

            /// The function called `name`, if there is one.
            pub fn from_name(name: &str) -> Option<Func> {
                match name {
                    $($name => Some(Func::$variant),)*
                    _ => None,
                }
            }

            /// The function's name.
            pub fn name(self) -> &'static str {
                match self {
                    $(Func::$variant => $name,)*
                }
            }

            /// The smallest and largest number of arguments it takes.
            pub fn arity(self) -> (usize, usize) {
                match self {
                    $(Func::$variant => ($min, $max),)*
                }
            }
        }
    };
}

functions! {
    Sigmoid = "sigmoid", 1..=1, "`sigmoid(x)`: 1 / (1 + e^-x), elementwise.";
    Relu = "relu", 1..=1, "`relu(x)`: max(x, 0), elementwise.";
    Tanh = "tanh", 1..=1, "`tanh(x)`, elementwise.";
    Exp = "exp", 1..=1, "`exp(x)`: e^x, elementwise.";
    Ln = "ln", 1..=1, "`ln(x)`: natural logarithm, elementwise.";
    Sqrt = "sqrt", 1..=1, "`sqrt(x)`, elementwise.";
    Abs = "abs", 1..=1, "`abs(x)`, elementwise.";
    Sum = "sum", 1..=2, "`sum(x)` of all elements, or `sum(x, axis)`.";
    Mean = "mean", 1..=2, "`mean(x)` of all elements, or `mean(x, axis)`.";
    Max = "max", 1..=2, "`max(x)` of all elements, or `max(x, axis)`.";
    Transpose = "transpose", 1..=1, "`transpose(x)`: swaps the last two axes.";
}

impl Func {
    /// The number of arguments it takes, in words (for error messages).
    pub fn arity_words(self) -> &'static str {
        match self.arity() {
            (1, 1) => "1 argument",
            _ => "1 or 2 arguments (the second is an axis)",
        }
    }
}

/// A fully parenthesised prefix form, e.g. `(neg (^ x 2))`, which makes the
/// parse of an expression (its precedence and associativity) visible.
impl fmt::Display for Expr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.kind {
            ExprKind::Number(x) => write!(f, "{x}"),
            ExprKind::Var(name) => f.write_str(name),
            ExprKind::Neg(inner) => write!(f, "(neg {inner})"),
            ExprKind::Binary { op, lhs, rhs, .. } => {
                write!(f, "({} {lhs} {rhs})", op.symbol())
            }
            ExprKind::Call { func, args, .. } => {
                write!(f, "({}", func.name())?;
                for arg in args {
                    write!(f, " {arg}")?;
                }
                f.write_str(")")
            }
        }
    }
}
