#!/usr/bin/env bash
# The phone app's screens and shells, checked on this machine:
#   1. the shared Compose screens (android/ui) and the logic compiled for the desktop and tested
#      with Maven (android/desktop): every screen rendered headless with a fake core and compared
#      with the reference PNGs in android/desktop/references, and the flows driven through the
#      semantics tree;
#   2. the Android layer (android/app without its CameraX file) type-checked with kotlinc against
#      android-all and the androidx AARs of Maven Central (resolved by Coursier), with the
#      Android flavour of the generated bindings;
#   3. every Swift file parsed (tree-sitter-swift from PyPI), and every McertFFI name the Swift
#      code uses looked up in the Swift bindings uniffi-bindgen generates here.
# Steps 2 and the name check of 3 use target/debug/deps/libmcert_ffi.so and
# target/debug/uniffi-bindgen from `cargo test` (this script builds no Rust). A missing tool,
# font or Rust output skips its step, or fails it when MCERT_REQUIRE_UI is set.
#
# --update-references re-renders the references instead of comparing (see
# scripts/ui-update-references.sh). Ends with one Surefire-style line counting the desktop
# tests and one test per other check: "Tests run: N, Failures: F, Errors: E, Skipped: S".
set -euo pipefail
cd "$(dirname "$0")/.."

update=false
if [ "${1:-}" = "--update-references" ]; then update=true; fi
require=${MCERT_REQUIRE_UI:-}
tools=target/ui-tools
mkdir -p "$tools"
run=0 failures=0 errors=0 skipped=0

skip() {
    if [ -n "$require" ]; then
        echo "MCERT_REQUIRE_UI is set but $1" >&2
        failures=$((failures + 1))
    else
        echo "skipped: $1"
        skipped=$((skipped + 1))
    fi
    run=$((run + 1))
}

check() { # name, command...: one check counted as one test
    local name=$1
    shift
    run=$((run + 1))
    if "$@"; then
        echo "ok: $name"
    else
        echo "FAILED: $name" >&2
        failures=$((failures + 1))
    fi
}

have_rust() { [ -f target/debug/deps/libmcert_ffi.so ] && [ -x target/debug/uniffi-bindgen ]; }

# ---- 1. Screens on the desktop
echo "== Screens: shared Compose UI rendered on the desktop and compared with the references"
if ! command -v mvn >/dev/null || ! command -v java >/dev/null; then
    skip "Java or Maven is not installed (the screen tests)"
else
    if ! fc-list ':family=Noto Sans CJK SC' | grep -q .; then
        # The render tests skip themselves (or fail under MCERT_REQUIRE_UI); the flows still run.
        echo "note: the font Noto Sans CJK SC (fonts-noto-cjk) is missing: the references are skipped"
    fi
    log=$(mktemp)
    set +e
    mvn -B -ntp -T1 -f android/desktop/pom.xml test -Dmcert.updateReferences=$update 2>&1 | tee "$log"
    status=${PIPESTATUS[0]}
    set -e
    summary=$(grep -E '^\[(INFO|ERROR|WARNING)\] Tests run: [0-9]+, Failures' "$log" | tail -n 1 || true)
    rm -f "$log"
    if [ -n "$summary" ]; then
        n() { echo "$summary" | grep -Eo "$1: [0-9]+" | grep -Eo '[0-9]+'; }
        run=$((run + $(n 'Tests run'))) failures=$((failures + $(n Failures)))
        errors=$((errors + $(n Errors))) skipped=$((skipped + $(n Skipped)))
    elif [ "$status" -ne 0 ]; then
        run=$((run + 1)) errors=$((errors + 1))
        echo "FAILED: the desktop module did not compile" >&2
    fi
    if $update; then echo "references written to android/desktop/references"; fi
fi

# ---- 2. Android layer type-check
echo "== Android layer: kotlinc against android-all and the androidx AARs (CameraX file excepted)"
android_check() {
    local t=android/check/target
    mkdir -p "$t"
    # Coursier, as a Maven artifact.
    if [ ! -s "$t/coursier.cp" ] || [ android/check/coursier/pom.xml -nt "$t/coursier.cp" ]; then
        mvn -B -ntp -q -f android/check/coursier/pom.xml dependency:build-classpath -Dmdep.outputFile="$PWD/$t/coursier.cp"
    fi
    cs() { java -cp "$(cat "$t/coursier.cp")" coursier.cli.Coursier "$@"; }
    # The app's dependencies (Compose BOM 2024.12.01), with the versions Gradle would pick where
    # the POMs' strict ranges disagree.
    local force=(
        -V androidx.compose.ui:ui:1.7.6
        -V androidx.compose.material:material-ripple-android:1.7.6
        -V androidx.compose.animation:animation-core-android:1.7.6
        -V androidx.lifecycle:lifecycle-common:2.8.7
        -V androidx.lifecycle:lifecycle-runtime:2.8.7
        -V androidx.lifecycle:lifecycle-viewmodel:2.8.7
    )
    # Resolved once per version of this script (the versions live here); Coursier's cache keeps
    # the files.
    if [ ! -s "$t/plugin.path" ] || [ scripts/ui-test.sh -nt "$t/plugin.path" ] ||
        ! xargs -a "$t/android.files" ls >/dev/null 2>&1; then
        cs fetch -q -r central -A aar,jar "${force[@]}" \
            androidx.compose.runtime:runtime-android:1.7.6 androidx.compose.ui:ui-android:1.7.6 \
            androidx.compose.foundation:foundation-android:1.7.6 androidx.compose.material3:material3-android:1.3.1 \
            androidx.compose.material:material-icons-extended-android:1.7.6 androidx.activity:activity-compose:1.9.3 \
            androidx.lifecycle:lifecycle-viewmodel-compose-android:2.8.7 \
            androidx.lifecycle:lifecycle-runtime-compose-android:2.8.7 androidx.core:core:1.13.1 \
            org.jetbrains.kotlinx:kotlinx-coroutines-android:1.10.2 net.java.dev.jna:jna:5.17.0 \
            org.jetbrains.kotlin:kotlin-stdlib:2.2.21 >"$t/android.files"
        # The platform API of compileSdk 35 (Android 15), as Robolectric publishes it.
        cs fetch -q -r central --intransitive org.robolectric:android-all:15-robolectric-13954326 >>"$t/android.files"
        cs fetch -q -r central org.jetbrains.kotlin:kotlin-compiler-embeddable:2.2.21 >"$t/compiler.files"
        cs fetch -q -r central --intransitive org.jetbrains.kotlin:kotlin-compose-compiler-plugin-embeddable:2.2.21 >"$t/plugin.path"
    fi
    local plugin
    plugin=$(cat "$t/plugin.path")
    # The classpath: each JAR, and the classes.jar of each AAR.
    mkdir -p "$t/aar"
    local cp=() f base
    while read -r f; do
        base=$(basename "$f")
        case "$base" in
        *.aar)
            if [ ! -s "$t/aar/${base%.aar}.jar" ]; then
                unzip -p "$f" classes.jar >"$t/aar/${base%.aar}.jar" || rm -f "$t/aar/${base%.aar}.jar"
            fi
            [ -s "$t/aar/${base%.aar}.jar" ] && cp+=("$t/aar/${base%.aar}.jar")
            ;;
        *.jar) cp+=("$f") ;;
        esac
    done < <(sort -u "$t/android.files")
    # R of the app's resources, as AGP would generate it (strings only: all the app has).
    mkdir -p "$t/r/cn/mcert/app"
    {
        echo "package cn.mcert.app;"
        echo "public final class R { public static final class string {"
        grep -o '<string name="[a-z_]*"' android/app/src/main/res/values/strings.xml |
            sed 's/<string name="\(.*\)"/public static final int \1 = 0;/'
        echo "} }"
    } >"$t/r/cn/mcert/app/R.java"
    # CameraViewfinder.kt needs CameraX (not on Maven Central): its signature stands in for it.
    mkdir -p "$t/stubs"
    if ! grep -q '^fun CameraViewfinder(reader: FrameReader)' android/app/src/main/kotlin/cn/mcert/app/android/CameraViewfinder.kt; then
        echo "CameraViewfinder's signature changed: update its stub in scripts/ui-test.sh" >&2
        return 1
    fi
    cat >"$t/stubs/CameraViewfinderSignature.kt" <<'KT'
package cn.mcert.app.android

@androidx.compose.runtime.Composable
fun CameraViewfinder(reader: cn.mcert.app.state.FrameReader) {}
KT
    # The Android flavour of the bindings (bindings/uniffi.toml: android = true).
    rm -rf "$t/uniffi"
    target/debug/uniffi-bindgen generate --no-format --library target/debug/deps/libmcert_ffi.so \
        --language kotlin --out-dir "$t/uniffi" >/dev/null
    local sources
    sources=$(find android/app/src/main/kotlin android/ui/src/main/kotlin android/logic/src/main/kotlin \
        android/bridge/src/main/kotlin "$t/uniffi" "$t/r" "$t/stubs" \( -name '*.kt' -o -name '*.java' \) \
        ! -name CameraViewfinder.kt | sort)
    # Nothing to do when the sources and the classpath are those of the last passing check.
    local stamp
    stamp=$(cat $sources "$t/android.files" "$t/plugin.path" | sha256sum | cut -d' ' -f1)
    if [ -f "$t/passed" ] && [ "$(cat "$t/passed")" = "$stamp" ]; then
        echo "unchanged since the last passing type-check"
        return 0
    fi
    rm -rf "$t/classes" "$t/passed"
    # shellcheck disable=SC2086
    java -cp "$(paste -sd: "$t/compiler.files")" org.jetbrains.kotlin.cli.jvm.K2JVMCompiler \
        -no-stdlib -no-reflect -jvm-target 17 -Xplugin="$plugin" -nowarn \
        -classpath "$(IFS=:; echo "${cp[*]}")" -d "$t/classes" $sources
    echo "$stamp" >"$t/passed"
}
if ! command -v java >/dev/null || ! command -v mvn >/dev/null || ! command -v unzip >/dev/null; then
    skip "Java, Maven or unzip is not installed (the Android type-check)"
elif ! have_rust; then
    skip "target/debug/deps/libmcert_ffi.so or target/debug/uniffi-bindgen is missing (run cargo test first): the Android type-check"
else
    # In its own shell, so that `set -e` holds inside (it does not in a function run by `if`).
    check "Android layer type-check" bash -euo pipefail -c "$(declare -f android_check); android_check"
fi

# ---- 3. Swift
echo "== Swift: syntax of every file, and the McertFFI names against the generated bindings"
venv=$tools/venv
swift_tools() {
    if [ ! -x "$venv/bin/python" ]; then python3 -m venv "$venv"; fi
    "$venv/bin/pip" install --quiet --disable-pip-version-check tree-sitter==0.26.1 tree-sitter-swift==0.7.4
}
if ! command -v python3 >/dev/null || ! swift_tools; then
    skip "python3 with venv, or PyPI, is not available (the Swift checks)"
else
    check "Swift syntax" "$venv/bin/python" scripts/swift-check.py ios
    if ! have_rust; then
        skip "target/debug/deps/libmcert_ffi.so or target/debug/uniffi-bindgen is missing: the McertFFI name check"
    else
        swift_out=$tools/swift-bindings
        rm -rf "$swift_out"
        target/debug/uniffi-bindgen generate --no-format --library target/debug/deps/libmcert_ffi.so \
            --language swift --out-dir "$swift_out" >/dev/null
        check "McertFFI names used by the Swift code" "$venv/bin/python" scripts/swift-check.py ios --bindings "$swift_out"
    fi
fi

check "iOS strings: both languages, every id used, no Chinese in the views" python3 ios/scripts/check-strings.py ios

echo
echo "[INFO] Tests run: $run, Failures: $failures, Errors: $errors, Skipped: $skipped"
[ "$failures" -eq 0 ] && [ "$errors" -eq 0 ]
