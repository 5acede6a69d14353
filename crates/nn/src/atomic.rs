//! Writing files so that an existing file is never left half written.

use std::io::{self, Write};
use std::path::Path;

/// Writes `contents` to `path` atomically: into a temporary file in the
/// same directory, flushed to disk, then renamed over `path` in one step.
/// A crash leaves either the old file or the new one, never a mix.
///
/// A new file gets the permissions a plain `File::create` would give
/// (0o666 minus the umask, not the temporary file's private 0o600); a
/// replaced file keeps its own.
///
/// ```
/// let path = std::env::temp_dir().join(format!("nn-atomic-doc-{}", std::process::id()));
/// nn::atomic::write_atomically(&path, b"first").unwrap();
/// nn::atomic::write_atomically(&path, b"second").unwrap();
/// assert_eq!(std::fs::read(&path).unwrap(), b"second");
/// # std::fs::remove_file(&path).unwrap();
/// ```
pub fn write_atomically(path: &Path, contents: &[u8]) -> io::Result<()> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let mut builder = tempfile::Builder::new();
    builder.prefix(".tapegrad-");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        builder.permissions(std::fs::Permissions::from_mode(0o666));
    }
    // tempfile names its temporary in the error; report just the cause.
    let mut file = builder
        .tempfile_in(dir)
        .map_err(|e| io::Error::from(e.kind()))?;
    if let Ok(existing) = std::fs::metadata(path) {
        file.as_file().set_permissions(existing.permissions())?;
    }
    file.write_all(contents)?;
    file.as_file().sync_all()?;
    file.persist(path).map_err(|e| e.error)?;
    Ok(())
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    #[test]
    fn permissions_are_those_of_a_plain_file_or_the_replaced_one() {
        let dir = tempfile::tempdir().unwrap();
        let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        let plain = dir.path().join("plain");
        std::fs::File::create(&plain).unwrap();
        let ours = dir.path().join("ours");
        write_atomically(&ours, b"x").unwrap();
        assert_eq!(mode(&ours), mode(&plain), "a new file is not private");
        std::fs::set_permissions(&ours, std::fs::Permissions::from_mode(0o640)).unwrap();
        write_atomically(&ours, b"y").unwrap();
        assert_eq!(mode(&ours), 0o640, "a replaced file keeps its mode");
        let leftovers = std::fs::read_dir(dir.path()).unwrap().count();
        assert_eq!(leftovers, 2, "no temporary file is left behind");
    }
}
