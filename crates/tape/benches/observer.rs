//! Does watching the backward pass cost anything when nobody watches?
//!
//! Compares the plain `backward()` with `backward_observed` and a no-op
//! observer (a user type with only the trait's empty defaults), on two
//! graphs: a small MLP step (matmul-heavy) and a chain of 400 scalar ops
//! (where per-message overhead would show). For scale, also a counting
//! observer, a full `Trace::capture`, and the plain pass with anomaly mode on.
//!
//! Run: `cargo bench -p tape --bench observer`.

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use std::hint::black_box;
use tape::{Message, Observer, Scalar, Tape, Tensor, Trace, Var};

/// Watches nothing: every method is the trait's empty default.
struct NoOp;
impl<T: Scalar> Observer<T> for NoOp {}

/// Counts messages: the cheapest observer that does something.
struct Count(usize);
impl<T: Scalar> Observer<T> for Count {
    fn message(&mut self, _m: &Message<'_, T>) {
        self.0 += 1;
    }
}

/// Loss of a 32-64-1 tanh MLP on a batch of 64.
fn mlp(tape: &Tape<f32>) -> Var<'_, f32> {
    let mut rng = ChaCha8Rng::seed_from_u64(7);
    let x = tape.constant(Tensor::randn([64, 32], &mut rng));
    let y = tape.constant(Tensor::randn([64, 1], &mut rng));
    let w1 = tape.var(Tensor::randn([32, 64], &mut rng));
    let b1 = tape.var(Tensor::zeros([64]));
    let w2 = tape.var(Tensor::randn([64, 1], &mut rng));
    let b2 = tape.var(Tensor::zeros([1]));
    let h = (x.matmul(w1) + b1).tanh();
    let out = h.matmul(w2) + b2;
    (out - y).square().mean()
}

/// A chain of 400 scalar ops with fan-out: a = a * x + x, a = a.tanh() ...
fn scalar_chain(tape: &Tape<f64>) -> Var<'_, f64> {
    let x = tape.var(0.3);
    let mut a = x;
    for _ in 0..100 {
        a = (a * x + x).tanh() - x;
    }
    a
}

fn compare<T: Scalar>(c: &mut Criterion, name: &str, loss: Var<'_, T>) {
    let mut g = c.benchmark_group(format!("backward/{name}"));
    g.bench_function(BenchmarkId::from_parameter("plain"), |b| {
        b.iter(|| black_box(loss.backward()))
    });
    g.bench_function(BenchmarkId::from_parameter("noop_observer"), |b| {
        b.iter(|| black_box(loss.backward_observed(&mut NoOp)))
    });
    g.bench_function(BenchmarkId::from_parameter("counting_observer"), |b| {
        b.iter(|| {
            let mut count = Count(0);
            let grads = loss.backward_observed(&mut count);
            black_box((grads, count.0))
        })
    });
    g.bench_function(BenchmarkId::from_parameter("trace_capture"), |b| {
        b.iter(|| black_box(Trace::capture(loss)))
    });
    loss.tape().set_anomaly_mode(true);
    g.bench_function(BenchmarkId::from_parameter("anomaly_mode"), |b| {
        b.iter(|| black_box(loss.backward()))
    });
    loss.tape().set_anomaly_mode(false);
    g.finish();
}

fn observer(c: &mut Criterion) {
    let tape = Tape::new();
    compare(c, "mlp_32_64_1", mlp(&tape));
    let tape = Tape::new();
    compare(c, "scalar_chain_400", scalar_chain(&tape));
}

criterion_group!(benches, observer);
criterion_main!(benches);
