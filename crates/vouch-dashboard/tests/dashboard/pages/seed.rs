//! Known answers: a customer NPS survey whose figures are worked out by hand below, an eNPS
//! survey whose respondents have email addresses (which must never show), and a survey of
//! another workspace.

use std::collections::BTreeMap;

use jiff::Timestamp;
use vouch_core::{AttributeKind, AttributeValue, Score, SurveyKind};
use vouch_store::{
    AttributeDefinition, ContactKey, NewResponse, Role, Survey, SurveyId, Workspace,
};

use crate::helpers::{Browser, TestApp, spawn_app};

/// The range every figure below is about: the first quarter of 2026.
pub const Q1: &str = "from=2026-01-01&to=2026-04-01";

/// The comment only one answer has, to search for.
pub const WIZARD_COMMENT: &str = "The onboarding wizard was delightful";

/// What a test needs: the server, its surveys, browsers with each role.
pub struct Seeded {
    pub app: TestApp,
    /// Customer NPS of workspace acme: 300 answers in Q1 2026, 100 in late 2025.
    pub nps: Survey,
    /// Employee eNPS of acme: 12 answers in Q1 2026 by people with email addresses.
    pub enps: Survey,
    /// A survey of workspace globex.
    pub other: Survey,
}

/// One answer to write.
struct Answer {
    survey: SurveyId,
    email: String,
    plan: &'static str,
    country: &'static str,
    score: i64,
    comment: Option<String>,
    at: Timestamp,
}

/// The instant of answer `n` of `count` spread over Q1 2026 (or late 2025 when `before`).
fn instant(n: usize, count: usize, before: bool) -> Timestamp {
    let (start, days) = if before {
        ("2025-10-10T09:00:00Z", 80)
    } else {
        ("2026-01-02T09:00:00Z", 88)
    };
    let start: Timestamp = start.parse().expect("an instant");
    let seconds = (days * 86_400) as i64 * n as i64 / count as i64;
    start + jiff::SignedDuration::from_secs(seconds)
}

/// The Q1 answers of the NPS survey:
///
/// | plan | scores | n | promoters | detractors | NPS |
/// |---|---|---|---|---|---|
/// | pro  | 70 × 10, 30 × 8, 20 × 3 | 120 | 70 | 20 | 41.7 |
/// | free | 60 × 9, 60 × 7, 60 × 2  | 180 | 60 | 60 | 0 |
/// | all  |                         | 300 | 130 | 80 | 16.7 ± 9.3 |
///
/// The 100 answers of late 2025 (the 90 days before Q1) are 20 × 10, 20 × 8 and 60 × 1: NPS
/// −40, so Q1's +57 is a significant change.
fn nps_answers(survey: SurveyId) -> Vec<Answer> {
    let mut scores: Vec<(&'static str, i64)> = Vec::new();
    scores.extend(std::iter::repeat_n(("pro", 10), 70));
    scores.extend(std::iter::repeat_n(("pro", 8), 30));
    scores.extend(std::iter::repeat_n(("pro", 3), 20));
    scores.extend(std::iter::repeat_n(("free", 9), 60));
    scores.extend(std::iter::repeat_n(("free", 7), 60));
    scores.extend(std::iter::repeat_n(("free", 2), 60));
    // Interleave plans over time, so that every week has some of each.
    let count = scores.len();
    let mut order: Vec<usize> = (0..count).collect();
    order.sort_by_key(|&i| (i * 7919) % count);
    let mut answers: Vec<Answer> = order
        .iter()
        .enumerate()
        .map(|(n, &i)| {
            let (plan, score) = scores[i];
            let comment = match (score, n % 5) {
                (_, 0) if n == 0 => Some(WIZARD_COMMENT.to_owned()),
                (0..=6, 1) => Some("Pricing went up and support is slow".to_owned()),
                (9..=10, 1) => Some("Great support team, fast answers".to_owned()),
                (_, 1) => Some("Fine overall".to_owned()),
                _ => None,
            };
            Answer {
                survey,
                email: format!("customer{n}@client.example"),
                plan,
                country: if n % 3 == 0 { "FR" } else { "DE" },
                score,
                comment,
                at: instant(n, count, false),
            }
        })
        .collect();
    let before: Vec<i64> = [vec![10; 20], vec![8; 20], vec![1; 60]].concat();
    for (n, score) in before.into_iter().enumerate() {
        answers.push(Answer {
            survey,
            email: format!("former{n}@client.example"),
            plan: "free",
            country: "DE",
            score,
            comment: None,
            at: instant(n, 100, true),
        });
    }
    answers
}

/// Twelve employees, each with an email address, answering in Q1 2026 with comments.
fn enps_answers(survey: SurveyId) -> Vec<Answer> {
    (0..12)
        .map(|n| Answer {
            survey,
            email: format!("employee{n}@staff.example"),
            plan: if n < 3 { "team-a" } else { "team-b" },
            country: "FR",
            score: [10, 9, 8, 6, 10, 9, 3, 7, 10, 9, 5, 8][n],
            comment: Some(format!("Workplace comment number {n}")),
            at: instant(n, 12, false),
        })
        .collect()
}

/// Writes answers in one import, sorted by time (ids then grow with time, as in life).
async fn import(app: &TestApp, workspace: &Workspace, mut answers: Vec<Answer>) {
    answers.sort_by_key(|answer| answer.at);
    let mut import = app
        .store
        .begin_import(workspace.id)
        .await
        .expect("an import");
    let definitions = [
        AttributeDefinition {
            name: "plan".into(),
            kind: AttributeKind::String,
        },
        AttributeDefinition {
            name: "country".into(),
            kind: AttributeKind::String,
        },
    ];
    import
        .define_attributes(&definitions)
        .await
        .expect("attributes defined");
    let batch: Vec<NewResponse> = answers
        .into_iter()
        .map(|answer| NewResponse {
            survey: answer.survey,
            contact: ContactKey {
                external_id: None,
                email: Some(answer.email),
            },
            attributes: BTreeMap::from([
                (
                    "plan".to_owned(),
                    AttributeValue::String(answer.plan.into()),
                ),
                (
                    "country".to_owned(),
                    AttributeValue::String(answer.country.into()),
                ),
            ]),
            score: Score::new(answer.score).expect("a score"),
            comment: answer.comment,
            created_at: answer.at,
            channel: "import".into(),
        })
        .collect();
    import.write(&batch).await.expect("answers written");
    import.commit().await.expect("answers committed");
}

/// The server with its answers.
pub async fn seeded() -> Seeded {
    let app = spawn_app().await;
    let nps = app.survey(&app.acme, "Customer NPS", SurveyKind::Nps).await;
    let enps = app
        .survey(&app.acme, "Employee eNPS", SurveyKind::Enps)
        .await;
    let other = app.survey(&app.globex, "Globex NPS", SurveyKind::Nps).await;
    let mut answers = nps_answers(nps.id);
    answers.extend(enps_answers(enps.id));
    import(&app, &app.acme, answers).await;
    let theirs = vec![Answer {
        survey: other.id,
        email: "someone@globex.example".into(),
        plan: "pro",
        country: "US",
        score: 9,
        comment: Some("Globex secret comment".into()),
        at: instant(1, 2, false),
    }];
    import(&app, &app.globex, theirs).await;
    Seeded {
        app,
        nps,
        enps,
        other,
    }
}

impl Seeded {
    /// Imports one more answer to the NPS survey, given at `at` with `comment`: as history
    /// imported late, it gets a larger id than every answer it is older than.
    pub async fn import_late(&self, at: &str, comment: &str) {
        let answer = Answer {
            survey: self.nps.id,
            email: "imported@client.example".into(),
            plan: "pro",
            country: "FR",
            score: 4,
            comment: Some(comment.to_owned()),
            at: at.parse().expect("an instant"),
        };
        import(&self.app, &self.app.acme, vec![answer]).await;
    }

    /// A browser signed in to acme with `role`, with or without the HR permission.
    pub async fn browser(&self, email: &str, role: Role, hr: bool) -> Browser {
        let app = &self.app;
        app.user(email, &app.acme, role, hr).await;
        let browser = app.browser();
        let reply = browser.sign_in(email, crate::helpers::PASSWORD).await;
        assert_eq!(reply.status, 303, "{}", reply.text);
        browser
    }
}

/// The text between the first `start` marker after `after` and the next `end`.
pub fn between<'a>(text: &'a str, start: &str, end: &str) -> &'a str {
    let Some(from) = text.find(start) else {
        return "";
    };
    let rest = &text[from + start.len()..];
    &rest[..rest.find(end).unwrap_or(rest.len())]
}
