//! `Linear` (with a bias) and `mse` record one fused node each, with the
//! values and gradients of the compositions they replace.

use nn::loss::{mse, Reduction};
use nn::{Init, Linear, Module, ParamStore};
use rand::{rngs::StdRng, SeedableRng};
use tape::{Tape, Tensor};

#[test]
fn linear_records_one_node_with_the_gradients_of_matmul_plus_bias() {
    let mut store = ParamStore::<f64>::new();
    let mut rng = StdRng::seed_from_u64(3);
    let fc = Linear::new(&mut store, "fc", 4, 3, true, Init::XavierUniform, &mut rng);
    let (w, b) = (fc.weight, fc.bias.unwrap());
    store.set_value(b, Tensor::from_vec(vec![0.5, -0.25, 1.0], [3]));
    let x = Tensor::<f64>::randn([5, 4], &mut rng);

    let tape = Tape::new();
    let bound = store.bind(&tape);
    let y = fc.forward(tape.constant(x.clone()), &bound);
    assert_eq!(tape.op_name_of(y.id()), "linear");
    let g = y.square().sum().backward();

    // The same layer written as matmul + add on a second tape.
    let tape2 = Tape::new();
    let bound2 = store.bind(&tape2);
    let y2 = tape2.constant(x).matmul_t(false, bound2[w], true) + bound2[b];
    let g2 = y2.square().sum().backward();
    let close = |a: &Tensor<f64>, b: &Tensor<f64>| {
        assert_eq!(a.dims(), b.dims());
        for (u, v) in a.data().iter().zip(b.data()) {
            assert!((u - v).abs() <= 1e-12 * v.abs().max(1.0), "{a:?} vs {b:?}");
        }
    };
    close(&y.value(), &y2.value());
    close(&g[bound[w]], &g2[bound2[w]]);
    close(&g[bound[b]], &g2[bound2[b]]);
}

#[test]
fn mse_records_one_node_with_the_gradient_two_d_over_n() {
    // pred = [[1], [4]], target = [[0], [1]]: d = [1, 3], mean 5, sum 10.
    let tape = Tape::new();
    let p = tape.var(Tensor::from_vec(vec![1.0_f32, 4.0], [2, 1]));
    let y = tape.constant(Tensor::from_vec(vec![0.0, 1.0], [2, 1]));
    let mean = mse(p, y, Reduction::Mean);
    let sum = mse(p, y, Reduction::Sum);
    assert_eq!(tape.op_name_of(mean.id()), "squared_error_mean");
    assert_eq!(tape.op_name_of(sum.id()), "squared_error_sum");
    assert_eq!(mean.item(), 5.0);
    assert_eq!(sum.item(), 10.0);
    assert_eq!(mean.backward()[p].data(), &[1.0, 3.0]); // 2 d / 2
    assert_eq!(sum.backward()[p].data(), &[2.0, 6.0]); // 2 d
}
