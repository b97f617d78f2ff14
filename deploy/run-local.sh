#!/usr/bin/env bash
# Runs the whole system locally: PostgreSQL (data kept in $MODERATION_DATA_DIR, default .data/), the Hub emulator
# standing in for huggingface.co, AuthApi and ModeratorUi. Prints where to open it; Ctrl-C stops what it started.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

API_PORT="${API_PORT:-5100}"
UI_PORT="${UI_PORT:-5200}"
HUB_PORT="${HUB_PORT:-5300}"
PG_PORT="${PG_PORT:-55432}"
DATA_DIR="${MODERATION_DATA_DIR:-$root/.data}"
mkdir -p "$DATA_DIR"
DATA_DIR=$(cd "$DATA_DIR" && pwd)
LOG_DIR="$DATA_DIR/logs"
mkdir -p "$LOG_DIR"

command -v dotnet >/dev/null 2>&1 || { echo "The .NET 10 SDK (dotnet) is required: https://dot.net" >&2; exit 1; }
# shellcheck source=deploy/pg-local.sh
. "$root/deploy/pg-local.sh"

pids=()
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
trap cleanup INT TERM EXIT

pg_up "$DATA_DIR/pg" "$PG_PORT"

echo "== building (Release)"
dotnet build Moderation.sln -c Release -nologo -v quiet >"$LOG_DIR/build.log" 2>&1 || { cat "$LOG_DIR/build.log" >&2; exit 1; }

export ASPNETCORE_ENVIRONMENT=Development DOTNET_NOLOGO=1
export ConnectionStrings__Moderation="Host=127.0.0.1;Port=$PG_PORT;Database=moderation;Username=moderation"
export HuggingFace__BaseUrl="http://127.0.0.1:$HUB_PORT"
export AuthApi__BaseUrl="http://127.0.0.1:$API_PORT"
# The public pages' "Join this run" buttons lead to the moderator console.
export PublicPages__ModeratorUiUrl="http://127.0.0.1:$UI_PORT"

start() { # name, dll, port
  echo "== starting $1 on http://127.0.0.1:$3 (log: $LOG_DIR/$1.log)"
  # From the build folder, so each app finds its appsettings*.json.
  (cd "$(dirname "$2")" && exec dotnet "$2" --urls "http://127.0.0.1:$3") >"$LOG_DIR/$1.log" 2>&1 &
  pids+=($!)
}
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
start auth-api "$root/src/AuthApi/bin/Release/net10.0/Moderation.AuthApi.dll" "$API_PORT"
wait_for auth-api "http://127.0.0.1:$API_PORT/readyz"
start moderator-ui "$root/src/ModeratorUi/bin/Release/net10.0/Moderation.ModeratorUi.dll" "$UI_PORT"
wait_for moderator-ui "http://127.0.0.1:$UI_PORT/"

cat <<MSG

Moderation is running.
  Moderator UI    http://127.0.0.1:$UI_PORT/          sign in with Hugging Face (the emulator) as one of the demo users
  Public pages    http://127.0.0.1:$API_PORT/              the tabs page; leaderboards at /leaderboard/<org>/<model>
  AuthApi         http://127.0.0.1:$API_PORT/docs      API reference (OpenAPI at /openapi/v1.json)
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

while :; do
  for pid in "${pids[@]}"; do
    kill -0 "$pid" 2>/dev/null || { echo "A service exited; see the logs in $LOG_DIR" >&2; exit 1; }
  done
  sleep 1
done
