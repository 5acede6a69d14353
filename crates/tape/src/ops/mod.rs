//! The built-in ops. Each op is a small type implementing [`Rule`]: its
//! forward computation and its vector-Jacobian product side by side, in the
//! file of its family. The public methods on [`Var`] that record it sit in
//! the same file. Adding an op means writing one `Rule` and listing it once
//! in `builtin_ops!` below.

mod arith;
mod custom;
mod fused;
mod linalg;
mod overload;
mod reduce;
mod shape;
mod unary;

use smallvec::SmallVec;

pub use custom::CustomOp;

use crate::{Algebra, Scalar, Tape, Tensor, Var};

/// An op's local derivative rule, next to its forward computation.
pub(crate) trait Rule<T: Scalar> {
    /// The op's name, as shown in messages, traces and exports.
    fn name(&self) -> &'static str;

    /// The output value from the input values.
    fn forward(&self, x: &[&Tensor<T>]) -> Tensor<T>;

    /// The message for input `wrt`: the vector-Jacobian product of `grad`
    /// (d loss / d output) with this op's Jacobian, shaped like that input.
    /// `None` means the message is zero (the op is locally constant).
    fn vjp<A: Algebra<T>>(&self, x: &[&A], out: &A, grad: &A, wrt: usize) -> Option<A>;
}

macro_rules! builtin_ops {
    ($($variant:ident($rule:ty)),* $(,)?) => {
        /// What produced a node: a leaf kind, a built-in rule or a custom op.
        pub(crate) enum Op<T: Scalar> {
            /// A leaf that gradients are taken with respect to.
            Variable,
            /// A leaf that receives no messages.
            Constant,
            $($variant($rule),)*
            /// A user-defined op.
            Custom(std::rc::Rc<dyn CustomOp<T>>),
        }

        impl<T: Scalar> Op<T> {
            /// The op's name.
            pub(crate) fn name(&self) -> &str {
                match self {
                    Op::Variable => "variable",
                    Op::Constant => "constant",
                    $(Op::$variant(r) => Rule::<T>::name(r),)*
                    Op::Custom(c) => c.name(),
                }
            }

            /// The output value from the input values.
            #[track_caller]
            pub(crate) fn forward(&self, x: &[&Tensor<T>]) -> Tensor<T> {
                match self {
                    Op::Variable | Op::Constant => unreachable!("leaves are not computed"),
                    $(Op::$variant(r) => r.forward(x),)*
                    Op::Custom(c) => custom::checked_forward(c.as_ref(), x),
                }
            }

            /// The message for input `wrt`, computed eagerly on tensors.
            pub(crate) fn vjp(
                &self,
                x: &[&Tensor<T>],
                out: &Tensor<T>,
                grad: &Tensor<T>,
                wrt: usize,
            ) -> Option<Tensor<T>> {
                match self {
                    Op::Variable | Op::Constant => None,
                    $(Op::$variant(r) => r.vjp(x, out, grad, wrt),)*
                    Op::Custom(c) => Some(c.vjp(x, out, grad, wrt)),
                }
            }
        }

        $(impl<T: Scalar> From<$rule> for Op<T> {
            fn from(r: $rule) -> Self {
                Op::$variant(r)
            }
        })*
    };
}

builtin_ops! {
    Add(arith::Add),
    Sub(arith::Sub),
    Mul(arith::Mul),
    Div(arith::Div),
    Neg(arith::Neg),
    AddScalar(arith::AddScalar<T>),
    MulScalar(arith::MulScalar<T>),
    DivScalar(arith::DivScalar<T>),
    RSubScalar(arith::RSubScalar<T>),
    RDivScalar(arith::RDivScalar<T>),
    Exp(unary::Exp),
    Ln(unary::Ln),
    Sqrt(unary::Sqrt),
    Powf(unary::Powf<T>),
    Powi(unary::Powi),
    Abs(unary::Abs),
    Sigmoid(unary::Sigmoid),
    Relu(unary::Relu),
    Tanh(unary::Tanh),
    Sign(unary::Sign),
    Step(unary::Step),
    SumAll(reduce::SumAll),
    MeanAll(reduce::MeanAll),
    SumAxis(reduce::SumAxis),
    MeanAxis(reduce::MeanAxis),
    MaxAxis(reduce::MaxAxis),
    MaxMask(reduce::MaxMask),
    SumTo(reduce::SumTo),
    MatMul(linalg::MatMul),
    Transpose(linalg::Transpose),
    Reshape(shape::Reshape),
    BroadcastTo(shape::BroadcastTo),
    Concat(shape::Concat),
    Narrow(shape::Narrow),
    Pad(shape::Pad),
    IndexRows(shape::IndexRows),
    IndexAddRows(shape::IndexAddRows),
    Linear(fused::Linear),
    SquaredError(fused::SquaredError),
}

impl<T: Scalar> Tape<T> {
    /// Runs `rule` forward on the inputs' values and records the result.
    ///
    /// If no input requires a gradient, or recording is off
    /// ([`Tape::no_grad`]), the result is stored as a constant without
    /// edges: nothing will ever send messages through it.
    #[track_caller]
    pub(crate) fn record(&self, op: Op<T>, inputs: &[Var<'_, T>]) -> Var<'_, T> {
        let (value, requires_grad) = {
            let nodes = self.nodes.borrow();
            let mut values: SmallVec<[&Tensor<T>; 4]> = SmallVec::new();
            let mut requires_grad = false;
            for v in inputs {
                self.check_owns(v, op.name());
                let node = &nodes[v.id.index()];
                values.push(&node.value);
                requires_grad |= node.requires_grad;
            }
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
    #[track_caller]
    pub(crate) fn unary(self, op: impl Into<Op<T>>) -> Var<'t, T> {
        self.tape.record(op.into(), &[self])
    }

    /// Records a two-input op on this handle's tape.
    #[track_caller]
    pub(crate) fn binary(self, other: Var<'t, T>, op: impl Into<Op<T>>) -> Var<'t, T> {
        self.tape.record(op.into(), &[self, other])
    }
}
