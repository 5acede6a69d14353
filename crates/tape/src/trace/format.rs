//! Short, readable numbers and tensors for listings, graphs and the page.

use super::TensorData;

/// A number with at most 6 significant digits: `14`, `0.25`, `0.999999`,
/// `1.2346e-7`, `NaN`, `inf`.
pub(crate) fn num(x: f64) -> String {
    if x.is_nan() {
        return "NaN".into();
    }
    if x.is_infinite() {
        return if x > 0.0 { "inf" } else { "-inf" }.into();
    }
    if x == 0.0 {
        return "0".into();
    }
    let a = x.abs();
    if !(1e-4..1e7).contains(&a) {
        return format!("{x:.4e}");
    }
    let digits_before = a.log10().floor() as i32 + 1; // 1 for 1..10, 0 for 0.1..1
                                                      // Six significant digits, more while rounding hides digits that matter
                                                      // (sigmoid(15) = 0.9999997 must not print as `1`, nor 0.4999997 as `0.5`).
    let mut s = String::new();
    for sig in 6..=15 {
        let decimals = (sig - digits_before).max(0) as usize;
        let raw = format!("{x:.decimals$}");
        s = if raw.contains('.') {
            raw.trim_end_matches('0').trim_end_matches('.').to_string()
        } else {
            raw.clone()
        };
        if !raw.ends_with('0') || s.parse::<f64>() == Ok(x) {
            break;
        }
    }
    if s == "-0" {
        "0".into()
    } else {
        s
    }
}

/// A tensor's values: `0.25` for one element, nested brackets
/// (`[[14, 15]]`) when it has at most `max` elements, else its first `max`
/// values in row-major order and a count of the rest.
pub(crate) fn tensor(t: &TensorData, max: usize) -> String {
    if t.shape.is_empty() {
        return t.data.first().map_or_else(String::new, |&x| num(x));
    }
    if t.data.len() <= max {
        // Nest only if the innermost lists are few too: a loaded shape such
        // as [4294967296, 0] holds no values but would print 2^32 `[]`s.
        let lists = t.shape[..t.shape.len() - 1]
            .iter()
            .try_fold(1usize, |n, &d| n.checked_mul(d));
        if lists.is_some_and(|n| n <= max.max(1)) {
            let mut out = String::new();
            nested(&t.shape, &t.data, &mut out);
            return out;
        }
        let parts: Vec<String> = t.data.iter().map(|&x| num(x)).collect();
        return format!("[{}]", parts.join(", "));
    }
    let head: Vec<String> = t.data[..max].iter().map(|&x| num(x)).collect();
    format!(
        "[{}, … {} more]",
        head.join(", "),
        t.data.len().saturating_sub(max)
    )
}

fn nested(shape: &[usize], data: &[f64], out: &mut String) {
    out.push('[');
    match shape {
        [] => {}
        [_] => {
            let parts: Vec<String> = data.iter().map(|&x| num(x)).collect();
            out.push_str(&parts.join(", "));
        }
        [n, rest @ ..] => {
            let step = rest.iter().product::<usize>();
            for i in 0..*n {
                if i > 0 {
                    out.push_str(", ");
                }
                nested(rest, &data[i * step..(i + 1) * step], out);
            }
        }
    }
    out.push(']');
}

/// `[1, 3]` for a shape, `[]` for a scalar.
pub(crate) fn shape(s: &[usize]) -> String {
    let parts: Vec<String> = s.iter().map(usize::to_string).collect();
    format!("[{}]", parts.join(", "))
}

/// `min … max` and how many values are NaN or infinite, for reports.
pub(crate) fn stats(data: &[f64]) -> String {
    let nan = data.iter().filter(|x| x.is_nan()).count();
    let inf = data.iter().filter(|x| x.is_infinite()).count();
    let finite = data.iter().copied().filter(|x| x.is_finite());
    let (lo, hi) = finite.fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), x| {
        (lo.min(x), hi.max(x))
    });
    let range = if lo <= hi {
        format!("min {} max {}", num(lo), num(hi))
    } else {
        "no finite values".to_string()
    };
    format!("{range}, {nan} NaN, {inf} infinite")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_short_and_exact_where_possible() {
        assert_eq!(num(14.0), "14");
        assert_eq!(num(0.25), "0.25");
        assert_eq!(num(-1.5), "-1.5");
        assert_eq!(num(1.0 / 3.0), "0.333333");
        assert_eq!(num(123456.7), "123457");
        assert_eq!(num(123459.7), "123459.7");
        assert_eq!(num(0.4999996940977731), "0.4999997");
        assert_eq!(num(14.999998), "14.999998");
        assert_eq!(num(0.1 + 0.2), "0.3");
        assert_eq!(num(0.9999996940977731), "0.9999997");
        assert_eq!(num(-2.0000001), "-2.0000001");
        assert_eq!(num(1.25e-7), "1.2500e-7");
        assert_eq!(num(f64::NAN), "NaN");
        assert_eq!(num(f64::NEG_INFINITY), "-inf");
        assert_eq!(num(-1e-12 * 0.0), "0");
    }

    #[test]
    fn tensors_nest_or_truncate() {
        let t = TensorData {
            shape: vec![1, 2],
            data: vec![14.0, 15.0],
        };
        assert_eq!(tensor(&t, 6), "[[14, 15]]");
        let long = TensorData {
            shape: vec![10],
            data: (0..10).map(f64::from).collect(),
        };
        assert_eq!(tensor(&long, 3), "[0, 1, 2, … 7 more]");
        assert_eq!(
            stats(&[1.0, f64::NAN, -2.0]),
            "min -2 max 1, 1 NaN, 0 infinite"
        );
    }
}
