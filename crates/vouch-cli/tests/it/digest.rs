//! `vouch digest preview` and `vouch digest send`: the last complete week's digest printed,
//! sent through a real SMTP server (aiosmtpd), and refused with exit 2 for a bad address or
//! without an SMTP server.

use jiff::Timestamp;
use jiff::tz::TimeZone;
use vouch_core::digest::DigestWeek;
use vouch_test_kit::smtp::{SmtpServer, aiosmtpd_available};

use crate::helpers::{TestDb, arg, backends, fails_naming};

/// Answers on the Wednesday of the last complete week (UTC, the default time zone): three
/// promoters, one passive, one detractor, each with a comment; NPS (3 − 1) / 5 = 40.
fn seed(db: &TestDb) {
    let week = DigestWeek::last_complete(Timestamp::now(), &TimeZone::UTC);
    let wednesday = week
        .monday()
        .checked_add(jiff::ToSpan::days(2))
        .expect("a day");
    let mut csv = String::from("external_id,score,comment,created_at\n");
    for (who, score, comment, hour) in [
        ("a", 10, "Love the reports", 9),
        ("b", 9, "Great support", 10),
        ("c", 10, "Fast and simple", 11),
        ("d", 7, "Decent value", 12),
        ("e", 2, "Too many bugs", 13),
    ] {
        csv.push_str(&format!(
            "{who},{score},{comment},{wednesday}T{hour:02}:00:00Z\n"
        ));
    }
    let file = db.file("answers.csv", csv);
    db.ok(&["import", "responses", arg(&file), "--survey", "Product"]);
}

#[test]
fn the_preview_prints_the_last_complete_week() {
    for db in backends() {
        seed(&db);
        let text = db.ok(&[
            "digest",
            "preview",
            "--public-url",
            "https://nps.example.com",
        ]);
        assert!(text.contains("NPS 40 "), "{text}");
        assert!(text.contains("from 5 answers"), "{text}");
        assert!(
            text.contains("Too many bugs") && text.contains("Decent value"),
            "{text}"
        );
        assert!(
            text.contains("https://nps.example.com/app/digest"),
            "{text}"
        );
    }
}

#[test]
fn send_refuses_a_bad_address_and_a_missing_smtp_server() {
    for db in backends() {
        fails_naming(&db, &["digest", "send", "--to", "not-an-address"], "--to");
        fails_naming(
            &db,
            &["digest", "send", "--to", "ann@example.com"],
            "smtp_url",
        );
        fails_naming(
            &db,
            &[
                "digest",
                "send",
                "--to",
                "ann@example.com",
                "--smtp-url",
                "http://x",
            ],
            "smtp_url",
        );
    }
}

#[test]
fn send_mails_the_digest_now() {
    if !aiosmtpd_available("send_mails_the_digest_now") {
        return;
    }
    for db in backends() {
        seed(&db);
        let smtp = SmtpServer::start();
        let url = smtp.url();
        db.ok(&[
            "digest",
            "send",
            "--to",
            "ann@example.com",
            "--smtp-url",
            &url,
        ]);
        let messages = smtp.messages();
        assert_eq!(messages.len(), 1);
        let subject = messages[0].header("subject").expect("a subject");
        assert!(subject.contains("NPS 40"), "{subject}");
        let text = messages[0].part("text/plain").expect("a text part");
        assert!(
            text.contains("Fast and simple"),
            "the newest promoter quoted: {text}"
        );
    }
}
