#!/usr/bin/env bash
# The Kotlin side on the JVM: builds the desktop core library (libmcert_ffi) and the `mcert`
# binary, generates the plain-JVM flavour of the Kotlin bindings (a build output, under
# android/jvm/target), and runs the JUnit tests of the app's logic with Maven against the real
# core and a real development service. Prints Maven's test summary.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v mvn >/dev/null || ! command -v java >/dev/null; then
    if [ -n "${MCERT_REQUIRE_JVM:-}" ]; then
        echo "MCERT_REQUIRE_JVM is set but Java or Maven is missing" >&2
        exit 1
    fi
    echo "Java or Maven is not installed: the Kotlin tests are skipped"
    exit 0
fi

# The same build as `cargo test --workspace` (nothing to do after it): it makes the `mcert` and
# `uniffi-bindgen` binaries and libmcert_ffi.so (in target/debug/deps) with the workspace's
# features, so nothing is built twice.
cargo test --workspace --locked --no-run -q
lib=target/debug/deps/libmcert_ffi.so
out=android/jvm/target/generated-sources/uniffi
rm -rf "$out"
mkdir -p "$out"
target/debug/uniffi-bindgen generate --no-format --library "$lib" \
    --language kotlin --config bindings/uniffi-jvm.toml --out-dir "$out"
if grep -q 'import android' "$out"/cn/mcert/ffi/*.kt; then
    echo "the JVM flavour of the bindings imports android.*" >&2
    exit 1
fi
mvn -B -ntp -f android/jvm/pom.xml test
