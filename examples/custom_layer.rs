//! A user-defined layer and a user-defined op inside a model.
//!
//! Run with `cargo run --release --example custom_layer`.
//!
//! - `Softsign` is a *custom op*: its forward `x / (1 + |x|)` and its VJP
//!   `g / (1 + |x|)²` are written once with tape's `CustomOp` trait; the
//!   backward pass then sends its messages like any built-in op's.
//! - `GatedResidual` is a *custom layer*: plain Rust implementing `Module`
//!   that records ops (a linear map, the custom op, a learned gate and a
//!   skip connection). It has no backward pass of its own.
//!
//! The model learns a noisy sine; the custom op's VJP is checked against
//! finite differences first.

#![cfg_attr(test, allow(dead_code))]

use nn::loss::{mse, Reduction};
use nn::optim::Adam;
use nn::rand::{rngs::StdRng, Rng, SeedableRng};
use nn::train::{predict, Event, Trainer};
use nn::{data, Bound, Init, Linear, Module, ParamId, ParamStore, Sequential};
use tape::{CustomOp, Scalar, Tape, Tensor, Var};

/// softsign(x) = x / (1 + |x|); d/dx = 1 / (1 + |x|)².
struct Softsign;

impl<T: Scalar> CustomOp<T> for Softsign {
    fn name(&self) -> &str {
        "softsign"
    }

    fn forward(&self, inputs: &[&Tensor<T>]) -> Tensor<T> {
        inputs[0].map(|x| x / (T::one() + x.abs()))
    }

    fn vjp(
        &self,
        inputs: &[&Tensor<T>],
        _out: &Tensor<T>,
        grad: &Tensor<T>,
        _wrt: usize,
    ) -> Tensor<T> {
        grad.zip_map(inputs[0], "softsign vjp", |g, x| {
            g / (T::one() + x.abs()).powi(2)
        })
    }
}

/// Records the custom op on `x`'s tape.
fn softsign<'t, T: Scalar>(x: Var<'t, T>) -> Var<'t, T> {
    x.tape().custom(Softsign, &[x])
}

/// h + gate * softsign(h W^T + b): a residual block whose update is scaled
/// by a learned per-feature gate.
struct GatedResidual {
    inner: Linear,
    gate: ParamId,
}

impl GatedResidual {
    fn new<R: Rng>(store: &mut ParamStore<f64>, name: &str, width: usize, rng: &mut R) -> Self {
        GatedResidual {
            inner: Linear::new(
                store,
                &format!("{name}.inner"),
                width,
                width,
                true,
                Init::XavierUniform,
                rng,
            ),
            gate: store.add(format!("{name}.gate"), Tensor::full([width], 0.5)),
        }
    }
}

impl Module<f64> for GatedResidual {
    fn forward<'t>(&self, h: Var<'t, f64>, p: &Bound<'t, f64>) -> Var<'t, f64> {
        h + softsign(self.inner.forward(h, p)) * p[self.gate]
    }

    fn params(&self) -> Vec<ParamId> {
        let mut v = self.inner.params();
        v.push(self.gate);
        v
    }
}

/// A module made of a closure-free function is fine too: here, the custom op as a layer.
struct SoftsignLayer;

impl Module<f64> for SoftsignLayer {
    fn forward<'t>(&self, x: Var<'t, f64>, _: &Bound<'t, f64>) -> Var<'t, f64> {
        softsign(x)
    }
}

/// The largest difference between the custom op's VJP and central finite
/// differences of `sum(softsign(x) * w)`.
fn check_softsign_vjp() -> f64 {
    let xs = [-3.0, -0.7, 0.2, 1.5, 4.0];
    let w = [0.3, -1.2, 2.0, 0.5, -0.8];
    let f = |x: &[f64]| -> f64 { x.iter().zip(w).map(|(x, w)| w * x / (1.0 + x.abs())).sum() };
    let tape = Tape::new();
    let x = tape.var(Tensor::from_vec(xs.to_vec(), [5]));
    let y = (softsign(x) * tape.constant(Tensor::from_vec(w.to_vec(), [5]))).sum();
    let grads = y.backward();
    let h = 1e-6;
    (0..5)
        .map(|i| {
            let (mut up, mut down) = (xs, xs);
            up[i] += h;
            down[i] -= h;
            let numeric = (f(&up) - f(&down)) / (2.0 * h);
            (grads[x].data()[i] - numeric).abs()
        })
        .fold(0.0, f64::max)
}

struct Outcome {
    vjp_error: f64,
    first_loss: f64,
    test_mse: f64,
}

fn run(mut on_event: impl FnMut(&Event)) -> Outcome {
    let vjp_error = check_softsign_vjp();
    let mut rng = StdRng::seed_from_u64(3);
    let train = data::noisy_sine::<f64, _>(256, 0.05, &mut rng);
    let test = data::noisy_sine::<f64, _>(200, 0.0, &mut rng);
    let mut store = ParamStore::new();
    let model = Sequential::new()
        .with(Linear::new(
            &mut store,
            "in",
            1,
            16,
            true,
            Init::XavierUniform,
            &mut rng,
        ))
        .with(SoftsignLayer)
        .with(GatedResidual::new(&mut store, "block1", 16, &mut rng))
        .with(GatedResidual::new(&mut store, "block2", 16, &mut rng))
        .with(Linear::new(
            &mut store,
            "out",
            16,
            1,
            true,
            Init::XavierUniform,
            &mut rng,
        ));
    let mut opt = Adam::new(0.01);
    let history = Trainer::new(150, 32).seed(3).fit(
        &model,
        &mut store,
        &mut opt,
        &train,
        |p, y| mse(p, y, Reduction::Mean),
        &mut on_event,
    );
    let pred = predict(&model, &store, &test.x);
    let test_mse = pred
        .data()
        .iter()
        .zip(test.y.data())
        .map(|(p, y)| (p - y).powi(2))
        .sum::<f64>()
        / test.len() as f64;
    Outcome {
        vjp_error,
        first_loss: history[0].loss,
        test_mse,
    }
}

fn main() {
    println!(
        "A model with a custom layer (GatedResidual) and a custom op (softsign) learns sin(x)"
    );
    let out = run(|e| {
        if let Event::Epoch(s) = e {
            if s.epoch % 25 == 0 {
                println!("  epoch {:3}  mse {:.5}", s.epoch, s.loss);
            }
        }
    });
    println!(
        "softsign VJP vs finite differences: max error {:.2e}",
        out.vjp_error
    );
    println!(
        "first-epoch mse {:.4}, held-out mse {:.5} (noise variance 0.0025)",
        out.first_loss, out.test_mse
    );
}

#[cfg(test)]
mod tests {
    #[test]
    fn custom_op_is_correct_and_the_model_learns_the_sine() {
        let out = super::run(|_| {});
        assert!(out.vjp_error < 1e-8, "softsign VJP error {}", out.vjp_error);
        assert!(out.test_mse < 0.01, "held-out mse {}", out.test_mse);
        assert!(out.test_mse < out.first_loss / 10.0);
    }
}
