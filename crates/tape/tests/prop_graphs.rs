//! Gradients of random expression graphs over every built-in op agree with
//! finite differences (in f64), and the generator really covers every op.

use proptest::prelude::*;
use proptest::strategy::ValueTree;
use proptest::test_runner::TestRunner;
use tape::check::GradCheck;
use tape::testing::{arb_graph, arb_graph_with, assert_gradients_ok, proptest_config, GraphConfig};

proptest! {
    #![proptest_config(proptest_config(512))]

    /// Graphs of 5 to 10 ops over up to 3 broadcast-compatible inputs.
    #[test]
    fn random_graphs_match_finite_differences(g in arb_graph()) {
        assert_gradients_ok(g);
    }

    /// The cheap directional check agrees too, on the same kind of graph.
    #[test]
    fn random_graphs_pass_the_directional_check(g in arb_graph()) {
        let report = GradCheck::new()
            .directions(3)
            .check_directional(|x| g.record(x), g.inputs());
        prop_assert!(report.is_ok(), "{}\nfor {:?}", report, g);
    }
}

proptest! {
    #![proptest_config(proptest_config(256))]

    /// Longer graphs (up to 24 ops) of fewer inputs: about a fifth of them
    /// are deeper than 8 ops, up to 15 (measured on the recorded graph by
    /// `deep_graph_strategy_reaches_depths_past_8` below).
    #[test]
    fn deep_random_graphs_match_finite_differences(
        g in arb_graph_with(GraphConfig::default().max_steps(24).max_inputs(2))
    ) {
        assert_gradients_ok(g);
    }
}

/// Every built-in op appears in the graphs the strategy draws (so the
/// property above really covers them all).
#[test]
fn random_graphs_use_every_builtin_op() {
    let expected = [
        "add",
        "sub",
        "mul",
        "div",
        "neg",
        "add_scalar",
        "mul_scalar",
        "div_scalar",
        "rsub_scalar",
        "rdiv_scalar",
        "exp",
        "ln",
        "sqrt",
        "powf",
        "powi",
        "abs",
        "sigmoid",
        "relu",
        "tanh",
        "sign",
        "step",
        "sum",
        "mean",
        "sum_axis",
        "mean_axis",
        "max_axis",
        "max_mask",
        "sum_to",
        "matmul",
        "transpose",
        "reshape",
        "broadcast_to",
        "concat",
        "narrow",
        "pad",
        "index_rows",
        "index_add_rows",
    ];
    let mut seen = std::collections::BTreeSet::new();
    let mut runner = TestRunner::deterministic();
    let strategy = arb_graph();
    for _ in 0..400 {
        let g = strategy.new_tree(&mut runner).unwrap().current();
        seen.extend(g.op_names());
    }
    let missing: Vec<&str> = expected
        .iter()
        .copied()
        .filter(|op| !seen.contains(*op))
        .collect();
    assert!(missing.is_empty(), "ops never drawn: {missing:?}");
}

/// Graphs have shared subexpressions, unused branches, and some depth.
#[test]
fn random_graphs_share_and_branch() {
    let mut runner = TestRunner::deterministic();
    let strategy = arb_graph();
    let (mut shared, mut unused, mut deep) = (0, 0, 0);
    for _ in 0..200 {
        let g = strategy.new_tree(&mut runner).unwrap().current();
        let tape = tape::Tape::new();
        let x: Vec<_> = g.inputs().iter().map(|t| tape.var(t)).collect();
        let values = g.record_all(&x);
        let out = *values.last().unwrap();
        let mut uses = vec![0usize; tape.len()];
        for id in tape.node_ids() {
            for p in tape.inputs_of(id) {
                uses[p.index()] += 1;
            }
        }
        let depth = depths(&tape);
        shared += usize::from(uses.iter().any(|&u| u >= 2));
        unused += usize::from(
            values
                .iter()
                .any(|v| v.id() != out.id() && uses[v.id().index()] == 0),
        );
        deep += usize::from(depth[out.id().index()] >= 6);
    }
    assert!(
        shared > 20 && unused > 20 && deep > 10,
        "shared {shared}, unused {unused}, deep {deep}"
    );
}

/// Each recorded node's depth: the number of ops on the longest path from
/// a leaf (input or constant) to it, following `tape.inputs_of`.
fn depths(tape: &tape::Tape<f64>) -> Vec<usize> {
    let mut depth = vec![0usize; tape.len()];
    for id in tape.node_ids() {
        for p in tape.inputs_of(id) {
            depth[id.index()] = depth[id.index()].max(depth[p.index()] + 1);
        }
    }
    depth
}

/// The longer graphs of `deep_random_graphs_match_finite_differences` are
/// deep, measured on the recorded graph: the longest input-to-output path
/// exceeds 8 ops in a good share of them, and reaches well past it.
/// (Uses the deterministic runner, so the counts are reproducible.)
#[test]
fn deep_graph_strategy_reaches_depths_past_8() {
    let mut runner = TestRunner::deterministic();
    let strategy = arb_graph_with(GraphConfig::default().max_steps(24).max_inputs(2));
    let mut output_depths = Vec::new();
    for _ in 0..200 {
        let g = strategy.new_tree(&mut runner).unwrap().current();
        let tape = tape::Tape::new();
        let x: Vec<_> = g.inputs().iter().map(|t| tape.var(t)).collect();
        let out = g.record(&x);
        output_depths.push(depths(&tape)[out.id().index()]);
    }
    let past_8 = output_depths.iter().filter(|&&d| d > 8).count();
    let deepest = output_depths.iter().copied().max().unwrap_or(0);
    eprintln!("output depths: {past_8} of 200 past 8, deepest {deepest}");
    assert!(
        past_8 >= PAST_8_AT_LEAST && deepest >= DEEPEST_AT_LEAST,
        "{past_8} of 200 graphs deeper than 8, deepest {deepest}: {output_depths:?}"
    );
}

/// Measured with the deterministic runner: 42 of 200 graphs deeper than 8,
/// the deepest 15 ops deep.
const PAST_8_AT_LEAST: usize = 30;
const DEEPEST_AT_LEAST: usize = 14;
