#!/usr/bin/env bash
# Runs the whole test suite (API, Hub emulator, browser, then the Python package's pytest suite) and prints
# "tests: N passed, M failed" over both.
# Includes the replica suite (tests/Moderation.Tests/Replicas: REPLICAS=2 deploy/run-local.sh behind HAProxy, alone at the end).
# Needs: the .NET 10 SDK, HAProxy, PostgreSQL's binaries (initdb/pg_ctl; the tests start their own throwaway cluster, or use
# MODERATION_TEST_PG), Chromium at /usr/bin/chromium (or CHROMIUM_PATH) for the browser tests, and python3 with
# cryptography (hivemind's own token check is replayed in Python), pytest, requests, protobuf, pip and setuptools (tests/python).
#   deploy/test.sh                      everything
#   deploy/test.sh --filter "…"         only the dotnet tests the filter names (arguments go to dotnet test; no pytest)
#   deploy/test.sh --python [args]      only the pytest suite (arguments go to pytest, e.g. -k ban)
set -uo pipefail
cd "$(dirname "$0")/.."

missing=()
command -v dotnet >/dev/null 2>&1 || missing+=("the .NET 10 SDK (dotnet) - https://dot.net")
if [ -z "${MODERATION_TEST_PG:-}" ] && ! command -v initdb >/dev/null 2>&1 && ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
  missing+=("PostgreSQL server binaries (initdb, pg_ctl) - apt-get install postgresql, or set MODERATION_TEST_PG")
fi
python=""
for py in /usr/bin/python3 python3; do "$py" -c "import cryptography" >/dev/null 2>&1 && python="$py" && break; done
[ -n "$python" ] || missing+=("python3 with the cryptography package, to check tokens the way hivemind does - apt-get install python3-cryptography")
if [ -n "$python" ]; then
  for module in pytest:python3-pytest requests:python3-requests google.protobuf:python3-protobuf pip:python3-pip setuptools:python3-setuptools; do
    "$python" -c "import ${module%%:*}" >/dev/null 2>&1 || missing+=("python3's ${module%%:*}, for the Python package's tests - apt-get install ${module##*:}")
  done
fi
# Chromium's headless shell (apt-get install chromium-headless-shell; what Playwright itself runs headless) when there,
# else the full browser: the same engine, at half the CPU.
chromium_path="${CHROMIUM_PATH:-/usr/bin/chromium}"
[ -z "${CHROMIUM_PATH:-}" ] && [ -x /usr/bin/chromium-headless-shell ] && chromium_path=/usr/bin/chromium-headless-shell
command -v haproxy >/dev/null 2>&1 || missing+=("HAProxy for the replica tests - apt-get install haproxy")
[ -x "$chromium_path" ] || missing+=("Chromium at $chromium_path for the browser tests - apt-get install chromium-headless-shell (or chromium), or set CHROMIUM_PATH")
if [ ${#missing[@]} -gt 0 ]; then
  echo "deploy/test.sh: missing prerequisites:" >&2
  for m in "${missing[@]}"; do echo "  - $m" >&2; done
  echo "tests: 0 passed, 1 failed"
  exit 1
fi

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 CHROMIUM_PATH="$chromium_path"
# The in-process test hosts log here instead of the console (tests/Moderation.Tests/Infrastructure/TestHostLog.cs).
# Kept when a test fails, removed otherwise.
export MODERATION_TEST_HOST_LOG="$(mktemp "${TMPDIR:-/tmp}/moderation-test-hosts.XXXXXX")"
# Everything this run makes (its PostgreSQL clusters, the replica suite's folders, results) lives in a folder of its
# own, so runs in other checkouts at the same time never touch it, nor it theirs.
run_dir="$(mktemp -d "${TMPDIR:-/tmp}/moderation-test-run.XXXXXX")"
chmod 1777 "$run_dir"   # like /tmp: the clusters run as the postgres user when the tests run as root
export TMPDIR="$run_dir"
results_dir="$run_dir/results"
trap '[ "${MODERATION_KEEP_E2E:-}" = 1 ] || rm -rf "$run_dir"' EXIT

echo "== build (Release, warnings are errors)"
if ! dotnet build Moderation.sln -c Release -nologo -v quiet; then
  echo "tests: 0 passed, 1 failed"
  exit 1
fi

# Every .NET process the tests start (test host, replicas, pytest's AuthApi) compiles without tiered PGO: short-lived
# processes never earn back its instrumented second compilation (~13 % less CPU for the suite; set after the build).
export DOTNET_TieredPGO="${DOTNET_TieredPGO:-0}"

run_dotnet=1 run_python=1
if [ "${1:-}" = "--python" ]; then shift; run_dotnet=0
elif [ $# -gt 0 ]; then run_python=0; fi

mkdir -p "$results_dir"
run_pytest() { (cd tests/python && "$python" -m pytest -p no:cacheprovider -s -rfE --junitxml="$results_dir/pytest.xml" "$@"); }
python_status=0
if [ "$run_python" = 1 ] && [ "$run_dotnet" = 1 ]; then
  # The whole suite: pytest (its own AuthApi, cluster and ports) runs beside dotnet test, its output shown after it.
  run_pytest >"$results_dir/pytest.log" 2>&1 &
  pytest_pid=$!
fi

status=0
if [ "$run_dotnet" = 1 ]; then
  echo "== test"
  dotnet test tests/Moderation.Tests/Moderation.Tests.csproj -c Release --no-build -nologo \
    --logger "trx;LogFileName=results.trx" --logger "console;verbosity=normal" --results-directory "$results_dir" "$@"
  status=$?
fi
if [ "$run_python" = 1 ]; then
  echo "== pytest (tests/python: the training side against AuthApi, PostgreSQL and the Hub emulator)"
  if [ -n "${pytest_pid:-}" ]; then
    wait "$pytest_pid"; python_status=$?
    cat "$results_dir/pytest.log"
  else
    run_pytest "$@"; python_status=$?
  fi
else
  echo "== pytest: not run (arguments were given for dotnet test; deploy/test.sh --python runs it alone)"
fi

# Throwaway clusters (and replica-suite folders) the test host could not remove before it was stopped.
for d in "$run_dir"/moderation-pg-* "$run_dir"/moderation-e2e-* "$run_dir"/moderation-pytest-*; do
  [ -d "$d" ] || continue
  data="$d/data"; [ -d "$data" ] || data="$d/pg"
  if [ -f "$data/postmaster.pid" ]; then
    pg_ctl_bin=$(command -v pg_ctl || ls /usr/lib/postgresql/*/bin/pg_ctl 2>/dev/null | tail -n 1)
    if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$pg_ctl_bin" -D "$data" -m immediate -w stop >/dev/null 2>&1
    else "$pg_ctl_bin" -D "$data" -m immediate -w stop >/dev/null 2>&1; fi
  fi
  [ "${MODERATION_KEEP_E2E:-}" = 1 ] && [[ "$d" == */moderation-e2e-* ]] && { echo "kept: $d"; continue; }
  rm -rf "$d"
done

passed=0 failed=0 skipped=0
trx="$results_dir/results.trx"
if [ "$run_dotnet" = 1 ]; then
  if [ -f "$trx" ]; then
    failed_names=$(grep -o '<UnitTestResult [^>]*outcome="Failed"[^>]*>' "$trx" | sed -n 's/.*testName="\([^"]*\)".*/  - \1/p')
    [ -n "$failed_names" ] && { echo "Failed tests:"; echo "$failed_names"; echo "Warnings and errors the test hosts logged: $MODERATION_TEST_HOST_LOG"; }
    counters=$(grep -o '<Counters [^>]*>' "$trx" | head -n 1)
    get() { local v; v=$(echo "$counters" | sed -n "s/.* $1=\"\([0-9]*\)\".*/\1/p"); echo "${v:-0}"; }
    total=$(get total); executed=$(get executed)
    dotnet_failed=$(( $(get failed) + $(get error) + $(get timeout) + $(get aborted) ))
    [ "$status" -ne 0 ] && [ "$dotnet_failed" -eq 0 ] && dotnet_failed=1
    passed=$(( passed + $(get passed) )); failed=$(( failed + dotnet_failed )); skipped=$(( skipped + total - executed ))
  else
    failed=$(( failed + 1 )); status=1
  fi
fi
if [ "$run_python" = 1 ]; then
  # pytest's JUnit XML: <testsuite tests= failures= errors= skipped=>; no file, or a failing exit code without a counted
  # failure (a collection error, a crash), is one failure.
  counts=$("$python" - "$results_dir/pytest.xml" <<'PY'
import sys, xml.etree.ElementTree as ET
try:
    suites = list(ET.parse(sys.argv[1]).getroot().iter("testsuite"))
except (OSError, ET.ParseError):
    print("0 1 0"); sys.exit()
n = lambda k: sum(int(s.get(k, 0)) for s in suites)
print(n("tests") - n("failures") - n("errors") - n("skipped"), n("failures") + n("errors"), n("skipped"))
PY
)
  read -r py_passed py_failed py_skipped <<<"$counts"
  [ "$python_status" -ne 0 ] && [ "$py_failed" -eq 0 ] && py_failed=1
  passed=$(( passed + py_passed )); failed=$(( failed + py_failed )); skipped=$(( skipped + py_skipped ))
  [ "$python_status" -ne 0 ] && status=1
fi
[ "$status" -ne 0 ] && [ "$failed" -eq 0 ] && failed=1
if [ "$skipped" -gt 0 ]; then
  echo "tests: ${passed} passed, ${failed} failed, ${skipped} skipped"
else
  echo "tests: ${passed} passed, ${failed} failed"
fi
[ "$failed" -gt 0 ] && [ "$status" -eq 0 ] && status=1
[ "$status" -eq 0 ] && rm -f "$MODERATION_TEST_HOST_LOG"
exit "$status"
