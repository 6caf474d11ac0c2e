//! Temporary folders.

use std::path::{Path, PathBuf};

/// Twelve random hex digits: unique folder and database names.
pub fn random_suffix() -> String {
    let mut b = [0u8; 6];
    getrandom::fill(&mut b).expect("rng");
    hex::encode(b)
}

/// A fresh path `mcert-{tag}-{random}` under the temporary folder (not created, not removed).
pub fn temp_path(tag: &str) -> PathBuf {
    std::env::temp_dir().join(format!("mcert-{tag}-{}", random_suffix()))
}

/// A folder removed with everything in it when dropped.
#[derive(Debug)]
pub struct TempDir(pub PathBuf);

impl TempDir {
    /// Creates `mcert-{tag}-{random}` under the temporary folder.
    pub fn new(tag: &str) -> TempDir {
        let p = temp_path(tag);
        std::fs::create_dir_all(&p).expect("mkdir");
        TempDir(p)
    }

    /// `name` inside the folder.
    pub fn path(&self, name: &str) -> PathBuf {
        self.0.join(name)
    }

    /// Writes `name` inside the folder; returns its path.
    pub fn write(&self, name: &str, data: impl AsRef<[u8]>) -> PathBuf {
        let p = self.path(name);
        std::fs::write(&p, data).expect("write");
        p
    }

    /// Reads `name` inside the folder.
    pub fn read(&self, name: &str) -> Vec<u8> {
        std::fs::read(self.path(name)).expect("read")
    }
}

impl AsRef<Path> for TempDir {
    fn as_ref(&self) -> &Path {
        &self.0
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}
