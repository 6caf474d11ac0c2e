#!/usr/bin/env bash
# Builds the Rust core for iOS devices and simulators, generates the Swift bindings, and
# assembles McertKit/McertFFI.xcframework. Run on a Mac with Xcode and the Rust iOS targets:
#   rustup target add aarch64-apple-ios aarch64-apple-ios-sim x86_64-apple-ios
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$(pwd)
kit="$root/ios/McertKit"
build="$root/ios/build"
rm -rf "$build" "$kit/McertFFI.xcframework"
mkdir -p "$build/headers" "$build/sim"

for target in aarch64-apple-ios aarch64-apple-ios-sim x86_64-apple-ios; do
    cargo build --locked --release -p mcert-ffi --target "$target"
done

# The Swift bindings, the C header and the module map (bindings/uniffi.toml names the module).
cargo run --locked -p uniffi-bindgen -- generate \
    --library "target/aarch64-apple-ios/release/libmcert_ffi.a" \
    --language swift --out-dir "$build/generated"
cp "$build/generated/McertFFI.swift" "$kit/Sources/McertFFI/McertFFI.swift"
cp "$build/generated/McertFFIFFI.h" "$build/headers/"
cp "$build/generated/McertFFIFFI.modulemap" "$build/headers/module.modulemap"

# One simulator library for both simulator architectures.
lipo -create \
    target/aarch64-apple-ios-sim/release/libmcert_ffi.a \
    target/x86_64-apple-ios/release/libmcert_ffi.a \
    -output "$build/sim/libmcert_ffi.a"

xcodebuild -create-xcframework \
    -library target/aarch64-apple-ios/release/libmcert_ffi.a -headers "$build/headers" \
    -library "$build/sim/libmcert_ffi.a" -headers "$build/headers" \
    -output "$kit/McertFFI.xcframework"
echo "built $kit/McertFFI.xcframework"
