//! Layers: [`Linear`], activations, [`Sequential`] and the [`Mlp`] builder.

mod activation;
mod linear;
mod sequential;

pub use activation::{log_softmax, logsumexp, softmax, LeakyReLU, ReLU, Sigmoid, Softmax, Tanh};
pub use linear::Linear;
pub use sequential::{Activation, Mlp, Sequential};
