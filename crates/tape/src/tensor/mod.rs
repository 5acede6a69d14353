//! Dense row-major tensors: the values that flow forward and the gradient
//! messages that flow backward.
//!
//! The kernels live in submodules, one concern each: elementwise maps and
//! broadcasting (`elementwise`), reductions (`reduce`), matrix products
//! (`matmul`) and layout changes (`layout`).

mod elementwise;
mod format;
pub(crate) mod gemm;
mod layout;
mod matmul;
pub(crate) mod pool;
mod reduce;
mod small_gemm;

use rand::Rng;
use smallvec::SmallVec;

use crate::{Scalar, Shape, ShapeError};

/// Element storage: a scalar lives inline, anything bigger on the heap.
pub(crate) type Data<T> = SmallVec<[T; 1]>;

/// A dense, row-major n-dimensional array of `T` (`f32` or `f64`).
///
/// Scalars (`shape []`) store their one value inline, so creating and
/// combining them never touches the heap.
///
/// ```
/// use tape::Tensor;
/// let m = Tensor::from_vec(vec![1.0, 2.0, 3.0, 4.0, 5.0, 6.0], [2, 3]);
/// assert_eq!(m.dims(), &[2, 3]);
/// assert_eq!(m.get(&[1, 0]), 4.0);
/// let s = Tensor::scalar(2.5_f64);
/// assert_eq!(s.item(), 2.5);
/// ```
#[derive(PartialEq)]
pub struct Tensor<T: Scalar> {
    shape: Shape,
    data: Data<T>,
}

impl<T: Scalar> Tensor<T> {
    /// A tensor from row-major values and a shape.
    ///
    /// # Panics
    /// If `data.len()` is not the product of the dimensions. Use
    /// [`Tensor::try_from_vec`] for data from outside the program.
    #[track_caller]
    pub fn from_vec(data: Vec<T>, shape: impl Into<Shape>) -> Self {
        match Self::try_from_vec(data, shape) {
            Ok(t) => t,
            Err(e) => panic!("Tensor::from_vec: {e}"),
        }
    }

    /// A tensor from row-major values and a shape, or an error saying why
    /// they do not fit.
    ///
    /// ```
    /// use tape::Tensor;
    /// assert!(Tensor::try_from_vec(vec![1.0_f32; 5], [2, 3]).is_err());
    /// ```
    pub fn try_from_vec(data: Vec<T>, shape: impl Into<Shape>) -> Result<Self, ShapeError> {
        let shape = shape.into();
        if data.len() != shape.numel() {
            return Err(ShapeError::LengthMismatch {
                len: data.len(),
                expected: shape.numel(),
                shape,
            });
        }
        Ok(Tensor {
            shape,
            data: Data::from_vec(data),
        })
    }

    /// A tensor from a slice of row-major values and a shape.
    #[track_caller]
    pub fn from_slice(data: &[T], shape: impl Into<Shape>) -> Self {
        let shape = shape.into();
        assert_eq!(
            data.len(),
            shape.numel(),
            "Tensor::from_slice: {} values cannot fill shape {shape:?}",
            data.len()
        );
        Tensor {
            shape,
            data: pool::copy(data),
        }
    }

    /// A 0-d tensor holding one value (no heap allocation).
    #[inline]
    pub fn scalar(value: T) -> Self {
        Tensor {
            shape: Shape::scalar(),
            data: smallvec::smallvec![value],
        }
    }

    /// A tensor of the given shape with every element `value`.
    pub fn full(shape: impl Into<Shape>, value: T) -> Self {
        let shape = shape.into();
        let data = pool::filled(shape.numel(), value);
        Tensor { shape, data }
    }

    /// A tensor of zeros.
    pub fn zeros(shape: impl Into<Shape>) -> Self {
        Self::full(shape, T::zero())
    }

    /// A tensor of ones.
    pub fn ones(shape: impl Into<Shape>) -> Self {
        Self::full(shape, T::one())
    }

    /// Uniform samples on `[low, high)` from `rng` (seed it for repeatable runs).
    ///
    /// ```
    /// use rand::{rngs::StdRng, SeedableRng};
    /// use tape::Tensor;
    /// let a = Tensor::<f32>::rand_uniform([2, 2], -1.0, 1.0, &mut StdRng::seed_from_u64(7));
    /// let b = Tensor::<f32>::rand_uniform([2, 2], -1.0, 1.0, &mut StdRng::seed_from_u64(7));
    /// assert_eq!(a, b);
    /// assert!(a.data().iter().all(|x| (-1.0..1.0).contains(x)));
    /// ```
    pub fn rand_uniform<R: Rng + ?Sized>(
        shape: impl Into<Shape>,
        low: T,
        high: T,
        rng: &mut R,
    ) -> Self {
        let shape = shape.into();
        let n = shape.numel();
        let data = pool::collect(n, (0..n).map(|_| T::sample_uniform(rng, low, high)));
        Tensor { shape, data }
    }

    /// Normal samples with the given mean and standard deviation.
    pub fn rand_normal<R: Rng + ?Sized>(
        shape: impl Into<Shape>,
        mean: T,
        std: T,
        rng: &mut R,
    ) -> Self {
        let shape = shape.into();
        let n = shape.numel();
        let data = pool::collect(
            n,
            (0..n).map(|_| mean + std * T::sample_standard_normal(rng)),
        );
        Tensor { shape, data }
    }

    /// Standard normal samples (mean 0, standard deviation 1).
    pub fn randn<R: Rng + ?Sized>(shape: impl Into<Shape>, rng: &mut R) -> Self {
        Self::rand_normal(shape, T::zero(), T::one(), rng)
    }

    /// The shape.
    pub fn shape(&self) -> &Shape {
        &self.shape
    }

    /// The dimensions, outermost first.
    pub fn dims(&self) -> &[usize] {
        self.shape.dims()
    }

    /// The number of dimensions.
    pub fn rank(&self) -> usize {
        self.shape.rank()
    }

    /// The number of elements.
    pub fn numel(&self) -> usize {
        self.data.len()
    }

    /// The elements in row-major order.
    pub fn data(&self) -> &[T] {
        &self.data
    }

    /// The elements in row-major order, mutable.
    pub fn data_mut(&mut self) -> &mut [T] {
        &mut self.data
    }

    /// The elements as a `Vec`, in row-major order.
    pub fn into_vec(mut self) -> Vec<T> {
        std::mem::take(&mut self.data).into_vec()
    }

    /// The single value of a one-element tensor.
    ///
    /// # Panics
    /// If the tensor has more or fewer than one element.
    #[track_caller]
    pub fn item(&self) -> T {
        assert_eq!(
            self.numel(),
            1,
            "item: tensor of shape {:?} has {} elements, expected exactly 1",
            self.shape,
            self.numel()
        );
        self.data[0]
    }

    /// The element at a multi-index.
    ///
    /// # Panics
    /// If the index has the wrong length or is out of bounds.
    #[track_caller]
    pub fn get(&self, index: &[usize]) -> T {
        assert_eq!(
            index.len(),
            self.rank(),
            "get: index {index:?} for a tensor of shape {:?}",
            self.shape
        );
        let mut offset = 0;
        for ((&i, &d), s) in index.iter().zip(self.dims()).zip(self.shape.strides()) {
            assert!(
                i < d,
                "get: index {index:?} out of bounds for shape {:?}",
                self.shape
            );
            offset += i * s;
        }
        self.data[offset]
    }

    /// Converts every element to another float type.
    pub fn cast<U: Scalar>(&self) -> Tensor<U> {
        Tensor {
            shape: self.shape.clone(),
            data: pool::collect(
                self.numel(),
                self.data
                    .iter()
                    .map(|&x| U::from_f64_lossy(x.to_f64_lossy())),
            ),
        }
    }

    /// Whether every element is finite (no NaN or infinity).
    pub fn all_finite(&self) -> bool {
        self.data.iter().all(|x| x.is_finite())
    }

    /// A tensor of the same shape built from the given data (internal).
    pub(crate) fn with_data(shape: Shape, data: Data<T>) -> Self {
        debug_assert_eq!(shape.numel(), data.len());
        Tensor { shape, data }
    }
}

impl<T: Scalar> Clone for Tensor<T> {
    fn clone(&self) -> Self {
        Tensor {
            shape: self.shape.clone(),
            data: pool::copy(&self.data),
        }
    }
}

/// A dropped tensor's buffer goes back to the thread's cache for reuse.
impl<T: Scalar> Drop for Tensor<T> {
    #[inline]
    fn drop(&mut self) {
        pool::recycle(&mut self.data);
    }
}

impl<T: Scalar> From<T> for Tensor<T> {
    fn from(value: T) -> Self {
        Tensor::scalar(value)
    }
}

impl<T: Scalar, const N: usize> From<[T; N]> for Tensor<T> {
    fn from(values: [T; N]) -> Self {
        Tensor::from_slice(&values, [N])
    }
}

impl<T: Scalar, const R: usize, const C: usize> From<[[T; C]; R]> for Tensor<T> {
    fn from(rows: [[T; C]; R]) -> Self {
        let data: Vec<T> = rows.iter().flatten().copied().collect();
        Tensor::from_vec(data, [R, C])
    }
}

impl<T: Scalar> From<&Tensor<T>> for Tensor<T> {
    fn from(t: &Tensor<T>) -> Self {
        t.clone()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scalars_do_not_spill() {
        let s = Tensor::scalar(3.0_f64);
        assert!(!s.data.spilled());
        assert_eq!(s.item(), 3.0);
        assert_eq!(s.rank(), 0);
    }

    #[test]
    fn constructors() {
        let z = Tensor::<f32>::zeros([2, 3]);
        assert_eq!(z.data(), &[0.0; 6]);
        let o = Tensor::<f64>::ones([4]);
        assert_eq!(o.numel(), 4);
        let m = Tensor::from([[1.0, 2.0], [3.0, 4.0]]);
        assert_eq!(m.get(&[1, 0]), 3.0);
        let err = Tensor::try_from_vec(vec![1.0_f64, 2.0, 3.0], [2, 2]).unwrap_err();
        assert!(err.to_string().contains("3 values"));
    }

    #[test]
    fn seeded_random_is_repeatable() {
        use rand::{rngs::StdRng, SeedableRng};
        let a = Tensor::<f64>::randn([3, 3], &mut StdRng::seed_from_u64(1));
        let b = Tensor::<f64>::randn([3, 3], &mut StdRng::seed_from_u64(1));
        assert_eq!(a, b);
        let c = Tensor::<f64>::randn([3, 3], &mut StdRng::seed_from_u64(2));
        assert_ne!(a, c);
    }
}
