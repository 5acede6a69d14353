//! The seed article's 3-2-1 sigmoid network, read consistently, and its
//! two programs done correctly: the worked example of section 4.3
//! ([`worked`]) and the training program of section 5.2
//! ([`train_article_program`]).
//!
//! The project's reading of the article's shapes: `x` is `[1, 3]`, `y` is
//! `[1, 1]`; `W1` is `[3, 2]` with both columns `[1, 2, 3]`, `b1 = [1, 2]`;
//! `W2 = [[4], [5]]` (`[2, 1]`), `b2 = [6]` (one output neuron has one
//! bias; the article's second value 7 belongs to no neuron). Then
//! `z1 = x W1 + b1`, `a1 = σ(z1)`, `z2 = a1 W2 + b2`, `a2 = σ(z2)` and the
//! loss is `mean((a2 - y)²)`.

mod format;
pub mod worked;

pub use format::{fmt_num, fmt_tensor};

use rand::rngs::StdRng;
use rand::SeedableRng;
use tape::{Scalar, Tensor, Var};

use crate::data::Dataset;
use crate::loss::{mse, Reduction};
use crate::optim::Sgd;
use crate::train::predict;
use crate::train::{EpochStats, Event, Trainer};
use crate::{Bound, Module, ParamId, ParamStore};

/// The 3-2-1 network with sigmoid after both layers, parameters in the
/// article's orientation (`x @ W1`, weights `[in, out]`).
#[derive(Clone, Debug)]
pub struct SeedNet {
    /// `W1`, shape `[3, 2]`.
    pub w1: ParamId,
    /// `b1`, shape `[2]`.
    pub b1: ParamId,
    /// `W2`, shape `[2, 1]`.
    pub w2: ParamId,
    /// `b2`, shape `[1]`.
    pub b2: ParamId,
}

impl SeedNet {
    /// The network with the article's section 4.3 values (see the module
    /// docs for the reading of their shapes).
    pub fn article<T: Scalar>(store: &mut ParamStore<T>) -> Self {
        let t = |v: &[f64], shape: &[usize]| {
            let data = v.iter().map(|&x| T::from_f64_lossy(x)).collect();
            Tensor::from_vec(data, shape.to_vec())
        };
        SeedNet {
            w1: store.add("w1", t(&[1., 1., 2., 2., 3., 3.], &[3, 2])),
            b1: store.add("b1", t(&[1., 2.], &[2])),
            w2: store.add("w2", t(&[4., 5.], &[2, 1])),
            b2: store.add("b2", t(&[6.], &[1])),
        }
    }

    /// The network with standard-normal parameters, as the article's
    /// program draws them (`np.random.randn`), from a seeded generator.
    pub fn random<T: Scalar>(store: &mut ParamStore<T>, seed: u64) -> Self {
        let mut rng = StdRng::seed_from_u64(seed);
        SeedNet {
            w1: store.add("w1", Tensor::randn([3, 2], &mut rng)),
            b1: store.add("b1", Tensor::randn([2], &mut rng)),
            w2: store.add("w2", Tensor::randn([2, 1], &mut rng)),
            b2: store.add("b2", Tensor::randn([1], &mut rng)),
        }
    }
}

impl<T: Scalar> Module<T> for SeedNet {
    fn forward<'t>(&self, x: Var<'t, T>, p: &Bound<'t, T>) -> Var<'t, T> {
        let z1 = (x.matmul(p[self.w1]) + p[self.b1]).label("z1");
        let a1 = z1.sigmoid().label("a1");
        let z2 = (a1.matmul(p[self.w2]) + p[self.b2]).label("z2");
        z2.sigmoid().label("a2")
    }

    fn params(&self) -> Vec<ParamId> {
        vec![self.w1, self.b1, self.w2, self.b2]
    }
}

/// The worked example's one sample: `x = [[1, 2, 3]]`, `y = [[0.5]]`.
pub fn worked_example_data<T: Scalar>() -> Dataset<T> {
    let f = T::from_f64_lossy;
    Dataset::new(
        Tensor::from_vec(vec![f(1.0), f(2.0), f(3.0)], [1, 3]),
        Tensor::from_vec(vec![f(0.5)], [1, 1]),
    )
}

/// The training data of the article's program: inputs
/// `[[1, 2, 3], [4, 5, 6], [7, 8, 9]]`, every target 0.5.
pub fn article_training_data<T: Scalar>() -> Dataset<T> {
    let x = (1..=9).map(|v| T::from_f64_lossy(v as f64)).collect();
    Dataset::new(
        Tensor::from_vec(x, [3, 3]),
        Tensor::full([3, 1], T::from_f64_lossy(0.5)),
    )
}

/// What [`train_article_program`] produced.
#[derive(Clone, Debug)]
pub struct SeedTraining<T: Scalar> {
    /// The loss of each epoch (full batch, measured before its step).
    pub history: Vec<EpochStats>,
    /// The loss after the last step.
    pub final_loss: f64,
    /// The network's outputs for the three inputs after training.
    pub outputs: Tensor<T>,
    /// The trained parameters.
    pub store: ParamStore<T>,
}

/// The article's section 5.2 program done correctly: the 3-2-1 sigmoid
/// network (standard-normal initial parameters from `seed`), MSE loss,
/// full-batch SGD with learning rate `lr` for `epochs` epochs, the
/// gradients coming from the tape. `on_epoch` sees each epoch's stats.
pub fn train_article_program<T: Scalar>(
    seed: u64,
    epochs: usize,
    lr: f64,
    mut on_epoch: impl FnMut(&EpochStats),
) -> SeedTraining<T> {
    let mut store = ParamStore::new();
    let net = SeedNet::random(&mut store, seed);
    let data = article_training_data::<T>();
    let mut opt = Sgd::new(lr);
    let history = Trainer::new(epochs, data.len()).shuffle(false).fit(
        &net,
        &mut store,
        &mut opt,
        &data,
        |p, y| mse(p, y, Reduction::Mean),
        |e| {
            if let Event::Epoch(s) = e {
                on_epoch(s)
            }
        },
    );
    let outputs = predict(&net, &store, &data.x);
    let final_loss = mse_value(&outputs, &data.y);
    SeedTraining {
        history,
        final_loss,
        outputs,
        store,
    }
}

/// `mean((a - b)²)` of two tensors, in f64.
fn mse_value<T: Scalar>(a: &Tensor<T>, b: &Tensor<T>) -> f64 {
    let n = a.numel().max(1) as f64;
    a.data()
        .iter()
        .zip(b.data())
        .map(|(&p, &t)| (p.to_f64_lossy() - t.to_f64_lossy()).powi(2))
        .sum::<f64>()
        / n
}
