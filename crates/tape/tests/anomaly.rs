//! Anomaly mode names the op, label, inputs and source line of the first
//! NaN or infinity, forward or backward.

use std::panic::{catch_unwind, AssertUnwindSafe};

use tape::trace::AnomalyPhase;
use tape::Tape;

/// Runs `f`, expecting a panic, and returns its message.
fn panic_message(f: impl FnOnce()) -> String {
    let payload = catch_unwind(AssertUnwindSafe(f)).expect_err("expected an anomaly panic");
    match payload.downcast::<String>() {
        Ok(s) => *s,
        Err(p) => p
            .downcast::<&str>()
            .map(|s| s.to_string())
            .expect("a text panic"),
    }
}

#[test]
fn ln_of_a_negative_deep_in_a_graph_is_named_with_its_source_line() {
    let tape = Tape::with_anomaly_mode();
    let x = tape.var([1.0_f64, 2.0, 3.0]).label("x");
    let w = tape.var([0.5_f64, 0.5, 0.5]).label("w");
    let h = (x * w).tanh().label("h");
    let d = (h - 0.7).label("d"); // [tanh .5 - .7, tanh 1 - .7, tanh 1.5 - .7] = [-0.24, 0.06, 0.21]
    let line = line!() + 1;
    let logd = d.ln().label("logd"); // ln(-0.24) = NaN
    let at = format!("{}:{line}:", file!());

    // Without panicking: the pending report, already with its label.
    let a = tape.find_anomaly().expect("an anomaly was found");
    assert_eq!(a.phase, AnomalyPhase::Forward);
    assert_eq!((a.op.as_str(), a.label.as_deref()), ("ln", Some("logd")));
    assert_eq!(a.node, logd.id().index());
    assert!(a.location.starts_with(&at), "{} vs {at}", a.location);
    assert_eq!(a.inputs.len(), 1);
    assert_eq!(
        (a.inputs[0].name.as_str(), a.inputs[0].op.as_str()),
        ("d", "add_scalar")
    );
    assert_eq!(a.inputs[0].shape, vec![3]);
    // min tanh(0.5) - 0.7 = -0.237883, max tanh(1.5) - 0.7 = 0.205148.
    assert_eq!(
        a.inputs[0].summary,
        "min -0.237883 max 0.205148, 0 NaN, 0 infinite"
    );

    // The next op on the tape reports it, before the NaN can spread.
    let msg = panic_message(|| {
        let y = (logd * w).sum();
        y.backward();
    });
    assert!(
        msg.contains("op `ln` produced a NaN or infinite value"),
        "{msg}"
    );
    assert!(
        msg.contains(&format!("node {} \"logd\", recorded at {at}", logd.id())),
        "{msg}"
    );
    // ln(tanh(1) - 0.7) = -2.78719, ln(tanh(1.5) - 0.7) = -1.58402, and one NaN.
    assert!(
        msg.contains("its value shape [3]: min -2.78719 max -1.58402, 1 NaN"),
        "{msg}"
    );
    assert!(msg.contains("1 NaN, 0 infinite"), "{msg}");
    assert!(
        msg.contains(&format!(
            "input 0: {} d (add_scalar) shape [3]: min -0.237883",
            d.id()
        )),
        "{msg}"
    );
}

#[test]
fn an_infinite_backward_message_names_the_sending_op() {
    // sqrt is fine at 0 going forward, but its derivative 1 / (2 sqrt x) is not.
    let tape = Tape::with_anomaly_mode();
    let x = tape.var([0.0_f64, 4.0]).label("x");
    let line = line!() + 1;
    let r = x.sqrt().label("r");
    let loss = (r * 3.0).sum().label("loss");
    let msg = panic_message(|| {
        loss.backward();
    });
    let at = format!("{}:{line}:", file!());
    assert!(
        msg.contains(&format!(
            "op `sqrt` sent a NaN or infinite gradient message to its input 0 ({} x)",
            x.id()
        )),
        "{msg}"
    );
    assert!(
        msg.contains(&format!("node {} \"r\", recorded at {at}", r.id())),
        "{msg}"
    );
    assert!(
        msg.contains("the message shape [2]: min 0.75 max 0.75, 0 NaN, 1 infinite"),
        "{msg}"
    );
    assert!(
        msg.contains("the gradient it was passing on shape [2]: min 3 max 3"),
        "{msg}"
    );
    assert!(
        msg.contains(&format!(
            "input 0: {} x (variable) shape [2]: min 0 max 4",
            x.id()
        )),
        "{msg}"
    );
}

#[test]
fn a_bad_output_is_reported_when_backward_starts() {
    let tape = Tape::with_anomaly_mode();
    let x = tape.var(0.0_f64).label("x");
    let loss = (x / x).label("loss"); // 0 / 0
    let msg = panic_message(|| {
        loss.backward();
    });
    assert!(
        msg.contains("op `div` produced") && msg.contains("\"loss\""),
        "{msg}"
    );
}

#[test]
fn nan_given_as_data_is_blamed_on_the_leaf_not_the_op() {
    let tape = Tape::with_anomaly_mode();
    let line = line!() + 1;
    let x = tape.var([1.0_f64, f64::NAN]).label("data");
    let msg = panic_message(|| {
        let _ = x * 2.0;
    });
    assert!(
        msg.contains("variable `#0 \"data\"` already held NaN"),
        "{msg}"
    );
    assert!(
        msg.contains(&format!("recorded at {}:{line}:", file!())),
        "{msg}"
    );
    assert!(
        msg.contains("found when op `mul_scalar` read it at"),
        "{msg}"
    );
}

#[test]
fn without_anomaly_mode_nan_spreads_silently_but_can_be_found() {
    let tape = Tape::new();
    assert!(!tape.anomaly_mode());
    let x = tape.var([-1.0_f64, 1.0]).label("x");
    let l = x.ln().label("l");
    let loss = (l * 2.0).sum();
    assert!(loss.item().is_nan());
    let g = loss.backward(); // no panic
    assert_eq!(g[x].data()[1], 2.0);
    let a = tape.find_anomaly().unwrap();
    assert_eq!(
        (a.op.as_str(), a.label.as_deref(), a.node),
        ("ln", Some("l"), l.id().index())
    );
}

#[test]
fn reset_forgets_a_pending_report_and_the_mode_can_be_switched_off() {
    let mut tape = Tape::with_anomaly_mode();
    {
        let x = tape.var(-1.0_f64);
        let _ = x.ln();
    }
    tape.reset();
    assert!(tape.find_anomaly().is_none());
    tape.set_anomaly_mode(false);
    let x = tape.var(-1.0_f64);
    let y = x.ln() * 2.0; // no panic with the mode off
    assert!(y.item().is_nan());
}
