//! The data a command works on: a built-in dataset or a CSV file, read
//! into feature rows and a target column.

pub mod builtin;
pub mod csv;
mod error;
pub mod target;

use std::path::{Path, PathBuf};

use nn::rand::rngs::StdRng;

pub use builtin::Builtin;
pub use error::DataError;
pub use target::TargetColumn;

/// Where `--data` points.
#[derive(Clone, Debug, PartialEq)]
pub enum Source {
    /// A built-in dataset.
    Builtin(Builtin),
    /// A CSV file with a header line.
    Csv(PathBuf),
}

impl Source {
    /// A built-in name (`moons`, `xor`, `circles`, `sine`) or else a path.
    pub fn parse(text: &str) -> Source {
        match Builtin::from_name(text) {
            Some(b) => Source::Builtin(b),
            None => Source::Csv(PathBuf::from(text)),
        }
    }

    /// How it is named in summaries and metadata.
    pub fn name(&self) -> String {
        match self {
            Source::Builtin(b) => b.name().to_string(),
            Source::Csv(p) => p.display().to_string(),
        }
    }
}

/// Examples with named features and a target column not yet encoded.
#[derive(Debug)]
pub struct Examples {
    /// The feature names, in column order.
    pub features: Vec<String>,
    /// The feature values, row-major (`rows x features.len()`).
    pub x: Vec<f64>,
    /// The target column.
    pub target: TargetColumn,
    /// Text columns that were left out of the features.
    pub ignored: Vec<String>,
}

impl Examples {
    /// The number of examples.
    pub fn rows(&self) -> usize {
        self.target.cells.len()
    }
}

/// Reads examples for training from `source`: `samples` points of a
/// built-in dataset drawn with `rng`, or a CSV file whose `target` column
/// is the target and whose other numeric columns are the features (text
/// columns are left out).
pub fn load(
    source: &Source,
    target: Option<&str>,
    samples: usize,
    rng: &mut StdRng,
) -> Result<Examples, DataError> {
    match source {
        Source::Builtin(b) => {
            let d = b.generate(samples, rng);
            let y: Vec<f64> = d.y.data().iter().map(|&v| v as f64).collect();
            Ok(Examples {
                features: b.features(),
                x: d.x.data().iter().map(|&v| v as f64).collect(),
                target: TargetColumn {
                    name: b.target().to_string(),
                    cells: y.iter().map(|v| v.to_string()).collect(),
                    numbers: Ok(y),
                },
                ignored: vec![],
            })
        }
        Source::Csv(path) => {
            let target = target.expect("a CSV source comes with a target column");
            load_csv(path, target)
        }
    }
}

fn load_csv(path: &Path, target: &str) -> Result<Examples, DataError> {
    let table = csv::read(path)?;
    let t = table.column(target)?;
    let (mut features, mut ignored, mut columns) = (vec![], vec![], vec![]);
    for (j, name) in table.headers.iter().enumerate() {
        if j == t {
            continue;
        }
        if table.is_text(j) {
            ignored.push(name.clone());
        } else {
            columns.push(table.numbers(j)?);
            features.push(name.clone());
        }
    }
    if features.is_empty() {
        return Err(DataError::NoFeatures {
            path: path.to_path_buf(),
            target: target.to_string(),
        });
    }
    Ok(Examples {
        x: row_major(&columns, table.rows.len()),
        features,
        target: TargetColumn {
            name: target.to_string(),
            cells: table.texts(t),
            numbers: table.numbers(t),
        },
        ignored,
    })
}

/// The named feature columns of a CSV file (in that order, row-major),
/// the table, and the target column if the file has a column `target`.
pub fn load_features(
    path: &Path,
    features: &[String],
    target: &str,
) -> Result<(Vec<f64>, csv::Table, Option<TargetColumn>), DataError> {
    let table = csv::read(path)?;
    let columns = features
        .iter()
        .map(|f| table.column(f).and_then(|j| table.numbers(j)))
        .collect::<Result<Vec<_>, _>>()?;
    let target = table.column(target).ok().map(|t| TargetColumn {
        name: target.to_string(),
        cells: table.texts(t),
        numbers: table.numbers(t),
    });
    Ok((row_major(&columns, table.rows.len()), table, target))
}

fn row_major(columns: &[Vec<f64>], rows: usize) -> Vec<f64> {
    let mut x = Vec::with_capacity(rows * columns.len());
    for i in 0..rows {
        x.extend(columns.iter().map(|c| c[i]));
    }
    x
}
