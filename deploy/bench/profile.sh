#!/usr/bin/env bash
# Where a join's time goes, measured so that a busy machine does not distort it: for each join kind, the CPU time
# AuthApi, PostgreSQL and wrk each spent per request (from /proc, whatever else the machine runs), the statements each
# join sent (pg_stat_statements: calls and mean time per join), PostgreSQL's commits and WAL flushes per join, and
# AuthApi's runtime counters (GC, allocation rate, thread pool). Not part of the test suite.
# Usage: deploy/bench/profile.sh [seconds per kind, default 15] [connections, default 64]
# PROFILE_KINDS="native distinct,reference distinct,…" picks the join kinds and their order (path kind, key mode).
# Optional: PROFILE_TRACE=1 also records a dotnet-trace sample of PROFILE_TRACE_KIND (default "reference distinct") (dotnet tool install -g dotnet-trace);
# read it with `dotnet-trace report <file> topN -n 40`.
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$(pwd)
SECONDS_PER_KIND="${1:-15}"
CONNS="${2:-64}"
BENCH_PG_STATEMENTS=1
BENCH_API_ARGS=()
. "$root/deploy/bench/start.sh"
export PATH="$PATH:$HOME/.dotnet/tools"

pg_stat() { psql_bench -At -c "SELECT xact_commit FROM pg_stat_database WHERE datname = 'moderation'" ; }
wal_syncs() { psql_bench -At -c "SELECT wal_sync FROM pg_stat_wal"; }

echo "== warming up"
# As long as run.sh's: the first kind measured after a shorter warm-up pays for JIT tiers and first identity lookups.
MODE=distinct PATHKIND=reference wrk -t2 -c16 -d12s -s deploy/bench/join.lua "$api" >/dev/null
MODE=distinct PATHKIND=native wrk -t2 -c16 -d12s -s deploy/bench/join.lua "$api" >/dev/null
# Then at 64 connections, as measured: the first 64-connection run after start-up is slow whichever join kind it is
# (p99 0.7-1 s, PostgreSQL CPU per join 4-5x for ~10 s): the pool opens ~25 more connections and each new PostgreSQL
# backend starts with cold catalog caches (terminating the warm backends brings the slow run back with AuthApi warm).
# That, not the path, is what made the reference join's p99 look 4-5x the native one's when it was measured first.
MODE=distinct PATHKIND=reference wrk -t2 -c64 -d5s -s deploy/bench/join.lua "$api" >/dev/null
MODE=distinct PATHKIND=native wrk -t2 -c64 -d5s -s deploy/bench/join.lua "$api" >/dev/null
MODE=same PATHKIND=reference wrk -t2 -c16 -d3s -s deploy/bench/join.lua "$api" >/dev/null

echo "== profiling (${SECONDS_PER_KIND}s per kind, ${CONNS} connections; load average: $(cut -d' ' -f1-3 /proc/loadavg))"
printf '%-44s %9s %9s %11s %11s %11s %9s %9s\n' "join kind" "req/s" "p99" "AuthApi ms" "Postgres ms" "wrk ms" "commits" "WAL syncs"
IFS=, read -ra kinds <<<"${PROFILE_KINDS:-reference distinct,native distinct,reference same}"
for kind in "${kinds[@]}"; do
  set -- $kind
  trace=()
  if [ "${PROFILE_TRACE:-}" = 1 ] && [ "$kind" = "${PROFILE_TRACE_KIND:-reference distinct}" ] && command -v dotnet-trace >/dev/null; then
    dotnet-trace collect -p "$api_pid" --profile dotnet-sampled-thread-time -o "$root/.tmp/join-$1-$2.nettrace" \
      --duration "00:00:00:$(printf '%02d' "$SECONDS_PER_KIND")" >/dev/null 2>&1 &
    trace=($!)
  fi
  psql_bench -c "SELECT pg_stat_statements_reset()" >/dev/null
  api0=$(cpu_ticks "$api_pid"); pg0=$(pg_ticks); c0=$(pg_stat); w0=$(wal_syncs)
  out=$( { /usr/bin/time -f 'wrk_cpu %U %S' env MODE="$2" PATHKIND="$1" wrk -t2 -c"$CONNS" -d"${SECONDS_PER_KIND}s" --latency -s deploy/bench/join.lua "$api"; } 2>&1)
  api1=$(cpu_ticks "$api_pid"); pg1=$(pg_ticks); c1=$(pg_stat); w1=$(wal_syncs)
  [ ${#trace[@]} -gt 0 ] && wait "${trace[0]}" || true
  requests=$(echo "$out" | awk '/requests in/ {print $1}')
  rps=$(echo "$out" | awk '/Requests\/sec/ {print $2}')
  p99=$(echo "$out" | awk '$1=="99%" {print $2}')
  wrk_s=$(echo "$out" | awk '/^wrk_cpu/ {print $2 + $3}')
  awk -v k="$1 join, $2 keys" -v r="$rps" -v l="$p99" -v n="$requests" -v a=$((api1 - api0)) -v p=$((pg1 - pg0)) -v w="$wrk_s" -v hz="$hz" \
      -v c=$((c1 - c0)) -v s=$((w1 - w0)) \
    'BEGIN { printf "%-44s %9.0f %9s %11.3f %11.3f %11.3f %9.3f %9.3f\n", k, r, l, a * 1000 / hz / n, p * 1000 / hz / n, w * 1000 / n, c / n, s / n }'
  psql_bench -At -F ' | ' -c "
    SELECT round(calls::numeric / $requests, 2) AS per_join, round(mean_exec_time::numeric, 3) AS mean_ms,
           left(regexp_replace(query, '\s+', ' ', 'g'), 110)
    FROM pg_stat_statements WHERE dbid = (SELECT oid FROM pg_database WHERE datname = 'moderation') AND calls >= $requests / 20
    ORDER BY calls * mean_exec_time DESC LIMIT 8" | sed 's/^/      /'
done
echo "   (ms columns: CPU milliseconds per request; commits and WAL syncs: per request; statements: calls per join | mean ms)"

if command -v dotnet-counters >/dev/null; then
  echo "== AuthApi runtime counters under the reference join (distinct keys)"
  (MODE=distinct PATHKIND=reference wrk -t2 -c"$CONNS" -d12s -s deploy/bench/join.lua "$api" >/dev/null &)
  sleep 2
  dotnet-counters collect -p "$api_pid" --counters System.Runtime --format csv -o "$work/counters.csv" --duration 00:00:00:08 >/dev/null 2>&1 || true
  sleep 3
  [ -f "$work/counters.csv" ] && awk -F, 'NR > 1 { v[$3] = $NF } END { for (k in v) print "   " k ": " v[k] }' "$work/counters.csv" \
    | grep -Ei 'gc\.heap|allocated|gc\.collections|working_set|thread_pool\.(thread|queue)|lock' | sort || true
fi
echo "AuthApi peak resident memory (VmHWM): $(awk '/VmHWM/ {print int($2 / 1024)}' "/proc/$api_pid/status") MB"
