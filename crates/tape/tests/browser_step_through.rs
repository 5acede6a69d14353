//! The HTML step-through page, opened in headless Chromium.
//!
//! Needs Debian's `chromium` on the PATH (`apt-get install chromium`; the
//! CI script installs it). Without it these tests print that they were
//! skipped and how to run them, and pass. Run them alone with
//! `cargo test -p tape --release --test browser_step_through -- --nocapture`.
//! Screenshots land in `target/tmp/step-through/`.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use tape::{Tape, Trace, Var};

/// The Chromium executable, or `None` (after saying so) when there is none.
fn chromium() -> Option<PathBuf> {
    let path = std::env::var_os("PATH").unwrap_or_default();
    let found = ["chromium", "chromium-browser"]
        .iter()
        .flat_map(|name| std::env::split_paths(&path).map(move |dir| dir.join(name)))
        .find(|p| p.is_file());
    if found.is_none() {
        // Written past the test harness's capture so it shows in every run.
        let _ = writeln!(
            std::io::stderr(),
            "SKIPPED browser test: `chromium` is not on the PATH. Install it with \
             `apt-get install chromium` and run \
             `cargo test -p tape --release --test browser_step_through`."
        );
    }
    found
}

fn out_dir() -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("step-through");
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Runs headless Chromium on `url` with `args`, with a fresh profile and a
/// time limit, and returns its standard output.
fn run_chromium(exe: &Path, args: &[String], url: &str) -> String {
    static RUNS: AtomicUsize = AtomicUsize::new(0);
    let run = RUNS.fetch_add(1, Ordering::Relaxed);
    let profile = out_dir().join(format!("profile-{}-{run}", std::process::id()));
    let _ = std::fs::remove_dir_all(&profile);
    let mut cmd = Command::new(exe);
    cmd.args([
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
    ])
    .arg(format!("--user-data-dir={}", profile.display()))
    .args(args)
    .arg(url)
    .stdin(Stdio::null())
    .stdout(Stdio::piped())
    .stderr(Stdio::null());
    let mut child = cmd.spawn().expect("chromium starts");
    let mut stdout = child.stdout.take().unwrap();
    let reader = std::thread::spawn(move || {
        let mut s = String::new();
        std::io::Read::read_to_string(&mut stdout, &mut s).map(|_| s)
    });
    let start = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if start.elapsed() > Duration::from_secs(120) {
            let _ = child.kill();
            let _ = child.wait();
            panic!("chromium did not finish within 120 s on {url}");
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    let out = reader.join().unwrap().expect("chromium's output is UTF-8");
    let _ = std::fs::remove_dir_all(&profile);
    assert!(status.success(), "chromium failed ({status}) on {url}");
    out
}

fn dump_dom(exe: &Path, page: &Path, step: usize) -> String {
    let url = format!("file://{}#step={step}", page.display());
    run_chromium(exe, &["--dump-dom".to_string()], &url)
}

fn screenshot(exe: &Path, page: &Path, step: usize, png: &Path, size: &str) {
    let url = format!("file://{}#step={step}", page.display());
    let _ = std::fs::remove_file(png);
    run_chromium(
        exe,
        &[
            format!("--screenshot={}", png.display()),
            format!("--window-size={size}"),
            "--hide-scrollbars".to_string(),
        ],
        &url,
    );
    let bytes = std::fs::read(png).expect("chromium wrote the screenshot");
    assert!(
        bytes.starts_with(b"\x89PNG") && bytes.len() > 5_000,
        "not a real PNG: {}",
        png.display()
    );
}

/// The start tag of the element with `id` in a serialised DOM.
fn tag<'a>(dom: &'a str, id: &str) -> &'a str {
    let at = dom
        .find(&format!("id=\"{id}\""))
        .unwrap_or_else(|| panic!("no element with id {id} in the page"));
    let start = dom[..at].rfind('<').unwrap();
    let end = at + dom[at..].find('>').unwrap();
    &dom[start..=end]
}

/// An attribute of the element with `id`.
fn attr(dom: &str, id: &str, name: &str) -> Option<String> {
    let t = tag(dom, id);
    let key = format!(" {name}=\"");
    let from = t.find(&key)? + key.len();
    Some(t[from..from + t[from..].find('"')?].to_string())
}

/// The text inside the element with `id` (up to its first child tag).
fn text(dom: &str, id: &str) -> String {
    let t = tag(dom, id);
    let at = dom.find(t).unwrap() + t.len();
    let inner = &dom[at..];
    inner[..inner.find('<').unwrap()]
        .replace("&gt;", ">")
        .replace("&lt;", "<")
        .replace("&amp;", "&")
}

/// Every number in a displayed tensor such as `[[3.0590e-7, 1.2]]`.
fn numbers(s: &str) -> Vec<f64> {
    s.split(|c: char| c == '[' || c == ']' || c == ',' || c.is_whitespace())
        .filter(|w| !w.is_empty())
        .map(|w| {
            w.parse()
                .unwrap_or_else(|_| panic!("`{w}` in `{s}` is not a number"))
        })
        .collect()
}

fn sigmoid(z: f64) -> f64 {
    1.0 / (1.0 + (-z).exp())
}

/// The seed article's 3-2-1 network (see docs/step-through.md).
fn seed_network(tape: &Tape<f64>) -> [Var<'_, f64>; 5] {
    let x = tape.constant([[1.0, 2.0, 3.0]]).label("x");
    let y = tape.constant([[0.5]]).label("y");
    let w1 = tape.var([[1.0, 1.0], [2.0, 2.0], [3.0, 3.0]]).label("W1");
    let b1 = tape.var([1.0, 2.0]).label("b1");
    let w2 = tape.var([[4.0], [5.0]]).label("W2");
    let b2 = tape.var([6.0]).label("b2");
    let z1 = (x.matmul(w1).label("xW1") + b1).label("z1");
    let a1 = z1.sigmoid().label("a1");
    let z2 = (a1.matmul(w2).label("a1W2") + b2).label("z2");
    let a2 = z2.sigmoid().label("a2");
    let err = (a2 - y).label("err");
    let loss = err.square().mean().label("loss");
    [b2, z2, a2, err, loss]
}

#[test]
fn page_opened_at_a_step_highlights_that_message_and_shows_gradients() {
    let Some(exe) = chromium() else { return };
    let tape = Tape::new();
    let [b2, z2, a2, err, loss] = seed_network(&tape);
    let trace = Trace::capture(loss);
    let page = out_dir().join("seed-network.html");
    std::fs::write(&page, trace.to_html()).unwrap();

    // Step 0 is the start, steps 1..=15 the forward pass, 16 the seed; the
    // 4th message (a2 --sigmoid--> z2) is step 15 + 1 + 4 = 20.
    let forward = trace.forward.len();
    assert_eq!(forward, 15);
    let step = forward + 1 + 4;
    let dom = dump_dom(&exe, &page, step);

    let id = |v: Var<'_, f64>| v.id().index().to_string();
    assert_eq!(
        attr(&dom, "step-info", "data-kind").as_deref(),
        Some("message")
    );
    assert_eq!(
        attr(&dom, "step-info", "data-message").as_deref(),
        Some("4")
    );
    assert_eq!(attr(&dom, "step-info", "data-from"), Some(id(a2)));
    assert_eq!(attr(&dom, "step-info", "data-to"), Some(id(z2)));
    let info = text(&dom, "step-info");
    assert!(
        info.starts_with("Message 4 of 12: a2 --sigmoid--> z2 (input 0)"),
        "{info}"
    );
    assert_eq!(
        text(&dom, "counter"),
        format!("step {step} / {}", forward + 1 + 12)
    );

    let class = |v: Var<'_, f64>| attr(&dom, &format!("node-{}", id(v)), "class").unwrap();
    assert!(class(a2).split(' ').any(|c| c == "sender"), "{}", class(a2));
    assert!(
        class(z2).split(' ').any(|c| c == "receiver"),
        "{}",
        class(z2)
    );
    assert!(attr(&dom, &format!("edge-{}-0", id(a2)), "class")
        .unwrap()
        .contains("active"));

    // Gradients, by hand: d loss / d err = 2 (a2 - y); z2 gets that times
    // sigmoid'(z2) = a2 (1 - a2); b2 has received nothing yet.
    let a1 = [sigmoid(15.0), sigmoid(16.0)];
    let a2h = sigmoid(4.0 * a1[0] + 5.0 * a1[1] + 6.0);
    let d_err = 2.0 * (a2h - 0.5);
    let d_z2 = d_err * a2h * (1.0 - a2h);
    let shown = |v: Var<'_, f64>| numbers(&text(&dom, &format!("gradcell-{}", id(v))));
    let near =
        |got: &[f64], want: f64| got.len() == 1 && (got[0] - want).abs() <= 1e-5 * want.abs();
    assert!(near(&shown(err), d_err), "{:?} vs {d_err}", shown(err));
    assert!(near(&shown(z2), d_z2), "{:?} vs {d_z2}", shown(z2));
    assert!(text(&dom, &format!("gradcell-{}", id(b2))).is_empty());
    assert!(text(&dom, &format!("grad-{}", id(z2))).starts_with('∇'));
    // Every value is shown by now: z1 = [[15, 16]].
    assert_eq!(text(&dom, "value-7"), "[[15, 16]]");

    // The step after: z2 --add--> a1W2, so b2 is still waiting, and after two
    // more steps b2 shows the same gradient as z2.
    let dom = dump_dom(&exe, &page, step + 2);
    assert_eq!(attr(&dom, "step-info", "data-to"), Some(id(b2)));
    let got = numbers(&text(&dom, &format!("gradcell-{}", id(b2))));
    assert!(near(&got, d_z2), "{got:?}");

    screenshot(
        &exe,
        &page,
        step,
        &out_dir().join("seed-network-step.png"),
        "1280,900",
    );
}

#[test]
fn a_graph_of_hundreds_of_nodes_opens_at_its_last_step() {
    let Some(exe) = chromium() else { return };
    // A scalar 3-12-12-1 tanh MLP written neuron by neuron: ~700 nodes.
    let tape = Tape::new();
    let inputs: Vec<Var<'_, f64>> = [0.5, -1.0, 2.0].iter().map(|&v| tape.constant(v)).collect();
    let mut layer = inputs;
    let mut k = 0.0;
    for (l, width) in [12usize, 12, 1].into_iter().enumerate() {
        layer = (0..width)
            .map(|j| {
                let mut acc = tape.var(0.1).label(format!("b{l}.{j}"));
                for x in &layer {
                    k += 1.0;
                    let w = tape.var(((k * 0.37_f64).sin()) * 0.5);
                    acc = acc + w * *x;
                }
                if width > 1 {
                    acc.tanh()
                } else {
                    acc
                }
            })
            .collect();
    }
    let loss = (layer[0] - 1.0).square().label("loss");
    let trace = Trace::capture(loss);
    assert!(trace.nodes.len() > 500, "{} nodes", trace.nodes.len());
    let page = out_dir().join("mlp.html");
    std::fs::write(&page, trace.to_html()).unwrap();

    let last = trace.forward.len() + 1 + trace.messages.len();
    let started = Instant::now();
    let dom = dump_dom(&exe, &page, last);
    let m = trace.messages.last().unwrap();
    assert_eq!(
        attr(&dom, "step-info", "data-message"),
        Some(trace.messages.len().to_string())
    );
    assert_eq!(attr(&dom, "step-info", "data-to"), Some(m.to.to_string()));
    let drawn = dom.matches("class=\"node").count();
    assert_eq!(drawn, trace.nodes.len());
    // At the end every variable shows its final gradient.
    for n in trace.nodes.iter().filter(|n| n.op == "variable") {
        let want = n.grad_f64().unwrap();
        let got = numbers(&text(&dom, &format!("gradcell-{}", n.id)));
        assert!(
            got.len() == 1 && (got[0] - want).abs() <= 1e-5 * (1.0 + want.abs()),
            "{got:?} vs {want}"
        );
    }
    let _ = writeln!(
        std::io::stderr(),
        "{}-node page rendered in {:?}",
        trace.nodes.len(),
        started.elapsed()
    );
    screenshot(
        &exe,
        &page,
        last,
        &out_dir().join("mlp-last-step.png"),
        "1280,900",
    );
}
