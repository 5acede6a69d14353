//! Operator overloading for [`Var`]: `+ - * /` between handles (with
//! broadcasting) and with scalar constants on either side, and unary `-`.

use std::ops;

use super::arith::{
    Add, AddScalar, Div, DivScalar, Mul, MulScalar, Neg, RDivScalar, RSubScalar, Sub,
};
use crate::{Scalar, Var};

macro_rules! var_binop {
    ($trait:ident, $method:ident, $rule:ident) => {
        impl<'t, T: Scalar> ops::$trait<Var<'t, T>> for Var<'t, T> {
            type Output = Var<'t, T>;
            #[track_caller]
            fn $method(self, rhs: Var<'t, T>) -> Var<'t, T> {
                self.binary(rhs, $rule)
            }
        }
    };
}

var_binop!(Add, add, Add);
var_binop!(Sub, sub, Sub);
var_binop!(Mul, mul, Mul);
var_binop!(Div, div, Div);

impl<'t, T: Scalar> ops::Neg for Var<'t, T> {
    type Output = Var<'t, T>;
    #[track_caller]
    fn neg(self) -> Var<'t, T> {
        self.unary(Neg)
    }
}

impl<'t, T: Scalar> ops::Add<T> for Var<'t, T> {
    type Output = Var<'t, T>;
    #[track_caller]
    fn add(self, c: T) -> Var<'t, T> {
        self.unary(AddScalar(c))
    }
}

impl<'t, T: Scalar> ops::Sub<T> for Var<'t, T> {
    type Output = Var<'t, T>;
    /// `x - c`, recorded as `x + (-c)` (bit-identical in IEEE arithmetic).
    #[track_caller]
    fn sub(self, c: T) -> Var<'t, T> {
        self.unary(AddScalar(-c))
    }
}

impl<'t, T: Scalar> ops::Mul<T> for Var<'t, T> {
    type Output = Var<'t, T>;
    #[track_caller]
    fn mul(self, c: T) -> Var<'t, T> {
        self.unary(MulScalar(c))
    }
}

impl<'t, T: Scalar> ops::Div<T> for Var<'t, T> {
    type Output = Var<'t, T>;
    #[track_caller]
    fn div(self, c: T) -> Var<'t, T> {
        self.unary(DivScalar(c))
    }
}

macro_rules! scalar_lhs {
    ($t:ty) => {
        impl<'t> ops::Add<Var<'t, $t>> for $t {
            type Output = Var<'t, $t>;
            #[track_caller]
            fn add(self, x: Var<'t, $t>) -> Var<'t, $t> {
                x.unary(AddScalar(self))
            }
        }

        impl<'t> ops::Sub<Var<'t, $t>> for $t {
            type Output = Var<'t, $t>;
            #[track_caller]
            fn sub(self, x: Var<'t, $t>) -> Var<'t, $t> {
                x.unary(RSubScalar(self))
            }
        }

        impl<'t> ops::Mul<Var<'t, $t>> for $t {
            type Output = Var<'t, $t>;
            #[track_caller]
            fn mul(self, x: Var<'t, $t>) -> Var<'t, $t> {
                x.unary(MulScalar(self))
            }
        }

        impl<'t> ops::Div<Var<'t, $t>> for $t {
            type Output = Var<'t, $t>;
            #[track_caller]
            fn div(self, x: Var<'t, $t>) -> Var<'t, $t> {
                x.unary(RDivScalar(self))
            }
        }
    };
}

scalar_lhs!(f32);
scalar_lhs!(f64);
