//! Reading a CSV file with a header line into a table of text cells, and
//! its columns as numbers, with errors that name the file, line and column.

use std::path::{Path, PathBuf};

use super::DataError;
use crate::diagnostic::Span;

/// A CSV file: its header and its rows of (trimmed) cells.
#[derive(Debug)]
pub struct Table {
    /// The file it was read from.
    pub path: PathBuf,
    /// The column names.
    pub headers: Vec<String>,
    /// The rows, each as long as the header.
    pub rows: Vec<Row>,
    /// The file's bytes, to show an offending line.
    bytes: Vec<u8>,
}

/// One row of a [`Table`].
#[derive(Debug)]
pub struct Row {
    /// Its line in the file (from 1; the header is line 1).
    pub line: u64,
    /// Its first byte in the file.
    pub byte: u64,
    /// Its cells.
    pub cells: Vec<String>,
}

/// Parses a cell as a finite number.
pub fn number(cell: &str) -> Option<f64> {
    cell.parse::<f64>().ok().filter(|x| x.is_finite())
}

/// Reads a CSV file with a header line and at least one row.
pub fn read(path: &Path) -> Result<Table, DataError> {
    let bytes = std::fs::read(path).map_err(|source| DataError::Read {
        path: path.to_path_buf(),
        source,
    })?;
    // The csv crate does not count skipped blank lines; count them here.
    let line_at = |byte: u64| {
        let end = (byte as usize).min(bytes.len());
        bytes[..end].iter().filter(|&&b| b == b'\n').count() as u64 + 1
    };
    let malformed = |e: csv::Error| DataError::Malformed {
        path: path.to_path_buf(),
        line: e.position().map_or(1, |p| line_at(p.byte())),
        message: match e.kind() {
            csv::ErrorKind::UnequalLengths {
                expected_len, len, ..
            } => format!("this row has {len} fields, the header has {expected_len}"),
            csv::ErrorKind::Utf8 { .. } => "the text is not valid UTF-8".to_string(),
            _ => e.to_string(),
        },
    };
    let mut reader = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .from_reader(bytes.as_slice());
    let headers: Vec<String> = reader
        .headers()
        .map_err(malformed)?
        .iter()
        .map(str::to_string)
        .collect();
    if headers.iter().all(String::is_empty) {
        return Err(DataError::Empty {
            path: path.to_path_buf(),
        });
    }
    for (i, h) in headers.iter().enumerate() {
        if headers[..i].contains(h) {
            return Err(DataError::DuplicateColumn {
                path: path.to_path_buf(),
                column: h.clone(),
            });
        }
    }
    let mut rows = Vec::new();
    let (mut counted_to, mut line) = (0usize, 1u64);
    for record in reader.records() {
        let record = record.map_err(malformed)?;
        let pos = record
            .position()
            .expect("records read from a file have positions");
        // The position is where reading began, before any blank lines.
        let mut byte = pos.byte() as usize;
        while matches!(bytes.get(byte), Some(b'\n' | b'\r')) {
            byte += 1;
        }
        line += bytes[counted_to..byte]
            .iter()
            .filter(|&&b| b == b'\n')
            .count() as u64;
        counted_to = byte;
        rows.push(Row {
            line,
            byte: byte as u64,
            cells: record.iter().map(str::to_string).collect(),
        });
    }
    if rows.is_empty() {
        return Err(DataError::NoRows {
            path: path.to_path_buf(),
        });
    }
    Ok(Table {
        path: path.to_path_buf(),
        headers,
        rows,
        bytes,
    })
}

impl Table {
    /// The index of the column `name`.
    pub fn column(&self, name: &str) -> Result<usize, DataError> {
        self.headers
            .iter()
            .position(|h| h == name)
            .ok_or_else(|| DataError::UnknownColumn {
                path: self.path.clone(),
                column: name.to_string(),
                available: self.headers.clone(),
            })
    }

    /// Whether no cell of column `col` is a number (a text column).
    pub fn is_text(&self, col: usize) -> bool {
        self.rows.iter().all(|r| number(&r.cells[col]).is_none())
    }

    /// The cells of column `col`.
    pub fn texts(&self, col: usize) -> Vec<String> {
        self.rows.iter().map(|r| r.cells[col].clone()).collect()
    }

    /// Column `col` as numbers; the first cell that is not a number is an
    /// error naming its line and column.
    pub fn numbers(&self, col: usize) -> Result<Vec<f64>, DataError> {
        self.rows
            .iter()
            .map(|r| number(&r.cells[col]).ok_or_else(|| self.not_a_number(r, col)))
            .collect()
    }

    fn not_a_number(&self, row: &Row, col: usize) -> DataError {
        DataError::NotANumber {
            path: self.path.clone(),
            line: row.line,
            column: col + 1,
            name: self.headers[col].clone(),
            value: row.cells[col].clone(),
            snippet: self.snippet(row, col).map(Box::new),
        }
    }

    /// The row's line and the span of cell `col` in it, when the line is
    /// simple enough (no quotes) to find the cell by its commas.
    fn snippet(&self, row: &Row, col: usize) -> Option<(String, Span)> {
        let rest = self.bytes.get(row.byte as usize..)?;
        let end = rest.iter().position(|&b| b == b'\n').unwrap_or(rest.len());
        let line = std::str::from_utf8(&rest[..end])
            .ok()?
            .trim_end_matches('\r');
        if line.contains('"') {
            return None;
        }
        let mut start = 0;
        for (i, field) in line.split(',').enumerate() {
            if i == col {
                let lead = field.len() - field.trim_start().len();
                let s = start + lead;
                return Some((line.to_string(), Span::new(s, s + field.trim().len())));
            }
            start += field.len() + 1;
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table(text: &str) -> Result<Table, DataError> {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.csv");
        std::fs::write(&path, text).unwrap();
        read(&path)
    }

    #[test]
    fn reads_cells_and_lines() {
        let t = table("a, b\n1, x\n\n2.5,y\n").unwrap();
        assert_eq!(t.headers, ["a", "b"]);
        assert_eq!(t.numbers(0).unwrap(), [1.0, 2.5]);
        assert!(t.is_text(1));
        assert_eq!(t.rows[1].line, 4);
    }

    #[test]
    fn a_bad_cell_names_line_column_and_points_at_it() {
        let t = table("a,b\n1,2\n3, oops \n").unwrap();
        let err = t.numbers(1).unwrap_err();
        let DataError::NotANumber {
            line,
            column,
            snippet,
            ..
        } = &err
        else {
            panic!("{err:?}")
        };
        assert_eq!((*line, *column), (3, 2));
        assert_eq!(snippet.as_ref().unwrap().1, Span::new(3, 7));
        assert!(
            err.report().contains("   | 3, oops \n   |    ^^^^"),
            "{}",
            err.report()
        );
    }

    #[test]
    fn empty_ragged_and_duplicate_files_are_errors() {
        assert!(matches!(table(""), Err(DataError::Empty { .. })));
        assert!(matches!(table("a,b\n"), Err(DataError::NoRows { .. })));
        let err = table("a,b\n1,2\n1,2,3\n").unwrap_err();
        assert!(
            matches!(err, DataError::Malformed { line: 3, .. }),
            "{err:?}"
        );
        assert!(matches!(
            table("a,a\n1,2\n"),
            Err(DataError::DuplicateColumn { .. })
        ));
    }

    #[test]
    fn non_finite_cells_are_not_numbers() {
        assert_eq!(number("1e3"), Some(1000.0));
        assert_eq!(number("NaN"), None);
        assert_eq!(number("inf"), None);
        assert_eq!(number(""), None);
    }
}
