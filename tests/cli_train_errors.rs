//! Bad input to `train`, `eval` and `predict`: a clear message naming the
//! problem, a non-zero exit, never a panic, and no output left behind
//! half-written.

use std::path::Path;
use std::process::Command;

/// Runs tapegrad in `dir`; returns (exit code, stderr). Asserts it failed
/// without a panic and printed nothing on standard output.
fn fails(dir: &Path, args: &[&str]) -> (i32, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_tapegrad"))
        .current_dir(dir)
        .args(args)
        .output()
        .unwrap();
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(!out.status.success(), "tapegrad {args:?} succeeded");
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert!(stderr.starts_with("error: "), "{stderr}");
    assert!(
        out.stdout.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    (out.status.code().unwrap(), stderr)
}

fn dir_with(files: &[(&str, &[u8])]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (name, bytes) in files {
        std::fs::write(dir.path().join(name), bytes).unwrap();
    }
    dir
}

#[test]
fn a_missing_file_is_named() {
    let dir = dir_with(&[]);
    let (code, err) = fails(
        dir.path(),
        &["train", "--data", "nope.csv", "--target", "y"],
    );
    assert_eq!(code, 2);
    assert!(
        err.contains("cannot read `nope.csv`") && err.contains("No such file"),
        "{err}"
    );
    assert!(
        !dir.path().join("tapegrad-out").exists(),
        "nothing is written"
    );
}

#[test]
fn a_non_numeric_cell_is_shown_with_file_line_and_column() {
    let dir = dir_with(&[("d.csv", b"a,b,y\n1,2,0\n3,4,1\n5, 6x ,0\n")]);
    let (code, err) = fails(dir.path(), &["train", "--data", "d.csv", "--target", "y"]);
    assert_eq!(code, 2);
    assert_eq!(
        err.trim_end(),
        "error: `d.csv`, line 4, column 2 (`b`): \"6x\" is not a number\n  --> d.csv:4:4\n   |\n   \
         | 5, 6x ,0\n   |    ^^"
    );
}

#[test]
fn an_unknown_target_lists_the_columns() {
    let dir = dir_with(&[("d.csv", b"a,b,y\n1,2,0\n3,4,1\n")]);
    let (code, err) = fails(
        dir.path(),
        &["train", "--data", "d.csv", "--target", "label"],
    );
    assert_eq!(code, 2);
    assert!(err.contains("`d.csv` has no column `label`"), "{err}");
    assert!(err.contains("its columns are: a, b, y"), "{err}");
}

#[test]
fn empty_files_and_files_without_rows_are_refused() {
    let dir = dir_with(&[("empty.csv", b""), ("header.csv", b"a,y\n")]);
    let (_, err) = fails(
        dir.path(),
        &["train", "--data", "empty.csv", "--target", "y"],
    );
    assert!(err.contains("`empty.csv` is empty"), "{err}");
    let (_, err) = fails(
        dir.path(),
        &["train", "--data", "header.csv", "--target", "y"],
    );
    assert!(
        err.contains("`header.csv` has a header line but no rows"),
        "{err}"
    );
    let dir = dir_with(&[("ragged.csv", b"a,y\n1,0\n2,1,7\n")]);
    let (_, err) = fails(
        dir.path(),
        &["train", "--data", "ragged.csv", "--target", "y"],
    );
    assert!(
        err.contains("line 3: this row has 3 fields, the header has 2"),
        "{err}"
    );
}

/// A trained moons model in `dir/m/model.safetensors`.
fn trained(dir: &Path) {
    let out = Command::new(env!("CARGO_BIN_EXE_tapegrad"))
        .current_dir(dir)
        .args([
            "train", "--data", "moons", "--epochs", "5", "--out", "m", "-q",
        ])
        .output()
        .unwrap();
    assert!(out.status.success());
}

#[test]
fn corrupt_foreign_and_mismatched_model_files_are_refused() {
    let dir = dir_with(&[("garbage.safetensors", b"definitely not safetensors")]);
    let d = dir.path();
    let (code, err) = fails(
        d,
        &["eval", "--model", "garbage.safetensors", "--data", "moons"],
    );
    assert_eq!(code, 2);
    assert!(err.contains("not a valid safetensors file"), "{err}");
    let (_, err) = fails(
        d,
        &["eval", "--model", "absent.safetensors", "--data", "moons"],
    );
    assert!(
        err.contains("absent.safetensors") && err.contains("No such file"),
        "{err}"
    );

    trained(d);
    let good = std::fs::read(d.join("m/model.safetensors")).unwrap();
    std::fs::write(d.join("truncated.safetensors"), &good[..good.len() / 2]).unwrap();
    let (_, err) = fails(
        d,
        &[
            "predict",
            "--model",
            "truncated.safetensors",
            "--data",
            "x.csv",
        ],
    );
    assert!(err.contains("corrupt or truncated"), "{err}");

    // A safetensors file without tapegrad's metadata.
    let mut store = nn::ParamStore::<f32>::new();
    store.add("w", tape::Tensor::zeros([2]));
    store.save(d.join("plain.safetensors")).unwrap();
    let (_, err) = fails(
        d,
        &["eval", "--model", "plain.safetensors", "--data", "moons"],
    );
    assert!(err.contains("not a tapegrad model"), "{err}");

    // Metadata of one architecture, tensors of another.
    let meta = nn::ParamStore::<f32>::read_metadata(d.join("m/model.safetensors")).unwrap();
    let mut other = nn::ParamStore::<f32>::new();
    nn::Mlp::new(&[2, 8, 1], nn::Activation::ReLU).build(
        &mut other,
        &mut <nn::rand::rngs::StdRng as nn::rand::SeedableRng>::seed_from_u64(0),
    );
    other
        .save_with_metadata(d.join("other.safetensors"), &meta)
        .unwrap();
    let (_, err) = fails(
        d,
        &["eval", "--model", "other.safetensors", "--data", "moons"],
    );
    assert!(
        err.contains("do not fit the architecture") && err.contains("[2, 16, 16, 1]"),
        "{err}"
    );

    // A model of two features does not read one-feature data.
    let (_, err) = fails(
        d,
        &["eval", "--model", "m/model.safetensors", "--data", "sine"],
    );
    assert!(err.contains("the model reads features [x1, x2]"), "{err}");
}

#[test]
fn contradictory_options_are_explained() {
    let dir = dir_with(&[("d.csv", b"a,y\n1,0.5\n2,1.5\n3,2.5\n")]);
    let d = dir.path();
    let cases: [(&[&str], &str); 6] = [
        (
            &["train", "--task", "regression", "--loss", "bce"],
            "--task regression contradicts --loss bce",
        ),
        (
            &["train", "--data", "moons", "--target", "y"],
            "--target y applies to CSV files",
        ),
        (&["train", "--data", "d.csv"], "needs --target COLUMN"),
        (
            &[
                "train",
                "--data",
                "d.csv",
                "--target",
                "y",
                "--samples",
                "10",
            ],
            "--samples applies to built-in",
        ),
        (
            &["train", "--data", "sine", "--task", "binary"],
            "--task binary needs exactly two classes",
        ),
        (
            &["train", "--data", "sine", "--loss", "bce"],
            "--task binary needs exactly two classes",
        ),
    ];
    for (args, expected) in cases {
        let (code, err) = fails(d, args);
        assert_eq!(code, 2, "{args:?}");
        assert!(err.contains(expected), "{args:?}: {err}");
        assert!(err.contains("= help:"), "{args:?}: {err}");
    }
    // Values clap refuses: usage errors, exit 2.
    for args in [
        &["train", "--val-split", "1"][..],
        &["train", "--layers", "16,,8"],
        &["train", "--lr", "-1"],
        &["train", "--epochs", "0"],
    ] {
        let out = Command::new(env!("CARGO_BIN_EXE_tapegrad"))
            .current_dir(d)
            .args(args)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}");
    }
    assert!(
        !d.join("tapegrad-out").exists(),
        "nothing is written on error"
    );
}

#[test]
fn predict_names_missing_feature_columns_and_an_unwritable_output() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    trained(d);
    std::fs::write(d.join("no_x2.csv"), "x1,other\n1,2\n").unwrap();
    let (code, err) = fails(
        d,
        &[
            "predict",
            "--model",
            "m/model.safetensors",
            "--data",
            "no_x2.csv",
        ],
    );
    assert_eq!(code, 2);
    assert!(err.contains("`no_x2.csv` has no column `x2`"), "{err}");

    std::fs::write(d.join("ok.csv"), "x1,x2\n1,2\n").unwrap();
    std::fs::write(d.join("keep.csv"), "precious").unwrap();
    let (code, err) = fails(
        d,
        &[
            "predict",
            "--model",
            "m/model.safetensors",
            "--data",
            "ok.csv",
            "--out",
            "missing/dir/p.csv",
        ],
    );
    assert_eq!(code, 1);
    assert!(err.contains("missing/dir/p.csv"), "{err}");

    // An --out that is a file, not a directory: an error, and the file is kept.
    let (code, err) = fails(
        d,
        &[
            "train", "--data", "moons", "--epochs", "2", "--out", "keep.csv", "-q",
        ],
    );
    assert_eq!(code, 1);
    assert!(err.contains("keep.csv"), "{err}");
    assert_eq!(
        std::fs::read_to_string(d.join("keep.csv")).unwrap(),
        "precious"
    );
}
