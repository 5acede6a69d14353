//! Criterion benches of the pieces under a training step: the f32 matrix
//! products of the `mlp_medium` and `mlp_large` steps alone (no tape), and
//! the fixed cost of recording and backpropagating one small op.
//!
//! Run: `cargo bench --bench kernels`. Matmul throughput is reported in
//! flop/s (criterion's "elements" are flops here).

#[path = "support/cases.rs"]
mod cases;

use std::hint::black_box;
use std::time::Duration;

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use nn::rand::{rngs::StdRng, SeedableRng};
use tape::{Tape, Tensor};

use cases::{MlpCase, MLP_LARGE, MLP_MEDIUM};

/// For each layer of `case`, the three products of a step, as `Linear` and
/// the matmul VJP issue them (`W` is `[out, in]`, transposes are strides):
/// forward `x Wᵀ`, input gradient `dy W`, weight gradient `dyᵀ x`.
fn matmuls_of(c: &mut Criterion, case: MlpCase) {
    let mut g = c.benchmark_group(format!("matmul_f32/{}", case.name));
    if case.batch * case.sizes[0] >= 256 * 1024 {
        g.sample_size(20).measurement_time(Duration::from_secs(4));
    } else {
        g.sample_size(30).measurement_time(Duration::from_secs(3));
    }
    let mut rng = StdRng::seed_from_u64(3);
    for (i, w) in case.sizes.windows(2).enumerate() {
        let (b, n_in, n_out) = (case.batch, w[0], w[1]);
        let x = Tensor::<f32>::randn([b, n_in], &mut rng);
        let wt = Tensor::<f32>::randn([n_out, n_in], &mut rng);
        let dy = Tensor::<f32>::randn([b, n_out], &mut rng);
        g.throughput(Throughput::Elements(2 * (b * n_in * n_out) as u64));
        let id = |what: &str| BenchmarkId::new(what, format!("layer{i}_{b}x{n_in}x{n_out}"));
        g.bench_function(id("fwd_x_wT"), |bch| {
            bch.iter(|| black_box(x.matmul_t(false, &wt, true)))
        });
        g.bench_function(id("dx_dy_w"), |bch| bch.iter(|| black_box(dy.matmul(&wt))));
        g.bench_function(id("dw_dyT_x"), |bch| {
            bch.iter(|| black_box(dy.matmul_t(true, &x, false)))
        });
    }
    g.finish();
}

fn matmuls(c: &mut Criterion) {
    matmuls_of(c, MLP_MEDIUM);
    matmuls_of(c, MLP_LARGE);
}

/// Reset a reused tape, record the leaves and one op, backpropagate.
fn small_ops(c: &mut Criterion) {
    let mut g = c.benchmark_group("record_backward_one_op");
    g.sample_size(50).measurement_time(Duration::from_secs(3));
    let mut tape = Tape::<f64>::new();
    g.bench_function("scalar_add_f64", |b| {
        b.iter(|| {
            tape.reset();
            let x = tape.var(black_box(1.5));
            let y = tape.var(black_box(2.5));
            black_box((x + y).backward()[x].item())
        })
    });
    let mut tape = Tape::<f32>::new();
    let mut rng = StdRng::seed_from_u64(4);
    let a = Tensor::<f32>::randn([16], &mut rng);
    let b16 = Tensor::<f32>::randn([16], &mut rng);
    g.bench_function("mul_16_f32", |b| {
        b.iter(|| {
            tape.reset();
            let x = tape.var(a.clone());
            let y = tape.var(b16.clone());
            let grads = (x * y).backward_with(Tensor::ones([16]));
            black_box(grads[x].data()[0])
        })
    });
    g.finish();
}

criterion_group!(benches, matmuls, small_ops);
criterion_main!(benches);
