//! Timing and reporting, a port of `../shared/bench/bench_common.py` so
//! that tapegrad's JSON lines read like the peers' ones.
//!
//! Method: warm up (at least 3 calls and 0.1 s), calibrate an inner loop so
//! one repeat takes at least `BENCH_MIN_TIME` s (default 0.2), run
//! `BENCH_REPEATS` repeats (default 7, never below 5) and report the median
//! time per call with the min and max. If other processes used at least
//! `BENCH_NOISE_THRESH` cores (default 0.25) during the repeats, wait up to
//! `BENCH_QUIET_WAIT_S` s (default 60) for a quiet machine and measure again,
//! at most `BENCH_NOISE_RETRIES` times (default 2); the last try is kept.

use std::time::{Duration, Instant, SystemTime};

use serde_json::{json, Map, Value};

fn env_f64(name: &str, default: f64) -> f64 {
    std::env::var(name)
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(default)
}

/// The settings read from the `BENCH_*` environment variables.
pub struct Settings {
    min_time: f64,
    repeats: usize,
    noise_thresh: f64,
    noise_retries: usize,
    quiet_wait_s: f64,
    run_tag: String,
    only: Vec<String>,
}

impl Settings {
    /// Reads the environment (same variables and defaults as the peers).
    pub fn from_env() -> Self {
        Settings {
            min_time: env_f64("BENCH_MIN_TIME", 0.2),
            repeats: (env_f64("BENCH_REPEATS", 7.0) as usize).max(5),
            noise_thresh: env_f64("BENCH_NOISE_THRESH", 0.25),
            noise_retries: env_f64("BENCH_NOISE_RETRIES", 2.0) as usize,
            quiet_wait_s: env_f64("BENCH_QUIET_WAIT_S", 60.0),
            run_tag: std::env::var("BENCH_RUN_TAG").unwrap_or_default(),
            only: std::env::var("BENCH_ONLY")
                .unwrap_or_default()
                .split(',')
                .filter(|s| !s.is_empty())
                .map(str::to_owned)
                .collect(),
        }
    }

    /// Whether `case` passes the `BENCH_ONLY` substring filter.
    pub fn wanted(&self, case: &str) -> bool {
        self.only.is_empty() || self.only.iter().any(|s| case.contains(s.as_str()))
    }
}

/// CPU counters at one instant.
#[derive(Clone, Copy)]
struct CpuSnapshot {
    /// System-wide busy seconds (all cores).
    busy: f64,
    /// System-wide hypervisor steal seconds.
    steal: f64,
    /// This process's user + system CPU seconds.
    own: f64,
    /// This process's system (kernel) CPU seconds.
    own_sys: f64,
    wall: Instant,
}

fn cpu_snapshot() -> CpuSnapshot {
    // SAFETY: sysconf has no preconditions.
    let hz = unsafe { libc::sysconf(libc::_SC_CLK_TCK) } as f64;
    let (busy, steal) = std::fs::read_to_string("/proc/stat")
        .ok()
        .and_then(|s| {
            let v: Vec<f64> = s
                .lines()
                .next()?
                .split_whitespace()
                .skip(1)
                .take(8)
                .filter_map(|x| x.parse().ok())
                .collect();
            (v.len() == 8).then(|| ((v[0] + v[1] + v[2] + v[5] + v[6]) / hz, v[7] / hz))
        })
        .unwrap_or((f64::NAN, f64::NAN));
    // SAFETY: getrusage fills the zeroed struct it is given.
    let usage = unsafe {
        let mut u: libc::rusage = std::mem::zeroed();
        libc::getrusage(libc::RUSAGE_SELF, &mut u);
        u
    };
    let secs = |t: libc::timeval| t.tv_sec as f64 + t.tv_usec as f64 * 1e-6;
    CpuSnapshot {
        busy,
        steal,
        own: secs(usage.ru_utime) + secs(usage.ru_stime),
        own_sys: secs(usage.ru_stime),
        wall: Instant::now(),
    }
}

/// Cores used by other processes over a window of `window` seconds.
fn others_load(window: f64) -> f64 {
    let a = cpu_snapshot();
    std::thread::sleep(Duration::from_secs_f64(window));
    let b = cpu_snapshot();
    ((b.busy - a.busy) - (b.own - a.own)) / (b.wall - a.wall).as_secs_f64()
}

/// Sleeps until other processes use fewer than `thresh` cores, at most
/// `timeout` s; returns the last load and the seconds waited.
pub fn wait_quiet(thresh: f64, timeout: f64) -> (f64, f64) {
    let t0 = Instant::now();
    loop {
        let load = others_load(1.0);
        let waited = t0.elapsed().as_secs_f64();
        if load < thresh || waited >= timeout {
            return (load, waited);
        }
    }
}

/// Timing statistics of one measured function (seconds per call).
pub struct Stats {
    /// The median over the repeats.
    pub median_s: f64,
    min_s: f64,
    max_s: f64,
    repeats: usize,
    iters_per_repeat: usize,
    others_cpu: f64,
    steal_cpu: f64,
    own_cpu: f64,
    own_sys_cpu: f64,
    noise_retries: usize,
}

fn time_iters(f: &mut impl FnMut(), iters: usize) -> f64 {
    let t0 = Instant::now();
    for _ in 0..iters {
        f();
    }
    t0.elapsed().as_secs_f64()
}

fn measure_once(s: &Settings, f: &mut impl FnMut()) -> Stats {
    let t0 = Instant::now();
    let mut n = 0usize;
    while n < 3 || t0.elapsed().as_secs_f64() < 0.1 {
        f();
        n += 1;
    }
    let per_call = t0.elapsed().as_secs_f64() / n as f64;
    let mut iters = ((s.min_time / per_call.max(1e-9) * 1.1).ceil() as usize).max(1);
    let first = loop {
        let dt = time_iters(f, iters);
        if dt >= s.min_time {
            break dt;
        }
        let grown = (iters as f64 * s.min_time / dt.max(1e-9) * 1.2).ceil() as usize;
        iters = grown.max(iters + 1);
    };
    let mut samples = vec![first / iters as f64];
    let a = cpu_snapshot();
    for _ in 1..s.repeats {
        samples.push(time_iters(f, iters) / iters as f64);
    }
    let b = cpu_snapshot();
    let wall = (b.wall - a.wall).as_secs_f64().max(1e-9);
    let mut sorted = samples.clone();
    sorted.sort_by(f64::total_cmp);
    let mid = sorted.len() / 2;
    let median_s = if sorted.len() % 2 == 1 {
        sorted[mid]
    } else {
        (sorted[mid - 1] + sorted[mid]) / 2.0
    };
    Stats {
        median_s,
        min_s: sorted[0],
        max_s: sorted[sorted.len() - 1],
        repeats: samples.len(),
        iters_per_repeat: iters,
        others_cpu: ((b.busy - a.busy) - (b.own - a.own)) / wall,
        steal_cpu: (b.steal - a.steal) / wall,
        own_cpu: (b.own - a.own) / wall,
        own_sys_cpu: (b.own_sys - a.own_sys) / wall,
        noise_retries: 0,
    }
}

/// Measures `f` (seconds per call), redoing noisy measurements.
pub fn measure(s: &Settings, mut f: impl FnMut()) -> Stats {
    let mut retries = 0;
    loop {
        let mut st = measure_once(s, &mut f);
        if st.others_cpu < s.noise_thresh || retries >= s.noise_retries {
            st.noise_retries = retries;
            return st;
        }
        retries += 1;
        let (load, waited) = wait_quiet(0.2, s.quiet_wait_s);
        eprintln!(
            "#   noisy (others {:.2} cores): waited {waited:.0}s, now {load:.2}; retry {retries}",
            st.others_cpu
        );
    }
}

/// Rounds to `nd` significant digits (the peers' `rnd`).
pub fn rnd(x: f64, nd: usize) -> f64 {
    if x == 0.0 || !x.is_finite() {
        return x;
    }
    format!("{x:.*e}", nd - 1).parse().unwrap_or(x)
}

fn round2(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

fn load1() -> f64 {
    std::fs::read_to_string("/proc/loadavg")
        .ok()
        .and_then(|s| s.split_whitespace().next()?.parse().ok())
        .unwrap_or(f64::NAN)
}

/// Prints one JSON line: `system, case, metric, value, unit`, then
/// `extra`'s fields, then the timing fields of `stats` (if any) and
/// `run_tag`, `load1`, `ts`, in the peers' order.
pub fn emit(
    s: &Settings,
    case: &str,
    metric: &str,
    value: f64,
    unit: &str,
    stats: Option<&Stats>,
    extra: Value,
) {
    let mut rec = Map::new();
    rec.insert("system".into(), json!("tapegrad"));
    rec.insert("case".into(), json!(case));
    rec.insert("metric".into(), json!(metric));
    rec.insert("value".into(), json!(value));
    rec.insert("unit".into(), json!(unit));
    if let Value::Object(m) = extra {
        rec.extend(m);
    }
    if let Some(st) = stats {
        rec.insert("repeats".into(), json!(st.repeats));
        rec.insert("iters_per_repeat".into(), json!(st.iters_per_repeat));
        rec.insert("min_s".into(), json!(st.min_s));
        rec.insert("max_s".into(), json!(st.max_s));
        rec.insert("others_cpu".into(), json!(round2(st.others_cpu.max(0.0))));
        rec.insert("steal_cpu".into(), json!(round2(st.steal_cpu)));
        rec.insert("noise_retries".into(), json!(st.noise_retries));
        rec.insert("own_cpu".into(), json!(round2(st.own_cpu)));
        rec.insert("own_sys_cpu".into(), json!(round2(st.own_sys_cpu)));
    }
    if !s.run_tag.is_empty() {
        rec.insert("run_tag".into(), json!(s.run_tag));
    }
    rec.insert("load1".into(), json!(round2(load1())));
    let ts = humantime::format_rfc3339_seconds(SystemTime::now()).to_string();
    rec.insert("ts".into(), json!(ts.trim_end_matches('Z')));
    println!("{}", Value::Object(rec));
}
