//! The seed article's worked example (section 4.3), done correctly.
//!
//! Run with `cargo run --release --example seed_worked_example`.
//!
//! The article's 3-2-1 sigmoid network with x = [1, 2, 3], y = 0.5 and
//! W1 = [1, 2, 3], b1 = [1, 2], W2 = [4, 5], b2 = [6, 7] does not fit
//! together as printed. This program states the one consistent reading,
//! lets the tape compute every forward value and every backward message
//! (watched with the tape's `Observer`), and lists where the article's
//! arithmetic goes wrong. `docs/worked-example.md` holds the same numbers
//! (a test checks they match).

#![cfg_attr(test, allow(dead_code))]

use nn::seed::worked;

const READING: &str = "\
Reading of the shapes (the one under which the article's z1 = 1*1 + 2*2 + 3*3 + b1
holds for every hidden neuron):
  x  = [[1, 2, 3]]            shape [1, 3], one sample
  y  = [[0.5]]                shape [1, 1]
  W1 = [[1, 1], [2, 2], [3, 3]]  shape [3, 2]: both hidden neurons have weights 1, 2, 3
  b1 = [1, 2]                 shape [2], so z1 = [[15, 16]]
  W2 = [[4], [5]]             shape [2, 1]
  b2 = [6]                    shape [1]: one output neuron has one bias (7 belongs to no neuron)
  z1 = x W1 + b1, a1 = sigmoid(z1), z2 = a1 W2 + b2, a2 = sigmoid(z2)
  loss = mean((a2 - y)^2)     (PyTorch's MSE)
";

fn main() {
    println!("{READING}");
    let ex = worked::run();
    print!("{}", ex.render());
    println!();
    println!("Where the article differs:");
    for line in ex.article_differences() {
        println!("  - {line}");
    }
}
