#!/usr/bin/env bash
# `make test-versions`: backwalk on the oldest Home Assistant it supports and on the newest
# release, each in its own venv (scripts/toolchain.sh --ha VERSION: .toolchain/venv-VERSION
# from requirements-ha-VERSION.txt, Python 3.14, reused like the main one).
#
#   oldest (hacs.json's floor): the in-process suite (tests/, without tests/e2e), with the
#       pytest-homeassistant-custom-component version that pins that release and
#       tests/ha_versions.py (what differs in the test tools, and Home Assistant behaviour
#       that release lacks, named there);
#   newest: the end-to-end suite, whose real `hass` processes are that release, and the
#       in-process suite as soon as its requirements file pins a plugin version for it.
#
# The main suite (`make pytest`) covers the release in requirements.txt. This prints one line
# per version and suite (version, suite, passed, failed, time) and fails if any test failed
# or a suite could not run. BACKWALK_KILL_ROUNDS sets the kill/restart rounds here (8).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

TOOL=scripts/toolchain.sh
OLDEST=2026.6
NEWEST=2026.11
E2E_TESTS=(tests/e2e/test_smoke.py tests/e2e/test_kill_restart.py tests/e2e/test_user_paths.py)
REPORTS=artifacts/versions
export BACKWALK_KILL_ROUNDS=${BACKWALK_KILL_ROUNDS:-8}

mkdir -p "$REPORTS"
summary=()
failed=0

installed() {  # VERSION DISTRIBUTION: its version in that venv, or nothing
    "$TOOL" --ha "$1" python -c "
import importlib.metadata as m, sys
try:
    print(m.version(sys.argv[1]))
except m.PackageNotFoundError:
    pass" "$2"
}

line() {  # VERSION SUITE PASSED FAILED SECONDS [NOTE]
    local took=$5
    [ "$took" != - ] && took="$took s"
    summary+=("$(printf '%-10s %-11s passed %5s   failed %4s   time %7s%s' \
        "$1" "$2" "$3" "$4" "$took" "${6:+   $6}")")
}

attribute() {  # NAME TAG: a number attribute of an XML tag
    sed -n "s/.* $1=\"\([0-9]*\)\".*/\1/p" <<<"$2"
}

run_suite() {  # VENV SUITE PYTEST-ARGS...
    local venv=$1 suite=$2 xml started seconds ha
    shift 2
    ha=$(installed "$venv" homeassistant)
    xml=$REPORTS/$ha-$suite.xml
    rm -f "$xml"
    echo "== $suite suite on Home Assistant $ha (.toolchain/venv-$venv)"
    started=$(date +%s)
    "$TOOL" --ha "$venv" python -m pytest -p no:cacheprovider --junitxml="$xml" "$@" || true
    seconds=$(( $(date +%s) - started ))
    if [ ! -s "$xml" ]; then
        line "$ha" "$suite" 0 "?" "$seconds" "pytest ended without a report"
        failed=1
        return
    fi
    # <testsuite name="pytest" errors="0" failures="0" skipped="2" tests="1066" ...>
    local head tests failures errors skipped
    head=$(grep -o '<testsuite [^>]*>' "$xml" | head -1)
    tests=$(attribute tests "$head") failures=$(attribute failures "$head")
    errors=$(attribute errors "$head") skipped=$(attribute skipped "$head")
    local bad=$(( failures + errors ))
    local note=""
    [ "$skipped" -gt 0 ] && note="$skipped skipped or expected to fail"
    line "$ha" "$suite" $(( tests - bad - skipped )) "$bad" "$seconds" "$note"
    if [ "$bad" -gt 0 ] || [ "$tests" -eq 0 ]; then
        failed=1
    fi
}

prepare() {  # VERSION: make or reuse its venv, and say how long that took
    local started
    started=$(date +%s)
    "$TOOL" --ha "$1" true
    echo "-- .toolchain/venv-$1 ready in $(( $(date +%s) - started )) s"
}

floor=$(sed -n 's/.*"homeassistant": *"\([^"]*\)".*/\1/p' hacs.json)

prepare "$OLDEST"
oldest=$(installed "$OLDEST" homeassistant)
if [ "$oldest" != "$floor" ]; then
    echo "test-versions: hacs.json says $floor, requirements-ha-$OLDEST.txt installs $oldest" >&2
    exit 1
fi
run_suite "$OLDEST" in-process -p tests.ha_versions --ignore=tests/e2e -q

prepare "$NEWEST"
newest=$(installed "$NEWEST" homeassistant)
run_suite "$NEWEST" end-to-end --confcutdir=tests/e2e "${E2E_TESTS[@]}"
plugin=$(installed "$NEWEST" pytest-homeassistant-custom-component)
if [ -n "$plugin" ]; then
    run_suite "$NEWEST" in-process -p tests.ha_versions --ignore=tests/e2e -q
else
    line "$newest" in-process - - - \
        "not run: no pytest-homeassistant-custom-component for it (requirements-ha-$NEWEST.txt)"
fi

echo
echo "== Home Assistant versions (the main suite ran on $(
    "$TOOL" python -c 'from homeassistant.const import __version__; print(__version__)'))"
printf '%s\n' "${summary[@]}"
exit "$failed"
