//! Adam and AdamW.

use slotmap::SecondaryMap;
use tape::parallel::for_each_part;
use tape::{Scalar, Tensor};

use super::{check_grad, Optimizer};
use crate::ParamId;

/// The moment estimates and step count kept for one parameter.
#[derive(Clone, Debug)]
struct Moments<T: Scalar> {
    m: Tensor<T>,
    v: Tensor<T>,
    t: i32,
}

/// The shared Adam core: hyperparameters and per-parameter moments.
#[derive(Clone, Debug)]
struct AdamCore<T: Scalar> {
    lr: f64,
    beta1: f64,
    beta2: f64,
    eps: f64,
    weight_decay: f64,
    state: SecondaryMap<ParamId, Moments<T>>,
}

impl<T: Scalar> AdamCore<T> {
    fn new(lr: f64, weight_decay: f64) -> Self {
        AdamCore {
            lr,
            beta1: 0.9,
            beta2: 0.999,
            eps: 1e-8,
            weight_decay,
            state: SecondaryMap::new(),
        }
    }

    /// One Adam step; `decoupled` selects AdamW's weight decay.
    fn update(&mut self, id: ParamId, value: &mut Tensor<T>, grad: &Tensor<T>, decoupled: bool) {
        check_grad(if decoupled { "AdamW" } else { "Adam" }, value, grad);
        let s = self
            .state
            .entry(id)
            .expect("a live parameter handle")
            .or_insert_with(|| Moments {
                m: Tensor::zeros(value.shape().clone()),
                v: Tensor::zeros(value.shape().clone()),
                t: 0,
            });
        s.t += 1;
        let f = T::from_f64_lossy;
        let (b1, b2) = (f(self.beta1), f(self.beta2));
        let one = T::one();
        let c1 = one - b1.powi(s.t);
        let c2 = one - b2.powi(s.t);
        let (lr, eps, wd) = (f(self.lr), f(self.eps), f(self.weight_decay));
        let grad = grad.data();
        // Big parameters are updated by all threads (`tape::parallel`).
        let parts = (value.data_mut(), (s.m.data_mut(), s.v.data_mut()));
        for_each_part(parts, |offset, (ps, (ms, vs))| {
            let g = &grad[offset..offset + ps.len()];
            for (((p, &g), m), v) in ps.iter_mut().zip(g).zip(ms).zip(vs) {
                let g = if decoupled {
                    *p = *p - lr * wd * *p;
                    g
                } else {
                    g + wd * *p
                };
                *m = b1 * *m + (one - b1) * g;
                *v = b2 * *v + (one - b2) * g * g;
                let m_hat = *m / c1;
                let v_hat = *v / c2;
                *p = *p - lr * m_hat / (v_hat.sqrt() + eps);
            }
        });
    }
}

macro_rules! adam_builders {
    ($ty:ident) => {
        impl<T: Scalar> $ty<T> {
            /// Sets the decay rates of the first and second moment estimates
            /// (defaults 0.9 and 0.999).
            pub fn betas(mut self, beta1: f64, beta2: f64) -> Self {
                self.0.beta1 = beta1;
                self.0.beta2 = beta2;
                self
            }

            /// Sets the term added to the denominator (default 1e-8).
            pub fn eps(mut self, eps: f64) -> Self {
                self.0.eps = eps;
                self
            }

            /// Sets the weight decay.
            pub fn weight_decay(mut self, weight_decay: f64) -> Self {
                self.0.weight_decay = weight_decay;
                self
            }
        }
    };
}

/// Adam (Kingma & Ba) with PyTorch's update rule: with
/// `g = grad + weight_decay * p` (L2, off by default) and step count `t`,
/// `m = β1 m + (1 - β1) g`, `v = β2 v + (1 - β2) g²`,
/// `p -= lr * (m / (1 - β1^t)) / (sqrt(v / (1 - β2^t)) + eps)`.
///
/// ```
/// use nn::optim::{Adam, Optimizer};
/// use nn::ParamStore;
/// use tape::Tensor;
/// let mut store = ParamStore::<f64>::new();
/// let id = store.add("p", Tensor::from_vec(vec![1.0], [1]));
/// let mut adam = Adam::new(0.1);
/// let mut p = Tensor::from_vec(vec![1.0_f64], [1]);
/// // The bias correction makes the first step lr * g / (|g| + eps) ≈ lr.
/// adam.update(id, &mut p, &Tensor::from_vec(vec![3.0], [1]));
/// assert!((p.data()[0] - 0.9).abs() < 1e-8);
/// ```
#[derive(Clone, Debug)]
pub struct Adam<T: Scalar>(AdamCore<T>);

impl<T: Scalar> Adam<T> {
    /// Adam with learning rate `lr` and the usual defaults.
    pub fn new(lr: f64) -> Self {
        Adam(AdamCore::new(lr, 0.0))
    }
}

adam_builders!(Adam);

impl<T: Scalar> Optimizer<T> for Adam<T> {
    fn update(&mut self, id: ParamId, value: &mut Tensor<T>, grad: &Tensor<T>) {
        self.0.update(id, value, grad, false);
    }

    fn learning_rate(&self) -> f64 {
        self.0.lr
    }

    fn set_learning_rate(&mut self, lr: f64) {
        self.0.lr = lr;
    }
}

/// AdamW (Loshchilov & Hutter): Adam with *decoupled* weight decay,
/// `p -= lr * weight_decay * p` before the Adam step on the raw gradient
/// (PyTorch's default weight decay 0.01).
#[derive(Clone, Debug)]
pub struct AdamW<T: Scalar>(AdamCore<T>);

impl<T: Scalar> AdamW<T> {
    /// AdamW with learning rate `lr`, weight decay 0.01 and the usual
    /// defaults.
    pub fn new(lr: f64) -> Self {
        AdamW(AdamCore::new(lr, 0.01))
    }
}

adam_builders!(AdamW);

impl<T: Scalar> Optimizer<T> for AdamW<T> {
    fn update(&mut self, id: ParamId, value: &mut Tensor<T>, grad: &Tensor<T>) {
        self.0.update(id, value, grad, true);
    }

    fn learning_rate(&self) -> f64 {
        self.0.lr
    }

    fn set_learning_rate(&mut self, lr: f64) {
        self.0.lr = lr;
    }
}
