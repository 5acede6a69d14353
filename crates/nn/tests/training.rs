//! The training loop: reproducibility bit for bit, progress events,
//! schedules, and that each dataset can be learnt.

use nn::data::{circles, noisy_sine, two_moons, xor, Dataset};
use nn::loss::{bce_with_logits, mse, Reduction};
use nn::optim::{Adam, Optimizer, Sgd, StepDecay};
use nn::rand::{rngs::StdRng, SeedableRng};
use nn::train::{accuracy, predict, Accuracy, EpochStats, Event, Trainer};
use nn::{Activation, Mlp, ParamStore};

fn train_moons(seed: u64) -> (Vec<EpochStats>, ParamStore<f32>) {
    let mut rng = StdRng::seed_from_u64(seed);
    let data = two_moons::<f32, _>(200, 0.1, &mut rng);
    let mut store = ParamStore::new();
    let model = Mlp::new(&[2, 16, 1], Activation::Tanh).build(&mut store, &mut rng);
    let mut opt = Adam::new(0.02);
    let history = Trainer::new(5, 16).seed(seed).fit(
        &model,
        &mut store,
        &mut opt,
        &data,
        |z, y| bce_with_logits(z, y, Reduction::Mean),
        |_| {},
    );
    (history, store)
}

#[test]
fn same_seed_same_run_bit_for_bit() {
    let (h1, s1) = train_moons(11);
    let (h2, s2) = train_moons(11);
    let bits = |h: &[EpochStats]| h.iter().map(|s| s.loss.to_bits()).collect::<Vec<_>>();
    assert_eq!(bits(&h1), bits(&h2));
    for ((_, a), (_, b)) in s1.iter().zip(s2.iter()) {
        let ab: Vec<u32> = a.value.data().iter().map(|x| x.to_bits()).collect();
        let bb: Vec<u32> = b.value.data().iter().map(|x| x.to_bits()).collect();
        assert_eq!(ab, bb, "{}", a.name);
    }
    let (h3, _) = train_moons(12);
    assert_ne!(bits(&h1), bits(&h3));
}

#[test]
fn events_report_every_step_and_epoch() {
    let data = xor::<f64>();
    let mut store = ParamStore::new();
    let model =
        Mlp::new(&[2, 4, 1], Activation::Tanh).build(&mut store, &mut StdRng::seed_from_u64(0));
    let mut opt = Sgd::new(0.4);
    let mut steps = 0;
    let mut epochs = vec![];
    let history = Trainer::new(6, 3)
        .accuracy(Accuracy::BinaryLogits)
        .schedule(StepDecay {
            step_size: 2,
            gamma: 0.5,
        })
        .fit(
            &model,
            &mut store,
            &mut opt,
            &data,
            |z, y| bce_with_logits(z, y, Reduction::Mean),
            |e| match e {
                Event::Step { .. } => steps += 1,
                Event::Epoch(s) => epochs.push(s.clone()),
            },
        );
    assert_eq!(steps, 6 * 2); // batches of 3 and 1
    assert_eq!(epochs, history);
    let lrs: Vec<f64> = history.iter().map(|s| s.lr).collect();
    assert_eq!(lrs, [0.4, 0.4, 0.2, 0.2, 0.1, 0.1]);
    assert_eq!(Optimizer::<f64>::learning_rate(&opt), 0.1);
    for s in &history {
        let acc = s.accuracy.unwrap();
        assert!((0.0..=1.0).contains(&acc) && (acc * 4.0).fract() == 0.0);
    }
}

fn fit_classifier(data: &Dataset<f32>, epochs: usize) -> f64 {
    let mut store = ParamStore::new();
    let model = Mlp::new(&[2, 16, 16, 1], Activation::ReLU)
        .build(&mut store, &mut StdRng::seed_from_u64(5));
    let mut opt = Adam::new(0.02);
    Trainer::new(epochs, 32).seed(5).fit(
        &model,
        &mut store,
        &mut opt,
        data,
        |z, y| bce_with_logits(z, y, Reduction::Mean),
        |_| {},
    );
    accuracy(
        &predict(&model, &store, &data.x),
        &data.y,
        Accuracy::BinaryLogits,
    )
}

#[test]
fn circles_and_moons_are_learnt() {
    let mut rng = StdRng::seed_from_u64(1);
    let c = circles::<f32, _>(300, 0.05, 0.5, &mut rng);
    assert!(fit_classifier(&c, 60) >= 0.97);
    let m = two_moons::<f32, _>(300, 0.1, &mut rng);
    assert!(fit_classifier(&m, 60) >= 0.97);
}

#[test]
fn noisy_sine_regression_fits() {
    let mut rng = StdRng::seed_from_u64(2);
    let data = noisy_sine::<f64, _>(200, 0.05, &mut rng);
    let mut store = ParamStore::new();
    let model = Mlp::new(&[1, 24, 1], Activation::Tanh).build(&mut store, &mut rng);
    let mut opt = Adam::new(0.02);
    let h = Trainer::new(150, 20).fit(
        &model,
        &mut store,
        &mut opt,
        &data,
        |p, y| mse(p, y, Reduction::Mean),
        |_| {},
    );
    assert!(
        h.last().unwrap().loss < 0.01,
        "mse {}",
        h.last().unwrap().loss
    );
}
