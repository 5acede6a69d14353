//! The scalar fast path: 0-d values of elementwise ops are recorded as
//! compact records and differentiated on plain numbers. These tests pin it
//! to the tensor path, which one-element tensors of shape `[1]` still take:
//! the same values, the same gradients bit for bit, the same observer
//! messages, plus mixed graphs of 0-d and n-d nodes checked by finite
//! differences, and the introspection (names, inputs, locations, labels)
//! that traces rely on.

use tape::check::gradcheck;
use tape::{Message, NodeId, Observer, Tape, Tensor, Var};

/// A value of the scalar path (`[]`) or of the tensor path (`[1]`).
fn leaf(x: f64, tensor_path: bool) -> Tensor<f64> {
    if tensor_path {
        Tensor::from_vec(vec![x], [1])
    } else {
        Tensor::scalar(x)
    }
}

/// Every op with a scalar form, applied to `x` (and `y` for the binary ones).
fn every_op<'t>(x: Var<'t, f64>, y: Var<'t, f64>) -> Vec<Var<'t, f64>> {
    vec![
        x + y,
        x - y,
        x * y,
        x / y,
        -x,
        x + 1.5,
        x - 1.5,
        x * 2.5,
        x / 4.0,
        3.0 - x,
        3.0 / x,
        x.exp(),
        x.ln(),
        x.sqrt(),
        x.powf(1.7),
        x.powi(3),
        x.powi(-2),
        x.square(),
        (x - 1.0).abs(),
        (x - 1.0).sigmoid(),
        (x - 1.0).relu(),
        (1.0 - x).relu(),
        x.tanh(),
        (x - 1.0).sign(),
        (x - 1.0).step(),
    ]
}

/// Runs every op on `x`, `y` and returns, per op, its value and the
/// gradients of `x` and `y` (as plain numbers).
fn values_and_grads(x: f64, y: f64, tensor_path: bool) -> Vec<(f64, f64, f64)> {
    let tape = Tape::new();
    let vx = tape.var(leaf(x, tensor_path));
    let vy = tape.var(leaf(y, tensor_path));
    every_op(vx, vy)
        .into_iter()
        .map(|out| {
            let g = out.backward_with(Tensor::ones(out.shape()));
            (out.value().data()[0], g[vx].data()[0], g[vy].data()[0])
        })
        .collect()
}

#[test]
fn scalar_path_matches_the_tensor_path_bit_for_bit() {
    for &(x, y) in &[(1.3, 0.7), (0.4, -2.0), (2.0, 1e-3)] {
        let scalar = values_and_grads(x, y, false);
        let tensor = values_and_grads(x, y, true);
        for (i, (s, t)) in scalar.iter().zip(&tensor).enumerate() {
            let bits = |v: &(f64, f64, f64)| (v.0.to_bits(), v.1.to_bits(), v.2.to_bits());
            assert_eq!(
                bits(s),
                bits(t),
                "op #{i} at x = {x}, y = {y}: scalar path {s:?}, tensor path {t:?}"
            );
        }
    }
}

#[test]
fn scalar_path_gives_the_known_derivatives() {
    // y = tanh(a * x + b): dy/da = x (1 - y^2), dy/dx = a (1 - y^2), dy/db = 1 - y^2.
    let tape = Tape::new();
    let (a, x, b) = (tape.var(0.8_f64), tape.var(-1.5), tape.var(0.25));
    let y = (a * x + b).tanh();
    let t = (0.8_f64 * -1.5 + 0.25).tanh();
    let d = 1.0 - t * t;
    let g = y.backward();
    assert_eq!(y.item(), t);
    assert!((g[a].item() - -1.5 * d).abs() < 1e-15);
    assert!((g[x].item() - 0.8 * d).abs() < 1e-15);
    assert!((g[b].item() - d).abs() < 1e-15);
    assert_eq!(g[a].rank(), 0);

    // z = x / y + sqrt(x) * exp(-y) + x^3: checked by finite differences.
    gradcheck(
        |v| v[0] / v[1] + v[0].sqrt() * (-v[1]).exp() + v[0].powi(3),
        &[Tensor::scalar(1.7), Tensor::scalar(0.6)],
    )
    .assert_ok();
}

#[test]
fn the_benchmark_chain_matches_a_hand_written_reverse_pass() {
    // v = x; v = v + a; v = v * b; v = tanh(v); ... as in the benches.
    let (x0, a0, b0) = (0.3_f64, 0.5, 0.9);
    let n = 300;
    let tape = Tape::new();
    let (x, a, b) = (tape.var(x0), tape.var(a0), tape.var(b0));
    let mut v = x;
    for i in 0..n {
        v = match i % 3 {
            0 => v + a,
            1 => v * b,
            _ => v.tanh(),
        };
    }
    let g = v.backward();

    // The same chain by hand: forward keeps each input, backward walks back.
    let mut vals = vec![x0];
    for i in 0..n {
        let u = vals[i];
        vals.push(match i % 3 {
            0 => u + a0,
            1 => u * b0,
            _ => u.tanh(),
        });
    }
    let (mut gv, mut ga, mut gb) = (1.0_f64, 0.0, 0.0);
    for i in (0..n).rev() {
        match i % 3 {
            0 => ga += gv,
            1 => {
                gb += gv * vals[i];
                gv *= b0;
            }
            _ => gv *= 1.0 - vals[i + 1] * vals[i + 1],
        }
    }
    assert_eq!(v.item(), vals[n]);
    assert!((g[a].item() - ga).abs() <= 1e-14 * ga.abs());
    assert!((g[b].item() - gb).abs() <= 1e-14 * gb.abs());
    assert!((g[x].item() - gv).abs() <= 1e-300 + 1e-14 * gv.abs());
}

#[test]
fn zero_d_values_broadcast_against_tensors() {
    // s * v + s where s is 0-d and v has shape [3]: d/ds = sum(v) + 3.
    let tape = Tape::new();
    let s = tape.var(2.0_f64);
    let v = tape.var([1.0, -2.0, 4.0]);
    let y = (s * v + s).sum();
    let g = y.backward();
    assert_eq!(y.item(), 2.0 * 3.0 + 3.0 * 2.0);
    assert_eq!(g[s].item(), 3.0 + 3.0);
    assert_eq!(g[s].rank(), 0);
    assert_eq!(g[v].data(), &[2.0, 2.0, 2.0]);

    // A matrix broadcast against a 0-d value on either side.
    let m = Tensor::from([[1.0, 2.0], [3.0, -1.0]]);
    gradcheck(
        |x| ((x[0] - x[1]) / (x[1] + x[0].tanh())).sum(),
        &[m, Tensor::scalar(5.0)],
    )
    .assert_ok();
}

/// Reductions make 0-d values on the general path; scalar ops then use
/// them, and their results flow back into tensor ops.
fn mixed<'t>(x: &[Var<'t, f64>]) -> Var<'t, f64> {
    let (w, s) = (x[0], x[1]);
    let mean = w.mean(); // 0-d, general op
    let t = (mean * s + 1.0).tanh(); // scalar path on top of it
    let u = (w * t).sum_axis(0, false).sum(); // 0-d back into tensor ops
    let r = (t.exp() - s).square(); // fan-out of t
    u + r * mean
}

#[test]
fn mixed_graphs_of_scalar_and_tensor_nodes() {
    let w = Tensor::from([[0.5, -1.0, 2.0], [1.5, 0.25, -0.75]]);
    gradcheck(mixed, &[w, Tensor::scalar(0.7)]).assert_ok();

    // The same graph with the 0-d input given as shape [1] (tensor path
    // for every op that touches it) gives the same gradient.
    let grads = |s: Tensor<f64>| {
        let tape = Tape::new();
        let w = tape.var(Tensor::from([[0.5, -1.0, 2.0], [1.5, 0.25, -0.75]]));
        let s = tape.var(s);
        let out = mixed(&[w, s]).sum();
        let g = out.backward();
        (g[w].data().to_vec(), g[s].data()[0])
    };
    let (gw0, gs0) = grads(Tensor::scalar(0.7));
    let (gw1, gs1) = grads(Tensor::from_vec(vec![0.7], [1]));
    for (a, b) in gw0.iter().zip(&gw1) {
        assert!((a - b).abs() < 1e-14, "{gw0:?} vs {gw1:?}");
    }
    assert!((gs0 - gs1).abs() < 1e-14, "{gs0} vs {gs1}");
}

#[test]
fn retained_constant_and_unused_scalar_nodes() {
    let tape = Tape::new();
    let x = tape.var(3.0_f64);
    let c = tape.constant(2.0);
    let unused = tape.var(9.0);
    let h = (x * c).retain_grad(); // scalar-coded intermediate
    let dead = (x * 10.0).retain_grad(); // does not reach y
    let frozen = tape.no_grad(|| x * x); // a constant
    let y = (h + frozen).tanh();
    let later = tape.var(1.0);
    let g = y.backward();
    let d = 1.0 - y.item() * y.item();
    assert_eq!(g[h].item(), d);
    assert_eq!(g[x].item(), 2.0 * d);
    assert_eq!(g[dead].item(), 0.0);
    assert_eq!(g[unused].item(), 0.0);
    assert!(g.get(c).is_none());
    assert!(g.get(frozen).is_none());
    assert!(g.get(later).is_none());
    assert_eq!(tape.op_name_of(frozen.id()), "constant");
    assert!(tape.inputs_of(frozen.id()).is_empty());
    let ids: Vec<NodeId> = g.iter().map(|(id, _)| id).collect();
    assert_eq!(ids, vec![x.id(), unused.id(), h.id(), dead.id()]);
}

/// Records every message as plain numbers.
#[derive(Default)]
struct Log {
    events: Vec<String>,
}

impl Observer<f64> for Log {
    fn seed(&mut self, root: NodeId, seed: &Tensor<f64>) {
        self.events.push(format!("seed {root} {:?}", seed.data()));
    }
    fn node_done(&mut self, node: NodeId, grad: &Tensor<f64>) {
        self.events.push(format!("done {node} {:?}", grad.data()));
    }
    fn message(&mut self, m: &Message<'_, f64>) {
        self.events.push(format!(
            "msg {}->{} #{} {} {:?} {:?}",
            m.from,
            m.to,
            m.input,
            m.op,
            m.value.data(),
            m.total.data()
        ));
    }
}

#[test]
fn observers_see_the_same_messages_on_both_paths() {
    let run = |tensor_path: bool| {
        let tape = Tape::new();
        let x = tape.var(leaf(0.6, tensor_path));
        let y = tape.var(leaf(-1.1, tensor_path));
        let h = x * y + x.sigmoid();
        let z = (h / y).tanh() * h - 2.0 / x + y.powi(2);
        let mut log = Log::default();
        let seed = Tensor::ones(z.shape());
        let g = z.backward_with_observed(seed, &mut log);
        (log.events, g[x].data()[0], g[y].data()[0])
    };
    let scalar = run(false);
    let tensor = run(true);
    assert!(scalar.0.len() > 15, "{:?}", scalar.0);
    assert_eq!(scalar, tensor);
}

#[test]
fn scalar_nodes_keep_their_names_inputs_locations_and_labels() {
    let tape = Tape::new();
    let x = tape.var(1.0_f64).label("x");
    let line = line!() + 1;
    let y = (x * 3.0).label("y");
    let z = y.tanh() + x;
    assert_eq!(tape.op_name_of(y.id()), "mul_scalar");
    assert_eq!(tape.op_name_of(z.id()), "add");
    assert_eq!(tape.inputs_of(y.id()), vec![x.id()]);
    let inputs = tape.inputs_of(z.id());
    assert_eq!(inputs.len(), 2);
    assert_eq!(inputs[0].index(), y.id().index() + 1); // the tanh node
    assert_eq!(inputs[1], x.id());
    assert_eq!(tape.op_name_of(inputs[0]), "tanh");
    assert_eq!(tape.location_of(y.id()).line(), line);
    assert_eq!(tape.location_of(y.id()).file(), file!());
    assert_eq!(tape.label_of(y.id()).as_deref(), Some("y"));
    assert_eq!(tape.value_of(y.id()), Tensor::scalar(3.0));
    assert_eq!(y.shape().rank(), 0);
    assert!(format!("{y:?}").contains("mul_scalar"));
}

#[test]
fn anomaly_mode_checks_scalar_messages() {
    // sqrt(0) = 0 is finite, but its derivative 1 / (2 sqrt 0) is not.
    let tape = Tape::new();
    tape.set_anomaly_mode(true);
    let x = tape.var(0.0_f64).label("x");
    let y = x.sqrt().label("r");
    let report = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| y.backward()))
        .err()
        .and_then(|e| e.downcast_ref::<String>().cloned())
        .expect("the infinite message should be reported");
    assert!(report.contains("sqrt"), "{report}");
    assert!(report.contains('x'), "{report}");
}
