#!/usr/bin/env bash
# Benchmarks Vouch against DuckDB and Polars on the same generated data, in one run.
#
#   bench/run.sh [ROWS] [OUT_DIR]        (default 1000000 rows into bench-data/)
#
# 1. generates ROWS responses (bench/gen_responses.py) and one CSV per survey;
# 2. imports them with `vouch import responses` into a fresh SQLite file and, when
#    VOUCH_BENCH_DATABASE_URL (a PostgreSQL URL) is set, into PostgreSQL, timing rows/s;
# 3. times the dashboard query set with `vouch bench` on each database (engine only);
# 4. times the same queries on DuckDB and Polars (bench/baseline_duckdb.py).
# Python packages go into bench/.venv (numpy, pyarrow, duckdb, polars).
set -euo pipefail
ROWS=${1:-1000000}
OUT=${2:-bench-data}
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(dirname "$HERE")
mkdir -p "$OUT"

if [ ! -x "$HERE/.venv/bin/python" ]; then
  python3 -m venv "$HERE/.venv"
  "$HERE/.venv/bin/pip" install --quiet numpy pyarrow duckdb polars
fi
PY="$HERE/.venv/bin/python"

if [ ! -f "$OUT/responses.parquet" ] || [ "$(cat "$OUT/rows" 2>/dev/null)" != "$ROWS" ]; then
  rm -rf "$OUT/csv"
  "$PY" "$HERE/gen_responses.py" "$ROWS" "$OUT"
  "$PY" "$HERE/to_csv.py" "$OUT"
  echo "$ROWS" > "$OUT/rows"
fi

cargo build --release --quiet -p vouch-cli --manifest-path "$ROOT/Cargo.toml"
VOUCH="${CARGO_TARGET_DIR:-$ROOT/target}/release/vouch"

import_all() {
  local url=$1
  local started ended
  started=$(date +%s.%N)
  for file in "$OUT"/csv/survey-*.csv; do
    survey=$(basename "$file" .csv); survey=${survey#survey-}
    "$VOUCH" --database-url "$url" import responses "$file" --survey "$survey" --create > /dev/null
  done
  ended=$(date +%s.%N)
  echo "import into $url: $ROWS rows in $(echo "$ended - $started" | bc) s = $(echo "$ROWS / ($ended - $started)" | bc) rows/s"
}

rm -f "$OUT"/bench.db "$OUT"/bench.db-wal "$OUT"/bench.db-shm
import_all "sqlite://$OUT/bench.db"
echo "== vouch (SQLite-backed index) =="
"$VOUCH" --database-url "sqlite://$OUT/bench.db" bench
if [ -n "${VOUCH_BENCH_DATABASE_URL:-}" ]; then
  psql "$VOUCH_BENCH_DATABASE_URL" -qc 'DROP SCHEMA public CASCADE; CREATE SCHEMA public;' >/dev/null
  import_all "$VOUCH_BENCH_DATABASE_URL"
  echo "== vouch (PostgreSQL-backed index) =="
  "$VOUCH" --database-url "$VOUCH_BENCH_DATABASE_URL" bench
fi
echo "== DuckDB and Polars =="
"$PY" "$HERE/baseline_duckdb.py" "$OUT"
