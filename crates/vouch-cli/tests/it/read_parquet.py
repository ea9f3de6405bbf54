"""Reads a Parquet export with pyarrow and with DuckDB and prints what each saw as JSON."""
import datetime
import json
import sys

import duckdb
import pyarrow.parquet as pq


def plain(value):
    if isinstance(value, datetime.datetime):
        return value.astimezone(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    if isinstance(value, list):
        return [plain(item) for item in value]
    if isinstance(value, dict):
        return {key: plain(item) for key, item in value.items()}
    return value


path = sys.argv[1]
table = pq.read_table(path)
connection = duckdb.connect()
described = connection.execute(
    "DESCRIBE SELECT * FROM read_parquet(?)", [path]
).fetchall()
figures = connection.execute(
    "SELECT count(*), sum(score), count(*) FILTER (WHERE category = 'promoter'), "
    "sum(seats), strftime(max(created_at) AT TIME ZONE 'UTC', '%Y-%m-%dT%H:%M:%S'), "
    "count(*) FILTER (WHERE trial), list_sort(flatten(list(tags))) "
    "FROM read_parquet(?)",
    [path],
).fetchone()
print(
    json.dumps(
        {
            "pyarrow": {
                "schema": {field.name: str(field.type) for field in table.schema},
                "rows": [plain(row) for row in table.to_pylist()],
            },
            "duckdb": {
                "types": {row[0]: row[1] for row in described},
                "count": figures[0],
                "score_sum": figures[1],
                "promoters": figures[2],
                "seats_sum": figures[3],
                "latest": figures[4],
                "trials": figures[5],
                "tags": figures[6],
            },
        }
    )
)
