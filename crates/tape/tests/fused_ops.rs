//! The fused ops (`linear`, `squared_error_mean`, `squared_error_sum`) and
//! the fused activation messages: values and gradients derived by hand
//! (f32 and f64), agreement with the compositions they replace, and
//! gradient checks against finite differences on random shapes.

mod common;

use common::{assert_close, t};
use proptest::prelude::*;
use tape::check::gradcheck;
use tape::testing::{arb_tensor, proptest_config};
use tape::{Scalar, Shape, Tape, Tensor};

fn linear_by_hand<T: Scalar>() {
    // x = [[1, 2], [3, -1]] (batch 2, in 2), w = [[1, 0], [2, -1], [0.5, 1]]
    // (out 3), b = [0.5, -1, 2]. y = x wᵀ + b:
    // row 0: [1 + 0.5, 2 - 2 - 1, 0.5 + 2 + 2] = [1.5, -1, 4.5]
    // row 1: [3 + 0.5, 6 + 1 - 1, 1.5 - 1 + 2] = [3.5, 6, 2.5]
    let tape = Tape::<T>::new();
    let x = tape.var(t::<T>(&[1., 2., 3., -1.], &[2, 2]));
    let w = tape.var(t::<T>(&[1., 0., 2., -1., 0.5, 1.], &[3, 2]));
    let b = tape.var(t::<T>(&[0.5, -1., 2.], &[3]));
    let y = x.linear(w, b);
    assert_eq!(tape.op_name_of(y.id()), "linear");
    assert_eq!(tape.inputs_of(y.id()), vec![x.id(), w.id(), b.id()]);
    assert_close(&y.value(), &[1.5, -1., 4.5, 3.5, 6., 2.5], &[2, 3]);
    // L = sum(y * G) with G = [[1, 2, -1], [0.5, 0, 3]]:
    // dx = G w = [[1 + 4 - 0.5, -2 - 1], [0.5 + 1.5, 3]] = [[4.5, -3], [2, 3]]
    // dw = Gᵀ x = [[1 + 1.5, 2 - 0.5], [2, 4], [-1 + 9, -2 - 3]]
    // db = column sums of G = [1.5, 2, 2]
    let g_out = tape.constant(t::<T>(&[1., 2., -1., 0.5, 0., 3.], &[2, 3]));
    let g = (y * g_out).sum().backward();
    assert_close(&g[x], &[4.5, -3., 2., 3.], &[2, 2]);
    assert_close(&g[w], &[2.5, 1.5, 2., 4., 8., -5.], &[3, 2]);
    assert_close(&g[b], &[1.5, 2., 2.], &[3]);
}

fn linear_matches_matmul_plus_bias<T: Scalar>() {
    let xs: Vec<f64> = (0..12).map(|i| (i as f64 * 0.7).sin()).collect();
    let ws: Vec<f64> = (0..20).map(|i| (i as f64 * 1.3).cos()).collect();
    let bs = [0.1, -0.2, 0.3, 0.4, -0.5];
    let gs: Vec<f64> = (0..15).map(|i| 1.0 + (i % 4) as f64 * 0.5).collect();
    let run = |fused: bool| {
        let tape = Tape::<T>::new();
        let x = tape.var(t::<T>(&xs, &[3, 4]));
        let w = tape.var(t::<T>(&ws, &[5, 4]));
        let b = tape.var(t::<T>(&bs, &[5]));
        let y = if fused {
            x.linear(w, b)
        } else {
            x.matmul_t(false, w, true) + b
        };
        let g = (y * tape.constant(t::<T>(&gs, &[3, 5]))).sum().backward();
        let f = |v: &Tensor<T>| {
            v.data()
                .iter()
                .map(|a| a.to_f64_lossy())
                .collect::<Vec<_>>()
        };
        [f(&y.value()), f(&g[x]), f(&g[w]), f(&g[b])]
    };
    let (fused, composed) = (run(true), run(false));
    let shapes: [&[usize]; 4] = [&[3, 5], &[3, 4], &[5, 4], &[5]];
    for ((f, c), shape) in fused.iter().zip(&composed).zip(shapes) {
        assert_close(&t::<T>(f, shape), c, shape);
    }
}

fn squared_error_by_hand<T: Scalar>() {
    // p = [[1, 3], [-2, 0.5]], y = [[0, 1], [1, 0.5]]: d = [[1, 2], [-3, 0]],
    // Σ d² = 14, mean 3.5. d/dp = 2d (sum) or 2d/4 (mean); d/dy the negative.
    let tape = Tape::<T>::new();
    let p = tape.var(t::<T>(&[1., 3., -2., 0.5], &[2, 2]));
    let y = tape.var(t::<T>(&[0., 1., 1., 0.5], &[2, 2]));
    let sum = p.squared_error_sum(y);
    let mean = p.squared_error_mean(y);
    assert_eq!(tape.op_name_of(sum.id()), "squared_error_sum");
    assert_eq!(tape.op_name_of(mean.id()), "squared_error_mean");
    assert_close(&sum.value(), &[14.], &[]);
    assert_close(&mean.value(), &[3.5], &[]);
    let g = sum.backward();
    assert_close(&g[p], &[2., 4., -6., 0.], &[2, 2]);
    assert_close(&g[y], &[-2., -4., 6., 0.], &[2, 2]);
    let g = (mean * 3.0_f64.into_t::<T>()).backward(); // outer factor 3
    assert_close(&g[p], &[1.5, 3., -4.5, 0.], &[2, 2]);
    assert_close(&g[y], &[-1.5, -3., 4.5, 0.], &[2, 2]);
}

/// `T::from_f64_lossy` as a postfix call, for readable test lines.
trait IntoT {
    fn into_t<T: Scalar>(self) -> T;
}

impl IntoT for f64 {
    fn into_t<T: Scalar>(self) -> T {
        T::from_f64_lossy(self)
    }
}

fn activation_messages_by_hand<T: Scalar>() {
    // relu' = [0, 0, 1] at x = [-1, 0, 2] (0 at the kink); sigmoid' = s(1-s);
    // tanh' = 1 - tanh². Messages G = [2, 3, -1].
    let tape = Tape::<T>::new();
    let xs = [-1., 0., 2.];
    let x = tape.var(t::<T>(&xs, &[3]));
    let gc = tape.constant(t::<T>(&[2., 3., -1.], &[3]));
    let g = (x.relu() * gc).sum().backward();
    assert_close(&g[x], &[0., 0., -1.], &[3]);
    let s = |v: f64| 1.0 / (1.0 + (-v).exp());
    let g = (x.sigmoid() * gc).sum().backward();
    let want: Vec<f64> = xs
        .iter()
        .zip([2., 3., -1.])
        .map(|(&v, m)| m * s(v) * (1.0 - s(v)))
        .collect();
    assert_close(&g[x], &want, &[3]);
    let g = (x.tanh() * gc).sum().backward();
    let want: Vec<f64> = xs
        .iter()
        .zip([2., 3., -1.])
        .map(|(&v, m)| m * (1.0 - v.tanh() * v.tanh()))
        .collect();
    assert_close(&g[x], &want, &[3]);
}

both_floats!(
    linear_by_hand,
    linear_matches_matmul_plus_bias,
    squared_error_by_hand,
    activation_messages_by_hand,
);

#[test]
#[should_panic(expected = "linear: expected x [batch, in], weight [out, in] and bias [out]")]
fn linear_names_its_shapes() {
    let tape = Tape::<f32>::new();
    let x = tape.var(Tensor::zeros([2, 3]));
    let w = tape.var(Tensor::zeros([4, 2]));
    let b = tape.var(Tensor::zeros([4]));
    x.linear(w, b);
}

#[test]
#[should_panic(
    expected = "squared_error: predictions have shape [2, 1] but targets have shape [2]"
)]
fn squared_error_names_its_shapes() {
    let tape = Tape::<f64>::new();
    let p = tape.var(Tensor::zeros([2, 1]));
    let y = tape.constant(Tensor::zeros([2]));
    p.squared_error_mean(y);
}

/// `x: [batch, in]`, `w: [out, in]`, `b: [out]` with random sizes and values.
fn linear_operands() -> impl Strategy<Value = (Tensor<f64>, Tensor<f64>, Tensor<f64>)> {
    (1..5usize, 1..5usize, 1..5usize).prop_flat_map(|(batch, n_in, n_out)| {
        (
            arb_tensor(Shape::new(&[batch, n_in])),
            arb_tensor(Shape::new(&[n_out, n_in])),
            arb_tensor(Shape::new(&[n_out])),
        )
    })
}

/// Two tensors of one random shape.
fn same_shape_pair() -> impl Strategy<Value = (Tensor<f64>, Tensor<f64>)> {
    tape::testing::arb_shape_with(0..4, 1..5)
        .prop_flat_map(|s| (arb_tensor(s.clone()), arb_tensor(s)))
}

proptest! {
    #![proptest_config(proptest_config(64))]

    #[test]
    fn linear_gradcheck((x, w, b) in linear_operands()) {
        gradcheck(|v| v[0].linear(v[1], v[2]), &[x, w, b]).assert_ok();
    }

    #[test]
    fn squared_error_gradcheck((p, y) in same_shape_pair()) {
        gradcheck(|v| v[0].squared_error_mean(v[1]), &[p.clone(), y.clone()]).assert_ok();
        gradcheck(|v| v[0].squared_error_sum(v[1]), &[p, y]).assert_ok();
    }

    /// The fused ops inside a bigger graph (fan-out, a second use of the
    /// output): messages still add up.
    #[test]
    fn fused_ops_compose_gradcheck((x, w, b) in linear_operands()) {
        gradcheck(
            |v| {
                let h = v[0].linear(v[1], v[2]);
                let a = h.tanh();
                a.squared_error_mean(h.sigmoid()) + h.relu().sum() * 0.5
            },
            &[x, w, b],
        )
        .assert_ok();
    }
}
