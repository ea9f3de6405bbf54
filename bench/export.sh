#!/usr/bin/env bash
# Times `vouch export responses --format parquet` over many responses of one survey, with its
# peak resident memory (GNU time), on SQLite and, when VOUCH_BENCH_DATABASE_URL (a PostgreSQL
# URL) is set, on PostgreSQL.
#
#   bench/export.sh [ROWS] [OUT_DIR]        (default 1000000 rows into bench-data/)
#
# The data is gen_responses.py's (see README.md), all imported into one survey "all" so that
# one export reads every row. Targets: at least 1 M rows/s, resident memory under 300 MiB.
# Python packages go into bench/.venv (numpy, pyarrow), as for run.sh.
set -euo pipefail
ROWS=${1:-1000000}
OUT=${2:-bench-data}
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(dirname "$HERE")
mkdir -p "$OUT"

# VOUCH_BENCH_PYTHON: an interpreter that already has numpy and pyarrow.
if [ -z "${VOUCH_BENCH_PYTHON:-}" ] && [ ! -x "$HERE/.venv/bin/python" ]; then
  python3 -m venv "$HERE/.venv"
  "$HERE/.venv/bin/pip" install --quiet numpy pyarrow duckdb polars
fi
PY="${VOUCH_BENCH_PYTHON:-$HERE/.venv/bin/python}"

if [ ! -f "$OUT/responses.parquet" ] || [ "$(cat "$OUT/rows" 2>/dev/null)" != "$ROWS" ]; then
  rm -rf "$OUT/csv"
  "$PY" "$HERE/gen_responses.py" "$ROWS" "$OUT"
  "$PY" "$HERE/to_csv.py" "$OUT"
  echo "$ROWS" > "$OUT/rows"
fi

cargo build --release --quiet -p vouch-cli --manifest-path "$ROOT/Cargo.toml"
VOUCH="${CARGO_TARGET_DIR:-$ROOT/target}/release/vouch"

export_one() {
  local url=$1
  for file in "$OUT"/csv/survey-*.csv; do
    "$VOUCH" --database-url "$url" import responses "$file" --survey all > /dev/null
  done
  rm -f "$OUT/export.parquet"
  local started ended
  started=$(date +%s.%N)
  /usr/bin/time -f "peak resident memory: %M KiB" \
    "$VOUCH" --database-url "$url" export responses --survey all --format parquet \
    --output "$OUT/export.parquet"
  ended=$(date +%s.%N)
  echo "export from $url: $ROWS rows in $(echo "$ended - $started" | bc) s = $(echo "$ROWS / ($ended - $started)" | bc) rows/s; $(du -h "$OUT/export.parquet" | cut -f1) Parquet"
}

rm -f "$OUT"/export.db "$OUT"/export.db-wal "$OUT"/export.db-shm
export_one "sqlite://$OUT/export.db"
if [ -n "${VOUCH_BENCH_DATABASE_URL:-}" ]; then
  psql "$VOUCH_BENCH_DATABASE_URL" -qc 'DROP SCHEMA public CASCADE; CREATE SCHEMA public;' >/dev/null
  export_one "$VOUCH_BENCH_DATABASE_URL"
fi
