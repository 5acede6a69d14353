//! An MLP separates two interleaving moons, scored on a held-out split.
//!
//! Run with `cargo run --release --example moons`.

#![cfg_attr(test, allow(dead_code))]

use nn::loss::{bce_with_logits, Reduction};
use nn::optim::{Adam, CosineAnnealing};
use nn::rand::{rngs::StdRng, SeedableRng};
use nn::train::{accuracy, predict, Accuracy, Event, Trainer};
use nn::{data, Activation, Mlp, ParamStore};

const SEED: u64 = 7;
const EPOCHS: usize = 60;

/// Train and held-out accuracy after training.
struct Outcome {
    train_accuracy: f64,
    test_accuracy: f64,
    test_size: usize,
}

fn run(mut on_event: impl FnMut(&Event)) -> Outcome {
    let mut rng = StdRng::seed_from_u64(SEED);
    let moons = data::two_moons::<f32, _>(1000, 0.15, &mut rng);
    let (train, test) = moons.split(0.25, &mut rng);
    let mut store = ParamStore::new();
    let model = Mlp::new(&[2, 32, 32, 1], Activation::ReLU).build(&mut store, &mut rng);
    let mut opt = Adam::new(0.01);
    Trainer::new(EPOCHS, 32)
        .seed(SEED)
        .accuracy(Accuracy::BinaryLogits)
        .schedule(CosineAnnealing {
            t_max: EPOCHS,
            min_lr: 1e-4,
        })
        .fit(
            &model,
            &mut store,
            &mut opt,
            &train,
            |z, y| bce_with_logits(z, y, Reduction::Mean),
            &mut on_event,
        );
    let score = |d: &data::Dataset<f32>| {
        accuracy(&predict(&model, &store, &d.x), &d.y, Accuracy::BinaryLogits)
    };
    Outcome {
        train_accuracy: score(&train),
        test_accuracy: score(&test),
        test_size: test.len(),
    }
}

fn main() {
    println!("Two moons (1000 points, noise 0.15), a 2-32-32-1 ReLU MLP, Adam + cosine schedule");
    let out = run(|e| {
        if let Event::Epoch(s) = e {
            if s.epoch % 10 == 0 || s.epoch + 1 == EPOCHS {
                println!(
                    "  epoch {:2}  lr {:.5}  loss {:.4}  train accuracy {:.1}%",
                    s.epoch,
                    s.lr,
                    s.loss,
                    100.0 * s.accuracy.unwrap_or(0.0)
                );
            }
        }
    });
    println!("train accuracy    {:.1}%", 100.0 * out.train_accuracy);
    println!(
        "held-out accuracy {:.1}% on {} points",
        100.0 * out.test_accuracy,
        out.test_size
    );
}

#[cfg(test)]
mod tests {
    #[test]
    fn reaches_97_percent_on_held_out_points() {
        let out = super::run(|_| {});
        assert!(
            out.test_accuracy >= 0.97,
            "held-out accuracy {}",
            out.test_accuracy
        );
        assert_eq!(out.test_size, 250);
    }
}
