//! Parameters: tensors that outlive any one tape, kept in a [`ParamStore`]
//! under [`ParamId`] handles, and bound onto a tape once per step.

use slotmap::{new_key_type, SlotMap};
use smallvec::SmallVec;
use tape::{Gradients, Scalar, Tape, Tensor, Var};

new_key_type! {
    /// A handle to one parameter in a [`ParamStore`].
    ///
    /// Cheap to copy; a handle whose parameter was removed is recognised as
    /// stale (generational key), never confused with a newer parameter.
    pub struct ParamId;
}

/// One trainable tensor with its name and its frozen flag.
#[derive(Clone, Debug)]
pub struct Param<T: Scalar> {
    /// A unique name, e.g. `"fc1.weight"` (the key in checkpoints).
    pub name: String,
    /// The current value.
    pub value: Tensor<T>,
    /// A frozen parameter is bound as a constant: it gets no gradient and
    /// optimizers leave it alone.
    pub frozen: bool,
}

/// The parameters of a model, living across many tapes and steps.
///
/// Each step, [`ParamStore::bind`] records every parameter on a fresh (or
/// reset) tape and returns a [`Bound`] that maps [`ParamId`]s to [`Var`]s;
/// after `loss.backward()`, [`Bound::grad`] maps gradients back.
///
/// ```
/// use nn::ParamStore;
/// use tape::{Tape, Tensor};
///
/// let mut store = ParamStore::<f64>::new();
/// let w = store.add("w", Tensor::from_vec(vec![3.0], [1]));
/// let tape = Tape::new();
/// let bound = store.bind(&tape);
/// let loss = (bound[w] * bound[w]).sum(); // w^2
/// let grads = loss.backward();
/// assert_eq!(bound.grad(w, &grads).unwrap().data(), &[6.0]); // 2w
/// ```
#[derive(Clone, Debug, Default)]
pub struct ParamStore<T: Scalar> {
    params: SlotMap<ParamId, Param<T>>,
}

impl<T: Scalar> ParamStore<T> {
    /// An empty store.
    pub fn new() -> Self {
        ParamStore {
            params: SlotMap::with_key(),
        }
    }

    /// Adds a trainable parameter and returns its handle.
    ///
    /// # Panics
    /// If a parameter with this name already exists (names are the keys of
    /// checkpoints, so they must be unique).
    #[track_caller]
    pub fn add(&mut self, name: impl Into<String>, value: Tensor<T>) -> ParamId {
        let name = name.into();
        assert!(
            self.find(&name).is_none(),
            "ParamStore::add: a parameter named `{name}` already exists; give each layer a \
             distinct name"
        );
        self.params.insert(Param {
            name,
            value,
            frozen: false,
        })
    }

    /// The number of parameters (tensors, not elements).
    pub fn len(&self) -> usize {
        self.params.len()
    }

    /// Whether the store holds no parameters.
    pub fn is_empty(&self) -> bool {
        self.params.is_empty()
    }

    /// The total number of scalar elements over all parameters.
    pub fn numel(&self) -> usize {
        self.params.values().map(|p| p.value.numel()).sum()
    }

    /// The parameter behind a handle.
    ///
    /// # Panics
    /// If the handle is stale or belongs to another store.
    #[track_caller]
    pub fn get(&self, id: ParamId) -> &Param<T> {
        self.params
            .get(id)
            .unwrap_or_else(|| panic!("ParamStore: no parameter for handle {id:?}"))
    }

    /// The parameter behind a handle, mutably.
    ///
    /// # Panics
    /// If the handle is stale or belongs to another store.
    #[track_caller]
    pub fn get_mut(&mut self, id: ParamId) -> &mut Param<T> {
        self.params
            .get_mut(id)
            .unwrap_or_else(|| panic!("ParamStore: no parameter for handle {id:?}"))
    }

    /// The current value of a parameter.
    #[track_caller]
    pub fn value(&self, id: ParamId) -> &Tensor<T> {
        &self.get(id).value
    }

    /// Replaces a parameter's value.
    ///
    /// # Panics
    /// If the new value's shape differs from the old one.
    #[track_caller]
    pub fn set_value(&mut self, id: ParamId, value: Tensor<T>) {
        let p = self.get_mut(id);
        assert_eq!(
            p.value.shape(),
            value.shape(),
            "ParamStore::set_value: `{}` has shape {:?}, the new value {:?}",
            p.name,
            p.value.shape(),
            value.shape()
        );
        p.value = value;
    }

    /// The handle of the parameter with this name.
    pub fn find(&self, name: &str) -> Option<ParamId> {
        self.params
            .iter()
            .find(|(_, p)| p.name == name)
            .map(|(id, _)| id)
    }

    /// Freezes a parameter: it is bound as a constant, gets no gradient
    /// and is not updated.
    #[track_caller]
    pub fn freeze(&mut self, id: ParamId) {
        self.get_mut(id).frozen = true;
    }

    /// Makes a frozen parameter trainable again.
    #[track_caller]
    pub fn unfreeze(&mut self, id: ParamId) {
        self.get_mut(id).frozen = false;
    }

    /// Every parameter with its handle, in insertion order (while nothing
    /// is removed).
    pub fn iter(&self) -> impl Iterator<Item = (ParamId, &Param<T>)> {
        self.params.iter()
    }

    /// Every parameter with its handle, mutably.
    pub fn iter_mut(&mut self) -> impl Iterator<Item = (ParamId, &mut Param<T>)> {
        self.params.iter_mut()
    }

    /// Records every parameter on `tape`: trainable ones as variables,
    /// frozen ones as constants.
    pub fn bind<'t>(&self, tape: &'t Tape<T>) -> Bound<'t, T> {
        self.bind_with(tape, false, false)
    }

    /// [`ParamStore::bind`], also labelling each node with its parameter's
    /// name (for traces and printed graphs; costs a string per parameter).
    pub fn bind_labelled<'t>(&self, tape: &'t Tape<T>) -> Bound<'t, T> {
        self.bind_with(tape, false, true)
    }

    /// Records every parameter on `tape` as a constant (for inference:
    /// nothing will be differentiated).
    pub fn bind_constants<'t>(&self, tape: &'t Tape<T>) -> Bound<'t, T> {
        self.bind_with(tape, true, false)
    }

    fn bind_with<'t>(&self, tape: &'t Tape<T>, all_constant: bool, label: bool) -> Bound<'t, T> {
        let mut vars = SmallVec::with_capacity(self.params.len());
        for (id, p) in &self.params {
            let v = if p.frozen || all_constant {
                tape.constant(p.value.clone())
            } else {
                tape.var(p.value.clone())
            };
            let v = if label { v.label(p.name.as_str()) } else { v };
            vars.push((id, v));
        }
        Bound { vars }
    }
}

/// The parameters of a [`ParamStore`] recorded on one tape: index it with a
/// [`ParamId`] to get the parameter's [`Var`].
pub struct Bound<'t, T: Scalar> {
    /// In store order. Up to 16 parameters live inline, so binding a
    /// typical model allocates nothing; lookups are a short linear scan.
    vars: SmallVec<[(ParamId, Var<'t, T>); 16]>,
}

impl<'t, T: Scalar> Bound<'t, T> {
    fn find(&self, id: ParamId) -> Option<&Var<'t, T>> {
        self.vars.iter().find(|(k, _)| *k == id).map(|(_, v)| v)
    }

    /// The recorded handle of a parameter.
    ///
    /// # Panics
    /// If the parameter was added to the store after binding, or belongs to
    /// another store.
    #[track_caller]
    pub fn var(&self, id: ParamId) -> Var<'t, T> {
        match self.find(id) {
            Some(v) => *v,
            None => panic!(
                "Bound: parameter {id:?} is not bound on this tape; was it added after \
                 store.bind(), or to another store?"
            ),
        }
    }

    /// The gradient of a parameter from a backward pass over this tape, or
    /// `None` for a frozen (constant) parameter.
    #[track_caller]
    pub fn grad<'g>(&self, id: ParamId, grads: &'g Gradients<T>) -> Option<&'g Tensor<T>> {
        grads.get(self.var(id))
    }
}

impl<'t, T: Scalar> std::ops::Index<ParamId> for Bound<'t, T> {
    type Output = Var<'t, T>;

    #[track_caller]
    fn index(&self, id: ParamId) -> &Var<'t, T> {
        match self.find(id) {
            Some(v) => v,
            None => panic!("Bound: parameter {id:?} is not bound on this tape"),
        }
    }
}
