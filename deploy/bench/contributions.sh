# Sourced by run.sh: the contributions and leaderboard benchmarks.
#  1. 10,000 users with 1,000 reports each (10 million, already credited) are loaded straight into the database
#     (contributions-load.sh).
#  2. Ingestion: wrk POSTs batches of 1,000 reports with a service key.
#  3. The leaderboard job: everything wrk stored, then exactly 100,000 new reports, each timed through the refresh endpoint.
#  4. Serving: the top-100 page of the leaderboard under wrk.
. deploy/bench/contributions-load.sh
refresh() { curl -fsS -X POST -H 'Authorization: Bearer hf_dev_alice' -w ' %{time_total}' "$api$cpath/leaderboard/refresh"; }
first_build=$(refresh | awk '{print $NF}')
contribution_lines+=("Contributions: $((CONTRIB_USERS * CONTRIB_REPORTS_PER_USER)) reports of ${CONTRIB_USERS} users loaded in ${load_seconds} s (${hours_rows} hourly rows); first leaderboard build $(awk -v t="$first_build" 'BEGIN {printf "%.2f", t}') s")

echo "== contributions: ingestion (batches of 1,000)"
for c in 4 16; do
  out=$(RUN="$c" EXPERIMENT_PATH="$cpath" SERVICE_KEY="$service_key" wrk -t2 -c"$c" -d"${SECONDS_PER_RUN}s" --latency -s deploy/bench/contributions.lua "$api" 2>&1)
  record "contributions POST, 1,000 reports per batch" "$c" "$out"
  rps=$(echo "$out" | awk '/Requests\/sec/ {print $2}')
  contribution_lines+=("Ingestion at $c connections: $(awk -v r="$rps" 'BEGIN {printf "%d", r * 1000}') reports/s")
done
# Runs the job through the refresh endpoint; records its wall time (including the rebuild) and how many it clipped.
timed_job() {
  local before out
  before=$(psql_bench -At -c "SELECT count(*) FROM contribution_reports WHERE clipped")
  out=$(refresh)
  contribution_lines+=("Leaderboard job, $1: $(echo "$out" | awk '{printf "%.2f", $NF}') s including the rebuild of all three windows, \
$(( $(psql_bench -At -c "SELECT count(*) FROM contribution_reports WHERE clipped") - before )) clipped (${out% *})")
}
timed_job "after the ingestion runs ($(psql_bench -At -c "SELECT count(*) FROM contribution_reports WHERE reported_by <> 'bench'") reports stored by them)"

echo "== contributions: the job with exactly 100,000 new reports"
python3 deploy/bench/post_reports.py "$api$cpath/contributions" "$service_key" jobpeer 10000000 0
timed_job "100,000 new reports on top of 10 million"
# The same with 10 of every 100 peers claiming 1,000 times the others' rate: their reports are clipped and written back.
python3 deploy/bench/post_reports.py "$api$cpath/contributions" "$service_key" mixedpeer 20000000 10
timed_job "100,000 new reports, a tenth of them inflated"
left=$(psql_bench -At -c "SELECT count(*) FROM contribution_reports WHERE id > (SELECT last_report_id FROM contribution_watermarks)")
contribution_lines+=("Reports left unprocessed after the job: ${left}")

echo "== contributions: leaderboard top-100"
for c in 2 8 64; do run_get "leaderboard top-100 (10,000 users)" "$c" "$api$cpath/leaderboard?window=all&page=1&page_size=100" ""; done
run_get "leaderboard top-100, 7d window" 8 "$api$cpath/leaderboard?window=7d&page=1&page_size=100" ""
# Without the output cache: every request reads PostgreSQL (an authenticated request is never served from the cache).
auth_lua="$work/auth.lua"
echo 'wrk.headers["Authorization"] = "Bearer hf_dev_alice"' >"$auth_lua"
for c in 1 8; do
  record "leaderboard top-100, uncached (authenticated)" "$c" \
    "$(wrk -t1 -c"$c" -d"${SECONDS_PER_RUN}s" --latency -s "$auth_lua" "$api$cpath/leaderboard?window=all&page=1&page_size=100" 2>&1)"
done
while IFS= read -r line; do contribution_lines+=("Job log:${line}"); done < <(grep "Leaderboard:" "$work/api.log" | sed 's/^ *//; s/^/ /')
