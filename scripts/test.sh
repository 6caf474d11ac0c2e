#!/usr/bin/env bash
# Runs every check and test of the workspace: formatting, lints, a short run of the benchmark
# (so it keeps working), and the unit and integration tests (OpenSSL interoperability included
# when `openssl` is installed; the service tests on PostgreSQL too when it is installed, on a
# throwaway server this script starts and stops). Ends with one summary line.
set -euo pipefail
cd "$(dirname "$0")/.."

echo "== cargo fmt --check"
cargo fmt --all -- --check

echo "== cargo clippy"
cargo clippy --workspace --all-targets --locked -- -D warnings

echo "== benchmark (short run)"
MCERT_BENCH_QUICK=1 cargo bench --locked -p mcert-core --features aws-lc --bench spine

echo "== cargo test"
# shellcheck source=scripts/postgres.sh
. scripts/postgres.sh
log=$(mktemp)
trap 'stop_postgres; rm -f "$log"' EXIT
start_postgres
cargo test --workspace --locked 2>&1 | tee "$log"
passed=$(grep -Eo '[0-9]+ passed' "$log" | awk '{s += $1} END {print s + 0}')
failed=$(grep -Eo '[0-9]+ failed' "$log" | awk '{s += $1} END {print s + 0}')

echo "== Kotlin on the JVM (app logic + generated bindings + the real core)"
jvm_log=$(mktemp)
trap 'stop_postgres; rm -f "$log" "$jvm_log"' EXIT
./scripts/jvm-test.sh 2>&1 | tee "$jvm_log"
# Surefire's summary line: "Tests run: N, Failures: F, Errors: E, Skipped: S".
summary=$(grep -E '^\[(INFO|ERROR|WARNING)\] Tests run: [0-9]+, Failures' "$jvm_log" | tail -n 1 || true)
if [ -n "$summary" ]; then
    run=$(echo "$summary" | grep -Eo 'Tests run: [0-9]+' | grep -Eo '[0-9]+')
    bad=$(echo "$summary" | grep -Eo '(Failures|Errors): [0-9]+' | grep -Eo '[0-9]+' | awk '{s += $1} END {print s + 0}')
    passed=$((passed + run - bad))
    failed=$((failed + bad))
fi
echo
echo "tests: ${passed} passed, ${failed} failed"
