//! Bad input to `vouch import responses`: exit code 2, every problem named, nothing imported.

use std::process::{Command, Stdio};

use crate::helpers::{arg, backends};

const GOOD: &str = "email,score\na@example.com,9\n";

#[test]
fn every_bad_row_is_reported_and_nothing_is_imported() {
    for db in backends() {
        let good = db.file("good.csv", GOOD);
        db.ok(&["import", "responses", arg(&good), "--survey", "S"]);
        let bad = db.file(
            "bad.csv",
            "email,score,created_at\n\
             b@example.com,11,2026-01-01\n\
             c@example.com,7.5,2026-01-01\n\
             d@example.com,,2026-01-01\n\
             e@example.com,ten,2026-01-01\n\
             f@example.com,8,31/12/2025\n\
             g@example.com,8,2026-01-01\n\
             not-an-email,8,2026-01-01\n\
             h@example.com,8\n",
        );
        let output = db.vouch(&["import", "responses", arg(&bad), "--survey", "S"]);
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "{stderr}");
        for expected in [
            "bad.csv: line 2, column score: score 11 is outside 0–10",
            "bad.csv: line 3, column score: score \"7.5\" is not a whole number",
            "bad.csv: line 4, column score: score is empty",
            "bad.csv: line 5, column score: score \"ten\" is not a number",
            "bad.csv: line 6, column created_at:",
            "bad.csv: line 8, column email:",
            "bad.csv: line 9: expected 3 fields, found 2",
            "7 invalid row(s); nothing was imported",
        ] {
            assert!(
                stderr.contains(expected),
                "missing {expected:?} in:\n{stderr}"
            );
        }
        assert_eq!(
            db.survey_counts(),
            [("S".to_owned(), 1)],
            "the good row of line 7 was not imported"
        );

        let skipped = db.ok(&[
            "import",
            "responses",
            arg(&bad),
            "--survey",
            "S",
            "--skip-invalid",
        ]);
        assert!(skipped.contains("imported 1 response(s)"), "{skipped}");
        assert_eq!(db.survey_counts(), [("S".to_owned(), 2)]);
    }
}

#[test]
fn unusable_files_are_refused_with_their_reason() {
    for db in backends() {
        let cases: Vec<(&str, Vec<u8>, &str)> = vec![
            ("empty.csv", Vec::new(), "empty.csv: the file is empty"),
            (
                "noscore.csv",
                b"email,comment\na@b.co,hi\n".to_vec(),
                "missing required column \"score\"",
            ),
            (
                "nowho.csv",
                b"score,comment\n9,hi\n".to_vec(),
                "missing required column \"email\" or \"external_id\"",
            ),
            (
                "dup.csv",
                b"email,score,plan,plan\na@b.co,9,x,y\n".to_vec(),
                "duplicate column name \"plan\"",
            ),
            (
                "binary.csv",
                vec![0xff, 0xfe, 0x00, 0x9f, 0x92, 0x96, b'\n', 0xc3, 0x28],
                "binary.csv: line 1: not valid UTF-8",
            ),
        ];
        for (name, contents, expected) in cases {
            let path = db.file(name, contents);
            let output = db.vouch(&["import", "responses", arg(&path), "--survey", "S"]);
            let stderr = String::from_utf8_lossy(&output.stderr);
            assert_eq!(output.status.code(), Some(2), "{name}: {stderr}");
            assert!(stderr.contains(expected), "{name}: {stderr}");
        }
        let missing = db.vouch(&["import", "responses", "no-such-file.csv", "--survey", "S"]);
        assert_eq!(missing.status.code(), Some(2));
        assert!(String::from_utf8_lossy(&missing.stderr).contains("no-such-file.csv: cannot open"));
        assert_eq!(db.survey_counts(), []);
    }
}

#[test]
fn a_huge_line_is_refused_without_reading_it_all() {
    let db = backends().remove(0);
    let mut contents = b"email,score,comment\na@b.co,9,ok\nb@b.co,9,".to_vec();
    contents.resize(contents.len() + 3 * (1 << 20), b'x');
    contents.push(b'\n');
    let path = db.file("huge.csv", contents);
    let output = db.vouch(&["import", "responses", arg(&path), "--survey", "S"]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("line 3 is longer than 1048576 bytes"),
        "{stderr}"
    );
    assert_eq!(db.survey_counts(), []);
}

#[test]
fn a_killed_import_leaves_the_database_as_it_was() {
    for db in backends() {
        let good = db.file("good.csv", GOOD);
        db.ok(&["import", "responses", arg(&good), "--survey", "S"]);
        let mut big = String::from("external_id,score,comment,plan\n");
        for n in 0..1_500_000 {
            big.push_str(&format!(
                "c{},{},fine product {n},p{}\n",
                n % 50_000,
                n % 11,
                n % 5
            ));
        }
        let path = db.file("big.csv", big);
        let mut child = Command::new(env!("CARGO_BIN_EXE_vouch"))
            .args([
                "--database-url",
                &db.url,
                "import",
                "responses",
                arg(&path),
                "--survey",
                "S",
            ])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(std::time::Duration::from_millis(1_500));
        assert!(
            child.try_wait().unwrap().is_none(),
            "the import ended before it could be killed"
        );
        child.kill().unwrap();
        child.wait().unwrap();
        assert_eq!(db.survey_counts(), [("S".to_owned(), 1)], "on {}", db.url);
        let report = db.report(&["--survey", "S"]);
        assert_eq!(report["responses"], serde_json::json!(1));
    }
}

#[test]
fn survey_names_match_ignoring_case_and_a_typo_is_not_a_new_survey() {
    for db in backends() {
        let first = db.file("first.csv", "email,score\na@b.co,9\n");
        db.ok(&[
            "import",
            "responses",
            arg(&first),
            "--survey",
            "Customer NPS",
        ]);
        // Another case names the same survey.
        let second = db.file("second.csv", "email,score\nc@d.co,3\n");
        db.ok(&[
            "import",
            "responses",
            arg(&second),
            "--survey",
            "customer nps",
        ]);
        assert_eq!(db.survey_counts(), [("Customer NPS".to_owned(), 2)]);
        let report = db.report(&["--survey", "CUSTOMER NPS"]);
        assert_eq!(report["responses"], 2, "{report}");

        // A typo is refused with the name it was probably meant to be…
        let typo = db.vouch(&[
            "import",
            "responses",
            arg(&second),
            "--survey",
            "Custmer NPS",
        ]);
        let stderr = String::from_utf8_lossy(&typo.stderr);
        assert_eq!(typo.status.code(), Some(2), "{stderr}");
        assert!(
            stderr.contains("\"Customer NPS\"") && stderr.contains("--create"),
            "{stderr}"
        );
        assert_eq!(db.survey_counts(), [("Customer NPS".to_owned(), 2)]);
        let report = db.vouch(&["report", "--survey", "Custmer NPS"]);
        let stderr = String::from_utf8_lossy(&report.stderr);
        assert!(stderr.contains("did you mean \"Customer NPS\""), "{stderr}");
        // …and made on purpose with --create.
        db.ok(&[
            "import",
            "responses",
            arg(&second),
            "--survey",
            "Custmer NPS",
            "--create",
        ]);
        assert_eq!(db.survey_counts().len(), 2);
        // A name far from every survey's is a new survey, as always.
        db.ok(&[
            "import",
            "responses",
            arg(&second),
            "--survey",
            "Onboarding",
        ]);
        assert_eq!(db.survey_counts().len(), 3);
    }
}

#[test]
fn a_file_with_a_header_and_no_rows_says_so() {
    for db in backends() {
        let path = db.file("header-only.csv", "email,score,comment\n");
        let output = db.vouch(&["import", "responses", arg(&path), "--survey", "S"]);
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(output.status.success(), "{stderr}");
        assert!(stderr.contains("no rows"), "{stderr}");
    }
}
