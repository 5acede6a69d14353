//! Splits an expression into tokens, each with its byte span.

use std::fmt;

use super::error::{ExprError, ExprErrorKind};
use crate::diagnostic::Span;

/// What a token is.
#[derive(Clone, Debug, PartialEq)]
pub enum TokenKind {
    /// A number literal: `2`, `0.5`, `.5`, `1e-3`.
    Number(f64),
    /// A name: a variable or a function.
    Ident(String),
    /// `+`
    Plus,
    /// `-`
    Minus,
    /// `*`
    Star,
    /// `/`
    Slash,
    /// `@` (matrix product)
    At,
    /// `^` or `**` (power)
    Caret,
    /// `(`
    LParen,
    /// `)`
    RParen,
    /// `,`
    Comma,
    /// The end of the input.
    End,
}

impl fmt::Display for TokenKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TokenKind::Number(x) => write!(f, "the number `{x}`"),
            TokenKind::Ident(name) => write!(f, "`{name}`"),
            TokenKind::Plus => f.write_str("`+`"),
            TokenKind::Minus => f.write_str("`-`"),
            TokenKind::Star => f.write_str("`*`"),
            TokenKind::Slash => f.write_str("`/`"),
            TokenKind::At => f.write_str("`@`"),
            TokenKind::Caret => f.write_str("`^`"),
            TokenKind::LParen => f.write_str("`(`"),
            TokenKind::RParen => f.write_str("`)`"),
            TokenKind::Comma => f.write_str("`,`"),
            TokenKind::End => f.write_str("the end of the expression"),
        }
    }
}

/// A token and where it is in the input.
#[derive(Clone, Debug, PartialEq)]
pub struct Token {
    /// What it is.
    pub kind: TokenKind,
    /// Its bytes in the input.
    pub span: Span,
}

/// The tokens of `text`, ending with one [`TokenKind::End`].
pub fn tokenize(text: &str) -> Result<Vec<Token>, ExprError> {
    let bytes = text.as_bytes();
    let mut tokens = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        let c = bytes[i];
        let start = i;
        let single = match c {
            b'+' => Some(TokenKind::Plus),
            b'-' => Some(TokenKind::Minus),
            b'/' => Some(TokenKind::Slash),
            b'@' => Some(TokenKind::At),
            b'^' => Some(TokenKind::Caret),
            b'(' => Some(TokenKind::LParen),
            b')' => Some(TokenKind::RParen),
            b',' => Some(TokenKind::Comma),
            _ => None,
        };
        let kind = if c.is_ascii_whitespace() {
            i += 1;
            continue;
        } else if let Some(kind) = single {
            i += 1;
            kind
        } else if c == b'*' {
            // `**` is accepted as Python's spelling of `^`.
            if bytes.get(i + 1) == Some(&b'*') {
                i += 2;
                TokenKind::Caret
            } else {
                i += 1;
                TokenKind::Star
            }
        } else if c.is_ascii_digit() || c == b'.' {
            i = scan_number(bytes, i);
            let literal = &text[start..i];
            match literal.parse::<f64>() {
                Ok(x) if literal != "." && x.is_finite() => TokenKind::Number(x),
                // Only overflow makes a literal of this syntax infinite (`1e999`).
                Ok(_) if literal != "." => {
                    return Err(ExprError::new(
                        ExprErrorKind::NotFinite(literal.to_string()),
                        Span::new(start, i),
                    ))
                }
                _ => {
                    return Err(ExprError::new(
                        ExprErrorKind::BadNumber(literal.to_string()),
                        Span::new(start, i),
                    ))
                }
            }
        } else if c.is_ascii_alphabetic() || c == b'_' {
            while i < bytes.len() && (bytes[i].is_ascii_alphanumeric() || bytes[i] == b'_') {
                i += 1;
            }
            TokenKind::Ident(text[start..i].to_string())
        } else {
            let ch = text[start..].chars().next().unwrap_or('?');
            return Err(ExprError::new(
                ExprErrorKind::UnexpectedChar(ch),
                Span::new(start, start + ch.len_utf8()),
            ));
        };
        tokens.push(Token {
            kind,
            span: Span::new(start, i),
        });
    }
    tokens.push(Token {
        kind: TokenKind::End,
        span: Span::new(text.len(), text.len()),
    });
    Ok(tokens)
}

/// The end of the number literal starting at `i`: digits and dots, then an
/// optional exponent `e[+-]digits`. Malformed runs such as `1.2.3` or `1e`
/// are taken whole so the error can show them.
fn scan_number(bytes: &[u8], mut i: usize) -> usize {
    while i < bytes.len() && (bytes[i].is_ascii_digit() || bytes[i] == b'.') {
        i += 1;
    }
    if i < bytes.len() && (bytes[i] == b'e' || bytes[i] == b'E') {
        i += 1;
        if i < bytes.len() && (bytes[i] == b'+' || bytes[i] == b'-') {
            i += 1;
        }
        while i < bytes.len() && bytes[i].is_ascii_alphanumeric() {
            i += 1;
        }
    }
    i
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds_and_spans(text: &str) -> Vec<(TokenKind, usize, usize)> {
        tokenize(text)
            .unwrap()
            .into_iter()
            .map(|t| (t.kind, t.span.start, t.span.end))
            .collect()
    }

    #[test]
    fn tokens_carry_their_byte_positions() {
        use TokenKind::*;
        assert_eq!(
            kinds_and_spans("sum(x1 ** 2, 0)"),
            vec![
                (Ident("sum".into()), 0, 3),
                (LParen, 3, 4),
                (Ident("x1".into()), 4, 6),
                (Caret, 7, 9),
                (Number(2.0), 10, 11),
                (Comma, 11, 12),
                (Number(0.0), 13, 14),
                (RParen, 14, 15),
                (End, 15, 15),
            ]
        );
    }

    #[test]
    fn operators() {
        use TokenKind::*;
        let kinds: Vec<TokenKind> = kinds_and_spans("a+b-c*d/e@f^g")
            .into_iter()
            .map(|t| t.0)
            .filter(|k| !matches!(k, Ident(_)))
            .collect();
        assert_eq!(kinds, vec![Plus, Minus, Star, Slash, At, Caret, End]);
    }

    #[test]
    fn number_forms() {
        let n = |s: &str| match &tokenize(s).unwrap()[0].kind {
            TokenKind::Number(x) => *x,
            other => panic!("{s}: {other:?}"),
        };
        assert_eq!(n("2"), 2.0);
        assert_eq!(n(".5"), 0.5);
        assert_eq!(n("2."), 2.0);
        assert_eq!(n("1e-3"), 1e-3);
        assert_eq!(n("2.5E+2"), 250.0);
    }

    #[test]
    fn bad_numbers_are_reported_whole() {
        for (text, start, end) in [("1.2.3 + x", 0, 5), ("x * 1e", 4, 6), ("3e5x", 0, 4)] {
            let err = tokenize(text).unwrap_err();
            assert!(matches!(err.kind, ExprErrorKind::BadNumber(_)), "{text}");
            assert_eq!(err.span, Span::new(start, end), "{text}");
        }
        assert!(tokenize(". + x").is_err());
    }

    #[test]
    fn numbers_too_large_for_f64_are_errors_not_infinity() {
        for (text, start, end) in [("1e999", 0, 5), ("x * 2.5E+400", 4, 12), ("(.9e309)", 1, 7)] {
            let err = tokenize(text).unwrap_err();
            assert!(matches!(err.kind, ExprErrorKind::NotFinite(_)), "{text}");
            assert_eq!(err.span, Span::new(start, end), "{text}");
        }
        // The largest finite f64 and underflow to zero are numbers.
        assert_eq!(
            tokenize("1.7976931348623157e308").unwrap()[0].kind,
            TokenKind::Number(f64::MAX)
        );
        assert_eq!(tokenize("1e-999").unwrap()[0].kind, TokenKind::Number(0.0));
    }

    #[test]
    fn unexpected_characters_point_at_themselves() {
        let err = tokenize("x # y").unwrap_err();
        assert_eq!(err.kind, ExprErrorKind::UnexpectedChar('#'));
        assert_eq!(err.span, Span::new(2, 3));
        let err = tokenize("x + é").unwrap_err();
        assert_eq!(err.kind, ExprErrorKind::UnexpectedChar('é'));
        assert_eq!(err.span, Span::new(4, 6));
    }
}
