#!/usr/bin/env bash
# Where a join's time goes, measured so that a busy machine does not distort it: for each join kind, the CPU time
# AuthApi, PostgreSQL and wrk each spent per request (from /proc, whatever else the machine runs), what AuthApi allocated
# per request, the statements each join sent (pg_stat_statements: calls and mean time per join, and how often each was
# planned), PostgreSQL's commits and WAL flushes per join, and AuthApi's runtime counters (GC, allocation rate, thread
# pool). Not part of the test suite.
# Usage: deploy/bench/profile.sh [seconds per kind, default 15] [connections, default 64]
# PROFILE_KINDS="native distinct,reference distinct,…" picks the join kinds and their order (path kind, key mode).
# Optional: PROFILE_TRACE=1 also records a dotnet-trace sample of PROFILE_TRACE_KIND (default "reference distinct") (dotnet tool install -g dotnet-trace);
# read it with `dotnet-trace report <file> topN -n 40`, or deploy/bench/busy-frames.py after `dotnet-trace convert --format speedscope`.
# PROFILE_PERF=1 (Linux perf installed) records AuthApi with `perf record` during the first kind and prints where its CPU
# went by library (libcrypto: the RSA signature; the kernel; the runtime; JIT-compiled .NET code) and the hottest .NET
# methods; the recording stays in .tmp/profile-perf.data for `perf report`.
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$(pwd)
SECONDS_PER_KIND="${1:-15}"
CONNS="${2:-64}"
BENCH_PG_STATEMENTS=1
BENCH_API_ARGS=()
# perf names JIT-compiled methods from the runtime's perf map (written only when asked for), which it can match to code
# only without the runtime's double mapping of executable memory (W^X off: CPU figures of such a run are a few % lower).
[ "${PROFILE_PERF:-}" = 1 ] && export BENCH_API_ENV="${BENCH_API_ENV:-} DOTNET_PerfMapEnabled=1 DOTNET_EnableWriteXorExecute=0"
. "$root/deploy/bench/start.sh"
export PATH="$PATH:$HOME/.dotnet/tools"

pg_stat() { psql_bench -At -c "SELECT xact_commit FROM pg_stat_database WHERE datname = 'moderation'" ; }
wal_syncs() { psql_bench -At -c "SELECT wal_sync FROM pg_stat_wal"; }

echo "== warming up"
warm_up_joins

echo "== profiling (${SECONDS_PER_KIND}s per kind, ${CONNS} connections; load average: $(cut -d' ' -f1-3 /proc/loadavg))"
allocated() { curl -fsS "$api/metrics" | awk '/^dotnet_gc_heap_total_allocated_bytes_total/ {print $2}'; }
printf '%-32s %8s %9s %7s %11s %11s %8s %9s %8s %9s\n' "join kind" "req/s" "p99" "non-2xx" "AuthApi ms" "Postgres ms" "wrk ms" "alloc KB" "commits" "WAL syncs"
IFS=, read -ra kinds <<<"${PROFILE_KINDS:-reference distinct,native distinct,reference same}"
for kind in "${kinds[@]}"; do
  set -- $kind
  trace=()
  perf_rec=()
  if [ "${PROFILE_PERF:-}" = 1 ] && [ "$kind" = "${kinds[0]}" ] && command -v perf >/dev/null; then
    mkdir -p "$root/.tmp"
    perf record -F 999 -g -p "$api_pid" -o "$root/.tmp/profile-perf.data" -- sleep "$SECONDS_PER_KIND" >/dev/null 2>&1 &
    perf_rec=($!)
  fi
  if [ "${PROFILE_TRACE:-}" = 1 ] && [ "$kind" = "${PROFILE_TRACE_KIND:-reference distinct}" ] && command -v dotnet-trace >/dev/null; then
    dotnet-trace collect -p "$api_pid" --profile dotnet-sampled-thread-time -o "$root/.tmp/join-$1-$2.nettrace" \
      --duration "00:00:00:$(printf '%02d' "$SECONDS_PER_KIND")" >/dev/null 2>&1 &
    trace=($!)
  fi
  psql_bench -c "SELECT pg_stat_statements_reset()" >/dev/null
  m0=$(allocated); c0=$(pg_stat); w0=$(wal_syncs); api0=$(cpu_ticks "$api_pid"); pg0=$(pg_ticks)
  out=$( { /usr/bin/time -f 'wrk_cpu %U %S' env MODE="$2" PATHKIND="$1" wrk -t2 -c"$CONNS" -d"${SECONDS_PER_KIND}s" --latency -s deploy/bench/join.lua "$api"; } 2>&1)
  api1=$(cpu_ticks "$api_pid"); pg1=$(pg_ticks); c1=$(pg_stat); w1=$(wal_syncs); m1=$(allocated)
  [ ${#trace[@]} -gt 0 ] && wait "${trace[0]}" || true
  [ ${#perf_rec[@]} -gt 0 ] && wait "${perf_rec[0]}" || true
  requests=$(echo "$out" | awk '/requests in/ {print $1}')
  rps=$(echo "$out" | awk '/Requests\/sec/ {print $2}')
  p99=$(echo "$out" | awk '$1=="99%" {print $2}')
  wrk_s=$(echo "$out" | awk '/^wrk_cpu/ {print $2 + $3}')
  non2xx=$(echo "$out" | awk '/Non-2xx/ {print $5}')
  awk -v k="$1 join, $2 keys" -v r="$rps" -v l="$p99" -v n="$requests" -v a=$((api1 - api0)) -v p=$((pg1 - pg0)) -v w="$wrk_s" -v hz="$hz" \
      -v c=$((c1 - c0)) -v s=$((w1 - w0)) -v e="${non2xx:-0}" -v m0="${m0:-0}" -v m1="${m1:-0}" \
    'BEGIN { printf "%-32s %8.0f %9s %7s %11.3f %11.3f %8.3f %9.1f %8.3f %9.3f\n", k, r, l, e, a * 1000 / hz / n, p * 1000 / hz / n, w * 1000 / n,
             (m1 - m0) / 1024 / n, c / n, s / n }'
  if [ "$2" = distinct ]; then
    # Issue 24's targets for a fresh-key join, and the rate two cores would sustain at these CPU costs alone.
    awk -v a=$((api1 - api0)) -v p=$((pg1 - pg0)) -v w="$wrk_s" -v n="$requests" -v hz="$hz" -v cores="$(nproc)" 'BEGIN {
      am = a * 1000 / hz / n; pm = p * 1000 / hz / n; total = am + pm + w * 1000 / n
      printf "      targets: AuthApi ≤ 1.0 ms: %s; PostgreSQL ≤ 0.6 ms: %s; %d cores / (AuthApi + PostgreSQL + wrk CPU) = %.0f joins/s\n",
        (am <= 1.0) ? "met" : "NOT met", (pm <= 0.6) ? "met" : "NOT met", cores, cores * 1000 / total }'
  fi
  psql_bench -At -F ' | ' -c "
    SELECT round(calls::numeric / $requests, 2) AS per_join, round(mean_exec_time::numeric, 3) AS mean_ms,
           round(plans::numeric / calls, 2) AS planned, left(regexp_replace(query, '\s+', ' ', 'g'), 100)
    FROM pg_stat_statements WHERE dbid = (SELECT oid FROM pg_database WHERE datname = 'moderation') AND calls >= $requests / 20
    ORDER BY calls * mean_exec_time DESC LIMIT 8" | sed 's/^/      /'
done
echo "   (ms columns: CPU milliseconds per request; alloc: KB allocated by AuthApi per request; commits and WAL syncs: per request;"
echo "    statements: calls per join | mean ms | share of calls that were planned)"

if [ -f "$root/.tmp/profile-perf.data" ] && [ "${PROFILE_PERF:-}" = 1 ]; then
  echo "== AuthApi under ${kinds[0]} joins (perf record; by library, then the hottest .NET methods)"
  perf report -i "$root/.tmp/profile-perf.data" --no-children --sort dso --stdio -g none 2>/dev/null | grep -E '^ +[0-9]' | head -8 | sed 's/^/   /'
  perf report -i "$root/.tmp/profile-perf.data" --no-children --sort sym --stdio -g none 2>/dev/null | grep -E '^ +[0-9].*\[\.\] .*(\[|::)' \
    | head -15 | cut -c1-160 | sed 's/^/   /'
fi

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
