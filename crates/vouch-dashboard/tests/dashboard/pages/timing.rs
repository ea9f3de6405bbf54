//! Server time of every page over a large dataset, when asked for.
//!
//! `VOUCH_PAGES_TIMING_ROWS=10000000 cargo test -p vouch-http --test pages timing -- --nocapture`
//! imports that many answers (three years, two surveys, 200 000 contacts with a plan and a
//! country, a comment on 40 % of them), signs in, and prints the median time of five requests
//! of each page after one to warm up (the first loads the index). Without the variable the
//! test only says it was skipped. With `VOUCH_PAGES_DUMP=DIR` it also writes each page's HTML
//! (with the stylesheet beside it) to look at.

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use jiff::{SignedDuration, Timestamp};
use vouch_core::{AttributeKind, AttributeValue, Score, SurveyKind};
use vouch_store::{AttributeDefinition, ContactKey, NewResponse, Role, WorkflowChange};

use crate::helpers::{Browser, spawn_app};

const PLANS: [&str; 5] = ["free", "starter", "pro", "business", "enterprise"];
const WORDS: [&str; 24] = [
    "pricing",
    "support",
    "slow",
    "great",
    "onboarding",
    "reports",
    "export",
    "billing",
    "mobile",
    "dashboard",
    "fast",
    "easy",
    "bug",
    "crash",
    "team",
    "love",
    "expensive",
    "integration",
    "api",
    "docs",
    "search",
    "alerts",
    "login",
    "sync",
];

/// splitmix64: a small, seeded, good-enough generator.
struct Random(u64);

impl Random {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, bound: u64) -> u64 {
        self.next() % bound.max(1)
    }
}

fn answer(
    random: &mut Random,
    n: u64,
    rows: u64,
    survey: vouch_store::SurveyId,
    start: Timestamp,
) -> NewResponse {
    let span = 3 * 365 * 86_400;
    let at = start + SignedDuration::from_secs((span as u128 * n as u128 / rows as u128) as i64);
    let contact = random.below(200_000);
    let plan = PLANS[(contact % 5) as usize];
    let country = format!("C{:02}", contact % 30);
    // About 45 % promoters, 30 % passives, 25 % detractors, better on bigger plans.
    let roll = random.below(100) + (contact % 5) * 2;
    let score = match roll {
        0..=24 => random.below(7) as i64,
        25..=54 => 7 + random.below(2) as i64,
        _ => 9 + random.below(2) as i64,
    };
    let comment = (random.below(10) < 4).then(|| {
        let words = 5 + random.below(10);
        (0..words)
            .map(|_| {
                if random.below(3) == 0 {
                    WORDS[random.below(WORDS.len() as u64) as usize].to_owned()
                } else {
                    format!("w{}", random.below(2_000))
                }
            })
            .collect::<Vec<_>>()
            .join(" ")
    });
    NewResponse {
        survey,
        contact: ContactKey {
            external_id: None,
            email: Some(format!("c{contact}@client.example")),
        },
        attributes: BTreeMap::from([
            ("plan".to_owned(), AttributeValue::String(plan.into())),
            ("country".to_owned(), AttributeValue::String(country)),
        ]),
        score: Score::new(score).unwrap_or(Score::new(0).expect("0 is a score")),
        comment,
        created_at: at,
        channel: "import".into(),
    }
}

/// The median of five timed requests after one untimed.
async fn time(
    browser: &Browser,
    path: &str,
    dump: Option<&(std::path::PathBuf, String)>,
) -> (Duration, u16) {
    let first = browser.get(path).await;
    if let Some((dir, css)) = dump {
        let name: String = path
            .chars()
            .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
            .collect();
        let html = match first.text.find("/assets/dashboard.css?v=") {
            Some(at) => {
                let end = first.text[at..].find('"').map_or(at, |e| at + e);
                format!("{}dashboard.css{}", &first.text[..at], &first.text[end..])
            }
            None => first.text.clone(),
        };
        let _ = std::fs::write(dir.join(format!("{name}.html")), html);
        let _ = std::fs::write(dir.join("dashboard.css"), css);
    }
    let mut times = Vec::new();
    for _ in 0..5 {
        let started = Instant::now();
        let page = browser.get(path).await;
        times.push(started.elapsed());
        assert_eq!(page.status, first.status, "{path}");
    }
    times.sort();
    (times[2], first.status)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn timing_of_every_page_on_a_large_dataset() {
    let Some(rows) = std::env::var("VOUCH_PAGES_TIMING_ROWS")
        .ok()
        .and_then(|text| text.parse::<u64>().ok())
    else {
        eprintln!("skipped: set VOUCH_PAGES_TIMING_ROWS to time the pages");
        return;
    };
    let dump = std::env::var("VOUCH_PAGES_DUMP").ok().map(|dir| {
        let dir = std::path::PathBuf::from(dir);
        std::fs::create_dir_all(&dir).expect("the dump folder");
        let css =
            std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/assets/dashboard.css"))
                .expect("the stylesheet");
        (dir, css)
    });
    let app = spawn_app().await;
    let nps = app.survey(&app.acme, "Customer NPS", SurveyKind::Nps).await;
    let enps = app
        .survey(&app.acme, "Employee eNPS", SurveyKind::Enps)
        .await;
    let started = Instant::now();
    let mut import = app
        .store
        .begin_import(app.acme.id)
        .await
        .expect("an import");
    let definitions = ["plan", "country"].map(|name| AttributeDefinition {
        name: name.into(),
        kind: AttributeKind::String,
    });
    import
        .define_attributes(&definitions)
        .await
        .expect("definitions");
    let start = Timestamp::now() - SignedDuration::from_hours(3 * 365 * 24);
    let mut random = Random(7);
    let mut batch = Vec::with_capacity(10_000);
    for n in 0..rows {
        let survey = if n % 20 == 0 { enps.id } else { nps.id };
        batch.push(answer(&mut random, n, rows, survey, start));
        if batch.len() == 10_000 {
            import.write(&batch).await.expect("a batch");
            batch.clear();
        }
    }
    import.write(&batch).await.expect("the last batch");
    import.commit().await.expect("committed");
    eprintln!("imported {rows} answers in {:.1?}", started.elapsed());

    app.user("hana@acme.example", &app.acme, Role::Admin, true)
        .await;
    let browser = app.browser();
    let signed = browser
        .sign_in("hana@acme.example", crate::helpers::PASSWORD)
        .await;
    assert_eq!(signed.status, 303);
    let loading = Instant::now();
    let first = browser.get(&format!("/app/surveys/{}", nps.id.0)).await;
    assert_eq!(first.status, 200);
    eprintln!("first page (loads the index): {:.1?}", loading.elapsed());

    // A little follow-up to filter on.
    let some = app
        .store
        .responses_after(
            app.acme.id,
            vouch_store::ResponseId(rows as i64 / 2),
            Some(nps.id),
            40,
        )
        .await
        .expect("answers");
    for response in &some {
        let change = WorkflowChange {
            status: Some(vouch_store::ResponseStatus::Closed),
            tags: Some(vec!["billing".into()]),
            ..WorkflowChange::default()
        };
        app.store
            .change_workflow(
                app.acme.id,
                response.id,
                &change,
                vouch_store::Actor::Operator,
                Timestamp::now(),
            )
            .await
            .expect("a change");
    }
    let answer = some.first().expect("an answer");
    let (n, e) = (nps.id.0, enps.id.0);
    let pages = [
        ("survey list", "/app/surveys".to_owned()),
        ("overview, last 90 days", format!("/app/surveys/{n}")),
        ("overview, all time", format!("/app/surveys/{n}?period=all")),
        (
            "overview, 12 months, plan=pro",
            format!("/app/surveys/{n}?period=12m&where=plan%3Dpro"),
        ),
        (
            "overview, all time, text=pricing",
            format!("/app/surveys/{n}?period=all&text=pricing"),
        ),
        (
            "overview, 90 days, detractors, 2 countries",
            format!("/app/surveys/{n}?category=detractor&where=country%3DC01&where=country%3DC02"),
        ),
        (
            "overview eNPS, 12 months",
            format!("/app/surveys/{e}?period=12m"),
        ),
        (
            "segments by country, 90 days",
            format!("/app/surveys/{n}/segments?by=country"),
        ),
        (
            "segments by plan, all time, text=slow",
            format!("/app/surveys/{n}/segments?by=plan&period=all&text=slow"),
        ),
        ("inbox", "/app/inbox".to_owned()),
        (
            "inbox, text=pricing, plan=pro",
            "/app/inbox?text=pricing&where=plan%3Dpro".to_owned(),
        ),
        (
            "inbox, status=closed",
            "/app/inbox?status=closed".to_owned(),
        ),
        (
            "inbox, status=open, page 2",
            format!("/app/inbox?status=open&before={}", rows / 3),
        ),
        (
            "inbox, tag=billing, text=w7",
            "/app/inbox?tag=billing&text=w7".to_owned(),
        ),
        ("response", format!("/app/inbox/{}", answer.id.0)),
        ("contact", format!("/app/contacts/{}", answer.contact.0)),
        ("settings", format!("/app/surveys/{n}/settings")),
    ];
    eprintln!("| page | status | median of 5 |");
    eprintln!("|---|---|---|");
    for (label, path) in pages {
        let (median, status) = time(&browser, &path, dump.as_ref()).await;
        eprintln!(
            "| {label} | {status} | {:.1} ms |",
            median.as_secs_f64() * 1_000.0
        );
        assert_eq!(status, 200, "{path}");
    }
}
