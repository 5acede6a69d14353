//! The benchmark cases of issue 7, shared by `examples/bench_report.rs`,
//! the criterion benches and `tests/alloc_steady_state.rs` (each includes
//! this file with `#[path]`), so all three time or count the same code.
//!
//! The definitions mirror `../shared/bench/bench_common.py`, `torch_mlp.py`
//! and `jax_mlp.py`, so tapegrad's figures sit next to theirs:
//!
//! - an MLP training step is PyTorch's `opt.zero_grad(); loss = mse(model(x),
//!   y); loss.backward(); opt.step()`, written with the public `nn` API:
//!   reset a tape, bind the parameter store, `forward`, `nn::loss::mse`,
//!   `backward`, `Optimizer::step` (SGD, lr 0.1), all in f32;
//! - layers are initialised like `torch.nn.Linear` (weight and bias
//!   uniform on `±1/sqrt(fan_in)`); inputs and targets are standard normal,
//!   except the seed case's fixed batch of 3 (`bench_common.seed_data`);
//! - the scalar chain is `v = x; v = v + a; v = v * b; v = tanh(v); ...`
//!   on f64 leaves `x = 0.3, a = 0.5, b = 0.9`, recorded then backpropagated.

#![allow(dead_code)] // each includer uses a different part

use nn::loss::{mse, Reduction};
use nn::optim::{Optimizer, Sgd};
use nn::rand::{rngs::StdRng, SeedableRng};
use nn::{Activation, Init, Linear, Module, ParamStore, Sequential};
use tape::{Tape, Tensor, Var};

/// The learning rate of every MLP case (PyTorch's `SGD(lr=0.1)`).
pub const LR: f64 = 0.1;

/// One MLP training-step case.
#[derive(Clone, Copy, Debug)]
pub struct MlpCase {
    /// The case name in the JSON lines (`mlp_seed`, ...).
    pub name: &'static str,
    /// The name of the same case in the peers' JSON (`torch_mlp.py`).
    pub peer_case: &'static str,
    /// Layer sizes, input first.
    pub sizes: &'static [usize],
    /// Rows per batch.
    pub batch: usize,
    /// The activation between layers.
    pub hidden: Activation,
    /// The activation after the last layer, if any.
    pub out: Option<Activation>,
}

impl MlpCase {
    /// The hidden activation's name as the peers print it.
    pub fn hidden_name(&self) -> &'static str {
        act_name(self.hidden)
    }

    /// The output activation's name as the peers print it (`None` = linear).
    pub fn out_name(&self) -> Option<&'static str> {
        self.out.map(act_name)
    }

    /// `6 * batch * in * out` summed over the layers: the flops of one step's
    /// matmuls (forward plus the two backward products), as the peers count.
    pub fn step_flops(&self) -> u64 {
        self.sizes
            .windows(2)
            .map(|w| 6 * (self.batch * w[0] * w[1]) as u64)
            .sum()
    }
}

fn act_name(a: Activation) -> &'static str {
    match a {
        Activation::Sigmoid => "sigmoid",
        Activation::ReLU => "relu",
        Activation::Tanh => "tanh",
        Activation::LeakyReLU(_) => "leaky_relu",
    }
}

/// 3-2-1, batch 3, sigmoid hidden and output: the seed article's network.
pub const MLP_SEED: MlpCase = MlpCase {
    name: "mlp_seed",
    peer_case: "mlp_seed_train_step",
    sizes: &[3, 2, 1],
    batch: 3,
    hidden: Activation::Sigmoid,
    out: Some(Activation::Sigmoid),
};

/// 2-16-16-1, batch 100, ReLU hidden, linear output.
pub const MLP_SMALL: MlpCase = MlpCase {
    name: "mlp_small",
    peer_case: "mlp_small_train_step",
    sizes: &[2, 16, 16, 1],
    batch: 100,
    hidden: Activation::ReLU,
    out: None,
};

/// 784-256-128-10, batch 128, ReLU hidden, linear output.
pub const MLP_MEDIUM: MlpCase = MlpCase {
    name: "mlp_medium",
    peer_case: "mlp_medium_train_step",
    sizes: &[784, 256, 128, 10],
    batch: 128,
    hidden: Activation::ReLU,
    out: None,
};

/// 1024-1024-1024-10, batch 256, ReLU hidden, linear output.
pub const MLP_LARGE: MlpCase = MlpCase {
    name: "mlp_large",
    peer_case: "mlp_large_train_step",
    sizes: &[1024, 1024, 1024, 10],
    batch: 256,
    hidden: Activation::ReLU,
    out: None,
};

/// The four MLP cases, smallest first.
pub const MLP_CASES: [MlpCase; 4] = [MLP_SEED, MLP_SMALL, MLP_MEDIUM, MLP_LARGE];

/// The seed case's fixed batch (`bench_common.seed_data`): inputs `[3, 3]`
/// and targets `[3, 1]`.
pub fn seed_data() -> (Tensor<f32>, Tensor<f32>) {
    let x = Tensor::from([[2.0, 3.0, -1.0], [3.0, -1.0, 0.5], [0.5, 1.0, 1.0]]);
    let y = Tensor::from([[1.0], [0.0], [0.0]]);
    (x, y)
}

/// A model, its parameters, optimizer, data and tape: everything one
/// training step touches, kept across steps like a user's training loop.
pub struct MlpStep {
    /// The case this was built from.
    pub case: MlpCase,
    model: Sequential<f32>,
    store: ParamStore<f32>,
    opt: Sgd<f32>,
    x: Tensor<f32>,
    y: Tensor<f32>,
    tape: Tape<f32>,
}

impl MlpStep {
    /// Builds the case's model (PyTorch's `nn.Linear` initialisation,
    /// seeded) and data.
    pub fn new(case: MlpCase) -> Self {
        let mut rng = StdRng::seed_from_u64(0);
        let mut store = ParamStore::new();
        let mut model = Sequential::new();
        let layers = case.sizes.len() - 1;
        for (i, w) in case.sizes.windows(2).enumerate() {
            let bound = 1.0 / (w[0] as f64).sqrt();
            let init = Init::Uniform(-bound, bound);
            let fc = Linear::new(
                &mut store,
                &format!("fc{i}"),
                w[0],
                w[1],
                true,
                init,
                &mut rng,
            );
            let bias = fc.bias.expect("built with a bias");
            store.set_value(bias, init.tensor([w[1]], w[0], w[1], &mut rng));
            model.push(fc);
            let act = if i + 1 < layers {
                Some(case.hidden)
            } else {
                case.out
            };
            match act {
                Some(Activation::Sigmoid) => model.push(nn::Sigmoid),
                Some(Activation::ReLU) => model.push(nn::ReLU),
                Some(Activation::Tanh) => model.push(nn::Tanh),
                Some(Activation::LeakyReLU(slope)) => model.push(nn::LeakyReLU { slope }),
                None => {}
            }
        }
        let (x, y) = if case.name == MLP_SEED.name {
            seed_data()
        } else {
            let mut data_rng = StdRng::seed_from_u64(1);
            let n_out = case.sizes[case.sizes.len() - 1];
            (
                Tensor::randn([case.batch, case.sizes[0]], &mut data_rng),
                Tensor::randn([case.batch, n_out], &mut data_rng),
            )
        };
        MlpStep {
            case,
            model,
            store,
            opt: Sgd::new(LR),
            x,
            y,
            tape: Tape::new(),
        }
    }

    /// One training step; returns the loss before the update.
    pub fn step(&mut self) -> f32 {
        self.tape.reset();
        let tape = &self.tape;
        let bound = self.store.bind(tape);
        let pred = self.model.forward(tape.constant(self.x.clone()), &bound);
        let loss = mse(pred, tape.constant(self.y.clone()), Reduction::Mean);
        let value = loss.item();
        let grads = loss.backward();
        self.opt.step(&mut self.store, &bound, &grads);
        value
    }

    /// The number of scalar parameters.
    pub fn numel(&self) -> usize {
        self.store.numel()
    }
}

/// The scalar chain's leaves, as in `bench_common.py`.
pub const CHAIN_X: f64 = 0.3;
/// See [`CHAIN_X`].
pub const CHAIN_A: f64 = 0.5;
/// See [`CHAIN_X`].
pub const CHAIN_B: f64 = 0.9;

/// Records `n` alternating add / mul / tanh ops on a reset `tape` and
/// returns the leaves `[x, a, b]` and the chain's end.
pub fn record_chain(tape: &Tape<f64>, n: usize) -> ([Var<'_, f64>; 3], Var<'_, f64>) {
    let x = tape.var(CHAIN_X);
    let a = tape.var(CHAIN_A);
    let b = tape.var(CHAIN_B);
    let mut v = x;
    for i in 0..n {
        v = match i % 3 {
            0 => v + a,
            1 => v * b,
            _ => v.tanh(),
        };
    }
    ([x, a, b], v)
}

/// Records the chain and backpropagates it; returns `d end / d b` (the
/// gradient for `x` underflows to 0 on long chains).
pub fn chain_step(tape: &mut Tape<f64>, n: usize) -> f64 {
    tape.reset();
    let ([_, _, b], v) = record_chain(tape, n);
    v.backward()[b].item()
}

/// Records the chain only (the forward half of [`chain_step`]); returns
/// its end value.
pub fn chain_forward(tape: &mut Tape<f64>, n: usize) -> f64 {
    tape.reset();
    record_chain(tape, n).1.item()
}
