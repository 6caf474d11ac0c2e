//! The generator runs and knows the languages the apps need.

use std::process::Command;

#[test]
fn generate_offers_kotlin_and_swift() {
    let out = Command::new(env!("CARGO_BIN_EXE_uniffi-bindgen"))
        .args(["generate", "--help"])
        .output()
        .expect("run uniffi-bindgen");
    assert!(out.status.success());
    let help = String::from_utf8_lossy(&out.stdout).to_lowercase();
    for word in ["--library", "--language", "kotlin", "swift"] {
        assert!(help.contains(word), "{word}: {help}");
    }
}
