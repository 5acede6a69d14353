//! Every built-in op: its forward value and its gradient against values
//! derived by hand (closed forms written next to each test), in f32 and f64.
//!
//! Most tests use the loss `L = sum(op(x) * w)` with a fixed, uneven weight
//! tensor `w`, so that dL/dx = w * op'(x) exercises every element.

mod common;

use common::{assert_close, t};
use tape::{Scalar, Tape, Var};

const W6: [f64; 6] = [0.5, -1.5, 2.0, 1.0, -0.25, 3.0];

/// `sum(y * w)`, with `w` a constant of `y`'s shape.
fn weighted<'t, T: Scalar>(y: Var<'t, T>, w: &[f64]) -> Var<'t, T> {
    let shape = y.shape();
    let w = y.tape().constant(t::<T>(w, shape.dims()));
    (y * w).sum()
}

fn add_broadcasts_bias_over_rows<T: Scalar>() {
    // y = a + b with a: [2, 3], b: [3]; dL/da = w, dL/db = column sums of w.
    let tape = Tape::<T>::new();
    let a = tape.var(t::<T>(&[1., 2., 3., 4., 5., 6.], &[2, 3]));
    let b = tape.var(t::<T>(&[10., 20., 30.], &[3]));
    let y = a + b;
    assert_close(&y.value(), &[11., 22., 33., 14., 25., 36.], &[2, 3]);
    let g = weighted(y, &W6).backward();
    assert_close(&g[a], &W6, &[2, 3]);
    assert_close(&g[b], &[1.5, -1.75, 5.0], &[3]);
}

fn sub_broadcasts_column_against_row<T: Scalar>() {
    // y[i][j] = a[i] - b[j], a: [2, 1], b: [3] -> [2, 3].
    // dL/da[i] = sum_j w[i][j]; dL/db[j] = -sum_i w[i][j].
    let tape = Tape::<T>::new();
    let a = tape.var(t::<T>(&[1., 2.], &[2, 1]));
    let b = tape.var(t::<T>(&[0.5, 1., 1.5], &[3]));
    let y = a - b;
    assert_close(&y.value(), &[0.5, 0., -0.5, 1.5, 1., 0.5], &[2, 3]);
    let g = weighted(y, &W6).backward();
    assert_close(&g[a], &[1.0, 3.75], &[2, 1]);
    assert_close(&g[b], &[-1.5, 1.75, -5.0], &[3]);
}

fn mul_elementwise_and_by_scalar_tensor<T: Scalar>() {
    // y = a * b * s, s a 0-d tensor: dL/da = w b s, dL/db = w a s,
    // dL/ds = sum(w a b).
    let tape = Tape::<T>::new();
    let av = [1., 2., 3., 4., 5., 6.];
    let bv = [2., -1., 0.5, 3., 1., -2.];
    let a = tape.var(t::<T>(&av, &[2, 3]));
    let b = tape.var(t::<T>(&bv, &[2, 3]));
    let s = tape.var(T::from_f64_lossy(2.0));
    let y = a * b * s;
    let g = weighted(y, &W6).backward();
    let ga: Vec<f64> = (0..6).map(|i| W6[i] * bv[i] * 2.0).collect();
    let gb: Vec<f64> = (0..6).map(|i| W6[i] * av[i] * 2.0).collect();
    let gs: f64 = (0..6).map(|i| W6[i] * av[i] * bv[i]).sum();
    assert_close(&g[a], &ga, &[2, 3]);
    assert_close(&g[b], &gb, &[2, 3]);
    assert_close(&g[s], &[gs], &[]);
}

fn div_quotient_rule<T: Scalar>() {
    // y = a / b: dL/da = w / b, dL/db = -w a / b^2.
    let tape = Tape::<T>::new();
    let (av, bv, w) = ([1., -2., 3.], [2., 4., -0.5], [1., 0.5, 2.]);
    let a = tape.var(t::<T>(&av, &[3]));
    let b = tape.var(t::<T>(&bv, &[3]));
    let y = a / b;
    assert_close(&y.value(), &[0.5, -0.5, -6.0], &[3]);
    let g = weighted(y, &w).backward();
    let ga: Vec<f64> = (0..3).map(|i| w[i] / bv[i]).collect();
    let gb: Vec<f64> = (0..3).map(|i| -w[i] * av[i] / (bv[i] * bv[i])).collect();
    assert_close(&g[a], &ga, &[3]);
    assert_close(&g[b], &gb, &[3]);
}

fn neg_and_scalar_operands<T: Scalar>() {
    // y = (2 - x) * 3 + x / 4 + 4 / x - x + 1 - (-x)
    // dy/dx = -3 + 1/4 - 4/x^2 - 1 + 1
    let c = T::from_f64_lossy;
    let tape = Tape::<T>::new();
    let x = tape.var(c(2.0));
    let y = x.rsub_scalar(c(2.0)) * c(3.0) + x / c(4.0) + x.rdiv_scalar(c(4.0)) - x + c(1.0) - (-x);
    assert_close(&y.value(), &[0.0 + 0.5 + 2.0 - 2.0 + 1.0 + 2.0], &[]);
    let g = y.backward();
    assert_close(&g[x], &[-3.0 + 0.25 - 1.0 - 1.0 + 1.0], &[]);
}

/// Checks `f` at `xs`: value `fx(x)` and derivative `dfx(x)`.
fn unary_case<T: Scalar>(
    f: impl for<'t> Fn(Var<'t, T>) -> Var<'t, T>,
    xs: &[f64],
    fx: impl Fn(f64) -> f64,
    dfx: impl Fn(f64) -> f64,
) {
    let tape = Tape::<T>::new();
    let x = tape.var(t::<T>(xs, &[xs.len()]));
    let y = f(x);
    let w = &W6[..xs.len()];
    let values: Vec<f64> = xs.iter().map(|&v| fx(v)).collect();
    assert_close(&y.value(), &values, &[xs.len()]);
    let g = weighted(y, w).backward();
    let grads: Vec<f64> = xs.iter().zip(w).map(|(&v, &w)| w * dfx(v)).collect();
    assert_close(&g[x], &grads, &[xs.len()]);
}

fn elementwise_functions<T: Scalar>() {
    let xs = [-1.5, -0.25, 0.3, 1.0, 2.0];
    let pos = [0.25, 0.5, 1.0, 2.0, 3.0];
    let sig = |x: f64| 1.0 / (1.0 + (-x).exp());
    unary_case::<T>(|x| x.exp(), &xs, f64::exp, f64::exp);
    unary_case::<T>(|x| x.ln(), &pos, f64::ln, |x| 1.0 / x);
    unary_case::<T>(|x| x.sqrt(), &pos, f64::sqrt, |x| 0.5 / x.sqrt());
    unary_case::<T>(|x| x.powi(3), &xs, |x| x.powi(3), |x| 3.0 * x * x);
    unary_case::<T>(|x| x.square(), &xs, |x| x * x, |x| 2.0 * x);
    unary_case::<T>(|x| x.powi(-2), &pos, |x| x.powi(-2), |x| -2.0 * x.powi(-3));
    let p = T::from_f64_lossy(1.5);
    unary_case::<T>(|x| x.powf(p), &pos, |x| x.powf(1.5), |x| 1.5 * x.sqrt());
    unary_case::<T>(|x| x.abs(), &xs, f64::abs, f64::signum);
    unary_case::<T>(|x| x.sigmoid(), &xs, sig, |x| sig(x) * (1.0 - sig(x)));
    let relu = |x: f64| x.max(0.0);
    unary_case::<T>(|x| x.relu(), &xs, relu, |x| if x > 0.0 { 1.0 } else { 0.0 });
    unary_case::<T>(|x| x.tanh(), &xs, f64::tanh, |x| 1.0 - x.tanh().powi(2));
}

fn kinks_follow_pytorch<T: Scalar>() {
    // relu'(0) = 0 and abs'(0) = 0; sign and step send no message at all.
    unary_case::<T>(|x| x.relu(), &[0.0], |_| 0.0, |_| 0.0);
    unary_case::<T>(|x| x.abs(), &[0.0], |_| 0.0, |_| 0.0);
    unary_case::<T>(|x| x.sign() * x, &[-2.0, 3.0], f64::abs, f64::signum);
    unary_case::<T>(
        |x| x.step() + x,
        &[-2.0, 3.0],
        |x| x + if x > 0.0 { 1.0 } else { 0.0 },
        |_| 1.0,
    );
}

fn sum_and_mean_of_everything<T: Scalar>() {
    // d sum / dx = 1, d mean / dx = 1/n.
    let tape = Tape::<T>::new();
    let x = tape.var(t::<T>(&[1., 2., 3., 4., 5., 6.], &[2, 3]));
    assert_close(&x.sum().value(), &[21.0], &[]);
    assert_close(&x.mean().value(), &[3.5], &[]);
    assert_close(&x.sum().backward()[x], &[1.0; 6], &[2, 3]);
    assert_close(&x.mean().backward()[x], &[1.0 / 6.0; 6], &[2, 3]);
}

fn sum_and_mean_along_an_axis<T: Scalar>() {
    // s = sum_axis(x, 1, keepdim) : [2, 1]; dL/dx[i][j] = w[i].
    // m = mean_axis(x, 0)          : [3];    dL/dx[i][j] = w[j] / 2.
    let tape = Tape::<T>::new();
    let x = tape.var(t::<T>(&[1., 2., 3., 4., 5., 6.], &[2, 3]));
    let s = x.sum_axis(1, true);
    assert_close(&s.value(), &[6.0, 15.0], &[2, 1]);
    let g = weighted(s, &[2.0, -1.0]).backward();
    assert_close(&g[x], &[2., 2., 2., -1., -1., -1.], &[2, 3]);
    let m = x.mean_axis(0, false);
    assert_close(&m.value(), &[2.5, 3.5, 4.5], &[3]);
    let g = weighted(m, &[2.0, -1.0, 4.0]).backward();
    assert_close(&g[x], &[1., -0.5, 2., 1., -0.5, 2.], &[2, 3]);
    let s0 = x.sum_axis(0, true);
    assert_close(&s0.value(), &[5.0, 7.0, 9.0], &[1, 3]);
}

fn max_along_an_axis_takes_first_of_ties<T: Scalar>() {
    // rows [1, 5, 5] and [7, 2, 3]: maxima 5 (first of the tie) and 7.
    let tape = Tape::<T>::new();
    let x = tape.var(t::<T>(&[1., 5., 5., 7., 2., 3.], &[2, 3]));
    let m = x.max_axis(1, false);
    assert_close(&m.value(), &[5.0, 7.0], &[2]);
    let g = weighted(m, &[2.0, -3.0]).backward();
    assert_close(&g[x], &[0., 2., 0., -3., 0., 0.], &[2, 3]);
    let mk = x.max_axis(0, true);
    assert_close(&mk.value(), &[7.0, 5.0, 5.0], &[1, 3]);
}

/// Naive `a @ b` for row-major f64 slices: the independent reference.
fn naive_matmul(a: &[f64], b: &[f64], m: usize, k: usize, n: usize) -> Vec<f64> {
    let mut c = vec![0.0; m * n];
    for i in 0..m {
        for j in 0..n {
            c[i * n + j] = (0..k).map(|p| a[i * k + p] * b[p * n + j]).sum();
        }
    }
    c
}

fn naive_transpose(a: &[f64], rows: usize, cols: usize) -> Vec<f64> {
    (0..cols * rows)
        .map(|i| a[(i % rows) * cols + i / rows])
        .collect()
}

fn matmul_gradients<T: Scalar>() {
    // C = A B, L = sum(C * W): dA = W Bᵀ, dB = Aᵀ W.
    let av = [1., 2., -1., 0.5, 3., -2.];
    let bv = [2., 1., -1., 0., 0.5, 4.];
    let tape = Tape::<T>::new();
    let a = tape.var(t::<T>(&av, &[2, 3]));
    let b = tape.var(t::<T>(&bv, &[3, 2]));
    let c = a.matmul(b);
    assert_close(&c.value(), &naive_matmul(&av, &bv, 2, 3, 2), &[2, 2]);
    let w = [1.0, -2.0, 0.5, 3.0];
    let g = weighted(c, &w).backward();
    let da = naive_matmul(&w, &naive_transpose(&bv, 3, 2), 2, 2, 3);
    let db = naive_matmul(&naive_transpose(&av, 2, 3), &w, 3, 2, 2);
    assert_close(&g[a], &da, &[2, 3]);
    assert_close(&g[b], &db, &[3, 2]);

    // The same product written with transposed operands: C = (Aᵀ)ᵀ B.
    let tape = Tape::<T>::new();
    let at = tape.var(t::<T>(&naive_transpose(&av, 2, 3), &[3, 2]));
    let b = tape.var(t::<T>(&bv, &[3, 2]));
    let c = at.matmul_t(true, b, false);
    let g = weighted(c, &w).backward();
    assert_close(&g[at], &naive_transpose(&da, 2, 3), &[3, 2]);
    assert_close(&g[b], &db, &[3, 2]);
}

fn batched_matmul_sums_shared_weight_gradient<T: Scalar>() {
    // x: [2, 1, 3] (two samples), W: [3, 2] shared: dW = sum over the batch.
    let xv = [1., 2., 3., -1., 0., 2.];
    let wv = [1., 0., 0., 1., 1., 1.];
    let tape = Tape::<T>::new();
    let x = tape.var(t::<T>(&xv, &[2, 1, 3]));
    let w = tape.var(t::<T>(&wv, &[3, 2]));
    let y = x.matmul(w);
    assert_close(&y.value(), &[4., 5., 1., 2.], &[2, 1, 2]);
    let g = y.sum().backward();
    // dW[p][j] = sum_b x[b][p]; dx[b][p] = sum_j W[p][j].
    assert_close(&g[w], &[0., 0., 2., 2., 5., 5.], &[3, 2]);
    assert_close(&g[x], &[1., 1., 2., 1., 1., 2.], &[2, 1, 3]);
}

fn layout_ops_move_messages_back<T: Scalar>() {
    let v = [1., 2., 3., 4., 5., 6.];
    let tape = Tape::<T>::new();
    let x = tape.var(t::<T>(&v, &[2, 3]));
    // transpose: dL/dx = wᵀ
    let y = x.t();
    assert_close(&y.value(), &naive_transpose(&v, 2, 3), &[3, 2]);
    let g = weighted(y, &W6).backward();
    assert_close(&g[x], &naive_transpose(&W6, 3, 2), &[2, 3]);
    // reshape: dL/dx = w reshaped
    let g = weighted(x.reshape([3, 2]), &W6).backward();
    assert_close(&g[x], &W6, &[2, 3]);
    // broadcast_to: [3] -> [2, 3], dL/db = column sums
    let b = tape.var(t::<T>(&[1., 2., 3.], &[3]));
    let g = weighted(b.broadcast_to([2, 3]), &W6).backward();
    assert_close(&g[b], &[1.5, -1.75, 5.0], &[3]);
    // rows / narrow: rows 1..2 of x get w, row 0 gets nothing
    let g = weighted(x.rows(1..2), &[1., 2., 3.]).backward();
    assert_close(&g[x], &[0., 0., 0., 1., 2., 3.], &[2, 3]);
    // pad: the inverse of narrow
    let p = b.pad(0, 1, 5);
    assert_close(&p.value(), &[0., 1., 2., 3., 0.], &[5]);
    let g = weighted(p, &[9., 1., 2., 3., 9.]).backward();
    assert_close(&g[b], &[1., 2., 3.], &[3]);
    // index_rows with a repeat: row 1 gathered twice gets two messages
    let r = x.index_rows(&[1, 0, 1]);
    assert_close(&r.value(), &[4., 5., 6., 1., 2., 3., 4., 5., 6.], &[3, 3]);
    let g = weighted(r, &[1., 1., 1., 2., 2., 2., 3., 3., 3.]).backward();
    assert_close(&g[x], &[2., 2., 2., 4., 4., 4.], &[2, 3]);
}

fn concat_and_stack_split_the_message<T: Scalar>() {
    let tape = Tape::<T>::new();
    let a = tape.var(t::<T>(&[1., 2., 3., 4.], &[2, 2]));
    let b = tape.var(t::<T>(&[5., 6.], &[2, 1]));
    let c = Var::concat(&[a, b], 1);
    assert_close(&c.value(), &[1., 2., 5., 3., 4., 6.], &[2, 3]);
    let g = weighted(c, &W6).backward();
    assert_close(&g[a], &[0.5, -1.5, 1.0, -0.25], &[2, 2]);
    assert_close(&g[b], &[2.0, 3.0], &[2, 1]);

    let u = tape.var(t::<T>(&[1., 2.], &[2]));
    let v = tape.var(t::<T>(&[3., 4.], &[2]));
    let s = Var::stack(&[u, v, u], 0);
    assert_close(&s.value(), &[1., 2., 3., 4., 1., 2.], &[3, 2]);
    let g = weighted(s, &W6).backward();
    assert_close(&g[u], &[0.5 - 0.25, -1.5 + 3.0], &[2]);
    assert_close(&g[v], &[2.0, 1.0], &[2]);
    let s1 = Var::stack(&[u, v], 1);
    assert_close(&s1.value(), &[1., 3., 2., 4.], &[2, 2]);
}

both_floats!(
    add_broadcasts_bias_over_rows,
    sub_broadcasts_column_against_row,
    mul_elementwise_and_by_scalar_tensor,
    div_quotient_rule,
    neg_and_scalar_operands,
    elementwise_functions,
    kinks_follow_pytorch,
    sum_and_mean_of_everything,
    sum_and_mean_along_an_axis,
    max_along_an_axis_takes_first_of_ties,
    matmul_gradients,
    batched_matmul_sums_shared_weight_gradient,
    layout_ops_move_messages_back,
    concat_and_stack_split_the_message,
);

#[test]
fn scalar_operators_on_the_left() {
    // Concrete-type overloads: 2.0 - x, 4.0 / x, 3.0 * x, 1.0 + x.
    let tape = Tape::<f64>::new();
    let x = tape.var(2.0);
    let y = (2.0 - x) * 3.0 + 4.0 / x + 3.0 * x + (1.0 + x);
    assert_eq!(y.item(), 0.0 + 2.0 + 6.0 + 3.0);
    // dy/dx = -3 - 4/x^2 + 3 + 1 = 0
    assert_eq!(y.backward()[x].item(), 0.0);
    let tape = Tape::<f32>::new();
    let x = tape.var(2.0_f32);
    assert_eq!((1.0_f32 - x).backward()[x].item(), -1.0);
}
