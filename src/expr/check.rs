//! Shape checks made *before* an op is recorded, so that a bad expression
//! becomes a typed error instead of a panic inside the tape.

use tape::Shape;

use super::error::ExprErrorKind;

/// Checks that `left` and `right` broadcast together for operator `op`.
pub fn broadcast(op: &'static str, left: &Shape, right: &Shape) -> Result<(), ExprErrorKind> {
    match Shape::broadcast(left, right) {
        Some(_) => Ok(()),
        None => Err(ExprErrorKind::Broadcast {
            op,
            left: left.clone(),
            right: right.clone(),
        }),
    }
}

/// Checks the operands of `left @ right`: at least 2 axes each, matching
/// inner dimensions, and batch dimensions that are equal or absent on one
/// side (what the tape's matmul accepts).
pub fn matmul(left: &Shape, right: &Shape) -> Result<(), ExprErrorKind> {
    for (side, shape) in [("left", left), ("right", right)] {
        if shape.rank() < 2 {
            return Err(ExprErrorKind::MatmulRank {
                side,
                shape: shape.clone(),
            });
        }
    }
    let (l, r) = (left.dims(), right.dims());
    let cols = l[l.len() - 1];
    let rows = r[r.len() - 2];
    if cols != rows {
        return Err(ExprErrorKind::MatmulInner {
            left: left.clone(),
            right: right.clone(),
            cols,
            rows,
        });
    }
    let (lb, rb) = (&l[..l.len() - 2], &r[..r.len() - 2]);
    if !lb.is_empty() && !rb.is_empty() && lb != rb {
        return Err(ExprErrorKind::MatmulBatch {
            left: left.clone(),
            right: right.clone(),
        });
    }
    Ok(())
}

/// Resolves an axis as written (negative counts from the end, like numpy)
/// to an index into `shape`.
pub fn axis(func: &'static str, axis: i64, shape: &Shape) -> Result<usize, ExprErrorKind> {
    let rank = shape.rank() as i64;
    let resolved = if axis < 0 { axis + rank } else { axis };
    if (0..rank).contains(&resolved) {
        Ok(resolved as usize)
    } else {
        Err(ExprErrorKind::AxisOutOfRange {
            func,
            axis,
            shape: shape.clone(),
        })
    }
}

/// Checks that `max` along `axis` (or over everything) has elements to take.
pub fn max(shape: &Shape, axis: Option<usize>) -> Result<(), ExprErrorKind> {
    let len = match axis {
        Some(a) => shape.dims()[a],
        None => shape.numel(),
    };
    if len == 0 {
        return Err(ExprErrorKind::EmptyMax(shape.clone()));
    }
    Ok(())
}

/// Checks that `transpose` has two axes to swap.
pub fn transpose(shape: &Shape) -> Result<(), ExprErrorKind> {
    if shape.rank() < 2 {
        return Err(ExprErrorKind::TransposeRank(shape.clone()));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(dims: &[usize]) -> Shape {
        Shape::new(dims)
    }

    #[test]
    fn broadcasting() {
        assert!(broadcast("+", &s(&[2, 3]), &s(&[3])).is_ok());
        assert!(broadcast("+", &s(&[]), &s(&[2, 3])).is_ok());
        assert!(broadcast("*", &s(&[2, 1]), &s(&[1, 4])).is_ok());
        let e = broadcast("+", &s(&[2, 3]), &s(&[2])).unwrap_err();
        assert_eq!(
            e.to_string(),
            "shape mismatch: `+` cannot broadcast shapes [2, 3] and [2]"
        );
    }

    #[test]
    fn matmul_shapes() {
        assert!(matmul(&s(&[2, 3]), &s(&[3, 4])).is_ok());
        assert!(matmul(&s(&[5, 2, 3]), &s(&[3, 4])).is_ok());
        assert!(matmul(&s(&[2, 3]), &s(&[5, 3, 4])).is_ok());
        assert!(matmul(&s(&[5, 2, 3]), &s(&[5, 3, 4])).is_ok());
        assert!(matches!(
            matmul(&s(&[3]), &s(&[3, 4])),
            Err(ExprErrorKind::MatmulRank { side: "left", .. })
        ));
        assert!(matches!(
            matmul(&s(&[2, 3]), &s(&[])),
            Err(ExprErrorKind::MatmulRank { side: "right", .. })
        ));
        assert!(matches!(
            matmul(&s(&[2, 3]), &s(&[2, 3])),
            Err(ExprErrorKind::MatmulInner {
                cols: 3,
                rows: 2,
                ..
            })
        ));
        assert!(matches!(
            matmul(&s(&[5, 2, 3]), &s(&[4, 3, 4])),
            Err(ExprErrorKind::MatmulBatch { .. })
        ));
    }

    #[test]
    fn axes_resolve_like_numpy() {
        assert_eq!(axis("sum", 1, &s(&[2, 3])), Ok(1));
        assert_eq!(axis("sum", -1, &s(&[2, 3])), Ok(1));
        assert_eq!(axis("sum", -2, &s(&[2, 3])), Ok(0));
        assert!(axis("sum", 2, &s(&[2, 3])).is_err());
        assert!(axis("sum", -3, &s(&[2, 3])).is_err());
        assert!(axis("mean", 0, &s(&[])).is_err());
    }

    #[test]
    fn max_and_transpose() {
        assert!(max(&s(&[0]), None).is_err());
        assert!(max(&s(&[2, 0]), Some(1)).is_err());
        assert!(max(&s(&[2, 0]), Some(0)).is_ok());
        assert!(max(&s(&[]), None).is_ok());
        assert!(transpose(&s(&[3])).is_err());
        assert!(transpose(&s(&[3, 2])).is_ok());
    }
}
