//! The fully connected layer.

use rand::Rng;
use tape::{Scalar, Var};

use crate::{Bound, Init, Module, ParamId, ParamStore};

/// `y = x @ Wᵀ + b`, mapping `[batch, in]` to `[batch, out]`.
///
/// The weight has PyTorch's layout `[out, in]` (so a checkpoint's
/// `NAME.weight` and `NAME.bias` load into `torch.nn.Linear` unchanged);
/// the product uses a transposed matmul without copying it. With a bias,
/// the layer records one fused [`Var::linear`] node.
#[derive(Clone, Debug)]
pub struct Linear {
    /// The weight, shape `[out, in]`.
    pub weight: ParamId,
    /// The bias, shape `[out]`, if any.
    pub bias: Option<ParamId>,
    /// Input features.
    pub in_features: usize,
    /// Output features.
    pub out_features: usize,
}

impl Linear {
    /// A layer named `name` (parameters `name.weight`, `name.bias`), with
    /// the weight drawn by `init` and the bias zero.
    ///
    /// ```
    /// use nn::{Init, Linear, Module, ParamStore};
    /// use rand::{rngs::StdRng, SeedableRng};
    /// use tape::{Tape, Tensor};
    ///
    /// let mut store = ParamStore::<f32>::new();
    /// let fc = Linear::new(&mut store, "fc", 3, 2, true, Init::XavierUniform, &mut StdRng::seed_from_u64(0));
    /// let tape = Tape::new();
    /// let y = fc.forward(tape.constant(Tensor::ones([5, 3])), &store.bind(&tape));
    /// assert_eq!(y.shape().dims(), &[5, 2]);
    /// ```
    pub fn new<T: Scalar, R: Rng + ?Sized>(
        store: &mut ParamStore<T>,
        name: &str,
        in_features: usize,
        out_features: usize,
        bias: bool,
        init: Init,
        rng: &mut R,
    ) -> Self {
        let w = init.tensor([out_features, in_features], in_features, out_features, rng);
        let weight = store.add(format!("{name}.weight"), w);
        let bias = bias.then(|| {
            let b = Init::Zeros.tensor([out_features], in_features, out_features, rng);
            store.add(format!("{name}.bias"), b)
        });
        Linear {
            weight,
            bias,
            in_features,
            out_features,
        }
    }
}

impl Linear {
    /// The weight and (if any) the bias.
    pub fn params(&self) -> Vec<ParamId> {
        let mut v = vec![self.weight];
        v.extend(self.bias);
        v
    }
}

impl<T: Scalar> Module<T> for Linear {
    #[track_caller]
    fn forward<'t>(&self, x: Var<'t, T>, p: &Bound<'t, T>) -> Var<'t, T> {
        let dims = x.shape();
        assert!(
            dims.rank() == 2 && dims.dims()[1] == self.in_features,
            "Linear::forward: expected input [batch, {}], got {:?}",
            self.in_features,
            dims
        );
        // With a bias: one fused `linear` node (the product, then the bias
        // added in place), the same value and gradients as matmul + add.
        match self.bias {
            Some(b) => x.linear(p[self.weight], p[b]),
            None => x.matmul_t(false, p[self.weight], true),
        }
    }

    fn params(&self) -> Vec<ParamId> {
        Linear::params(self)
    }
}
