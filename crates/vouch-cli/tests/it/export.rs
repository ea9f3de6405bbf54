//! `vouch export` end to end on every backend: the contract's columns and values, the
//! report's filters, eNPS anonymity, files written whole, and the refusals.

use std::collections::BTreeSet;

use serde_json::Value;

use crate::helpers::{TestDb, arg, backends, fails_naming};

const RESPONSES: &str = "\
email,external_id,score,comment,created_at,plan,seats,trial,signup
ann@example.com,a1,10,Great support and very fast,2026-01-05T10:00:00Z,pro,3,true,2025-06-01
bob@example.com,b2,3,The pricing is too high,2026-01-06,free,1,false,2025-07-15
,c3,8,,2026-02-01,pro,12.5,false,2025-01-01
carol@example.com,,6,\"Slow, but fine\",2026-02-10,team,2,true,2025-03-03
";

const FIXED: [&str; 13] = [
    "id",
    "survey",
    "created_at",
    "score",
    "category",
    "comment",
    "channel",
    "external_id",
    "email",
    "tags",
    "themes",
    "sentiment",
    "sentiment_score",
];

fn imported(db: &TestDb) {
    let csv = db.file("responses.csv", RESPONSES);
    db.ok(&["import", "responses", arg(&csv), "--survey", "Product"]);
    db.ok(&["rules", "add", "--tag", "Pricing", "--match", "pricing"]);
}

/// A CSV export as header and records.
fn csv_rows(text: &str) -> (Vec<String>, Vec<Vec<String>>) {
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let header = reader
        .headers()
        .unwrap()
        .iter()
        .map(str::to_owned)
        .collect();
    let rows = reader
        .records()
        .map(|record| record.unwrap().iter().map(str::to_owned).collect())
        .collect();
    (header, rows)
}

fn jsonl(text: &str) -> Vec<Value> {
    text.lines()
        .map(|line| serde_json::from_str(line).expect("one JSON object per line"))
        .collect()
}

fn ids(rows: &[Value]) -> Vec<&str> {
    rows.iter()
        .map(|row| row["external_id"].as_str().unwrap_or("-"))
        .collect()
}

#[test]
fn responses_export_as_csv_with_the_contract_columns() {
    for db in backends() {
        imported(&db);
        let (header, rows) = csv_rows(&db.ok(&[
            "export",
            "responses",
            "--survey",
            "product",
            "--format",
            "csv",
        ]));
        assert_eq!(header[..13], FIXED, "{header:?}");
        let attributes: BTreeSet<&str> = header[13..].iter().map(String::as_str).collect();
        assert_eq!(
            attributes,
            BTreeSet::from(["plan", "seats", "signup", "trial"])
        );
        assert_eq!(rows.len(), 4);
        let cell = |row: &[String], name: &str| {
            row[header.iter().position(|h| h == name).unwrap()].clone()
        };
        let ann = &rows[0];
        assert_eq!(cell(ann, "survey"), "Product");
        assert_eq!(cell(ann, "created_at"), "2026-01-05T10:00:00Z");
        assert_eq!(cell(ann, "score"), "10");
        assert_eq!(cell(ann, "category"), "promoter");
        assert_eq!(cell(ann, "comment"), "Great support and very fast");
        assert_eq!(cell(ann, "channel"), "import");
        assert_eq!(cell(ann, "external_id"), "a1");
        assert_eq!(cell(ann, "email"), "ann@example.com");
        assert_eq!(cell(ann, "tags"), "[]");
        assert_eq!(cell(ann, "sentiment"), "positive");
        assert!(cell(ann, "sentiment_score").parse::<f64>().unwrap() > 0.0);
        assert_eq!(cell(ann, "plan"), "pro");
        assert_eq!(cell(ann, "seats"), "3");
        assert_eq!(cell(ann, "trial"), "true");
        assert_eq!(cell(ann, "signup"), "2025-06-01");
        let bob = &rows[1];
        assert_eq!(cell(bob, "category"), "detractor");
        assert_eq!(cell(bob, "tags"), "[\"Pricing\"]");
        let c3 = &rows[2];
        assert_eq!(cell(c3, "email"), "", "no email: an empty field");
        assert_eq!(cell(c3, "comment"), "");
        assert_eq!(cell(c3, "sentiment"), "", "no comment, no sentiment");
        assert_eq!(cell(c3, "seats"), "12.5");
        let ids: Vec<i64> = rows.iter().map(|row| row[0].parse().unwrap()).collect();
        assert!(ids.windows(2).all(|pair| pair[0] < pair[1]), "in id order");
    }
}

#[test]
fn responses_export_takes_the_report_filters_and_since() {
    for db in backends() {
        imported(&db);
        let export = |extra: &[&str]| {
            let mut args = vec![
                "export",
                "responses",
                "--survey",
                "Product",
                "--format",
                "jsonl",
            ];
            args.extend_from_slice(extra);
            jsonl(&db.ok(&args))
        };
        assert_eq!(ids(&export(&[])), ["a1", "b2", "c3", "-"]);
        assert_eq!(ids(&export(&["--where", "plan=pro"])), ["a1", "c3"]);
        assert_eq!(
            ids(&export(&["--where", "seats=3"])),
            ["a1"],
            "numbers as numbers"
        );
        assert_eq!(
            ids(&export(&["--where", "plan=pro", "--where", "plan=team"])),
            ["a1", "c3", "-"]
        );
        assert_eq!(ids(&export(&["--since", "2026-02-01"])), ["c3", "-"]);
        assert_eq!(
            ids(&export(&["--from", "2026-01-06", "--to", "2026-02-10"])),
            ["b2", "c3"]
        );
        assert_eq!(
            ids(&export(&["--since", "2026-01-06", "--where", "plan=pro"])),
            ["c3"]
        );
        assert_eq!(ids(&export(&["--text", "pricing"])), ["b2"]);
        assert_eq!(ids(&export(&["--tag", "pricing"])), ["b2"]);
        let bob = &export(&["--tag", "Pricing"])[0];
        assert_eq!(bob["tags"], serde_json::json!(["Pricing"]));
        assert_eq!(bob["score"], 3);
        assert_eq!(bob["seats"], 1.0);
        assert_eq!(bob["trial"], false);
        assert_eq!(bob["signup"], "2025-07-15");
        assert_eq!(bob["created_at"], "2026-01-06T00:00:00Z");
        assert!(bob["themes"].is_array());
        assert!(export(&["--where", "plan=enterprise"]).is_empty());
    }
}

#[test]
fn an_export_file_is_written_whole_and_refusals_name_their_flag() {
    for db in backends() {
        imported(&db);
        let out = db.dir.path().join("out.csv");
        db.ok(&[
            "export",
            "responses",
            "--survey",
            "Product",
            "--format",
            "csv",
            "--output",
            arg(&out),
        ]);
        let written = std::fs::read_to_string(&out).unwrap();
        assert_eq!(written.lines().count(), 5, "{written}");
        let leftovers: Vec<_> = std::fs::read_dir(db.dir.path())
            .unwrap()
            .filter_map(|entry| entry.ok())
            .filter(|entry| {
                entry
                    .file_name()
                    .to_string_lossy()
                    .starts_with(".vouch-export")
            })
            .collect();
        assert!(leftovers.is_empty(), "no temporary file is left behind");

        let base = ["export", "responses", "--survey", "Product"];
        fn with<'a>(base: &[&'a str], extra: &[&'a str]) -> Vec<&'a str> {
            [base, extra].concat()
        }
        fails_naming(&db, &with(&base, &["--format", "parquet"]), "--output");
        fails_naming(
            &db,
            &with(&base, &["--format", "parquet", "--output", "-"]),
            "--output",
        );
        fails_naming(&db, &with(&base, &["--format", "xml"]), "--format");
        fails_naming(
            &db,
            &with(&base, &["--format", "csv", "--since", "yesterday"]),
            "--since",
        );
        fails_naming(
            &db,
            &with(&base, &["--format", "csv", "--where", "color=red"]),
            "--where",
        );
        fails_naming(
            &db,
            &with(&base, &["--format", "csv", "--tag", "nope"]),
            "--tag",
        );
        let missing = db.dir.path().join("no/such/dir/out.csv");
        fails_naming(
            &db,
            &with(&base, &["--format", "csv", "--output", arg(&missing)]),
            "--output",
        );
        fails_naming(
            &db,
            &["export", "responses", "--survey", "Nope", "--format", "csv"],
            "Nope",
        );
        assert!(!out.with_file_name("never.csv").exists());
    }
}

/// `n` eNPS answers, all in March 2026, each from a named employee of a department.
fn enps_csv(n: usize) -> String {
    let mut csv = String::from("email,score,comment,created_at,department\n");
    for i in 0..n {
        csv.push_str(&format!(
            "e{i}@corp.example,{},Good team {i},2026-03-{:02}T09:00:00Z,{}\n",
            i % 11,
            i + 1,
            if i % 2 == 0 { "Legal" } else { "Sales" }
        ));
    }
    csv
}

#[test]
fn enps_exports_carry_no_identity_and_follow_the_anonymity_rules() {
    for db in backends() {
        let export = |survey: &str, extra: &[&str]| {
            let mut args = vec!["export", "responses", "--survey", survey, "--format", "csv"];
            args.extend_from_slice(extra);
            db.vouch(&args)
        };
        for (survey, n) in [("Pulse", 12), ("Small", 6), ("Tiny", 3)] {
            let csv = db.file(&format!("{survey}.csv"), enps_csv(n));
            db.ok(&[
                "import",
                "responses",
                arg(&csv),
                "--survey",
                survey,
                "--kind",
                "enps",
            ]);
        }
        let output = export("Pulse", &[]);
        assert!(
            output.status.success(),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
        let text = String::from_utf8(output.stdout).unwrap();
        let (header, rows) = csv_rows(&text);
        assert_eq!(
            header,
            [
                "id",
                "survey",
                "created_at",
                "score",
                "category",
                "comment",
                "tags",
                "themes",
                "sentiment",
                "sentiment_score"
            ]
        );
        assert!(
            !text.contains("corp.example") && !text.contains("Legal"),
            "{text}"
        );
        assert_eq!(rows.len(), 12);
        assert!(
            rows.iter().all(|row| row[2] == "2026-03-01T00:00:00Z"),
            "dates by month"
        );
        assert!(
            rows.iter().all(|row| row[5].starts_with("Good team")),
            "10+ answers: comments show"
        );

        let small = String::from_utf8(export("Small", &[]).stdout).unwrap();
        let (_, rows) = csv_rows(&small);
        assert_eq!(rows.len(), 6);
        assert!(
            rows.iter()
                .all(|row| row[5].is_empty() && row[8].is_empty()),
            "under 10: no comment, no sentiment"
        );

        fails_naming(
            &db,
            &["export", "responses", "--survey", "Tiny", "--format", "csv"],
            "5",
        );
        fails_naming(
            &db,
            &[
                "export",
                "responses",
                "--survey",
                "Pulse",
                "--format",
                "csv",
                "--where",
                "department=Legal",
            ],
            "--where",
        );
        let parquet = db.dir.path().join("pulse.parquet");
        db.ok(&[
            "export",
            "responses",
            "--survey",
            "Pulse",
            "--format",
            "parquet",
            "--output",
            arg(&parquet),
        ]);
        assert!(std::fs::metadata(&parquet).unwrap().len() > 0);
    }
}

#[test]
fn contacts_export_with_their_latest_attributes() {
    for db in backends() {
        imported(&db);
        let rows = jsonl(&db.ok(&["export", "contacts", "--format", "jsonl"]));
        assert_eq!(rows.len(), 4);
        let ann = rows
            .iter()
            .find(|row| row["email"] == "ann@example.com")
            .unwrap();
        assert_eq!(ann["external_id"], "a1");
        assert_eq!(ann["plan"], "pro");
        assert_eq!(ann["seats"], 3.0);
        let (header, _) = csv_rows(&db.ok(&["export", "contacts", "--format", "csv"]));
        assert_eq!(header[..3], ["id", "external_id", "email"]);
        fails_naming(
            &db,
            &["export", "contacts", "--format", "parquet"],
            "--output",
        );
    }
}

#[test]
fn pyarrow_and_duckdb_read_the_parquet_export_as_the_store_holds_it() {
    let Some(python) = vouch_test_kit::python::python_with(
        "pyarrow_and_duckdb_read_the_parquet_export_as_the_store_holds_it",
        &["pyarrow", "duckdb"],
    ) else {
        return;
    };
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/it/read_parquet.py");
    for db in backends() {
        imported(&db);
        let path = db.dir.path().join("responses.parquet");
        db.ok(&[
            "export",
            "responses",
            "--survey",
            "Product",
            "--format",
            "parquet",
            "--output",
            arg(&path),
        ]);
        let output = std::process::Command::new(&python)
            .arg(script)
            .arg(&path)
            .output()
            .expect("run python");
        assert!(
            output.status.success(),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
        let read: Value = serde_json::from_slice(&output.stdout).unwrap();
        let schema = &read["pyarrow"]["schema"];
        assert_eq!(schema["id"], "int64");
        assert_eq!(schema["score"], "int8");
        assert_eq!(schema["created_at"], "timestamp[us, tz=UTC]");
        assert_eq!(schema["signup"], "timestamp[us, tz=UTC]");
        assert_eq!(schema["seats"], "double");
        assert_eq!(schema["trial"], "bool");
        assert_eq!(schema["tags"], "list<item: string>");
        assert_eq!(
            schema["themes"],
            "list<item: struct<id: string not null, label: string not null>>"
        );
        assert_eq!(schema["sentiment_score"], "double");

        // Every value pyarrow reads equals the store's, as the JSON lines export gives it.
        let store_rows = jsonl(&db.ok(&[
            "export",
            "responses",
            "--survey",
            "Product",
            "--format",
            "jsonl",
        ]));
        let rows = read["pyarrow"]["rows"].as_array().unwrap();
        assert_eq!(rows.len(), store_rows.len());
        for (parquet, stored) in rows.iter().zip(&store_rows) {
            for name in FIXED.iter().chain(&["plan", "seats", "trial"]) {
                match *name {
                    "created_at" => assert_eq!(
                        jiff::Timestamp::from_str_lossy(&parquet[name]),
                        jiff::Timestamp::from_str_lossy(&stored[name]),
                    ),
                    "sentiment_score" => assert_eq!(parquet[name].as_f64(), stored[name].as_f64()),
                    _ => assert_eq!(parquet[*name], stored[*name], "{name}"),
                }
            }
        }
        assert_eq!(rows[0]["signup"], "2025-06-01T00:00:00.000000Z");
        assert_eq!(rows[0]["created_at"], "2026-01-05T10:00:00.000000Z");

        let duck = &read["duckdb"];
        assert_eq!(duck["types"]["created_at"], "TIMESTAMP WITH TIME ZONE");
        assert_eq!(duck["types"]["trial"], "BOOLEAN");
        assert_eq!(duck["count"], 4);
        assert_eq!(duck["score_sum"], 10 + 3 + 8 + 6);
        assert_eq!(duck["promoters"], 1);
        assert_eq!(duck["seats_sum"], 3.0 + 1.0 + 12.5 + 2.0);
        assert_eq!(duck["latest"], "2026-02-10T00:00:00");
        assert_eq!(duck["trials"], 2);
        assert_eq!(duck["tags"], serde_json::json!(["Pricing"]));
        let report = db.report(&["--survey", "Product"]);
        assert_eq!(report["responses"], duck["count"]);
        assert_eq!(report["promoters"], duck["promoters"]);
    }
}

/// A timestamp text as an instant, whatever its precision.
trait Lossy {
    fn from_str_lossy(value: &Value) -> Option<jiff::Timestamp>;
}

impl Lossy for jiff::Timestamp {
    fn from_str_lossy(value: &Value) -> Option<jiff::Timestamp> {
        value.as_str()?.parse().ok()
    }
}
