//! The advisory lock on an output directory: one impunity process at a time fills it.
//!
//! `run`, `sweep`, `compare`, `merge` and their `--resume` take it (through
//! [`super::Ensemble::run_in`] and [`super::Ensemble::merge`]) before they look at the
//! directory, and hold it until their outputs are written; a second process is refused at once
//! with [`EnsembleError::Locked`], never left to share the directory's temporary files.
//!
//! The lock is an exclusive `flock` (Unix; `LockFileEx` on Windows, through the `fs4` crate)
//! on `DIR/.impunity.lock`. The operating system releases it when the process ends, however it
//! ends (a killed run leaves no stale lock, only, at worst, the empty file, which is ignored).
//! The holder removes the file before releasing it; a process that locked a file just removed
//! that way sees that the file it holds is no longer the one in the directory and tries again,
//! so two processes can never both believe they hold the lock.

use super::EnsembleError;
use std::fs::{self, File, OpenOptions};
use std::path::{Path, PathBuf};

/// The lock file's name in an output directory (ignored when deciding whether it is empty).
pub(crate) const LOCK_NAME: &str = ".impunity.lock";

/// A held lock on a directory; released (and its file removed) when dropped.
#[derive(Debug)]
pub(crate) struct DirLock {
    path: PathBuf,
    file: Option<File>,
}

impl DirLock {
    /// Creates `dir` if needed and takes its lock, or fails at once with
    /// [`EnsembleError::Locked`] if another process holds it.
    pub(crate) fn acquire(dir: &Path) -> Result<DirLock, EnsembleError> {
        fs::create_dir_all(dir).map_err(EnsembleError::io(dir))?;
        let path = dir.join(LOCK_NAME);
        for _ in 0..100 {
            let file = OpenOptions::new()
                .create(true)
                .truncate(false)
                .read(true)
                .write(true)
                .open(&path)
                .map_err(EnsembleError::io(&path))?;
            match fs4::FileExt::try_lock(&file) {
                Ok(()) => {}
                Err(fs4::TryLockError::WouldBlock) => {
                    return Err(EnsembleError::Locked {
                        dir: dir.to_path_buf(),
                    });
                }
                Err(fs4::TryLockError::Error(e)) => return Err(EnsembleError::io(&path)(e)),
            }
            if same_file(&file, &path) {
                return Ok(DirLock {
                    path,
                    file: Some(file),
                });
            }
            // The holder removed the file between our open and our lock: try again.
        }
        Err(EnsembleError::Locked {
            dir: dir.to_path_buf(),
        })
    }
}

impl Drop for DirLock {
    fn drop(&mut self) {
        // Removed while still held, so nobody can lock it after us and think it is current.
        let _ = fs::remove_file(&self.path);
        drop(self.file.take());
    }
}

/// Whether the open `file` is the file now at `path`.
#[cfg(unix)]
fn same_file(file: &File, path: &Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    match (file.metadata(), fs::metadata(path)) {
        (Ok(a), Ok(b)) => a.dev() == b.dev() && a.ino() == b.ino(),
        _ => false,
    }
}

/// Whether the open `file` is the file now at `path` (elsewhere: whether `path` still exists;
/// Windows does not let a file that is open be removed).
#[cfg(not(unix))]
fn same_file(_file: &File, path: &Path) -> bool {
    path.exists()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_second_holder_is_refused_until_the_first_lets_go() {
        let dir = std::env::temp_dir().join(format!("impunity-lock-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        let first = DirLock::acquire(&dir).unwrap();
        assert!(dir.join(LOCK_NAME).is_file());
        let e = DirLock::acquire(&dir).unwrap_err();
        assert!(matches!(e, EnsembleError::Locked { .. }), "{e:?}");
        drop(first);
        assert!(!dir.join(LOCK_NAME).exists());
        let again = DirLock::acquire(&dir).unwrap();
        drop(again);
        fs::remove_dir_all(&dir).unwrap();
    }
}
