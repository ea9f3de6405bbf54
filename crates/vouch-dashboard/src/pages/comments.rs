//! The latest comments of a selection: newest first, listed through
//! `vouch_analytics::disclosure` (which applies the anonymity rules) a page at a time until
//! enough of them have a comment.

use jiff::tz::TimeZone;
use vouch_analytics::disclosure::{ShownAnswer, Verdict};
use vouch_analytics::live::LiveIndex;
use vouch_analytics::{FollowUp, ListPosition, Query};
use vouch_store::{ResponseId, Store, SurveyId, WorkspaceId};

use super::listing::who_answered;
use super::view::{ScoreChip, iso_date, shown_date};
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

/// Up to `wanted` answers of the query's selection whose comment may show, newest first,
/// and what the anonymity rules let list of the query's first survey.
pub(crate) async fn with_comments(
    store: &dyn Store,
    workspace: WorkspaceId,
    live: &LiveIndex,
    query: &Query,
    wanted: usize,
) -> Result<(Vec<ShownAnswer>, Option<Verdict>), DashboardError> {
    let mut found = Vec::new();
    let mut before: Option<ListPosition> = None;
    let mut verdict = None;
    for batch in ROUNDS {
        let listing = {
            let index = live.read();
            match index.listing(query, &FollowUp::Any, before, batch) {
                Ok(listing) => listing,
                Err(_) => return Ok((found, verdict)),
            }
        };
        if let Some(survey) = query.surveys.first() {
            verdict = listing.verdict(*survey).or_else(|| {
                let withheld = listing.withheld.iter().find(|(id, _)| id == survey);
                withheld.map(|(_, why)| Verdict::Withheld(*why))
            });
        }
        before = listing.next;
        for answer in listing.read(store, workspace).await? {
            if answer.comment().is_some_and(|c| !c.trim().is_empty()) {
                found.push(answer);
                if found.len() == wanted {
                    return Ok((found, verdict));
                }
            }
        }
        if before.is_none() {
            break;
        }
    }
    Ok((found, verdict))
}

/// Links to the inbox's answers of `survey` with each tag.
fn tag_links(tags: &[String], survey: SurveyId) -> Vec<TagLink> {
    tags.iter()
        .map(|tag| TagLink {
            name: tag.clone(),
            href: super::filters::with_query(
                "/app/inbox",
                &[
                    ("survey".to_owned(), survey.0.to_string()),
                    ("tag".to_owned(), tag.clone()),
                ],
            ),
        })
        .collect()
}

/// The comments as the overview shows them: who answered (never for eNPS), when, tags.
pub(crate) async fn comment_views(
    store: &dyn Store,
    workspace: WorkspaceId,
    answers: Vec<ShownAnswer>,
    zone: &TimeZone,
) -> Result<Vec<CommentView>, DashboardError> {
    let ids: Vec<ResponseId> = answers.iter().map(ShownAnswer::id).collect();
    let workflows = match store.workflows(workspace, &ids).await {
        Ok(workflows) => workflows,
        Err(error) => {
            // Tags are a nicety here: the comments still show without them.
            tracing::warn!(%error, "reading the follow-up of comments failed");
            Vec::new()
        }
    };
    let mut views = Vec::with_capacity(answers.len());
    for answer in answers {
        let (id, survey) = (answer.id(), answer.survey());
        let tags = workflows
            .iter()
            .find(|workflow| workflow.response == id)
            .map(|workflow| tag_links(&workflow.tags, survey))
            .unwrap_or_default();
        let view = match answer {
            ShownAnswer::Open(response) => {
                let who = who_answered(store, workspace, response.contact).await?;
                CommentView {
                    chip: ScoreChip::new(response.score),
                    text: response.comment.unwrap_or_default(),
                    who,
                    anonymous: false,
                    when: super::view::date_time(response.created_at, zone),
                    when_iso: iso_date(response.created_at, zone),
                    tags,
                    href: format!("/app/inbox/{}", id.0),
                }
            }
            ShownAnswer::Anonymous(answer) => CommentView {
                chip: ScoreChip::new(answer.score),
                text: answer.comment.unwrap_or_default(),
                who: "anonymous".to_owned(),
                anonymous: true,
                when: shown_date(answer.when),
                when_iso: String::new(),
                tags,
                href: format!("/app/inbox/{}", id.0),
            },
        };
        views.push(view);
    }
    Ok(views)
}

/// Why an eNPS selection's comments are not listed.
pub(crate) fn withheld_comments_note(why: vouch_analytics::disclosure::Withheld) -> String {
    match why {
        vouch_analytics::disclosure::Withheld::TooFew => format!(
            "Comments show from {} answers in the selection, to protect anonymity.",
            vouch_core::ANONYMITY_MIN_COMMENTS
        ),
        vouch_analytics::disclosure::Withheld::Narrowed => {
            "eNPS comments are listed for the whole survey or a period, never under an attribute \
             filter, to protect anonymity: a comment seen in two lists would single its author \
             out."
                .to_owned()
        }
    }
}
