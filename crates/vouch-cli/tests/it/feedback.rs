//! Keyword rules, managed tags, `--tag`/`--theme` and `vouch themes`, end to end on every
//! backend: the contract's commands, their outputs and their refusals.

use serde_json::Value;

use crate::helpers::{arg, backends, fails_naming};

const RESPONSES: &str = "\
external_id,score,comment,created_at,mrr
c1,2,\"I want my MONEY back, refund now\",2026-01-05,100
c2,3,The refunds take weeks,2026-01-06,50
c3,9,\"Great support, fast answers\",2026-01-07,20
c4,10,Support was great and the app is fast,2026-01-08,30
c5,5,Money is not back yet,2026-01-09,70
c6,8,Café crème et remboursement rapide,2026-01-10,10
c7,1,\"Refund? never. Support ignored me\",2026-01-11,40
";

fn last_line(output: &str) -> &str {
    output.lines().last().unwrap_or_default()
}

#[test]
fn rules_tag_the_past_and_new_arrivals_and_report_filters_by_tag() {
    for db in backends() {
        let csv = db.file("responses.csv", RESPONSES);
        db.ok(&["import", "responses", arg(&csv), "--survey", "Product"]);

        let dry = db.ok(&[
            "rules",
            "add",
            "--tag",
            "Refunds",
            "--match",
            "refund*, \"money back\"",
            "--dry-run",
        ]);
        assert_eq!(last_line(&dry), "matched 3", "{dry}");
        assert!(
            db.ok(&["rules", "list", "--json"]).contains("[]"),
            "a dry run saves nothing"
        );

        let saved = db.ok(&[
            "rules",
            "add",
            "--tag",
            "Refunds",
            "--match",
            "refund*, \"money back\"",
        ]);
        assert_eq!(last_line(&saved), "matched 3", "{saved}");
        let rules: Value = serde_json::from_str(&db.ok(&["rules", "list", "--json"])).unwrap();
        assert_eq!(rules[0]["tag"], "Refunds");
        assert_eq!(rules[0]["match"], "refund*, \"money back\"");
        assert_eq!(rules[0]["tagged"], 3);

        let tagged = db.report(&["--survey", "Product", "--tag", "refunds"]);
        assert_eq!(tagged["responses"], 3, "a tag matches whatever its case");

        // A new import is tagged on arrival.
        let more = db.file(
            "more.csv",
            "external_id,score,comment,created_at\nc8,4,Still waiting for the REFUND,2026-02-01\n",
        );
        let imported = db.ok(&["import", "responses", arg(&more), "--survey", "Product"]);
        assert!(imported.contains("keyword rules put 1 tag"), "{imported}");
        let tagged = db.report(&["--survey", "Product", "--tag", "Refunds"]);
        assert_eq!(tagged["responses"], 4);

        // Accents and case fold away in rules too.
        let cafe = db.ok(&["rules", "add", "--tag", "coffee", "--match", "CAFE"]);
        assert_eq!(last_line(&cafe), "matched 1", "{cafe}");

        // Bad input: exit 2 naming what was wrong, nothing saved.
        fails_naming(
            &db,
            &["rules", "add", "--tag", "x", "--match", " , "],
            "--match",
        );
        let long = "a".repeat(10_000);
        fails_naming(
            &db,
            &["rules", "add", "--tag", "x", "--match", &long],
            "--match",
        );
        fails_naming(
            &db,
            &["rules", "add", "--tag", "   ", "--match", "a"],
            "--tag",
        );
        let long_tag = "t".repeat(41);
        fails_naming(
            &db,
            &["rules", "add", "--tag", &long_tag, "--match", "a"],
            "--tag",
        );
        fails_naming(
            &db,
            &["rules", "add", "--tag", "x", "--match", "re*"],
            "--match",
        );
        fails_naming(
            &db,
            &["report", "--survey", "Product", "--tag", "nope"],
            "--tag",
        );
        fails_naming(
            &db,
            &["report", "--survey", "Product", "--theme", "999999"],
            "--theme",
        );
        fails_naming(&db, &["rules", "delete", "12345"], "12345");
        let rules: Value = serde_json::from_str(&db.ok(&["rules", "list", "--json"])).unwrap();
        assert_eq!(rules.as_array().unwrap().len(), 2);
    }
}

#[test]
fn tags_are_a_managed_set_renamed_merged_and_deleted() {
    for db in backends() {
        let csv = db.file("responses.csv", RESPONSES);
        db.ok(&["import", "responses", arg(&csv), "--survey", "Product"]);
        db.ok(&["rules", "add", "--tag", "refunds", "--match", "refund*"]);
        db.ok(&["rules", "add", "--tag", "support", "--match", "support"]);
        db.ok(&["tags", "create", "Pricing"]);
        fails_naming(&db, &["tags", "create", "pricing"], "Pricing");

        let renamed = db.ok(&["tags", "rename", "refunds", "Billing"]);
        assert!(renamed.contains("on 3 responses"), "{renamed}");
        fails_naming(&db, &["tags", "rename", "Billing", "support"], "merge");

        let merged = db.ok(&["tags", "merge", "support", "--into", "Billing"]);
        assert!(merged.contains("on 3 responses"), "{merged}");
        let tags: Value = serde_json::from_str(&db.ok(&["tags", "list", "--json"])).unwrap();
        let names: Vec<&str> = tags
            .as_array()
            .unwrap()
            .iter()
            .map(|tag| tag["name"].as_str().unwrap())
            .collect();
        assert_eq!(names, ["Billing", "Pricing"]);
        let billing = &tags[0];
        assert_eq!(billing["responses"], 5, "c7 carried both and counts once");
        assert_eq!(
            billing["rules"], 2,
            "the rules follow the rename and the merge"
        );
        assert_eq!(
            db.report(&["--survey", "Product", "--tag", "Billing"])["responses"],
            5
        );

        let deleted = db.ok(&["tags", "delete", "Billing"]);
        assert!(deleted.contains("from 5 responses"), "{deleted}");
        assert_eq!(db.ok(&["rules", "list", "--json"]).trim(), "[]");
        fails_naming(&db, &["tags", "delete", "Billing"], "Billing");
        fails_naming(&db, &["tags", "rename", "Pricing", "  "], "TO");
    }
}

#[test]
fn themes_report_volume_impact_and_value_with_stable_ids() {
    for db in backends() {
        let csv = db.file("responses.csv", RESPONSES);
        db.ok(&["import", "responses", arg(&csv), "--survey", "Product"]);
        db.ok(&[
            "rules",
            "add",
            "--tag",
            "refunds",
            "--match",
            "refund*, \"money back\"",
        ]);
        let args = [
            "themes",
            "--survey",
            "Product",
            "--json",
            "--value-attribute",
            "mrr",
        ];
        let report: Value = serde_json::from_str(&db.ok(&args)).unwrap();
        assert_eq!(report["responses"], 7);
        let themes = report["themes"].as_array().unwrap();
        let refunds = themes
            .iter()
            .find(|theme| theme["id"] == "tag:refunds")
            .expect("tags are themes too");
        assert_eq!(refunds["source"], "tag");
        assert_eq!(refunds["responses"], 3);
        assert_eq!(refunds["detractors"], 3);
        assert_eq!(refunds["detractor_value"], 190.0, "c1 100 + c2 50 + c7 40");
        // The survey: 2 promoters, 1 passive, 4 detractors of 7 → NPS −28.57; without the
        // three refund detractors: 2 promoters, 1 passive, 1 detractor of 4 → NPS 25.
        let impact = refunds["impact"].as_f64().unwrap();
        assert!((impact - (-200.0 / 7.0 - 25.0)).abs() < 1e-9, "{impact}");
        let sentiment = &refunds["sentiment"];
        let total: u64 = ["positive", "negative", "neutral", "mixed"]
            .iter()
            .map(|label| sentiment[*label].as_u64().unwrap())
            .sum();
        assert_eq!(total, 3);

        let automatic: Vec<&Value> = themes.iter().filter(|t| t["source"] == "auto").collect();
        let again: Value =
            serde_json::from_str(&db.ok(&["themes", "--survey", "Product", "--json", "--refresh"]))
                .unwrap();
        let ids = |report: &Value| -> Vec<String> {
            let mut ids: Vec<String> = report["themes"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|theme| theme["source"] == "auto")
                .map(|theme| theme["id"].as_str().unwrap().to_owned())
                .collect();
            ids.sort();
            ids
        };
        assert_eq!(
            ids(&again),
            ids(&report),
            "a theme found again keeps its id"
        );
        if let Some(theme) = automatic.first() {
            let id = theme["id"].as_str().unwrap();
            let narrowed = db.report(&["--survey", "Product", "--theme", id]);
            assert_eq!(narrowed["responses"], theme["responses"]);
        }
        fails_naming(
            &db,
            &[
                "themes",
                "--survey",
                "Product",
                "--json",
                "--value-attribute",
                "nope",
            ],
            "--value-attribute",
        );
    }
}
