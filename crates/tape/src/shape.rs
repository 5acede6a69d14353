//! Shapes, strides and numpy broadcasting.

use std::fmt;

use smallvec::SmallVec;

/// The dimensions of a shape. Up to four live inline (no heap allocation).
pub type Dims = SmallVec<[usize; 4]>;

/// The shape of a dense row-major tensor: `[]` for a scalar, `[n]` for a
/// vector, `[rows, cols]` for a matrix, and so on.
#[derive(Clone, Eq, Default)]
pub struct Shape(Dims);

/// Compared element by element: shapes are short, and this is on every
/// op's path (a `memcmp` call costs more than the loop).
impl PartialEq for Shape {
    #[inline]
    fn eq(&self, other: &Shape) -> bool {
        self.0.len() == other.0.len() && self.0.iter().zip(other.0.iter()).all(|(a, b)| a == b)
    }
}

impl std::hash::Hash for Shape {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.0.as_slice().hash(state);
    }
}

impl Shape {
    /// A shape from its dimensions.
    pub fn new(dims: &[usize]) -> Self {
        Shape(Dims::from_slice(dims))
    }

    /// The shape of a 0-d scalar: `[]`.
    #[inline]
    pub fn scalar() -> Self {
        Shape(Dims::new())
    }

    /// The dimensions, outermost first.
    pub fn dims(&self) -> &[usize] {
        &self.0
    }

    /// The number of dimensions (0 for a scalar).
    pub fn rank(&self) -> usize {
        self.0.len()
    }

    /// The number of elements (1 for a scalar).
    pub fn numel(&self) -> usize {
        self.0.iter().product()
    }

    /// Row-major strides in elements: the last axis has stride 1.
    pub fn strides(&self) -> Dims {
        let mut strides = Dims::from_elem(1, self.rank());
        for i in (0..self.rank().saturating_sub(1)).rev() {
            strides[i] = strides[i + 1] * self.0[i + 1];
        }
        strides
    }

    /// Checks `axis < rank`, panicking with the op's name otherwise.
    #[track_caller]
    pub(crate) fn check_axis(&self, op: &str, axis: usize) {
        assert!(
            axis < self.rank(),
            "{op}: axis {axis} is out of range for a tensor of shape {self:?} (rank {})",
            self.rank()
        );
    }

    /// The numpy broadcast of two shapes, or `None` if they are incompatible.
    ///
    /// Shapes are aligned at their last axis; each pair of sizes must be equal
    /// or one of them 1. `[3, 1]` and `[4]` broadcast to `[3, 4]`.
    ///
    /// ```
    /// use tape::Shape;
    /// let s = Shape::broadcast(&Shape::new(&[3, 1]), &Shape::new(&[4])).unwrap();
    /// assert_eq!(s.dims(), &[3, 4]);
    /// assert!(Shape::broadcast(&Shape::new(&[2]), &Shape::new(&[3])).is_none());
    /// ```
    pub fn broadcast(a: &Shape, b: &Shape) -> Option<Shape> {
        let rank = a.rank().max(b.rank());
        let mut out = Dims::from_elem(0, rank);
        for (i, o) in out.iter_mut().enumerate() {
            let da = a.dim_from_right(rank - 1 - i);
            let db = b.dim_from_right(rank - 1 - i);
            *o = match (da, db) {
                (x, y) if x == y => x,
                (1, y) => y,
                (x, 1) => x,
                _ => return None,
            };
        }
        Some(Shape(out))
    }

    /// Whether `self` broadcasts to exactly `target`.
    pub fn broadcasts_to(&self, target: &Shape) -> bool {
        self.rank() <= target.rank() && Shape::broadcast(self, target).is_some_and(|s| s == *target)
    }

    /// The size of the `i`-th axis counted from the right, 1 past the rank.
    fn dim_from_right(&self, i: usize) -> usize {
        if i < self.rank() {
            self.0[self.rank() - 1 - i]
        } else {
            1
        }
    }

    /// Strides of `self` seen as a broadcast operand of `target`: aligned at
    /// the right, 0 on axes that `self` lacks or where it has size 1.
    pub(crate) fn broadcast_strides(&self, target: &Shape) -> Dims {
        let own = self.strides();
        let offset = target.rank() - self.rank();
        let mut out = Dims::from_elem(0, target.rank());
        for i in 0..self.rank() {
            if self.0[i] != 1 {
                out[offset + i] = own[i];
            }
        }
        out
    }

    /// The shape with `axis` removed (`keepdim = false`) or set to 1.
    pub(crate) fn reduced(&self, axis: usize, keepdim: bool) -> Shape {
        let mut dims = self.0.clone();
        if keepdim {
            dims[axis] = 1;
        } else {
            dims.remove(axis);
        }
        Shape(dims)
    }

    /// Splits the shape around `axis` into `(outer, len, inner)` element counts.
    pub(crate) fn split_at_axis(&self, axis: usize) -> (usize, usize, usize) {
        let outer = self.0[..axis].iter().product();
        let inner = self.0[axis + 1..].iter().product();
        (outer, self.0[axis], inner)
    }

    /// The shape with one axis resized.
    pub(crate) fn with_dim(&self, axis: usize, len: usize) -> Shape {
        let mut dims = self.0.clone();
        dims[axis] = len;
        Shape(dims)
    }
}

impl fmt::Debug for Shape {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.0.iter()).finish()
    }
}

impl fmt::Display for Shape {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self, f)
    }
}

impl From<&[usize]> for Shape {
    fn from(dims: &[usize]) -> Self {
        Shape::new(dims)
    }
}

impl<const N: usize> From<[usize; N]> for Shape {
    fn from(dims: [usize; N]) -> Self {
        Shape::new(&dims)
    }
}

impl<const N: usize> From<&[usize; N]> for Shape {
    fn from(dims: &[usize; N]) -> Self {
        Shape::new(dims)
    }
}

impl From<Vec<usize>> for Shape {
    fn from(dims: Vec<usize>) -> Self {
        Shape(Dims::from_vec(dims))
    }
}

impl From<Dims> for Shape {
    fn from(dims: Dims) -> Self {
        Shape(dims)
    }
}

impl From<&Shape> for Shape {
    fn from(shape: &Shape) -> Self {
        shape.clone()
    }
}

/// Walks a row-major index space of `dims`, yielding for each position the
/// element offsets of up to `N` strided operands, without recursion or
/// allocation beyond the small counter. The innermost axis is handed to the
/// callback as a whole run for speed: `f(offsets, inner_len, inner_strides)`.
pub(crate) fn for_each_run<const N: usize>(
    dims: &[usize],
    strides: [&[usize]; N],
    mut f: impl FnMut([usize; N], usize, [usize; N]),
) {
    if dims.contains(&0) {
        return;
    }
    let rank = dims.len();
    if rank == 0 {
        f([0; N], 1, [0; N]);
        return;
    }
    let inner = dims[rank - 1];
    let inner_strides: [usize; N] = std::array::from_fn(|k| strides[k][rank - 1]);
    let mut index = Dims::from_elem(0, rank - 1);
    let mut offsets = [0usize; N];
    loop {
        f(offsets, inner, inner_strides);
        // Advance the odometer over the outer axes.
        let mut axis = rank - 1;
        loop {
            if axis == 0 {
                return;
            }
            axis -= 1;
            index[axis] += 1;
            for k in 0..N {
                offsets[k] += strides[k][axis];
            }
            if index[axis] < dims[axis] {
                break;
            }
            for k in 0..N {
                offsets[k] -= strides[k][axis] * dims[axis];
            }
            index[axis] = 0;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strides_are_row_major() {
        assert_eq!(Shape::new(&[2, 3, 4]).strides().as_slice(), &[12, 4, 1]);
        assert!(Shape::scalar().strides().is_empty());
    }

    #[test]
    fn broadcast_rules() {
        let b = |a: &[usize], c: &[usize]| Shape::broadcast(&Shape::new(a), &Shape::new(c));
        assert_eq!(b(&[2, 3], &[3]).unwrap().dims(), &[2, 3]);
        assert_eq!(b(&[2, 1, 4], &[3, 1]).unwrap().dims(), &[2, 3, 4]);
        assert_eq!(b(&[], &[5]).unwrap().dims(), &[5]);
        assert!(b(&[2, 3], &[2]).is_none());
        assert!(Shape::new(&[3]).broadcasts_to(&Shape::new(&[2, 3])));
        assert!(!Shape::new(&[2, 3]).broadcasts_to(&Shape::new(&[3])));
    }

    #[test]
    fn walker_visits_every_offset_once() {
        let dims = [2usize, 3, 2];
        let shape = Shape::new(&dims);
        let s = shape.strides();
        let mut seen = Vec::new();
        for_each_run(&dims, [&s], |[o], n, [st]| {
            for i in 0..n {
                seen.push(o + i * st);
            }
        });
        assert_eq!(seen, (0..12).collect::<Vec<_>>());
    }
}
