#!/usr/bin/env bash
# Benchmarks on this machine: starts PostgreSQL (throwaway), the Hub emulator and AuthApi in Release, loads them with
# wrk over loopback and prints a table. Not part of the test suite.
# Usage: deploy/bench/run.sh [seconds per run] [suites: any of join revocations contributions soak; default the first three]
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$(pwd)
SECONDS_PER_RUN="${1:-${BENCH_SECONDS:-10}}"
SUITES="${2:-join revocations contributions}"
want() { case " $SUITES " in *" $1 "*) return 0;; *) return 1;; esac; }
load_before=$(cut -d' ' -f1-3 /proc/loadavg)
BENCH_API_ARGS=()
. "$root/deploy/bench/start.sh"
want join && {
echo "== warming up"
warm_up_joins
wrk -t1 -c4 -d2s "$api/api/v1/experiments/demo-org/bench-model/jwks" >/dev/null
}

results=()
# Targets at 64 connections: "label|min requests/s|max p99 ms" (fresh joins: issue 24; re-joins: issue 13).
declare -A targets=(
  ["reference join, distinct keys (every join signs)"]="1300|100"
  ["native join (JWT + hivemind_access), distinct keys"]="1300|100"
  ["reference join, same key (re-joins)"]="15000|20"
)
ms_of() { awk -v v="$1" 'BEGIN { if (v ~ /us$/) print v / 1000; else if (v ~ /ms$/) print v + 0; else if (v ~ /s$/) print v * 1000; else print -1 }'; }
verdict() { # label, connections, rps, p99: the target and whether it was met, for 64-connection rows with a target
  local t="${targets[$1]:-}"
  [ "$2" = 64 ] && [ -n "$t" ] || { echo "–"; return; }
  awk -v r="$3" -v p="$(ms_of "$4")" -v rt="${t%|*}" -v pt="${t#*|}" \
    'BEGIN { printf "≥ %d/s, p99 < %d ms: %s", rt, pt, (r >= rt && p >= 0 && p < pt) ? "met" : "NOT met" }'
}
record() { # label, connections, wrk output: one table row and one progress line
  local rps p50 p99 errors
  rps=$(echo "$3" | awk '/Requests\/sec/ {print $2}')
  p50=$(echo "$3" | awk '$1=="50%" {print $2}')
  p99=$(echo "$3" | awk '$1=="99%" {print $2}')
  errors=$(echo "$3" | awk '/Non-2xx/ {print $5}')
  results+=("| $1 | $2 | ${rps:-?} | ${p50:-?} | ${p99:-?} | ${errors:-0} | $(verdict "$1" "$2" "${rps:-0}" "${p99:-?}") |")
  echo "   $1 c=$2: ${rps} req/s, p50 ${p50}, p99 ${p99}, non-2xx ${errors:-0}"
}
run() { # label, connections, url, env assignments for join.lua...
  local label="$1" conns="$2" url="$3"; shift 3
  record "$label" "$conns" "$(env "$@" wrk -t2 -c"$conns" -d"${SECONDS_PER_RUN}s" --latency -s deploy/bench/join.lua "$url" 2>&1)"
}

get_lua="$work/get.lua"
cat >"$get_lua" <<'LUA'
local etag = os.getenv("ETAG")
function init(args) if etag and etag ~= "" then wrk.headers["If-None-Match"] = etag end end
LUA
run_get() { # label, connections, url, etag (empty for unconditional GETs)
  record "$1" "$2" "$(ETAG="$4" wrk -t2 -c"$2" -d"${SECONDS_PER_RUN}s" --latency -s "$get_lua" "$3" 2>&1)"
}
etag_of() { curl -fsS -D - -o /dev/null "$1" | awk -F': ' 'tolower($1)=="etag" {print $2}' | tr -d '\r'; }
jwks_url="$api/api/v1/experiments/demo-org/bench-model/jwks"
etag=$(etag_of "$jwks_url")

join_rss_kb=0
if want join; then
echo "== measuring (${SECONDS_PER_RUN}s per run)"
for c in 8 64; do run "reference join, distinct keys (every join signs)" "$c" "$api" MODE=distinct PATHKIND=reference; done
for c in 8 64; do run "reference join, same key (re-joins)" "$c" "$api" MODE=same PATHKIND=reference; done
for c in 8 64; do run "native join (JWT + hivemind_access), distinct keys" "$c" "$api" MODE=distinct PATHKIND=native; done
join_rss_kb=$(awk '/VmHWM/ {print $2}' "/proc/$api_pid/status")
for c in 8 64; do run_get "JWKS GET" "$c" "$jwks_url" ""; done
for c in 8 64; do run_get "JWKS GET If-None-Match (304)" "$c" "$jwks_url" "$etag"; done
fi

# Revocation lists: five experiments with 10,000 revoked tokens (20,000 token ids: jti and hivemind id) and 100 bans
# each. The first request for each waits for its list to be built and signed, which is what is timed.
build_ms=()
if want revocations; then
echo "== revocation lists with 10,000 revoked tokens"
for n in 1 2 3 4 5; do
  curl -fsS -o /dev/null -H 'Authorization: Bearer hf_dev_alice' -H 'Content-Type: application/json' \
    -d "{\"organization_name\":\"demo-org\",\"model_name\":\"revocation-bench-$n\",\"access_policy\":\"open\"}" "$api/api/v1/experiments"
done
psql_bench -c "
  INSERT INTO hf_users (id, username, seen_at)
  SELECT 'rev-id-' || i, 'rev-user-' || i, now() FROM generate_series(1, 10000) i
  UNION ALL SELECT 'rev-banned-id-' || i, 'rev-banned-' || i, now() FROM generate_series(1, 100) i;
  INSERT INTO issued_tokens (id, experiment_id, username, user_id, peer_key_fingerprint, peer_public_key, kid, issued_at, expires_at,
                             hivemind_signature, revoked_at, revoked_by, revocation_reason)
  SELECT gen_random_uuid(), e.id, 'rev-user-' || i, 'rev-id-' || i, md5(i::text), 'ssh-rsa x', 'k', now(), now() + interval '1 hour',
         encode(sha256((e.id || '-' || i)::bytea), 'base64'), now(), 'bench', 'bench'
  FROM experiments e, generate_series(1, 10000) i WHERE e.model_name LIKE 'revocation-bench-%';
  -- Token ids are listed only for individually revoked peer keys (a ban is one username entry).
  INSERT INTO revoked_peer_keys (experiment_id, peer_key_fingerprint, reason, revoked_at, revoked_by, user_id)
  SELECT e.id, md5(i::text), 'bench', now(), 'bench', 'rev-id-' || i
  FROM experiments e, generate_series(1, 10000) i WHERE e.model_name LIKE 'revocation-bench-%';
  INSERT INTO bans (experiment_id, user_id, reason, banned_by, created_at)
  SELECT e.id, 'rev-banned-id-' || i, 'bench', 'bench', now() FROM experiments e, generate_series(1, 100) i WHERE e.model_name LIKE 'revocation-bench-%';
  UPDATE revocation_states SET version = version + 1;"
for n in 1 2 3 4 5; do
  build_ms+=("$(curl -fsS -o "$work/revocations.jws" -w '%{time_total}' "$api/api/v1/experiments/demo-org/revocation-bench-$n/revocations" | awk '{printf "%.1f", $1 * 1000}')")
done
rev_url="$api/api/v1/experiments/demo-org/revocation-bench-1/revocations"
rev_bytes=$(wc -c <"$work/revocations.jws")
rev_etag=$(etag_of "$rev_url")
for c in 8 64; do run_get "revocation list If-None-Match (304)" "$c" "$rev_url" "$rev_etag"; done
run_get "revocation list GET (20,100 entries, ${rev_bytes} bytes)" 64 "$rev_url" ""
fi

contribution_lines=()
if want contributions; then
  . deploy/bench/contributions.sh
fi

soak_line=""
if want soak; then
  . deploy/bench/soak.sh
fi

peak_rss_kb=$(awk '/VmHWM/ {print $2}' "/proc/$api_pid/status")
# /metrics under load, as Prometheus would scrape it: the service's own series after the runs.
metrics_lines=$(curl -fsS "$api/metrics" 2>/dev/null | grep -E '^moderation_(joins|hub_calls|identity_cache|revocation_list_version|jobs|rate_limit)' | cut -d'{' -f1 | sort | uniq -c | awk '{print $2 " (" $1 " series)"}' | paste -sd ';' -)
verifier=$(taskset -c 0 dotnet deploy/bench/VerifierBench/bin/Release/net10.0/Moderation.VerifierBench.dll 3)
# The machine's limits, from the same run: RSA-2048 signatures and verifications per second on one core and on all.
openssl_one=$(taskset -c 0 openssl speed -seconds 3 rsa2048 2>/dev/null | awk '/^rsa 2048/ {print $6 " signatures/s, " $7 " verifications/s"}')
openssl_all=$(openssl speed -seconds 3 -multi "$(nproc)" rsa2048 2>/dev/null | awk '/^rsa 2048/ {print $6 " signatures/s, " $7 " verifications/s"}')
openssl_verify=$(echo "$openssl_one" | awk '{print $3}')

{
  echo
  echo "## AuthApi on $(nproc) cores, $(date -u +%Y-%m-%dT%H:%MZ), ${SECONDS_PER_RUN}s per run, wrk -t2 over loopback"
  echo
  echo "Load average before / after: $load_before / $(cut -d' ' -f1-3 /proc/loadavg) (other work on the machine lowers every figure)"
  echo
  echo "| scenario | connections | requests/s | p50 | p99 | non-2xx | target |"
  echo "| --- | --- | --- | --- | --- | --- | --- |"
  printf '%s\n' "${results[@]}"
  echo
  if want join; then
    echo "AuthApi peak resident memory (VmHWM): $((join_rss_kb / 1024)) MB after the join runs ($( [ $((join_rss_kb / 1024)) -lt 200 ] && echo met || echo NOT met ): < 200 MB), $((peak_rss_kb / 1024)) MB at the end"
  else
    echo "AuthApi peak resident memory (VmHWM): $((peak_rss_kb / 1024)) MB at the end"
  fi
  echo "openssl speed rsa2048: one core $openssl_one; $(nproc) cores $openssl_all"
  echo "/metrics after the runs: ${metrics_lines:-NOT served}"
  printf '%s\n' "${contribution_lines[@]}"
  if [ -n "$soak_line" ]; then echo "$soak_line"; fi
  echo "Revocation list with 10,000 revoked tokens and 100 bans, first request (built and signed while it waits; ms, 5 experiments, incl. HTTP): ${build_ms[*]}"
  # Per CPU second of the verifier, as openssl speed counts; the per-wall-second figures are in the bench's own output.
  echo "$verifier" | grep -v _per_wall_second | awk -F= -v target=60000 -v limit="$openssl_verify" '{
    kind = ($1 ~ /hivemind/) ? "hivemind_access" : "JWT"
    printf "Contracts verifier, one core: %s verifications/s = %d (target ≥ %d: %s; %.0f%% of openssl verify on one core)\n",
      kind, $2, target, ($2 >= target) ? "met" : "NOT met", (limit > 0) ? 100 * $2 / limit : 0 }'
} | tee "$work/table.md"
mkdir -p deploy/bench/results && cp "$work/table.md" deploy/bench/results/latest.md
