#!/usr/bin/env bash
# Sourced by run.sh and profile.sh: builds in Release (MODERATION_SKIP_BUILD=1: not), starts a throwaway PostgreSQL, the
# Hub emulator and AuthApi as a serving replica (Production settings) on free ports, creates the experiment
# demo-org/bench-model, and stops everything on exit.
# Sets root, work, api, api_pid, PG_PORT, API_PORT and psql_bench. Extra AuthApi arguments: BENCH_API_ARGS (array);
# extra environment for AuthApi alone (e.g. runtime settings to compare): BENCH_API_ENV="DOTNET_X=1 DOTNET_Y=2".
. "$root/deploy/pg-local.sh"

if ! command -v wrk >/dev/null 2>&1; then
  if [ "$(id -u)" -eq 0 ]; then apt-get install -y -qq wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk >/dev/null; }
  else echo "wrk is needed: apt-get install wrk" >&2; exit 1; fi
fi

work=$(mktemp -d /tmp/moderation-bench.XXXXXX)
chmod 755 "$work"
pids=()
PG_STARTED_HERE=0
cleanup() {
  trap '' INT TERM
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  sleep 1
  for pid in "${pids[@]}"; do kill -9 "$pid" 2>/dev/null || true; done
  [ "$PG_STARTED_HERE" = 1 ] && pg_down "$work/pg"
  rm -rf "$work"
}
trap cleanup EXIT INT TERM

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }
PG_PORT=$(free_port); HUB_PORT=$(free_port); API_PORT=$(free_port)

if [ "${MODERATION_SKIP_BUILD:-0}" != 1 ]; then
  echo "== building (Release)"
  dotnet build Moderation.sln -c Release -nologo -v quiet >"$work/build.log" 2>&1 || { cat "$work/build.log"; exit 1; }
fi
pg_up "$work/pg" "$PG_PORT" >/dev/null
if [ -n "${BENCH_PG_STATEMENTS:-}" ]; then # profile.sh: per-statement counts and times
  as_pg "$(pg_bin_dir)/psql" -h 127.0.0.1 -p "$PG_PORT" -U postgres -d postgres -qc "ALTER SYSTEM SET shared_preload_libraries = 'pg_stat_statements'"
  as_pg "$(pg_bin_dir)/pg_ctl" -D "$work/pg" -w -m fast restart >/dev/null
  as_pg "$(pg_bin_dir)/psql" -h 127.0.0.1 -p "$PG_PORT" -U postgres -d moderation -qc "CREATE EXTENSION IF NOT EXISTS pg_stat_statements"
  # Planning counted too: a statement planned on most calls is one that is not prepared (Npgsql auto-prepares after 5 uses).
  as_pg "$(pg_bin_dir)/psql" -h 127.0.0.1 -p "$PG_PORT" -U postgres -d postgres -qc "ALTER SYSTEM SET pg_stat_statements.track_planning = on" \
    -c "SELECT pg_reload_conf()" >/dev/null
fi

export ASPNETCORE_ENVIRONMENT=Production DOTNET_NOLOGO=1 Logging__LogLevel__Default=Warning
export ConnectionStrings__Moderation="Host=127.0.0.1;Port=$PG_PORT;Database=moderation;Username=moderation;Maximum Pool Size=100"
export HuggingFace__BaseUrl="http://127.0.0.1:$HUB_PORT" Moderation__GlobalAdminIds__0=6650a1c0a1c0a1c0a1c0a1c0
# Production needs the public origin and a protected key ring; a throwaway bench database holds no secret worth one.
export Tokens__Issuer="http://127.0.0.1:$API_PORT" DataProtection__AllowUnprotectedKeys=true
# /metrics in Production is served only to allowed networks: the bench scrapes it over loopback.
export Telemetry__MetricsAllowedNetworks__0=127.0.0.0/8
# One load generator on one address: the limits stay on (their cost is measured) but far above what wrk sends.
if [ "${BENCH_RATE_LIMITS:-on}" = off ]; then
  # To measure what the limits cost: every limit off (0).
  export RateLimits__AnonymousReadsPerMinute=0 RateLimits__WritesPerMinute=0 RateLimits__JoinsPerMinute=0 \
    RateLimits__ReportBatchesPerMinute=0 RateLimits__UnknownTokenLookupsPerMinute=0
else
  export RateLimits__AnonymousReadsPerMinute=600000000 RateLimits__AnonymousReadBurst=10000000 RateLimits__WritesPerMinute=600000000 \
  RateLimits__WriteBurst=10000000 RateLimits__JoinsPerMinute=600000000 RateLimits__JoinBurst=10000000 \
  RateLimits__ReportBatchesPerMinute=600000000 RateLimits__ReportBatchBurst=10000000 \
  RateLimits__UnknownTokenLookupsPerMinute=600000000 RateLimits__UnknownTokenLookupBurst=10000000
fi
(cd tests/HubEmulator/bin/Release/net10.0 && exec dotnet Moderation.HubEmulator.dll --urls "http://127.0.0.1:$HUB_PORT") >"$work/hub.log" 2>&1 &
pids+=($!)
# The AuthApi build to run: the Release build output, or BENCH_API_DIR (e.g. a `dotnet publish` output to compare).
api_dir="${BENCH_API_DIR:-src/AuthApi/bin/Release/net10.0}"
# The schema is applied as a deployment step, as in production (deploy/compose.yaml, the Helm chart).
(cd "$api_dir" && dotnet Moderation.AuthApi.dll migrate) >"$work/migrate.log" 2>&1 || { cat "$work/migrate.log"; exit 1; }
export Database__MigrateOnStart=false
# As a serving replica runs (Instance:Role=serve): no Hangfire. No worker beside it: no suite needs a background job (the
# contributions suite times the leaderboard job through the refresh endpoint, which runs it in the replica that answers).
(cd "$api_dir" && exec env Instance__Role=serve ${BENCH_API_ENV:-} dotnet Moderation.AuthApi.dll --urls "http://127.0.0.1:$API_PORT" \
  "--Logging:LogLevel:Moderation.AuthApi.Contributions.LeaderboardJob=Information" \
  "--Contributions:LeaderboardCron=0 0 31 2 *" "${BENCH_API_ARGS[@]}") >"$work/api.log" 2>&1 &
api_pid=$!
pids+=($api_pid)
api="http://127.0.0.1:$API_PORT"
psql_bench() { as_pg "$(pg_bin_dir)/psql" -h 127.0.0.1 -p "$PG_PORT" -U postgres -d moderation -q -v ON_ERROR_STOP=1 "$@"; }
started_at=$(date +%s%N)
for _ in $(seq 1 600); do curl -fsS -o /dev/null "$api/readyz" 2>/dev/null && break; sleep 0.1; done
curl -fsS -o /dev/null "$api/readyz" || { echo "AuthApi did not start:"; tail -30 "$work/api.log"; exit 1; }
echo "== AuthApi ready $(( ($(date +%s%N) - started_at) / 1000000 )) ms after it was started (load average $(cut -d' ' -f1 /proc/loadavg))"

# --retry: on a machine loaded by other work the first Hub lookup may time out (503 + Retry-After), which curl retries.
curl -fsS --retry 5 -o /dev/null -H 'Authorization: Bearer hf_dev_alice' -H 'Content-Type: application/json' \
  -d '{"organization_name":"demo-org","model_name":"bench-model","coordinator_ip":"192.0.2.1","coordinator_port":31337}' \
  "$api/api/v1/experiments"
# Distinct-key joins come from BENCH_USERS users (hf_dev_bench0…), ~100 live keys each after a full run (the default
# cap), so the per-user key check costs what it would in production; the cap is raised to 10,000 so that it is never
# reached (one user would reach the default cap of 100 after 100 joins and get 429s from then on).
BENCH_USERS=${BENCH_USERS:-1000}
for n in $(seq 0 $((BENCH_USERS - 1))); do
  curl -fsS -o /dev/null -H 'Content-Type: application/json' "http://127.0.0.1:$HUB_PORT/_emulator/users" \
    -d "{\"id\":\"$(printf 'be0c4be0c4be0c4be0c4%04x' "$n")\",\"name\":\"bench$n\",\"fullname\":null,\"email\":null,\"emailVerified\":true,\"isPro\":false,\"orgs\":[{\"id\":\"6650d0d0d0d0d0d0d0d0d0d0\",\"name\":\"demo-org\",\"fullname\":\"Demo Org\",\"roleInOrg\":\"read\"}]}"
done
curl -fsS --retry 5 -o /dev/null -X PATCH -H 'Authorization: Bearer hf_dev_alice' -H 'Content-Type: application/json' \
  -d '{"max_peer_keys_per_user":10000}' "$api/api/v1/experiments/demo-org/bench-model"
export BENCH_USERS

# CPU time from /proc, whatever else the machine runs (profile.sh, profile-contributions.sh): clock ticks of the given
# processes (user + system), and PostgreSQL's processes (the postmaster and every backend it forked).
hz=$(getconf CLK_TCK)
cpu_ticks() {
  local total=0 pid
  for pid in "$@"; do
    [ -r "/proc/$pid/stat" ] && total=$((total + $(awk '{print $14 + $15}' "/proc/$pid/stat")))
  done
  echo "$total"
}
pg_pids() { local pm; pm=$(head -1 "$work/pg/postmaster.pid"); echo "$pm" $(pgrep -P "$pm"); }
# PostgreSQL's CPU: its processes', plus what backends that have exited since left in the postmaster's children's times
# (a connection the pool closed would otherwise take its CPU with it).
pg_ticks() {
  local pm; pm=$(head -1 "$work/pg/postmaster.pid")
  echo $(( $(cpu_ticks $(pg_pids)) + $(awk '{print $16 + $17}' "/proc/$pm/stat") ))
}

# Warms AuthApi up for the join benchmarks: both join kinds at 16 connections, then at 64 as measured (the first
# 64-connection run after start-up is slow whichever kind it is: the pool opens ~25 more connections and each new
# PostgreSQL backend starts with cold catalog caches), then more rounds until the JIT has settled (fewer than 100
# methods compiled in a round; on a loaded machine tiering takes minutes), so that whichever kind is measured first does
# not pay for JIT tiers and first identity lookups.
warm_up_joins() {
  local round before after
  jit_methods() { curl -fsS "$api/metrics" | awk '/^dotnet_jit_compiled_methods_total/ {print $2}'; }
  MODE=distinct PATHKIND=reference wrk -t2 -c16 -d12s -s deploy/bench/join.lua "$api" >/dev/null
  MODE=distinct PATHKIND=native wrk -t2 -c16 -d12s -s deploy/bench/join.lua "$api" >/dev/null
  for round in 1 2 3 4 5 6; do
    before=$(jit_methods)
    MODE=distinct PATHKIND=reference wrk -t2 -c64 -d4s -s deploy/bench/join.lua "$api" >/dev/null
    MODE=distinct PATHKIND=native wrk -t2 -c64 -d4s -s deploy/bench/join.lua "$api" >/dev/null
    MODE=same PATHKIND=reference wrk -t2 -c64 -d2s -s deploy/bench/join.lua "$api" >/dev/null
    MODE=same PATHKIND=native wrk -t2 -c64 -d2s -s deploy/bench/join.lua "$api" >/dev/null
    after=$(jit_methods)
    echo "   warm-up round $round: $((${after%.*} - ${before%.*})) methods compiled (load average $(cut -d' ' -f1 /proc/loadavg))"
    [ $((${after%.*} - ${before%.*})) -lt 100 ] && break
  done
}
