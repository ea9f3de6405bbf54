//! What may be shown of individual answers, with the method's anonymity rules applied: the
//! pages and the API obtain answers only through here (figures come from
//! [`crate::report::build_report`]).
//!
//! An answer to a customer (NPS) survey is shown whole. An answer to an anonymous (eNPS)
//! survey is shown as an [`AnonymousAnswer`]: no contact, no attribute, no channel, and
//!
//! - a selection of fewer than [`ANONYMITY_MIN_RESPONSES`] answers lists nothing;
//! - its comments show only from [`ANONYMITY_MIN_COMMENTS`] answers;
//! - answers are listed for the whole survey or a time range of it, never narrowed by an
//!   attribute or a channel: an answer's comment and id would match it across two listings,
//!   so "department = Legal" beside "April" would single out the one Legal answer of April;
//! - dates are only as fine as every period of the selection holds
//!   [`ANONYMITY_MIN_RESPONSES`] answers: by month, else by quarter, else by year, else none.
//!
//! A [`Listing`] is planned on the index (under its read lock) and read from the store
//! afterwards; it carries the rules of each survey it lists, so what it reads is already cut.

use std::collections::HashMap;

use jiff::civil::Date;
use vouch_core::period::date_of_day;
use vouch_core::{ANONYMITY_MIN_COMMENTS, ANONYMITY_MIN_RESPONSES, Score};
use vouch_store::{
    ContactId, ResponseId, Store, StoreResult, StoredResponse, SurveyId, WorkspaceId,
};

use crate::follow_up::{self, FollowUp};
use crate::index::ResponseIndex;
use crate::listing::ListPosition;
use crate::live::LiveIndex;
use crate::query::{Query, QueryError};

/// How finely an anonymous answer's date may be shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum DatePrecision {
    /// The month it was given in.
    Month,
    /// The quarter.
    Quarter,
    /// The year.
    Year,
    /// No date at all.
    Withheld,
}

/// What a listing of one anonymous survey's answers may show.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AnonymousRules {
    /// Whether comments show (the selection holds enough answers).
    pub comments: bool,
    /// How finely dates show.
    pub dates: DatePrecision,
}

/// Why the answers of an anonymous survey are not listed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Withheld {
    /// The selection holds answers, but fewer than [`ANONYMITY_MIN_RESPONSES`].
    TooFew,
    /// The selection is narrowed by an attribute or a channel.
    Narrowed,
}

/// What may be listed of one survey's answers in a selection.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// A customer survey: every answer whole.
    Open,
    /// An anonymous survey whose answers may be listed under these rules.
    Anonymous(AnonymousRules),
    /// An anonymous survey whose answers may not be listed here.
    Withheld(Withheld),
}

/// When an anonymous answer was given, as finely as its listing allows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ShownDate {
    /// The first day of its month.
    Month(Date),
    /// Its year and quarter (1–4).
    Quarter(i16, i8),
    /// Its year.
    Year(i16),
    /// Not shown.
    Withheld,
}

impl ShownDate {
    /// The date of `day` (a day number of the index) at `precision`.
    fn of_day(day: i32, precision: DatePrecision) -> ShownDate {
        let date = date_of_day(day);
        match precision {
            DatePrecision::Month => ShownDate::Month(date.first_of_month()),
            DatePrecision::Quarter => ShownDate::Quarter(date.year(), (date.month() - 1) / 3 + 1),
            DatePrecision::Year => ShownDate::Year(date.year()),
            DatePrecision::Withheld => ShownDate::Withheld,
        }
    }
}

impl std::fmt::Display for ShownDate {
    /// "March 2026", "Q1 2026", "2026", or nothing.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ShownDate::Month(date) => write!(f, "{}", date.strftime("%B %Y")),
            ShownDate::Quarter(year, quarter) => write!(f, "Q{quarter} {year}"),
            ShownDate::Year(year) => write!(f, "{year}"),
            ShownDate::Withheld => Ok(()),
        }
    }
}

/// An answer to an anonymous survey, cut to what may be shown: nothing that says who gave it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AnonymousAnswer {
    /// Its id (for its page and its follow-up).
    pub id: ResponseId,
    /// The survey answered.
    pub survey: SurveyId,
    /// The score.
    pub score: Score,
    /// The comment, when there is one and comments may show.
    pub comment: Option<String>,
    /// True when the answer has a comment that may not show.
    pub comment_withheld: bool,
    /// When, as finely as allowed.
    pub when: ShownDate,
}

/// One answer as it may be shown.
#[derive(Debug, Clone, PartialEq)]
pub enum ShownAnswer {
    /// An answer to a customer survey, whole.
    Open(StoredResponse),
    /// An answer to an anonymous survey.
    Anonymous(AnonymousAnswer),
}

impl ShownAnswer {
    /// Its id.
    pub fn id(&self) -> ResponseId {
        match self {
            ShownAnswer::Open(response) => response.id,
            ShownAnswer::Anonymous(answer) => answer.id,
        }
    }

    /// The survey answered.
    pub fn survey(&self) -> SurveyId {
        match self {
            ShownAnswer::Open(response) => response.survey,
            ShownAnswer::Anonymous(answer) => answer.survey,
        }
    }

    /// The score.
    pub fn score(&self) -> Score {
        match self {
            ShownAnswer::Open(response) => response.score,
            ShownAnswer::Anonymous(answer) => answer.score,
        }
    }

    /// The comment, when there is one that may show.
    pub fn comment(&self) -> Option<&str> {
        match self {
            ShownAnswer::Open(response) => response.comment.as_deref(),
            ShownAnswer::Anonymous(answer) => answer.comment.as_deref(),
        }
    }

    /// Cuts a stored answer to what `verdict` lets show; `None` when it may not show at all.
    fn cut(response: StoredResponse, verdict: Verdict, index_day: i32) -> Option<ShownAnswer> {
        match verdict {
            Verdict::Open => Some(ShownAnswer::Open(response)),
            Verdict::Withheld(_) => None,
            Verdict::Anonymous(rules) => {
                let has_comment = response
                    .comment
                    .as_deref()
                    .is_some_and(|comment| !comment.trim().is_empty());
                Some(ShownAnswer::Anonymous(AnonymousAnswer {
                    id: response.id,
                    survey: response.survey,
                    score: response.score,
                    comment: response.comment.filter(|_| rules.comments),
                    comment_withheld: has_comment && !rules.comments,
                    when: ShownDate::of_day(index_day, rules.dates),
                }))
            }
        }
    }
}

impl ResponseIndex {
    /// What may be listed of `survey`'s answers among those `query` selects and `follow_up`
    /// allows (the query's own survey list is replaced by `survey`). `None` when the selection
    /// holds none of its answers.
    pub fn verdict(
        &self,
        survey: SurveyId,
        query: &Query,
        follow_up: &FollowUp,
    ) -> Option<Verdict> {
        let one = Query {
            surveys: vec![survey],
            ..query.clone()
        };
        let plan = self.plan(&one).ok()?;
        if !self.is_anonymous(survey) {
            return Some(Verdict::Open);
        }
        let rows = follow_up::rows(self, &plan, follow_up);
        let answers = rows.len() as u64;
        if answers == 0 {
            return None;
        }
        if answers < ANONYMITY_MIN_RESPONSES {
            return Some(Verdict::Withheld(Withheld::TooFew));
        }
        if !query.filters.is_empty() || !query.channels.is_empty() {
            return Some(Verdict::Withheld(Withheld::Narrowed));
        }
        let days: Vec<i32> = rows.iter().map(|&row| self.days[row]).collect();
        Some(Verdict::Anonymous(AnonymousRules {
            comments: answers >= ANONYMITY_MIN_COMMENTS,
            dates: finest_precision(&days),
        }))
    }

    /// The day number of a response's row, if the index holds it.
    pub(crate) fn day_of(&self, id: ResponseId) -> Option<i32> {
        self.row_of(id).map(|row| self.days[row])
    }

    /// Plans one page of the answers `query` selects and `follow_up` allows, latest answer
    /// first, below `before`, with every survey's [`Verdict`] applied: surveys whose answers
    /// may not be listed are left out of the page and named in [`Listing::withheld`].
    pub fn listing(
        &self,
        query: &Query,
        follow_up: &FollowUp,
        before: Option<ListPosition>,
        limit: usize,
    ) -> Result<Listing, QueryError> {
        let (verdicts, withheld) = self.verdicts(query, follow_up)?;
        let listed: Vec<SurveyId> = verdicts.keys().copied().collect();
        let (mut positions, total) = if listed.is_empty() {
            (Vec::new(), 0)
        } else {
            let plan = self.plan(&Query {
                surveys: listed,
                ..query.clone()
            })?;
            let positions =
                follow_up::page(self, &plan, follow_up, before, limit.saturating_add(1));
            (positions, follow_up::count(self, &plan, follow_up))
        };
        let more = positions.len() > limit;
        positions.truncate(limit);
        let ids: Vec<ResponseId> = positions.iter().map(|position| position.id).collect();
        let days = ids
            .iter()
            .filter_map(|id| Some((*id, self.day_of(*id)?)))
            .collect();
        Ok(Listing {
            ids,
            days,
            verdicts,
            withheld,
            next: positions.last().copied().filter(|_| more),
            total,
        })
    }
}

impl ResponseIndex {
    /// A stored answer as an export may carry it under `verdict` (from [`ResponseIndex::verdict`]
    /// over the exported selection): whole for a customer survey; for an anonymous one cut as a
    /// listing cuts it (no contact, attribute or channel, the comment only from
    /// [`ANONYMITY_MIN_COMMENTS`] answers, the date coarsened). `None` when it may not show, or
    /// when the index does not hold an anonymous answer.
    pub fn cut_for_export(
        &self,
        response: StoredResponse,
        verdict: Verdict,
    ) -> Option<ShownAnswer> {
        if verdict == Verdict::Open {
            return Some(ShownAnswer::Open(response));
        }
        let day = self.day_of(response.id)?;
        ShownAnswer::cut(response, verdict, day)
    }
}

impl ShownDate {
    /// The first day of the period shown (a month, a quarter, a year); `None` when withheld.
    pub fn first_day(&self) -> Option<Date> {
        match *self {
            ShownDate::Month(date) => Some(date),
            ShownDate::Quarter(year, quarter) => Date::new(year, (quarter - 1) * 3 + 1, 1).ok(),
            ShownDate::Year(year) => Date::new(year, 1, 1).ok(),
            ShownDate::Withheld => None,
        }
    }
}

/// The surveys a listing may show with their verdicts, and those withheld with why.
type Verdicts = (HashMap<SurveyId, Verdict>, Vec<(SurveyId, Withheld)>);

impl ResponseIndex {
    /// Each survey's verdict in the selection: those that may be listed, and those withheld
    /// with why. Fails on a query that cannot run (e.g. a text filter of two words).
    pub(crate) fn verdicts(
        &self,
        query: &Query,
        follow_up: &FollowUp,
    ) -> Result<Verdicts, QueryError> {
        self.plan(query)?;
        let mut surveys = if query.surveys.is_empty() {
            self.survey_ids()
        } else {
            query.surveys.clone()
        };
        surveys.sort_unstable();
        surveys.dedup();
        let mut verdicts = HashMap::new();
        let mut withheld = Vec::new();
        for survey in surveys {
            match self.verdict(survey, query, follow_up) {
                Some(Verdict::Withheld(why)) => withheld.push((survey, why)),
                Some(verdict) => {
                    verdicts.insert(survey, verdict);
                }
                None => {}
            }
        }
        Ok((verdicts, withheld))
    }

    /// The answers listed right before and right after `at` in the listing `query` and
    /// `follow_up` make (latest first), under the same rules: `(newer, older)`.
    pub fn neighbours(
        &self,
        query: &Query,
        follow_up: &FollowUp,
        at: ListPosition,
    ) -> Result<(Option<ResponseId>, Option<ResponseId>), QueryError> {
        let (verdicts, _) = self.verdicts(query, follow_up)?;
        if verdicts.is_empty() {
            return Ok((None, None));
        }
        let plan = self.plan(&Query {
            surveys: verdicts.keys().copied().collect(),
            ..query.clone()
        })?;
        let newer = follow_up::above(self, &plan, follow_up, at).map(|p| p.id);
        let older = follow_up::page(self, &plan, follow_up, Some(at), 1)
            .first()
            .map(|p| p.id);
        Ok((newer, older))
    }
}

/// The finest precision at which every period holding one of `days` holds at least
/// [`ANONYMITY_MIN_RESPONSES`] of them.
fn finest_precision(days: &[i32]) -> DatePrecision {
    for precision in [
        DatePrecision::Month,
        DatePrecision::Quarter,
        DatePrecision::Year,
    ] {
        let mut counts: HashMap<ShownDate, u64> = HashMap::new();
        for &day in days {
            *counts.entry(ShownDate::of_day(day, precision)).or_default() += 1;
        }
        if counts
            .values()
            .all(|&count| count >= ANONYMITY_MIN_RESPONSES)
        {
            return precision;
        }
    }
    DatePrecision::Withheld
}

/// One planned page of answers, each survey's rules attached: read it from the store with
/// [`Listing::read`].
#[derive(Debug, Clone)]
pub struct Listing {
    ids: Vec<ResponseId>,
    days: HashMap<ResponseId, i32>,
    verdicts: HashMap<SurveyId, Verdict>,
    /// Surveys of the selection whose answers are left out, and why.
    pub withheld: Vec<(SurveyId, Withheld)>,
    /// Where the next (older) page starts, when there is one.
    pub next: Option<ListPosition>,
    /// How many answers the whole selection lists, over every page.
    pub total: u64,
}

impl Listing {
    /// A page of these answers (in this order) under these verdicts, planned on `index`.
    pub(crate) fn planned(
        index: &ResponseIndex,
        ids: Vec<ResponseId>,
        verdicts: HashMap<SurveyId, Verdict>,
        withheld: Vec<(SurveyId, Withheld)>,
        total: u64,
    ) -> Listing {
        let days = ids
            .iter()
            .filter_map(|id| Some((*id, index.day_of(*id)?)))
            .collect();
        Listing {
            ids,
            days,
            verdicts,
            withheld,
            next: None,
            total,
        }
    }

    /// The page's response ids, latest answer first.
    pub fn ids(&self) -> &[ResponseId] {
        &self.ids
    }

    /// The verdict the page applies to `survey`'s answers (`None`: none listed).
    pub fn verdict(&self, survey: SurveyId) -> Option<Verdict> {
        self.verdicts.get(&survey).copied()
    }

    /// Reads the page's answers from the store, newest first, each cut by its survey's rules.
    pub async fn read(
        &self,
        store: &dyn Store,
        workspace: WorkspaceId,
    ) -> StoreResult<Vec<ShownAnswer>> {
        if self.ids.is_empty() {
            return Ok(Vec::new());
        }
        let responses = store.responses_by_ids(workspace, &self.ids).await?;
        Ok(responses
            .into_iter()
            .filter_map(|response| {
                let verdict = self.verdict(response.survey)?;
                let day = self.days.get(&response.id).copied()?;
                ShownAnswer::cut(response, verdict, day)
            })
            .collect())
    }
}

/// An answer found by its id: its survey, and the answer as it may show on its own page.
#[derive(Debug, Clone, PartialEq)]
pub struct Found {
    /// Its id.
    pub id: ResponseId,
    /// The survey answered.
    pub survey: SurveyId,
    /// The answer, or why it may not show.
    pub answer: Result<ShownAnswer, Withheld>,
}

/// One answer as it may be shown on its own page (an anonymous one under the rules of its
/// whole survey's listing); `None` when there is no such answer.
pub async fn answer(
    store: &dyn Store,
    workspace: WorkspaceId,
    live: &LiveIndex,
    id: ResponseId,
) -> StoreResult<Option<Found>> {
    let Some(response) = store.response(workspace, id).await? else {
        return Ok(None);
    };
    let survey = response.survey;
    // The store says which surveys are anonymous, so that an answer the index has not caught
    // up with yet is never shown whole.
    let anonymous = store
        .survey(workspace, survey)
        .await?
        .is_none_or(|survey| survey.kind.is_anonymous());
    let answer = if anonymous {
        let found = {
            let index = live.read();
            let verdict = index
                .is_anonymous(survey)
                .then(|| index.verdict(survey, &Query::default(), &FollowUp::Any))
                .flatten();
            verdict.zip(index.day_of(id))
        };
        match found {
            Some((Verdict::Withheld(why), _)) => Err(why),
            Some((verdict, day)) => {
                ShownAnswer::cut(response, verdict, day).ok_or(Withheld::TooFew)
            }
            // Not in the index yet: it shows once the index has caught up, under its rules.
            None => Err(Withheld::TooFew),
        }
    } else {
        Ok(ShownAnswer::Open(response))
    };
    Ok(Some(Found { id, survey, answer }))
}

/// An answer as a reply to its author may use it.
#[derive(Debug, Clone, PartialEq)]
pub enum ForReply {
    /// An answer to a customer survey, whole: its author is written to, quoting it.
    Open(StoredResponse),
    /// An answer to an anonymous (eNPS) survey: its author is never written to, and nothing
    /// of it is read.
    Anonymous,
}

/// The answer `id` for a reply to the person who gave it; `None` when there is no such answer.
pub async fn answer_for_reply(
    store: &dyn Store,
    workspace: WorkspaceId,
    id: ResponseId,
) -> StoreResult<Option<ForReply>> {
    let Some(response) = store.response(workspace, id).await? else {
        return Ok(None);
    };
    let anonymous = store
        .survey(workspace, response.survey)
        .await?
        .is_none_or(|survey| survey.kind.is_anonymous());
    Ok(Some(if anonymous {
        ForReply::Anonymous
    } else {
        ForReply::Open(response)
    }))
}

/// The answer `id` whole when it answers a customer survey, for the team's own tools (a
/// webhook's data, an alert); `None` when there is no such answer or it is anonymous (eNPS):
/// an anonymous answer is never sent anywhere.
pub async fn customer_answer(
    store: &dyn Store,
    workspace: WorkspaceId,
    id: ResponseId,
) -> StoreResult<Option<StoredResponse>> {
    Ok(match answer_for_reply(store, workspace, id).await? {
        Some(ForReply::Open(response)) => Some(response),
        Some(ForReply::Anonymous) | None => None,
    })
}

/// A contact's answers to customer surveys, oldest first: answers to anonymous surveys are
/// never shown beside who gave them.
pub async fn contact_answers(
    store: &dyn Store,
    workspace: WorkspaceId,
    contact: ContactId,
) -> StoreResult<Vec<StoredResponse>> {
    let anonymous: Vec<SurveyId> = store
        .survey_list(workspace)
        .await?
        .into_iter()
        .filter(|survey| survey.kind.is_anonymous())
        .map(|survey| survey.id)
        .collect();
    let mut responses = store.contact_responses(workspace, contact).await?;
    responses.retain(|response| !anonymous.contains(&response.survey));
    Ok(responses)
}

#[cfg(test)]
#[path = "disclosure_tests.rs"]
mod tests;
