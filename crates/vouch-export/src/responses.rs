//! `vouch export responses` and `GET /api/v1/surveys/{id}/export`: a survey's answers read
//! from the store a page at a time in id order, each page turned into rows.
//!
//! Without an attribute, text, tag or theme filter, nothing is held but the page being
//! written: the time range and `since` are tested on each answer as it is read. A filter of
//! those kinds is answered by the analytics index (the selection a report with the same
//! filters counts), built for the one survey; so is an eNPS survey, whose answers go out only
//! as `vouch_analytics::disclosure` cuts them.

use std::collections::HashMap;

use jiff::Timestamp;
use rayon::prelude::*;
use vouch_analytics::disclosure::{ShownAnswer, Verdict, Withheld};
use vouch_analytics::selection::RowFilter;
use vouch_analytics::sentiment::comment_sentiment;
use vouch_analytics::themes::ThemeSet;
use vouch_analytics::{FollowUp, Query, ResponseIndex, sync};
use vouch_store::{
    AttributeDefinition, ContactId, ResponseId, Store, StoredResponse, Survey, WorkspaceId,
};

use crate::table::{Cell, Column, ColumnType, attribute_column_name};
use crate::{ExportError, ExportResult};

/// Answers read from the store per page (and so the most rows held at once).
pub const PAGE_ROWS: usize = 10_000;

/// What to export of a survey: the report's selection, checked by the caller with the
/// report's own parsing, and `since`.
#[derive(Debug, Default)]
pub struct Selection {
    /// The report's query (its survey list is replaced by the exported survey).
    pub query: Query,
    /// Tag and theme filters.
    pub rows: RowFilter,
    /// Only answers given at or after this instant (with `query.from`, the later of both).
    pub since: Option<Timestamp>,
    /// Only these answers, chosen already on a live index by a view with filters of its own
    /// (the inbox's status and assignee); `query` and `rows` then select nothing more. Never
    /// for an eNPS survey, whose exports follow the disclosure rules of the whole survey.
    pub chosen: Option<Vec<ResponseId>>,
}

/// How answers are chosen and cut.
enum Plan {
    /// Every answer of the survey in the time range, whole.
    Stream,
    /// These answers (sorted ids), whole or cut as `verdict` says, on `index` (`None`: whole).
    Chosen {
        ids: Vec<ResponseId>,
        index: Option<Box<ResponseIndex>>,
        verdict: Verdict,
    },
}

/// A planned export of one survey's answers; read it with [`ResponseExport::next_page`].
pub struct ResponseExport {
    workspace: WorkspaceId,
    survey: Survey,
    attributes: Vec<AttributeDefinition>,
    columns: Vec<Column>,
    themes: ThemeSet,
    from: Option<Timestamp>,
    to: Option<Timestamp>,
    plan: Plan,
    /// The last id read from the store.
    after: ResponseId,
    /// Position in `Plan::Chosen::ids` of the next id to find.
    next_chosen: usize,
    done: bool,
}

/// The columns every response export starts with.
fn fixed_columns(anonymous: bool) -> Vec<Column> {
    let mut columns = vec![
        Column::new("id", ColumnType::Int),
        Column::new("survey", ColumnType::Text),
        Column::new("created_at", ColumnType::Timestamp),
        Column::new("score", ColumnType::Small),
        Column::new("category", ColumnType::Text),
        Column::new("comment", ColumnType::Text),
    ];
    if !anonymous {
        columns.push(Column::new("channel", ColumnType::Text));
        columns.push(Column::new("external_id", ColumnType::Text));
        columns.push(Column::new("email", ColumnType::Text));
    }
    columns.extend([
        Column::new("tags", ColumnType::TextList),
        Column::new("themes", ColumnType::Themes),
        Column::new("sentiment", ColumnType::Text),
        Column::new("sentiment_score", ColumnType::Float),
    ]);
    columns
}

impl ResponseExport {
    /// Plans the export of `survey`'s answers selected by `selection`. An eNPS survey is
    /// exported only as a whole (a time range at most) and only from
    /// `vouch_core::ANONYMITY_MIN_RESPONSES` answers, as the disclosure rules list them.
    pub async fn prepare(
        store: &dyn Store,
        workspace: WorkspaceId,
        survey: Survey,
        selection: Selection,
        time_zone: jiff::tz::TimeZone,
    ) -> ExportResult<ResponseExport> {
        let anonymous = survey.kind.is_anonymous();
        let mut query = selection.query;
        query.surveys = vec![survey.id];
        query.from = match (query.from, selection.since) {
            (Some(a), Some(b)) => Some(a.max(b)),
            (a, b) => a.or(b),
        };
        let narrowed = !query.filters.is_empty()
            || query.text.is_some()
            || query.scores.is_some()
            || selection.rows.is_active();
        let plan = if let Some(mut ids) = selection.chosen {
            if anonymous {
                return Err(ExportError::invalid(
                    "survey",
                    "an eNPS survey's answers are exported whole, by vouch export, not from a \
                     filtered list",
                ));
            }
            ids.sort_unstable();
            ids.dedup();
            Plan::Chosen {
                ids,
                index: None,
                verdict: Verdict::Open,
            }
        } else if anonymous || narrowed {
            let mut index = ResponseIndex::new(time_zone);
            sync::catch_up(store, workspace, Some(survey.id), &mut index).await?;
            query.rows = selection.rows.rows(&index);
            let plan = index
                .plan(&query)
                .map_err(|error| ExportError::invalid("text", error.to_string()))?;
            let verdict = match index.verdict(survey.id, &query, &FollowUp::Any) {
                Some(Verdict::Withheld(why)) => return Err(withheld(why)),
                Some(verdict) => verdict,
                None if anonymous => return Err(withheld(Withheld::TooFew)),
                None => Verdict::Open,
            };
            let ids = index.selected_ids(&plan);
            Plan::Chosen {
                ids,
                index: Some(Box::new(index)),
                verdict,
            }
        } else {
            Plan::Stream
        };
        let attributes = match anonymous {
            true => Vec::new(),
            false => store.attribute_definitions(workspace).await?,
        };
        let mut columns = fixed_columns(anonymous);
        let fixed = columns.clone();
        columns.extend(attributes.iter().map(|definition| {
            Column::new(
                attribute_column_name(&definition.name, &fixed),
                ColumnType::of_attribute(definition.kind),
            )
        }));
        Ok(ResponseExport {
            workspace,
            themes: ThemeSet::load(store, workspace, Some(survey.id)).await?,
            survey,
            attributes,
            columns,
            from: query.from,
            to: query.to,
            plan,
            after: ResponseId(0),
            next_chosen: 0,
            done: false,
        })
    }

    /// The columns, in order.
    pub fn columns(&self) -> &[Column] {
        &self.columns
    }

    /// The next page of rows (at most [`PAGE_ROWS`] answers read); `None` once all are out.
    pub async fn next_page(&mut self, store: &dyn Store) -> ExportResult<Option<Vec<Vec<Cell>>>> {
        while !self.done {
            let page = store
                .responses_after(self.workspace, self.after, Some(self.survey.id), PAGE_ROWS)
                .await?;
            self.done = page.len() < PAGE_ROWS;
            let Some(last) = page.last() else { break };
            self.after = last.id;
            let kept = self.keep(page);
            if !kept.is_empty() {
                return Ok(Some(self.rows(store, kept).await?));
            }
        }
        Ok(None)
    }

    /// The answers of a page the plan keeps, cut as they may show.
    fn keep(&mut self, page: Vec<StoredResponse>) -> Vec<(ShownAnswer, StoredResponseExtras)> {
        let (from, to) = (self.from, self.to);
        let in_range = |response: &StoredResponse| {
            from.is_none_or(|from| response.created_at >= from)
                && to.is_none_or(|to| response.created_at < to)
        };
        match &self.plan {
            Plan::Stream => page
                .into_iter()
                .filter(in_range)
                .map(|response| {
                    // Its sentiment is computed with the row, in parallel.
                    let extras = StoredResponseExtras {
                        contact: response.contact,
                        sentiment: None,
                    };
                    (ShownAnswer::Open(response), extras)
                })
                .collect(),
            Plan::Chosen {
                ids,
                index,
                verdict,
            } => {
                let mut kept = Vec::new();
                for response in page {
                    while self.next_chosen < ids.len() && ids[self.next_chosen] < response.id {
                        self.next_chosen += 1;
                    }
                    if ids.get(self.next_chosen) != Some(&response.id) {
                        continue;
                    }
                    let extras = match index {
                        Some(_) => StoredResponseExtras::of(&response),
                        None => StoredResponseExtras {
                            contact: response.contact,
                            sentiment: None,
                        },
                    };
                    let shown = match index {
                        Some(index) => index.cut_for_export(response, *verdict),
                        None => Some(ShownAnswer::Open(response)),
                    };
                    if let Some(shown) = shown {
                        kept.push((shown, extras));
                    }
                }
                kept
            }
        }
    }
}

/// The refusal of an eNPS export.
fn withheld(why: Withheld) -> ExportError {
    match why {
        Withheld::TooFew => ExportError::invalid(
            "survey",
            format!(
                "an eNPS survey's answers are exported only from {} answers, to keep them \
                 anonymous",
                vouch_core::ANONYMITY_MIN_RESPONSES
            ),
        ),
        Withheld::Narrowed => ExportError::invalid(
            "where",
            "an eNPS survey's answers are exported whole or by time range only: a filter \
             could single someone out",
        ),
    }
}

/// What a row needs of the stored answer before it is cut: the contact and, for an answer that
/// is cut, the sentiment (computed from the whole answer, with its language attribute; an
/// answer shown whole has it computed with its row).
struct StoredResponseExtras {
    contact: ContactId,
    sentiment: Option<(&'static str, f64)>,
}

impl StoredResponseExtras {
    fn of(response: &StoredResponse) -> StoredResponseExtras {
        StoredResponseExtras {
            contact: response.contact,
            sentiment: sentiment(response),
        }
    }
}

impl ResponseExport {
    /// The rows of kept answers, with their contacts' keys and tags read from the store.
    async fn rows(
        &self,
        store: &dyn Store,
        kept: Vec<(ShownAnswer, StoredResponseExtras)>,
    ) -> ExportResult<Vec<Vec<Cell>>> {
        let ids: Vec<ResponseId> = kept.iter().map(|(shown, _)| shown.id()).collect();
        let tags: HashMap<ResponseId, Vec<String>> = store
            .workflows(self.workspace, &ids)
            .await?
            .into_iter()
            .map(|workflow| (workflow.response, workflow.tags))
            .collect();
        let mut contact_ids: Vec<ContactId> = kept
            .iter()
            .filter(|(shown, _)| matches!(shown, ShownAnswer::Open(_)))
            .map(|(_, extras)| extras.contact)
            .collect();
        contact_ids.sort_unstable();
        contact_ids.dedup();
        let contacts: HashMap<ContactId, (Option<String>, Option<String>)> = store
            .contacts_by_ids(self.workspace, &contact_ids)
            .await?
            .into_iter()
            .map(|contact| (contact.id, (contact.external_id, contact.email)))
            .collect();
        Ok(kept
            .into_par_iter()
            .map(|(shown, extras)| {
                let tags = tags.get(&shown.id()).cloned().unwrap_or_default();
                let keys = contacts.get(&extras.contact);
                self.row(shown, extras, tags, keys)
            })
            .collect())
    }

    /// One answer's row.
    fn row(
        &self,
        shown: ShownAnswer,
        extras: StoredResponseExtras,
        tags: Vec<String>,
        keys: Option<&(Option<String>, Option<String>)>,
    ) -> Vec<Cell> {
        let mut row = Vec::with_capacity(self.columns.len());
        row.push(Cell::Int(shown.id().0));
        row.push(Cell::Text(self.survey.name.clone()));
        let score = shown.score();
        let (created_at, comment, open) = match shown {
            ShownAnswer::Open(response) => (
                Some(response.created_at),
                response.comment.clone(),
                Some(response),
            ),
            ShownAnswer::Anonymous(answer) => (
                answer.when.first_day().and_then(|day| {
                    day.to_zoned(jiff::tz::TimeZone::UTC)
                        .ok()
                        .map(|zoned| zoned.timestamp())
                }),
                answer.comment,
                None,
            ),
        };
        row.push(created_at.map_or(Cell::Null, Cell::Timestamp));
        row.push(Cell::Int(i64::from(score.value())));
        row.push(Cell::Text(category(score).to_owned()));
        // An anonymous answer whose comment may not show shows nothing derived from it either.
        let shows_comment = comment.is_some();
        let themes = comment
            .as_deref()
            .map(|comment| self.themes.of_comment(self.survey.id, comment))
            .unwrap_or_default()
            .into_iter()
            .map(|theme| (theme.id.0.to_string(), theme.label.clone()))
            .collect();
        row.push(Cell::text(comment));
        if let Some(response) = &open {
            let (external_id, email) = keys.cloned().unwrap_or_default();
            row.push(Cell::Text(response.channel.clone()));
            row.push(Cell::text(external_id));
            row.push(Cell::text(email));
        }
        let sentiment = match &open {
            Some(response) => sentiment(response),
            None => extras.sentiment.filter(|_| shows_comment),
        };
        row.push(Cell::TextList(match open.is_some() || shows_comment {
            true => tags,
            false => Vec::new(),
        }));
        row.push(Cell::Themes(themes));
        row.push(sentiment.map_or(Cell::Null, |(label, _)| Cell::Text(label.to_owned())));
        row.push(sentiment.map_or(Cell::Null, |(_, score)| Cell::Float(score)));
        if let Some(response) = &open {
            for (definition, column) in self.attributes.iter().zip(&self.columns[row.len()..]) {
                row.push(Cell::of_attribute(
                    response.attributes.get(&definition.name),
                    column.kind,
                ));
            }
        }
        row
    }
}

/// A response's sentiment label and score; `None` without a comment.
fn sentiment(response: &StoredResponse) -> Option<(&'static str, f64)> {
    comment_sentiment(response).map(|sentiment| {
        // The score as the API prints it (an f32's shortest digits), not widened.
        let score = sentiment.score.to_string().parse().unwrap_or(0.0);
        (sentiment.label.as_str(), score)
    })
}

/// The category's name, as the API writes it.
fn category(score: vouch_core::Score) -> &'static str {
    match score.category() {
        vouch_core::Category::Promoter => "promoter",
        vouch_core::Category::Passive => "passive",
        vouch_core::Category::Detractor => "detractor",
    }
}
