//! The [`Module`] trait: a layer is plain Rust that records ops.

use tape::{Scalar, Var};

use crate::{Bound, ParamId};

/// A layer or model: a function from an input [`Var`] to an output `Var`
/// that records its ops on the input's tape, reading its parameters from
/// a [`Bound`]. It never writes a backward pass: the tape differentiates
/// whatever it records.
///
/// A user-defined layer is a struct holding [`ParamId`]s:
///
/// ```
/// use nn::{Bound, Module, ParamId, ParamStore};
/// use tape::{Scalar, Tape, Tensor, Var};
///
/// /// y = x * scale, one learned scale per feature.
/// struct Scale {
///     scale: ParamId,
/// }
///
/// impl<T: Scalar> Module<T> for Scale {
///     fn forward<'t>(&self, x: Var<'t, T>, p: &Bound<'t, T>) -> Var<'t, T> {
///         x * p[self.scale]
///     }
///     fn params(&self) -> Vec<ParamId> {
///         vec![self.scale]
///     }
/// }
///
/// let mut store = ParamStore::<f64>::new();
/// let layer = Scale { scale: store.add("scale", Tensor::from_vec(vec![2.0, 3.0], [2])) };
/// let tape = Tape::new();
/// let bound = store.bind(&tape);
/// let x = tape.constant(Tensor::from_vec(vec![1.0, 1.0, 2.0, 2.0], [2, 2]));
/// let y = layer.forward(x, &bound);
/// assert_eq!(y.value().data(), &[2.0, 3.0, 4.0, 6.0]);
/// let g = y.sum().backward();
/// assert_eq!(bound.grad(layer.scale, &g).unwrap().data(), &[3.0, 3.0]); // column sums of x
/// ```
pub trait Module<T: Scalar> {
    /// Records the layer's computation on `x`'s tape.
    fn forward<'t>(&self, x: Var<'t, T>, params: &Bound<'t, T>) -> Var<'t, T>;

    /// The parameters this module reads (for freezing, counting, ...).
    /// Parameter-free layers keep the default: none.
    fn params(&self) -> Vec<ParamId> {
        Vec::new()
    }
}

impl<T: Scalar, M: Module<T> + ?Sized> Module<T> for Box<M> {
    fn forward<'t>(&self, x: Var<'t, T>, params: &Bound<'t, T>) -> Var<'t, T> {
        (**self).forward(x, params)
    }

    fn params(&self) -> Vec<ParamId> {
        (**self).params()
    }
}

impl<T: Scalar, M: Module<T> + ?Sized> Module<T> for &M {
    fn forward<'t>(&self, x: Var<'t, T>, params: &Bound<'t, T>) -> Var<'t, T> {
        (**self).forward(x, params)
    }

    fn params(&self) -> Vec<ParamId> {
        (**self).params()
    }
}
