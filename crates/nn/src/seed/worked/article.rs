//! Where the article's section 4.3 arithmetic differs from the tape's
//! numbers. The article's printed numbers are data here; everything the
//! findings derive from them (its own products, its own updates) is
//! computed, never typed in.

use super::{WorkedExample, LEARNING_RATE};
use crate::seed::{fmt_num, fmt_tensor};

/// The value the article uses for every sigmoid: `σ(z) ≈ 0.9999` (for a1,
/// a2 and a3, and again where σ'(z2) and σ'(z1) belong).
pub const ARTICLE_SIGMA: f64 = 0.9999;
/// The article's `δ3 = a3 - y`.
const ARTICLE_DELTA3: f64 = 0.4999;
/// The article's `δ2 = σ'(z2) · δ3`.
const ARTICLE_DELTA2: f64 = 0.4995;
/// The article's `δ1 = σ'(z1) · δ2`.
const ARTICLE_DELTA1: f64 = 0.4994;

/// One parameter update the article prints (`p - α · step = result`),
/// with what its own formula gives.
#[derive(Clone, Debug, PartialEq)]
pub struct ArticleUpdate {
    /// The parameter, as the article names it (`W2`, `b2`, `W1`, `b1`).
    pub name: &'static str,
    /// Its values before the step, as the article gives them.
    pub before: Vec<f64>,
    /// What the article multiplies by the learning rate: one value per
    /// element, or a single value for all of them.
    pub step: Vec<f64>,
    /// The result the article prints.
    pub printed: Vec<f64>,
}

impl ArticleUpdate {
    fn step_at(&self, i: usize) -> f64 {
        self.step[i % self.step.len()]
    }

    /// `before - α · step` with α = [`LEARNING_RATE`]: the article's own
    /// formula, evaluated.
    pub fn own_terms(&self) -> Vec<f64> {
        (0..self.before.len())
            .map(|i| self.before[i] - LEARNING_RATE * self.step_at(i))
            .collect()
    }

    /// `before - step`: the learning rate left out, which is what the
    /// article's printed results are (to its rounding).
    pub fn without_learning_rate(&self) -> Vec<f64> {
        (0..self.before.len())
            .map(|i| self.before[i] - self.step_at(i))
            .collect()
    }
}

/// The article's four updates in its order: W2, b2, W1, b1.
pub fn article_updates() -> Vec<ArticleUpdate> {
    let update = |name, before: &[f64], step: &[f64], printed: &[f64]| ArticleUpdate {
        name,
        before: before.to_vec(),
        step: step.to_vec(),
        printed: printed.to_vec(),
    };
    let (d2, d1) = (ARTICLE_DELTA2, ARTICLE_DELTA1);
    vec![
        update("W2", &[4.0, 5.0], &[d2, d2], &[3.501, 4.501]),
        update("b2", &[6.0, 7.0], &[d2], &[5.5005, 6.5005]),
        update(
            "W1",
            &[1.0, 2.0, 3.0],
            &[d1, d1, d1],
            &[0.5006, 1.5006, 2.5006],
        ),
        update("b1", &[1.0, 2.0], &[d1], &[0.5006, 1.5006]),
    ]
}

/// `[a, b, c]`, or `a` for one value.
fn list(values: &[f64]) -> String {
    match values {
        [x] => fmt_num(*x),
        _ => {
            let parts: Vec<String> = values.iter().map(|&x| fmt_num(x)).collect();
            format!("[{}]", parts.join(", "))
        }
    }
}

/// "`before - 0.1 * step` is `own terms`, not `printed`".
fn redone(u: &ArticleUpdate) -> String {
    format!(
        "{} - {LEARNING_RATE} * {} is {}, not {}",
        list(&u.before),
        list(&u.step),
        list(&u.own_terms()),
        list(&u.printed)
    )
}

/// "`before - step = before - step, evaluated`": the learning rate left out.
fn dropped(u: &ArticleUpdate) -> String {
    format!(
        "{} - {} = {}",
        list(&u.before),
        list(&u.step),
        list(&u.without_learning_rate())
    )
}

impl WorkedExample {
    /// Where the article's section 4.3 arithmetic differs from the tape's
    /// numbers, one finding per entry.
    pub fn article_differences(&self) -> Vec<String> {
        let (z1, a1) = (self.value("z1").data(), self.value("a1").data());
        let (z2, a2) = (self.value("z2").data()[0], self.value("a2").data()[0]);
        let d_a2 = 2.0 * (a2 - 0.5);
        let s2 = a2 * (1.0 - a2);
        let s1: Vec<f64> = a1.iter().map(|a| a * (1.0 - a)).collect();
        let sigma = ARTICLE_SIGMA;
        let own_z2 = sigma * 4.0 + sigma * 5.0 + 6.0 + 7.0;
        let [w2, b2, w1, b1] = <[ArticleUpdate; 4]>::try_from(article_updates())
            .expect("the article makes four updates");
        vec![
            format!(
                "z1: 1*1 + 2*2 + 3*3 + 1 is {}, not 14 (14 is the sum without the bias), and \
                 the second hidden neuron (bias 2) gives {}; the article computes one neuron \
                 only and then uses its a1 = {sigma} for both (correctly a1 = [{}, {}]).",
                fmt_num(z1[0]),
                fmt_num(z1[1]),
                fmt_num(a1[0]),
                fmt_num(a1[1])
            ),
            format!(
                "z2: the article adds both 6 and 7 (an output neuron has one bias) and gets \
                 21.9995 (its own sum {sigma}*4 + {sigma}*5 + 6 + 7 would be {}). Correctly \
                 z2 = 4 a1[0] + 5 a1[1] + 6 = {}, a2 = {}.",
                fmt_num(own_z2),
                fmt_num(z2),
                fmt_num(a2)
            ),
            "z3, a3: a 3-2-1 network has no third layer; the article invents one by applying \
             W2 and b2 a second time."
                .to_string(),
            format!(
                "delta3 = a3 - y = {ARTICLE_DELTA3} drops the sigmoid derivative and the MSE \
                 factor 2: d loss/d a2 = 2 (a2 - y) = {}, d loss/d z2 = 2 (a2 - y) a2 (1 - a2) \
                 = {}.",
                fmt_num(d_a2),
                fmt_num(d_a2 * s2)
            ),
            format!(
                "delta2 = sigma'(z2) * delta3 with sigma'(z2) = {sigma}: that is sigma(z2), not \
                 its derivative sigma(z2) (1 - sigma(z2)) = {} (the output neuron is \
                 saturated); and {sigma} * {ARTICLE_DELTA3} is {}, not {ARTICLE_DELTA2}.",
                fmt_num(s2),
                fmt_num(sigma * ARTICLE_DELTA3)
            ),
            format!(
                "delta1 = sigma'(z1) * delta2 = {sigma} * {ARTICLE_DELTA2} leaves out the W2 \
                 factor: the message reaches hidden neuron j through its weight, so correctly \
                 delta1_j = delta2 * W2_j * sigma'(z1_j). It also uses sigma(z1) = {sigma} \
                 where sigma'(z1) = sigma(z1) (1 - sigma(z1)) = {} belongs, and its own \
                 product {sigma} * {ARTICLE_DELTA2} is {}, not {ARTICLE_DELTA1}. The true \
                 delta1 = d loss/d z1 = {}.",
                list(&s1),
                fmt_num(sigma * ARTICLE_DELTA2),
                fmt_tensor(self.grad("b1"))
            ),
            format!(
                "W2: {} (the article's result is {}, rounded: it leaves out the learning \
                 rate); and dW2 = delta2 * a1 differs per weight. The true d loss/d W2 = {}: \
                 W2 barely moves.",
                redone(&w2),
                dropped(&w2),
                fmt_tensor(self.grad("w2"))
            ),
            format!(
                "b2: {} (that is {}: the learning rate left out again), and there is only \
                 one output bias.",
                redone(&b2),
                dropped(&b2)
            ),
            format!(
                "W1: {} (that is {}: the learning rate left out again), and it ignores that \
                 d loss/d W1_kj = x_k * delta1_j scales with x = [1, 2, 3]. The true \
                 d loss/d W1 = {}: the saturated sigmoids pass almost nothing back.",
                redone(&w1),
                dropped(&w1),
                fmt_tensor(self.grad("w1"))
            ),
            format!(
                "b1: {} (that is {}: the learning rate left out again). The true \
                 d loss/d b1 = {}.",
                redone(&b1),
                dropped(&b1),
                fmt_tensor(self.grad("b1"))
            ),
        ]
    }
}
