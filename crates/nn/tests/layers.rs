//! Each layer's output and gradients against independently computed values.

// Index loops mirror the math (sums over n, o, i).
#![allow(clippy::needless_range_loop)]

use nn::rand::{rngs::StdRng, SeedableRng};
use nn::{
    Activation, Init, LeakyReLU, Linear, Mlp, Module, ParamStore, ReLU, Sigmoid, Softmax, Tanh,
};
use tape::{Tape, Tensor};

fn close(a: &[f64], b: &[f64], tol: f64) {
    assert_eq!(a.len(), b.len(), "{a:?} vs {b:?}");
    for (x, y) in a.iter().zip(b) {
        assert!((x - y).abs() <= tol * (1.0 + y.abs()), "{a:?} vs {b:?}");
    }
}

#[test]
fn linear_matches_loops_and_its_gradients_are_the_closed_forms() {
    let mut store = ParamStore::<f64>::new();
    let fc = Linear::new(
        &mut store,
        "fc",
        3,
        2,
        true,
        Init::Zeros,
        &mut StdRng::seed_from_u64(0),
    );
    // W = [[1, 2, 3], [-1, 0.5, 2]] ([out, in]), b = [0.5, -1]
    let w = [[1.0, 2.0, 3.0], [-1.0, 0.5, 2.0]];
    let b = [0.5, -1.0];
    store.set_value(fc.weight, Tensor::from_vec(w.concat(), [2, 3]));
    store.set_value(fc.bias.unwrap(), Tensor::from_vec(b.to_vec(), [2]));
    let x = [[1.0, -2.0, 0.5], [3.0, 1.0, -1.0]];
    let tape = Tape::new();
    let bound = store.bind(&tape);
    let xv = tape.var(Tensor::from_vec(x.concat(), [2, 3]));
    let y = fc.forward(xv, &bound);
    let mut expected = vec![];
    for row in &x {
        for o in 0..2 {
            expected.push((0..3).map(|i| row[i] * w[o][i]).sum::<f64>() + b[o]);
        }
    }
    close(y.value().data(), &expected, 1e-15);

    // L = sum(y * c): dL/dW[o][i] = sum_n c[n][o] x[n][i], dL/db = column sums of c,
    // dL/dx[n][i] = sum_o c[n][o] W[o][i].
    let c = [[1.0, 2.0], [-0.5, 3.0]];
    let loss = (y * tape.constant(Tensor::from_vec(c.concat(), [2, 2]))).sum();
    let g = loss.backward();
    let mut dw = vec![];
    for o in 0..2 {
        for i in 0..3 {
            dw.push((0..2).map(|n| c[n][o] * x[n][i]).sum::<f64>());
        }
    }
    close(bound.grad(fc.weight, &g).unwrap().data(), &dw, 1e-15);
    close(
        bound.grad(fc.bias.unwrap(), &g).unwrap().data(),
        &[0.5, 5.0],
        1e-15,
    );
    let mut dx = vec![];
    for cn in &c {
        for i in 0..3 {
            dx.push((0..2).map(|o| cn[o] * w[o][i]).sum::<f64>());
        }
    }
    close(g[xv].data(), &dx, 1e-15);
}

#[test]
fn linear_without_bias_has_only_a_weight() {
    let mut store = ParamStore::<f32>::new();
    let fc = Linear::new(
        &mut store,
        "fc",
        4,
        3,
        false,
        Init::HeNormal,
        &mut StdRng::seed_from_u64(1),
    );
    assert!(fc.bias.is_none());
    assert_eq!(fc.params(), vec![fc.weight]);
    assert_eq!(store.value(fc.weight).dims(), &[3, 4]);
}

#[test]
#[should_panic(expected = "Linear::forward: expected input [batch, 3]")]
fn linear_rejects_a_wrong_input_width() {
    let mut store = ParamStore::<f32>::new();
    let fc = Linear::new(
        &mut store,
        "fc",
        3,
        2,
        true,
        Init::Zeros,
        &mut StdRng::seed_from_u64(0),
    );
    let tape = Tape::new();
    fc.forward(tape.constant(Tensor::zeros([1, 4])), &store.bind(&tape));
}

/// Applies an activation layer to `xs` and returns its output and the
/// gradient of sum(output * w) with respect to the input.
fn apply(layer: &dyn Module<f64>, xs: &[f64], w: &[f64]) -> (Vec<f64>, Vec<f64>) {
    let store = ParamStore::new();
    let tape = Tape::new();
    let x = tape.var(Tensor::from_vec(xs.to_vec(), [1, xs.len()]));
    let y = layer.forward(x, &store.bind(&tape));
    let out = y.value().data().to_vec();
    let g = (y * tape.constant(Tensor::from_vec(w.to_vec(), [1, w.len()])))
        .sum()
        .backward();
    (out, g[x].data().to_vec())
}

const XS: [f64; 5] = [-2.0, -0.5, 0.0, 0.75, 3.0];
const ONES: [f64; 5] = [1.0; 5];

#[test]
fn sigmoid_tanh_relu_and_leaky_relu_match_their_closed_forms() {
    let s = |x: f64| 1.0 / (1.0 + (-x).exp());
    let (out, grad) = apply(&Sigmoid, &XS, &ONES);
    close(&out, &XS.map(s), 1e-15);
    close(&grad, &XS.map(|x| s(x) * (1.0 - s(x))), 1e-15);

    let (out, grad) = apply(&Tanh, &XS, &ONES);
    close(&out, &XS.map(f64::tanh), 1e-15);
    close(&grad, &XS.map(|x| 1.0 / x.cosh().powi(2)), 1e-14);

    let (out, grad) = apply(&ReLU, &XS, &ONES);
    assert_eq!(out, [0.0, 0.0, 0.0, 0.75, 3.0]);
    assert_eq!(grad, [0.0, 0.0, 0.0, 1.0, 1.0]); // 0 at the kink, like PyTorch

    let (out, grad) = apply(&LeakyReLU { slope: 0.1 }, &XS, &ONES);
    close(&out, &[-0.2, -0.05, 0.0, 0.75, 3.0], 1e-15);
    close(&grad, &[0.1, 0.1, 0.1, 1.0, 1.0], 1e-15); // slope at 0, like PyTorch
}

#[test]
fn softmax_sums_to_one_and_its_gradient_is_the_jacobian_product() {
    let w = [0.3, -1.0, 2.0, 0.5, 1.5];
    let (out, grad) = apply(&Softmax { axis: 1 }, &XS, &w);
    let z: f64 = XS.iter().map(|x| x.exp()).sum();
    let p = XS.map(|x| x.exp() / z);
    close(&out, &p, 1e-15);
    // d/dx_j sum_i w_i p_i = p_j (w_j - sum_i w_i p_i)
    let mean: f64 = p.iter().zip(w).map(|(p, w)| p * w).sum();
    let expected: Vec<f64> = p.iter().zip(w).map(|(p, w)| p * (w - mean)).collect();
    close(&grad, &expected, 1e-14);
    // Huge logits do not overflow.
    let (out, _) = apply(&Softmax { axis: 1 }, &[1000.0, 0.0], &[1.0, 1.0]);
    assert_eq!(out, [1.0, 0.0]);
}

#[test]
fn mlp_layers_and_parameters_follow_the_sizes() {
    let mut store = ParamStore::<f32>::new();
    let mlp = Mlp::new(&[3, 5, 4, 2], Activation::ReLU)
        .output_activation(Activation::Sigmoid)
        .build(&mut store, &mut StdRng::seed_from_u64(0));
    assert_eq!(mlp.len(), 6); // 3 linear + 2 relu + sigmoid
    assert_eq!(mlp.params().len(), 6);
    assert_eq!(store.numel(), 3 * 5 + 5 + 5 * 4 + 4 + 4 * 2 + 2);
    assert!(store.find("mlp.2.weight").is_some());
    let tape = Tape::new();
    let y = mlp.forward(tape.constant(Tensor::ones([7, 3])), &store.bind(&tape));
    assert_eq!(y.shape().dims(), &[7, 2]);
    assert!(y.value().data().iter().all(|&v| v > 0.0 && v < 1.0));
}

#[test]
fn frozen_parameters_get_no_gradient_and_no_update() {
    use nn::optim::{Optimizer, Sgd};
    let mut store = ParamStore::<f64>::new();
    let fc = Linear::new(
        &mut store,
        "fc",
        2,
        1,
        true,
        Init::Constant(1.0),
        &mut StdRng::seed_from_u64(0),
    );
    store.freeze(fc.weight);
    let before = store.value(fc.weight).clone();
    let tape = Tape::new();
    let bound = store.bind(&tape);
    let loss = fc
        .forward(tape.constant(Tensor::ones([1, 2])), &bound)
        .sum();
    let g = loss.backward();
    assert!(bound.grad(fc.weight, &g).is_none());
    assert_eq!(bound.grad(fc.bias.unwrap(), &g).unwrap().data(), &[1.0]);
    Sgd::new(0.5).step(&mut store, &bound, &g);
    assert_eq!(store.value(fc.weight), &before);
    assert_eq!(store.value(fc.bias.unwrap()).data(), &[-0.5]);
    store.unfreeze(fc.weight);
    assert!(!store.get(fc.weight).frozen);
}

#[test]
fn init_rules_respect_their_bounds_and_scales() {
    let mut rng = StdRng::seed_from_u64(42);
    let xu = Init::XavierUniform.tensor::<f64, _>([200, 100], 100, 200, &mut rng);
    let a = (6.0 / 300.0f64).sqrt();
    assert!(xu.data().iter().all(|x| x.abs() < a));
    let std = |t: &Tensor<f64>| {
        let n = t.numel() as f64;
        let m = t.data().iter().sum::<f64>() / n;
        (t.data().iter().map(|x| (x - m).powi(2)).sum::<f64>() / n).sqrt()
    };
    // Uniform(-a, a) has standard deviation a / sqrt(3).
    assert!((std(&xu) - a / 3f64.sqrt()).abs() < 0.02 * a);
    let hn = Init::HeNormal.tensor::<f64, _>([200, 100], 100, 200, &mut rng);
    assert!((std(&hn) - (2.0 / 100.0f64).sqrt()).abs() < 0.01);
    let xn = Init::XavierNormal.tensor::<f64, _>([200, 100], 100, 200, &mut rng);
    assert!((std(&xn) - (2.0 / 300.0f64).sqrt()).abs() < 0.01);
    let hu = Init::HeUniform.tensor::<f64, _>([200, 100], 100, 200, &mut rng);
    assert!(hu.data().iter().all(|x| x.abs() < (6.0 / 100.0f64).sqrt()));
    // Seedable: the same seed gives the same tensor, bit for bit.
    let a1 = Init::HeNormal.tensor::<f32, _>([3, 3], 3, 3, &mut StdRng::seed_from_u64(9));
    let a2 = Init::HeNormal.tensor::<f32, _>([3, 3], 3, 3, &mut StdRng::seed_from_u64(9));
    assert_eq!(a1, a2);
}
