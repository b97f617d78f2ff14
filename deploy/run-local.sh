#!/usr/bin/env bash
# Runs the whole system locally: PostgreSQL (data kept in $MODERATION_DATA_DIR, default .data/), the Hub emulator
# standing in for huggingface.co, REPLICAS (default 1) serving AuthApi replicas and ModeratorUi processes behind HAProxy
# (round-robin, no sticky sessions, health checks on /readyz) on API_PORT and UI_PORT, and WORKERS (default 1) AuthApi
# workers, which run the background jobs, on WORKER_PORT and up (health and /metrics only). Prints where to open it; a
# service that exits is reported and the others keep running; Ctrl-C stops what it started. MODERATION_SKIP_BUILD=1
# skips the build.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

API_PORT="${API_PORT:-5100}"
UI_PORT="${UI_PORT:-5200}"
HUB_PORT="${HUB_PORT:-5300}"
PG_PORT="${PG_PORT:-55432}"
WORKER_PORT="${WORKER_PORT:-5400}"
REPLICAS="${REPLICAS:-1}"
WORKERS="${WORKERS:-1}"
[[ "$REPLICAS" =~ ^[1-9][0-9]?$ ]] || { echo "REPLICAS must be a number from 1 to 99" >&2; exit 1; }
[[ "$WORKERS" =~ ^[1-9]$ ]] || { echo "WORKERS must be a number from 1 to 9" >&2; exit 1; }
DATA_DIR="${MODERATION_DATA_DIR:-$root/.data}"
mkdir -p "$DATA_DIR"
DATA_DIR=$(cd "$DATA_DIR" && pwd)
LOG_DIR="$DATA_DIR/logs"
RUN_DIR="$DATA_DIR/run"
mkdir -p "$LOG_DIR" "$RUN_DIR"
balanced=1
if ! command -v haproxy >/dev/null 2>&1; then
  [ "$REPLICAS" = 1 ] || { echo "REPLICAS=$REPLICAS needs HAProxy: apt-get install haproxy" >&2; exit 1; }
  balanced=0 # one of each, straight on API_PORT and UI_PORT
fi

command -v dotnet >/dev/null 2>&1 || { echo "The .NET 10 SDK (dotnet) is required: https://dot.net" >&2; exit 1; }
# shellcheck source=deploy/pg-local.sh
. "$root/deploy/pg-local.sh"

pids=()
names=()
cleanup() {
  # Ctrl-C reaches the whole process group; ignore further signals so the clean-up itself is not cut short.
  trap '' INT TERM
  trap - EXIT
  echo
  echo "== stopping"
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for _ in $(seq 1 60); do
    alive=0
    for pid in "${pids[@]}"; do kill -0 "$pid" 2>/dev/null && alive=1; done
    [ "$alive" = 0 ] && break
    sleep 0.5
  done
  for pid in "${pids[@]}"; do kill -9 "$pid" 2>/dev/null || true; done
  if [ "${PG_STARTED_HERE:-0}" = 1 ]; then pg_down "$DATA_DIR/pg"; echo "== PostgreSQL stopped (data kept in $DATA_DIR/pg)"; fi
}
trap 'cleanup; exit 130' INT TERM
trap cleanup EXIT

pg_up "$DATA_DIR/pg" "$PG_PORT"

if [ "${MODERATION_SKIP_BUILD:-0}" != 1 ]; then
  echo "== building (Release)"
  dotnet build Moderation.sln -c Release -nologo -v quiet >"$LOG_DIR/build.log" 2>&1 || { cat "$LOG_DIR/build.log" >&2; exit 1; }
fi

export ASPNETCORE_ENVIRONMENT=Development DOTNET_NOLOGO=1
export ConnectionStrings__Moderation="Host=127.0.0.1;Port=$PG_PORT;Database=moderation;Username=moderation"
export HuggingFace__BaseUrl="http://127.0.0.1:$HUB_PORT"
export AuthApi__BaseUrl="http://127.0.0.1:$API_PORT"
# Behind the balancer: believe its X-Forwarded-* headers (and nobody else's).
[ "$balanced" = 1 ] && export ReverseProxy__TrustedProxies__0=127.0.0.1
# The public pages' "Join this run" buttons lead to the moderator console.
export PublicPages__ModeratorUiUrl="http://127.0.0.1:$UI_PORT"

start() { # name, dll, port, settings of this process alone (NAME=value)...
  local name="$1" dll="$2" port="$3"
  shift 3
  echo "== starting $name on http://127.0.0.1:$port (log: $LOG_DIR/$name.log)"
  # From the build folder, so each app finds its appsettings*.json.
  (cd "$(dirname "$dll")" && exec env "$@" dotnet "$dll" --urls "http://127.0.0.1:$port") >"$LOG_DIR/$name.log" 2>&1 &
  pids+=($!)
  names+=("$name")
  echo $! >"$RUN_DIR/$name.pid"
}
# Replica i of a balanced service listens on its port + i; alone, on the port itself.
replica_port() { if [ "$balanced" = 1 ]; then echo $(( $1 + $2 )); else echo "$1"; fi; }
wait_for() { # name, url
  for _ in $(seq 1 120); do
    curl -fsS -o /dev/null "$2" 2>/dev/null && return 0
    sleep 0.5
  done
  echo "$1 did not come up; see $LOG_DIR/$1.log" >&2
  tail -n 30 "$LOG_DIR/$1.log" >&2
  exit 1
}

start hub-emulator "$root/tests/HubEmulator/bin/Release/net10.0/Moderation.HubEmulator.dll" "$HUB_PORT"
wait_for hub-emulator "http://127.0.0.1:$HUB_PORT/.well-known/openid-configuration"
# Every AuthApi process at once, serving replicas and workers (they share one database: the first to take the lock
# migrates it). Serving replicas run no job; workers run them all and serve only their health and /metrics.
auth_api="$root/src/AuthApi/bin/Release/net10.0/Moderation.AuthApi.dll"
for i in $(seq 1 "$REPLICAS"); do start "auth-api-$i" "$auth_api" "$(replica_port "$API_PORT" "$i")" Instance__Role=serve; done
for i in $(seq 1 "$WORKERS"); do start "auth-worker-$i" "$auth_api" $((WORKER_PORT + i - 1)) Instance__Role=work; done
for i in $(seq 1 "$REPLICAS"); do wait_for "auth-api-$i" "http://127.0.0.1:$(replica_port "$API_PORT" "$i")/readyz"; done
for i in $(seq 1 "$WORKERS"); do wait_for "auth-worker-$i" "http://127.0.0.1:$((WORKER_PORT + i - 1))/readyz"; done
for i in $(seq 1 "$REPLICAS"); do start "moderator-ui-$i" "$root/src/ModeratorUi/bin/Release/net10.0/Moderation.ModeratorUi.dll" "$(replica_port "$UI_PORT" "$i")"; done
for i in $(seq 1 "$REPLICAS"); do wait_for "moderator-ui-$i" "http://127.0.0.1:$(replica_port "$UI_PORT" "$i")/readyz"; done

if [ "$balanced" = 1 ]; then
  "$root/deploy/haproxy-config.sh" "$REPLICAS" "$API_PORT" "$UI_PORT" "$RUN_DIR/haproxy.sock" >"$RUN_DIR/haproxy.cfg"
  echo "== starting HAProxy on 127.0.0.1:$API_PORT (AuthApi) and 127.0.0.1:$UI_PORT (ModeratorUi) (config: $RUN_DIR/haproxy.cfg)"
  haproxy -f "$RUN_DIR/haproxy.cfg" -db >"$LOG_DIR/haproxy.log" 2>&1 &
  pids+=($!)
  names+=(haproxy)
  echo $! >"$RUN_DIR/haproxy.pid"
  wait_for haproxy "http://127.0.0.1:$API_PORT/readyz"
fi

cat <<MSG

Moderation is running ($REPLICAS AuthApi and $REPLICAS ModeratorUi $( [ "$balanced" = 1 ] && echo "behind HAProxy" || echo "without a balancer" ), $WORKERS AuthApi worker$( [ "$WORKERS" = 1 ] || echo s ) for the jobs).
  Moderator UI    http://127.0.0.1:$UI_PORT/          sign in with Hugging Face (the emulator) as one of the demo users
  Public pages    http://127.0.0.1:$API_PORT/              the tabs page; leaderboards at /leaderboard/<org>/<model>
  AuthApi         http://127.0.0.1:$API_PORT/docs      API reference (OpenAPI at /openapi/v1.json); metrics at /metrics
  Jobs dashboard  http://127.0.0.1:$UI_PORT/jobs      Hangfire (global admins act, owners look)
  Jobs worker     http://127.0.0.1:$WORKER_PORT/metrics   runs the background jobs (Hangfire, the outbox); health at /readyz
  Hub emulator    http://127.0.0.1:$HUB_PORT/          stands in for huggingface.co
  PostgreSQL      127.0.0.1:$PG_PORT, database moderation (data in $DATA_DIR/pg)

Demo users (HF user access token in brackets, for API calls as 'Authorization: Bearer <token>'):
  alice    admin of HF org demo-org, global admin here   [hf_dev_alice]
  bob      read member of demo-org                       [hf_dev_bob]
  carol    no org                                        [hf_dev_carol]
  mallory  no org                                        [hf_dev_mallory]

Try: curl -H 'Authorization: Bearer hf_dev_alice' http://127.0.0.1:$API_PORT/api/v1/me
Press Ctrl-C to stop.
MSG

# A service that exits is reported once; the others (and PostgreSQL) keep running until Ctrl-C.
declare -A reported=()
while :; do
  for i in "${!pids[@]}"; do
    if [ -z "${reported[$i]:-}" ] && ! kill -0 "${pids[$i]}" 2>/dev/null; then
      reported[$i]=1
      echo "${names[$i]} exited; the others keep running (log: $LOG_DIR/${names[$i]}.log)" >&2
    fi
  done
  sleep 1
done
