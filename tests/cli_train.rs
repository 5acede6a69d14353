//! `tapegrad train` on every built-in dataset reaches sensible quality,
//! and a CSV file goes through train -> predict -> eval.

use std::path::Path;
use std::process::{Command, Output};

fn tapegrad(dir: &Path, args: &[&str]) -> Output {
    let out = Command::new(env!("CARGO_BIN_EXE_tapegrad"))
        .current_dir(dir)
        .args(args)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "tapegrad {args:?}\n{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

/// The number after `key` on the line containing it.
fn number_after(text: &str, key: &str) -> f64 {
    let line = text
        .lines()
        .find(|l| l.contains(key))
        .unwrap_or_else(|| panic!("{text}"));
    let rest = &line[line.find(key).unwrap() + key.len()..];
    rest.split_whitespace()
        .next()
        .unwrap()
        .trim_end_matches([',', '%'])
        .parse()
        .unwrap()
}

fn train(data: &str, extra: &[&str]) -> (tempfile::TempDir, String) {
    let dir = tempfile::tempdir().unwrap();
    let mut args = vec!["train", "--data", data, "--quiet"];
    args.extend(extra);
    let out = tapegrad(dir.path(), &args);
    (dir, String::from_utf8(out.stdout).unwrap())
}

#[test]
fn moons_reach_97_percent_validation_accuracy() {
    let (dir, text) = train("moons", &[]);
    assert!(number_after(&text, "validation accuracy") >= 97.0, "{text}");
    let files = dir.path().join("tapegrad-out");
    for name in [
        "model.safetensors",
        "loss.svg",
        "decision-boundary.png",
        "step.html",
    ] {
        assert!(files.join(name).is_file(), "{name}");
    }
}

#[test]
fn xor_and_circles_are_learned() {
    for data in ["xor", "circles"] {
        let (_, text) = train(data, &["--epochs", "60"]);
        assert!(
            number_after(&text, "validation accuracy") >= 95.0,
            "{data}: {text}"
        );
    }
}

/// noisy_sine has noise of standard deviation 0.1, so the best possible
/// validation MSE is about 0.01; the bound allows twice that.
#[test]
fn sine_regression_gets_validation_mse_below_0_02() {
    let (dir, text) = train("sine", &["--activation", "tanh"]);
    assert!(text.contains("regression (inferred)"), "{text}");
    let mse = number_after(&text, "validation MSE");
    assert!(mse < 0.02, "{text}");
    assert!(dir.path().join("tapegrad-out/fit.svg").is_file());
}

#[test]
fn other_options_train_too() {
    let (_, text) = train(
        "moons",
        &[
            "--optimizer",
            "sgd",
            "--lr",
            "0.05",
            "--layers",
            "32",
            "--epochs",
            "40",
            "--standardize",
        ],
    );
    assert!(text.contains("MLP 2-32-1"), "{text}");
    assert!(number_after(&text, "validation accuracy") >= 90.0, "{text}");
    let (_, text) = train(
        "moons",
        &[
            "--task",
            "multiclass",
            "--optimizer",
            "adamw",
            "--epochs",
            "40",
        ],
    );
    assert!(
        text.contains("loss cross-entropy") && text.contains("MLP 2-16-16-2"),
        "{text}"
    );
    assert!(number_after(&text, "validation accuracy") >= 95.0, "{text}");
}

/// Three Gaussian blobs with text labels and an ignored text column.
fn blobs_csv(path: &Path, rows: usize, seed: u64) -> Vec<String> {
    use nn::rand::{rngs::StdRng, SeedableRng};
    let noise = tape::Tensor::<f64>::randn([rows, 2], &mut StdRng::seed_from_u64(seed));
    let centers = [("red", 0.0, 0.0), ("green", 4.0, 0.0), ("blue", 0.0, 4.0)];
    let mut text = String::from("name,a,b,colour\n");
    let mut labels = Vec::new();
    for i in 0..rows {
        let (label, cx, cy) = centers[i % 3];
        let (a, b) = (
            cx + noise.data()[2 * i],
            (cy + noise.data()[2 * i + 1]) * 100.0,
        );
        text.push_str(&format!("p{i},{a:.4},{b:.3},{label}\n"));
        labels.push(label.to_string());
    }
    std::fs::write(path, text).unwrap();
    labels
}

#[test]
fn a_csv_goes_through_train_predict_and_eval() {
    let dir = tempfile::tempdir().unwrap();
    blobs_csv(&dir.path().join("train.csv"), 300, 1);
    let labels = blobs_csv(&dir.path().join("new.csv"), 60, 2);
    let out = tapegrad(
        dir.path(),
        &[
            "train",
            "--data",
            "train.csv",
            "--target",
            "colour",
            "--standardize",
            "--epochs",
            "40",
            "--out",
            "m",
            "-q",
        ],
    );
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains("multiclass classification (inferred)"),
        "{text}"
    );
    assert!(text.contains("classes blue, green, red"), "{text}");
    assert!(text.contains("text columns left out: name"), "{text}");
    assert!(number_after(&text, "validation accuracy") >= 95.0, "{text}");

    let out = tapegrad(
        dir.path(),
        &[
            "predict",
            "--model",
            "m/model.safetensors",
            "--data",
            "new.csv",
            "--out",
            "pred.csv",
        ],
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("wrote 60 predictions"));
    let mut reader = csv::Reader::from_path(dir.path().join("pred.csv")).unwrap();
    let header: Vec<String> = reader.headers().unwrap().iter().map(String::from).collect();
    assert_eq!(
        header,
        ["a", "b", "predicted_colour", "p_blue", "p_green", "p_red"]
    );
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), 60);
    let mut right = 0;
    for (row, label) in rows.iter().zip(&labels) {
        let p: Vec<f64> = (3..6).map(|j| row[j].parse().unwrap()).collect();
        assert!((p.iter().sum::<f64>() - 1.0).abs() < 1e-4, "{row:?}");
        let best = ["blue", "green", "red"][(0..3).fold(0, |b, j| if p[j] > p[b] { j } else { b })];
        assert_eq!(&row[2], best, "the label is the most probable class");
        right += usize::from(&row[2] == label);
    }
    assert!(right >= 57, "{right}/60 new points right");

    // Without --out, the CSV goes to standard output.
    let out = tapegrad(
        dir.path(),
        &[
            "predict",
            "--model",
            "m/model.safetensors",
            "--data",
            "new.csv",
        ],
    );
    let printed = String::from_utf8(out.stdout).unwrap();
    assert_eq!(
        printed,
        std::fs::read_to_string(dir.path().join("pred.csv")).unwrap()
    );

    // eval scores the same predictions.
    let out = tapegrad(
        dir.path(),
        &[
            "eval",
            "--model",
            "m/model.safetensors",
            "--data",
            "new.csv",
        ],
    );
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains(&format!("({right}/60)")), "{text}");
}

#[test]
fn eval_on_a_builtin_dataset_and_retraining_replaces_outputs_whole() {
    let dir = tempfile::tempdir().unwrap();
    let args = ["train", "--data", "circles", "--epochs", "30", "-q"];
    tapegrad(dir.path(), &args);
    tapegrad(dir.path(), &args);
    let mut names: Vec<String> = std::fs::read_dir(dir.path().join("tapegrad-out"))
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    names.sort();
    assert_eq!(
        names,
        [
            "decision-boundary.png",
            "loss.svg",
            "model.safetensors",
            "step.html"
        ]
    );
    let out = tapegrad(
        dir.path(),
        &[
            "eval",
            "--model",
            "tapegrad-out/model.safetensors",
            "--data",
            "circles",
            "--seed",
            "7",
        ],
    );
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("data      circles (1000 examples)"), "{text}");
    assert!(number_after(&text, "accuracy") >= 95.0, "{text}");
}
