//! Helpers shared by the tape's integration tests.
#![allow(dead_code)]

use tape::{Scalar, Tensor};

/// A tensor of `T` from f64 values.
pub fn t<T: Scalar>(values: &[f64], shape: &[usize]) -> Tensor<T> {
    Tensor::from_vec(
        values.iter().map(|&v| T::from_f64_lossy(v)).collect(),
        shape,
    )
}

/// Tolerance for comparing against f64 closed forms.
pub fn tol<T: Scalar>() -> f64 {
    if T::NAME == "f32" {
        2e-6
    } else {
        1e-14
    }
}

/// Asserts `actual` has `shape` and matches `expected` elementwise within a
/// relative tolerance suited to `T`.
#[track_caller]
pub fn assert_close<T: Scalar>(actual: &Tensor<T>, expected: &[f64], shape: &[usize]) {
    assert_eq!(actual.dims(), shape, "shape of {actual:?}");
    assert_eq!(actual.numel(), expected.len());
    for (i, (&a, &e)) in actual.data().iter().zip(expected).enumerate() {
        let a = a.to_f64_lossy();
        let err = (a - e).abs() / e.abs().max(1.0);
        assert!(
            err <= tol::<T>(),
            "element {i}: got {a}, expected {e} (relative error {err:e}) in {actual:?}"
        );
    }
}

/// Generates `#[test] fn name_f32` and `name_f64` from a generic function.
#[macro_export]
macro_rules! both_floats {
    ($($name:ident),* $(,)?) => {
        mod f32_tests {
            $(#[test] fn $name() { super::$name::<f32>() })*
        }
        mod f64_tests {
            $(#[test] fn $name() { super::$name::<f64>() })*
        }
    };
}
