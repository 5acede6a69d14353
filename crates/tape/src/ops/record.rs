//! Recording an op: run it forward on its inputs' values and append the
//! node. 0-d inputs of an op with a scalar form take a short path that
//! works on plain numbers and writes one compact record.

use std::panic::Location;

use smallvec::SmallVec;

use super::{Code, Op};
use crate::nodes::{Node, ValueRef, NO_PARENT};
use crate::{Scalar, Tape, Tensor, Var};

impl<T: Scalar> Tape<T> {
    /// Runs `op` forward on the inputs' values and records the result.
    ///
    /// If no input requires a gradient, or recording is off
    /// ([`Tape::no_grad`]), the result is stored as a constant without
    /// edges: nothing will ever send messages through it.
    #[inline(always)]
    #[track_caller]
    pub(crate) fn record(&self, op: Op<T>, inputs: &[Var<'_, T>]) -> Var<'_, T> {
        // `op` is a constant at every call site, so after inlining this
        // test costs nothing and only scalar-capable ops try the short path.
        if let Some((code, param, aux)) = op.encode() {
            if let Some(v) = self.record_scalar(code, param, aux, inputs) {
                // An op with a scalar form holds only numbers: nothing to
                // drop, and forgetting it spares an out-of-line drop call.
                std::mem::forget(op);
                return v;
            }
        }
        self.record_general(op, inputs)
    }

    /// The short path for an op with a scalar form: if every input is 0-d
    /// (and anomaly mode, which reports on tensors, is off), computes the
    /// value on numbers and appends a compact record. `None`: take the
    /// general path.
    ///
    /// Inlined at each call site, where the op is a known constant: its
    /// forward and record then compile to straight-line code.
    #[inline(always)]
    #[track_caller]
    fn record_scalar(
        &self,
        code: Code,
        param: T,
        aux: u32,
        inputs: &[Var<'_, T>],
    ) -> Option<Var<'_, T>> {
        if inputs.len() > 2 || self.anomaly.on.get() {
            return None;
        }
        let mut nodes = self.nodes.borrow_mut();
        let mut x = [T::zero(); 2];
        let mut parents = [NO_PARENT; 2];
        let mut requires_grad = false;
        for (i, v) in inputs.iter().enumerate() {
            self.check_owns(v, code.name::<T>());
            let input = &nodes.records[v.id.index()];
            if !input.rank0 {
                return None;
            }
            x[i] = input.value;
            parents[i] = v.id.0;
            requires_grad |= input.requires_grad;
        }
        let value = code.eval(param, aux, &x[..inputs.len()]);
        let record = if requires_grad && !self.is_no_grad() {
            Node {
                value,
                param,
                parents,
                aux,
                code,
                rank0: true,
                requires_grad: true,
                retain: false,
            }
        } else {
            Node {
                value,
                param: T::zero(),
                parents: [NO_PARENT; 2],
                aux: 0,
                code: Code::Constant,
                rank0: true,
                requires_grad: false,
                retain: false,
            }
        };
        let id = nodes.push_record(record, Location::caller());
        Some(Var { tape: self, id })
    }

    /// The path for every op and shape: forward on tensors.
    #[inline(never)]
    #[track_caller]
    fn record_general(&self, op: Op<T>, inputs: &[Var<'_, T>]) -> Var<'_, T> {
        let (value, requires_grad) = {
            let nodes = self.nodes.borrow();
            let mut values: SmallVec<[ValueRef<'_, T>; 4]> = SmallVec::new();
            let mut requires_grad = false;
            for v in inputs {
                self.check_owns(v, op.name());
                values.push(nodes.value(v.id));
                requires_grad |= nodes.records[v.id.index()].requires_grad;
            }
            let values: SmallVec<[&Tensor<T>; 4]> = values.iter().map(|v| &**v).collect();
            (op.forward(&values), requires_grad && !self.is_no_grad())
        };
        if self.anomaly.on.get() {
            self.check_recorded(&op, inputs, &value);
        }
        if requires_grad {
            let parents = inputs.iter().map(|v| v.id).collect();
            self.push(op, parents, value, true)
        } else {
            self.push(Op::Constant, SmallVec::new(), value, false)
        }
    }
}

impl<'t, T: Scalar> Var<'t, T> {
    /// Records a one-input op on this handle's tape.
    #[inline(always)]
    #[track_caller]
    pub(crate) fn unary(self, op: impl Into<Op<T>>) -> Var<'t, T> {
        self.tape.record(op.into(), &[self])
    }

    /// Records a two-input op on this handle's tape.
    #[inline(always)]
    #[track_caller]
    pub(crate) fn binary(self, other: Var<'t, T>, op: impl Into<Op<T>>) -> Var<'t, T> {
        self.tape.record(op.into(), &[self, other])
    }
}
