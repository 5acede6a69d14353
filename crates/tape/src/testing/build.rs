//! Turns a sequence of random choices into a [`Graph`] whose every value is
//! finite, moderate and away from kinks: the domain care that keeps random
//! graphs free of false alarms.
//!
//! Each choice names an op kind and four numbers that pick operands and
//! parameters. A choice whose op does not fit (a matmul of a vector, `ln`
//! of a value that is not positive enough without a guard, a `relu` of a
//! value too close to 0) is skipped. Shrinking the choices toward 0 gives
//! simpler graphs: kind 0 skips the step, kind 1 is negation, operand pick 0
//! is the latest value.

use super::expr::Expr;
use super::{Domain, GraphConfig};
use crate::{Shape, Tape, Tensor, Var};

/// Largest magnitude any value of a random graph may have.
const VALUE_LIMIT: f64 = 100.0;
/// Values fed to ops with a kink at 0 (and lanes fed to max) keep at least
/// this distance from the kink.
const KINK_MARGIN: f64 = 0.01;
/// Values fed to `ln`, `sqrt`, negative powers and divisors are at least
/// this far from 0, or they are guarded with `x² + 1`.
const POSITIVE_MARGIN: f64 = 0.25;
/// Scalar constants used by the scalar ops (none near 0).
const SCALARS: [f64; 5] = [0.5, 1.5, -2.0, 3.0, -0.75];

/// The number of built-in op kinds a choice can name.
pub(crate) const BUILTIN_KINDS: u16 = 39;

/// One random choice: an op kind and four numbers for operands and parameters.
pub(crate) type Choice = (u16, [u8; 4]);

/// The values of a graph under construction and the steps that made them.
pub(crate) struct Builder<'c> {
    config: &'c GraphConfig,
    values: Vec<Tensor<f64>>,
    pub(crate) exprs: Vec<Expr>,
}

impl<'c> Builder<'c> {
    pub(crate) fn new(config: &'c GraphConfig, inputs: &[Tensor<f64>]) -> Self {
        Builder {
            config,
            values: inputs.to_vec(),
            exprs: Vec::new(),
        }
    }

    /// Applies a choice if it fits; otherwise leaves the graph unchanged.
    /// Kind 0 skips (so shrinking can delete any step); kinds from 1 on name
    /// the built-ins, then the user ops (or only the user ops).
    pub(crate) fn push(&mut self, (kind, p): Choice) {
        let Some(kind) = kind.checked_sub(1) else {
            return;
        };
        let kind = if self.config.only_user_ops {
            kind + BUILTIN_KINDS
        } else {
            kind
        };
        let Some(steps) = self.propose(kind, p) else {
            return;
        };
        let (n_values, n_exprs) = (self.values.len(), self.exprs.len());
        for e in steps {
            match self.evaluate(&e) {
                Some(value) => {
                    self.values.push(value);
                    self.exprs.push(e);
                }
                None => {
                    self.values.truncate(n_values);
                    self.exprs.truncate(n_exprs);
                    return;
                }
            }
        }
    }

    /// The step's value, if it is small enough, finite and moderate.
    fn evaluate(&self, e: &Expr) -> Option<Tensor<f64>> {
        let tape = Tape::new();
        let vars: Vec<Var<'_, f64>> = self.values.iter().map(|x| tape.constant(x)).collect();
        let value = e.apply(&vars, &self.config.user_ops).value();
        let fine = value.numel() <= self.config.max_numel
            && value.rank() <= 4
            && value.data().iter().all(|x| x.abs() <= VALUE_LIMIT);
        fine.then_some(value)
    }

    /// An operand: pick 0 (and every even pick) is the latest value, so
    /// shrinking makes chains; odd picks reach back to any value.
    fn operand(&self, pick: u8) -> usize {
        let n = self.values.len();
        if pick.is_multiple_of(2) {
            n - 1
        } else {
            (pick as usize / 2) % n
        }
    }

    fn shape(&self, i: usize) -> &Shape {
        self.values[i].shape()
    }

    /// The steps for one choice, with a `x² + 1` guard first where the op
    /// needs a positive (or nonzero) operand that `a` is not.
    fn propose(&self, kind: u16, p: [u8; 4]) -> Option<Vec<Expr>> {
        use Expr as E;
        let a = self.operand(p[0]);
        let rank = self.shape(a).rank();
        let c = SCALARS[p[1] as usize % SCALARS.len()];
        let next = self.values.len();
        let one = |e: Expr| Some(vec![e]);
        // `op` applied to `a`, or to `a² + 1` if `a` is not safely positive.
        let positive = |op: fn(usize) -> Expr| self.guarded(a, Domain::Positive, op);
        let away = |op: fn(usize) -> Expr| self.guarded(a, Domain::AwayFromKink, op);
        match kind {
            0 => one(E::Neg(a)),
            1 => one(E::Add(a, self.broadcastable(a, p[1]))),
            2 => one(E::Sub(a, self.broadcastable(a, p[1]))),
            3 => one(E::Mul(a, self.broadcastable(a, p[1]))),
            4 => {
                let b = self.broadcastable(a, p[1]);
                if self.fits(b, Domain::NonZero) {
                    one(E::Div(a, b))
                } else {
                    Some(vec![E::SquarePlusOne(b), E::Div(a, next)])
                }
            }
            5 => one(E::AddScalar(a, c)),
            6 => one(E::SubScalar(a, c)),
            7 => one(E::MulScalar(a, c)),
            8 => one(E::DivScalar(a, c)),
            9 => one(E::RSubScalar(c, a)),
            10 => self.guarded(a, Domain::NonZero, |x| E::RDivScalar(c, x)),
            11 => one(E::Exp(a)),
            12 => positive(E::Ln),
            13 => positive(E::Sqrt),
            14 => {
                let power = [0.5, 1.5, -0.5, 2.5, -1.5][p[1] as usize % 5];
                self.guarded(a, Domain::Positive, |x| E::Powf(x, power))
            }
            15 => match [2, 3, -1, 0, 1, -2][p[1] as usize % 6] {
                n if n < 0 => self.guarded(a, Domain::NonZero, |x| E::Powi(x, n)),
                n => one(E::Powi(a, n)),
            },
            16 => away(E::Abs),
            17 => one(E::Sigmoid(a)),
            18 => away(E::Relu),
            19 => one(E::Tanh(a)),
            20 => away(E::Sign),
            21 => away(E::Step),
            22 => one(E::Sum(a)),
            23 => one(E::Mean(a)),
            24..=27 if rank == 0 => None,
            24 => one(E::SumAxis(a, p[1] as usize % rank, p[2] % 2 == 1)),
            25 => one(E::MeanAxis(a, p[1] as usize % rank, p[2] % 2 == 1)),
            26 | 27 => {
                let axis = p[1] as usize % rank;
                if !lanes_separated(&self.values[a], axis) {
                    return None;
                }
                if kind == 26 {
                    one(E::MaxAxis(a, axis, p[2] % 2 == 1))
                } else {
                    one(E::MaxMask(a, axis))
                }
            }
            28 => one(E::SumTo(a, sum_to_target(self.shape(a), p[1], p[2]))),
            29 => self.matmul(a, p[1]).map(|e| vec![e]),
            30 if rank >= 2 => one(E::Transpose(a)),
            31 => one(E::Reshape(a, reshape_target(self.shape(a), p[1]))),
            32 => one(E::BroadcastTo(
                a,
                broadcast_target(self.shape(a), p[1], p[2]),
            )),
            33 => self.narrow(a, p).map(|e| vec![e]),
            34 if rank >= 1 => {
                let axis = p[1] as usize % rank;
                let len = self.shape(a).dims()[axis];
                let total = len + 1 + p[2] as usize % 2;
                one(E::Pad(a, axis, p[3] as usize % (total - len + 1), total))
            }
            35 if rank >= 1 => {
                let rows = self.shape(a).dims()[0];
                let count = 1 + p[1] as usize % 4;
                one(E::IndexRows(a, indices(count, rows, p[2], p[3])))
            }
            36 if rank >= 1 => {
                let count = self.shape(a).dims()[0];
                let rows = count.max(2) - 1 + p[1] as usize % 3;
                one(E::IndexAddRows(a, indices(count, rows, p[2], p[3]), rows))
            }
            37 if rank >= 1 => {
                let axis = p[1] as usize % rank;
                let fits = |b: usize| {
                    let (s, t) = (self.shape(a), self.shape(b));
                    s.rank() == t.rank()
                        && (0..s.rank()).all(|k| k == axis || s.dims()[k] == t.dims()[k])
                };
                one(E::Concat(self.parts(a, p[2], p[3], fits), axis))
            }
            38 => {
                let axis = p[1] as usize % (rank + 1);
                let same = |b: usize| self.shape(b) == self.shape(a);
                one(E::Stack(self.parts(a, p[2], p[3], same), axis))
            }
            k if k >= BUILTIN_KINDS => self.user(k - BUILTIN_KINDS, a, p[1]),
            _ => None,
        }
    }

    /// Whether every element of value `i` suits `domain`.
    fn fits(&self, i: usize, domain: Domain) -> bool {
        let data = self.values[i].data();
        match domain {
            Domain::Real => true,
            Domain::Positive => data.iter().all(|&x| x >= POSITIVE_MARGIN),
            Domain::NonZero => data.iter().all(|&x| x.abs() >= POSITIVE_MARGIN),
            Domain::AwayFromKink => data.iter().all(|&x| x.abs() >= KINK_MARGIN),
        }
    }

    /// `op(a)` if `a` suits `domain`; `op(a² + 1)` for positive or nonzero
    /// domains otherwise; nothing for a kink the value is too close to.
    fn guarded(&self, a: usize, domain: Domain, op: impl Fn(usize) -> Expr) -> Option<Vec<Expr>> {
        if self.fits(a, domain) {
            Some(vec![op(a)])
        } else if domain == Domain::AwayFromKink {
            None
        } else {
            Some(vec![Expr::SquarePlusOne(a), op(self.values.len())])
        }
    }

    /// A value whose shape broadcasts with `a`'s (at least `a` itself).
    fn broadcastable(&self, a: usize, pick: u8) -> usize {
        let ok: Vec<usize> = (0..self.values.len())
            .filter(|&b| Shape::broadcast(self.shape(a), self.shape(b)).is_some())
            .collect();
        choose(&ok, pick, a)
    }

    /// `a` first, then one or two more values accepted by `fits` (possibly
    /// `a` again: shared subexpressions).
    fn parts(&self, a: usize, count: u8, pick: u8, fits: impl Fn(usize) -> bool) -> Vec<usize> {
        let ok: Vec<usize> = (0..self.values.len()).filter(|&b| fits(b)).collect();
        let mut parts = vec![a];
        for k in 0..1 + count as usize % 2 {
            parts.push(choose(&ok, pick.wrapping_add(k as u8 * 7), a));
        }
        parts
    }

    /// A matmul of `a` with any value it chains with, in any transposition
    /// (`a @ aᵀ` always chains).
    fn matmul(&self, a: usize, pick: u8) -> Option<Expr> {
        let sa = self.shape(a);
        if sa.rank() < 2 {
            return None;
        }
        let mut options = Vec::new();
        for b in 0..self.values.len() {
            let sb = self.shape(b);
            if sb.rank() < 2 {
                continue;
            }
            let (ba, bb) = (&sa.dims()[..sa.rank() - 2], &sb.dims()[..sb.rank() - 2]);
            if !(ba.is_empty() || bb.is_empty() || ba == bb) {
                continue;
            }
            for (ta, tb) in [(false, false), (false, true), (true, false), (true, true)] {
                let inner_a = sa.dims()[sa.rank() - if ta { 2 } else { 1 }];
                let inner_b = sb.dims()[sb.rank() - if tb { 1 } else { 2 }];
                if inner_a == inner_b {
                    options.push(Expr::MatMul(a, ta, b, tb));
                }
            }
        }
        let k = pick as usize % options.len();
        Some(options.swap_remove(k))
    }

    fn narrow(&self, a: usize, p: [u8; 4]) -> Option<Expr> {
        let dims = self.shape(a).dims();
        let axes: Vec<usize> = (0..dims.len()).filter(|&k| dims[k] >= 2).collect();
        let axis = *axes.get(p[1] as usize % axes.len().max(1))?;
        let start = p[2] as usize % dims[axis];
        let len = 1 + p[3] as usize % (dims[axis] - start);
        Some(Expr::Narrow(a, axis, start, len))
    }

    fn user(&self, k: u16, a: usize, pick: u8) -> Option<Vec<Expr>> {
        let op = self.config.user_ops.get(k as usize)?;
        let k = k as usize;
        if op.arity == 2 {
            let same: Vec<usize> = (0..self.values.len())
                .filter(|&b| self.shape(b) == self.shape(a))
                .collect();
            return Some(vec![Expr::User(k, vec![a, choose(&same, pick, a)])]);
        }
        self.guarded(a, op.domain, |x| Expr::User(k, vec![x]))
    }
}

/// `options[pick % len]`, or `fallback` if there are none.
fn choose(options: &[usize], pick: u8, fallback: usize) -> usize {
    if options.is_empty() {
        fallback
    } else {
        options[pick as usize % options.len()]
    }
}

/// Whether every lane along `axis` has a unique maximum, ahead of the
/// runner-up by at least the kink margin.
fn lanes_separated(x: &Tensor<f64>, axis: usize) -> bool {
    let dims = x.dims();
    let (outer, len, inner): (usize, usize, usize) = (
        dims[..axis].iter().product(),
        dims[axis],
        dims[axis + 1..].iter().product(),
    );
    (0..outer * inner).all(|lane| {
        let (o, i) = (lane / inner, lane % inner);
        let mut values: Vec<f64> = (0..len)
            .map(|k| x.data()[(o * len + k) * inner + i])
            .collect();
        values.sort_by(|a, b| b.total_cmp(a));
        values.len() < 2 || values[0] - values[1] >= KINK_MARGIN
    })
}

/// `count` row indices below `rows` (repeats allowed), from two picks.
fn indices(count: usize, rows: usize, p: u8, q: u8) -> Vec<usize> {
    let mut state = (p as u32) << 8 | q as u32 | 1 << 20;
    (0..count)
        .map(|k| {
            if p == 0 && q == 0 {
                return k % rows;
            }
            state ^= state << 13;
            state ^= state >> 17;
            state ^= state << 5;
            state as usize % rows
        })
        .collect()
}

/// A shape that broadcasts to `s`: drop some leading axes, set some to 1.
fn sum_to_target(s: &Shape, drop: u8, ones: u8) -> Shape {
    let keep = &s.dims()[drop as usize % (s.rank() + 1)..];
    let dims: Vec<usize> = keep
        .iter()
        .enumerate()
        .map(|(k, &d)| if ones >> k & 1 == 1 { 1 } else { d })
        .collect();
    Shape::from(dims)
}

/// Another shape with the same element count.
fn reshape_target(s: &Shape, pick: u8) -> Shape {
    let n = s.numel();
    let mut options: Vec<Vec<usize>> = vec![vec![n], vec![1, n], vec![n, 1]];
    for d in 2..n {
        if n.is_multiple_of(d) {
            options.push(vec![d, n / d]);
            options.push(vec![n / d, 1, d]);
        }
    }
    if n == 1 {
        options.push(vec![]);
    }
    Shape::from(options.swap_remove(pick as usize % options.len()))
}

/// A shape `s` broadcasts to: a new leading axis, or a size-1 axis grown.
fn broadcast_target(s: &Shape, pick: u8, size: u8) -> Shape {
    let size = 2 + size as usize % 2;
    let mut dims = s.dims().to_vec();
    let ones: Vec<usize> = (0..dims.len()).filter(|&k| dims[k] == 1).collect();
    match ones.get(pick as usize % (ones.len() + 1)) {
        Some(&k) => dims[k] = size,
        None => dims.insert(0, size),
    }
    Shape::from(dims)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lane_separation() {
        let x = Tensor::from([[1.0, 3.0], [2.0, 2.005]]);
        assert!(lanes_separated(&x, 0));
        assert!(!lanes_separated(&x, 1));
    }

    #[test]
    fn shape_targets_are_valid() {
        let s = Shape::new(&[2, 1, 3]);
        for p in 0..8 {
            assert!(sum_to_target(&s, p, p * 3).broadcasts_to(&s));
            assert!(s.broadcasts_to(&broadcast_target(&s, p, p)));
            assert_eq!(reshape_target(&s, p).numel(), 6);
        }
        assert!(indices(5, 3, 7, 9).iter().all(|&i| i < 3));
        assert_eq!(indices(3, 2, 0, 0), vec![0, 1, 0]);
    }
}
