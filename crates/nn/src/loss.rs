//! Loss functions, each a composition of tape ops (so each gradient comes
//! from message passing, never from a hand-written formula).
//!
//! Predictions and targets must have the same shape (`[batch, k]`);
//! a mismatch panics naming both shapes.

use tape::{Scalar, Tensor, Var};

use crate::layers::logsumexp;

/// How per-element losses are combined into one number.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Reduction {
    /// The average over all elements (PyTorch's default).
    #[default]
    Mean,
    /// The sum over all elements.
    Sum,
}

impl Reduction {
    fn apply<'t, T: Scalar>(self, x: Var<'t, T>) -> Var<'t, T> {
        match self {
            Reduction::Mean => x.mean(),
            Reduction::Sum => x.sum(),
        }
    }
}

#[track_caller]
fn same_shape<T: Scalar>(loss: &str, a: Var<'_, T>, b: Var<'_, T>) {
    let (sa, sb) = (a.shape(), b.shape());
    assert!(
        sa == sb,
        "{loss}: predictions have shape {sa:?} but targets have shape {sb:?}"
    );
}

/// Mean squared error: `reduce((pred - target)²)`, recorded as one fused
/// node ([`Var::squared_error_mean`] or [`Var::squared_error_sum`]).
///
/// ```
/// use nn::loss::{mse, Reduction};
/// use tape::Tape;
/// let tape = Tape::new();
/// let p = tape.var([1.0_f64, 3.0]);
/// let t = tape.constant([0.0, 1.0]);
/// let l = mse(p, t, Reduction::Mean);
/// assert_eq!(l.item(), 2.5); // (1 + 4) / 2
/// assert_eq!(l.backward()[p].data(), &[1.0, 2.0]); // 2 (p - t) / n
/// ```
#[track_caller]
pub fn mse<'t, T: Scalar>(pred: Var<'t, T>, target: Var<'t, T>, r: Reduction) -> Var<'t, T> {
    same_shape("mse", pred, target);
    // One fused node, the value and gradient of `reduce((pred - target)²)`.
    match r {
        Reduction::Mean => pred.squared_error_mean(target),
        Reduction::Sum => pred.squared_error_sum(target),
    }
}

/// `softplus(z) = ln(1 + e^z)`, computed as `m + ln(e^-m + e^(z - m))` with
/// `m = max(z, 0)` held constant: no overflow for large `|z|`, and the
/// gradient is exactly `sigmoid(z)` everywhere (including `z = 0`).
#[track_caller]
pub fn softplus<'t, T: Scalar>(z: Var<'t, T>) -> Var<'t, T> {
    let tape = z.tape();
    let (m, e_neg_m) = tape.no_grad(|| {
        let m = z.relu();
        (m, (-m).exp())
    });
    ((z - m).exp() + e_neg_m).ln() + m
}

/// Binary cross-entropy on logits `z` against targets `y` in `[0, 1]`:
/// `-[y ln σ(z) + (1 - y) ln(1 - σ(z))] = softplus(z) - y z`, stable for
/// any `z` (PyTorch's `BCEWithLogitsLoss`). Its gradient is `σ(z) - y`
/// (divided by the count for [`Reduction::Mean`]).
///
/// ```
/// use nn::loss::{bce_with_logits, Reduction};
/// use tape::Tape;
/// let tape = Tape::new();
/// let z = tape.var([0.0_f64, 1000.0]);
/// let y = tape.constant([1.0, 1.0]);
/// let l = bce_with_logits(z, y, Reduction::Sum);
/// assert!((l.item() - 2f64.ln()).abs() < 1e-15); // ln 2 + 0, no overflow
/// assert_eq!(l.backward()[z].data(), &[-0.5, 0.0]);
/// ```
#[track_caller]
pub fn bce_with_logits<'t, T: Scalar>(z: Var<'t, T>, y: Var<'t, T>, r: Reduction) -> Var<'t, T> {
    same_shape("bce_with_logits", z, y);
    r.apply(softplus(z) - y * z)
}

/// Cross-entropy of softmax(`logits`) (shape `[batch, classes]`) against
/// class indices: `logsumexp(z_i) - z_i[target_i]`, stable for any logits
/// (PyTorch's `CrossEntropyLoss`). Its gradient is `softmax(z) - onehot`
/// (divided by the batch size for [`Reduction::Mean`]).
///
/// # Panics
/// If `logits` is not 2-d, `targets.len()` is not the batch size, or a
/// target is not a valid class index.
///
/// ```
/// use nn::loss::{softmax_cross_entropy, Reduction};
/// use tape::Tape;
/// let tape = Tape::new();
/// let z = tape.var([[0.0_f64, 0.0], [500.0, -500.0]]);
/// let l = softmax_cross_entropy(z, &[1, 0], Reduction::Sum);
/// assert!((l.item() - 2f64.ln()).abs() < 1e-15);
/// assert_eq!(l.backward()[z].data(), &[0.5, -0.5, 0.0, 0.0]);
/// ```
#[track_caller]
pub fn softmax_cross_entropy<'t, T: Scalar>(
    logits: Var<'t, T>,
    targets: &[usize],
    r: Reduction,
) -> Var<'t, T> {
    let shape = logits.shape();
    let dims = shape.dims();
    assert!(
        dims.len() == 2 && dims[0] == targets.len(),
        "softmax_cross_entropy: logits have shape {shape:?}, expected [batch, classes] with \
         batch = {} targets",
        targets.len()
    );
    let classes = dims[1];
    let mut onehot = Tensor::zeros([targets.len(), classes]);
    for (row, &t) in targets.iter().enumerate() {
        assert!(
            t < classes,
            "softmax_cross_entropy: target {t} (row {row}) is not a class index below {classes}"
        );
        onehot.data_mut()[row * classes + t] = T::one();
    }
    let onehot = logits.tape().constant(onehot);
    let picked = (logits * onehot).sum_axis(1, true);
    r.apply(logsumexp(logits, 1) - picked)
}
