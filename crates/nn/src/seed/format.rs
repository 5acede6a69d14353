//! Printing numbers and small tensors the same way everywhere (the worked
//! example's output and its document must agree digit for digit).

use tape::{Scalar, Tensor};

/// A number with 10 significant digits: fixed notation between 1e-4 and
/// 1e6, scientific outside, trailing zeros dropped (`14`, `0.9999991685`,
/// `3.059022691e-7`).
///
/// ```
/// use nn::seed::fmt_num;
/// assert_eq!(fmt_num(14.0), "14");
/// assert_eq!(fmt_num(0.25), "0.25");
/// assert_eq!(fmt_num(-3.0e-7), "-3e-7");
/// ```
pub fn fmt_num(x: f64) -> String {
    if x == 0.0 {
        return "0".into();
    }
    if !x.is_finite() {
        return format!("{x}");
    }
    let a = x.abs();
    if (1e-4..1e6).contains(&a) {
        let digits = (9 - a.log10().floor() as i32).max(0) as usize;
        trim(&format!("{x:.digits$}"))
    } else {
        let s = format!("{x:.9e}");
        let (mantissa, exp) = s.split_once('e').expect("scientific notation");
        format!("{}e{exp}", trim(mantissa))
    }
}

fn trim(s: &str) -> String {
    if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        s.to_string()
    }
}

/// A tensor as nested brackets of [`fmt_num`] values (`[[1, 2], [3, 4]]`).
pub fn fmt_tensor<T: Scalar>(t: &Tensor<T>) -> String {
    fn nest(data: &[f64], dims: &[usize]) -> String {
        match dims {
            [] => fmt_num(data[0]),
            [_] => format!(
                "[{}]",
                data.iter()
                    .map(|&x| fmt_num(x))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            [n, rest @ ..] => {
                let size = data.len() / n.max(&1);
                let parts: Vec<String> = (0..*n)
                    .map(|i| nest(&data[i * size..(i + 1) * size], rest))
                    .collect();
                format!("[{}]", parts.join(", "))
            }
        }
    }
    let data: Vec<f64> = t.data().iter().map(|x| x.to_f64_lossy()).collect();
    nest(&data, t.dims())
}
