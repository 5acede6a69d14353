//! Learning-rate schedules: the learning rate as a function of the epoch.

use std::f64::consts::PI;

/// Gives the learning rate for an epoch (counted from 0) from the base
/// rate. Any `Fn(f64, usize) -> f64` is a schedule too.
pub trait LrSchedule {
    /// The learning rate to use during `epoch`.
    fn lr(&self, base: f64, epoch: usize) -> f64;
}

impl<F: Fn(f64, usize) -> f64> LrSchedule for F {
    fn lr(&self, base: f64, epoch: usize) -> f64 {
        self(base, epoch)
    }
}

/// The base rate throughout.
#[derive(Clone, Copy, Debug, Default)]
pub struct Constant;

impl LrSchedule for Constant {
    fn lr(&self, base: f64, _epoch: usize) -> f64 {
        base
    }
}

/// Multiplies the rate by `gamma` every `step_size` epochs:
/// `base * gamma^(epoch / step_size)` (PyTorch's `StepLR`).
///
/// ```
/// use nn::optim::{LrSchedule, StepDecay};
/// let s = StepDecay { step_size: 10, gamma: 0.5 };
/// assert_eq!(s.lr(1.0, 9), 1.0);
/// assert_eq!(s.lr(1.0, 10), 0.5);
/// assert_eq!(s.lr(1.0, 25), 0.25);
/// ```
#[derive(Clone, Copy, Debug)]
pub struct StepDecay {
    /// Epochs between decays (at least 1).
    pub step_size: usize,
    /// The factor applied at each decay.
    pub gamma: f64,
}

impl LrSchedule for StepDecay {
    fn lr(&self, base: f64, epoch: usize) -> f64 {
        let k = epoch / self.step_size.max(1);
        base * self.gamma.powi(k.min(i32::MAX as usize) as i32)
    }
}

/// Cosine annealing from the base rate down to `min_lr` over `t_max`
/// epochs: `min + (base - min) (1 + cos(π epoch / t_max)) / 2`, staying at
/// `min_lr` afterwards (PyTorch's `CosineAnnealingLR` for one period).
///
/// ```
/// use nn::optim::{CosineAnnealing, LrSchedule};
/// let s = CosineAnnealing { t_max: 100, min_lr: 0.0 };
/// assert_eq!(s.lr(0.1, 0), 0.1);
/// assert!((s.lr(0.1, 50) - 0.05).abs() < 1e-15);
/// assert_eq!(s.lr(0.1, 100), 0.0);
/// ```
#[derive(Clone, Copy, Debug)]
pub struct CosineAnnealing {
    /// The number of epochs to anneal over.
    pub t_max: usize,
    /// The final learning rate.
    pub min_lr: f64,
}

impl LrSchedule for CosineAnnealing {
    fn lr(&self, base: f64, epoch: usize) -> f64 {
        let t = epoch.min(self.t_max) as f64 / self.t_max.max(1) as f64;
        self.min_lr + (base - self.min_lr) * (1.0 + (PI * t).cos()) / 2.0
    }
}
