use jiff::civil::Date;
use vouch_analytics::digest::{AtRisk, Mover, MoverSource, RisingTheme, Verbatim, WeightedWeeks};
use vouch_core::nps::compare;
use vouch_core::{Histogram, NpsFigures, Score};
use vouch_store::{Brand, WorkspaceId};

use super::*;

fn workspace() -> Workspace {
    Workspace {
        id: WorkspaceId(1),
        slug: "acme".to_owned(),
        time_zone: "Europe/Paris".to_owned(),
        brand: Brand {
            name: Some("Acme <Corp>".to_owned()),
            ..Brand::default()
        },
    }
}

fn histogram(scores: &[(u8, u64)]) -> Histogram {
    let mut counts = [0u64; 11];
    for &(score, count) in scores {
        counts[usize::from(score)] = count;
    }
    Histogram::from_counts(counts)
}

fn digest() -> Digest {
    let (now, before) = (
        histogram(&[(10, 30), (3, 10)]),
        histogram(&[(10, 10), (3, 30)]),
    );
    Digest {
        week: DigestWeek::containing(Date::constant(2026, 12, 2)),
        surveys: vec!["Customers".to_owned()],
        current: NpsFigures::from_histogram(&now),
        previous: NpsFigures::from_histogram(&before),
        change: compare(&now, &before),
        movers: vec![Mover {
            source: MoverSource::Segment {
                attribute: "plan".to_owned(),
                value: Some("pro".to_owned()),
            },
            points: 60.0,
            significant: true,
        }],
        theme_movers: vec![Mover {
            source: MoverSource::Theme {
                label: "Slow support".to_owned(),
                is_tag: false,
            },
            points: -4.0,
            significant: false,
        }],
        revenue_weighted: Some(WeightedWeeks {
            attribute: "mrr".to_owned(),
            current: Some(62.5),
            previous: Some(10.0),
        }),
        themes: vec![RisingTheme {
            label: "Billing".to_owned(),
            responses: 8,
            share: 0.2,
            previous_share: 0.05,
        }],
        at_risk: Some(AtRisk {
            attribute: "mrr".to_owned(),
            short: 1234.4,
            long: 300.0,
            detractors: 10,
            source: RatesSource::Default,
        }),
        verbatims: vec![Verbatim {
            score: Score::new(3).expect("a score").value(),
            category: Category::Detractor,
            comment: "Invoices <b>late</b> again".to_owned(),
            survey: "Customers".to_owned(),
            at: "2026-12-06T10:00:00Z".parse().expect("an instant"),
        }],
    }
}

#[test]
fn both_parts_say_the_figures_the_links_and_how_to_stop() {
    let view = DigestView::new(&digest(), &workspace(), "https://nps.example.com/");
    assert_eq!(
        view.subject,
        "Acme <Corp> weekly digest 2026-W49: NPS 50 (+100)"
    );
    let text = view.text();
    for expected in [
        "Week 2026-W49: Monday 30 November – Sunday 6 December 2026 (Europe/Paris)",
        "NPS 50 ±\u{a0}27, from 40 answers (promoters 30, passives 0, detractors 10)",
        "+100 points from \u{2212}50 the week before (40 answers): a significant change",
        "plan = pro: +60 points of the change, its own change significant",
        "theme “Slow support”: \u{2212}4 points of the change",
        "Revenue-weighted NPS 63 (each answer weighted by its contact's mrr), from 10 the week before",
        "Billing: 20 % of answers, up from 5 % (8 answers)",
        "1,234 of mrr at risk soon from 10 detractors",
        "Detractor, 3/10 (Customers, Sun 6 Dec): \"Invoices <b>late</b> again\"",
        "eNPS surveys are left out",
        "https://nps.example.com/app\n",
        "To stop receiving it, turn it off on the digest page: https://nps.example.com/app/digest",
    ] {
        assert!(text.contains(expected), "{expected:?} in:\n{text}");
    }
    let html = view.html();
    assert!(
        html.contains("Invoices &#60;b&#62;late&#60;/b&#62; again"),
        "escaped"
    );
    assert!(html.contains("Acme &#60;Corp&#62;"));
    assert!(html.contains("href=\"https://nps.example.com/app/digest\""));
    assert!(!html.contains("<link") && !html.contains("<img") && !html.contains("<script"));
}

#[test]
fn a_digest_sent_once_does_not_speak_of_a_subscription() {
    let view = DigestView::new(&digest(), &workspace(), "https://nps.example.com").sent_once();
    let text = view.text();
    assert!(
        text.contains("This digest was sent once, on request"),
        "{text}"
    );
    assert!(!text.contains("because you turned on"), "{text}");
}

#[test]
fn an_empty_week_says_so_plainly() {
    let mut empty = digest();
    empty.current = NpsFigures::from_histogram(&Histogram::default());
    empty.change = None;
    (empty.movers, empty.theme_movers, empty.themes) = (Vec::new(), Vec::new(), Vec::new());
    (empty.verbatims, empty.at_risk, empty.revenue_weighted) = (Vec::new(), None, None);
    let view = DigestView::new(&empty, &workspace(), "https://nps.example.com");
    assert!(view.empty);
    assert_eq!(
        view.subject,
        "Acme <Corp> weekly digest 2026-W49: no answers this week"
    );
    let text = view.text();
    assert!(text.contains("No answers this week to any NPS survey: nothing to report."));
    assert!(text.contains("The week before: NPS \u{2212}50."));
    assert!(!text.contains("Why it moved"));
}

#[test]
fn a_bad_recipient_is_refused_before_sending() {
    let view = DigestView::new(&digest(), &workspace(), "https://nps.example.com");
    let from: Mailbox = "vouch@example.com".parse().expect("an address");
    assert!(view.message(&from, "not an address").is_err());
    let message = view.message(&from, "mia@example.com").expect("a message");
    let formatted = String::from_utf8(message.formatted()).expect("text");
    assert!(formatted.contains("multipart/alternative"));
}
