#!/usr/bin/env bash
# HTTP ingest and report latency, with wrk on the same machine over loopback.
#
#   bench/http.sh [DATABASE_URL]     (default: a fresh SQLite file in bench-data/http.db)
#
# 1. starts `vouch serve` (release build) on the database;
# 2. POSTs responses for 10 s with 64 connections (bench/ingest.lua): acknowledged requests/s;
# 3. does it again while another wrk asks for a report (bench/report.lua): the report's
#    latency percentiles under ingest. Point DATABASE_URL at a database holding millions of
#    responses (e.g. one `bench/run.sh 10000000` imported) to time reports over them.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(dirname "$HERE")
mkdir -p "$ROOT/bench-data"
URL=${1:-sqlite://$ROOT/bench-data/http.db}
if [ $# -eq 0 ]; then rm -f "$ROOT"/bench-data/http.db*; fi
cargo build --release --quiet -p vouch-cli --manifest-path "$ROOT/Cargo.toml"
VOUCH="${CARGO_TARGET_DIR:-$ROOT/target}/release/vouch"
PORT=${VOUCH_BENCH_PORT:-18080}

export VOUCH_KEY=$("$VOUCH" --database-url "$URL" keys create --name "bench $(date +%s%N)" | tail -n 1)
VOUCH_LOG=warn "$VOUCH" --database-url "$URL" serve --addr "127.0.0.1:$PORT" &
SERVER=$!
trap 'kill $SERVER 2>/dev/null || true' EXIT
for _ in $(seq 1 600); do curl -sf "http://127.0.0.1:$PORT/healthz" >/dev/null && break; sleep 0.1; done
export VOUCH_SURVEY=$(curl -sf -H "Authorization: Bearer $VOUCH_KEY" -H 'Content-Type: application/json' \
  -d "{\"name\":\"http bench $(date +%s%N)\",\"kind\":\"nps\"}" "http://127.0.0.1:$PORT/api/v1/surveys" \
  | sed -E 's/.*"id":([0-9]+).*/\1/')
REPORT_SURVEY=${VOUCH_REPORT_SURVEY:-$VOUCH_SURVEY}
# The first report loads the workspace's index from the database: do it before timing.
curl -s -o /dev/null -H "Authorization: Bearer $VOUCH_KEY" \
  "http://127.0.0.1:$PORT/api/v1/surveys/$REPORT_SURVEY/report?interval=month&by=plan"

echo "== ingest alone: POST /api/v1/responses, 64 connections, 10 s"
wrk -t2 -c64 -d10s --latency -s "$HERE/ingest.lua" "http://127.0.0.1:$PORT"
echo "== report (survey $REPORT_SURVEY) while ingest runs"
wrk -t1 -c32 -d12s -s "$HERE/ingest.lua" "http://127.0.0.1:$PORT" > /tmp/vouch-ingest-under-report.txt &
INGEST=$!
sleep 1
VOUCH_SURVEY=$REPORT_SURVEY wrk -t1 -c4 -d10s --latency -s "$HERE/report.lua" "http://127.0.0.1:$PORT"
wait $INGEST
echo "== the ingest that ran meanwhile"
cat /tmp/vouch-ingest-under-report.txt
