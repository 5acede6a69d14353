//! Printing tensors like numpy: nested brackets, row-major.

use std::fmt;

use super::Tensor;
use crate::Scalar;

impl<T: Scalar> Tensor<T> {
    fn fmt_nested(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let dims = self.dims();
        if dims.is_empty() {
            return fmt_value(self.data[0], f);
        }
        // Iterative: open brackets as outer indices start, close as they end.
        // blocks[i]: elements in one entry at depth i (the whole sub-array).
        let blocks: Vec<usize> = (0..dims.len())
            .map(|i| dims[i..].iter().product())
            .collect();
        for (flat, &x) in self.data.iter().enumerate() {
            let opening = blocks.iter().filter(|&&b| flat % b == 0).count();
            if flat > 0 {
                f.write_str(", ")?;
            }
            for _ in 0..opening {
                f.write_str("[")?;
            }
            fmt_value(x, f)?;
            let closing = blocks.iter().filter(|&&b| (flat + 1) % b == 0).count();
            for _ in 0..closing {
                f.write_str("]")?;
            }
        }
        if self.data.is_empty() {
            for _ in 0..dims.len() {
                f.write_str("[")?;
            }
            for _ in 0..dims.len() {
                f.write_str("]")?;
            }
        }
        Ok(())
    }
}

fn fmt_value<T: Scalar>(x: T, f: &mut fmt::Formatter<'_>) -> fmt::Result {
    match f.precision() {
        Some(p) => write!(f, "{x:.p$}"),
        None => write!(f, "{x}"),
    }
}

/// Nested brackets: `[[1, 2], [3, 4]]`; honours a precision (`{:.3}`).
impl<T: Scalar> fmt::Display for Tensor<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.fmt_nested(f)
    }
}

/// `Tensor<f32>[2, 2] [[1, 2], [3, 4]]`.
impl<T: Scalar> fmt::Debug for Tensor<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Tensor<{}>{:?} ", T::NAME, self.shape())?;
        self.fmt_nested(f)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nested_brackets() {
        let t = Tensor::from([[1.0_f64, 2.0], [3.0, 4.5]]);
        assert_eq!(t.to_string(), "[[1, 2], [3, 4.5]]");
        assert_eq!(format!("{t:.1}"), "[[1.0, 2.0], [3.0, 4.5]]");
        assert_eq!(Tensor::scalar(2.0_f32).to_string(), "2");
        assert_eq!(
            format!("{:?}", Tensor::<f32>::zeros([2, 1, 2])),
            "Tensor<f32>[2, 1, 2] [[[0, 0]], [[0, 0]]]"
        );
    }
}
