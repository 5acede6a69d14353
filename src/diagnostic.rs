//! Spans and the rustc-style rendering that points a caret at the offending
//! part of an input (the expression, or one `--at` argument).

use std::fmt::Write as _;

/// A byte range `start..end` into an input string. An empty span (`start ==
/// end`) marks a position, such as the end of the input.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Span {
    /// The first byte.
    pub start: usize,
    /// One past the last byte.
    pub end: usize,
}

impl Span {
    /// The span `start..end`.
    pub fn new(start: usize, end: usize) -> Self {
        Span { start, end }
    }

    /// The smallest span covering both.
    pub fn to(self, other: Span) -> Span {
        Span::new(self.start.min(other.start), self.end.max(other.end))
    }
}

/// Renders `message` followed by `text` with carets under `span`:
///
/// ```text
/// error: cannot broadcast shapes [2, 3] and [2] for `+`
///   --> expression, column 3
///    |
///    | m + b
///    |   ^
/// ```
///
/// Columns count characters, not bytes; control characters (newlines,
/// tabs) are shown as spaces so the caret stays aligned.
pub fn render(message: &str, label: &str, text: &str, span: Span) -> String {
    let start = clamp_to_char_boundary(text, span.start);
    let end = clamp_to_char_boundary(text, span.end.max(start));
    let column = text[..start].chars().count();
    let width = text[start..end].chars().count().max(1);
    let shown: String = text
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    let mut out = String::new();
    let _ = writeln!(out, "error: {message}");
    let _ = writeln!(out, "  --> {label}, column {}", column + 1);
    let _ = writeln!(out, "   |");
    let _ = writeln!(out, "   | {shown}");
    let _ = write!(out, "   | {}{}", " ".repeat(column), "^".repeat(width));
    out
}

/// The largest char boundary `<= i` (and `<= text.len()`).
fn clamp_to_char_boundary(text: &str, i: usize) -> usize {
    let mut i = i.min(text.len());
    while !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn caret_sits_under_the_span() {
        let r = render("boom", "expression", "m + b", Span::new(2, 3));
        let lines: Vec<&str> = r.lines().collect();
        assert_eq!(lines[0], "error: boom");
        assert_eq!(lines[1], "  --> expression, column 3");
        assert_eq!(lines[3], "   | m + b");
        assert_eq!(lines[4], "   |   ^");
    }

    #[test]
    fn empty_span_at_the_end_gets_one_caret() {
        let r = render("eof", "expression", "(x", Span::new(2, 2));
        assert!(r.ends_with("   | (x\n   |   ^"), "{r}");
    }

    #[test]
    fn columns_count_characters_not_bytes() {
        // 'é' is two bytes; the span of `y` starts at byte 5.
        let r = render("bad", "expression", "é + y", Span::new(5, 6));
        assert!(r.contains("column 5"), "{r}");
        assert!(r.ends_with("   |     ^"), "{r}");
    }

    #[test]
    fn wide_span_and_newlines() {
        let r = render("bad", "expression", "a\n+ foo(x)", Span::new(4, 7));
        assert!(r.contains("   | a + foo(x)\n   |     ^^^"), "{r}");
    }
}
