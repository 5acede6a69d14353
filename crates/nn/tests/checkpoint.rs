//! Checkpoints: round trips, atomic writes, and clear errors for corrupt,
//! truncated or mismatched files.

use nn::rand::{rngs::StdRng, SeedableRng};
use nn::{Activation, CheckpointError, Mlp, ParamStore};
use safetensors::SafeTensors;
use tape::Tensor;

fn model<T: tape::Scalar>(seed: u64) -> ParamStore<T> {
    let mut store = ParamStore::new();
    Mlp::new(&[3, 4, 2], Activation::Tanh).build(&mut store, &mut StdRng::seed_from_u64(seed));
    store
}

fn values<T: tape::Scalar>(s: &ParamStore<T>) -> Vec<(String, Tensor<T>)> {
    s.iter()
        .map(|(_, p)| (p.name.clone(), p.value.clone()))
        .collect()
}

#[test]
fn round_trip_restores_every_parameter_exactly() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("m.safetensors");
    let saved = model::<f32>(1);
    saved.save(&path).unwrap();
    let mut other = model::<f32>(2);
    assert_ne!(values(&saved), values(&other));
    other.load(&path).unwrap();
    assert_eq!(values(&saved), values(&other));

    let path64 = dir.path().join("m64.safetensors");
    let saved = model::<f64>(3);
    saved.save(&path64).unwrap();
    let mut other = model::<f64>(4);
    other.load(&path64).unwrap();
    assert_eq!(values(&saved), values(&other));
    // Only the final files remain: the temporary file was renamed.
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 2);
}

#[test]
fn the_file_is_standard_safetensors() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("m.safetensors");
    let store = model::<f32>(1);
    store.save(&path).unwrap();
    let bytes = std::fs::read(&path).unwrap();
    let file = SafeTensors::deserialize(&bytes).unwrap();
    let mut names = file.names();
    names.sort();
    assert_eq!(
        names,
        ["mlp.0.bias", "mlp.0.weight", "mlp.1.bias", "mlp.1.weight"]
    );
    let w = file.tensor("mlp.0.weight").unwrap();
    assert_eq!(w.shape(), &[4, 3]); // PyTorch's [out, in]
    assert_eq!(w.dtype(), safetensors::Dtype::F32);
    let id = store.find("mlp.0.weight").unwrap();
    let first = f32::from_le_bytes(w.data()[..4].try_into().unwrap());
    assert_eq!(first, store.value(id).data()[0]);
}

#[test]
fn saving_replaces_an_existing_checkpoint() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("m.safetensors");
    model::<f32>(1).save(&path).unwrap();
    let newer = model::<f32>(2);
    newer.save(&path).unwrap();
    let mut loaded = model::<f32>(3);
    loaded.load(&path).unwrap();
    assert_eq!(values(&loaded), values(&newer));
}

fn load_err(bytes: &[u8], into: &mut ParamStore<f32>) -> CheckpointError {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bad.safetensors");
    std::fs::write(&path, bytes).unwrap();
    let before = values(into);
    let err = into.load(&path).unwrap_err();
    assert_eq!(
        values(into),
        before,
        "a failed load must not change the model"
    );
    assert!(err.to_string().contains("bad.safetensors"), "{err}");
    err
}

fn good_bytes() -> Vec<u8> {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("m.safetensors");
    model::<f32>(1).save(&path).unwrap();
    std::fs::read(&path).unwrap()
}

#[test]
fn truncated_and_corrupt_files_are_format_errors() {
    let bytes = good_bytes();
    let mut store = model::<f32>(9);
    for cut in [0, 5, 20, bytes.len() - 1] {
        let err = load_err(&bytes[..cut], &mut store);
        assert!(
            matches!(err, CheckpointError::Format { .. }),
            "cut {cut}: {err}"
        );
        assert!(err.to_string().contains("not a valid safetensors file"));
    }
    let mut garbage = bytes.clone();
    garbage[10] = b'\xff';
    garbage[11] = b'{';
    let err = load_err(&garbage, &mut store);
    assert!(matches!(err, CheckpointError::Format { .. }), "{err}");
}

#[test]
fn missing_extra_misshapen_and_mistyped_tensors_are_named() {
    let bytes = good_bytes();
    // A model with an extra layer needs tensors the file lacks.
    let mut bigger = ParamStore::<f32>::new();
    Mlp::new(&[3, 4, 2, 1], Activation::Tanh).build(&mut bigger, &mut StdRng::seed_from_u64(0));
    let err = load_err(&bytes, &mut bigger);
    assert!(
        matches!(&err, CheckpointError::Missing { name, .. } if name == "mlp.2.weight"),
        "{err}"
    );

    let mut smaller = ParamStore::<f32>::new();
    Mlp::new(&[3, 4], Activation::Tanh).build(&mut smaller, &mut StdRng::seed_from_u64(0));
    let err = load_err(&bytes, &mut smaller);
    assert!(
        matches!(&err, CheckpointError::Unexpected { name, .. } if name.starts_with("mlp.1")),
        "{err}"
    );

    let mut wider = ParamStore::<f32>::new();
    Mlp::new(&[3, 5, 2], Activation::Tanh).build(&mut wider, &mut StdRng::seed_from_u64(0));
    let err = load_err(&bytes, &mut wider);
    match &err {
        CheckpointError::Shape {
            expected, found, ..
        } => assert_ne!(expected, found),
        other => panic!("expected a shape error, got {other}"),
    }
    assert!(err.to_string().contains("has shape"));

    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("m64.safetensors");
    model::<f64>(1).save(&path).unwrap();
    let mut store = model::<f32>(1);
    let err = store.load(&path).unwrap_err();
    assert!(
        err.to_string().contains("is F64, the model expects F32"),
        "{err}"
    );
}

#[test]
fn a_missing_file_is_an_io_error() {
    let mut store = model::<f32>(1);
    let err = store.load("/nonexistent/dir/m.safetensors").unwrap_err();
    assert!(matches!(err, CheckpointError::Io { .. }));
    assert!(err.to_string().contains("/nonexistent/dir/m.safetensors"));
    let err = store.save("/nonexistent/dir/m.safetensors").unwrap_err();
    assert!(matches!(err, CheckpointError::Io { .. }));
}

#[test]
fn metadata_round_trips_beside_the_tensors() {
    use std::collections::HashMap;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("m.safetensors");
    let saved = model::<f32>(1);
    let meta = HashMap::from([
        ("arch".to_string(), r#"{"layers":[3,4,2]}"#.to_string()),
        ("format".to_string(), "ignored".to_string()),
    ]);
    saved.save_with_metadata(&path, &meta).unwrap();

    // Readable without a model, and by any safetensors reader.
    let read = ParamStore::<f32>::read_metadata(&path).unwrap();
    assert_eq!(read.len(), 2);
    assert_eq!(read["arch"], r#"{"layers":[3,4,2]}"#);
    assert_eq!(read["format"], "pt");
    let bytes = std::fs::read(&path).unwrap();
    let (_, header) = SafeTensors::read_metadata(&bytes).unwrap();
    assert_eq!(header.metadata().as_ref().unwrap()["arch"], read["arch"]);

    let mut other = model::<f32>(2);
    let loaded = other.load_with_metadata(&path).unwrap();
    assert_eq!(loaded, read);
    assert_eq!(values(&saved), values(&other));

    // A checkpoint saved without metadata has only the format entry.
    saved.save(&path).unwrap();
    let plain = ParamStore::<f32>::read_metadata(&path).unwrap();
    assert_eq!(
        plain,
        HashMap::from([("format".to_string(), "pt".to_string())])
    );
}

#[test]
fn metadata_of_corrupt_or_mismatched_files_is_an_error_and_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bad.safetensors");
    let good = good_bytes();
    std::fs::write(&path, &good[..good.len() - 3]).unwrap();
    let err = ParamStore::<f32>::read_metadata(&path).unwrap_err();
    assert!(matches!(err, CheckpointError::Format { .. }), "{err}");
    std::fs::write(&path, b"not a checkpoint").unwrap();
    let err = ParamStore::<f32>::read_metadata(&path).unwrap_err();
    assert!(matches!(err, CheckpointError::Format { .. }), "{err}");
    let err = ParamStore::<f32>::read_metadata(dir.path().join("none")).unwrap_err();
    assert!(matches!(err, CheckpointError::Io { .. }), "{err}");

    // A file of another architecture: nothing is loaded.
    let mut other_shape = ParamStore::<f32>::new();
    Mlp::new(&[3, 5, 2], Activation::Tanh).build(&mut other_shape, &mut StdRng::seed_from_u64(0));
    other_shape
        .save_with_metadata(&path, &Default::default())
        .unwrap();
    let mut target = model::<f32>(3);
    let before = values(&target);
    let err = target.load_with_metadata(&path).unwrap_err();
    assert!(matches!(err, CheckpointError::Shape { .. }), "{err}");
    assert_eq!(values(&target), before);
}

#[cfg(unix)]
#[test]
fn a_saved_checkpoint_is_not_private_and_a_replaced_one_keeps_its_mode() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let mode = |p: &std::path::Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    let plain = dir.path().join("plain");
    std::fs::File::create(&plain).unwrap();
    let mut store = nn::ParamStore::<f32>::new();
    store.add("w", tape::Tensor::from_vec(vec![1.0, 2.0], [2]));
    let path = dir.path().join("model.safetensors");
    store.save(&path).unwrap();
    assert_eq!(mode(&path), mode(&plain));
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
    store.save(&path).unwrap();
    assert_eq!(mode(&path), 0o644);
}
