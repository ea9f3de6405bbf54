//! `vouch leads train` and `vouch leads score` on every backend: the model's counts against
//! the rows imported, its calibration, a scored file with its columns passed through, and the
//! refusals of bad input, which write nothing.

use std::collections::BTreeMap;

use serde_json::Value;

use crate::helpers::{TestDb, arg, backends, fails_naming};

/// 200 contacts; every fourth answered twice (the later answer counts). Enterprise contacts
/// are promoters far more often; `seats` adds to the chance.
fn answers_csv() -> (String, BTreeMap<String, u8>) {
    let mut csv = String::from("external_id,score,created_at,plan,seats\n");
    let mut latest = BTreeMap::new();
    for contact in 0..200u32 {
        let plan = if contact % 3 == 0 {
            "enterprise"
        } else {
            "free"
        };
        let seats = (contact * 53) % 90 + 1;
        let promoter = match plan {
            "enterprise" => contact % 7 != 0,
            _ => contact % 4 == 1 && seats > 45,
        };
        let score = if promoter {
            9 + (contact % 2) as u8
        } else {
            (contact % 8) as u8
        };
        if contact % 4 == 0 {
            let first = 10 - score.min(10);
            csv.push_str(&format!("c{contact},{first},2026-02-01,{plan},{seats}\n"));
        }
        csv.push_str(&format!("c{contact},{score},2026-03-01,{plan},{seats}\n"));
        latest.insert(format!("c{contact}"), score);
    }
    (csv, latest)
}

fn json(db: &TestDb, args: &[&str]) -> Value {
    let output = db.ok(args);
    serde_json::from_str(&output).unwrap_or_else(|error| panic!("{args:?}: {error}: {output}"))
}

#[test]
fn leads_are_learnt_from_latest_answers_and_score_a_file() {
    let (csv, latest) = answers_csv();
    let promoters = latest.values().filter(|&&score| score >= 9).count();
    for db in backends() {
        let answers = db.file("answers.csv", &csv);
        db.ok(&[
            "import",
            "responses",
            arg(&answers),
            "--survey",
            "Customers",
        ]);
        let leads = db.file(
            "leads.csv",
            "email,plan,seats\nann@example.com,enterprise,80\nbob@example.com,free,3\ncy@example.com,,\n",
        );
        fails_naming(
            &db,
            &["leads", "score", arg(&leads), "--survey", "Customers"],
            "vouch leads train",
        );

        let model = json(&db, &["leads", "train", "--survey", "Customers", "--json"]);
        assert_eq!(model["contacts"], 200, "{model}");
        assert_eq!(model["promoters"], promoters as u64, "{model}");
        assert!(model["auc"].as_f64().unwrap() > 0.8, "{model}");
        let deciles = model["calibration"].as_array().unwrap();
        assert_eq!(deciles.len(), 10);
        let counted: u64 = deciles
            .iter()
            .map(|d| d["contacts"].as_u64().unwrap())
            .sum();
        assert_eq!(counted, 200);
        let seen: f64 = deciles
            .iter()
            .map(|d| d["observed"].as_f64().unwrap() * d["contacts"].as_f64().unwrap())
            .sum();
        assert!((seen - promoters as f64).abs() < 1e-6, "{model}");
        assert_eq!(model["factors"][0]["attribute"], "plan", "{model}");
        let table = db.ok(&["leads", "train", "--survey", "Customers"]);
        assert!(table.contains("cross-validated AUC"), "{table}");

        let out = db.dir.path().join("scored.csv");
        db.ok(&[
            "leads",
            "score",
            arg(&leads),
            "--survey",
            "Customers",
            "--output",
            arg(&out),
        ]);
        let scored = std::fs::read_to_string(&out).expect("the scored file");
        let printed = db.ok(&["leads", "score", arg(&leads), "--survey", "Customers"]);
        assert_eq!(printed.trim_end(), scored.trim_end(), "printed as written");
        let mut reader = csv::Reader::from_reader(scored.as_bytes());
        let header: Vec<String> = reader
            .headers()
            .unwrap()
            .iter()
            .map(str::to_owned)
            .collect();
        assert_eq!(
            header,
            ["email", "plan", "seats", "promoter_probability", "factors"]
        );
        let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
        assert_eq!(rows.len(), 3);
        assert_eq!(&rows[0][0], "ann@example.com");
        let probability = |at: usize| rows[at][3].parse::<f64>().unwrap();
        assert!(probability(0) > 0.7, "{scored}");
        assert!(probability(1) < 0.3, "{scored}");
        assert!((0.0..=1.0).contains(&probability(2)), "{scored}");
        assert!(rows[0][4].starts_with("plan=enterprise (+"), "{scored}");
        assert!(rows[2][4].contains("(missing)"), "{scored}");
    }
}

#[test]
fn bad_leads_files_and_surveys_are_refused_and_write_nothing() {
    let (csv, _) = answers_csv();
    for db in backends() {
        let answers = db.file("answers.csv", &csv);
        db.ok(&[
            "import",
            "responses",
            arg(&answers),
            "--survey",
            "Customers",
        ]);
        let pilot = db.file(
            "pilot.csv",
            "external_id,score,plan\np1,9,free\np2,3,free\n",
        );
        db.ok(&["import", "responses", arg(&pilot), "--survey", "Pilot"]);
        let staff = db.file("staff.csv", "external_id,score\ne1,9\ne2,3\n");
        db.ok(&[
            "import",
            "responses",
            arg(&staff),
            "--survey",
            "Staff",
            "--kind",
            "enps",
        ]);
        fails_naming(&db, &["leads", "train", "--survey", "Pilot"], "at least 50");
        fails_naming(&db, &["leads", "train", "--survey", "Staff"], "eNPS");
        fails_naming(
            &db,
            &[
                "leads",
                "train",
                "--survey",
                "Customers",
                "--where",
                "nope=1",
            ],
            "--where",
        );
        db.ok(&["leads", "train", "--survey", "Customers", "--json"]);
        let out = db.dir.path().join("scored.csv");
        for (name, contents, named) in [
            (
                "colour.csv",
                "email,colour\na@example.com,red\n",
                "\"colour\"",
            ),
            (
                "typed.csv",
                "email,seats\na@example.com,4\nb@example.com,many\n",
                "line 3: column \"seats\"",
            ),
            ("twice.csv", "plan,plan\nfree,free\n", "appears twice"),
            (
                "added.csv",
                "plan,promoter_probability\nfree,0.5\n",
                "promoter_probability",
            ),
        ] {
            let file = db.file(name, contents);
            fails_naming(
                &db,
                &[
                    "leads",
                    "score",
                    arg(&file),
                    "--survey",
                    "Customers",
                    "--output",
                    arg(&out),
                ],
                named,
            );
            assert!(!out.exists(), "{name}: a refused file writes nothing");
        }
        let leads = db.file("leads.csv", "plan\nfree\n");
        fails_naming(
            &db,
            &["leads", "score", arg(&leads), "--survey", "Staff"],
            "eNPS",
        );
        fails_naming(
            &db,
            &["leads", "score", arg(&leads), "--survey", "Pilot"],
            "vouch leads train",
        );
        fails_naming(
            &db,
            &["leads", "score", "missing.csv", "--survey", "Customers"],
            "missing.csv",
        );
    }
}
