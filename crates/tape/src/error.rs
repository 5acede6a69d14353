//! Typed errors for data that comes from outside the program.

use crate::Shape;

/// What went wrong when building a tensor from outside data.
///
/// Model code that combines tensors of the wrong shapes panics instead (a
/// programming error, like indexing a slice out of bounds); this error is
/// for values read from files, command lines or user input, where the caller
/// wants to report the problem rather than crash.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ShapeError {
    /// The number of values does not match the product of the dimensions.
    #[error("{len} values cannot fill a tensor of shape {shape:?}, which needs {expected}")]
    LengthMismatch {
        /// How many values were given.
        len: usize,
        /// The requested shape.
        shape: Shape,
        /// How many values that shape needs.
        expected: usize,
    },
    /// Two shapes that must broadcast together do not.
    #[error("{op}: shapes {left:?} and {right:?} cannot be broadcast together")]
    Broadcast {
        /// The operation that needed the broadcast.
        op: &'static str,
        /// The left operand's shape.
        left: Shape,
        /// The right operand's shape.
        right: Shape,
    },
    /// Rows of a nested list have different lengths.
    #[error("ragged data: row {row} has {len} values but the first row has {expected}")]
    Ragged {
        /// The first row whose length differs.
        row: usize,
        /// Its length.
        len: usize,
        /// The length of the first row.
        expected: usize,
    },
}
