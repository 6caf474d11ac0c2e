#!/usr/bin/env bash
# Runs every check and test of the workspace: formatting, lints, the unit and integration tests
# (OpenSSL interoperability when `openssl` is installed; pkilint over the CA's certificates,
# CRLs and OCSP responses once it is installed from PyPI; the service tests on PostgreSQL too
# when it is installed, on a throwaway server this script starts and stops), a short run of
# every benchmark built in the test profile (so they keep working; their figures mean nothing
# there), the Kotlin logic on the JVM, the GB/T 38540 seals checked on the JVM by ofdrw-gm and
# BouncyCastle, and the app's screens (rendered and compared, the Android layer type-checked, the
# Swift parsed). Ends with one summary line.
#
# The workspace is compiled once for the tests: clippy checks with the same dependencies, and
# the benchmarks are built by `cargo test --benches` in the test profile.
set -euo pipefail
cd "$(dirname "$0")/.."

echo "== cargo fmt --check"
cargo fmt --all -- --check

echo "== cargo clippy"
cargo clippy --workspace --all-targets --locked -- -D warnings

# pkilint (PyPI) in a virtual environment under target/, made once.
pkilint_env=target/pkilint-venv
if [ ! -x "$pkilint_env/bin/lint_pkix_cert" ]; then
    echo "== pkilint (PyPI)"
    if python3 -m venv "$pkilint_env" >/dev/null 2>&1 &&
        "$pkilint_env/bin/pip" install --quiet --disable-pip-version-check pkilint; then
        :
    else
        echo "pkilint could not be installed: its checks are skipped"
    fi
fi
if [ -x "$pkilint_env/bin/lint_pkix_cert" ]; then
    MCERT_PKILINT="$(pwd)/$pkilint_env/bin"
    export MCERT_PKILINT
fi

# pyHanko (PyPI, with its command line) validates stamped PDFs in mcert-pdf's stamp tests; in a
# virtual environment under target/, made once (the tests fail without it under
# MCERT_REQUIRE_UI=1, as CI runs them, and skip with a notice otherwise).
pyhanko_env=target/pyhanko-venv
if [ ! -x "$pyhanko_env/bin/pyhanko" ]; then
    echo "== pyHanko (PyPI)"
    if python3 -m venv "$pyhanko_env" >/dev/null 2>&1 &&
        "$pyhanko_env/bin/pip" install --quiet --disable-pip-version-check \
            'pyhanko==0.38.0' 'pyhanko-cli==0.6.0'; then
        :
    else
        echo "pyHanko could not be installed: the stamp tests cannot validate"
    fi
fi
if [ -x "$pyhanko_env/bin/pyhanko" ]; then
    MCERT_PYHANKO="$(pwd)/$pyhanko_env/bin"
    export MCERT_PYHANKO
fi

echo "== cargo test"
# shellcheck source=scripts/postgres.sh
. scripts/postgres.sh
log=$(mktemp)
jvm_log=$(mktemp)
ui_log=$(mktemp)
trap 'stop_postgres; rm -f "$log" "$jvm_log" "$ui_log"' EXIT
start_postgres
# The GB/T 38540 seals and signatures that the stranger on the JVM checks below are written by
# core/tests/integration/seal.rs during this run.
MCERT_SEAL_FIXTURES="$(pwd)/target/seal-fixtures"
export MCERT_SEAL_FIXTURES
rm -rf "$MCERT_SEAL_FIXTURES"
cargo test --workspace --locked 2>&1 | tee "$log"

passed=$(grep -Eo '[0-9]+ passed' "$log" | awk '{s += $1} END {print s + 0}')
failed=$(grep -Eo '[0-9]+ failed' "$log" | awk '{s += $1} END {print s + 0}')

echo "== benchmarks (short runs in the test profile; the unit tests it repeats are not counted again)"
MCERT_BENCH_QUICK=1 cargo test --workspace --locked --benches

# Surefire's summary line: "Tests run: N, Failures: F, Errors: E, Skipped: S".
add_surefire() {
    local summary run bad
    summary=$(grep -E 'Tests run: [0-9]+, Failures' "$1" | grep -v ' -- in ' | tail -n 1 || true)
    if [ -n "$summary" ]; then
        run=$(echo "$summary" | grep -Eo 'Tests run: [0-9]+' | grep -Eo '[0-9]+')
        bad=$(echo "$summary" | grep -Eo '(Failures|Errors): [0-9]+' | grep -Eo '[0-9]+' | awk '{s += $1} END {print s + 0}')
        passed=$((passed + run - bad))
        failed=$((failed + bad))
    fi
}

echo "== Kotlin on the JVM (app logic + generated bindings + the real core)"
./scripts/jvm-test.sh 2>&1 | tee "$jvm_log"
add_surefire "$jvm_log"

echo "== GB/T 38540 seals checked by a stranger on the JVM (ofdrw-gm's ASN.1 + BouncyCastle SM2)"
if command -v mvn >/dev/null && command -v java >/dev/null; then
    mvn -B -ntp -f verifiers/gbt38540/pom.xml test -Dmcert.sealFixtures="$MCERT_SEAL_FIXTURES" \
        2>&1 | tee target/gbt38540-jvm.log
    add_surefire target/gbt38540-jvm.log
elif [ -n "${MCERT_REQUIRE_JVM:-}" ]; then
    echo "MCERT_REQUIRE_JVM is set but Java or Maven is missing" >&2
    exit 1
else
    echo "Java or Maven is not installed: the GB/T 38540 check on the JVM is skipped"
fi

echo "== the app's screens (rendered and compared), the Android layer, the Swift sources"
./scripts/ui-test.sh 2>&1 | tee "$ui_log"
add_surefire "$ui_log"

echo
echo "tests: ${passed} passed, ${failed} failed"
