//! The `openssl` command. Tests that need it skip when it is missing; with
//! `MCERT_REQUIRE_OPENSSL` set (CI sets it) a missing `openssl` fails them instead.

use std::path::Path;
use std::process::Command;

/// Whether `openssl` runs; a missing one fails under `MCERT_REQUIRE_OPENSSL`.
pub fn have_openssl() -> bool {
    let found = Command::new("openssl")
        .arg("version")
        .output()
        .map(|o| o.status.success())
        .unwrap_or(false);
    if !found {
        assert!(
            std::env::var("MCERT_REQUIRE_OPENSSL").is_err(),
            "MCERT_REQUIRE_OPENSSL is set but openssl is not installed"
        );
        eprintln!("openssl not found: skipping interoperability test");
    }
    found
}

/// Runs `openssl` with `args` in `dir`: whether it succeeded, and stdout + stderr.
pub fn openssl(dir: impl AsRef<Path>, args: &[&str]) -> (bool, String) {
    let out = Command::new("openssl")
        .args(args)
        .current_dir(dir)
        .output()
        .expect("run openssl");
    (
        out.status.success(),
        format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ),
    )
}
