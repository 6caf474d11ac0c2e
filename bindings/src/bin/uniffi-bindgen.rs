//! Generates the Kotlin and Swift bindings from the built library:
//! `cargo run -p mcert-ffi --features cli --bin uniffi-bindgen -- generate --library
//! target/debug/libmcert_ffi.so --language kotlin --config bindings/uniffi.toml --out-dir …`.

fn main() {
    uniffi::uniffi_bindgen_main()
}
