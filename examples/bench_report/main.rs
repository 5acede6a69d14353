//! tapegrad's figures for the cases of issue 7, one JSON line per case, in
//! the format of the PyTorch / JAX / micrograd scripts in
//! `../shared/bench/` (see `measure.rs` for the method, and
//! `benches/support/cases.rs` for the cases).
//!
//! Run: `cargo run --release --example bench_report`
//! (`BENCH_ONLY=large,chain` for a subset; `BENCH_RUN_TAG=...` to tag lines;
//! `BENCH_NO_WAIT=1` skips the initial wait for a quiet machine).
//!
//! Besides the timings, one `peak_rss` line for the `mlp_large` loop: the
//! process's peak resident set (VmHWM) after the first step and after the
//! timed steps, which stays flat when steps reuse their memory.

#[path = "../../benches/support/cases.rs"]
mod cases;
mod measure;

use std::hint::black_box;
use std::process::Command;

use serde_json::{json, Value};

use cases::{chain_forward, chain_step, MlpCase, MlpStep, MLP_CASES, MLP_LARGE, MLP_SEED};
use measure::{emit, measure, rnd, wait_quiet, Settings};
use tape::Tape;

/// The scalar chains: case name, the peers' case name, ops.
const CHAINS: [(&str, &str, usize); 2] = [
    ("scalar_chain_10k", "scalar_chain_10000", 10_000),
    ("scalar_chain_1m", "scalar_chain_1000000", 1_000_000),
];

/// Fields every line carries: version, commit, threads, dtype.
fn common(dtype: &str) -> Value {
    let git = |args: &[&str]| {
        Command::new("git")
            .args(args)
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .output()
            .ok()
            .filter(|o| o.status.success())
            .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_owned())
    };
    // BENCH_COMMIT names the sources when they are not a git checkout
    // (e.g. a `git archive` snapshot); otherwise ask git.
    let (commit, dirty) = match std::env::var("BENCH_COMMIT") {
        Ok(c) => (c, json!(null)),
        Err(_) => (
            git(&["rev-parse", "HEAD"]).unwrap_or_else(|| "unknown".into()),
            // Uncommitted engine files at run time (the binary was just built).
            json!(git(&["status", "--porcelain", "--", "crates", "src"]).map(|s| s.lines().count())),
        ),
    };
    let cpus = std::thread::available_parallelism().map_or(0, |n| n.get());
    json!({
        "version": format!("tapegrad {}", env!("CARGO_PKG_VERSION")),
        "commit": commit,
        "uncommitted_engine_files": dirty,
        "threads": "tapegrad default",
        "cpus": cpus,
        "dtype": dtype,
    })
}

fn merge(mut a: Value, b: Value) -> Value {
    if let (Value::Object(a), Value::Object(b)) = (&mut a, b) {
        a.extend(b);
    }
    a
}

/// `VmHWM` (peak resident set) and `VmRSS` of this process, in MiB.
fn rss_mib() -> (f64, f64) {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let field = |name: &str| {
        status
            .lines()
            .find(|l| l.starts_with(name))
            .and_then(|l| l.split_whitespace().nth(1)?.parse::<f64>().ok())
            .map_or(f64::NAN, |kib| kib / 1024.0)
    };
    (field("VmHWM:"), field("VmRSS:"))
}

/// Resets VmHWM to the current RSS (Linux >= 4.0), so that the `mlp_large`
/// peak is not the earlier cases' one. Returns whether it worked.
fn reset_peak_rss() -> bool {
    std::fs::write("/proc/self/clear_refs", "5").is_ok()
}

fn bench_mlp(s: &Settings, case: MlpCase) {
    let is_large = case.name == MLP_LARGE.name;
    let hwm_reset = is_large && reset_peak_rss();
    let (hwm_before, _) = rss_mib();
    let mut step = MlpStep::new(case);
    let first_loss = step.step();
    let (hwm_first, rss_first) = rss_mib();
    let mut steps = 1usize;
    let st = measure(s, || {
        black_box(step.step());
        steps += 1;
    });
    let (hwm_end, rss_end) = rss_mib();
    let t = st.median_s;
    let mut extra = json!({
        "peer_case": case.peer_case,
        "sizes": case.sizes,
        "batch": case.batch,
        "hidden_act": case.hidden_name(),
        "out_act": case.out_name(),
        "optimizer": "SGD lr=0.1",
        "loss": "mse mean",
        "n_params": step.numel(),
        "first_loss": first_loss,
        "data": if case.name == MLP_SEED.name { "bench_common.seed_data" } else { "randn" },
    });
    if case.sizes[0] >= 784 {
        let fl = case.step_flops();
        extra = merge(
            extra,
            json!({ "flops_per_step": fl, "implied_gflops": rnd(fl as f64 / t / 1e9, 4) }),
        );
    }
    let extra = merge(extra, common("float32"));
    emit(
        s,
        case.name,
        "us_per_step",
        rnd(t * 1e6, 4),
        "us",
        Some(&st),
        extra,
    );
    if is_large {
        let extra = json!({
            "hwm_before_build_mib": rnd(hwm_before, 4),
            "hwm_after_first_step_mib": rnd(hwm_first, 4),
            "hwm_end_mib": rnd(hwm_end, 4),
            "growth_mib": rnd(hwm_end - hwm_first, 4),
            "rss_after_first_step_mib": rnd(rss_first, 4),
            "rss_end_mib": rnd(rss_end, 4),
            "steps": steps,
            "hwm_reset_before_case": hwm_reset,
            "source": "/proc/self/status VmHWM",
        });
        let extra = merge(extra, common("float32"));
        emit(
            s,
            case.name,
            "peak_rss",
            rnd(hwm_end, 4),
            "MiB",
            None,
            extra,
        );
    }
}

fn bench_chain(s: &Settings, name: &str, peer_case: &str, n: usize) {
    let mut tape = Tape::new();
    let grad = chain_step(&mut tape, n);
    let st = measure(s, || {
        black_box(chain_step(&mut tape, n));
    });
    let st_f = measure(s, || {
        black_box(chain_forward(&mut tape, n));
    });
    let (t, tf) = (st.median_s, st_f.median_s);
    let per_op = |x: f64| rnd(x / n as f64 * 1e9, 4);
    let extra = json!({
        "peer_case": peer_case,
        "n_ops": n,
        "ops": "add/mul/tanh alternating, f64 scalars, tape reset between runs",
        "fwd_ns_per_op": per_op(tf),
        "bwd_ns_per_op": per_op(t - tf),
        "d_end_d_b": grad,
        "note": "fwd-only = record the chain; bwd = total - fwd",
    });
    let extra = merge(extra, common("float64"));
    emit(s, name, "ns_per_op", per_op(t), "ns", Some(&st), extra);
}

fn main() {
    let s = Settings::from_env();
    if std::env::var_os("BENCH_NO_WAIT").is_none() {
        let (load, waited) = wait_quiet(0.2, 60.0);
        eprintln!("# others use {load:.2} cores (waited {waited:.0}s)");
    }
    eprintln!("# tapegrad: {}", common("f32 (mlp) / f64 (chains)"));
    for case in MLP_CASES {
        if s.wanted(case.name) {
            bench_mlp(&s, case);
        }
    }
    for (name, peer_case, n) in CHAINS {
        if s.wanted(name) {
            bench_chain(&s, name, peer_case, n);
        }
    }
}
