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

/// How many characters of the input [`render`] shows on each side of the
/// span; the rest is cut and marked with `…`.
pub const CONTEXT: usize = 60;

/// How many characters of the span itself [`render`] shows at most.
pub const MAX_SPAN: usize = 120;

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
/// tabs) are shown as spaces so the caret stays aligned. A long input is
/// clipped to [`CONTEXT`] characters on each side of the span (and the span
/// to [`MAX_SPAN`] characters), each cut marked with `…`, so an 80 KB
/// expression prints one short line; the column reported is still the
/// column in the whole input.
pub fn render(message: &str, label: &str, text: &str, span: Span) -> String {
    let start = clamp_to_char_boundary(text, span.start);
    let end = clamp_to_char_boundary(text, span.end.max(start));
    let column = text[..start].chars().count();
    let width = text[start..end].chars().count().clamp(1, MAX_SPAN);
    let chars: Vec<char> = text
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    let from = column.saturating_sub(CONTEXT);
    let to = (column + width + CONTEXT).min(chars.len());
    let mut shown = String::new();
    let mut caret_column = column - from;
    if from > 0 {
        shown.push('…');
        caret_column += 1;
    }
    shown.extend(&chars[from..to]);
    if to < chars.len() {
        shown.push('…');
    }
    let mut out = String::new();
    let _ = writeln!(out, "error: {message}");
    let _ = writeln!(out, "  --> {label}, column {}", column + 1);
    let _ = writeln!(out, "   |");
    let _ = writeln!(out, "   | {shown}");
    let _ = write!(
        out,
        "   | {}{}",
        " ".repeat(caret_column),
        "^".repeat(width)
    );
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

    /// The shown input line and the caret line of a rendering.
    fn last_two(r: &str) -> (String, String) {
        let lines: Vec<&str> = r.lines().collect();
        let n = lines.len();
        let strip = |l: &str| l.strip_prefix("   | ").unwrap_or(l).to_string();
        (strip(lines[n - 2]), strip(lines[n - 1]))
    }

    /// The shown character the first caret sits under.
    fn under_caret(shown: &str, carets: &str) -> char {
        let col = carets.chars().take_while(|&c| c == ' ').count();
        shown
            .chars()
            .nth(col)
            .expect("the caret is within the line")
    }

    #[test]
    fn a_long_input_is_clipped_around_the_span_with_the_caret_aligned() {
        // 40 000 `a + ` then `bad` then 40 000 more: about 80 KB.
        let text = format!("{}bad{}", "a + ".repeat(10_000), " + a".repeat(10_000));
        let start = text.find("bad").unwrap();
        let r = render("boom", "expression", &text, Span::new(start, start + 3));
        assert!(r.len() < 400, "{} bytes:\n{r}", r.len());
        assert!(r.contains(&format!("column {}", start + 1)), "{r}");
        let (shown, carets) = last_two(&r);
        assert!(shown.starts_with('…') && shown.ends_with('…'), "{shown}");
        // `…` + 60 characters + the span + 60 characters + `…`.
        assert_eq!(shown.chars().count(), 1 + CONTEXT + 3 + CONTEXT + 1);
        assert_eq!(carets.trim_start(), "^^^");
        assert_eq!(under_caret(&shown, &carets), 'b');
        let col = carets.chars().take_while(|&c| c == ' ').count();
        assert_eq!(col, 1 + CONTEXT);
        let at: String = shown.chars().skip(col).take(3).collect();
        assert_eq!(at, "bad");
    }

    #[test]
    fn a_span_near_either_end_is_cut_on_the_other_side_only() {
        let text = format!("x{}", " + y".repeat(1000));
        let r = render("boom", "expression", &text, Span::new(0, 1));
        let (shown, carets) = last_two(&r);
        assert!(!shown.starts_with('…') && shown.ends_with('…'), "{shown}");
        assert_eq!(carets, "^");
        assert_eq!(under_caret(&shown, &carets), 'x');

        // An empty span at the very end (e.g. a missing operand).
        let end = text.len();
        let r = render("eof", "expression", &text, Span::new(end, end));
        let (shown, carets) = last_two(&r);
        assert!(shown.starts_with('…') && !shown.ends_with('…'), "{shown}");
        assert_eq!(shown.chars().count(), 1 + CONTEXT);
        assert_eq!(carets, format!("{}^", " ".repeat(1 + CONTEXT)));
        assert!(r.contains(&format!("column {}", end + 1)), "{r}");
    }

    #[test]
    fn a_huge_span_shows_at_most_max_span_carets() {
        let text = format!("f({})", "1".repeat(5_000));
        let r = render("bad", "expression", &text, Span::new(2, 5_002));
        let (shown, carets) = last_two(&r);
        assert_eq!(carets, format!("  {}", "^".repeat(MAX_SPAN)));
        assert_eq!(shown.chars().count(), 2 + MAX_SPAN + CONTEXT + 1);
        assert!(shown.starts_with("f(1") && shown.ends_with('…'), "{shown}");
    }

    #[test]
    fn clipping_counts_characters_not_bytes() {
        // Multi-byte characters before the span: the cut and the caret
        // still fall on character boundaries, under the span.
        let text = format!("{}z", "é + ".repeat(100));
        let start = text.find('z').unwrap();
        let r = render("bad", "expression", &text, Span::new(start, start + 1));
        let (shown, carets) = last_two(&r);
        assert_eq!(under_caret(&shown, &carets), 'z');
        assert!(r.contains("column 401"), "{r}");
    }
}
