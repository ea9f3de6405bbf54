//! The Tags page and an answer's history: tags created, renamed, merged and deleted through
//! the forms with the session's token, refusals named beside their field with nothing changed
//! (422), keyword rules counted then saved and matched against the past, history lines on
//! the answer's page, and viewers who read but cannot post. Each story runs on SQLite and on
//! PostgreSQL.

mod forms;
mod history;
mod rules;

use std::collections::BTreeMap;

use jiff::Timestamp;
use vouch_core::{Score, SurveyKind};
use vouch_store::{ContactKey, NewResponse, ResponseId, Role, Survey, TagSummary, User};

use crate::helpers::{Browser, TestApp};

/// The comments of the first survey, in id order. `refund*, "money back"` matches 0, 1, 2 and
/// 7 (not 4: its words are not consecutive).
pub const COMMENTS: [Option<&str>; 10] = [
    Some("I want a refund now"),
    Some("Refunded twice, still waiting"),
    Some("Give me my money back"),
    Some("Great product"),
    Some("The money is back in the bank"),
    None,
    Some("Support was slow"),
    Some("refunds are slow"),
    Some("Fine"),
    Some("Fine"),
];

/// A server with two surveys and known comments, and a member's browser.
pub struct Tagged {
    pub app: TestApp,
    /// The survey of [`COMMENTS`].
    pub survey: Survey,
    /// Another survey, with one answer asking for a refund.
    pub other: Survey,
    /// The ids of [`COMMENTS`]' answers, in order.
    pub ids: Vec<ResponseId>,
    /// The member signed in as `mia@acme.example`.
    pub member: Browser,
    /// Their user.
    pub mia: User,
    /// Their CSRF token.
    pub csrf: String,
}

fn answer(survey: &Survey, n: usize, comment: Option<&str>) -> NewResponse {
    let at: Timestamp = "2026-02-01T09:00:00Z".parse().expect("an instant");
    NewResponse {
        survey: survey.id,
        contact: ContactKey {
            external_id: None,
            email: Some(format!("person{n}@client.example")),
        },
        attributes: BTreeMap::new(),
        score: Score::new((n % 11) as i64).expect("a score"),
        comment: comment.map(str::to_owned),
        created_at: at + jiff::SignedDuration::from_mins(n as i64),
        channel: "import".into(),
    }
}

/// The server with its answers, and a member signed in.
pub async fn tagged(app: TestApp) -> Tagged {
    let survey = app.survey(&app.acme, "Customers", SurveyKind::Nps).await;
    let other = app.survey(&app.acme, "Partners", SurveyKind::Nps).await;
    let mut batch: Vec<NewResponse> = COMMENTS
        .iter()
        .enumerate()
        .map(|(n, comment)| answer(&survey, n, *comment))
        .collect();
    batch.push(answer(&other, 10, Some("A refund please")));
    let mut import = app
        .store
        .begin_import(app.acme.id)
        .await
        .expect("an import");
    import.write(&batch).await.expect("answers written");
    import.commit().await.expect("answers committed");
    let stored = app
        .store
        .responses_after(app.acme.id, ResponseId(0), None, 100)
        .await
        .expect("the answers");
    let ids: Vec<ResponseId> = stored
        .iter()
        .filter(|response| response.survey == survey.id)
        .map(|response| response.id)
        .collect();
    let mia = app
        .user("mia@acme.example", &app.acme, Role::Member, false)
        .await;
    let member = app.browser();
    member.sign_in_as("mia@acme.example").await;
    let csrf = member.csrf().await;
    Tagged {
        app,
        survey,
        other,
        ids,
        member,
        mia,
        csrf,
    }
}

impl Tagged {
    /// The workspace's tags as stored.
    pub async fn tags(&self) -> Vec<TagSummary> {
        self.app
            .store
            .tags(self.app.acme.id)
            .await
            .expect("the tags")
    }

    /// The member posts `fields` (and the CSRF token) to `path`.
    pub async fn post(&self, path: &str, fields: &[(&str, &str)]) -> vouch_test_kit::browser::Page {
        let mut with_token = vec![("csrf", self.csrf.as_str())];
        with_token.extend_from_slice(fields);
        self.member.post(path, &with_token).await
    }
}

/// A page's text with the entities askama writes turned back into characters.
pub fn unescape(html: &str) -> String {
    html.replace("&#34;", "\"")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

/// The error shown under the field whose error element has `id`, tied to a field by
/// `aria-describedby`; panics without one.
#[track_caller]
pub fn field_error(page: &str, id: &str) -> String {
    let marker = format!("id=\"{id}\">");
    let start = page
        .find(&marker)
        .unwrap_or_else(|| panic!("no error {id} in {page}"))
        + marker.len();
    let end = page[start..].find('<').expect("the error's end") + start;
    let described = page.split("aria-describedby=\"").skip(1).any(|rest| {
        rest.split('"')
            .next()
            .unwrap_or("")
            .split(' ')
            .any(|name| name == id)
    });
    assert!(described, "no field names {id} in aria-describedby: {page}");
    unescape(&page[start..end])
}

/// Names and counts of tags, to compare.
pub fn names(tags: &[TagSummary]) -> Vec<(String, u64)> {
    tags.iter()
        .map(|tag| (tag.name.clone(), tag.responses))
        .collect()
}
