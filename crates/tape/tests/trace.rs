//! The observer's messages, the recorded trace, its JSON and text forms.

use tape::trace::{TensorData, TraceError};
use tape::{Message, NodeId, Observer, Tape, Tensor, Trace};

/// Writes down everything the backward pass reports, as plain numbers.
#[derive(Default)]
struct Log {
    seed: Option<(usize, f64)>,
    done: Vec<(usize, f64)>,
    messages: Vec<(usize, usize, usize, String, f64, f64)>,
}

impl Observer<f64> for Log {
    fn seed(&mut self, root: NodeId, seed: &Tensor<f64>) {
        self.seed = Some((root.index(), seed.item()));
    }
    fn node_done(&mut self, node: NodeId, grad: &Tensor<f64>) {
        self.done.push((node.index(), grad.item()));
    }
    fn message(&mut self, m: &Message<'_, f64>) {
        self.messages.push((
            m.from.index(),
            m.to.index(),
            m.input,
            m.op.to_string(),
            m.value.item(),
            m.total.item(),
        ));
    }
}

/// f = (s + x) * s², with the shared subexpression s = x * w, at x = 2, w = 3.
///
/// s = 6, a = s + x = 8, b = s² = 36, f = 288.
/// df/da = b = 36, df/db = a = 8; df/ds = 2·s·8 + 36 = 132;
/// df/dx = 36 (through a) + 132·w = 432; df/dw = 132·x = 264.
fn shared_graph(tape: &Tape<f64>) -> [tape::Var<'_, f64>; 6] {
    let x = tape.var(2.0).label("x");
    let w = tape.var(3.0).label("w");
    let s = (x * w).label("s");
    let a = (s + x).label("a");
    let b = (s * s).label("b");
    let f = (a * b).label("f");
    [x, w, s, a, b, f]
}

#[test]
fn observer_sees_every_message_in_order_with_running_sums() {
    let tape = Tape::new();
    let [x, w, s, a, b, f] = shared_graph(&tape);
    let id = |v: tape::Var<'_, f64>| v.id().index();
    let mut log = Log::default();
    let grads = f.backward_observed(&mut log);

    assert_eq!(log.seed, Some((id(f), 1.0)));
    // Nodes finish in reverse recording order, each with its full gradient.
    assert_eq!(
        log.done,
        vec![(id(f), 1.0), (id(b), 8.0), (id(a), 36.0), (id(s), 132.0)]
    );
    let m =
        |from, to, input, op: &str, value, total| (from, to, input, op.to_string(), value, total);
    assert_eq!(
        log.messages,
        vec![
            m(id(f), id(a), 0, "mul", 36.0, 36.0),   // df/da = b
            m(id(f), id(b), 1, "mul", 8.0, 8.0),     // df/db = a
            m(id(b), id(s), 0, "mul", 48.0, 48.0),   // 8 · s
            m(id(b), id(s), 1, "mul", 48.0, 96.0),   // the second argument: s's sum grows
            m(id(a), id(s), 0, "add", 36.0, 132.0),  // s's third message
            m(id(a), id(x), 1, "add", 36.0, 36.0),   // x's first message
            m(id(s), id(x), 0, "mul", 396.0, 432.0), // 132 · w, added to 36
            m(id(s), id(w), 1, "mul", 264.0, 264.0), // 132 · x
        ]
    );
    // The last running sum a leaf receives is its gradient.
    assert_eq!(grads[x].item(), 432.0);
    assert_eq!(grads[w].item(), 264.0);
}

#[test]
fn the_no_op_observer_gives_the_same_gradients() {
    let tape = Tape::new();
    let [x, w, _, _, _, f] = shared_graph(&tape);
    let plain = f.backward();
    let observed = f.backward_observed(&mut ());
    assert_eq!(plain[x], observed[x]);
    assert_eq!(plain[w], observed[w]);
}

#[test]
fn capture_records_graph_steps_messages_and_every_gradient() {
    let tape = Tape::new();
    let [x, w, s, a, b, f] = shared_graph(&tape);
    let _unrelated = tape.var(5.0).label("unused"); // recorded after f: not part of the trace
    let trace = Trace::capture(f);

    assert_eq!(trace.dtype, "f64");
    assert_eq!(trace.output, f.id().index());
    let names: Vec<String> = trace.nodes.iter().map(|n| n.name()).collect();
    assert_eq!(names, ["x", "w", "s", "a", "b", "f"]);
    let formulas: Vec<&str> = trace.forward.iter().map(|s| s.formula.as_str()).collect();
    assert_eq!(
        formulas,
        [
            "x = variable []",
            "w = variable []",
            "s = mul(x, w)",
            "a = add(s, x)",
            "b = mul(s, s)",
            "f = mul(a, b)"
        ]
    );
    let value = |v: tape::Var<'_, f64>| trace.node(v.id().index()).unwrap().value.item();
    assert_eq!(
        [value(s), value(a), value(b), value(f)].map(Option::unwrap),
        [6.0, 8.0, 36.0, 288.0]
    );
    let grad = |v: tape::Var<'_, f64>| trace.node(v.id().index()).unwrap().grad_f64();
    assert_eq!(
        [grad(x), grad(w), grad(s), grad(a), grad(b), grad(f)].map(Option::unwrap),
        [432.0, 264.0, 132.0, 36.0, 8.0, 1.0]
    );
    assert_eq!(trace.seed.as_ref().and_then(TensorData::item), Some(1.0));
    assert_eq!(trace.messages.len(), 8);
    assert_eq!(trace.messages_to(s.id().index()).count(), 3);
    let loc = &trace.node(s.id().index()).unwrap().location;
    assert!(
        loc.starts_with("crates/tape/tests/trace.rs:") || loc.contains("trace.rs:"),
        "{loc}"
    );
}

#[test]
fn capture_of_tensors_keeps_shapes_and_broadcast_messages() {
    // loss = sum(x * w + b) with w [2, 3] and b [3] broadcast over rows.
    let tape = Tape::new();
    let w = tape
        .var(Tensor::from_vec(vec![1.0, 2.0, 3.0, 4.0, 5.0, 6.0], [2, 3]))
        .label("w");
    let b = tape.var([0.5, -0.5, 1.0]).label("b");
    let x = tape
        .constant(Tensor::from_vec(vec![1.0, 2.0, 3.0, 4.0, 5.0, 6.0], [2, 3]))
        .label("x");
    let loss = (x * w + b).sum().label("loss");
    let trace = Trace::capture(loss);
    let to_b: Vec<_> = trace.messages_to(b.id().index()).collect();
    assert_eq!(to_b.len(), 1);
    assert_eq!(to_b[0].value.shape, vec![3]);
    assert_eq!(to_b[0].value.data, vec![2.0, 2.0, 2.0]); // summed over the 2 rows
    let gw = trace.node(w.id().index()).unwrap().grad.clone().unwrap();
    assert_eq!(gw.shape, vec![2, 3]);
    assert_eq!(gw.data, x.value().data()); // d sum(x*w) / dw = x
    assert!(
        trace.node(x.id().index()).unwrap().grad.is_none(),
        "constants receive nothing"
    );
}

#[test]
fn json_round_trip_is_exact() {
    let tape = Tape::new();
    let [_, _, _, _, _, f] = shared_graph(&tape);
    let trace = Trace::capture(f);
    let back = Trace::from_json(&trace.to_json()).unwrap();
    assert_eq!(back, trace);

    // f32 values and awkward decimals survive too.
    let tape = Tape::<f32>::new();
    let x = tape.var([0.1_f32, 1.0 / 3.0, -7.25e-8]).label("x");
    let trace = Trace::capture((x.sigmoid() * x).sum());
    assert_eq!(trace.dtype, "f32");
    assert_eq!(Trace::from_json(&trace.to_json()).unwrap(), trace);
}

#[test]
fn json_round_trip_keeps_nan_and_infinity() {
    let tape = Tape::new();
    let x = tape.var([-1.0_f64, 0.0, 4.0]).label("x");
    let y = x.ln().label("y").sum(); // NaN, -inf, ln 4
    let trace = Trace::capture(y);
    let json = trace.to_json();
    assert!(
        json.contains("\"NaN\"") && json.contains("\"-inf\""),
        "{json}"
    );
    let back = Trace::from_json(&json).unwrap();
    let v = &back.node(1).unwrap().value.data;
    assert!(v[0].is_nan());
    assert_eq!(v[1], f64::NEG_INFINITY);
    assert_eq!(v[2], 4.0_f64.ln());
    assert_eq!(back.to_json(), json);
}

#[test]
fn bad_json_is_a_typed_error() {
    assert!(matches!(
        Trace::from_json("not json"),
        Err(TraceError::Json(_))
    ));
    let tape = Tape::new();
    let [_, _, _, _, _, f] = shared_graph(&tape);
    let good = Trace::capture(f);

    let mut bad = good.clone();
    bad.messages[0].to = 1; // f does not read w
    let err = Trace::from_json(&bad.to_json()).unwrap_err();
    assert!(matches!(err, TraceError::Inconsistent(_)));
    assert!(err.to_string().contains("not an edge"), "{err}");

    let mut bad = good.clone();
    bad.nodes[2].value.data.push(1.0);
    let err = Trace::from_json(&bad.to_json()).unwrap_err();
    assert!(
        err.to_string()
            .contains("has 2 values but shape [] needs 1"),
        "{err}"
    );

    let mut bad = good;
    bad.nodes[3].inputs[0] = 99;
    assert!(Trace::from_json(&bad.to_json())
        .unwrap_err()
        .to_string()
        .contains("#99"));

    let err = Trace::from_json(
        r#"{"dtype":"f64","output":0,"nodes":[],"forward":[],"seed":null,"messages":[]}"#,
    );
    assert!(err
        .unwrap_err()
        .to_string()
        .contains("output #0 is not a node"));
}

#[test]
fn text_lists_forward_steps_then_messages_with_names() {
    let tape = Tape::new();
    let [_, _, _, _, _, f] = shared_graph(&tape);
    let text = Trace::capture(f).to_text();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines[0], "forward pass (6 steps, f64):");
    assert!(
        lines[3].contains("s = mul(x, w)") && lines[3].ends_with("= 6"),
        "{}",
        lines[3]
    );
    let messages: Vec<&&str> = lines.iter().filter(|l| l.contains("-->")).collect();
    assert_eq!(messages.len(), 8);
    assert!(
        messages[0].ends_with("f --mul--> a (input 0)  message 36  sum 36"),
        "{}",
        messages[0]
    );
    assert!(
        messages[3].ends_with("b --mul--> s (input 1)  message 48  sum 96"),
        "{}",
        messages[3]
    );
    assert!(text.contains("d f / d x = 432"));
    assert!(text.contains("d f / d w = 264"));
}

#[test]
fn graph_of_a_tensor_output_has_no_backward_part() {
    let tape = Tape::new();
    let x = tape.var([1.0_f64, 2.0]).label("x");
    let y = (x * 2.0).label("y");
    let trace = Trace::graph_of(y);
    assert_eq!(trace.nodes.len(), 2);
    assert!(trace.messages.is_empty() && trace.seed.is_none());
    assert!(trace.nodes.iter().all(|n| n.grad.is_none()));
    assert!(trace.to_text().contains("(no backward pass recorded)"));
    assert_eq!(Trace::from_json(&trace.to_json()).unwrap(), trace);
}
