//! `tapegrad grad --json` against gradients known in closed form, computed
//! independently here, or by finite differences through the binary itself.

use std::process::Command;

use serde_json::Value;

/// A tensor as the JSON output gives it.
#[derive(Debug, PartialEq)]
struct T {
    shape: Vec<usize>,
    data: Vec<f64>,
}

fn tensor(v: &Value) -> T {
    let obj = v.as_object().expect("a tensor is an object");
    assert_eq!(obj.len(), 2, "a tensor has exactly `shape` and `data`: {v}");
    let shape = obj["shape"].as_array().unwrap();
    let data = obj["data"].as_array().unwrap();
    T {
        shape: shape.iter().map(|d| d.as_u64().unwrap() as usize).collect(),
        data: data.iter().map(|x| x.as_f64().unwrap()).collect(),
    }
}

fn t(shape: &[usize], data: &[f64]) -> T {
    T {
        shape: shape.to_vec(),
        data: data.to_vec(),
    }
}

/// Runs `tapegrad grad EXPR --at .. --json`; returns the value and the
/// gradients in output order.
fn grad(expr: &str, at: &[&str]) -> (T, Vec<(String, T)>) {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_tapegrad"));
    cmd.args(["grad", expr, "--json"]);
    for a in at {
        cmd.args(["--at", a]);
    }
    let out = cmd.output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{expr}: {stderr}");
    let stdout = String::from_utf8(out.stdout).unwrap();
    // Exactly one JSON object, and nothing else.
    let json: Value = serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("{e}: {stdout}"));
    let obj = json.as_object().unwrap();
    let keys: Vec<&String> = obj.keys().collect();
    assert_eq!(keys, ["value", "grads"]);
    let grads = obj["grads"]
        .as_object()
        .unwrap()
        .iter()
        .map(|(k, v)| (k.clone(), tensor(v)))
        .collect();
    (tensor(&obj["value"]), grads)
}

fn grads_of(expr: &str, at: &[&str]) -> Vec<T> {
    grad(expr, at).1.into_iter().map(|(_, g)| g).collect()
}

fn assert_close(a: &[f64], b: &[f64], tol: f64) {
    assert_eq!(a.len(), b.len(), "{a:?} vs {b:?}");
    for (x, y) in a.iter().zip(b) {
        assert!((x - y).abs() <= tol * (1.0 + y.abs()), "{a:?} vs {b:?}");
    }
}

#[test]
fn square_sum_has_gradient_two_x() {
    // d/dx sum(x * x) = 2x
    let (value, grads) = grad("sum(x * x)", &["x=[1,2,3]"]);
    assert_eq!(value, t(&[], &[14.0]));
    assert_eq!(grads.len(), 1);
    assert_eq!(grads[0].0, "x");
    assert_eq!(grads[0].1, t(&[3], &[2.0, 4.0, 6.0]));
}

#[test]
fn broadcast_bias_receives_column_counts() {
    // m: [2, 3], b: [3] added to every row. d sum(m + b)/db_j = number of rows.
    let g = grads_of("sum(m + b)", &["m=[[1,2,3],[4,5,6]]", "b=[10,20,30]"]);
    assert_eq!(g[0], t(&[2, 3], &[1.0; 6]));
    assert_eq!(g[1], t(&[3], &[2.0, 2.0, 2.0]));
}

#[test]
fn broadcast_product_sums_over_the_broadcast_axes() {
    // d sum(m * b)/dm = b on every row; d/db = column sums of m.
    let g = grads_of("sum(m * b)", &["m=[[1,2,3],[4,5,6]],b=[10,20,30]"]);
    assert_eq!(g[0], t(&[2, 3], &[10.0, 20.0, 30.0, 10.0, 20.0, 30.0]));
    assert_eq!(g[1], t(&[3], &[5.0, 7.0, 9.0]));
    // A column [2, 1] broadcast along the rows receives the row sums.
    let g = grads_of("sum(m * c)", &["m=[[1,2,3],[4,5,6]]", "c=[[1],[2]]"]);
    assert_eq!(g[1], t(&[2, 1], &[6.0, 15.0]));
    // A scalar variable broadcast everywhere receives the total.
    let g = grads_of("sum(s * m)", &["m=[[1,2,3],[4,5,6]]", "s=2"]);
    assert_eq!(g[1], t(&[], &[21.0]));
}

#[test]
fn matmul_gradients_are_row_and_column_sums() {
    // C = A @ B, L = sum(C): dL/dA[i,k] = sum_j B[k,j] (row sums of B),
    // dL/dB[k,j] = sum_i A[i,k] (column sums of A).
    let (value, grads) = grad(
        "sum(a @ b)",
        &["a=[[1,2,3],[4,5,6]]", "b=[[1,2],[3,4],[5,6]]"],
    );
    // a @ b = [[22, 28], [49, 64]]
    assert_eq!(value, t(&[], &[163.0]));
    assert_eq!(grads[0].1, t(&[2, 3], &[3.0, 7.0, 11.0, 3.0, 7.0, 11.0]));
    assert_eq!(grads[1].1, t(&[3, 2], &[5.0, 5.0, 7.0, 7.0, 9.0, 9.0]));
}

#[test]
fn a_non_scalar_result_is_summed_before_backward() {
    let (value, grads) = grad("a @ b", &["a=[[1,2],[3,4]]", "b=[[5],[6]]"]);
    assert_eq!(value, t(&[2, 1], &[17.0, 39.0]));
    assert_eq!(grads[0].1, t(&[2, 2], &[5.0, 6.0, 5.0, 6.0]));
    assert_eq!(grads[1].1, t(&[2, 1], &[4.0, 6.0]));
}

#[test]
fn python_precedence_for_powers_and_minus() {
    // -x^2 = -(x^2): value -9, derivative -2x = -6.
    let (value, grads) = grad("-x^2", &["x=3"]);
    assert_eq!((value.data[0], grads[0].1.data[0]), (-9.0, -6.0));
    // 2^-1 * x = x / 2.
    let (value, grads) = grad("2^-1 * x", &["x=3"]);
    assert_eq!((value.data[0], grads[0].1.data[0]), (1.5, 0.5));
    // x^2^3 = x^8: 256 at 2, derivative 8 x^7 = 1024.
    let (value, grads) = grad("x^2^3", &["x=2"]);
    assert_eq!((value.data[0], grads[0].1.data[0]), (256.0, 1024.0));
    // x ** 0.5 (powf): derivative 0.5 / sqrt(x).
    let (value, grads) = grad("x ** 0.5", &["x=4"]);
    assert_eq!((value.data[0], grads[0].1.data[0]), (2.0, 0.25));
    // a - b - c is (a - b) - c; a / b / c is (a / b) / c.
    let (value, _) = grad("a - b - c + a / b / c", &["a=8,b=2,c=4"]);
    assert_eq!(value.data[0], 2.0 + 1.0);
}

#[test]
fn the_smallest_neuron() {
    // y = sigmoid(w x + b) at w = 0.5, x = 2, b = -1: z = 0, s = 0.5, s' = 0.25.
    let g = grads_of("sigmoid(w * x + b)", &["w=0.5,x=2,b=-1"]);
    assert_eq!(g[0].data, [0.25 * 2.0]);
    assert_eq!(g[1].data, [0.25 * 0.5]);
    assert_eq!(g[2].data, [0.25]);
}

#[test]
fn elementwise_functions_have_their_textbook_derivatives() {
    let x = 0.7_f64;
    let at = format!("x={x}");
    let cases: [(&str, f64, f64); 7] = [
        ("exp(x)", x.exp(), x.exp()),
        ("ln(x)", x.ln(), 1.0 / x),
        ("sqrt(x)", x.sqrt(), 0.5 / x.sqrt()),
        ("tanh(x)", x.tanh(), 1.0 - x.tanh().powi(2)),
        ("abs(-x)", x, 1.0),
        ("relu(x - 1)", 0.0, 0.0),
        ("sigmoid(x)", 1.0 / (1.0 + (-x).exp()), {
            let s = 1.0 / (1.0 + (-x).exp());
            s * (1.0 - s)
        }),
    ];
    for (expr, value, derivative) in cases {
        let (v, g) = grad(expr, &[&at]);
        assert_close(&v.data, &[value], 1e-15);
        assert_close(&g[0].1.data, &[derivative], 1e-15);
    }
}

#[test]
fn reductions_route_gradients_to_the_right_elements() {
    let m = "m=[[1,5,2],[7,0,3]]";
    let (v, g) = grad("max(m)", &[m]);
    assert_eq!(v, t(&[], &[7.0]));
    assert_eq!(g[0].1.data, [0.0, 0.0, 0.0, 1.0, 0.0, 0.0]);
    let (v, g) = grad("max(m, 1)", &[m]);
    assert_eq!(v, t(&[2], &[5.0, 7.0]));
    assert_eq!(g[0].1.data, [0.0, 1.0, 0.0, 1.0, 0.0, 0.0]);
    let (v, g) = grad("mean(m, 0)", &[m]);
    assert_eq!(v, t(&[3], &[4.0, 2.5, 2.5]));
    assert_eq!(g[0].1.data, [0.5; 6]);
    // L = sum_i rowsum_i * mean = total^2 / 6, so dL/dm = total / 3 = 6 everywhere.
    let (v, g) = grad("sum(m, -1) * mean(m)", &[m]);
    assert_eq!(v, t(&[2], &[24.0, 30.0]));
    assert_eq!(g[0].1.data, [6.0; 6]);
}

#[test]
fn transpose_sends_the_message_back_transposed() {
    // sum(transpose(a) * c) with c of shape [3, 2]: d/da = transpose(c).
    let g = grads_of(
        "sum(transpose(a) * c)",
        &["a=[[1,2,3],[4,5,6]]", "c=[[1,2],[3,4],[5,6]]"],
    );
    assert_eq!(g[0], t(&[2, 3], &[1.0, 3.0, 5.0, 2.0, 4.0, 6.0]));
    assert_eq!(g[1], t(&[3, 2], &[1.0, 4.0, 2.0, 5.0, 3.0, 6.0]));
}

#[test]
fn unused_variables_get_zero_gradients_in_the_order_given() {
    let (_, grads) = grad("x * 2", &["y=[1,2]", "x=3"]);
    let names: Vec<&str> = grads.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(names, ["y", "x"]);
    assert_eq!(grads[0].1, t(&[2], &[0.0, 0.0]));
    assert_eq!(grads[1].1, t(&[], &[2.0]));
}

fn sigmoid(z: f64) -> f64 {
    1.0 / (1.0 + (-z).exp())
}

#[test]
fn the_seed_articles_3_2_1_network() {
    // The project's reading of the article: x [1, 3], W1 [3, 2] with both
    // columns [1, 2, 3], b1 [2], W2 [2, 1], b2 [1], y [1, 1]; MSE loss.
    let expr = "mean((sigmoid(sigmoid(x @ W1 + b1) @ W2 + b2) - y)^2)";
    let at = [
        "x=[[1,2,3]]",
        "W1=[[1,1],[2,2],[3,3]]",
        "b1=[1,2]",
        "W2=[[4],[5]]",
        "b2=[6]",
        "y=[[0.5]]",
    ];
    let (value, grads) = grad(expr, &at);
    // The same computation by hand, with the chain rule written out.
    // x @ W1 = 1*1 + 2*2 + 3*3 = 14 for both hidden neurons; + b1 gives [15, 16].
    let a1 = [sigmoid(14.0 + 1.0), sigmoid(14.0 + 2.0)];
    let a2 = sigmoid(a1[0] * 4.0 + a1[1] * 5.0 + 6.0);
    let dz2 = 2.0 * (a2 - 0.5) * a2 * (1.0 - a2);
    let dz1 = [
        dz2 * 4.0 * a1[0] * (1.0 - a1[0]),
        dz2 * 5.0 * a1[1] * (1.0 - a1[1]),
    ];
    let tol = 1e-14;
    assert_close(&value.data, &[(a2 - 0.5).powi(2)], tol);
    let by_name = |n: &str| &grads.iter().find(|(k, _)| k == n).unwrap().1;
    let dw1: Vec<f64> = [1.0, 2.0, 3.0]
        .iter()
        .flat_map(|xi| [xi * dz1[0], xi * dz1[1]])
        .collect();
    assert_close(&by_name("W1").data, &dw1, tol);
    assert_close(&by_name("b1").data, &dz1, tol);
    assert_close(&by_name("W2").data, &[a1[0] * dz2, a1[1] * dz2], tol);
    assert_close(&by_name("b2").data, &[dz2], tol);
    let dx: Vec<f64> = [1.0, 2.0, 3.0]
        .iter()
        .map(|w| w * (dz1[0] + dz1[1]))
        .collect();
    assert_close(&by_name("x").data, &dx, tol);
    assert_close(&by_name("y").data, &[-2.0 * (a2 - 0.5)], tol);
    assert_eq!(by_name("W1").shape, [3, 2]);
    assert_eq!(by_name("b2").shape, [1]);
}

/// Formats a flat vector as a nested list of the given 2-d shape.
fn nested(data: &[f64], cols: usize) -> String {
    let rows: Vec<String> = data
        .chunks(cols)
        .map(|r| {
            let items: Vec<String> = r.iter().map(|x| format!("{x:e}")).collect();
            format!("[{}]", items.join(","))
        })
        .collect();
    format!("[{}]", rows.join(","))
}

#[test]
fn gradients_match_central_differences_through_the_binary() {
    // Every op family at once: matmul, broadcasting, unary functions,
    // reductions with an axis, power and division.
    let expr = "sum(tanh(a @ b + c) * exp(-abs(a @ b)) @ d, 0) / (1 + mean(c^2))";
    let a = [0.3, -0.2, 0.5, 0.1];
    let b = [0.7, -0.4, 0.2, 0.9];
    let c = [0.1, -0.3];
    let d = "d=[[1.5],[-0.5]]";
    let (value, grads) = grad(
        expr,
        &[
            &format!("a={}", nested(&a, 2)),
            &format!("b={}", nested(&b, 2)),
            &format!("c=[{:e},{:e}]", c[0], c[1]),
            d,
        ],
    );
    assert_eq!(value.shape, [1]);
    let h = 1e-6;
    for i in 0..a.len() {
        let mut plus = a;
        let mut minus = a;
        plus[i] += h;
        minus[i] -= h;
        let f = |m: &[f64]| {
            let at = [
                format!("a={}", nested(m, 2)),
                format!("b={}", nested(&b, 2)),
                format!("c=[{:e},{:e}]", c[0], c[1]),
                d.to_string(),
            ];
            let at: Vec<&str> = at.iter().map(String::as_str).collect();
            grad(expr, &at).0.data[0]
        };
        let numeric = (f(&plus) - f(&minus)) / (2.0 * h);
        let analytic = grads[0].1.data[i];
        assert!(
            (numeric - analytic).abs() < 1e-8,
            "a[{i}]: {numeric} vs {analytic}"
        );
    }
}

#[test]
fn text_output_shows_value_and_gradients() {
    let out = Command::new(env!("CARGO_BIN_EXE_tapegrad"))
        .args([
            "grad",
            "m * b",
            "--at",
            "m=[[1,2],[3,4]]",
            "--at",
            "b=[10,20]",
        ])
        .output()
        .unwrap();
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains("value       [[10, 40], [30, 80]]  (shape [2, 2])"),
        "{text}"
    );
    assert!(text.contains("summed before backward"), "{text}");
    assert!(
        text.contains("d/dm = [[10, 20], [10, 20]]  (shape [2, 2])"),
        "{text}"
    );
    assert!(text.contains("d/db = [4, 6]  (shape [2])"), "{text}");
}
