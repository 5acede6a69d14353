//! The expression language: numbers, variables, `+ - * / @ ^`, unary `-`,
//! parentheses and a few functions, with Python's precedence. See
//! `docs/cli.md` for the grammar.

pub mod ast;
pub mod check;
pub mod error;
pub mod eval;
pub mod lexer;
pub mod parser;

pub use error::ExprError;
pub use eval::eval;
pub use parser::parse;
