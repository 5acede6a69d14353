//! The seed article's training program (section 5.2), done correctly.
//!
//! Run with `cargo run --release --example seed_training`.
//!
//! The 3-2-1 sigmoid network learns to output 0.5 for the inputs
//! [[1,2,3],[4,5,6],[7,8,9]] with MSE loss and full-batch SGD (learning
//! rate 0.1, 1000 epochs). The gradients come from the tape, so none of the
//! article's hand-derived backward pass (and none of its bugs) is needed.

#![cfg_attr(test, allow(dead_code))]

use nn::seed::{fmt_num, fmt_tensor, train_article_program, SeedTraining};

/// Initial parameters are standard normal, like `np.random.randn`, but seeded.
const SEED: u64 = 5;
const EPOCHS: usize = 1000;
const LEARNING_RATE: f64 = 0.1;

/// Why the article's program does not run, or would not learn if it ran.
const ARTICLE_BUGS: &[&str] = &[
    "gradient_descent() assigns W1 -= ... to names that are globals without `global`: \
     Python raises UnboundLocalError on the first call, so the program does not run.",
    "sigmoid_derivative(x) = x * (1 - x) expects the sigmoid's output, but backward() \
     passes the pre-activation z1: the hidden-layer gradient is wrong.",
    "delta2 = a2 - y omits the output sigmoid's derivative a2 (1 - a2) (and MSE's factor \
     2/N): it is the gradient of cross-entropy, not of the stated MSE.",
    "backward() reads the global x instead of taking it as an argument (it works only \
     because x happens to be defined before the loop).",
    "tensorflow and matplotlib are imported but never used; no random seed is set, so no \
     two runs agree.",
    "The 'output' of section 5.4 cannot come from this program: the printed W1 has rows \
     of 3 and 2 numbers, and the values are the (wrong) hand updates of section 4.3.",
];

fn main() {
    println!("The article's program has these bugs:");
    for bug in ARTICLE_BUGS {
        println!("  - {bug}");
    }
    println!();
    println!(
        "Training the 3-2-1 sigmoid network: MSE, SGD lr {LEARNING_RATE}, {EPOCHS} epochs, \
         seed {SEED}"
    );
    let result = run(|epoch, loss| {
        if epoch % 100 == 0 || epoch + 1 == EPOCHS {
            println!("  epoch {epoch:4}  loss {}", fmt_num(loss));
        }
    });
    println!("final loss: {}", fmt_num(result.final_loss));
    println!("outputs (targets 0.5): {}", fmt_tensor(&result.outputs));
    for (_, p) in result.store.iter() {
        println!("  {} = {}", p.name, fmt_tensor(&p.value));
    }
}

fn run(mut on_epoch: impl FnMut(usize, f64)) -> SeedTraining<f64> {
    train_article_program(SEED, EPOCHS, LEARNING_RATE, |s| on_epoch(s.epoch, s.loss))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loss_goes_down_and_outputs_reach_the_targets() {
        let r = run(|_, _| {});
        let first = r.history[0].loss;
        assert!(r.final_loss < first / 100.0, "{first} -> {}", r.final_loss);
        assert!(r.final_loss < 1e-4, "final loss {}", r.final_loss);
        for &o in r.outputs.data() {
            assert!((o - 0.5).abs() < 0.01, "output {o}");
        }
        // Full-batch gradient descent on a smooth loss with a small step:
        // the loss never goes up.
        assert!(r.history.windows(2).all(|w| w[1].loss <= w[0].loss));
    }
}
