//! The latest comments of a selection: newest first from the index, read from the store a
//! page at a time until enough of them have a comment.

use jiff::tz::TimeZone;
use vouch_analytics::Query;
use vouch_analytics::live::LiveIndex;
use vouch_store::{ResponseId, Store, StoredResponse, WorkspaceId};

use super::view::{ScoreChip, iso_date, month};
use crate::layout::DashboardError;

/// How many responses each round reads: most answers of a busy survey carry a comment, a
/// quiet one may need a few rounds.
const ROUNDS: [usize; 3] = [30, 150, 600];

/// A tag, linking to the inbox filtered on it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct TagLink {
    /// The tag.
    pub(crate) name: String,
    /// The inbox with only this tag.
    pub(crate) href: String,
}

/// One comment as the overview lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct CommentView {
    /// The score.
    pub(crate) chip: ScoreChip,
    /// The comment.
    pub(crate) text: String,
    /// The contact's email or external id, or "anonymous" (eNPS).
    pub(crate) who: String,
    /// True for eNPS answers: `who` is "anonymous".
    pub(crate) anonymous: bool,
    /// When: a date (NPS) or a month (eNPS).
    pub(crate) when: String,
    /// The date, for `<time datetime>` (empty for eNPS).
    pub(crate) when_iso: String,
    /// The response's tags, each linking to the inbox filtered on it.
    pub(crate) tags: Vec<TagLink>,
    /// The response in the inbox.
    pub(crate) href: String,
}

/// Up to `wanted` responses of the query's selection that have a comment, newest first.
pub(crate) async fn with_comments(
    store: &dyn Store,
    workspace: WorkspaceId,
    live: &LiveIndex,
    query: &Query,
    wanted: usize,
) -> Result<Vec<StoredResponse>, DashboardError> {
    let mut found = Vec::new();
    let mut before: Option<ResponseId> = None;
    for batch in ROUNDS {
        let ids = {
            let index = live.read();
            let Ok(plan) = index.plan(query) else {
                return Ok(found);
            };
            index.newest_ids(&plan, before, batch)
        };
        let read = ids.len();
        before = ids.last().copied();
        for response in store.responses_by_ids(workspace, &ids).await? {
            if response
                .comment
                .as_deref()
                .is_some_and(|c| !c.trim().is_empty())
            {
                found.push(response);
                if found.len() == wanted {
                    return Ok(found);
                }
            }
        }
        if read < batch {
            break;
        }
    }
    Ok(found)
}

/// The comments as the overview shows them: who answered (never for eNPS), when, tags.
pub(crate) async fn comment_views(
    store: &dyn Store,
    workspace: WorkspaceId,
    responses: Vec<StoredResponse>,
    anonymous: bool,
    zone: &TimeZone,
) -> Result<Vec<CommentView>, DashboardError> {
    let ids: Vec<ResponseId> = responses.iter().map(|r| r.id).collect();
    let workflows = match store.workflows(workspace, &ids).await {
        Ok(workflows) => workflows,
        Err(error) => {
            // Tags are a nicety here: the comments still show without them.
            tracing::warn!(%error, "reading the follow-up of comments failed");
            Vec::new()
        }
    };
    let mut views = Vec::with_capacity(responses.len());
    for response in responses {
        let tags = workflows
            .iter()
            .find(|workflow| workflow.response == response.id)
            .map(|workflow| {
                workflow
                    .tags
                    .iter()
                    .map(|tag| TagLink {
                        name: tag.clone(),
                        href: super::filters::with_query(
                            "/app/inbox",
                            &[
                                ("survey".to_owned(), response.survey.0.to_string()),
                                ("tag".to_owned(), tag.clone()),
                            ],
                        ),
                    })
                    .collect()
            })
            .unwrap_or_default();
        let (who, when, when_iso) = if anonymous {
            (
                "anonymous".to_owned(),
                month(response.created_at, zone),
                String::new(),
            )
        } else {
            let contact = store.contact_by_id(workspace, response.contact).await?;
            let who = contact
                .and_then(|contact| contact.email.or(contact.external_id))
                .unwrap_or_else(|| "unknown contact".to_owned());
            let date = iso_date(response.created_at, zone);
            (who, super::view::date_time(response.created_at, zone), date)
        };
        views.push(CommentView {
            chip: ScoreChip::new(response.score),
            text: response.comment.unwrap_or_default(),
            who,
            anonymous,
            when,
            when_iso,
            tags,
            href: format!("/app/inbox/{}", response.id.0),
        });
    }
    Ok(views)
}
