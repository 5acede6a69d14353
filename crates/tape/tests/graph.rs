//! The backward pass over whole graphs: fan-out, unused branches, depth,
//! repetition, no-grad regions, retained gradients, custom ops, and the
//! guards against using handles with the wrong tape.

use tape::{CustomOp, Gradients, Message, Observer, Tape, Tensor, Var};

#[test]
fn shared_subexpression_sums_both_messages() {
    // a = 1; b = a + a; c = b + b. Each use sends its own message and the
    // receiver adds them: dc/db = 2, dc/da = 4 (the classic bug gives 1 or 2).
    let tape = Tape::new();
    let a = tape.var(1.0_f64);
    let b = (a + a).retain_grad();
    let c = b + b;
    let g = c.backward();
    assert_eq!(g[a].item(), 4.0);
    assert_eq!(g[b].item(), 2.0);
    assert_eq!(c.item(), 4.0);
}

#[test]
fn node_used_by_two_different_ops() {
    // y = x * x + sin-free polynomial: y = x*x + 3x, dy/dx = 2x + 3.
    let tape = Tape::new();
    let x = tape.var(5.0_f32);
    let y = x * x + x * 3.0;
    assert_eq!(y.backward()[x].item(), 13.0);
}

#[test]
fn unused_branch_gets_no_messages_and_unreached_variables_get_zero() {
    let tape = Tape::new();
    let x = tape.var(2.0_f64);
    let unused_var = tape.var([1.0, 2.0]);
    let dead = (x * 10.0).exp().retain_grad(); // computed but not used by y
    let y = x * x;
    let after = y * 2.0; // recorded after y: not part of y's graph
    let g = y.backward();
    assert_eq!(g[x].item(), 4.0);
    assert_eq!(g[unused_var].data(), &[0.0, 0.0]);
    assert_eq!(g[dead].item(), 0.0);
    assert!(g.get(after).is_none());
}

#[test]
fn backward_twice_gives_the_same_gradients() {
    let tape = Tape::new();
    let w = tape.var([[0.5, -1.0], [2.0, 0.25]]);
    let x = tape.constant([[1.0, 2.0], [3.0, 4.0]]);
    let loss = x.matmul(w).tanh().square().mean();
    let first = loss.backward();
    let second = loss.backward();
    assert_eq!(first[w], second[w]);
    assert!(first[w].data().iter().all(|g| *g != 0.0));
}

#[test]
fn intermediate_gradients_only_when_retained() {
    let tape = Tape::new();
    let x = tape.var(3.0_f64);
    let h = x * 2.0; // not retained
    let k = (h + 1.0).retain_grad();
    let y = k * k;
    let g = y.backward();
    assert!(
        g.get(h).is_none(),
        "an unretained intermediate gradient is freed"
    );
    assert_eq!(g[k].item(), 14.0); // dy/dk = 2k = 14
    assert_eq!(g[x].item(), 28.0); // dy/dx = 2k * 2
}

#[test]
#[should_panic(expected = "not marked with retain_grad")]
fn indexing_a_freed_gradient_says_why() {
    let tape = Tape::new();
    let x = tape.var(3.0_f64);
    let h = x * 2.0;
    let g = (h * h).backward();
    let _ = &g[h];
}

#[test]
fn constants_and_detach_send_no_messages() {
    let tape = Tape::new();
    let x = tape.var(3.0_f64);
    let c = tape.constant(4.0);
    let y = x * c + x.detach() * x; // d/dx = c + x (the detached x is a constant)
    let g = y.backward();
    assert_eq!(g[x].item(), 7.0);
    assert!(g.get(c).is_none());
    assert!(!c.requires_grad());
}

#[test]
fn no_grad_region_records_values_without_edges() {
    let tape = Tape::new();
    let x = tape.var(3.0_f64);
    let nodes_before = tape.len();
    let (y, inner_var) = tape.no_grad(|| {
        let v = tape.var(1.0); // even variables are constants here
        (x * x + v, v)
    });
    assert_eq!(tape.len(), nodes_before + 3);
    assert!(!y.requires_grad());
    assert!(!inner_var.requires_grad());
    assert!(!tape.is_no_grad(), "recording resumes after the region");
    let z = x * y; // y = 10 is a constant
    assert_eq!(z.backward()[x].item(), 10.0);
    assert!(tape.inputs_of(y.id()).is_empty());
}

#[test]
fn no_grad_recovers_after_a_panic() {
    let tape = Tape::<f64>::new();
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        tape.no_grad(|| panic!("boom"));
    }));
    assert!(result.is_err());
    assert!(!tape.is_no_grad());
}

#[test]
fn a_million_node_chain_needs_no_recursion() {
    // Alternating add, mul, tanh, like the scalar-chain benchmark. The
    // derivative is checked against a plain forward-mode loop.
    const N: usize = 1_000_000;
    let tape = Tape::with_capacity(N + 1);
    let x0 = 0.3_f64;
    let x = tape.var(x0);
    let mut y = x;
    let (mut value, mut deriv) = (x0, 1.0_f64);
    for i in 0..N {
        match i % 3 {
            0 => {
                y = y + 0.1;
                value += 0.1;
            }
            1 => {
                y = y * 1.01;
                value *= 1.01;
                deriv *= 1.01;
            }
            _ => {
                y = y.tanh();
                value = value.tanh();
                deriv *= 1.0 - value * value;
            }
        }
    }
    assert_eq!(tape.len(), N + 1);
    assert_eq!(y.item(), value);
    let g = y.backward();
    let got = g[x].item();
    assert!(
        (got - deriv).abs() <= 1e-12 * deriv.abs(),
        "{got} vs {deriv}"
    );
    drop(g);
    drop(tape); // dropping a long tape is iterative too
}

#[test]
fn reset_reuses_memory_and_old_gradients_are_rejected() {
    let mut tape = Tape::new();
    let old: Gradients<f64> = {
        let x = tape.var(2.0);
        (x * x).backward()
    };
    let cap = tape.capacity();
    assert!(cap >= 2);
    tape.reset();
    assert!(tape.is_empty());
    assert_eq!(tape.capacity(), cap, "reset keeps the node buffer");
    let x = tape.var(5.0);
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| old.get(x).cloned()));
    let payload = result.unwrap_err();
    let msg = payload
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap();
    assert!(msg.contains("before the tape was reset"), "{msg}");
}

#[test]
#[should_panic(expected = "recorded on a different tape")]
fn mixing_tapes_is_a_clear_error() {
    let t1 = Tape::new();
    let t2 = Tape::new();
    let a = t1.var(1.0_f64);
    let b = t2.var(2.0_f64);
    let _ = a + b;
}

#[test]
#[should_panic(expected = "belongs to a different tape")]
fn gradients_reject_handles_of_another_tape() {
    let t1 = Tape::new();
    let t2 = Tape::new();
    let a = t1.var(1.0_f64);
    let b = t2.var(2.0_f64);
    let g = (a * a).backward();
    let _ = g.get(b);
}

#[test]
#[should_panic(expected = "needs a one-element output")]
fn backward_of_a_non_scalar_says_what_to_do() {
    let tape = Tape::new();
    let x = tape.var([1.0_f64, 2.0]);
    let _ = (x * x).backward();
}

#[test]
fn backward_with_a_seed_is_a_vector_jacobian_product() {
    // y = x * x elementwise; vᵀ J = v * 2x.
    let tape = Tape::new();
    let x = tape.var([1.0_f64, 2.0, 3.0]);
    let y = x * x;
    let g = y.backward_with(Tensor::from([1.0, 0.5, -1.0]));
    assert_eq!(g[x].data(), &[2.0, 2.0, -6.0]);
}

/// A user-defined op: cube(x) = x^3 with VJP 3x^2 g.
struct Cube;

impl CustomOp<f64> for Cube {
    fn name(&self) -> &str {
        "cube"
    }
    fn forward(&self, inputs: &[&Tensor<f64>]) -> Tensor<f64> {
        inputs[0].map(|x| x * x * x)
    }
    fn vjp(
        &self,
        x: &[&Tensor<f64>],
        _out: &Tensor<f64>,
        g: &Tensor<f64>,
        _wrt: usize,
    ) -> Tensor<f64> {
        g.mul(&x[0].map(|x| 3.0 * x * x))
    }
}

/// A two-input custom op: hypot(a, b) = sqrt(a^2 + b^2).
struct Hypot;

impl CustomOp<f64> for Hypot {
    fn name(&self) -> &str {
        "hypot"
    }
    fn forward(&self, x: &[&Tensor<f64>]) -> Tensor<f64> {
        x[0].zip_map(x[1], "hypot", f64::hypot)
    }
    fn vjp(
        &self,
        x: &[&Tensor<f64>],
        out: &Tensor<f64>,
        g: &Tensor<f64>,
        wrt: usize,
    ) -> Tensor<f64> {
        g.mul(&x[wrt].div(out))
    }
}

#[test]
fn custom_ops_record_and_backpropagate_like_builtins() {
    let tape = Tape::new();
    let x = tape.var([1.0, -2.0]);
    let a = tape.var(3.0);
    let b = tape.var(4.0);
    let y = tape.custom(Cube, &[x]).sum() + tape.custom(Hypot, &[a, b]) * 2.0;
    assert_eq!(y.item(), 1.0 - 8.0 + 10.0);
    let g = y.backward();
    assert_eq!(g[x].data(), &[3.0, 12.0]);
    assert_eq!(g[a].item(), 2.0 * 3.0 / 5.0);
    assert_eq!(g[b].item(), 2.0 * 4.0 / 5.0);
    assert_eq!(tape.op_name_of(y.id()), "add");
}

/// A broken custom op whose VJP returns the wrong shape.
struct BadShape;

impl CustomOp<f64> for BadShape {
    fn name(&self) -> &str {
        "bad_shape"
    }
    fn forward(&self, x: &[&Tensor<f64>]) -> Tensor<f64> {
        x[0].clone()
    }
    fn vjp(
        &self,
        _x: &[&Tensor<f64>],
        _o: &Tensor<f64>,
        g: &Tensor<f64>,
        _w: usize,
    ) -> Tensor<f64> {
        g.sum_all()
    }
}

#[test]
#[should_panic(expected = "op `bad_shape` sent input 0 a message of shape []")]
fn a_custom_vjp_of_the_wrong_shape_is_named() {
    let tape = Tape::new();
    let x = tape.var([1.0, 2.0]);
    let _ = tape.custom(BadShape, &[x]).sum().backward();
}

/// Records every message, to check order and contents.
#[derive(Default)]
struct Log(Vec<(u32, u32, String, f64, f64)>);

impl Observer<f64> for Log {
    fn message(&mut self, m: &Message<'_, f64>) {
        let (from, to) = (m.from.index() as u32, m.to.index() as u32);
        self.0
            .push((from, to, m.op.to_string(), m.value.item(), m.total.item()));
    }
}

#[test]
fn observer_sees_every_message_in_order_with_running_sums() {
    // a = 1 (#0); b = a * 3 (#1); c = b + a (#2).
    // Reverse order: #2 sends 1 to b and 1 to a; #1 sends 3 to a (a: 1 + 3 = 4).
    let tape = Tape::new();
    let a = tape.var(1.0_f64);
    let b = a * 3.0;
    let c = b + a;
    let mut log = Log::default();
    let g = c.backward_observed(&mut log);
    assert_eq!(
        log.0,
        vec![
            (2, 1, "add".to_string(), 1.0, 1.0),
            (2, 0, "add".to_string(), 1.0, 1.0),
            (1, 0, "mul_scalar".to_string(), 3.0, 4.0),
        ]
    );
    assert_eq!(g[a].item(), 4.0);
}

#[test]
fn handles_know_their_labels_and_tape() {
    let tape = Tape::new();
    let w = tape.var(2.0_f32).label("w");
    let z = (w * 3.0).label("z1");
    assert_eq!(w.name().as_deref(), Some("w"));
    assert_eq!(tape.label_of(z.id()).as_deref(), Some("z1"));
    assert!(format!("{z:?}").contains("\"z1\""));
    assert!(std::ptr::eq(z.tape(), &tape));
    let _: Var<'_, f32> = z;
}

#[test]
#[should_panic(expected = "recorded after the output")]
fn indexing_a_node_recorded_after_the_output_says_so() {
    let tape = Tape::new();
    let x = tape.var(1.0_f64);
    let y = x * 2.0;
    let later = tape.var(3.0);
    let g = y.backward();
    let _ = &g[later];
}
