//! Parsing `--at` arguments: `x=1.5`, `w=[[1,2],[3,4]]`, or several
//! assignments separated by commas, `x=1,w=[1,2]`.

mod scanner;

use std::collections::HashSet;

use tape::Tensor;

use crate::diagnostic::Span;
use scanner::Scanner;

/// The most axes a value may have.
pub const MAX_RANK: usize = 32;

/// One variable and its value.
#[derive(Clone, Debug, PartialEq)]
pub struct Binding {
    /// The variable's name.
    pub name: String,
    /// Its value.
    pub value: Tensor<f64>,
}

/// An error in one `--at` argument, with the span it points at.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
#[error("{kind}")]
pub struct ValueError {
    /// The whole argument, for display.
    pub arg: String,
    /// The offending part of it.
    pub span: Span,
    /// What is wrong.
    pub kind: ValueErrorKind,
}

/// What can be wrong with a `--at` argument.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum ValueErrorKind {
    /// No `NAME=VALUE` shape.
    #[error("expected `NAME=VALUE`, found {0}")]
    NotAnAssignment(String),
    /// A name that is not an identifier.
    #[error("`{0}` is not a valid variable name (use letters, digits and `_`, not starting with a digit)")]
    BadName(String),
    /// A name taken by a function.
    #[error("`{0}` is the name of a function and cannot be a variable")]
    ReservedName(String),
    /// The same name given twice.
    #[error("`{0}` is given a value twice")]
    Duplicate(String),
    /// A malformed number.
    #[error("`{text}` is not a number (in the value of `{name}`)")]
    BadNumber {
        /// The variable.
        name: String,
        /// The text that failed to parse.
        text: String,
    },
    /// A number too large for `f64`: it would be infinite.
    #[error("`{text}` is too large to be a number (in the value of `{name}`): values must be finite, at most about 1.8e308 in size")]
    NotFinite {
        /// The variable.
        name: String,
        /// The number as written.
        text: String,
    },
    /// Something other than what the value syntax allows here.
    #[error("in the value of `{name}`: expected {expected}, found {found}")]
    Unexpected {
        /// The variable.
        name: String,
        /// What is allowed here.
        expected: &'static str,
        /// What was found.
        found: String,
    },
    /// A `[` without its `]`.
    #[error("in the value of `{name}`: this `[` is never closed")]
    Unclosed {
        /// The variable.
        name: String,
    },
    /// Sibling lists of different shapes.
    #[error("the value of `{name}` is ragged: this element has shape {found} but the first one has shape {expected}")]
    Ragged {
        /// The variable.
        name: String,
        /// The first sibling's shape, e.g. `[2]`.
        expected: String,
        /// This element's shape.
        found: String,
    },
    /// More than [`MAX_RANK`] nested lists.
    #[error("the value of `{name}` is nested more than {MAX_RANK} levels deep")]
    TooDeep {
        /// The variable.
        name: String,
    },
}

/// Parses every `--at` argument; names must be unique across all of them.
pub fn parse_bindings(args: &[String]) -> Result<Vec<Binding>, ValueError> {
    let mut bindings = Vec::new();
    let mut seen = HashSet::new();
    for arg in args {
        let mut scanner = Scanner::new(arg);
        loop {
            let (name, name_span) = scanner.name()?;
            if !seen.insert(name.clone()) {
                return Err(scanner.error(name_span, ValueErrorKind::Duplicate(name)));
            }
            let value = scanner.value(&name)?;
            bindings.push(Binding { name, value });
            scanner.skip_space();
            match scanner.peek() {
                None => break,
                Some(b',') => scanner.pos += 1,
                Some(_) => {
                    let found = scanner.found();
                    let kind = ValueErrorKind::Unexpected {
                        name: bindings.last().map(|b| b.name.clone()).unwrap_or_default(),
                        expected: "`,` and another assignment, or the end",
                        found,
                    };
                    return Err(scanner.error(scanner.char_span(), kind));
                }
            }
        }
    }
    Ok(bindings)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(args: &[&str]) -> Result<Vec<Binding>, ValueError> {
        let args: Vec<String> = args.iter().map(|s| s.to_string()).collect();
        parse_bindings(&args)
    }

    fn one(arg: &str) -> Tensor<f64> {
        let b = parse(&[arg]).unwrap_or_else(|e| panic!("{arg}: {e}"));
        assert_eq!(b.len(), 1);
        b[0].value.clone()
    }

    #[test]
    fn scalars_in_every_number_form() {
        for (arg, x) in [
            ("x=1", 1.0),
            ("x=-2", -2.0),
            ("x=.5", 0.5),
            ("x=1e-3", 1e-3),
            ("x=+2.5E2", 250.0),
            ("x = 3 ", 3.0),
        ] {
            let t = one(arg);
            assert_eq!(t.dims(), &[] as &[usize], "{arg}");
            assert_eq!(t.item(), x, "{arg}");
        }
    }

    #[test]
    fn nested_lists_become_row_major_tensors() {
        let t = one("m=[[1,2],[3,4]]");
        assert_eq!(t.dims(), &[2, 2]);
        assert_eq!(t.data(), &[1.0, 2.0, 3.0, 4.0]);
        let t = one("v=[ 1 , -2.5 ,3e1 ]");
        assert_eq!(t.dims(), &[3]);
        assert_eq!(t.data(), &[1.0, -2.5, 30.0]);
        let t = one("c=[[[1],[2]],[[3],[4]]]");
        assert_eq!(t.dims(), &[2, 2, 1]);
        assert_eq!(one("e=[]").dims(), &[0]);
        assert_eq!(one("e=[[],[]]").dims(), &[2, 0]);
    }

    #[test]
    fn comma_separated_and_repeated_assignments() {
        let b = parse(&["x=1,w=2", "m=[[1,2]],b=[3]"]).unwrap();
        let names: Vec<&str> = b.iter().map(|b| b.name.as_str()).collect();
        assert_eq!(names, ["x", "w", "m", "b"]);
        assert_eq!(b[1].value.item(), 2.0);
        assert_eq!(b[2].value.dims(), &[1, 2]);
        assert_eq!(b[3].value.data(), &[3.0]);
    }

    fn err(args: &[&str]) -> ValueError {
        parse(args).expect_err(&args.join(" "))
    }

    #[test]
    fn ragged_lists_name_the_variable_and_point_at_the_row() {
        let e = err(&["m=[[1,2],[3]]"]);
        assert_eq!(
            e.to_string(),
            "the value of `m` is ragged: this element has shape [1] but the first one has shape [2]"
        );
        assert_eq!(e.span, Span::new(9, 12));
        let e = err(&["m=[1,[2]]"]);
        assert!(matches!(e.kind, ValueErrorKind::Ragged { .. }));
        assert_eq!(e.span, Span::new(5, 8));
    }

    #[test]
    fn malformed_values_are_errors_with_positions() {
        let e = err(&["x=1.2.3"]);
        assert!(matches!(e.kind, ValueErrorKind::BadNumber { .. }));
        assert_eq!(e.span, Span::new(2, 7));
        for arg in [
            "x=abc", "x=", "x=[1,2", "x=[1 2]", "x=[1,]", "x=1;y=2", "x=inf", "x=nan", "x=1e",
        ] {
            let e = err(&[arg]);
            assert!(e.to_string().contains("`x`"), "{arg}: {e}");
        }
        let e = err(&["x=[1,2"]);
        assert_eq!(e.kind, ValueErrorKind::Unclosed { name: "x".into() });
        assert_eq!(e.span, Span::new(2, 3));
        let deep = format!("x={}1{}", "[".repeat(1000), "]".repeat(1000));
        assert!(matches!(err(&[&deep]).kind, ValueErrorKind::TooDeep { .. }));
    }

    #[test]
    fn names_are_checked() {
        assert!(matches!(
            err(&["x"]).kind,
            ValueErrorKind::NotAnAssignment(_)
        ));
        assert!(matches!(err(&["1x=2"]).kind, ValueErrorKind::BadName(_)));
        assert!(matches!(err(&["=2"]).kind, ValueErrorKind::BadName(_)));
        assert!(matches!(err(&["x-y=2"]).kind, ValueErrorKind::BadName(_)));
        assert!(matches!(
            err(&["sum=2"]).kind,
            ValueErrorKind::ReservedName(_)
        ));
        let e = err(&["x=1", "y=2,x=3"]);
        assert_eq!(e.kind, ValueErrorKind::Duplicate("x".into()));
        assert_eq!(e.span, Span::new(4, 5));
    }
}
