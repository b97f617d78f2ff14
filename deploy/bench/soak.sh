# Sourced by run.sh for the "soak" suite: SOAK_MINUTES (10) rounds of one minute of mixed load — fresh-key reference
# joins, native joins, re-joins, JWKS and revocation-list reads — with AuthApi's resident memory after each round. RSS
# must be flat after warm-up: the last rounds may not exceed the peak of the first third by more than 5 %.
SOAK_MINUTES=${SOAK_MINUTES:-10}
echo "== soak: $SOAK_MINUTES rounds of one minute of mixed load"
soak_rss=()
rev_soak_url="$api/api/v1/experiments/demo-org/bench-model/revocations"
for round in $(seq 1 "$SOAK_MINUTES"); do
  MODE=distinct PATHKIND=reference wrk -t2 -c32 -d20s -s deploy/bench/join.lua "$api" >/dev/null 2>&1
  MODE=distinct PATHKIND=native wrk -t2 -c32 -d15s -s deploy/bench/join.lua "$api" >/dev/null 2>&1
  MODE=same PATHKIND=reference wrk -t2 -c32 -d15s -s deploy/bench/join.lua "$api" >/dev/null 2>&1
  wrk -t1 -c8 -d5s "$jwks_url" >/dev/null 2>&1
  wrk -t1 -c8 -d5s "$rev_soak_url" >/dev/null 2>&1
  soak_rss+=("$(awk '/VmRSS/ {print int($2 / 1024)}' "/proc/$api_pid/status")")
  echo "   round $round: RSS ${soak_rss[-1]} MB, issued tokens $(psql_bench -tAc 'SELECT count(*) FROM issued_tokens')"
done
warm=$(( (SOAK_MINUTES + 2) / 3 ))
soak_line=$(printf '%s\n' "${soak_rss[@]}" | awk -v warm="$warm" '
  NR <= warm { if ($1 > peak) peak = $1 }
  NR > warm { if ($1 > late) late = $1 }
  END { printf "Soak, %d one-minute rounds of mixed load: RSS by round (MB) %s; peak of the first %d rounds %d MB, of the rest %d MB (flat after warm-up, ≤ +5 %%: %s)",
        NR, list, warm, peak, late, (late <= peak * 1.05) ? "met" : "NOT met" }
  { list = list (NR > 1 ? " " : "") $1 }')
echo "$soak_line"
