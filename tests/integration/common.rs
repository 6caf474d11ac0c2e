//! Helpers shared by the integration tests: temporary folders and OpenSSL.

use std::path::{Path, PathBuf};
use std::process::Command;

/// A fresh path under the temporary folder (not created).
pub fn temp(tag: &str) -> PathBuf {
    let mut b = [0u8; 6];
    getrandom::fill(&mut b).expect("rng");
    std::env::temp_dir().join(format!("mcert-it-{tag}-{}", hex::encode(b)))
}

/// Runs `openssl` in `dir`: whether it succeeded, and what it printed.
pub fn openssl(dir: &Path, args: &[&str]) -> (bool, String) {
    let out = Command::new("openssl")
        .args(args)
        .current_dir(dir)
        .output()
        .expect("openssl");
    (
        out.status.success(),
        format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ),
    )
}

/// Whether `openssl` is installed; a missing one fails under `MCERT_REQUIRE_OPENSSL`.
pub fn have_openssl() -> bool {
    let ok = Command::new("openssl").arg("version").output().is_ok();
    assert!(
        ok || std::env::var("MCERT_REQUIRE_OPENSSL").is_err(),
        "openssl required"
    );
    ok
}
