//! Optimizers and learning-rate schedules.
//!
//! An optimizer is a per-parameter update rule ([`Optimizer::update`]) with
//! its state kept per [`ParamId`]; [`Optimizer::step`] applies it to every
//! trainable parameter that received a gradient.

mod adam;
mod schedule;
mod sgd;

pub use adam::{Adam, AdamW};
pub use schedule::{Constant, CosineAnnealing, LrSchedule, StepDecay};
pub use sgd::Sgd;

use tape::{Gradients, Scalar, Tensor};

use crate::{Bound, ParamId, ParamStore};

/// Updates parameters from their gradients.
pub trait Optimizer<T: Scalar> {
    /// Updates one parameter in place from its gradient, using and
    /// updating the state kept for `id`.
    fn update(&mut self, id: ParamId, value: &mut Tensor<T>, grad: &Tensor<T>);

    /// The current learning rate.
    fn learning_rate(&self) -> f64;

    /// Sets the learning rate (the hook schedules use).
    fn set_learning_rate(&mut self, lr: f64);

    /// Updates every trainable parameter of `store` from the gradients of
    /// a backward pass over the tape `bound` was recorded on. Frozen
    /// parameters are skipped.
    fn step(&mut self, store: &mut ParamStore<T>, bound: &Bound<'_, T>, grads: &Gradients<T>) {
        for (id, p) in store.iter_mut() {
            if p.frozen {
                continue;
            }
            if let Some(g) = bound.grad(id, grads) {
                self.update(id, &mut p.value, g);
            }
        }
    }
}

/// Panics unless a gradient has its parameter's shape.
#[track_caller]
pub(crate) fn check_grad<T: Scalar>(opt: &str, value: &Tensor<T>, grad: &Tensor<T>) {
    assert!(
        value.shape() == grad.shape(),
        "{opt}: gradient of shape {:?} for a parameter of shape {:?}",
        grad.shape(),
        value.shape()
    );
}
