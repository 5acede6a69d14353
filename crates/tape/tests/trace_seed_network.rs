//! The seed article's 3-2-1 network (the project's reading, see
//! docs/step-through.md), traced end to end and checked against values
//! computed here by hand with plain f64 arithmetic.
//!
//! It also writes the trace in every format under
//! `target/tmp/step-through/` for people (and docs/step-through.md) to look at.

use tape::{Tape, Trace, Var};

fn sigmoid(z: f64) -> f64 {
    1.0 / (1.0 + (-z).exp())
}

/// x [1,3] = [1,2,3]; W1 [3,2] with both columns [1,2,3]; b1 = [1,2];
/// W2 [2,1] = [[4],[5]]; b2 = [6]; y = [[0.5]]; loss = mean((a2 - y)^2).
fn network(tape: &Tape<f64>) -> [Var<'_, f64>; 14] {
    let x = tape.constant([[1.0, 2.0, 3.0]]).label("x");
    let y = tape.constant([[0.5]]).label("y");
    let w1 = tape.var([[1.0, 1.0], [2.0, 2.0], [3.0, 3.0]]).label("W1");
    let b1 = tape.var([1.0, 2.0]).label("b1");
    let w2 = tape.var([[4.0], [5.0]]).label("W2");
    let b2 = tape.var([6.0]).label("b2");
    let xw1 = x.matmul(w1).label("xW1");
    let z1 = (xw1 + b1).label("z1");
    let a1 = z1.sigmoid().label("a1");
    let a1w2 = a1.matmul(w2).label("a1W2");
    let z2 = (a1w2 + b2).label("z2");
    let a2 = z2.sigmoid().label("a2");
    let err = (a2 - y).label("err");
    let loss = err.square().mean().label("loss");
    [x, y, w1, b1, w2, b2, xw1, z1, a1, a1w2, z2, a2, err, loss]
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-12 * (1.0 + b.abs())
}

#[test]
fn seed_network_trace_matches_hand_computation() {
    let tape = Tape::new();
    let [_, _, w1, b1, w2, b2, _, z1, a1, _, z2, a2, err, loss] = network(&tape);
    let trace = Trace::capture(loss);

    // Forward, by hand.
    let z1h = [1.0 + 4.0 + 9.0 + 1.0, 1.0 + 4.0 + 9.0 + 2.0]; // [15, 16]
    let a1h = z1h.map(sigmoid);
    let z2h = 4.0 * a1h[0] + 5.0 * a1h[1] + 6.0;
    let a2h = sigmoid(z2h);
    let lossh = (a2h - 0.5).powi(2);
    // Backward, by hand (chain rule written out).
    let d_err = 2.0 * (a2h - 0.5); // d mean(e^2) / de with one element
    let d_z2 = d_err * a2h * (1.0 - a2h);
    let d_w2 = [d_z2 * a1h[0], d_z2 * a1h[1]];
    let d_a1 = [d_z2 * 4.0, d_z2 * 5.0];
    let d_z1 = [
        d_a1[0] * a1h[0] * (1.0 - a1h[0]),
        d_a1[1] * a1h[1] * (1.0 - a1h[1]),
    ];
    let d_w1 = [
        d_z1[0],
        d_z1[1],
        2.0 * d_z1[0],
        2.0 * d_z1[1],
        3.0 * d_z1[0],
        3.0 * d_z1[1],
    ];

    let node = |v: Var<'_, f64>| trace.node(v.id().index()).unwrap();
    let value = |v: Var<'_, f64>| node(v).value.data.clone();
    let grad = |v: Var<'_, f64>| node(v).grad.clone().unwrap().data;
    let all_close =
        |a: &[f64], b: &[f64]| a.len() == b.len() && a.iter().zip(b).all(|(&a, &b)| close(a, b));

    assert_eq!(value(z1), z1h);
    assert!(all_close(&value(a1), &a1h));
    assert!(close(value(z2)[0], z2h) && close(value(a2)[0], a2h));
    assert!(close(value(loss)[0], lossh));
    assert!(all_close(&grad(err), &[d_err]));
    assert!(all_close(&grad(z2), &[d_z2]));
    assert!(all_close(&grad(b2), &[d_z2]));
    assert!(all_close(&grad(w2), &d_w2));
    assert!(all_close(&grad(a1), &d_a1));
    assert!(all_close(&grad(z1), &d_z1));
    assert!(all_close(&grad(b1), &d_z1));
    assert!(all_close(&grad(w1), &d_w1));

    // 15 nodes (6 leaves, 9 ops); messages: loss->sq, sq->err, err->a2, a2->z2, z2->a1W2, z2->b2,
    // a1W2->a1, a1W2->W2, a1->z1, z1->xW1, z1->b1, xW1->W1 (x and y are constants).
    assert_eq!(trace.nodes.len(), 15);
    let senders: Vec<String> = trace
        .messages
        .iter()
        .map(|m| trace.name_of(m.from))
        .collect();
    let receivers: Vec<String> = trace.messages.iter().map(|m| trace.name_of(m.to)).collect();
    assert_eq!(
        senders,
        ["loss", "#13", "err", "a2", "z2", "z2", "a1W2", "a1W2", "a1", "z1", "z1", "xW1"]
    );
    assert_eq!(
        receivers,
        ["#13", "err", "a2", "z2", "a1W2", "b2", "a1", "W2", "z1", "xW1", "b1", "W1"]
    );

    // Every format, for people and the docs.
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("step-through");
    std::fs::create_dir_all(&dir).unwrap();
    for (name, text) in [
        ("seed-network.txt", trace.to_text()),
        ("seed-network.json", trace.to_json()),
        ("seed-network.dot", trace.to_dot()),
        ("seed-network.mmd", trace.to_mermaid()),
        ("seed-network.html", trace.to_html()),
    ] {
        std::fs::write(dir.join(name), text).unwrap();
    }
}
