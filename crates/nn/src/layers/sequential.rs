//! [`Sequential`] containers and the [`Mlp`] builder.

use rand::Rng;
use tape::{Scalar, Var};

use crate::layers::{LeakyReLU, Linear, ReLU, Sigmoid, Tanh};
use crate::{Bound, Init, Module, ParamId, ParamStore};

/// Modules applied one after another.
pub struct Sequential<T: Scalar> {
    layers: Vec<Box<dyn Module<T>>>,
}

impl<T: Scalar> Default for Sequential<T> {
    fn default() -> Self {
        Self::new()
    }
}

impl<T: Scalar> Sequential<T> {
    /// An empty container (the identity).
    pub fn new() -> Self {
        Sequential { layers: Vec::new() }
    }

    /// Appends a layer.
    pub fn push(&mut self, layer: impl Module<T> + 'static) {
        self.layers.push(Box::new(layer));
    }

    /// Appends a layer, builder style.
    pub fn with(mut self, layer: impl Module<T> + 'static) -> Self {
        self.push(layer);
        self
    }

    /// The number of layers.
    pub fn len(&self) -> usize {
        self.layers.len()
    }

    /// Whether there are no layers.
    pub fn is_empty(&self) -> bool {
        self.layers.is_empty()
    }
}

impl<T: Scalar> Module<T> for Sequential<T> {
    fn forward<'t>(&self, x: Var<'t, T>, params: &Bound<'t, T>) -> Var<'t, T> {
        self.layers.iter().fold(x, |h, l| l.forward(h, params))
    }

    fn params(&self) -> Vec<ParamId> {
        self.layers.iter().flat_map(|l| l.params()).collect()
    }
}

/// The nonlinearity between the layers of an [`Mlp`].
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Activation {
    /// [`Sigmoid`].
    Sigmoid,
    /// [`ReLU`].
    ReLU,
    /// [`LeakyReLU`] with this slope.
    LeakyReLU(f64),
    /// [`Tanh`].
    Tanh,
}

impl Activation {
    /// The initialisation that suits it: He for the ReLU family, Xavier
    /// for the saturating ones.
    pub fn default_init(self) -> Init {
        match self {
            Activation::ReLU | Activation::LeakyReLU(_) => Init::HeUniform,
            Activation::Sigmoid | Activation::Tanh => Init::XavierUniform,
        }
    }

    fn push_to<T: Scalar>(self, seq: &mut Sequential<T>) {
        match self {
            Activation::Sigmoid => seq.push(Sigmoid),
            Activation::ReLU => seq.push(ReLU),
            Activation::LeakyReLU(slope) => seq.push(LeakyReLU { slope }),
            Activation::Tanh => seq.push(Tanh),
        }
    }
}

/// Builds a multilayer perceptron from a list of layer sizes:
/// `Linear, act, Linear, act, ..., Linear` (no activation after the last
/// layer unless [`Mlp::output_activation`] asks for one; losses like
/// [`bce_with_logits`](crate::loss::bce_with_logits) want raw logits).
///
/// ```
/// use nn::{Activation, Mlp, Module, ParamStore};
/// use rand::{rngs::StdRng, SeedableRng};
/// use tape::{Tape, Tensor};
///
/// let mut store = ParamStore::<f32>::new();
/// let mlp = Mlp::new(&[2, 8, 1], Activation::Tanh).build(&mut store, &mut StdRng::seed_from_u64(0));
/// assert_eq!(store.len(), 4); // two weights, two biases
/// assert_eq!(store.numel(), 2 * 8 + 8 + 8 + 1);
/// let tape = Tape::new();
/// let y = mlp.forward(tape.constant(Tensor::zeros([3, 2])), &store.bind(&tape));
/// assert_eq!(y.shape().dims(), &[3, 1]);
/// ```
#[derive(Clone, Debug)]
pub struct Mlp {
    sizes: Vec<usize>,
    activation: Activation,
    output_activation: Option<Activation>,
    init: Option<Init>,
    bias: bool,
    name: String,
}

impl Mlp {
    /// An MLP with these layer sizes (input first, output last) and
    /// activation between layers.
    ///
    /// # Panics
    /// If fewer than two sizes are given.
    #[track_caller]
    pub fn new(sizes: &[usize], activation: Activation) -> Self {
        assert!(
            sizes.len() >= 2,
            "Mlp::new: need at least an input and an output size, got {sizes:?}"
        );
        Mlp {
            sizes: sizes.to_vec(),
            activation,
            output_activation: None,
            init: None,
            bias: true,
            name: "mlp".into(),
        }
    }

    /// Applies `act` after the last layer too.
    pub fn output_activation(mut self, act: Activation) -> Self {
        self.output_activation = Some(act);
        self
    }

    /// Overrides the weight initialisation (default:
    /// [`Activation::default_init`]).
    pub fn init(mut self, init: Init) -> Self {
        self.init = Some(init);
        self
    }

    /// Whether the linear layers have biases (default true).
    pub fn bias(mut self, bias: bool) -> Self {
        self.bias = bias;
        self
    }

    /// The parameter name prefix (default `"mlp"`; layers are `mlp.0`,
    /// `mlp.1`, ...).
    pub fn name(mut self, name: impl Into<String>) -> Self {
        self.name = name.into();
        self
    }

    /// Creates the parameters in `store` and returns the model.
    pub fn build<T: Scalar, R: Rng + ?Sized>(
        &self,
        store: &mut ParamStore<T>,
        rng: &mut R,
    ) -> Sequential<T> {
        let init = self.init.unwrap_or(self.activation.default_init());
        let mut seq = Sequential::new();
        let n = self.sizes.len() - 1;
        for (i, pair) in self.sizes.windows(2).enumerate() {
            let name = format!("{}.{i}", self.name);
            seq.push(Linear::new(
                store, &name, pair[0], pair[1], self.bias, init, rng,
            ));
            if i + 1 < n {
                self.activation.push_to(&mut seq);
            } else if let Some(act) = self.output_activation {
                act.push_to(&mut seq);
            }
        }
        seq
    }
}
