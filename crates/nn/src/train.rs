//! A training loop: epochs of shuffled mini-batches, with a callback that
//! sees every step and every epoch, plus prediction and accuracy helpers.

use rand::rngs::StdRng;
use rand::SeedableRng;
use tape::{Scalar, Tape, Tensor, Var};

use crate::data::Dataset;
use crate::optim::{LrSchedule, Optimizer};
use crate::{Module, ParamStore};

/// How predictions are scored against targets.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Accuracy {
    /// One logit per example: class 1 if the logit is > 0; targets 0/1.
    BinaryLogits,
    /// One probability per example: class 1 if > 0.5; targets 0/1.
    BinaryProbabilities,
    /// One score per class: the arg-max row entry is the predicted class;
    /// targets are one column of class indices.
    ArgMax,
}

/// What the training loop reports to its callback.
#[derive(Clone, Debug, PartialEq)]
pub enum Event {
    /// One optimizer step was taken.
    Step {
        /// The epoch (from 0).
        epoch: usize,
        /// The step within the epoch (from 0).
        step: usize,
        /// The mini-batch loss before the step.
        loss: f64,
    },
    /// An epoch ended.
    Epoch(EpochStats),
}

/// The summary of one epoch.
#[derive(Clone, Debug, PartialEq)]
pub struct EpochStats {
    /// The epoch (from 0).
    pub epoch: usize,
    /// The mean loss over the epoch's examples (each mini-batch's loss
    /// weighted by its size), measured before each step.
    pub loss: f64,
    /// The fraction of examples classified correctly during the epoch, if
    /// an [`Accuracy`] was chosen.
    pub accuracy: Option<f64>,
    /// The learning rate used.
    pub lr: f64,
}

/// Settings for [`Trainer::fit`].
pub struct Trainer {
    epochs: usize,
    batch_size: usize,
    seed: u64,
    shuffle: bool,
    accuracy: Option<Accuracy>,
    schedule: Option<Box<dyn LrSchedule>>,
}

impl Trainer {
    /// Trains for `epochs` passes in mini-batches of `batch_size`,
    /// shuffling with seed 0.
    pub fn new(epochs: usize, batch_size: usize) -> Self {
        Trainer {
            epochs,
            batch_size,
            seed: 0,
            shuffle: true,
            accuracy: None,
            schedule: None,
        }
    }

    /// The seed of the shuffling (a run is reproducible bit for bit).
    pub fn seed(mut self, seed: u64) -> Self {
        self.seed = seed;
        self
    }

    /// Whether to shuffle the examples each epoch (default true).
    pub fn shuffle(mut self, shuffle: bool) -> Self {
        self.shuffle = shuffle;
        self
    }

    /// Reports accuracy of this kind in each [`EpochStats`].
    pub fn accuracy(mut self, kind: Accuracy) -> Self {
        self.accuracy = Some(kind);
        self
    }

    /// Sets the learning rate at the start of every epoch from the
    /// optimizer's initial rate.
    pub fn schedule(mut self, schedule: impl LrSchedule + 'static) -> Self {
        self.schedule = Some(Box::new(schedule));
        self
    }

    /// Trains `model` (parameters in `store`) on `data` with `opt`,
    /// minimising `loss(prediction, target)`. Calls `on_event` after each
    /// step and epoch; returns every epoch's stats.
    pub fn fit<T, M, O, L>(
        &self,
        model: &M,
        store: &mut ParamStore<T>,
        opt: &mut O,
        data: &Dataset<T>,
        loss: L,
        mut on_event: impl FnMut(&Event),
    ) -> Vec<EpochStats>
    where
        T: Scalar,
        M: Module<T> + ?Sized,
        O: Optimizer<T> + ?Sized,
        L: for<'t> Fn(Var<'t, T>, Var<'t, T>) -> Var<'t, T>,
    {
        let mut rng = StdRng::seed_from_u64(self.seed);
        let base_lr = opt.learning_rate();
        let mut tape = Tape::new();
        let mut history = Vec::with_capacity(self.epochs);
        for epoch in 0..self.epochs {
            if let Some(s) = &self.schedule {
                opt.set_learning_rate(s.lr(base_lr, epoch));
            }
            let (mut loss_sum, mut correct) = (0.0, 0usize);
            let batches = data.batches(self.batch_size, self.shuffle.then_some(&mut rng));
            for (step, batch) in batches.enumerate() {
                tape.reset();
                let bound = store.bind(&tape);
                let x = tape.constant(batch.x);
                let y = tape.constant(batch.y.clone());
                let pred = model.forward(x, &bound);
                let l = loss(pred, y);
                let value = l.item().to_f64_lossy();
                if let Some(kind) = self.accuracy {
                    correct += count_correct(&pred.value(), &batch.y, kind);
                }
                let grads = l.backward();
                opt.step(store, &bound, &grads);
                loss_sum += value * batch.y.dims()[0] as f64;
                on_event(&Event::Step {
                    epoch,
                    step,
                    loss: value,
                });
            }
            let n = data.len().max(1) as f64;
            let stats = EpochStats {
                epoch,
                loss: loss_sum / n,
                accuracy: self.accuracy.map(|_| correct as f64 / n),
                lr: opt.learning_rate(),
            };
            on_event(&Event::Epoch(stats.clone()));
            history.push(stats);
        }
        history
    }
}

/// The model's output for inputs `x`, computed without recording
/// gradients (parameters bound as constants).
pub fn predict<T: Scalar, M: Module<T> + ?Sized>(
    model: &M,
    store: &ParamStore<T>,
    x: &Tensor<T>,
) -> Tensor<T> {
    let tape = Tape::new();
    let bound = store.bind_constants(&tape);
    model.forward(tape.constant(x.clone()), &bound).value()
}

/// The fraction of rows of `pred` that match `targets` (see [`Accuracy`]).
///
/// ```
/// use nn::train::{accuracy, Accuracy};
/// use tape::Tensor;
/// let logits = Tensor::from_vec(vec![2.0_f32, -1.0, 0.5], [3, 1]);
/// let labels = Tensor::from_vec(vec![1.0, 0.0, 0.0], [3, 1]);
/// assert_eq!(accuracy(&logits, &labels, Accuracy::BinaryLogits), 2.0 / 3.0);
/// ```
#[track_caller]
pub fn accuracy<T: Scalar>(pred: &Tensor<T>, targets: &Tensor<T>, kind: Accuracy) -> f64 {
    let n = pred.dims().first().copied().unwrap_or(0);
    count_correct(pred, targets, kind) as f64 / n.max(1) as f64
}

#[track_caller]
fn count_correct<T: Scalar>(pred: &Tensor<T>, targets: &Tensor<T>, kind: Accuracy) -> usize {
    let rows = targets.dims()[0];
    assert!(
        pred.rank() == 2 && pred.dims()[0] == rows,
        "accuracy: predictions {:?} do not match targets {:?}",
        pred.shape(),
        targets.shape()
    );
    let cols = pred.dims()[1];
    let half = T::from_f64_lossy(0.5);
    (0..rows)
        .filter(|&r| {
            let row = &pred.data()[r * cols..(r + 1) * cols];
            let t = targets.data()[r * targets.dims()[1]];
            match kind {
                Accuracy::BinaryLogits => (row[0] > T::zero()) == (t > half),
                Accuracy::BinaryProbabilities => (row[0] > half) == (t > half),
                Accuracy::ArgMax => {
                    let best = (0..cols).fold(0, |b, c| if row[c] > row[b] { c } else { b });
                    T::from_usize(best) == Some(t)
                }
            }
        })
        .count()
}
