//! Criterion benches of the issue-7 cases: one MLP training step per case
//! (through the public `nn` API, see `support/cases.rs`) and the scalar
//! chains (record + backward).
//!
//! Run: `cargo bench --bench training` (`-- mlp_large` for one case).
//! `cargo run --release --example bench_report` gives the same cases as
//! JSON lines comparable with the PyTorch / JAX / micrograd scripts.

#[path = "support/cases.rs"]
mod cases;

use std::hint::black_box;
use std::time::Duration;

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use tape::Tape;

use cases::{chain_step, MlpStep, MLP_CASES};

fn mlp_steps(c: &mut Criterion) {
    let mut g = c.benchmark_group("train_step");
    for case in MLP_CASES {
        let big = case.batch * case.sizes[0] >= 128 * 784;
        if big {
            // A step takes milliseconds: fewer, longer samples.
            g.sample_size(10).measurement_time(Duration::from_secs(5));
        } else {
            g.sample_size(50).measurement_time(Duration::from_secs(3));
        }
        let mut step = MlpStep::new(case);
        step.step();
        g.bench_function(BenchmarkId::from_parameter(case.name), |b| {
            b.iter(|| black_box(step.step()))
        });
    }
    g.finish();
}

fn scalar_chains(c: &mut Criterion) {
    let mut g = c.benchmark_group("scalar_chain");
    for (name, n) in [("10k", 10_000usize), ("1m", 1_000_000)] {
        g.throughput(Throughput::Elements(n as u64));
        if n > 100_000 {
            g.sample_size(10).measurement_time(Duration::from_secs(5));
        } else {
            g.sample_size(50).measurement_time(Duration::from_secs(3));
        }
        let mut tape = Tape::new();
        chain_step(&mut tape, n);
        g.bench_function(BenchmarkId::from_parameter(name), |b| {
            b.iter(|| black_box(chain_step(&mut tape, n)))
        });
    }
    g.finish();
}

criterion_group!(benches, mlp_steps, scalar_chains);
criterion_main!(benches);
