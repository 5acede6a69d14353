//! Stochastic gradient descent with momentum, Nesterov and weight decay.

use slotmap::SecondaryMap;
use tape::parallel::for_each_part;
use tape::{Scalar, Tensor};

use super::{check_grad, Optimizer};
use crate::ParamId;

/// SGD with PyTorch's update rule. With `g = grad + weight_decay * p`:
///
/// - plain: `p -= lr * g`;
/// - momentum `μ`: `b = μ b + g` (`b = g` on the first step), then
///   `p -= lr * b`, or with Nesterov `p -= lr * (g + μ b)`.
///
/// ```
/// use nn::optim::{Optimizer, Sgd};
/// use nn::ParamStore;
/// use tape::Tensor;
/// let mut store = ParamStore::<f64>::new();
/// let id = store.add("p", Tensor::from_vec(vec![1.0], [1]));
/// let mut sgd = Sgd::new(0.1).momentum(0.9);
/// let mut p = Tensor::from_vec(vec![1.0_f64], [1]);
/// let g = Tensor::from_vec(vec![2.0], [1]);
/// sgd.update(id, &mut p, &g); // b = 2, p = 1 - 0.2
/// sgd.update(id, &mut p, &g); // b = 0.9 * 2 + 2 = 3.8, p = 0.8 - 0.38
/// assert!((p.data()[0] - 0.42).abs() < 1e-12);
/// ```
#[derive(Clone, Debug)]
pub struct Sgd<T: Scalar> {
    lr: f64,
    momentum: f64,
    nesterov: bool,
    weight_decay: f64,
    buffers: SecondaryMap<ParamId, Tensor<T>>,
}

impl<T: Scalar> Sgd<T> {
    /// Plain SGD with learning rate `lr`.
    pub fn new(lr: f64) -> Self {
        Sgd {
            lr,
            momentum: 0.0,
            nesterov: false,
            weight_decay: 0.0,
            buffers: SecondaryMap::new(),
        }
    }

    /// Sets the momentum factor `μ` (0 switches momentum off).
    pub fn momentum(mut self, momentum: f64) -> Self {
        self.momentum = momentum;
        self
    }

    /// Uses Nesterov momentum.
    pub fn nesterov(mut self, nesterov: bool) -> Self {
        self.nesterov = nesterov;
        self
    }

    /// Adds `weight_decay * p` to each gradient (L2 regularisation).
    pub fn weight_decay(mut self, weight_decay: f64) -> Self {
        self.weight_decay = weight_decay;
        self
    }
}

impl<T: Scalar> Optimizer<T> for Sgd<T> {
    fn update(&mut self, id: ParamId, value: &mut Tensor<T>, grad: &Tensor<T>) {
        check_grad("Sgd", value, grad);
        let f = T::from_f64_lossy;
        let (lr, mu, wd) = (f(self.lr), f(self.momentum), f(self.weight_decay));
        // Big parameters are updated by all threads (`tape::parallel`):
        // the loop only streams memory.
        let grad = grad.data();
        if self.momentum == 0.0 {
            for_each_part(value.data_mut(), |offset, part| {
                let g = &grad[offset..offset + part.len()];
                for (p, &g) in part.iter_mut().zip(g) {
                    *p = *p - lr * (g + wd * *p);
                }
            });
            return;
        }
        let first = !self.buffers.contains_key(id);
        let buf = self
            .buffers
            .entry(id)
            .expect("a live parameter handle")
            .or_insert_with(|| Tensor::zeros(value.shape().clone()));
        let nesterov = self.nesterov;
        for_each_part((value.data_mut(), buf.data_mut()), |offset, (ps, bs)| {
            let g = &grad[offset..offset + ps.len()];
            for ((p, &g), b) in ps.iter_mut().zip(g).zip(bs) {
                let g = g + wd * *p;
                *b = if first { g } else { mu * *b + g };
                let step = if nesterov { g + mu * *b } else { *b };
                *p = *p - lr * step;
            }
        });
    }

    fn learning_rate(&self) -> f64 {
        self.lr
    }

    fn set_learning_rate(&mut self, lr: f64) {
        self.lr = lr;
    }
}
