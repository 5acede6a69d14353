//! Evaluates a syntax tree by recording it on a tape.
//!
//! Every shape is checked before its op is recorded (see [`super::check`]),
//! so a bad expression returns an [`ExprError`] pointing at the operator and
//! never reaches the tape's panics. Number literals stay plain numbers as
//! long as they can: `x * 2` records one `mul_scalar` node, `2 ^ 3` is
//! folded to `8`. Each recorded node is labelled with the text of its
//! subexpression (when short), so traces read `w * x = mul(w, x)`.

use std::collections::HashMap;

use tape::{Tape, Var};

use super::ast::{BinOp, Expr, ExprKind, Func};
use super::check;
use super::error::{ExprError, ExprErrorKind};
use crate::diagnostic::Span;

/// Integer exponents up to this size use `powi`; larger ones `powf`.
const MAX_POWI: f64 = 1024.0;

/// Subexpressions longer than this (in characters) are not used as labels.
const MAX_LABEL: usize = 40;

/// Records `expr`, parsed from `text`, on `tape`, reading variables from
/// `vars`, and returns the node holding its value.
pub fn eval<'t>(
    expr: &Expr,
    text: &str,
    tape: &'t Tape<f64>,
    vars: &HashMap<String, Var<'t, f64>>,
) -> Result<Var<'t, f64>, ExprError> {
    let evaluator = Evaluator { text, tape, vars };
    let value = evaluator.eval(expr)?;
    Ok(evaluator.node(value))
}

/// A value during evaluation: a plain number, or a recorded node.
#[derive(Clone, Copy)]
enum Val<'t> {
    Const(f64),
    Node(Var<'t, f64>),
}

struct Evaluator<'a, 't> {
    text: &'a str,
    tape: &'t Tape<f64>,
    vars: &'a HashMap<String, Var<'t, f64>>,
}

impl<'t> Evaluator<'_, 't> {
    /// The value as a node: numbers become labelled constants.
    fn node(&self, value: Val<'t>) -> Var<'t, f64> {
        match value {
            Val::Node(v) => v,
            Val::Const(c) => self.tape.constant(c).label(c.to_string()),
        }
    }

    fn eval(&self, expr: &Expr) -> Result<Val<'t>, ExprError> {
        let value = self.compute(expr)?;
        if let Val::Node(v) = value {
            if v.name().is_none() {
                if let Some(label) = self.label(expr) {
                    v.label(label);
                }
            }
        }
        Ok(value)
    }

    /// The source text of `expr` with runs of whitespace collapsed, if short.
    fn label(&self, expr: &Expr) -> Option<String> {
        let source = self.text.get(expr.span.start..expr.span.end)?;
        let label = source.split_whitespace().collect::<Vec<_>>().join(" ");
        (label.chars().count() <= MAX_LABEL).then_some(label)
    }

    fn compute(&self, expr: &Expr) -> Result<Val<'t>, ExprError> {
        match &expr.kind {
            ExprKind::Number(x) => Ok(Val::Const(*x)),
            ExprKind::Var(name) => match self.vars.get(name) {
                Some(v) => Ok(Val::Node(*v)),
                None => Err(ExprError::new(
                    ExprErrorKind::UnknownVariable(name.clone()),
                    expr.span,
                )),
            },
            ExprKind::Neg(inner) => Ok(match self.eval(inner)? {
                Val::Const(c) => Val::Const(-c),
                Val::Node(v) => Val::Node(-v),
            }),
            ExprKind::Binary {
                op,
                op_span,
                lhs,
                rhs,
            } => self.binary(*op, *op_span, lhs, rhs),
            ExprKind::Call { func, args, .. } => self.call(*func, args, expr.span),
        }
    }

    fn binary(
        &self,
        op: BinOp,
        op_span: Span,
        lhs: &Expr,
        rhs: &Expr,
    ) -> Result<Val<'t>, ExprError> {
        let left = self.eval(lhs)?;
        let right = self.eval(rhs)?;
        let at = |kind| ExprError::new(kind, op_span);
        Ok(match (op, left, right) {
            (BinOp::Pow, base, exponent) => {
                let Val::Const(p) = exponent else {
                    return Err(ExprError::new(ExprErrorKind::NonConstantExponent, rhs.span));
                };
                match base {
                    Val::Const(b) => Val::Const(b.powf(p)),
                    Val::Node(v) if p.fract() == 0.0 && p.abs() <= MAX_POWI => {
                        Val::Node(v.powi(p as i32))
                    }
                    Val::Node(v) => Val::Node(v.powf(p)),
                }
            }
            (BinOp::MatMul, a, b) => {
                let (a, b) = (self.node(a), self.node(b));
                check::matmul(&a.shape(), &b.shape()).map_err(at)?;
                Val::Node(a.matmul(b))
            }
            (_, Val::Const(a), Val::Const(b)) => Val::Const(match op {
                BinOp::Add => a + b,
                BinOp::Sub => a - b,
                BinOp::Mul => a * b,
                _ => a / b,
            }),
            (_, Val::Node(a), Val::Const(b)) => Val::Node(match op {
                BinOp::Add => a + b,
                BinOp::Sub => a - b,
                BinOp::Mul => a * b,
                _ => a / b,
            }),
            (_, Val::Const(a), Val::Node(b)) => Val::Node(match op {
                BinOp::Add => a + b,
                BinOp::Sub => a - b,
                BinOp::Mul => a * b,
                _ => a / b,
            }),
            (_, Val::Node(a), Val::Node(b)) => {
                check::broadcast(op.symbol(), &a.shape(), &b.shape()).map_err(at)?;
                Val::Node(match op {
                    BinOp::Add => a + b,
                    BinOp::Sub => a - b,
                    BinOp::Mul => a * b,
                    _ => a / b,
                })
            }
        })
    }

    fn call(&self, func: Func, args: &[Expr], span: Span) -> Result<Val<'t>, ExprError> {
        let x = self.node(self.eval(&args[0])?);
        let at = |kind| ExprError::new(kind, span);
        let axis = match args.get(1) {
            None => None,
            Some(arg) => Some(self.axis(func, arg, &x)?),
        };
        Ok(Val::Node(match func {
            Func::Sigmoid => x.sigmoid(),
            Func::Relu => x.relu(),
            Func::Tanh => x.tanh(),
            Func::Exp => x.exp(),
            Func::Ln => x.ln(),
            Func::Sqrt => x.sqrt(),
            Func::Abs => x.abs(),
            Func::Sum => match axis {
                Some(a) => x.sum_axis(a, false),
                None => x.sum(),
            },
            Func::Mean => match axis {
                Some(a) => x.mean_axis(a, false),
                None => x.mean(),
            },
            Func::Max => {
                let shape = x.shape();
                check::max(&shape, axis).map_err(at)?;
                match axis {
                    Some(a) => x.max_axis(a, false),
                    None => x.reshape([shape.numel()]).max_axis(0, false),
                }
            }
            Func::Transpose => {
                check::transpose(&x.shape()).map_err(at)?;
                x.transpose()
            }
        }))
    }

    /// The axis argument of `func` applied to `x`: a constant integer,
    /// negative counting from the end, within `x`'s rank.
    fn axis(&self, func: Func, arg: &Expr, x: &Var<'t, f64>) -> Result<usize, ExprError> {
        let bad = |kind| ExprError::new(kind, arg.span);
        let a = match self.eval(arg)? {
            Val::Const(a) if a.fract() == 0.0 && a.abs() <= i64::MAX as f64 => a as i64,
            _ => return Err(bad(ExprErrorKind::BadAxis { func: func.name() })),
        };
        check::axis(func.name(), a, &x.shape()).map_err(bad)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::expr::parse;
    use tape::Tensor;

    /// Evaluates `text` with the given variables; returns the value and the
    /// gradient of its sum for each variable, in the order given.
    fn run(
        text: &str,
        vars: &[(&str, Tensor<f64>)],
    ) -> Result<(Tensor<f64>, Vec<Tensor<f64>>), ExprError> {
        let tape = Tape::new();
        let handles: Vec<Var<'_, f64>> = vars.iter().map(|(_, t)| tape.var(t)).collect();
        let map = vars
            .iter()
            .zip(&handles)
            .map(|((n, _), v)| (n.to_string(), *v))
            .collect();
        let out = eval(&parse(text).unwrap(), text, &tape, &map)?;
        let grads = out.sum().backward();
        Ok((
            out.value(),
            handles.iter().map(|h| grads[*h].clone()).collect(),
        ))
    }

    #[test]
    fn constants_fold_and_mix_with_nodes() {
        let x = Tensor::scalar(3.0);
        let (v, g) = run("2 - x", &[("x", x.clone())]).unwrap();
        assert_eq!((v.item(), g[0].item()), (-1.0, -1.0));
        let (v, g) = run("12 / x", &[("x", x.clone())]).unwrap();
        assert_eq!((v.item(), g[0].item()), (4.0, -12.0 / 9.0));
        let (v, _) = run("2 ^ 3 ^ 2 - 2 * 3", &[]).unwrap();
        assert_eq!(v.item(), 512.0 - 6.0);
        // d/dx x^-1 = -x^-2; d/dx x^0.5 = 0.5 x^-0.5
        let (v, g) = run("x^-1", &[("x", x.clone())]).unwrap();
        assert_eq!((v.item(), g[0].item()), (1.0 / 3.0, -1.0 / 9.0));
        let (_, g) = run("x^0.5", &[("x", Tensor::scalar(4.0))]).unwrap();
        assert_eq!(g[0].item(), 0.25);
        let (v, g) = run("-x^2", &[("x", x)]).unwrap();
        assert_eq!((v.item(), g[0].item()), (-9.0, -6.0));
    }

    #[test]
    fn nodes_are_labelled_with_their_source_text() {
        let tape = Tape::new();
        let x = tape.var(2.0).label("x");
        let vars = HashMap::from([("x".to_string(), x)]);
        let text = "sigmoid(x  *  3) + -x";
        let out = eval(&parse(text).unwrap(), text, &tape, &vars).unwrap();
        assert_eq!(out.name().as_deref(), Some("sigmoid(x * 3) + -x"));
        let labels: Vec<Option<String>> = tape.node_ids().map(|id| tape.label_of(id)).collect();
        let expected = ["x", "x * 3", "sigmoid(x * 3)", "-x", "sigmoid(x * 3) + -x"];
        assert_eq!(labels, expected.map(|l| Some(l.to_string())));
    }

    #[test]
    fn reductions_with_and_without_axes() {
        let m = Tensor::from([[1.0, 5.0, 2.0], [7.0, 0.0, 3.0]]);
        let (v, g) = run("max(m)", &[("m", m.clone())]).unwrap();
        assert_eq!(v.item(), 7.0);
        assert_eq!(g[0].data(), &[0.0, 0.0, 0.0, 1.0, 0.0, 0.0]);
        let (v, g) = run("max(m, -1)", &[("m", m.clone())]).unwrap();
        assert_eq!(v.data(), &[5.0, 7.0]);
        assert_eq!(g[0].data(), &[0.0, 1.0, 0.0, 1.0, 0.0, 0.0]);
        let (v, _) = run("sum(m, 0)", &[("m", m.clone())]).unwrap();
        assert_eq!(v.data(), &[8.0, 5.0, 5.0]);
        let (v, g) = run("mean(m, 1)", &[("m", m.clone())]).unwrap();
        assert_eq!(v.data(), &[8.0 / 3.0, 10.0 / 3.0]);
        assert_eq!(g[0].data(), &[1.0 / 3.0; 6]);
        let (v, _) = run("transpose(m)", &[("m", m)]).unwrap();
        assert_eq!(v.dims(), &[3, 2]);
        assert_eq!(v.data(), &[1.0, 7.0, 5.0, 0.0, 2.0, 3.0]);
    }

    #[test]
    fn errors_point_at_the_operator_or_argument() {
        let m = Tensor::<f64>::zeros([2, 3]);
        let b = Tensor::<f64>::zeros([2]);
        let vars = [("m", m), ("b", b)];
        let e = |text: &str| run(text, &vars).expect_err(text);

        let err = e("sum(m + b)");
        assert!(matches!(err.kind, ExprErrorKind::Broadcast { op: "+", .. }));
        assert_eq!(err.span, Span::new(6, 7));
        let err = e("m @ m");
        assert!(matches!(err.kind, ExprErrorKind::MatmulInner { .. }));
        assert_eq!(err.span, Span::new(2, 3));
        let err = e("b @ m");
        assert!(matches!(
            err.kind,
            ExprErrorKind::MatmulRank { side: "left", .. }
        ));
        let err = e("m + y");
        assert_eq!(err.kind, ExprErrorKind::UnknownVariable("y".into()));
        assert_eq!(err.span, Span::new(4, 5));
        let err = e("m ^ b");
        assert_eq!(err.kind, ExprErrorKind::NonConstantExponent);
        assert_eq!(err.span, Span::new(4, 5));
        let err = e("sum(m, 2)");
        assert!(matches!(
            err.kind,
            ExprErrorKind::AxisOutOfRange { axis: 2, .. }
        ));
        assert_eq!(err.span, Span::new(7, 8));
        assert!(matches!(
            e("sum(m, 0.5)").kind,
            ExprErrorKind::BadAxis { .. }
        ));
        assert!(matches!(
            e("mean(m, b)").kind,
            ExprErrorKind::BadAxis { .. }
        ));
        assert!(matches!(
            e("transpose(b)").kind,
            ExprErrorKind::TransposeRank(_)
        ));
        assert!(matches!(
            run("max(z)", &[("z", Tensor::zeros([0]))])
                .err()
                .unwrap()
                .kind,
            ExprErrorKind::EmptyMax(_)
        ));
    }
}
