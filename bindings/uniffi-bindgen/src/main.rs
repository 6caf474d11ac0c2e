//! Generates the Kotlin and Swift bindings from the built library (library mode), e.g.
//! `cargo run -p uniffi-bindgen -- generate --library target/debug/libmcert_ffi.so
//! --language kotlin --out-dir …` (`bindings/uniffi.toml` is read from the crate; pass
//! `--config bindings/uniffi-jvm.toml` for the plain-JVM flavour).

fn main() {
    uniffi::uniffi_bindgen_main()
}
