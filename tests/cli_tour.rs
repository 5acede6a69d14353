//! `tapegrad` with no arguments: the tour trains, prints and writes its
//! files, and the saved model reproduces the printed accuracy through `nn`.

use std::path::Path;
use std::process::Command;

use nn::data::two_moons;
use nn::rand::{rngs::StdRng, SeedableRng};
use nn::train::{accuracy, predict, Accuracy};
use nn::{Activation, Mlp, ParamStore};

/// The `(correct, total)` in a line like `... accuracy 98.5% (197/200)`.
fn fraction_in(line: &str) -> (usize, usize) {
    let inside = line.rsplit_once('(').unwrap().1.trim_end_matches(')');
    let (a, b) = inside.split_once('/').unwrap();
    (a.parse().unwrap(), b.parse().unwrap())
}

fn assert_svg(path: &Path) {
    let text = std::fs::read_to_string(path).unwrap();
    let doc = roxmltree::Document::parse(&text).unwrap();
    assert_eq!(
        doc.root_element().tag_name().name(),
        "svg",
        "{}",
        path.display()
    );
    assert!(doc
        .descendants()
        .any(|n| n.has_tag_name("polyline") || n.has_tag_name("path")));
    assert!(
        text.contains("epoch"),
        "axis label missing in {}",
        path.display()
    );
}

fn assert_png(path: &Path) {
    let bytes = std::fs::read(path).unwrap();
    assert_eq!(&bytes[..8], b"\x89PNG\r\n\x1a\n");
    // IHDR: width and height, big-endian, at bytes 16..24.
    let width = u32::from_be_bytes(bytes[16..20].try_into().unwrap());
    let height = u32::from_be_bytes(bytes[20..24].try_into().unwrap());
    assert!((300..=2000).contains(&width) && (300..=2000).contains(&height));
    assert!(
        bytes.len() > 10_000,
        "{} bytes: an almost empty picture",
        bytes.len()
    );
}

#[test]
fn the_tour_trains_both_networks_and_writes_every_output() {
    let dir = tempfile::tempdir().unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_tapegrad"))
        .current_dir(dir.path())
        .output()
        .unwrap();
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(
        out.status.success(),
        "{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );

    // The seed network: the project's reading, z1 = [[15, 16]].
    assert!(stdout.contains("z1 = x W1 + b1 = [[15, 16]]"), "{stdout}");
    let final_loss: f64 = stdout
        .lines()
        .find(|l| l.contains("final loss"))
        .and_then(|l| l.split_whitespace().nth(2))
        .map(|v| v.trim_end_matches(';').parse().unwrap())
        .unwrap();
    assert!(final_loss < 1e-4, "seed network's final loss {final_loss}");

    let files = dir.path().join("tapegrad-out");
    for name in [
        "seed-step.html",
        "step.html",
        "loss.svg",
        "decision-boundary.png",
        "model.safetensors",
    ] {
        assert!(
            stdout.contains(&format!("tapegrad-out/{name}")),
            "{name} not printed: {stdout}"
        );
    }
    assert_svg(&files.join("loss.svg"));
    assert_png(&files.join("decision-boundary.png"));
    let html = std::fs::read_to_string(files.join("seed-step.html")).unwrap();
    assert!(html.contains("<html") && html.contains("\"w1\"") && html.contains("\"loss\""));

    // The model file rebuilds through nn from its own metadata, and scores
    // the printed validation accuracy on the documented moons split.
    let path = files.join("model.safetensors");
    let meta = ParamStore::<f32>::read_metadata(&path).unwrap();
    let spec: serde_json::Value = serde_json::from_str(&meta["tapegrad.model"]).unwrap();
    let layers: Vec<usize> = serde_json::from_value(spec["layers"].clone()).unwrap();
    assert_eq!(layers, [2, 16, 16, 1]);
    assert_eq!(spec["activation"], "relu");
    assert_eq!(spec["task"], "binary");
    assert!(spec["scaling"].is_null());
    let mut store = ParamStore::<f32>::new();
    let model =
        Mlp::new(&layers, Activation::ReLU).build(&mut store, &mut StdRng::seed_from_u64(0));
    store.load(&path).unwrap();
    let mut rng = StdRng::seed_from_u64(42);
    let (_, val) = two_moons::<f32, _>(1000, 0.15, &mut rng).split(0.2, &mut rng);
    let ours = accuracy(
        &predict(&model, &store, &val.x),
        &val.y,
        Accuracy::BinaryLogits,
    );
    let line = stdout
        .lines()
        .find(|l| l.contains("validation accuracy"))
        .unwrap();
    let (correct, total) = fraction_in(line);
    assert_eq!(total, 200);
    assert_eq!(ours, correct as f64 / total as f64, "{line}");
    assert!(ours >= 0.97, "{line}");
}
