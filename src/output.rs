//! Writing output files so that an existing file is never left half
//! written: the content goes to a temporary file in the same directory,
//! which then replaces the target in one rename.

use std::path::Path;

use crate::error::CliError;

/// Writes `contents` to `path` atomically (temp file + rename).
pub fn write_atomically(path: &Path, contents: &str) -> Result<(), CliError> {
    write_bytes_atomically(path, contents.as_bytes())
}

/// Writes `contents` to `path` atomically (temp file + rename).
pub fn write_bytes_atomically(path: &Path, contents: &[u8]) -> Result<(), CliError> {
    let io_error = |source| CliError::Io {
        path: path.to_path_buf(),
        source,
    };
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    // Check the directory first, for a plain OS message if it is missing.
    match std::fs::metadata(dir) {
        Err(e) => return Err(io_error(e)),
        Ok(m) if !m.is_dir() => {
            let message = format!("`{}` is not a directory", dir.display());
            return Err(io_error(std::io::Error::other(message)));
        }
        Ok(_) => {}
    }
    nn::atomic::write_atomically(path, contents).map_err(io_error)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replaces_the_file_and_leaves_no_temporaries() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("out.txt");
        std::fs::write(&path, "old").unwrap();
        write_atomically(&path, "new contents").unwrap();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "new contents");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[cfg(unix)]
    #[test]
    fn permissions_are_those_of_a_plain_file_or_the_replaced_one() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let fresh = dir.path().join("fresh.txt");
        write_atomically(&fresh, "x").unwrap();
        let plain = dir.path().join("plain.txt");
        std::fs::write(&plain, "x").unwrap();
        let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(&fresh), mode(&plain));
        std::fs::set_permissions(&plain, std::fs::Permissions::from_mode(0o640)).unwrap();
        write_atomically(&plain, "y").unwrap();
        assert_eq!(mode(&plain), 0o640);
    }

    #[test]
    fn a_missing_directory_is_an_io_error_naming_the_path() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("no/such/dir/out.txt");
        let err = write_atomically(&path, "x").unwrap_err();
        assert!(matches!(err, CliError::Io { .. }));
        let message = err.to_string();
        assert!(message.contains("no/such/dir/out.txt"), "{message}");
        assert!(!message.contains(".tapegrad-"), "{message}");
        assert_eq!(err.exit_code(), 1);
    }
}
