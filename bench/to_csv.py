#!/usr/bin/env python3
"""Turns OUT_DIR/responses.parquet (from gen_responses.py) into one Vouch import CSV per
survey: OUT_DIR/csv/survey-N.csv with columns external_id, score, comment, created_at, plan,
country, mrr (and churned_at when the data has it). Usage: python3 to_csv.py OUT_DIR   (needs pyarrow)."""
import os
import sys

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pcsv
import pyarrow.parquet as pq

OUT = sys.argv[1] if len(sys.argv) > 1 else "bench-data"
os.makedirs(f"{OUT}/csv", exist_ok=True)
table = pq.read_table(f"{OUT}/responses.parquet")
external_id = pc.binary_join_element_wise("acc_", pc.cast(table["account_id"], pa.string()), "")
created_at = pc.strftime(table["created_at"], format="%Y-%m-%dT%H:%M:%SZ")
columns = {
    "survey_id": table["survey_id"],
    "external_id": external_id,
    "score": table["score"],
    "comment": table["comment"],
    "created_at": created_at,
    "plan": table["plan"],
    "country": table["country"],
    "mrr": table["mrr"],
}
if "churned_at" in table.column_names:
    columns["churned_at"] = pc.strftime(table["churned_at"], format="%Y-%m-%d")
out = pa.table(columns)
for survey in sorted(set(out["survey_id"].to_pylist())):
    part = out.filter(pc.equal(out["survey_id"], survey)).drop_columns(["survey_id"])
    pcsv.write_csv(part, f"{OUT}/csv/survey-{survey}.csv")
    print(f"survey {survey}: {part.num_rows} rows")
