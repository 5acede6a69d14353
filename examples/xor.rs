//! An MLP learns XOR, the classic problem no linear model can solve.
//!
//! Run with `cargo run --release --example xor`.

#![cfg_attr(test, allow(dead_code))]

use nn::loss::{bce_with_logits, Reduction};
use nn::optim::Adam;
use nn::rand::{rngs::StdRng, SeedableRng};
use nn::train::{accuracy, predict, Accuracy, Event, Trainer};
use nn::{data, Activation, Mlp, ParamStore};
use tape::Tensor;

const SEED: u64 = 1;

/// The trained network's logits for the four points, and its final loss.
struct Outcome {
    logits: Tensor<f32>,
    accuracy: f64,
    final_loss: f64,
}

fn run(mut on_event: impl FnMut(&Event)) -> Outcome {
    let xor = data::xor::<f32>();
    let mut store = ParamStore::new();
    let model =
        Mlp::new(&[2, 8, 1], Activation::Tanh).build(&mut store, &mut StdRng::seed_from_u64(SEED));
    let mut opt = Adam::new(0.05);
    let history = Trainer::new(300, 4)
        .seed(SEED)
        .accuracy(Accuracy::BinaryLogits)
        .fit(
            &model,
            &mut store,
            &mut opt,
            &xor,
            |z, y| bce_with_logits(z, y, Reduction::Mean),
            &mut on_event,
        );
    let logits = predict(&model, &store, &xor.x);
    Outcome {
        accuracy: accuracy(&logits, &xor.y, Accuracy::BinaryLogits),
        logits,
        final_loss: history.last().map_or(f64::NAN, |s| s.loss),
    }
}

fn main() {
    println!("XOR with a 2-8-1 tanh MLP, binary cross-entropy on logits, Adam lr 0.05");
    let out = run(|e| {
        if let Event::Epoch(s) = e {
            if s.epoch % 50 == 0 {
                println!(
                    "  epoch {:3}  loss {:.5}  accuracy {:.0}%",
                    s.epoch,
                    s.loss,
                    100.0 * s.accuracy.unwrap_or(0.0)
                );
            }
        }
    });
    let xs = data::xor::<f32>();
    for i in 0..4 {
        let (a, b) = (xs.x.get(&[i, 0]), xs.x.get(&[i, 1]));
        let z = out.logits.get(&[i, 0]);
        println!(
            "  {a} xor {b} = {}   (p = {:.4})",
            (z > 0.0) as u8,
            1.0 / (1.0 + (-z).exp())
        );
    }
    println!(
        "accuracy {:.0}%, last epoch loss {:.5}",
        100.0 * out.accuracy,
        out.final_loss
    );
}

#[cfg(test)]
mod tests {
    #[test]
    fn learns_xor_to_full_accuracy() {
        let out = super::run(|_| {});
        assert_eq!(out.accuracy, 1.0);
        assert!(out.final_loss < 0.05, "loss {}", out.final_loss);
    }
}
