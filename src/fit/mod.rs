//! The training loop of `tapegrad train` and the tour: shuffled
//! mini-batches, a cosine learning-rate schedule, and after each epoch the
//! training loss and the validation score, reported to a [`Progress`].

pub mod metrics;

use clap::ValueEnum;
use nn::data::Dataset;
use nn::optim::{Adam, AdamW, CosineAnnealing, LrSchedule, Optimizer, Sgd};
use nn::rand::{rngs::StdRng, SeedableRng};
use nn::Module;
use tape::Tape;

use crate::error::CliError;
use crate::model::Model;
use crate::progress::Progress;
pub use metrics::{loss_of, score, Score};

/// The optimizer.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum OptimizerKind {
    /// Stochastic gradient descent with momentum 0.9.
    Sgd,
    /// Adam (β = 0.9, 0.999).
    Adam,
    /// Adam with decoupled weight decay 0.01.
    Adamw,
}

impl OptimizerKind {
    /// Its name on the command line.
    pub fn name(self) -> &'static str {
        match self {
            OptimizerKind::Sgd => "sgd",
            OptimizerKind::Adam => "adam",
            OptimizerKind::Adamw => "adamw",
        }
    }

    fn build(self, lr: f64) -> Box<dyn Optimizer<f32>> {
        match self {
            OptimizerKind::Sgd => Box::new(Sgd::new(lr).momentum(0.9)),
            OptimizerKind::Adam => Box::new(Adam::new(lr)),
            OptimizerKind::Adamw => Box::new(AdamW::new(lr)),
        }
    }
}

/// How to train.
#[derive(Clone, Debug)]
pub struct Settings {
    /// Passes over the training set.
    pub epochs: usize,
    /// Examples per step.
    pub batch_size: usize,
    /// The initial learning rate (annealed along a cosine to 1% of it).
    pub lr: f64,
    /// The optimizer.
    pub optimizer: OptimizerKind,
    /// The seed of the shuffling.
    pub seed: u64,
}

/// One epoch's numbers.
#[derive(Clone, Debug)]
pub struct EpochRecord {
    /// The epoch, from 1.
    pub epoch: usize,
    /// The mean training loss over the epoch (each batch's loss measured
    /// before its step, weighted by its size).
    pub train_loss: f64,
    /// The score on the validation set after the epoch, if there is one.
    pub val: Option<Score>,
}

/// Trains `model` on `train`, scoring it on `val` after each epoch.
/// Fails if the loss stops being a finite number.
pub fn fit(
    model: &mut Model,
    train: &Dataset<f32>,
    val: Option<&Dataset<f32>>,
    settings: &Settings,
    progress: &mut Progress,
) -> Result<Vec<EpochRecord>, CliError> {
    let mut opt = settings.optimizer.build(settings.lr);
    let schedule = CosineAnnealing {
        t_max: settings.epochs,
        min_lr: settings.lr * 0.01,
    };
    let mut rng = StdRng::seed_from_u64(settings.seed);
    let mut tape = Tape::new();
    let mut history = Vec::with_capacity(settings.epochs);
    for epoch in 0..settings.epochs {
        opt.set_learning_rate(schedule.lr(settings.lr, epoch));
        let mut loss_sum = 0.0;
        for batch in train.batches(settings.batch_size, Some(&mut rng)) {
            tape.reset();
            let size = batch.len() as f64;
            let bound = model.store.bind(&tape);
            let pred = model.net.forward(tape.constant(batch.x), &bound);
            let loss = loss_of(model.spec.loss, pred, tape.constant(batch.y.clone()));
            let value = loss.item() as f64;
            if !value.is_finite() {
                return Err(CliError::Diverged {
                    epoch: epoch + 1,
                    loss: value,
                });
            }
            loss_sum += value * size;
            let grads = loss.backward();
            opt.step(&mut model.store, &bound, &grads);
        }
        let record = EpochRecord {
            epoch: epoch + 1,
            train_loss: loss_sum / train.len().max(1) as f64,
            val: val.map(|v| score(model, v)),
        };
        progress.epoch(&record);
        history.push(record);
    }
    Ok(history)
}
