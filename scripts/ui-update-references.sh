#!/usr/bin/env bash
# Re-renders the reference PNGs of the screens (android/desktop/references) on purpose, after a
# screen was changed: review the images (git diff shows which changed) and commit them.
set -euo pipefail
cd "$(dirname "$0")/.."
if ! fc-list ':family=Noto Sans CJK SC' | grep -q .; then
    echo "the references are drawn with Noto Sans CJK SC: install fonts-noto-cjk first" >&2
    exit 1
fi
MCERT_REQUIRE_UI=1 mvn -B -ntp -T1 -f android/desktop/pom.xml test -Dmcert.updateReferences=true \
    -Dtest=ScreensRenderTest
git status --short android/desktop/references
