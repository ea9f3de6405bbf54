//! `/api/v1/responses`: answers posted one at a time, read back, and listed with filters.
//!
//! eNPS answers are anonymous: a reply never links one to its contact, and the read routes
//! refuse them (403) — eNPS figures come only from the report, with its anonymity rules.

pub(super) mod get;
pub(super) mod history;
pub(super) mod post;
pub(super) mod replies;

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::ToSchema;
use vouch_analytics::sentiment::comment_sentiment;
use vouch_analytics::themes::ThemeSet;
use vouch_store::{ResponseId, Store, StoredResponse, WorkspaceId};
use vouch_web::wire_themes::{SentimentJson, ThemeRefJson};

use crate::Routes;
use vouch_web::wire::attribute_json;

pub use post::{ContactBody, NewResponseBody};

/// Where a score puts a respondent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum CategoryJson {
    /// Scores 9 and 10.
    Promoter,
    /// Scores 7 and 8.
    Passive,
    /// Scores 0 to 6.
    Detractor,
}

/// A stored response.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct ResponseJson {
    /// Its id. Ids grow: a larger id was received later.
    pub id: i64,
    /// The survey answered.
    pub survey_id: i64,
    /// The contact who answered; null for eNPS answers, which are anonymous.
    pub contact_id: Option<i64>,
    /// The score, 0 to 10.
    #[schema(minimum = 0, maximum = 10)]
    pub score: u8,
    /// The score's category.
    pub category: CategoryJson,
    /// The answer to "why?", if any.
    pub comment: Option<String>,
    /// When it was given (RFC 3339, millisecond precision).
    pub created_at: String,
    /// How it arrived: `api`, `import`, `email`, `link` or `widget`.
    pub channel: String,
    /// The contact's attributes when they answered (empty for eNPS answers).
    pub attributes: BTreeMap<String, Value>,
    /// Its tags, set by people or by keyword rules, sorted.
    pub tags: Vec<String>,
    /// The themes of its comment, best match first.
    pub themes: Vec<ThemeRefJson>,
    /// How its comment feels; null without a comment.
    pub sentiment: Option<SentimentJson>,
}

/// What a response carries beyond its stored row: its tags, themes and sentiment.
#[derive(Debug, Clone, Default)]
pub struct ResponseExtras {
    /// Its tags.
    pub tags: Vec<String>,
    /// Its themes, best match first.
    pub themes: Vec<ThemeRefJson>,
}

/// The JSON of responses (none anonymous), with their tags and themes read from the store.
pub(crate) async fn responses_json(
    store: &dyn Store,
    workspace: WorkspaceId,
    responses: &[&StoredResponse],
) -> vouch_web::error::Result<Vec<ResponseJson>> {
    let ids: Vec<ResponseId> = responses.iter().map(|response| response.id).collect();
    let workflows = store.workflows(workspace, &ids).await?;
    let themes = ThemeSet::load(store, workspace, None).await?;
    Ok(responses
        .iter()
        .zip(workflows)
        .map(|(response, workflow)| {
            let extras = ResponseExtras {
                tags: workflow.tags,
                themes: response
                    .comment
                    .as_deref()
                    .map(|comment| themes.of_comment(response.survey, comment))
                    .unwrap_or_default()
                    .into_iter()
                    .map(|theme| ThemeRefJson {
                        id: theme.id.0.to_string(),
                        label: theme.label.clone(),
                    })
                    .collect(),
            };
            ResponseJson::new(response, false, extras)
        })
        .collect())
}

impl ResponseJson {
    /// The JSON of a response; `anonymous` (eNPS) leaves out who answered.
    pub fn new(response: &StoredResponse, anonymous: bool, extras: ResponseExtras) -> ResponseJson {
        let category = match response.score.category() {
            vouch_core::Category::Promoter => CategoryJson::Promoter,
            vouch_core::Category::Passive => CategoryJson::Passive,
            vouch_core::Category::Detractor => CategoryJson::Detractor,
        };
        ResponseJson {
            id: response.id.0,
            survey_id: response.survey.0,
            contact_id: (!anonymous).then_some(response.contact.0),
            score: response.score.value(),
            category,
            comment: response.comment.clone(),
            created_at: response.created_at.to_string(),
            channel: response.channel.clone(),
            attributes: if anonymous {
                BTreeMap::new()
            } else {
                response
                    .attributes
                    .iter()
                    .map(|(name, value)| (name.clone(), attribute_json(Some(value))))
                    .collect()
            },
            tags: extras.tags,
            themes: extras.themes,
            sentiment: comment_sentiment(response).map(SentimentJson::from),
        }
    }
}

/// A page of responses, latest answer first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct ResponsePage {
    /// The responses.
    pub data: Vec<ResponseJson>,
    /// Pass as `cursor` to get the next page; null on the last page.
    pub next_cursor: Option<String>,
}

/// The response routes.
pub(crate) fn routes(routes: Routes) -> Routes {
    routes
        .add::<post::__path_create_response, _, _>(post::create_response)
        .add::<get::__path_get_response, _, _>(get::get_response)
        .add::<get::__path_list_responses, _, _>(get::list_responses)
        .add::<history::__path_response_history, _, _>(history::response_history)
        .add::<history::__path_set_tags, _, _>(history::set_tags)
        .add::<replies::__path_create_reply, _, _>(replies::create_reply)
}

/// The 403 for reading eNPS answers one by one.
pub(crate) fn anonymous_answers() -> vouch_web::error::ApiError {
    vouch_web::error::ApiError::Forbidden(
        "answers to eNPS surveys are anonymous: they are only shown in aggregate, by the \
         survey's report"
            .into(),
    )
}
