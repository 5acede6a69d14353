//! Datasets held in memory, seeded shuffling into mini-batches, and small
//! synthetic datasets generated in code.

mod synthetic;

pub use synthetic::{circles, noisy_sine, two_moons, xor};

use rand::seq::SliceRandom;
use rand::Rng;
use tape::{Scalar, Tensor};

/// Inputs `x` (`[n, features]`) and targets `y` (`[n, outputs]`), one row
/// per example.
#[derive(Clone, Debug, PartialEq)]
pub struct Dataset<T: Scalar> {
    /// The inputs, one row per example.
    pub x: Tensor<T>,
    /// The targets, one row per example.
    pub y: Tensor<T>,
}

impl<T: Scalar> Dataset<T> {
    /// A dataset from inputs and targets with the same number of rows.
    ///
    /// # Panics
    /// If either is not 2-d or their row counts differ.
    #[track_caller]
    pub fn new(x: Tensor<T>, y: Tensor<T>) -> Self {
        assert!(
            x.rank() == 2 && y.rank() == 2 && x.dims()[0] == y.dims()[0],
            "Dataset::new: inputs {:?} and targets {:?} must be [n, _] with the same n",
            x.shape(),
            y.shape()
        );
        Dataset { x, y }
    }

    /// The number of examples.
    pub fn len(&self) -> usize {
        self.x.dims()[0]
    }

    /// Whether there are no examples.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The examples at `indices`, in that order.
    pub fn select(&self, indices: &[usize]) -> Dataset<T> {
        Dataset {
            x: self.x.index_rows(indices),
            y: self.y.index_rows(indices),
        }
    }

    /// Shuffles the examples with `rng` and splits off the first
    /// `test_fraction` of them as a held-out set: `(train, test)`.
    ///
    /// ```
    /// use nn::data::two_moons;
    /// use rand::{rngs::StdRng, SeedableRng};
    /// let data = two_moons::<f32, _>(100, 0.1, &mut StdRng::seed_from_u64(0));
    /// let (train, test) = data.split(0.2, &mut StdRng::seed_from_u64(1));
    /// assert_eq!((train.len(), test.len()), (80, 20));
    /// ```
    pub fn split<R: Rng + ?Sized>(&self, test_fraction: f64, rng: &mut R) -> (Self, Self) {
        let mut idx: Vec<usize> = (0..self.len()).collect();
        idx.shuffle(rng);
        let n_test = ((self.len() as f64) * test_fraction.clamp(0.0, 1.0)).round() as usize;
        let (test, train) = idx.split_at(n_test);
        (self.select(train), self.select(test))
    }

    /// The examples in mini-batches of `batch_size` (the last may be
    /// smaller), in an order shuffled by `rng`, or in order if `rng` is
    /// `None`.
    ///
    /// # Panics
    /// If `batch_size` is 0.
    ///
    /// ```
    /// use nn::data::xor;
    /// use rand::{rngs::StdRng, SeedableRng};
    /// let data = xor::<f64>();
    /// let sizes: Vec<usize> = data
    ///     .batches(3, Some(&mut StdRng::seed_from_u64(0)))
    ///     .map(|b| b.len())
    ///     .collect();
    /// assert_eq!(sizes, [3, 1]);
    /// ```
    #[track_caller]
    pub fn batches<R: Rng + ?Sized>(
        &self,
        batch_size: usize,
        rng: Option<&mut R>,
    ) -> Batches<'_, T> {
        assert!(
            batch_size > 0,
            "Dataset::batches: batch_size must be positive"
        );
        let mut order: Vec<usize> = (0..self.len()).collect();
        if let Some(rng) = rng {
            order.shuffle(rng);
        }
        Batches {
            data: self,
            order,
            batch_size,
            next: 0,
        }
    }
}

/// An iterator over the mini-batches of a [`Dataset`].
#[derive(Debug)]
pub struct Batches<'a, T: Scalar> {
    data: &'a Dataset<T>,
    order: Vec<usize>,
    batch_size: usize,
    next: usize,
}

impl<T: Scalar> Iterator for Batches<'_, T> {
    type Item = Dataset<T>;

    fn next(&mut self) -> Option<Dataset<T>> {
        if self.next >= self.order.len() {
            return None;
        }
        let end = (self.next + self.batch_size).min(self.order.len());
        let batch = self.data.select(&self.order[self.next..end]);
        self.next = end;
        Some(batch)
    }
}
