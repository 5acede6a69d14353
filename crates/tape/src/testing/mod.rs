//! proptest strategies for gradient checks (behind the `proptest` feature).
//!
//! - Shapes: [`arb_shape`], [`arb_broadcast_pair`], [`arb_broadcast_shapes`].
//! - Values: [`arb_tensor`] (values `±[0.1, 2]`, away from the kinks at 0),
//!   [`arb_positive_tensor`], [`arb_tensor_in`], [`arb_shaped_tensor`].
//! - Random expression graphs over every built-in op, with shared
//!   subexpressions and unused branches: [`arb_graph`], or
//!   [`arb_graph_with`] a [`GraphConfig`] that adds your own ops, checked
//!   with [`assert_gradients_ok`].
//!
//! ```
//! use proptest::prelude::*;
//! use tape::testing::{arb_graph, assert_gradients_ok};
//!
//! proptest!(ProptestConfig::with_cases(16), |(g in arb_graph())| {
//!     assert_gradients_ok(g);
//! });
//! ```
//!
//! ## Domain care: how random graphs avoid false alarms
//!
//! Graphs are built step by step at their input values, and every step
//! keeps the values well inside the ops' domains:
//!
//! - `ln`, `sqrt` and `powf` get values `>= 0.25`; any other value `x` is
//!   first mapped through `x² + 1` (an explicit step of the graph). Divisors
//!   and negative integer powers likewise get `|x| >= 0.25` or `x² + 1`.
//! - `relu`, `abs`, `sign` and `step` are only applied to values with
//!   `|x| >= 0.01`, and `max_axis`/`max_mask` only along lanes whose maximum
//!   leads the runner-up by `0.01`: sample points stay away from kinks.
//! - A step whose values would exceed `100` in magnitude, or hold more
//!   than [`GraphConfig::max_numel`] elements, is dropped.
//! - [`Var::detach`](crate::Var::detach) and
//!   [`Tape::no_grad`](crate::Tape::no_grad) are never used: they cut a
//!   dependency on purpose, which finite differences cannot know.
//!
//! And the checker itself accepts subgradients at kinks (see
//! [`crate::check`]), so a point that lands on a kink anyway (say, after
//! shrinking made two inputs equal) is not reported either.

mod build;
mod expr;
mod graph;

use std::ops::Range;

use proptest::collection::vec;
use proptest::prelude::*;
use proptest::test_runner::Config;

pub use graph::{
    arb_graph, arb_graph_with, assert_gradients_ok, Domain, Graph, GraphConfig, UserFn, UserOp,
};

use crate::{Shape, Tensor};

/// A proptest config with `default_cases` cases, unless the
/// `PROPTEST_CASES` environment variable says otherwise, and room for 4096
/// shrinking steps (unless `PROPTEST_MAX_SHRINK_ITERS` says otherwise) so a
/// failing random graph shrinks down to the op at fault.
///
/// ```
/// let config = tape::testing::proptest_config(64);
/// match std::env::var("PROPTEST_CASES") {
///     Ok(n) => assert_eq!(config.cases.to_string(), n),
///     Err(_) => assert_eq!(config.cases, 64),
/// }
/// ```
pub fn proptest_config(default_cases: u32) -> Config {
    let from_env = |name: &str| std::env::var(name).ok().and_then(|s| s.parse().ok());
    let defaults = Config::default();
    Config {
        cases: from_env("PROPTEST_CASES").unwrap_or(default_cases),
        max_shrink_iters: from_env("PROPTEST_MAX_SHRINK_ITERS").unwrap_or(4096),
        ..defaults
    }
}

/// Shapes of rank 0 to 3 with dimensions 1 to 4.
pub fn arb_shape() -> impl Strategy<Value = Shape> {
    arb_shape_with(0..4, 1..5)
}

/// Shapes with a rank in `ranks` and dimensions in `dims`.
pub fn arb_shape_with(ranks: Range<usize>, dims: Range<usize>) -> impl Strategy<Value = Shape> {
    vec(dims, ranks).prop_map(Shape::from)
}

/// Two shapes that broadcast together (`[2, 1, 3]` and `[4, 1]`, ...): one
/// drops leading axes of a common shape, and each sets some axes to 1.
pub fn arb_broadcast_pair() -> impl Strategy<Value = (Shape, Shape)> {
    arb_broadcast_shapes(2, 3, 4).prop_map(|s| (s[0].clone(), s[1].clone()))
}

/// `n` shapes that all broadcast together, of rank up to `max_rank` and
/// dimensions up to `max_dim`. The first is the full common shape; each
/// other one drops some leading axes of it and sets some axes to 1.
pub fn arb_broadcast_shapes(
    n: usize,
    max_rank: usize,
    max_dim: usize,
) -> impl Strategy<Value = Vec<Shape>> {
    let full = vec(1..max_dim.max(1) + 1, 0..max_rank + 1);
    full.prop_flat_map(move |dims| {
        let rank = dims.len();
        let variant = (0..rank + 1, any::<u8>());
        (Just(dims), vec(variant, n.saturating_sub(1)))
    })
    .prop_map(|(dims, variants)| {
        let mut shapes = vec![Shape::new(&dims)];
        for (drop, ones) in variants {
            let kept: Vec<usize> = dims[drop..]
                .iter()
                .enumerate()
                .map(|(k, &d)| if ones >> k & 1 == 1 { 1 } else { d })
                .collect();
            shapes.push(Shape::from(kept));
        }
        shapes
    })
}

/// Tensors of `shape` with values `±[0.1, 2]`: moderate, and away from the
/// kinks of `relu`, `abs` and `sign` at 0.
pub fn arb_tensor(shape: Shape) -> impl Strategy<Value = Tensor<f64>> {
    let value = (0.1f64..2.0, any::<bool>()).prop_map(|(m, neg)| if neg { -m } else { m });
    vec(value, shape.numel()).prop_map(move |data| Tensor::from_vec(data, shape.clone()))
}

/// Tensors of `shape` with values in `[0.25, 2]`, for `ln`, `sqrt`,
/// `powf` and divisors.
pub fn arb_positive_tensor(shape: Shape) -> impl Strategy<Value = Tensor<f64>> {
    arb_tensor_in(shape, 0.25..2.0)
}

/// Tensors of `shape` with values uniform in `range`.
pub fn arb_tensor_in(shape: Shape, range: Range<f64>) -> impl Strategy<Value = Tensor<f64>> {
    vec(range, shape.numel()).prop_map(move |data| Tensor::from_vec(data, shape.clone()))
}

/// A tensor of an [`arb_shape`] with [`arb_tensor`] values.
pub fn arb_shaped_tensor() -> impl Strategy<Value = Tensor<f64>> {
    arb_shape().prop_flat_map(arb_tensor)
}

/// The guide `docs/gradient-checking.md`, included so that its examples run
/// as doctests.
#[cfg(doctest)]
#[doc = include_str!("../../../../docs/gradient-checking.md")]
pub struct GradientCheckingGuide;

#[cfg(test)]
mod tests {
    use proptest::strategy::ValueTree;
    use proptest::test_runner::TestRunner;

    use super::*;

    #[test]
    fn broadcast_shapes_broadcast() {
        let mut runner = TestRunner::deterministic();
        for _ in 0..200 {
            let shapes = arb_broadcast_shapes(3, 3, 4)
                .new_tree(&mut runner)
                .unwrap()
                .current();
            for s in &shapes {
                assert!(s.broadcasts_to(&shapes[0]), "{s:?} vs {:?}", shapes[0]);
            }
        }
    }

    #[test]
    fn tensors_stay_in_range() {
        let mut runner = TestRunner::deterministic();
        for _ in 0..100 {
            let t = arb_shaped_tensor().new_tree(&mut runner).unwrap().current();
            assert!(t.data().iter().all(|x| (0.1..2.0).contains(&x.abs())));
        }
    }
}
