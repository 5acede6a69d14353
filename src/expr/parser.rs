//! A recursive-descent parser with Python's precedence:
//!
//! ```text
//! expr    = term (("+" | "-") term)*            left-associative
//! term    = unary (("*" | "/" | "@") unary)*    left-associative
//! unary   = "-" unary | power
//! power   = primary ("^" unary)?                right-associative; -x^2 = -(x^2), 2^-1 ok
//! primary = NUMBER | NAME | NAME "(" expr ("," expr)* ")" | "(" expr ")"
//! ```

use super::ast::{BinOp, Expr, ExprKind, Func};
use super::error::{ExprError, ExprErrorKind};
use super::lexer::{tokenize, Token, TokenKind};
use crate::diagnostic::Span;

/// The deepest nesting (of parentheses, operators and calls) accepted.
pub const MAX_DEPTH: usize = 200;

/// Parses a whole expression.
pub fn parse(text: &str) -> Result<Expr, ExprError> {
    let tokens = tokenize(text)?;
    if tokens.len() == 1 {
        return Err(ExprError::new(
            ExprErrorKind::Empty,
            Span::new(0, text.len()),
        ));
    }
    let mut parser = Parser {
        tokens,
        pos: 0,
        nesting: 0,
    };
    let expr = parser.expr()?;
    let next = parser.peek();
    if next.kind != TokenKind::End {
        return Err(unexpected("an operator or the end of the expression", next));
    }
    Ok(expr)
}

struct Parser {
    tokens: Vec<Token>,
    pos: usize,
    /// How deeply `unary` is nested right now (bounds the recursion).
    nesting: usize,
}

fn unexpected(expected: &'static str, found: &Token) -> ExprError {
    ExprError::new(
        ExprErrorKind::Unexpected {
            expected,
            found: found.kind.to_string(),
        },
        found.span,
    )
}

/// The depth of a node over `span` with these children, refused if too deep.
fn depth_of(span: Span, children: &[&Expr]) -> Result<usize, ExprError> {
    let depth = 1 + children.iter().map(|c| c.depth).max().unwrap_or(0);
    if depth > MAX_DEPTH {
        return Err(ExprError::new(ExprErrorKind::TooDeep(MAX_DEPTH), span));
    }
    Ok(depth)
}

fn leaf(kind: ExprKind, span: Span) -> Expr {
    Expr {
        kind,
        span,
        depth: 1,
    }
}

fn binary(op: BinOp, op_span: Span, lhs: Expr, rhs: Expr) -> Result<Expr, ExprError> {
    let span = lhs.span.to(rhs.span);
    let depth = depth_of(span, &[&lhs, &rhs])?;
    Ok(Expr {
        kind: ExprKind::Binary {
            op,
            op_span,
            lhs: Box::new(lhs),
            rhs: Box::new(rhs),
        },
        span,
        depth,
    })
}

impl Parser {
    fn peek(&self) -> &Token {
        &self.tokens[self.pos]
    }

    fn bump(&mut self) -> Token {
        let token = self.tokens[self.pos].clone();
        if token.kind != TokenKind::End {
            self.pos += 1;
        }
        token
    }

    fn expr(&mut self) -> Result<Expr, ExprError> {
        let mut lhs = self.term()?;
        loop {
            let op = match self.peek().kind {
                TokenKind::Plus => BinOp::Add,
                TokenKind::Minus => BinOp::Sub,
                _ => return Ok(lhs),
            };
            let op_span = self.bump().span;
            let rhs = self.term()?;
            lhs = binary(op, op_span, lhs, rhs)?;
        }
    }

    fn term(&mut self) -> Result<Expr, ExprError> {
        let mut lhs = self.unary()?;
        loop {
            let op = match self.peek().kind {
                TokenKind::Star => BinOp::Mul,
                TokenKind::Slash => BinOp::Div,
                TokenKind::At => BinOp::MatMul,
                _ => return Ok(lhs),
            };
            let op_span = self.bump().span;
            let rhs = self.unary()?;
            lhs = binary(op, op_span, lhs, rhs)?;
        }
    }

    fn unary(&mut self) -> Result<Expr, ExprError> {
        if self.nesting >= MAX_DEPTH {
            return Err(ExprError::new(
                ExprErrorKind::TooDeep(MAX_DEPTH),
                self.peek().span,
            ));
        }
        self.nesting += 1;
        let result = if self.peek().kind == TokenKind::Minus {
            let minus = self.bump().span;
            self.unary().and_then(|operand| {
                let span = minus.to(operand.span);
                let depth = depth_of(span, &[&operand])?;
                Ok(Expr {
                    kind: ExprKind::Neg(Box::new(operand)),
                    span,
                    depth,
                })
            })
        } else {
            self.power()
        };
        self.nesting -= 1;
        result
    }

    fn power(&mut self) -> Result<Expr, ExprError> {
        let base = self.primary()?;
        if self.peek().kind != TokenKind::Caret {
            return Ok(base);
        }
        let op_span = self.bump().span;
        let exponent = self.unary()?;
        binary(BinOp::Pow, op_span, base, exponent)
    }

    fn primary(&mut self) -> Result<Expr, ExprError> {
        let token = self.bump();
        match token.kind {
            TokenKind::Number(x) => Ok(leaf(ExprKind::Number(x), token.span)),
            TokenKind::Ident(name) => {
                if self.peek().kind == TokenKind::LParen {
                    self.call(name, token.span)
                } else if Func::from_name(&name).is_some() {
                    Err(ExprError::new(
                        ExprErrorKind::FunctionNotCalled(name),
                        token.span,
                    ))
                } else {
                    Ok(leaf(ExprKind::Var(name), token.span))
                }
            }
            TokenKind::LParen => {
                let inner = self.expr()?;
                let close = self.close_paren(token.span, "`)`")?;
                Ok(Expr {
                    span: token.span.to(close),
                    ..inner
                })
            }
            _ => Err(unexpected(
                "a number, a variable, a function call or `(`",
                &token,
            )),
        }
    }

    /// Consumes the `)` matching the `(` at `open`.
    fn close_paren(&mut self, open: Span, expected: &'static str) -> Result<Span, ExprError> {
        let token = self.peek();
        match token.kind {
            TokenKind::RParen => Ok(self.bump().span),
            TokenKind::End => Err(ExprError::new(ExprErrorKind::UnclosedParen, open)),
            _ => Err(unexpected(expected, token)),
        }
    }

    fn call(&mut self, name: String, name_span: Span) -> Result<Expr, ExprError> {
        let Some(func) = Func::from_name(&name) else {
            return Err(ExprError::new(
                ExprErrorKind::UnknownFunction(name),
                name_span,
            ));
        };
        let open = self.bump().span;
        let mut args = Vec::new();
        let close = if self.peek().kind == TokenKind::RParen {
            self.bump().span
        } else {
            loop {
                args.push(self.expr()?);
                if self.peek().kind == TokenKind::Comma {
                    self.bump();
                    continue;
                }
                break self.close_paren(open, "`,` or `)`")?;
            }
        };
        let span = name_span.to(close);
        let (min, max) = func.arity();
        if args.len() < min || args.len() > max {
            return Err(ExprError::new(
                ExprErrorKind::Arity {
                    func: func.name(),
                    expected: func.arity_words(),
                    found: args.len(),
                },
                span,
            ));
        }
        let children: Vec<&Expr> = args.iter().collect();
        let depth = depth_of(span, &children)?;
        Ok(Expr {
            kind: ExprKind::Call {
                func,
                name_span,
                args,
            },
            span,
            depth,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn show(text: &str) -> String {
        parse(text)
            .unwrap_or_else(|e| panic!("{text}: {e}"))
            .to_string()
    }

    fn err(text: &str) -> ExprError {
        parse(text).expect_err(text)
    }

    #[test]
    fn precedence_table() {
        let cases = [
            // + - below * / @, all left-associative
            ("a + b * c", "(+ a (* b c))"),
            ("a * b + c", "(+ (* a b) c)"),
            ("a - b - c", "(- (- a b) c)"),
            ("a / b / c", "(/ (/ a b) c)"),
            ("a @ b * c", "(* (@ a b) c)"),
            ("a * b @ c", "(@ (* a b) c)"),
            ("a + b @ c", "(+ a (@ b c))"),
            // ^ above unary minus, right-associative, unary minus allowed in the exponent
            ("-x^2", "(neg (^ x 2))"),
            ("x^2^3", "(^ x (^ 2 3))"),
            ("2^-1", "(^ 2 (neg 1))"),
            ("x^-2^2", "(^ x (neg (^ 2 2)))"),
            ("sum(x)^2", "(^ (sum x) 2)"),
            ("-x * y", "(* (neg x) y)"),
            ("a * -b", "(* a (neg b))"),
            ("a - -b", "(- a (neg b))"),
            ("--x", "(neg (neg x))"),
            ("x ** 2 * 3", "(* (^ x 2) 3)"),
            ("(a + b) * c", "(* (+ a b) c)"),
            ("a^(b + 1)", "(^ a (+ b 1))"),
            // calls bind tightest; arguments are full expressions
            ("sum(x * x, 1) + 1", "(+ (sum (* x x) 1) 1)"),
            ("-sigmoid(x)^2", "(neg (^ (sigmoid x) 2))"),
            ("transpose(a) @ b", "(@ (transpose a) b)"),
            ("max(x)", "(max x)"),
        ];
        for (text, expected) in cases {
            assert_eq!(show(text), expected, "{text}");
        }
    }

    #[test]
    fn spans_cover_operands_and_operators() {
        let e = parse("a + (b * c)").unwrap();
        assert_eq!(e.span, Span::new(0, 11));
        let ExprKind::Binary { op_span, rhs, .. } = &e.kind else {
            panic!("{e}")
        };
        assert_eq!(*op_span, Span::new(2, 3));
        assert_eq!(rhs.span, Span::new(4, 11)); // the parentheses belong to it
    }

    #[test]
    fn syntax_errors_point_at_the_problem() {
        let e = err("x + * y");
        assert!(matches!(e.kind, ExprErrorKind::Unexpected { .. }));
        assert_eq!(e.span, Span::new(4, 5));

        let e = err("x y");
        assert_eq!(e.span, Span::new(2, 3));
        assert_eq!(
            e.to_string(),
            "expected an operator or the end of the expression, found `y`"
        );

        let e = err("2 * (x + 1");
        assert_eq!(e.kind, ExprErrorKind::UnclosedParen);
        assert_eq!(e.span, Span::new(4, 5));

        let e = err("x + 1)");
        assert_eq!(e.span, Span::new(5, 6));

        let e = err("x +");
        assert_eq!(e.span, Span::new(3, 3));

        assert_eq!(err("   ").kind, ExprErrorKind::Empty);
        assert!(matches!(
            err("sum(x,)").kind,
            ExprErrorKind::Unexpected { .. }
        ));
    }

    #[test]
    fn names_are_checked() {
        let e = err("2 * foo(x)");
        assert_eq!(e.kind, ExprErrorKind::UnknownFunction("foo".into()));
        assert_eq!(e.span, Span::new(4, 7));

        let e = err("sum + 1");
        assert_eq!(e.kind, ExprErrorKind::FunctionNotCalled("sum".into()));
        assert_eq!(e.span, Span::new(0, 3));

        let e = err("sigmoid(x, 1)");
        assert!(matches!(e.kind, ExprErrorKind::Arity { found: 2, .. }));
        assert_eq!(e.span, Span::new(0, 13));
        assert!(matches!(
            err("sum()").kind,
            ExprErrorKind::Arity { found: 0, .. }
        ));
        assert!(matches!(
            err("max(x, 1, 2)").kind,
            ExprErrorKind::Arity { found: 3, .. }
        ));
    }

    #[test]
    fn deep_nesting_is_an_error_not_a_stack_overflow() {
        let deep = format!("{}x{}", "(".repeat(100_000), ")".repeat(100_000));
        assert_eq!(err(&deep).kind, ExprErrorKind::TooDeep(MAX_DEPTH));
        let minus = format!("{}x", "-".repeat(100_000));
        assert_eq!(err(&minus).kind, ExprErrorKind::TooDeep(MAX_DEPTH));
        let chain = vec!["x"; 100_000].join(" + ");
        assert_eq!(err(&chain).kind, ExprErrorKind::TooDeep(MAX_DEPTH));
        // Just under the limit is fine.
        let ok = vec!["x"; 150].join(" + ");
        assert!(parse(&ok).is_ok());
    }
}
