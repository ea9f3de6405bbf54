//! `vouch demo` (its data ends today, whatever today is, under the demo company's brand) and
//! `vouch workspace set-brand`.

use jiff::{SignedDuration, Timestamp};

use crate::helpers::backends;

#[test]
fn the_demo_data_ends_today_so_the_last_90_days_are_full() {
    for db in backends() {
        db.ok(&["demo", "--no-serve", "--customers", "400"]);
        let shown: serde_json::Value =
            serde_json::from_str(&db.ok(&["workspace", "show", "--json"])).expect("JSON");
        assert_eq!(shown["brand"]["name"], vouch_demo::COMPANY_NAME, "{shown}");
        let now = Timestamp::now();
        let ninety_days_ago = (now - SignedDuration::from_hours(90 * 24)).to_string();
        let last_week = (now - SignedDuration::from_hours(7 * 24)).to_string();
        for survey in [
            vouch_demo::CUSTOMER_SURVEY_NAME,
            vouch_demo::EMPLOYEE_SURVEY_NAME,
        ] {
            let recent = db.report(&["--survey", survey, "--from", &ninety_days_ago]);
            assert!(
                recent["responses"].as_u64().is_some_and(|n| n >= 30),
                "{survey}, last 90 days on {}: {recent}",
                db.url
            );
            let future = db.report(&["--survey", survey, "--from", &now.to_string()]);
            let after = future["responses"].as_u64().unwrap_or(0);
            assert_eq!(after, 0, "{survey}: nothing after now: {future}");
        }
        // Customers answer every week.
        let customers = vouch_demo::CUSTOMER_SURVEY_NAME;
        let week = db.report(&["--survey", customers, "--from", &last_week]);
        assert!(week["responses"].as_u64().is_some_and(|n| n > 0), "{week}");
    }
}

#[test]
fn the_brand_is_set_checked_and_shown() {
    for db in backends() {
        db.ok(&[
            "workspace",
            "set-brand",
            "--name",
            " Acme Analytics ",
            "--color",
            "#1D4ED8",
        ]);
        let shown: serde_json::Value =
            serde_json::from_str(&db.ok(&["workspace", "show", "--json"])).expect("JSON");
        assert_eq!(shown["brand"]["name"], "Acme Analytics", "{shown}");
        assert_eq!(shown["brand"]["color"], "#1D4ED8");
        assert_eq!(shown["brand"]["logo_url"], serde_json::Value::Null);
        // A flag left out keeps its value; a bad one is refused and changes nothing.
        let bad = db.vouch(&["workspace", "set-brand", "--color", "blue"]);
        assert_eq!(bad.status.code(), Some(2));
        assert!(String::from_utf8_lossy(&bad.stderr).contains("--color"));
        db.ok(&[
            "workspace",
            "set-brand",
            "--logo-url",
            "https://acme.example/logo.svg",
        ]);
        let shown: serde_json::Value =
            serde_json::from_str(&db.ok(&["workspace", "show", "--json"])).expect("JSON");
        assert_eq!(shown["brand"]["name"], "Acme Analytics");
        assert_eq!(shown["brand"]["color"], "#1D4ED8");
        assert_eq!(shown["brand"]["logo_url"], "https://acme.example/logo.svg");
        // An empty flag clears.
        db.ok(&["workspace", "set-brand", "--name", ""]);
        let shown: serde_json::Value =
            serde_json::from_str(&db.ok(&["workspace", "show", "--json"])).expect("JSON");
        assert_eq!(shown["brand"]["name"], serde_json::Value::Null);
    }
}
