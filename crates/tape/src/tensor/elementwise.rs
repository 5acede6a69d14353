//! Elementwise kernels: maps, broadcasting binary ops, in-place accumulation.

use super::{pool, Tensor};
use crate::shape::for_each_run;
use crate::{Scalar, Shape};

impl<T: Scalar> Tensor<T> {
    /// Applies `f` to every element.
    pub fn map(&self, f: impl Fn(T) -> T) -> Tensor<T> {
        if self.shape.rank() == 0 {
            return Tensor::scalar(f(self.data[0]));
        }
        let data = pool::collect(self.numel(), self.data.iter().map(|&x| f(x)));
        Tensor::with_data(self.shape.clone(), data)
    }

    /// Combines two tensors elementwise with numpy broadcasting.
    ///
    /// # Panics
    /// If the shapes do not broadcast; the message names `op` and both shapes.
    #[track_caller]
    pub fn zip_map(&self, other: &Tensor<T>, op: &str, f: impl Fn(T, T) -> T) -> Tensor<T> {
        if self.shape.rank() == 0 && other.shape.rank() == 0 {
            return Tensor::scalar(f(self.data[0], other.data[0]));
        }
        if self.shape == other.shape {
            let pairs = self.data.iter().zip(other.data.iter());
            let data = pool::collect(self.numel(), pairs.map(|(&a, &b)| f(a, b)));
            return Tensor::with_data(self.shape.clone(), data);
        }
        let Some(out_shape) = Shape::broadcast(&self.shape, &other.shape) else {
            panic!(
                "{op}: shapes {:?} and {:?} cannot be broadcast together \
                 (sizes must match or be 1, aligned at the last axis)",
                self.shape, other.shape
            );
        };
        if other.numel() == 1 && out_shape == self.shape {
            let b = other.data[0];
            return self.map(|a| f(a, b));
        }
        if self.numel() == 1 && out_shape == other.shape {
            let a = self.data[0];
            return other.map(|b| f(a, b));
        }
        let sa = self.shape.broadcast_strides(&out_shape);
        let sb = other.shape.broadcast_strides(&out_shape);
        let mut data = pool::filled(out_shape.numel(), T::zero());
        let (a, b) = (&self.data[..], &other.data[..]);
        let mut pos = 0;
        for_each_run(out_shape.dims(), [&sa, &sb], |[oa, ob], n, [ia, ib]| {
            let out = &mut data[pos..pos + n];
            pos += n;
            // The common runs (both contiguous, or one side repeated) as
            // plain slice loops, which the compiler vectorises.
            match (ia, ib) {
                (1, 1) => {
                    let pairs = a[oa..oa + n].iter().zip(&b[ob..ob + n]);
                    for (o, (&x, &y)) in out.iter_mut().zip(pairs) {
                        *o = f(x, y);
                    }
                }
                (1, 0) => {
                    let y = b[ob];
                    for (o, &x) in out.iter_mut().zip(&a[oa..oa + n]) {
                        *o = f(x, y);
                    }
                }
                (0, 1) => {
                    let x = a[oa];
                    for (o, &y) in out.iter_mut().zip(&b[ob..ob + n]) {
                        *o = f(x, y);
                    }
                }
                _ => {
                    for (i, o) in out.iter_mut().enumerate() {
                        *o = f(a[oa + i * ia], b[ob + i * ib]);
                    }
                }
            }
        });
        Tensor::with_data(out_shape, data)
    }

    /// `self += other` in place; `other` must have exactly this shape.
    ///
    /// This is how gradient messages are accumulated: no new buffer.
    #[track_caller]
    pub fn add_assign(&mut self, other: &Tensor<T>) {
        assert_eq!(
            self.shape, other.shape,
            "add_assign: shapes {:?} and {:?} differ",
            self.shape, other.shape
        );
        for (a, &b) in self.data.iter_mut().zip(other.data.iter()) {
            *a = *a + b;
        }
    }

    /// `self[i, :] += row` for every row `i` of a matrix, in place: a bias
    /// added to each row of a `[batch, n]` result (`row` has shape `[n]`).
    #[track_caller]
    pub(crate) fn add_row_assign(&mut self, row: &Tensor<T>) {
        let n = row.numel();
        assert!(
            self.rank() == 2 && self.dims()[1] == n && row.rank() == 1,
            "add_row_assign: cannot add a row of shape {:?} to each row of {:?}",
            row.shape,
            self.shape
        );
        if n == 0 {
            return;
        }
        for out in self.data.chunks_exact_mut(n) {
            for (o, &b) in out.iter_mut().zip(row.data.iter()) {
                *o = *o + b;
            }
        }
    }

    /// `self + other`, broadcasting.
    #[track_caller]
    pub fn add(&self, other: &Tensor<T>) -> Tensor<T> {
        self.zip_map(other, "add", |a, b| a + b)
    }

    /// `self - other`, broadcasting.
    #[track_caller]
    pub fn sub(&self, other: &Tensor<T>) -> Tensor<T> {
        self.zip_map(other, "sub", |a, b| a - b)
    }

    /// `self * other` elementwise, broadcasting.
    #[track_caller]
    pub fn mul(&self, other: &Tensor<T>) -> Tensor<T> {
        self.zip_map(other, "mul", |a, b| a * b)
    }

    /// `self / other` elementwise, broadcasting.
    #[track_caller]
    pub fn div(&self, other: &Tensor<T>) -> Tensor<T> {
        self.zip_map(other, "div", |a, b| a / b)
    }

    /// `-self`.
    pub fn neg(&self) -> Tensor<T> {
        self.map(|x| -x)
    }

    /// `self + c` for a scalar `c`.
    pub fn add_scalar(&self, c: T) -> Tensor<T> {
        self.map(|x| x + c)
    }

    /// `self * c` for a scalar `c`.
    pub fn mul_scalar(&self, c: T) -> Tensor<T> {
        self.map(|x| x * c)
    }

    /// `self / c` for a scalar `c`.
    pub fn div_scalar(&self, c: T) -> Tensor<T> {
        self.map(|x| x / c)
    }

    /// `c - self` for a scalar `c`.
    pub fn rsub_scalar(&self, c: T) -> Tensor<T> {
        self.map(|x| c - x)
    }

    /// `c / self` for a scalar `c`.
    pub fn rdiv_scalar(&self, c: T) -> Tensor<T> {
        self.map(|x| c / x)
    }

    /// `e^x` elementwise.
    pub fn exp(&self) -> Tensor<T> {
        self.map(T::exp)
    }

    /// Natural logarithm elementwise.
    pub fn ln(&self) -> Tensor<T> {
        self.map(T::ln)
    }

    /// Square root elementwise.
    pub fn sqrt(&self) -> Tensor<T> {
        self.map(T::sqrt)
    }

    /// `x^p` elementwise for a float exponent.
    pub fn powf(&self, p: T) -> Tensor<T> {
        self.map(|x| x.powf(p))
    }

    /// `x^n` elementwise for an integer exponent.
    pub fn powi(&self, n: i32) -> Tensor<T> {
        // The small exponents as products (`powi` with a run-time exponent
        // is a library call per element); the same values as `powi` gives.
        match n {
            0 => self.map(|_| T::one()),
            1 => self.map(|x| x),
            2 => self.map(|x| x * x),
            3 => self.map(|x| x * x * x),
            _ => self.map(|x| x.powi(n)),
        }
    }

    /// `|x|` elementwise.
    pub fn abs(&self) -> Tensor<T> {
        self.map(T::abs)
    }

    /// The sign elementwise: -1, 0 or 1 (0 at 0, NaN stays NaN).
    pub fn sign(&self) -> Tensor<T> {
        self.map(|x| {
            if x > T::zero() {
                T::one()
            } else if x < T::zero() {
                -T::one()
            } else {
                x * T::zero()
            }
        })
    }

    /// The Heaviside step elementwise: 1 where `x > 0`, else 0.
    pub fn step(&self) -> Tensor<T> {
        self.map(|x| if x > T::zero() { T::one() } else { T::zero() })
    }

    /// The logistic sigmoid `1 / (1 + e^-x)`, computed without overflow.
    pub fn sigmoid(&self) -> Tensor<T> {
        self.map(sigmoid)
    }

    /// `max(x, 0)` elementwise.
    pub fn relu(&self) -> Tensor<T> {
        self.map(|x| if x > T::zero() { x } else { T::zero() })
    }

    /// Hyperbolic tangent elementwise.
    pub fn tanh(&self) -> Tensor<T> {
        self.map(T::tanh)
    }
}

/// The logistic sigmoid of one value, stable for large `|x|`.
pub(crate) fn sigmoid<T: Scalar>(x: T) -> T {
    if x >= T::zero() {
        T::one() / (T::one() + (-x).exp())
    } else {
        let e = x.exp();
        e / (T::one() + e)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn broadcasting_bias_over_rows() {
        let m = Tensor::from([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]);
        let b = Tensor::from([10.0, 20.0, 30.0]);
        assert_eq!(m.add(&b).data(), &[11.0, 22.0, 33.0, 14.0, 25.0, 36.0]);
        let col = Tensor::from_vec(vec![1.0, 2.0], [2, 1]);
        assert_eq!(col.mul(&b).data(), &[10.0, 20.0, 30.0, 20.0, 40.0, 60.0]);
        assert_eq!(col.mul(&b).dims(), &[2, 3]);
    }

    #[test]
    #[should_panic(expected = "sub: shapes [2, 3] and [2] cannot be broadcast")]
    fn broadcast_mismatch_names_op_and_shapes() {
        Tensor::<f32>::zeros([2, 3]).sub(&Tensor::zeros([2]));
    }

    #[test]
    fn sigmoid_is_stable() {
        let t = Tensor::from([-1000.0_f64, 0.0, 1000.0]).sigmoid();
        assert_eq!(t.data(), &[0.0, 0.5, 1.0]);
    }

    #[test]
    fn sign_and_step_at_zero() {
        let t = Tensor::from([-2.0_f32, 0.0, 3.0]);
        assert_eq!(t.sign().data(), &[-1.0, 0.0, 1.0]);
        assert_eq!(t.step().data(), &[0.0, 0.0, 1.0]);
    }
}
