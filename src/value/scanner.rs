//! The scanner behind `--at` parsing: names, numbers and nested lists,
//! each error with the span it points at.

use tape::{Shape, Tensor};

use super::{ValueError, ValueErrorKind, MAX_RANK};
use crate::diagnostic::Span;
use crate::expr::ast::Func;

/// A parsed value before it is checked to be rectangular.
enum Node {
    Number(f64),
    List(Vec<(Node, Span)>),
}

/// A cursor over one `--at` argument.
pub(super) struct Scanner<'a> {
    text: &'a str,
    pub(super) pos: usize,
}

impl<'a> Scanner<'a> {
    /// A scanner at the start of `text`.
    pub(super) fn new(text: &'a str) -> Self {
        Scanner { text, pos: 0 }
    }

    pub(super) fn peek(&self) -> Option<u8> {
        self.text.as_bytes().get(self.pos).copied()
    }

    pub(super) fn skip_space(&mut self) {
        while self.peek().is_some_and(|c| c.is_ascii_whitespace()) {
            self.pos += 1;
        }
    }

    pub(super) fn error(&self, span: Span, kind: ValueErrorKind) -> ValueError {
        ValueError {
            arg: self.text.to_string(),
            span,
            kind,
        }
    }

    /// The span of the character at the cursor (empty at the end).
    pub(super) fn char_span(&self) -> Span {
        let len = self.text[self.pos..]
            .chars()
            .next()
            .map_or(0, char::len_utf8);
        Span::new(self.pos, self.pos + len)
    }

    /// The character at the cursor, described for an error message.
    pub(super) fn found(&self) -> String {
        match self.text[self.pos..].chars().next() {
            Some(c) => format!("`{c}`"),
            None => "the end of the argument".to_string(),
        }
    }

    /// `NAME=`: returns the name and its span, leaving the cursor after `=`.
    pub(super) fn name(&mut self) -> Result<(String, Span), ValueError> {
        self.skip_space();
        let start = self.pos;
        let Some(eq) = self.text[start..].find('=').map(|i| start + i) else {
            let found = if start == self.text.len() {
                "nothing".to_string()
            } else {
                format!("`{}`", &self.text[start..])
            };
            let span = Span::new(start, self.text.len());
            return Err(self.error(span, ValueErrorKind::NotAnAssignment(found)));
        };
        let name = self.text[start..eq].trim_end();
        let span = Span::new(start, start + name.len());
        let valid = name
            .bytes()
            .next()
            .is_some_and(|c| c.is_ascii_alphabetic() || c == b'_')
            && name.bytes().all(|c| c.is_ascii_alphanumeric() || c == b'_');
        if !valid {
            let span = if name.is_empty() {
                Span::new(eq, eq + 1)
            } else {
                span
            };
            return Err(self.error(span, ValueErrorKind::BadName(name.to_string())));
        }
        if Func::from_name(name).is_some() {
            return Err(self.error(span, ValueErrorKind::ReservedName(name.to_string())));
        }
        self.pos = eq + 1;
        Ok((name.to_string(), span))
    }

    /// A number or nested list, checked to be rectangular.
    pub(super) fn value(&mut self, name: &str) -> Result<Tensor<f64>, ValueError> {
        self.skip_space();
        let node = self.node(name, 0)?;
        let mut data = Vec::new();
        let shape = self.flatten(name, &node, &mut data)?;
        Ok(Tensor::from_vec(data, shape))
    }

    fn node(&mut self, name: &str, depth: usize) -> Result<Node, ValueError> {
        self.skip_space();
        match self.peek() {
            Some(b'[') => {
                let open = Span::new(self.pos, self.pos + 1);
                if depth >= MAX_RANK {
                    let kind = ValueErrorKind::TooDeep { name: name.into() };
                    return Err(self.error(open, kind));
                }
                self.pos += 1;
                self.list(name, depth, open)
            }
            Some(c) if c.is_ascii_digit() || matches!(c, b'.' | b'-' | b'+') => self.number(name),
            _ => {
                let kind = ValueErrorKind::Unexpected {
                    name: name.into(),
                    expected: "a number or `[`",
                    found: self.found(),
                };
                Err(self.error(self.char_span(), kind))
            }
        }
    }

    /// The elements after a `[` up to its `]`.
    fn list(&mut self, name: &str, depth: usize, open: Span) -> Result<Node, ValueError> {
        let mut items = Vec::new();
        self.skip_space();
        if self.peek() == Some(b']') {
            self.pos += 1;
            return Ok(Node::List(items));
        }
        loop {
            self.skip_space();
            let start = self.pos;
            let item = self.node(name, depth + 1)?;
            items.push((item, Span::new(start, self.pos)));
            self.skip_space();
            match self.peek() {
                Some(b',') => self.pos += 1,
                Some(b']') => {
                    self.pos += 1;
                    return Ok(Node::List(items));
                }
                None => {
                    let kind = ValueErrorKind::Unclosed { name: name.into() };
                    return Err(self.error(open, kind));
                }
                Some(_) => {
                    let kind = ValueErrorKind::Unexpected {
                        name: name.into(),
                        expected: "`,` or `]`",
                        found: self.found(),
                    };
                    return Err(self.error(self.char_span(), kind));
                }
            }
        }
    }

    /// A decimal number: optional sign, digits with an optional point, and
    /// an optional exponent (`-2`, `.5`, `1e-3`).
    fn number(&mut self, name: &str) -> Result<Node, ValueError> {
        let bytes = self.text.as_bytes();
        let start = self.pos;
        let mut i = start;
        if matches!(bytes.get(i), Some(b'-' | b'+')) {
            i += 1;
        }
        while i < bytes.len() && (bytes[i].is_ascii_alphanumeric() || bytes[i] == b'.') {
            let exponent_sign =
                matches!(bytes[i], b'e' | b'E') && matches!(bytes.get(i + 1), Some(b'-' | b'+'));
            i += if exponent_sign { 2 } else { 1 };
        }
        let i = i.min(bytes.len());
        self.pos = i;
        let text = &self.text[start..i];
        let digits = text.trim_start_matches(['-', '+']);
        let numeric = digits.starts_with(|c: char| c.is_ascii_digit() || c == '.');
        match text.parse::<f64>() {
            Ok(x) if numeric && digits != "." && x.is_finite() => Ok(Node::Number(x)),
            // Only overflow makes a literal of this syntax infinite (`1e999`).
            Ok(_) if numeric && digits != "." => {
                let kind = ValueErrorKind::NotFinite {
                    name: name.into(),
                    text: text.into(),
                };
                Err(self.error(Span::new(start, i), kind))
            }
            _ => {
                let kind = ValueErrorKind::BadNumber {
                    name: name.into(),
                    text: text.into(),
                };
                Err(self.error(Span::new(start, i), kind))
            }
        }
    }

    /// Appends the numbers of `node` in row-major order and returns its
    /// shape, or an error at the first element whose shape differs from its
    /// first sibling's.
    fn flatten(&self, name: &str, node: &Node, out: &mut Vec<f64>) -> Result<Shape, ValueError> {
        match node {
            Node::Number(x) => {
                out.push(*x);
                Ok(Shape::scalar())
            }
            Node::List(items) => {
                let mut first: Option<Shape> = None;
                for (item, item_span) in items {
                    let shape = self.flatten(name, item, out)?;
                    match &first {
                        None => first = Some(shape),
                        Some(expected) if *expected != shape => {
                            let kind = ValueErrorKind::Ragged {
                                name: name.into(),
                                expected: expected.to_string(),
                                found: shape.to_string(),
                            };
                            return Err(self.error(*item_span, kind));
                        }
                        Some(_) => {}
                    }
                }
                let mut dims = vec![items.len()];
                dims.extend_from_slice(first.unwrap_or_else(Shape::scalar).dims());
                Ok(Shape::from(dims))
            }
        }
    }
}
