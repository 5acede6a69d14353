//! # nn: neural-network building blocks on the `tape` crate
//!
//! Parameters, layers, losses, optimizers, data and a training loop, all
//! written as plain Rust that *records* ops on a [`tape::Tape`]. No layer,
//! loss or optimizer has a backward pass of its own: every gradient comes
//! from the tape's message passing.
//!
//! The pieces, as one training step uses them:
//!
//! 1. a [`ParamStore`] holds the parameters across steps, under
//!    [`ParamId`] handles;
//! 2. each step, [`ParamStore::bind`] records them on a (reset) tape and
//!    returns a [`Bound`]: `ParamId -> Var`;
//! 3. a [`Module`] (e.g. an [`Mlp`]) records the forward pass, a
//!    [`loss`] function reduces it to one number;
//! 4. `loss.backward()` passes the messages; an [`Optimizer`](optim::Optimizer)
//!    maps the gradients back by handle and updates the store.
//!
//! ```
//! use nn::loss::{bce_with_logits, Reduction};
//! use nn::optim::{Adam, Optimizer};
//! use nn::{data, Activation, Mlp, Module, ParamStore};
//! use rand::{rngs::StdRng, SeedableRng};
//! use tape::Tape;
//!
//! let mut rng = StdRng::seed_from_u64(0);
//! let mut store = ParamStore::<f32>::new();
//! let model = Mlp::new(&[2, 8, 1], Activation::Tanh).build(&mut store, &mut rng);
//! let mut opt = Adam::new(0.05);
//! let xor = data::xor::<f32>();
//! let mut tape = Tape::new();
//! let mut losses = Vec::new();
//! for _ in 0..300 {
//!     tape.reset();
//!     let bound = store.bind(&tape);
//!     let logits = model.forward(tape.constant(xor.x.clone()), &bound);
//!     let loss = bce_with_logits(logits, tape.constant(xor.y.clone()), Reduction::Mean);
//!     losses.push(loss.item());
//!     let grads = loss.backward();
//!     opt.step(&mut store, &bound, &grads);
//! }
//! assert!(losses[299] < 0.1 * losses[0]);
//! ```
//!
//! [`Trainer`](train::Trainer) packages that loop with mini-batches,
//! shuffling, schedules and progress callbacks; [`ParamStore::save`] and
//! [`ParamStore::load`] keep models in safetensors files.

#![deny(missing_docs)]

pub mod atomic;

// The README's examples (tape and nn) run as doc-tests too.
#[cfg(doctest)]
#[doc = include_str!("../../../README.md")]
struct ReadmeDoctests;

mod checkpoint;
pub mod data;
mod init;
pub mod layers;
pub mod loss;
mod module;
pub mod optim;
mod param;
pub mod seed;
pub mod train;

#[doc = include_str!("../../../docs/nn.md")]
pub mod guide {}

pub use checkpoint::CheckpointError;
pub use init::Init;
pub use layers::{Activation, LeakyReLU, Linear, Mlp, ReLU, Sequential, Sigmoid, Softmax, Tanh};
pub use module::Module;
pub use param::{Bound, Param, ParamId, ParamStore};

pub use rand;
pub use tape;
