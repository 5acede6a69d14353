//! Saving and loading every parameter of a [`ParamStore`] in the
//! [safetensors](https://huggingface.co/docs/safetensors) format, readable
//! by PyTorch (`safetensors.torch.load_file`) and candle.
//!
//! Saving writes a temporary file next to the target and renames it into
//! place, so a crash never leaves a half-written checkpoint. Loading
//! checks everything (format, names, dtypes, shapes) before changing any
//! parameter, so a bad file leaves the model as it was.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use safetensors::tensor::TensorView;
use safetensors::{Dtype, SafeTensorError, SafeTensors};
use tape::{Scalar, Tensor};

use crate::ParamStore;

/// Why a checkpoint could not be saved or loaded.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum CheckpointError {
    /// The file could not be read or written.
    #[error("checkpoint {path}: {source}")]
    Io {
        /// The checkpoint's path.
        path: PathBuf,
        /// The underlying error.
        source: std::io::Error,
    },
    /// The file is not a valid safetensors file (corrupt or truncated).
    #[error("checkpoint {path} is not a valid safetensors file (corrupt or truncated?): {source}")]
    Format {
        /// The checkpoint's path.
        path: PathBuf,
        /// What the safetensors parser found wrong.
        source: SafeTensorError,
    },
    /// The model has a parameter the file does not hold.
    #[error("checkpoint {path} has no tensor `{name}`, which the model needs")]
    Missing {
        /// The checkpoint's path.
        path: PathBuf,
        /// The parameter's name.
        name: String,
    },
    /// The file holds a tensor the model has no parameter for.
    #[error("checkpoint {path} holds tensor `{name}`, which the model does not have")]
    Unexpected {
        /// The checkpoint's path.
        path: PathBuf,
        /// The tensor's name.
        name: String,
    },
    /// A tensor's element type differs from the model's.
    #[error("checkpoint {path}: tensor `{name}` is {found}, the model expects {expected}")]
    Dtype {
        /// The checkpoint's path.
        path: PathBuf,
        /// The tensor's name.
        name: String,
        /// The model's element type.
        expected: String,
        /// The file's element type.
        found: String,
    },
    /// A tensor's shape differs from the parameter's.
    #[error(
        "checkpoint {path}: tensor `{name}` has shape {found:?}, the model expects {expected:?}"
    )]
    Shape {
        /// The checkpoint's path.
        path: PathBuf,
        /// The tensor's name.
        name: String,
        /// The parameter's shape.
        expected: Vec<usize>,
        /// The file's shape.
        found: Vec<usize>,
    },
}

fn dtype_of<T: Scalar>() -> Dtype {
    if T::NAME == "f32" {
        Dtype::F32
    } else {
        Dtype::F64
    }
}

fn to_le_bytes<T: Scalar>(t: &Tensor<T>) -> Vec<u8> {
    let mut out = Vec::with_capacity(t.numel() * std::mem::size_of::<T>());
    for &x in t.data() {
        match dtype_of::<T>() {
            Dtype::F32 => out.extend((x.to_f64_lossy() as f32).to_le_bytes()),
            _ => out.extend(x.to_f64_lossy().to_le_bytes()),
        }
    }
    out
}

fn from_le_bytes<T: Scalar>(bytes: &[u8], shape: &[usize]) -> Tensor<T> {
    let data: Vec<T> = match dtype_of::<T>() {
        Dtype::F32 => bytes
            .chunks_exact(4)
            .map(|c| T::from_f64_lossy(f32::from_le_bytes(c.try_into().unwrap()) as f64))
            .collect(),
        _ => bytes
            .chunks_exact(8)
            .map(|c| T::from_f64_lossy(f64::from_le_bytes(c.try_into().unwrap())))
            .collect(),
    };
    Tensor::from_vec(data, shape.to_vec())
}

fn read_file(path: &Path) -> Result<Vec<u8>, CheckpointError> {
    std::fs::read(path).map_err(|source| CheckpointError::Io {
        path: path.to_path_buf(),
        source,
    })
}

/// The header's metadata of the safetensors bytes of `path`.
fn header_metadata(path: &Path, bytes: &[u8]) -> Result<HashMap<String, String>, CheckpointError> {
    let (_, header) =
        SafeTensors::read_metadata(bytes).map_err(|source| CheckpointError::Format {
            path: path.to_path_buf(),
            source,
        })?;
    Ok(header.metadata().clone().unwrap_or_default())
}

impl<T: Scalar> ParamStore<T> {
    /// Saves every parameter (frozen or not) under its name.
    ///
    /// ```
    /// use nn::ParamStore;
    /// use tape::Tensor;
    /// let dir = tempfile::tempdir().unwrap();
    /// let path = dir.path().join("model.safetensors");
    /// let mut store = ParamStore::<f32>::new();
    /// let w = store.add("w", Tensor::from_vec(vec![1.5, -2.0], [2]));
    /// store.save(&path).unwrap();
    /// store.set_value(w, Tensor::zeros([2]));
    /// store.load(&path).unwrap();
    /// assert_eq!(store.value(w).data(), &[1.5, -2.0]);
    /// ```
    pub fn save(&self, path: impl AsRef<Path>) -> Result<(), CheckpointError> {
        self.save_with_metadata(path, &HashMap::new())
    }

    /// Saves every parameter like [`ParamStore::save`], and stores
    /// `metadata` (string keys and values) in the file's header, next to
    /// the `format = pt` entry that PyTorch expects (a `format` key in
    /// `metadata` is ignored). Read it back with
    /// [`ParamStore::read_metadata`] or [`ParamStore::load_with_metadata`].
    ///
    /// Like `save`, it writes a temporary file next to `path` and renames
    /// it into place.
    ///
    /// ```
    /// use std::collections::HashMap;
    /// use nn::ParamStore;
    /// use tape::Tensor;
    /// let dir = tempfile::tempdir().unwrap();
    /// let path = dir.path().join("model.safetensors");
    /// let mut store = ParamStore::<f32>::new();
    /// store.add("w", Tensor::from_vec(vec![1.5, -2.0], [2]));
    /// let meta = HashMap::from([("layers".to_string(), "2,1".to_string())]);
    /// store.save_with_metadata(&path, &meta).unwrap();
    /// let read = ParamStore::<f32>::read_metadata(&path).unwrap();
    /// assert_eq!(read["layers"], "2,1");
    /// assert_eq!(read["format"], "pt");
    /// ```
    pub fn save_with_metadata(
        &self,
        path: impl AsRef<Path>,
        metadata: &HashMap<String, String>,
    ) -> Result<(), CheckpointError> {
        let path = path.as_ref();
        let io = |source| CheckpointError::Io {
            path: path.to_path_buf(),
            source,
        };
        let bytes: Vec<(&str, Vec<u8>, Vec<usize>)> = self
            .iter()
            .map(|(_, p)| {
                (
                    p.name.as_str(),
                    to_le_bytes(&p.value),
                    p.value.dims().to_vec(),
                )
            })
            .collect();
        let views = bytes.iter().map(|(name, data, shape)| {
            let view = TensorView::new(dtype_of::<T>(), shape.clone(), data)
                .expect("a tensor's bytes match its shape");
            (*name, view)
        });
        let mut meta = metadata.clone();
        meta.insert("format".to_string(), "pt".to_string());
        let encoded = safetensors::serialize(views, Some(meta)).map_err(|source| {
            CheckpointError::Format {
                path: path.to_path_buf(),
                source,
            }
        })?;
        crate::atomic::write_atomically(path, &encoded).map_err(io)
    }

    /// Loads every parameter from a checkpoint written by
    /// [`ParamStore::save`] (or any safetensors file with the same names,
    /// shapes and element type). Nothing changes unless the whole file
    /// fits the model.
    pub fn load(&mut self, path: impl AsRef<Path>) -> Result<(), CheckpointError> {
        let path = path.as_ref();
        let bytes = read_file(path)?;
        let loaded = self.parse(path, &bytes)?;
        for (id, value) in loaded {
            self.get_mut(id).value = value;
        }
        Ok(())
    }

    /// Loads every parameter like [`ParamStore::load`] and returns the
    /// metadata of the file's header (empty if it has none). Nothing
    /// changes unless the whole file fits the model.
    pub fn load_with_metadata(
        &mut self,
        path: impl AsRef<Path>,
    ) -> Result<HashMap<String, String>, CheckpointError> {
        let path = path.as_ref();
        let bytes = read_file(path)?;
        let loaded = self.parse(path, &bytes)?;
        let metadata = header_metadata(path, &bytes)?;
        for (id, value) in loaded {
            self.get_mut(id).value = value;
        }
        Ok(metadata)
    }

    /// The metadata (string keys and values) in the header of a
    /// safetensors file, without decoding its tensors or needing a model:
    /// read it to learn how to build the model a checkpoint belongs to.
    /// A file without metadata gives an empty map; a file that is not
    /// valid safetensors is a [`CheckpointError::Format`].
    pub fn read_metadata(
        path: impl AsRef<Path>,
    ) -> Result<HashMap<String, String>, CheckpointError> {
        let path = path.as_ref();
        let bytes = read_file(path)?;
        // Validates the header and the tensors' byte ranges as a whole.
        SafeTensors::deserialize(&bytes).map_err(|source| CheckpointError::Format {
            path: path.to_path_buf(),
            source,
        })?;
        header_metadata(path, &bytes)
    }

    /// Checks and decodes a whole checkpoint against this store's parameters.
    fn parse(
        &self,
        path: &Path,
        bytes: &[u8],
    ) -> Result<Vec<(crate::ParamId, Tensor<T>)>, CheckpointError> {
        let path_buf = || path.to_path_buf();
        let file = SafeTensors::deserialize(bytes).map_err(|source| CheckpointError::Format {
            path: path_buf(),
            source,
        })?;
        if let Some(name) = file.names().into_iter().find(|n| self.find(n).is_none()) {
            return Err(CheckpointError::Unexpected {
                path: path_buf(),
                name: name.to_string(),
            });
        }
        let mut out = Vec::with_capacity(self.len());
        for (id, p) in self.iter() {
            let view = file.tensor(&p.name).map_err(|_| CheckpointError::Missing {
                path: path_buf(),
                name: p.name.clone(),
            })?;
            if view.dtype() != dtype_of::<T>() {
                return Err(CheckpointError::Dtype {
                    path: path_buf(),
                    name: p.name.clone(),
                    expected: format!("{:?}", dtype_of::<T>()),
                    found: format!("{:?}", view.dtype()),
                });
            }
            if view.shape() != p.value.dims() {
                return Err(CheckpointError::Shape {
                    path: path_buf(),
                    name: p.name.clone(),
                    expected: p.value.dims().to_vec(),
                    found: view.shape().to_vec(),
                });
            }
            out.push((id, from_le_bytes(view.data(), view.shape())));
        }
        Ok(out)
    }
}
