//! `vouch demo`: its data ends today, whatever today is.

use jiff::{SignedDuration, Timestamp};

use crate::helpers::backends;

#[test]
fn the_demo_data_ends_today_so_the_last_90_days_are_full() {
    for db in backends() {
        db.ok(&["demo", "--no-serve", "--customers", "400"]);
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
