#!/usr/bin/env bash
# Where a contribution batch and an uncached leaderboard read go, measured so that a busy machine does not distort it:
# CPU milliseconds AuthApi, PostgreSQL and wrk each spent per request (from /proc, whatever else the machine runs), the
# statements each request sent (pg_stat_statements: calls per request and mean time), commits per request, and what
# AuthApi allocated per request (dotnet-counters, in a run of its own). Not part of the test suite.
# Usage: deploy/bench/profile-contributions.sh [seconds per run, default 15] [ingestion connections, default 16]
# The data set is contributions-load.sh's: CONTRIB_USERS (10,000) x CONTRIB_REPORTS_PER_USER (1,000) reports.
# PROFILE_TRACE=1 adds a dotnet-trace sample of ingestion (.tmp/contributions.nettrace; read it with busy-frames.py).
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$(pwd)
SECONDS_PER_RUN="${1:-15}"
CONNS="${2:-16}"
BENCH_PG_STATEMENTS=1
BENCH_API_ARGS=()
BENCH_USERS=${BENCH_USERS:-0} # no join is measured: no emulated users needed
. "$root/deploy/bench/start.sh"
export PATH="$PATH:$HOME/.dotnet/tools"
. deploy/bench/contributions-load.sh
echo "   loaded in ${load_seconds} s (${hours_rows} hourly rows)"
curl -fsS -o /dev/null -X POST -H 'Authorization: Bearer hf_dev_alice' "$api$cpath/leaderboard/refresh"
board="$api$cpath/leaderboard?window=all&page=1&page_size=100"
auth_lua="$work/auth.lua"
echo 'wrk.headers["Authorization"] = "Bearer hf_dev_alice"' >"$auth_lua"
timed=() # set by measure(): /usr/bin/time around wrk, for wrk's own CPU time
ingest() { # connections, seconds, run number: wrk POSTing batches of 1,000 new reports
  RUN="$3" EXPERIMENT_PATH="$cpath" SERVICE_KEY="$service_key" "${timed[@]}" wrk -t2 -c"$1" -d"$2s" --latency -s deploy/bench/contributions.lua "$api"
}
read_board() { "${timed[@]}" wrk -t1 -c"$1" -d"$2s" --latency -s "$auth_lua" "$board"; }

echo "== warming up"
ingest "$CONNS" 10 90 >/dev/null
read_board 8 5 >/dev/null

commits() { psql_bench -At -c "SELECT xact_commit FROM pg_stat_database WHERE datname = 'moderation'"; }
measure() { # label, function, its arguments: one row of CPU per request, then the statements per request
  local label="$1"; shift
  local trace=()
  if [ "${PROFILE_TRACE:-}" = 1 ] && [ "$1" = ingest ] && command -v dotnet-trace >/dev/null; then
    dotnet-trace collect -p "$api_pid" --profile dotnet-sampled-thread-time -o "$root/.tmp/contributions.nettrace" \
      --duration "00:00:00:$(printf '%02d' "$SECONDS_PER_RUN")" >/dev/null 2>&1 &
    trace=($!)
  fi
  psql_bench -c "SELECT pg_stat_statements_reset()" >/dev/null
  local api0 pg0 c0 api1 pg1 c1 out
  api0=$(cpu_ticks "$api_pid"); pg0=$(pg_ticks); c0=$(commits)
  timed=(/usr/bin/time -f 'wrk_cpu %U %S')
  out=$("$@" 2>&1)
  timed=()
  api1=$(cpu_ticks "$api_pid"); pg1=$(pg_ticks); c1=$(commits)
  [ ${#trace[@]} -gt 0 ] && wait "${trace[0]}" || true
  local requests rps p99 wrk_s
  requests=$(echo "$out" | awk '/requests in/ {print $1}')
  rps=$(echo "$out" | awk '/Requests\/sec/ {print $2}')
  p99=$(echo "$out" | awk '$1=="99%" {print $2}')
  wrk_s=$(echo "$out" | awk '/^wrk_cpu/ {print $2 + $3}')
  awk -v k="$label" -v r="$rps" -v l="$p99" -v n="$requests" -v a=$((api1 - api0)) -v p=$((pg1 - pg0)) -v w="$wrk_s" -v hz="$hz" \
      -v c=$((c1 - c0)) -v load="$(cut -d' ' -f1 /proc/loadavg)" \
    'BEGIN { printf "%-40s %8.1f %9s %11.3f %11.3f %9.3f %8.2f %6s\n", k, r, l, a * 1000 / hz / n, p * 1000 / hz / n, w * 1000 / n, c / n, load }'
  psql_bench -At -F ' | ' -c "
    SELECT 'all statements', round(sum(calls)::numeric / $requests, 2), round(sum(total_exec_time)::numeric / $requests, 3), ''
    FROM pg_stat_statements WHERE dbid = (SELECT oid FROM pg_database WHERE datname = 'moderation')
    UNION ALL (
    SELECT 'statement', round(calls::numeric / $requests, 2) AS per_request, round(mean_exec_time::numeric, 3) AS mean_ms,
           left(regexp_replace(query, '\s+', ' ', 'g'), 110)
    FROM pg_stat_statements WHERE dbid = (SELECT oid FROM pg_database WHERE datname = 'moderation') AND calls >= $requests / 20
    ORDER BY calls * mean_exec_time DESC LIMIT 8)" | sed 's/^/      /'
}

echo "== profiling (${SECONDS_PER_RUN}s per run; load average: $(cut -d' ' -f1-3 /proc/loadavg))"
printf '%-40s %8s %9s %11s %11s %9s %8s %6s\n' "request" "req/s" "p99" "AuthApi ms" "Postgres ms" "wrk ms" "commits" "load"
measure "ingestion, 1,000 reports, c=$CONNS" ingest "$CONNS" "$SECONDS_PER_RUN" 91
measure "ingestion, 1,000 reports, c=4" ingest 4 "$SECONDS_PER_RUN" 92
measure "leaderboard top-100 uncached, c=8" read_board 8 "$SECONDS_PER_RUN"
echo "   (ms columns: CPU milliseconds per request; commits: per request; statements: 'all statements | calls | total ms per"
echo "    request', then the costliest: calls per request | mean ms | query)"

if command -v dotnet-counters >/dev/null; then
  allocated() { # function and arguments of a load: what AuthApi allocated per request, and its GCs, over the whole load
    dotnet-counters collect -p "$api_pid" --counters System.Runtime --format csv --refresh-interval 1 \
      -o "$work/counters.csv" --duration 00:00:00:16 >/dev/null 2>&1 &
    local counters=$! requests
    sleep 2
    requests=$("$@" 2>&1 | awk '/requests in/ {print $1}')
    wait "$counters" || true
    # Rate counters hold what happened in each one-second interval: their sum over the run is the total.
    awk -F, -v n="$requests" '
      $3 ~ /total_allocated|gc.collections/ { sum[$3] += $NF }
      END { for (k in sum) printf "      %-60s %14.3f per request (%d requests)\n", k, sum[k] / n, n }' "$work/counters.csv"
  }
  echo "== AuthApi allocations (dotnet-counters over a 10 s load and the seconds around it, divided by its requests)"
  echo "   ingestion, c=$CONNS:"; allocated ingest "$CONNS" 10 93
  echo "   leaderboard top-100 uncached, c=8:"; allocated read_board 8 10
fi
echo "AuthApi peak resident memory (VmHWM): $(awk '/VmHWM/ {print int($2 / 1024)}' "/proc/$api_pid/status") MB"
