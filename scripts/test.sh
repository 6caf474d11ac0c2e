#!/usr/bin/env bash
# Runs every check and test of the workspace: formatting, lints, unit and integration tests
# (OpenSSL interoperability included when `openssl` is installed), and a short run of the
# benchmark so it keeps working.
set -euo pipefail
cd "$(dirname "$0")/.."

echo "== cargo fmt --check"
cargo fmt --all -- --check

echo "== cargo clippy"
cargo clippy --workspace --all-targets --locked -- -D warnings

echo "== cargo test"
cargo test --workspace --locked

echo "== benchmark (short run)"
MCERT_BENCH_QUICK=1 cargo bench --locked -p mcert-core --features aws-lc --bench spine
