//! The built-in ops. Each op is a small type implementing [`Rule`]: its
//! forward computation and its vector-Jacobian product side by side, in the
//! file of its family. The public methods on [`Var`] that record it sit in
//! the same file. Adding an op means writing one `Rule` and listing it once
//! in `builtin_ops!` below; an elementwise op also implements
//! [`ScalarRule`] (its forward on plain numbers) and is listed under
//! `scalar`, which gives 0-d values of it the compact, fast path.

mod arith;
mod custom;
mod fused;
mod linalg;
mod overload;
mod record;
mod reduce;
mod shape;
mod unary;

pub use custom::CustomOp;

use crate::algebra::Num;
use crate::{Algebra, Scalar, Tensor};

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

/// The fast path of an elementwise op for 0-d values: its forward on plain
/// numbers, next to the tensor forward of its [`Rule`]. Its VJP needs no
/// second version: [`Rule::vjp`] is generic over [`Algebra`], so the scalar
/// path runs the very same rule on [`Num`].
///
/// A node of such an op fits a compact record (see `nodes.rs`): `pack`
/// stores the op's constant in the record's two spare fields, `unpack`
/// rebuilds the op from them.
pub(crate) trait ScalarRule<T: Scalar>: Rule<T> {
    /// The output for 0-d inputs; equal to `forward` on 0-d tensors.
    fn eval(&self, x: &[T]) -> T;

    /// The op's constant as a float and an integer (zeros if it has none).
    fn pack(&self) -> (T, u32) {
        (T::zero(), 0)
    }

    /// The op from what [`ScalarRule::pack`] stored.
    fn unpack(param: T, aux: u32) -> Self;
}

macro_rules! builtin_ops {
    (
        scalar: { $($svariant:ident($srule:ty)),* $(,)? }
        general: { $($variant:ident($rule:ty)),* $(,)? }
    ) => {
        /// What produced a node: a leaf kind, a built-in rule or a custom op.
        pub(crate) enum Op<T: Scalar> {
            /// A leaf that gradients are taken with respect to.
            Variable,
            /// A leaf that receives no messages.
            Constant,
            $($svariant($srule),)*
            $($variant($rule),)*
            /// A user-defined op.
            Custom(std::rc::Rc<dyn CustomOp<T>>),
        }

        /// A node record's op in one byte: a leaf kind, an op with a scalar
        /// form (its constant is stored next to it), or `General` (the op
        /// is in the tape's side table).
        #[derive(Clone, Copy, PartialEq, Eq, Debug)]
        #[repr(u8)]
        pub(crate) enum Code {
            /// A leaf that gradients are taken with respect to.
            Variable,
            /// A leaf that receives no messages.
            Constant,
            /// Any op, stored in the side table.
            General,
            $(
                #[doc = concat!("The scalar form of `", stringify!($srule), "`.")]
                $svariant,
            )*
        }

        impl<T: Scalar> Op<T> {
            /// The op's name.
            pub(crate) fn name(&self) -> &str {
                match self {
                    Op::Variable => "variable",
                    Op::Constant => "constant",
                    $(Op::$svariant(r) => Rule::<T>::name(r),)*
                    $(Op::$variant(r) => Rule::<T>::name(r),)*
                    Op::Custom(c) => c.name(),
                }
            }

            /// The output value from the input values.
            #[track_caller]
            pub(crate) fn forward(&self, x: &[&Tensor<T>]) -> Tensor<T> {
                match self {
                    Op::Variable | Op::Constant => unreachable!("leaves are not computed"),
                    $(Op::$svariant(r) => r.forward(x),)*
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
                    $(Op::$svariant(r) => r.vjp(x, out, grad, wrt),)*
                    $(Op::$variant(r) => r.vjp(x, out, grad, wrt),)*
                    Op::Custom(c) => Some(c.vjp(x, out, grad, wrt)),
                }
            }

            /// The op as a record's code and constants, if it has a scalar
            /// form (or is a leaf).
            #[inline(always)]
            pub(crate) fn encode(&self) -> Option<(Code, T, u32)> {
                match self {
                    Op::Variable => Some((Code::Variable, T::zero(), 0)),
                    Op::Constant => Some((Code::Constant, T::zero(), 0)),
                    $(Op::$svariant(r) => {
                        let (param, aux) = ScalarRule::<T>::pack(r);
                        Some((Code::$svariant, param, aux))
                    })*
                    _ => None,
                }
            }
        }

        impl Code {
            /// The name of a scalar-coded op (`"general"` for the others,
            /// whose name is in the side table).
            pub(crate) fn name<T: Scalar>(self) -> &'static str {
                match self {
                    Code::Variable => "variable",
                    Code::Constant => "constant",
                    Code::General => "general",
                    $(Code::$svariant => {
                        Rule::<T>::name(&<$srule as ScalarRule<T>>::unpack(T::zero(), 0))
                    })*
                }
            }

            /// The scalar forward of a scalar-coded op.
            #[inline]
            pub(crate) fn eval<T: Scalar>(self, param: T, aux: u32, x: &[T]) -> T {
                match self {
                    $(Code::$svariant => {
                        <$srule as ScalarRule<T>>::unpack(param, aux).eval(x)
                    })*
                    _ => unreachable!("leaves and general ops have no scalar forward"),
                }
            }

            /// The message for input `wrt` of a scalar-coded op, computed
            /// by the op's own [`Rule::vjp`] on plain numbers.
            #[inline]
            pub(crate) fn vjp<T: Scalar>(
                self,
                param: T,
                aux: u32,
                x: &[&Num<T>],
                out: Num<T>,
                grad: Num<T>,
                wrt: usize,
            ) -> Option<T> {
                let message = match self {
                    $(Code::$svariant => {
                        <$srule as ScalarRule<T>>::unpack(param, aux).vjp(x, &out, &grad, wrt)
                    })*
                    _ => unreachable!("leaves and general ops have no scalar VJP"),
                };
                message.map(|m| m.0)
            }
        }

        $(impl<T: Scalar> From<$srule> for Op<T> {
            fn from(r: $srule) -> Self {
                Op::$svariant(r)
            }
        })*
        $(impl<T: Scalar> From<$rule> for Op<T> {
            fn from(r: $rule) -> Self {
                Op::$variant(r)
            }
        })*
    };
}

builtin_ops! {
    scalar: {
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
    }
    general: {
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
}
