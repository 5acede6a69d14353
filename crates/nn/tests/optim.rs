//! Each optimizer's update rule against hand-computed steps, and the
//! learning-rate schedules.

use nn::optim::{Adam, AdamW, CosineAnnealing, LrSchedule, Optimizer, Sgd, StepDecay};
use nn::{ParamId, ParamStore};
use tape::Tensor;

fn one(x: f64) -> Tensor<f64> {
    Tensor::from_vec(vec![x], [1])
}

/// Runs `opt` on a one-element parameter starting at 1 with these gradients.
fn trajectory(opt: &mut impl Optimizer<f64>, grads: &[f64]) -> Vec<f64> {
    let mut store = ParamStore::new();
    let id = store.add("p", one(1.0));
    let mut p = one(1.0);
    grads
        .iter()
        .map(|&g| {
            opt.update(id, &mut p, &one(g));
            p.data()[0]
        })
        .collect()
}

fn close(a: &[f64], b: &[f64]) {
    assert_eq!(a.len(), b.len());
    for (x, y) in a.iter().zip(b) {
        assert!((x - y).abs() < 1e-12, "{a:?} vs {b:?}");
    }
}

#[test]
fn plain_sgd_and_weight_decay() {
    // p = 1 - 0.1 * 2 = 0.8, then 0.8 - 0.1 * (-1) = 0.9
    close(&trajectory(&mut Sgd::new(0.1), &[2.0, -1.0]), &[0.8, 0.9]);
    // g = 2 + 0.5 * 1 = 2.5: p = 0.75; then g = -1 + 0.375: p = 0.8125
    close(
        &trajectory(&mut Sgd::new(0.1).weight_decay(0.5), &[2.0, -1.0]),
        &[0.75, 0.8125],
    );
}

#[test]
fn sgd_momentum() {
    // b = 2, p = 0.8; b = 0.9*2 - 1 = 0.8, p = 0.72; b = 0.72 + 0.5 = 1.22, p = 0.598
    close(
        &trajectory(&mut Sgd::new(0.1).momentum(0.9), &[2.0, -1.0, 0.5]),
        &[0.8, 0.72, 0.598],
    );
}

#[test]
fn sgd_nesterov() {
    // b = 2, step = 2 + 0.9*2 = 3.8, p = 0.62;
    // b = 0.8, step = -1 + 0.72 = -0.28, p = 0.648
    close(
        &trajectory(
            &mut Sgd::new(0.1).momentum(0.9).nesterov(true),
            &[2.0, -1.0],
        ),
        &[0.62, 0.648],
    );
}

/// Adam's published recurrences (Kingma & Ba, Algorithm 1) written out
/// for one scalar parameter: m = b1 m + (1 - b1) g, v = b2 v + (1 - b2) g²,
/// m^ = m / (1 - b1^t), v^ = v / (1 - b2^t), p -= lr m^ / (sqrt(v^) + eps).
fn adam_by_hand(lr: f64, p0: f64, grads: &[f64]) -> Vec<f64> {
    let (b1, b2, eps) = (0.9_f64, 0.999_f64, 1e-8);
    let (mut p, mut m, mut v) = (p0, 0.0, 0.0);
    let mut out = Vec::new();
    for (k, &g) in grads.iter().enumerate() {
        let t = k as i32 + 1;
        m = b1 * m + (1.0 - b1) * g;
        v = b2 * v + (1.0 - b2) * g * g;
        let m_hat = m / (1.0 - b1.powi(t));
        let v_hat = v / (1.0 - b2.powi(t));
        p -= lr * m_hat / (v_hat.sqrt() + eps);
        out.push(p);
    }
    out
}

#[test]
fn adam_with_bias_correction() {
    let expected = adam_by_hand(0.1, 1.0, &[3.0, -1.0, 0.5]);
    // Spot checks of the oracle itself. t=1: m = 0.3, v = 0.009, m^ = 3,
    // v^ = 9: p = 1 - 0.1 * 3 / (3 + 1e-8).
    assert!((expected[0] - (1.0 - 0.1 * 3.0 / (3.0 + 1e-8))).abs() < 1e-15);
    // t=2: m = 0.27 - 0.1 = 0.17, v = 0.008991 + 0.001 = 0.009991.
    let (m_hat, v_hat): (f64, f64) = (0.17 / (1.0 - 0.81), 0.009991 / (1.0 - 0.998001));
    let second = expected[0] - 0.1 * m_hat / (v_hat.sqrt() + 1e-8);
    assert!((expected[1] - second).abs() < 1e-12);
    close(
        &trajectory(&mut Adam::new(0.1), &[3.0, -1.0, 0.5]),
        &expected,
    );
}

#[test]
fn adam_l2_and_adamw_decoupled_decay_differ_as_specified() {
    // Adam + L2: g = 3 + 0.1 * 1 = 3.1, first step lr * 3.1 / (3.1 + eps)
    let expected = 1.0 - 0.1 * 3.1 / (3.1 + 1e-8);
    close(
        &trajectory(&mut Adam::new(0.1).weight_decay(0.1), &[3.0]),
        &[expected],
    );
    // AdamW: p = 1 - 0.1 * 0.1 * 1 = 0.99, then the Adam step on the raw g
    let expected = 0.99 - 0.1 * 3.0 / (3.0 + 1e-8);
    close(
        &trajectory(&mut AdamW::new(0.1).weight_decay(0.1), &[3.0]),
        &[expected],
    );
    // Custom betas and eps: t=1 step is lr * g / (|g| + eps) whatever the betas.
    let expected = 1.0 - 0.1 * 3.0 / (3.0 + 0.5);
    close(
        &trajectory(&mut Adam::new(0.1).betas(0.5, 0.5).eps(0.5), &[3.0]),
        &[expected],
    );
}

#[test]
fn optimizer_state_is_per_parameter() {
    let mut store = ParamStore::<f64>::new();
    let a: ParamId = store.add("a", one(1.0));
    let b: ParamId = store.add("b", one(1.0));
    let mut adam = Adam::new(0.1);
    let (mut pa, mut pb) = (one(1.0), one(1.0));
    adam.update(a, &mut pa, &one(3.0));
    adam.update(a, &mut pa, &one(-1.0));
    adam.update(b, &mut pb, &one(3.0)); // b's first step: t = 1 for b
    let a_path = adam_by_hand(0.1, 1.0, &[3.0, -1.0]);
    let b_path = adam_by_hand(0.1, 1.0, &[3.0]);
    assert!((pb.data()[0] - b_path[0]).abs() < 1e-15);
    assert!((pa.data()[0] - a_path[1]).abs() < 1e-12);
}

#[test]
fn schedules() {
    let s = StepDecay {
        step_size: 3,
        gamma: 0.1,
    };
    let lrs: Vec<f64> = (0..7).map(|e| s.lr(1.0, e)).collect();
    close(&lrs, &[1.0, 1.0, 1.0, 0.1, 0.1, 0.1, 0.01]);
    let c = CosineAnnealing {
        t_max: 4,
        min_lr: 0.1,
    };
    // 0.1 + 0.9 (1 + cos(pi e / 4)) / 2
    let lrs: Vec<f64> = (0..6).map(|e| c.lr(1.0, e)).collect();
    let half = 0.1 + 0.9 * (1.0 + std::f64::consts::FRAC_1_SQRT_2) / 2.0;
    let low = 0.1 + 0.9 * (1.0 - std::f64::consts::FRAC_1_SQRT_2) / 2.0;
    close(&lrs, &[1.0, half, 0.55, low, 0.1, 0.1]);
    let custom = |base: f64, e: usize| base / (1 + e) as f64;
    assert_eq!(custom.lr(1.0, 3), 0.25);
}

#[test]
fn learning_rate_hook() {
    let mut sgd = Sgd::<f32>::new(0.1);
    sgd.set_learning_rate(0.01);
    assert_eq!(Optimizer::<f32>::learning_rate(&sgd), 0.01);
}

/// Builds a fresh optimizer.
type MakeOptimizer = fn() -> Box<dyn Optimizer<f64>>;

/// A parameter big enough to be updated in parts on several threads
/// (`tape::parallel`) follows, element by element, the trajectory of a
/// one-element parameter (which is updated on one thread).
#[test]
fn big_parameters_update_like_small_ones() {
    let len = tape::parallel::PARALLEL_MIN_LEN * 2 + 7;
    let grads_of = |step: usize| -> Vec<f64> {
        (0..len)
            .map(|i| ((i * (step + 3)) as f64 * 0.001).sin())
            .collect()
    };
    let steps = [grads_of(0), grads_of(1)];
    let optimizers: [(&str, MakeOptimizer); 4] = [
        ("sgd", || Box::new(Sgd::new(0.1).weight_decay(0.01))),
        ("momentum", || Box::new(Sgd::new(0.1).momentum(0.9))),
        ("nesterov", || {
            Box::new(Sgd::new(0.1).momentum(0.9).nesterov(true))
        }),
        ("adamw", || Box::new(AdamW::new(0.01))),
    ];
    for (name, make) in optimizers {
        let mut store = ParamStore::new();
        let id = store.add("w", Tensor::full([len], 1.0));
        let mut big = Tensor::full([len], 1.0);
        let mut opt = make();
        for g in &steps {
            opt.update(id, &mut big, &Tensor::from_vec(g.clone(), [len]));
        }
        // Every part boundary is near a multiple of len / threads; sample
        // densely there and sparsely elsewhere.
        let samples = (0..len)
            .step_by(997)
            .chain(len / 2 - 40..len / 2 + 40)
            .chain(len - 20..len);
        for i in samples {
            let mut one_opt = make();
            let per_step: Vec<f64> = steps.iter().map(|g| g[i]).collect();
            let mut store = ParamStore::new();
            let id = store.add("p", one(1.0));
            let mut p = one(1.0);
            for &g in &per_step {
                one_opt.update(id, &mut p, &one(g));
            }
            assert_eq!(big.data()[i], p.data()[0], "{name}: element {i}");
        }
    }
}
