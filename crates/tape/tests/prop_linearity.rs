//! Backward is linear: in the seed message, and over sums of outputs. Both
//! follow from each node adding up its incoming messages and each VJP being
//! linear in the message; checked on random graphs of every built-in op.

use proptest::prelude::*;
use proptest::sample::Index;
use tape::testing::{arb_graph, arb_tensor, proptest_config, Graph};
use tape::{Gradients, Tape, Tensor, Var};

/// `|x - y| <= 1e-10 (1 + |x| + |y|)` elementwise: equal up to rounding.
fn assert_close(x: &Tensor<f64>, y: &Tensor<f64>, what: &str) {
    assert_eq!(x.shape(), y.shape(), "{what}");
    for (k, (a, b)) in x.data().iter().zip(y.data()).enumerate() {
        let tol = 1e-10 * (1.0 + a.abs() + b.abs());
        assert!((a - b).abs() <= tol, "{what}: element {k}: {a} vs {b}");
    }
}

fn grads_of(g: &Gradients<f64>, x: &[Var<'_, f64>]) -> Vec<Tensor<f64>> {
    x.iter().map(|&v| g[v].clone()).collect()
}

/// `sum(c * v)` for a random constant `c` drawn from `seed`.
fn weigh(v: Var<'_, f64>, seed: u64) -> Var<'_, f64> {
    use rand::{rngs::StdRng, SeedableRng};
    let c = Tensor::<f64>::randn(v.shape(), &mut StdRng::seed_from_u64(seed));
    (v * v.tape().constant(c)).sum()
}

/// A graph with two seeds shaped like its output and two coefficients.
fn graph_and_seeds() -> impl Strategy<Value = (Graph, Tensor<f64>, Tensor<f64>, f64, f64)> {
    arb_graph().prop_flat_map(|g| {
        let shape = g.output_shape();
        (
            Just(g),
            arb_tensor(shape.clone()),
            arb_tensor(shape),
            -2.0..2.0f64,
            -2.0..2.0f64,
        )
    })
}

proptest! {
    #![proptest_config(proptest_config(256))]

    /// grads(α s1 + β s2) = α grads(s1) + β grads(s2).
    #[test]
    fn backward_is_linear_in_the_seed((g, s1, s2, alpha, beta) in graph_and_seeds()) {
        let tape = Tape::new();
        let x: Vec<_> = g.inputs().iter().map(|t| tape.var(t)).collect();
        let y = g.record(&x);
        let combined = s1.mul_scalar(alpha).add(&s2.mul_scalar(beta));
        let g1 = grads_of(&y.backward_with(s1), &x);
        let g2 = grads_of(&y.backward_with(s2), &x);
        let g12 = grads_of(&y.backward_with(combined), &x);
        for i in 0..x.len() {
            let expected = g1[i].mul_scalar(alpha).add(&g2[i].mul_scalar(beta));
            assert_close(&g12[i], &expected, &format!("input {i} of {g:?}"));
        }
    }

    /// grad(L1 + L2) = grad(L1) + grad(L2) for two values of one graph
    /// (possibly the same one, possibly sharing subexpressions).
    #[test]
    fn the_gradient_of_a_sum_is_the_sum_of_gradients(
        g in arb_graph(),
        (i, j) in (any::<Index>(), any::<Index>()),
        seed in any::<u64>(),
    ) {
        let tape = Tape::new();
        let x: Vec<_> = g.inputs().iter().map(|t| tape.var(t)).collect();
        let values = g.record_all(&x);
        let (u, w) = (values[i.index(values.len())], values[j.index(values.len())]);
        // Contract each with a fixed random weight so the losses are scalars.
        let (l1, l2) = (weigh(u, seed ^ 1), weigh(w, seed ^ 2));
        let total = l1 + l2;
        let (g1, g2, g12) = (
            grads_of(&l1.backward(), &x),
            grads_of(&l2.backward(), &x),
            grads_of(&total.backward(), &x),
        );
        for k in 0..x.len() {
            assert_close(&g12[k], &g1[k].add(&g2[k]), &format!("input {k} of {g:?}"));
        }
    }
}
