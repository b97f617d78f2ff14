#!/usr/bin/env bash
# The fuzz suite's generator for a longer run: N malformed requests (default 100000) from a seed (default the suite's)
# against AuthApi in-process on Kestrel, with its own throwaway PostgreSQL and Hub emulator, as every kind of caller.
# Prints the request count, the seed, the statuses and every finding; exits non-zero when there is one.
#   deploy/fuzz.sh [requests] [seed]          e.g. deploy/fuzz.sh 100000 7
#   MODERATION_FUZZ_LOG=requests.log deploy/fuzz.sh 5000    also writes every request and its answer to that file
set -uo pipefail
cd "$(dirname "$0")/.."

export MODERATION_FUZZ_REQUESTS="${1:-100000}"
export MODERATION_FUZZ_SEED="${2:-20261201}"
report="$(mktemp)"
trap 'rm -f "$report"' EXIT
export MODERATION_FUZZ_REPORT="$report"

deploy/test.sh --filter "FullyQualifiedName=Moderation.Tests.Fuzz.FuzzTests.MalformedRequestsToEveryOperationAreRefusedWithProblemDetailsAndChangeNothing"
status=$?
echo "== fuzz report"
if [ -s "$report" ]; then cat "$report"; else echo "fuzz: no report (the run did not finish; see the output above)"; [ "$status" -eq 0 ] && status=1; fi
exit "$status"
