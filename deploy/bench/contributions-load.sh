# Sourced by contributions.sh and profile-contributions.sh: creates the experiment demo-org/contrib-bench and a service key
# with contributions:write, then loads CONTRIB_USERS users (10,000) with CONTRIB_REPORTS_PER_USER reports each (1,000: 10
# million in all), already credited, straight into the database, with their hourly totals and peer progress.
# Sets cpath, service_key, load_seconds, hours_rows.
CONTRIB_USERS=${CONTRIB_USERS:-10000}
CONTRIB_REPORTS_PER_USER=${CONTRIB_REPORTS_PER_USER:-1000}
echo "== contributions: loading ${CONTRIB_USERS} users x ${CONTRIB_REPORTS_PER_USER} reports"
curl -fsS --retry 5 -o /dev/null -H 'Authorization: Bearer hf_dev_alice' -H 'Content-Type: application/json' \
  -d '{"organization_name":"demo-org","model_name":"contrib-bench","access_policy":"open"}' "$api/api/v1/experiments"
cpath="/api/v1/experiments/demo-org/contrib-bench"
service_key=$(curl -fsS --retry 5 -H 'Authorization: Bearer hf_dev_alice' -H 'Content-Type: application/json' \
  -d '{"name":"bench","scopes":["contributions:write"]}' "$api$cpath/service-keys" | python3 -c 'import json,sys; print(json.load(sys.stdin)["secret"])')
load_start=$(date +%s)
psql_bench -c "
  INSERT INTO hf_users (id, username, seen_at) SELECT 'contrib-id-' || u, 'contrib-user-' || u, now() FROM generate_series(1, $CONTRIB_USERS) u;
  INSERT INTO contribution_reports (experiment_id, peer_key_fingerprint, step, samples, samples_per_second, mini_steps, loss, \"time\",
                                    received_at, reported_by, user_id, credited_samples, clipped, rolled_back)
  SELECT e.id, left(md5('k' || u) || md5('l' || u), 43), r, 3000, 100, 4, 2.5, t, t, 'bench', 'contrib-id-' || u, 3000, false, false
  FROM experiments e, generate_series(1, $CONTRIB_USERS) u, generate_series(0, $CONTRIB_REPORTS_PER_USER - 1) r,
       LATERAL (SELECT now() - interval '30 days' + (u % 192) * interval '1 hour' + (r / 125) * interval '3 days'
                       + (r % 125) * interval '30 seconds' AS t) times
  WHERE e.model_name = 'contrib-bench';
  INSERT INTO contribution_hours (experiment_id, contributor, hour, attributed, credited_samples, claimed_samples, rolled_back_samples,
                                  reports, clipped_reports, last_seen)
  SELECT experiment_id, user_id, date_trunc('hour', \"time\", 'UTC'), true, sum(credited_samples), sum(samples), 0, count(*), 0, max(\"time\")
  FROM contribution_reports GROUP BY experiment_id, user_id, date_trunc('hour', \"time\", 'UTC');
  INSERT INTO peer_progress (experiment_id, peer_key_fingerprint, first_received_at, last_received_at, credited_seconds)
  SELECT experiment_id, peer_key_fingerprint, min(received_at), max(received_at), sum(samples / samples_per_second)
  FROM contribution_reports GROUP BY 1, 2;
  INSERT INTO leaderboard_states (experiment_id, centre_samples_per_second) SELECT id, 100 FROM experiments WHERE model_name = 'contrib-bench';
  UPDATE contribution_watermarks SET last_report_id = (SELECT max(id) FROM contribution_reports);
  ANALYZE;"
load_seconds=$(( $(date +%s) - load_start ))
hours_rows=$(psql_bench -At -c "SELECT count(*) FROM contribution_hours")
