//! `vouch personas`, `vouch revenue`, `vouch churn` and `vouch accounts at-risk` on every
//! backend, each figure recomputed here by a naive reference from the rows imported, and
//! their refusals of bad input.

use std::collections::BTreeMap;

use serde_json::Value;

use crate::helpers::{TestDb, arg, backends, fails_naming};

/// One imported answer.
#[derive(Debug, Clone)]
struct Row {
    contact: String,
    score: u8,
    day: u32,
    plan: &'static str,
    mrr: f64,
    company: String,
    churned_day: Option<u32>,
}

/// A small deterministic generator, so the data is the same on every run.
struct Lcg(u64);

impl Lcg {
    fn below(&mut self, n: u64) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (self.0 >> 33) % n
    }
}

/// `2026-01-01` plus `day` days, as a date (days stay within January to April).
fn date(day: u32) -> String {
    let months = [
        (1, 31),
        (2, 28),
        (3, 31),
        (4, 30),
        (5, 31),
        (6, 30),
        (7, 31),
    ];
    let mut rest = day;
    for (month, length) in months {
        if rest < length {
            return format!("2026-{month:02}-{:02}", rest + 1);
        }
        rest -= length;
    }
    panic!("day {day} is out of range")
}

/// 240 contacts; a third answered twice (the later answer on a later day, sometimes in an
/// earlier row, so that row order is not answer order).
fn rows() -> Vec<Row> {
    let mut random = Lcg(7);
    let mut rows = Vec::new();
    for contact in 0..240u32 {
        let plan = ["free", "pro", "enterprise"][random.below(3) as usize];
        let base = match plan {
            "free" => 4,
            "pro" => 7,
            _ => 9,
        };
        let answers = if contact % 3 == 0 { 2 } else { 1 };
        for answer in 0..answers {
            let score = (base + random.below(4) as i64 - 2).clamp(0, 10) as u8;
            let churned_day = match (score <= 6, random.below(10)) {
                (true, 0..=4) | (false, 0) => Some(40 + random.below(100) as u32),
                _ => None,
            };
            rows.push(Row {
                contact: format!("c{contact}"),
                score,
                day: 10 + answer * 20 + random.below(5) as u32,
                plan,
                mrr: (random.below(500) + 10) as f64,
                company: format!("co{}", contact % 25),
                churned_day,
            });
        }
    }
    // Put some second answers before their first in the file.
    rows.swap(0, 1);
    rows.swap(30, 31);
    rows
}

fn csv_of(rows: &[Row]) -> String {
    let mut csv = String::from("external_id,score,created_at,plan,mrr,company,churned_at\n");
    for row in rows {
        csv.push_str(&format!(
            "{},{},{},{},{},{},{}\n",
            row.contact,
            row.score,
            date(row.day),
            row.plan,
            row.mrr,
            row.company,
            row.churned_day.map(date).unwrap_or_default()
        ));
    }
    csv
}

/// The latest row of each key (latest day, then the later row in the file).
fn latest_by(rows: &[Row], key: impl Fn(&Row) -> String) -> BTreeMap<String, Vec<&Row>> {
    let mut by_key: BTreeMap<String, Vec<(u32, usize, &Row)>> = BTreeMap::new();
    for (position, row) in rows.iter().enumerate() {
        by_key
            .entry(key(row))
            .or_default()
            .push((row.day, position, row));
    }
    by_key
        .into_iter()
        .map(|(key, mut answers)| {
            answers.sort_by_key(|(day, position, _)| std::cmp::Reverse((*day, *position)));
            (key, answers.into_iter().map(|(_, _, row)| row).collect())
        })
        .collect()
}

fn close(a: &Value, b: f64) -> bool {
    a.as_f64().is_some_and(|a| (a - b).abs() < 1e-9)
}

#[test]
fn personas_revenue_churn_and_at_risk_equal_a_naive_reference() {
    let rows = rows();
    let latest = latest_by(&rows, |row| row.contact.clone());
    for db in backends() {
        let csv = db.file("answers.csv", csv_of(&rows));
        db.ok(&["import", "responses", arg(&csv), "--survey", "Customers"]);
        personas_match(&db, &latest);
        revenue_matches(&db, &latest);
        churn_matches(&db, &latest);
        at_risk_matches(&db, &rows, &latest);
        weighted_nps_matches(&db, &rows);
    }
}

/// The revenue-weighted NPS weighs every answer (not only the latest) by its `mrr`.
fn weighted_nps_matches(db: &TestDb, rows: &[Row]) {
    let value = |keep: &dyn Fn(u8) -> bool| -> f64 {
        rows.iter()
            .filter(|row| keep(row.score))
            .map(|row| row.mrr)
            .sum()
    };
    let total = value(&|_| true);
    let expected = 100.0 * (value(&|s| s >= 9) - value(&|s| s <= 6)) / total;
    let report = json(db, &["report", "--survey", "Customers", "--json"]);
    assert_eq!(report["revenue_weighted"]["value_attribute"], "mrr");
    assert!(
        close(&report["revenue_weighted"]["nps"], expected),
        "{} against {expected}",
        report["revenue_weighted"]
    );
}

fn json(db: &TestDb, args: &[&str]) -> Value {
    let output = db.ok(args);
    serde_json::from_str(&output).unwrap_or_else(|error| panic!("{args:?}: {error}: {output}"))
}

fn personas_match(db: &TestDb, latest: &BTreeMap<String, Vec<&Row>>) {
    let personas = json(
        db,
        &[
            "personas",
            "--survey",
            "Customers",
            "--json",
            "--min-contacts",
            "10",
        ],
    );
    let contacts = latest.len() as f64;
    let promoters = latest
        .values()
        .filter(|answers| answers[0].score >= 9)
        .count() as f64;
    assert_eq!(personas["contacts"], latest.len());
    assert!(close(&personas["promoter_share"], promoters / contacts));
    let rows = personas["attributes"].as_array().expect("rows");
    let lifts: Vec<f64> = rows
        .iter()
        .map(|row| row["lift"].as_f64().unwrap())
        .collect();
    assert!(
        lifts.windows(2).all(|pair| pair[0] >= pair[1]),
        "sorted by lift: {lifts:?}"
    );
    for plan in ["free", "pro", "enterprise"] {
        let of_plan: Vec<&Row> = latest
            .values()
            .map(|a| a[0])
            .filter(|r| r.plan == plan)
            .collect();
        let n = of_plan.len() as f64;
        let promoted = of_plan.iter().filter(|row| row.score >= 9).count() as f64;
        let detractors = of_plan.iter().filter(|row| row.score <= 6).count() as f64;
        let row = rows
            .iter()
            .find(|row| row["attribute"] == "plan" && row["value"] == plan)
            .unwrap_or_else(|| panic!("a row for plan {plan}: {personas}"));
        assert_eq!(row["contacts"], of_plan.len(), "{plan}");
        assert!(
            close(&row["lift"], (promoted / n) / (promoters / contacts)),
            "{plan}: {row}"
        );
        assert!(
            close(&row["nps"], 100.0 * (promoted - detractors) / n),
            "{plan}: {row}"
        );
        assert!(row["lift_low"].as_f64() <= row["lift"].as_f64());
        assert!(row["lift_high"].as_f64() >= row["lift"].as_f64());
    }
    let strict = json(
        db,
        &[
            "personas",
            "--survey",
            "Customers",
            "--json",
            "--min-contacts",
            "1000",
        ],
    );
    assert_eq!(
        strict["attributes"],
        serde_json::json!([]),
        "small groups are left out"
    );
}

fn revenue_matches(db: &TestDb, latest: &BTreeMap<String, Vec<&Row>>) {
    let sum = |keep: &dyn Fn(u8) -> bool| -> f64 {
        latest
            .values()
            .map(|a| a[0])
            .filter(|r| keep(r.score))
            .map(|r| r.mrr)
            .sum()
    };
    let detractors = sum(&|score| score <= 6);
    let passives = sum(&|score| (7..=8).contains(&score));
    let promoters = sum(&|score| score >= 9);
    db.ok(&[
        "revenue",
        "rates",
        "--detractor",
        "0.4",
        "--passive",
        "0.2",
        "--promoter",
        "0.1",
    ]);
    let revenue = json(
        db,
        &["revenue", "--survey", "Customers", "--json", "--by", "plan"],
    );
    assert_eq!(revenue["rates"]["source"], "saved");
    assert!(close(&revenue["detractors"]["value"], detractors));
    assert!(
        close(&revenue["at_risk_short"], 0.4 * detractors),
        "{revenue}"
    );
    assert!(close(&revenue["at_risk_long"], 0.2 * passives));
    assert!(close(&revenue["potential"], 0.1 * promoters));
    let groups = revenue["groups"].as_array().expect("groups");
    let contacts: u64 = groups.iter().map(|g| g["contacts"].as_u64().unwrap()).sum();
    assert_eq!(
        contacts,
        latest.len() as u64,
        "every contact is in one plan"
    );
    db.ok(&["revenue", "rates", "--reset"]);
    let observed = json(db, &["revenue", "--survey", "Customers", "--json"]);
    assert_eq!(observed["rates"]["source"], "observed", "{observed}");
}

fn churned(row: &Row, within: u32) -> bool {
    row.churned_day
        .is_some_and(|day| day >= row.day && day < row.day + within)
}

fn churn_matches(db: &TestDb, latest: &BTreeMap<String, Vec<&Row>>) {
    let report = json(
        db,
        &[
            "churn",
            "--survey",
            "Customers",
            "--json",
            "--within-days",
            "60",
        ],
    );
    assert_eq!(report["within_days"], 60);
    let (mut with, mut without) = (Vec::new(), Vec::new());
    for answers in latest.values() {
        let row = answers[0];
        if churned(row, 60) {
            with.push(row.score)
        } else {
            without.push(row.score)
        }
    }
    for (position, (category, range)) in [
        ("promoter", 9..=10),
        ("passive", 7..=8),
        ("detractor", 0..=6),
    ]
    .into_iter()
    .enumerate()
    {
        let part = &report["categories"][position];
        assert_eq!(part["category"], category);
        let churned_here = with.iter().filter(|s| range.contains(*s)).count();
        let stayed_here = without.iter().filter(|s| range.contains(*s)).count();
        assert_eq!(part["contacts"], churned_here + stayed_here, "{category}");
        assert_eq!(part["churned"], churned_here, "{category}");
    }
    let mut wins = 0.0;
    for a in &with {
        for b in &without {
            wins += if a < b {
                1.0
            } else if a == b {
                0.5
            } else {
                0.0
            };
        }
    }
    let auc = wins / (with.len() * without.len()) as f64;
    assert!(close(&report["auc"], auc), "{report} vs {auc}");
}

fn at_risk_matches(db: &TestDb, rows: &[Row], latest: &BTreeMap<String, Vec<&Row>>) {
    let listed = json(
        db,
        &[
            "accounts",
            "at-risk",
            "--survey",
            "Customers",
            "--json",
            "--limit",
            "5000",
        ],
    );
    let expected: usize = latest
        .values()
        .filter(|answers| {
            let fell = answers
                .get(1)
                .is_some_and(|before| answers[0].score + 3 <= before.score);
            answers[0].score <= 6 || fell
        })
        .count();
    assert_eq!(listed["total"], expected);
    let accounts = listed["accounts"].as_array().expect("accounts");
    let values: Vec<f64> = accounts
        .iter()
        .map(|a| a["value"].as_f64().unwrap())
        .collect();
    assert!(
        values.windows(2).all(|pair| pair[0] >= pair[1]),
        "most valuable first"
    );
    let first = &accounts[0];
    let answers = &latest[first["account"].as_str().expect("an external id")];
    assert_eq!(first["latest_score"], answers[0].score);
    assert!(close(&first["value"], answers[0].mrr));
    let companies = latest_by(rows, |row| row.company.clone());
    let by_company = json(
        db,
        &[
            "accounts",
            "at-risk",
            "--survey",
            "Customers",
            "--json",
            "--account-attribute",
            "company",
        ],
    );
    let expected: usize = companies
        .values()
        .filter(|answers| {
            let fell = answers
                .get(1)
                .is_some_and(|before| answers[0].score + 3 <= before.score);
            answers[0].score <= 6 || fell
        })
        .count();
    assert_eq!(by_company["total"], expected, "{by_company}");
}

#[test]
fn bad_input_is_refused_naming_the_flag_and_changes_nothing() {
    for db in backends() {
        let csv = db.file("answers.csv", csv_of(&rows()[..20]));
        db.ok(&["import", "responses", arg(&csv), "--survey", "Customers"]);
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
        let survey = ["--survey", "Customers", "--json"];
        fails_naming(
            &db,
            &[&["revenue"][..], &survey, &["--value-attribute", "plan"]].concat(),
            "--value-attribute",
        );
        fails_naming(
            &db,
            &[&["revenue"][..], &survey, &["--value-attribute", "arr"]].concat(),
            "--value-attribute",
        );
        fails_naming(
            &db,
            &[
                "revenue",
                "rates",
                "--detractor",
                "1.5",
                "--passive",
                "0.3",
                "--promoter",
                "0.3",
            ],
            "--detractor",
        );
        fails_naming(
            &db,
            &[
                "revenue",
                "rates",
                "--detractor",
                "0.5",
                "--passive",
                "-0.1",
                "--promoter",
                "0.3",
            ],
            "--passive",
        );
        let unchanged = json(&db, &["revenue", "--survey", "Customers", "--json"]);
        assert_ne!(
            unchanged["rates"]["source"], "saved",
            "a refused rate saves nothing"
        );
        fails_naming(
            &db,
            &[&["churn"][..], &survey, &["--within-days", "0"]].concat(),
            "--within-days",
        );
        fails_naming(
            &db,
            &[&["churn"][..], &survey, &["--within-days", "-5"]].concat(),
            "--within-days",
        );
        fails_naming(
            &db,
            &[
                &["accounts", "at-risk"][..],
                &survey,
                &["--account-attribute", "nope"],
            ]
            .concat(),
            "--account-attribute",
        );
        fails_naming(&db, &["personas", "--survey", "Staff", "--json"], "eNPS");
        fails_naming(&db, &["accounts", "at-risk", "--survey", "Staff"], "eNPS");
        fails_naming(&db, &["personas", "--survey", "Nope"], "Nope");
    }
}

#[test]
fn report_explain_splits_the_change_into_own_change_and_mix() {
    // January: 10 pro answering 10, 30 free answering 3; February: 30 pro and 10 free, with
    // the same scores. NPS −50 → +50, all of it a shift in the mix of plans.
    // Every free answer says support is too slow.
    let mut csv = String::from("external_id,score,created_at,plan,comment\n");
    let mut add = |count: usize, score: u8, date: &str, plan: &str| {
        let comment = if plan == "free" {
            "support too slow"
        } else {
            ""
        };
        for n in 0..count {
            csv.push_str(&format!(
                "{plan}-{date}-{n},{score},{date},{plan},{comment}\n"
            ));
        }
    };
    add(10, 10, "2026-01-10", "pro");
    add(30, 3, "2026-01-10", "free");
    add(30, 10, "2026-02-10", "pro");
    add(10, 3, "2026-02-10", "free");
    for db in backends() {
        let file = db.file("moves.csv", &csv);
        db.ok(&["import", "responses", arg(&file), "--survey", "Moves"]);
        db.ok(&["rules", "add", "--tag", "Slow", "--match", "slow"]);
        let report = db.report(&[
            "--survey",
            "Moves",
            "--from",
            "2026-02-01",
            "--to",
            "2026-03-01",
            "--explain",
        ]);
        let explain = &report["explain"];
        assert!(close(&explain["change"], 100.0), "{explain}");
        assert_eq!(explain["previous"]["to"], "2026-02-01T00:00:00Z");
        assert_eq!(explain["significant"], true);
        let plan = &explain["attributes"][0];
        assert_eq!(plan["attribute"], "plan");
        let segments = plan["segments"].as_array().expect("segments");
        let total: f64 = segments.iter().map(|s| s["total"].as_f64().unwrap()).sum();
        assert!((total - 100.0).abs() < 1e-9);
        for segment in segments {
            assert!(close(&segment["own"], 0.0), "{segment}");
            assert_eq!(segment["mix_significant"], true);
        }
        let pro = segments.iter().find(|s| s["value"] == "pro").expect("pro");
        // Share 25 % → 75 %, average NPS 100: +50 points.
        assert!(close(&pro["mix"], 50.0), "{pro}");
        // The answers tagged Slow score −100 in both months; their share falls 75 % → 25 %.
        let slow = &explain["themes"][0];
        assert_eq!(slow["label"], "Slow", "{explain}");
        assert_eq!(slow["is_tag"], true);
        assert!(
            close(&slow["own"], 0.0) && close(&slow["mix"], 50.0),
            "{slow}"
        );
        assert_eq!(slow["mix_significant"], true);
        assert!(close(&slow["previous_share"], 0.75), "{slow}");
        // Likely objections: the 40 free detractors all say it is slow.
        let objections: Value =
            serde_json::from_str(&db.ok(&["leads", "objections", "--survey", "Moves", "--json"]))
                .expect("JSON");
        let free = &objections["segments"][0];
        assert_eq!(
            (free["value"].clone(), free["detractors"].clone()),
            (Value::from("free"), Value::from(40))
        );
        assert_eq!(free["objections"][0]["label"], "Slow", "{objections}");
        let table = db.ok(&["leads", "objections", "--survey", "Moves"]);
        assert!(
            table.contains("plan = free") && table.contains("Slow (40, 100%)"),
            "{table}"
        );
        fails_naming(
            &db,
            &["leads", "objections", "--survey", "Moves", "--by", "nope"],
            "--by",
        );
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
        fails_naming(
            &db,
            &["report", "--survey", "Staff", "--explain"],
            "--explain",
        );
    }
}
