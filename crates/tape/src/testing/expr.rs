//! One step of a random graph: a built-in op (or a user op) applied to
//! earlier values, how to record it, and how to print it as Rust-like code.

use std::fmt;

use super::UserOp;
use crate::{Shape, Var};

/// A step of a [`Graph`](super::Graph). Operands are indices of earlier
/// values (the inputs come first).
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Expr {
    Add(usize, usize),
    Sub(usize, usize),
    Mul(usize, usize),
    Div(usize, usize),
    Neg(usize),
    AddScalar(usize, f64),
    SubScalar(usize, f64),
    MulScalar(usize, f64),
    DivScalar(usize, f64),
    RSubScalar(f64, usize),
    RDivScalar(f64, usize),
    Exp(usize),
    Ln(usize),
    Sqrt(usize),
    Powf(usize, f64),
    Powi(usize, i32),
    /// `x² + 1`: the guard that makes a value positive for `ln`, `sqrt`...
    SquarePlusOne(usize),
    Abs(usize),
    Sigmoid(usize),
    Relu(usize),
    Tanh(usize),
    Sign(usize),
    Step(usize),
    Sum(usize),
    Mean(usize),
    SumAxis(usize, usize, bool),
    MeanAxis(usize, usize, bool),
    MaxAxis(usize, usize, bool),
    MaxMask(usize, usize),
    SumTo(usize, Shape),
    MatMul(usize, bool, usize, bool),
    Transpose(usize),
    Reshape(usize, Shape),
    BroadcastTo(usize, Shape),
    Narrow(usize, usize, usize, usize),
    Pad(usize, usize, usize, usize),
    IndexRows(usize, Vec<usize>),
    IndexAddRows(usize, Vec<usize>, usize),
    Concat(Vec<usize>, usize),
    Stack(Vec<usize>, usize),
    /// A user op (index into the graph's user ops) and its operands.
    User(usize, Vec<usize>),
}

impl Expr {
    /// Records this step on the tape of `v` (the values so far).
    pub(crate) fn apply<'t>(&self, v: &[Var<'t, f64>], user: &[UserOp]) -> Var<'t, f64> {
        use Expr as E;
        match self {
            E::Add(a, b) => v[*a] + v[*b],
            E::Sub(a, b) => v[*a] - v[*b],
            E::Mul(a, b) => v[*a] * v[*b],
            E::Div(a, b) => v[*a] / v[*b],
            E::Neg(a) => -v[*a],
            E::AddScalar(a, c) => v[*a] + *c,
            E::SubScalar(a, c) => v[*a] - *c,
            E::MulScalar(a, c) => v[*a] * *c,
            E::DivScalar(a, c) => v[*a] / *c,
            E::RSubScalar(c, a) => *c - v[*a],
            E::RDivScalar(c, a) => *c / v[*a],
            E::Exp(a) => v[*a].exp(),
            E::Ln(a) => v[*a].ln(),
            E::Sqrt(a) => v[*a].sqrt(),
            E::Powf(a, p) => v[*a].powf(*p),
            E::Powi(a, n) => v[*a].powi(*n),
            E::SquarePlusOne(a) => v[*a].square() + 1.0,
            E::Abs(a) => v[*a].abs(),
            E::Sigmoid(a) => v[*a].sigmoid(),
            E::Relu(a) => v[*a].relu(),
            E::Tanh(a) => v[*a].tanh(),
            E::Sign(a) => v[*a].sign(),
            E::Step(a) => v[*a].step(),
            E::Sum(a) => v[*a].sum(),
            E::Mean(a) => v[*a].mean(),
            E::SumAxis(a, axis, k) => v[*a].sum_axis(*axis, *k),
            E::MeanAxis(a, axis, k) => v[*a].mean_axis(*axis, *k),
            E::MaxAxis(a, axis, k) => v[*a].max_axis(*axis, *k),
            E::MaxMask(a, axis) => v[*a].max_mask(*axis),
            E::SumTo(a, s) => v[*a].sum_to(s),
            E::MatMul(a, false, b, false) => v[*a].matmul(v[*b]),
            E::MatMul(a, ta, b, tb) => v[*a].matmul_t(*ta, v[*b], *tb),
            E::Transpose(a) => v[*a].transpose(),
            E::Reshape(a, s) => v[*a].reshape(s),
            E::BroadcastTo(a, s) => v[*a].broadcast_to(s),
            E::Narrow(a, axis, start, len) => v[*a].narrow(*axis, *start, *len),
            E::Pad(a, axis, start, total) => v[*a].pad(*axis, *start, *total),
            E::IndexRows(a, idx) => v[*a].index_rows(idx),
            E::IndexAddRows(a, idx, rows) => v[*a].index_add_rows(idx, *rows),
            E::Concat(parts, axis) => Var::concat(&pick(v, parts), *axis),
            E::Stack(parts, axis) => Var::stack(&pick(v, parts), *axis),
            E::User(op, args) => (user[*op].f)(&pick(v, args)),
        }
    }

    /// Prints the step as Rust-like code over the values `v0, v1, ...`.
    pub(crate) fn write(&self, f: &mut fmt::Formatter<'_>, user: &[UserOp]) -> fmt::Result {
        use Expr as E;
        let n = |i: &usize| format!("v{i}");
        match self {
            E::Add(a, b) => write!(f, "{} + {}", n(a), n(b)),
            E::Sub(a, b) => write!(f, "{} - {}", n(a), n(b)),
            E::Mul(a, b) => write!(f, "{} * {}", n(a), n(b)),
            E::Div(a, b) => write!(f, "{} / {}", n(a), n(b)),
            E::Neg(a) => write!(f, "-{}", n(a)),
            E::AddScalar(a, c) => write!(f, "{} + {c:?}", n(a)),
            E::SubScalar(a, c) => write!(f, "{} - {c:?}", n(a)),
            E::MulScalar(a, c) => write!(f, "{} * {c:?}", n(a)),
            E::DivScalar(a, c) => write!(f, "{} / {c:?}", n(a)),
            E::RSubScalar(c, a) => write!(f, "{c:?} - {}", n(a)),
            E::RDivScalar(c, a) => write!(f, "{c:?} / {}", n(a)),
            E::Powf(a, p) => write!(f, "{}.powf({p:?})", n(a)),
            E::Powi(a, k) => write!(f, "{}.powi({k})", n(a)),
            E::SquarePlusOne(a) => write!(f, "{}.square() + 1.0", n(a)),
            E::SumAxis(a, axis, k) => write!(f, "{}.sum_axis({axis}, {k})", n(a)),
            E::MeanAxis(a, axis, k) => write!(f, "{}.mean_axis({axis}, {k})", n(a)),
            E::MaxAxis(a, axis, k) => write!(f, "{}.max_axis({axis}, {k})", n(a)),
            E::MaxMask(a, axis) => write!(f, "{}.max_mask({axis})", n(a)),
            E::SumTo(a, s) => write!(f, "{}.sum_to({s:?})", n(a)),
            E::MatMul(a, false, b, false) => write!(f, "{}.matmul({})", n(a), n(b)),
            E::MatMul(a, ta, b, tb) => write!(f, "{}.matmul_t({ta}, {}, {tb})", n(a), n(b)),
            E::Reshape(a, s) => write!(f, "{}.reshape({s:?})", n(a)),
            E::BroadcastTo(a, s) => write!(f, "{}.broadcast_to({s:?})", n(a)),
            E::Narrow(a, axis, s, l) => write!(f, "{}.narrow({axis}, {s}, {l})", n(a)),
            E::Pad(a, axis, s, t) => write!(f, "{}.pad({axis}, {s}, {t})", n(a)),
            E::IndexRows(a, idx) => write!(f, "{}.index_rows(&{idx:?})", n(a)),
            E::IndexAddRows(a, idx, r) => write!(f, "{}.index_add_rows(&{idx:?}, {r})", n(a)),
            E::Concat(p, axis) => write!(f, "Var::concat(&[{}], {axis})", list(p)),
            E::Stack(p, axis) => write!(f, "Var::stack(&[{}], {axis})", list(p)),
            E::User(op, args) => write!(f, "{}(&[{}])", user[*op].name, list(args)),
            E::Exp(a)
            | E::Ln(a)
            | E::Sqrt(a)
            | E::Abs(a)
            | E::Sigmoid(a)
            | E::Relu(a)
            | E::Tanh(a)
            | E::Sign(a)
            | E::Step(a)
            | E::Sum(a)
            | E::Mean(a)
            | E::Transpose(a) => write!(f, "{}.{}()", n(a), self.method()),
        }
    }

    /// The method name of a one-operand step without parameters.
    fn method(&self) -> &'static str {
        use Expr as E;
        match self {
            E::Exp(_) => "exp",
            E::Ln(_) => "ln",
            E::Sqrt(_) => "sqrt",
            E::Abs(_) => "abs",
            E::Sigmoid(_) => "sigmoid",
            E::Relu(_) => "relu",
            E::Tanh(_) => "tanh",
            E::Sign(_) => "sign",
            E::Step(_) => "step",
            E::Sum(_) => "sum",
            E::Mean(_) => "mean",
            E::Transpose(_) => "transpose",
            _ => unreachable!("method() is only called for parameterless unary steps"),
        }
    }
}

fn pick<'t>(v: &[Var<'t, f64>], indices: &[usize]) -> Vec<Var<'t, f64>> {
    indices.iter().map(|&i| v[i]).collect()
}

fn list(indices: &[usize]) -> String {
    let names: Vec<String> = indices.iter().map(|i| format!("v{i}")).collect();
    names.join(", ")
}
