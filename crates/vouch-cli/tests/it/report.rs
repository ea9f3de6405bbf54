//! The report contract: exact figures for every option, on every backend.

use serde_json::json;

use crate::helpers::{arg, backends, figures};

const RESPONSES: &str = "\
external_id,email,score,comment,created_at,plan,seats,country
c1,,10,Love it,2026-01-05,pro,3,FR
c2,,9,Great support,2026-01-12T10:00:00Z,pro,10,US
c3,,8,,2026-02-01,free,1,US
c4,,6,Pricing is too high,2026-02-15,free,1,FR
c5,,0,pricing!!,2026-03-01,team,3,US
,F@Example.com,7,slow,2026-03-02,team,3.0,DE
";

#[test]
fn reports_are_exact_for_every_option() {
    for db in backends() {
        let csv = db.file("responses.csv", RESPONSES);
        let imported = db.ok(&["import", "responses", arg(&csv), "--survey", "Product"]);
        assert!(imported.contains("imported 6 response(s)"), "{imported}");

        let all = db.report(&["--survey", "Product"]);
        assert_eq!(figures(&all), (json!(0.0), 6, 2, 2, 2));
        let moe = all["margin_of_error"].as_f64().unwrap();
        assert!(
            (moe - 1.96 * 100.0 * ((2.0 / 3.0) / 6.0_f64).sqrt()).abs() < 1e-9,
            "{moe}"
        );

        let seats = db.report(&["--survey", "Product", "--where", "seats=3"]);
        assert_eq!(
            figures(&seats),
            (json!(0.0), 3, 1, 1, 1),
            "numbers compare as numbers"
        );

        let pricing = db.report(&["--survey", "Product", "--text", "PRICING"]);
        assert_eq!(figures(&pricing), (json!(-100.0), 2, 0, 0, 2));
        let prefix = db.report(&["--survey", "Product", "--text", "PRIC*"]);
        assert_eq!(
            figures(&prefix),
            figures(&pricing),
            "a prefix matches the word's start"
        );
        let folded = db.report(&["--survey", "Product", "--text", "Lövë"]);
        assert_eq!(
            figures(&folded),
            (json!(100.0), 1, 1, 0, 0),
            "accents fold away"
        );

        let two_plans = db.report(&[
            "--survey",
            "Product",
            "--where",
            "plan=pro",
            "--where",
            "plan=team",
            "--where",
            "country=US",
        ]);
        assert_eq!(
            figures(&two_plans),
            (json!(0.0), 2, 1, 0, 1),
            "OR within, AND across"
        );

        let by_plan = db.report(&["--survey", "Product", "--by", "plan"]);
        let groups: Vec<_> = by_plan["groups"]
            .as_array()
            .unwrap()
            .iter()
            .map(|g| (g["key"].clone(), figures(g)))
            .collect();
        assert_eq!(
            groups,
            [
                (json!("free"), (json!(-50.0), 2, 0, 1, 1)),
                (json!("pro"), (json!(100.0), 2, 2, 0, 0)),
                (json!("team"), (json!(-50.0), 2, 0, 1, 1)),
            ]
        );

        let by_two = db.report(&["--survey", "Product", "--by", "plan,country"]);
        let keys: Vec<_> = by_two["groups"]
            .as_array()
            .unwrap()
            .iter()
            .map(|g| g["key"].clone())
            .collect();
        assert_eq!(
            keys,
            [
                json!(["free", "FR"]),
                json!(["free", "US"]),
                json!(["pro", "FR"]),
                json!(["pro", "US"]),
                json!(["team", "DE"]),
                json!(["team", "US"])
            ]
        );

        let by_seats = db.report(&["--survey", "Product", "--by", "seats"]);
        let keys: Vec<_> = by_seats["groups"]
            .as_array()
            .unwrap()
            .iter()
            .map(|g| g["key"].clone())
            .collect();
        assert_eq!(
            keys,
            [json!(1), json!(3), json!(10)],
            "numbers group and sort as numbers"
        );
        let banded = db.report(&["--survey", "Product", "--by", "seats:quartiles"]);
        let bands: Vec<_> = banded["groups"]
            .as_array()
            .unwrap()
            .iter()
            .map(|g| (g["key"].clone(), g["responses"].clone()))
            .collect();
        assert_eq!(
            bands,
            [(json!("[1, 3)"), json!(2)), (json!("[3, 10]"), json!(4))],
            "quartile bands of the answers' values, equal cuts merged"
        );

        let monthly = db.report(&["--survey", "Product", "--interval", "month"]);
        let trend: Vec<_> = monthly["trend"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| (p["period"].clone(), figures(p)))
            .collect();
        assert_eq!(
            trend,
            [
                (json!("2026-01"), (json!(100.0), 2, 2, 0, 0)),
                (json!("2026-02"), (json!(-50.0), 2, 0, 1, 1)),
                (json!("2026-03"), (json!(-50.0), 2, 0, 1, 1)),
            ]
        );
        let weekly = db.report(&["--survey", "Product", "--interval", "week"]);
        assert_eq!(weekly["trend"][0]["period"], json!("2026-W02"));
        let quarterly = db.report(&[
            "--survey",
            "Product",
            "--interval",
            "quarter",
            "--by",
            "plan",
        ]);
        assert_eq!(quarterly["trend"][0]["period"], json!("2026-Q1"));
        assert_eq!(quarterly["groups"].as_array().unwrap().len(), 3);

        let window = db.report(&[
            "--survey",
            "Product",
            "--from",
            "2026-02-01",
            "--to",
            "2026-03-01",
        ]);
        assert_eq!(
            figures(&window),
            (json!(-50.0), 2, 0, 1, 1),
            "from inclusive, to exclusive"
        );

        let empty = db.report(&["--survey", "Product", "--from", "2030-01-01"]);
        assert_eq!(empty["nps"], json!(null));
        assert_eq!(empty["margin_of_error"], json!(null));
        assert_eq!(empty["responses"], json!(0));

        let table = db.ok(&["report", "--survey", "Product", "--by", "plan"]);
        assert!(table.contains("pro") && table.contains("+100"), "{table}");
    }
}

#[test]
fn the_workspace_time_zone_decides_the_period() {
    for db in backends() {
        let csv = db.file(
            "late.csv",
            "email,score,created_at\na@b.co,10,2026-03-31T23:30:00Z\n",
        );
        db.ok(&["import", "responses", arg(&csv), "--survey", "S"]);
        let utc = db.report(&["--survey", "S", "--interval", "month"]);
        assert_eq!(utc["trend"][0]["period"], json!("2026-03"));
        db.ok(&["workspace", "set-time-zone", "Europe/Paris"]);
        let paris = db.report(&["--survey", "S", "--interval", "month"]);
        assert_eq!(paris["trend"][0]["period"], json!("2026-04"));
    }
}

#[test]
fn enps_reports_hide_small_groups_and_the_next_smallest() {
    for db in backends() {
        let mut csv = String::from("external_id,score,department\n");
        let sizes = [("engineering", 12), ("sales", 8), ("legal", 3)];
        let mut n = 0;
        for (department, size) in sizes {
            for _ in 0..size {
                n += 1;
                csv.push_str(&format!("e{n},9,{department}\n"));
            }
        }
        let file = db.file("enps.csv", csv);
        db.ok(&[
            "import",
            "responses",
            arg(&file),
            "--survey",
            "Pulse",
            "--kind",
            "enps",
        ]);
        let report = db.report(&["--survey", "Pulse", "--by", "department"]);
        let keys: Vec<_> = report["groups"]
            .as_array()
            .unwrap()
            .iter()
            .map(|g| g["key"].clone())
            .collect();
        assert_eq!(keys, [json!("engineering")]);
        assert_eq!(report["suppressed"], json!(2));
        assert_eq!(report["responses"], json!(23));

        let tiny = db.report(&["--survey", "Pulse", "--where", "department=legal"]);
        for field in [
            "nps",
            "responses",
            "promoters",
            "passives",
            "detractors",
            "margin_of_error",
        ] {
            assert_eq!(
                tiny[field],
                json!(null),
                "{field} must be hidden under 5 responses"
            );
        }
    }
}

#[test]
fn erasing_a_contact_removes_its_responses_from_reports() {
    for db in backends() {
        let csv = db.file("responses.csv", RESPONSES);
        db.ok(&["import", "responses", arg(&csv), "--survey", "Product"]);
        db.ok(&["contacts", "delete", "--external-id", "c1"]);
        let after = db.report(&["--survey", "Product"]);
        assert_eq!(figures(&after), (json!(-20.0), 5, 1, 2, 2));
        db.ok(&["contacts", "delete", "--email", "f@example.com"]);
        assert_eq!(db.report(&["--survey", "Product"])["responses"], json!(4));
        assert_eq!(
            db.vouch(&["contacts", "delete", "--external-id", "nobody"])
                .status
                .code(),
            Some(2)
        );
    }
}

#[test]
fn bad_report_flags_are_input_errors() {
    for db in backends() {
        let csv = db.file("responses.csv", RESPONSES);
        db.ok(&["import", "responses", arg(&csv), "--survey", "Product"]);
        for (args, expected) in [
            (vec!["--survey", "Nope"], "no survey named \"Nope\""),
            (
                vec!["--survey", "Product", "--by", "plann"],
                "unknown attribute \"plann\"",
            ),
            (
                vec!["--survey", "Product", "--where", "seats=many"],
                "seats is a number attribute",
            ),
            (
                vec!["--survey", "Product", "--where", "plan"],
                "is not ATTR=VALUE",
            ),
            (vec!["--survey", "Product", "--from", "yesterday"], "--from"),
            (
                vec!["--survey", "Product", "--text", "two words"],
                "exactly one word",
            ),
            (
                vec!["--survey", "Product", "--by", "plan,country,seats"],
                "at most 2",
            ),
            (
                vec!["--survey", "Product", "--by", "plan:quartiles"],
                "plan is a string attribute, so it cannot be grouped by quartiles",
            ),
        ] {
            let mut all = vec!["report", "--json"];
            all.extend(args.iter().copied());
            let output = db.vouch(&all);
            let stderr = String::from_utf8_lossy(&output.stderr);
            assert_eq!(output.status.code(), Some(2), "{args:?}: {stderr}");
            assert!(stderr.contains(expected), "{args:?}: {stderr}");
        }
    }
}
