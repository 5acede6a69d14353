//! Random expression graphs: a small recipe of ops over a few input
//! tensors, recordable onto any `Tape<f64>` and printed as code.

use std::borrow::Borrow;
use std::collections::BTreeSet;
use std::fmt;
use std::sync::Arc;

use proptest::collection::vec;
use proptest::prelude::*;

use super::build::{Builder, Choice, BUILTIN_KINDS};
use super::expr::Expr;
use super::{arb_broadcast_shapes, arb_tensor};
use crate::check::{GradCheck, GradReport};
use crate::{Shape, Tape, Tensor, Var};

/// Where a (user) op may be applied without leaving its domain or landing
/// on a kink; random graphs feed it only such values.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Domain {
    /// Any finite value.
    Real,
    /// Values `>= 0.25`; others are first mapped through `x² + 1`
    /// (like `ln` and `sqrt`).
    Positive,
    /// Values with `|x| >= 0.25`; others are first mapped through `x² + 1`
    /// (like `1 / x`).
    NonZero,
    /// Values with `|x| >= 0.01`, away from a kink or jump at 0 (like
    /// `relu`, `abs`); the op is skipped for other values.
    AwayFromKink,
}

/// The function a user op applies to its operands.
pub type UserFn = dyn for<'t> Fn(&[Var<'t, f64>]) -> Var<'t, f64> + Send + Sync;

/// A user-defined op that random graphs may use, next to the built-ins.
#[derive(Clone)]
pub struct UserOp {
    pub(crate) name: String,
    pub(crate) arity: usize,
    pub(crate) domain: Domain,
    pub(crate) f: Arc<UserFn>,
}

impl fmt::Debug for UserOp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "UserOp({}, arity {}, {:?})",
            self.name, self.arity, self.domain
        )
    }
}

/// The size and contents of random graphs ([`arb_graph_with`]).
///
/// ```
/// use tape::testing::{Domain, GraphConfig};
/// let config = GraphConfig::default()
///     .max_steps(4)
///     .unary_op("softsign", Domain::Real, |x| x[0] / (x[0].abs() + 1.0));
/// assert_eq!(config.max_steps, 4);
/// ```
#[derive(Clone, Debug)]
pub struct GraphConfig {
    /// At most this many input tensors (at least 1). Default 3.
    pub max_inputs: usize,
    /// Between half this many and this many ops are drawn (guards such as
    /// `x² + 1` come on top, and ops that do not fit are skipped). Default 10.
    pub max_steps: usize,
    /// Input shapes have rank at most this. Default 3.
    pub max_rank: usize,
    /// Input dimensions are at most this. Default 4.
    pub max_dim: usize,
    /// No value of the graph has more elements than this. Default 64.
    pub max_numel: usize,
    /// Use only user ops, no built-ins. Default false.
    pub only_user_ops: bool,
    pub(crate) user_ops: Vec<UserOp>,
}

impl Default for GraphConfig {
    fn default() -> Self {
        GraphConfig {
            max_inputs: 3,
            max_steps: 10,
            max_rank: 3,
            max_dim: 4,
            max_numel: 64,
            only_user_ops: false,
            user_ops: Vec::new(),
        }
    }
}

impl GraphConfig {
    /// Sets [`GraphConfig::max_steps`].
    pub fn max_steps(mut self, steps: usize) -> Self {
        self.max_steps = steps;
        self
    }

    /// Sets [`GraphConfig::max_inputs`].
    pub fn max_inputs(mut self, inputs: usize) -> Self {
        self.max_inputs = inputs.max(1);
        self
    }

    /// Sets [`GraphConfig::only_user_ops`].
    pub fn only_user_ops(mut self, only: bool) -> Self {
        self.only_user_ops = only;
        self
    }

    /// Adds a one-operand user op. It must accept a value of any shape the
    /// graph holds (an elementwise op, a reduction...); it is fed only
    /// values in `domain`.
    pub fn unary_op<F>(mut self, name: impl Into<String>, domain: Domain, f: F) -> Self
    where
        F: for<'t> Fn(&[Var<'t, f64>]) -> Var<'t, f64> + Send + Sync + 'static,
    {
        self.user_ops.push(UserOp {
            name: name.into(),
            arity: 1,
            domain,
            f: Arc::new(f),
        });
        self
    }

    /// Adds a two-operand user op, applied to two values of the same shape
    /// (often the same value twice).
    pub fn binary_op<F>(mut self, name: impl Into<String>, f: F) -> Self
    where
        F: for<'t> Fn(&[Var<'t, f64>]) -> Var<'t, f64> + Send + Sync + 'static,
    {
        self.user_ops.push(UserOp {
            name: name.into(),
            arity: 2,
            domain: Domain::Real,
            f: Arc::new(f),
        });
        self
    }
}

/// A random expression graph: input tensors and a list of steps, each an op
/// applied to earlier values, with shared subexpressions (a value used
/// several times) and unused branches (values the output ignores).
///
/// Its `Debug` prints the graph as code with the input values, so a failing
/// (shrunk) proptest case reads like a reproduction:
///
/// ```text
/// Graph (2 inputs, 3 steps, output v4):
///   v0 = input [2, 3] [[0.1, -1.5, 0.75], [2.0, 0.25, -0.5]]
///   v1 = input [3] [1.25, 0.5, -0.1]
///   v2 = v0 * v1
///   v3 = v2.square() + 1.0
///   v4 = v3.ln()
/// ```
#[derive(Clone)]
pub struct Graph {
    inputs: Vec<Tensor<f64>>,
    exprs: Vec<Expr>,
    user_ops: Arc<[UserOp]>,
}

impl Graph {
    /// Builds the graph that `choices` describe over `inputs` (see `build`).
    pub(crate) fn build(
        config: &GraphConfig,
        inputs: Vec<Tensor<f64>>,
        choices: &[Choice],
    ) -> Self {
        let mut builder = Builder::new(config, &inputs);
        for &choice in choices {
            builder.push(choice);
        }
        Graph {
            exprs: builder.exprs,
            user_ops: config.user_ops.clone().into(),
            inputs,
        }
    }

    /// The input values the graph was drawn with.
    pub fn inputs(&self) -> &[Tensor<f64>] {
        &self.inputs
    }

    /// The number of steps (values computed from the inputs).
    pub fn len(&self) -> usize {
        self.exprs.len()
    }

    /// Whether the graph has no steps (its output is then its last input).
    pub fn is_empty(&self) -> bool {
        self.exprs.is_empty()
    }

    /// Records the graph on the tape of `inputs` (one handle per input, of
    /// the input's shape) and returns its output, the last value.
    ///
    /// # Panics
    /// If `inputs` has the wrong length or shapes.
    pub fn record<'t>(&self, inputs: &[Var<'t, f64>]) -> Var<'t, f64> {
        *self
            .record_all(inputs)
            .last()
            .expect("a graph has at least one input")
    }

    /// Records the graph and returns every value: the inputs, then one per
    /// step.
    pub fn record_all<'t>(&self, inputs: &[Var<'t, f64>]) -> Vec<Var<'t, f64>> {
        assert_eq!(
            inputs.len(),
            self.inputs.len(),
            "Graph::record: the graph has {} inputs but {} were given",
            self.inputs.len(),
            inputs.len()
        );
        let mut values = inputs.to_vec();
        for e in &self.exprs {
            let v = e.apply(&values, &self.user_ops);
            values.push(v);
        }
        values
    }

    /// The names of the tape ops the graph records (`"add"`, `"matmul"`...).
    pub fn op_names(&self) -> BTreeSet<String> {
        let tape = Tape::new();
        let vars: Vec<Var<'_, f64>> = self.inputs.iter().map(|x| tape.var(x)).collect();
        self.record(&vars);
        tape.node_ids().map(|id| tape.op_name_of(id)).collect()
    }

    /// Checks the graph's gradients at its inputs with `config`.
    pub fn check(&self, config: &GradCheck) -> GradReport {
        config.check(|x| self.record(x), &self.inputs)
    }

    /// The shape of the graph's output.
    pub fn output_shape(&self) -> Shape {
        let tape = Tape::new();
        let vars: Vec<Var<'_, f64>> = self.inputs.iter().map(|x| tape.constant(x)).collect();
        self.record(&vars).shape()
    }
}

impl fmt::Debug for Graph {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let n = self.inputs.len();
        write!(
            f,
            "Graph ({n} inputs, {} steps, output v{}):",
            self.exprs.len(),
            n + self.exprs.len() - 1
        )?;
        for (i, x) in self.inputs.iter().enumerate() {
            write!(f, "\n  v{i} = input {:?} {x}", x.shape())?;
        }
        for (k, e) in self.exprs.iter().enumerate() {
            write!(f, "\n  v{} = ", n + k)?;
            e.write(f, &self.user_ops)?;
        }
        Ok(())
    }
}

/// Random graphs with the default [`GraphConfig`]: up to 3 inputs of rank
/// up to 3 with broadcast-compatible shapes, 5 to 10 ops drawn from every
/// built-in op.
pub fn arb_graph() -> impl Strategy<Value = Graph> {
    arb_graph_with(GraphConfig::default())
}

/// Random graphs drawn with `config`, including its user ops.
pub fn arb_graph_with(config: GraphConfig) -> impl Strategy<Value = Graph> {
    let config = Arc::new(config);
    let users = config.user_ops.len() as u16;
    let kinds = if config.only_user_ops {
        users
    } else {
        BUILTIN_KINDS + users
    };
    // Kind 0 skips a step: rare when drawing, the way shrinking deletes one.
    // Kinds and operand picks are separate lists so that shrinking first
    // simplifies which ops there are, then which operands they take.
    let min_steps = (config.max_steps / 2).max(1);
    let kinds = vec(0..kinds + 1, min_steps..=config.max_steps);
    let picks = vec(any::<[u8; 4]>(), config.max_steps);
    let shapes = (1..=config.max_inputs.max(1))
        .prop_flat_map({
            let c = config.clone();
            move |n| arb_broadcast_shapes(n, c.max_rank, c.max_dim)
        })
        .prop_flat_map(|shapes| shapes.into_iter().map(arb_tensor).collect::<Vec<_>>());
    // Steps first: proptest shrinks a tuple left to right, and fewer,
    // simpler steps make a failing case readable sooner than rounder inputs.
    (kinds, picks, shapes).prop_map(move |(kinds, picks, inputs)| {
        let choices: Vec<Choice> = kinds.into_iter().zip(picks).collect();
        Graph::build(&config, inputs, &choices)
    })
}

/// Checks a graph's gradients with the default [`GradCheck`] and panics
/// with the report and the graph unless they agree.
///
/// ```
/// use proptest::prelude::*;
/// use tape::testing::{arb_graph, assert_gradients_ok};
/// proptest!(ProptestConfig::with_cases(8), |(g in arb_graph())| {
///     assert_gradients_ok(g);
/// });
/// ```
#[track_caller]
pub fn assert_gradients_ok(graph: impl Borrow<Graph>) {
    let graph = graph.borrow();
    let report = graph.check(&GradCheck::default());
    if !report.is_ok() {
        panic!("{report}\nfor {graph:?}");
    }
}
