//! Themes found automatically in a survey's comments: rows and the store area.
//!
//! Only the themes are kept (label and keywords); which responses belong to one follows from
//! the keywords (`vouch_insight::themes`), so new comments belong at once and nothing per
//! response is written. A theme found again by a later run keeps its id.

use async_trait::async_trait;
use jiff::Timestamp;

use crate::{StoreResult, SurveyId, WorkspaceId};

/// Identifies a theme.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ThemeId(pub i64);

/// One keyword of a theme: a stem in a language, and the word shown for it.
#[derive(Debug, Clone, PartialEq)]
pub struct ThemeKeywordRow {
    /// The language's code (`en`, `fr`, `de`, `es`).
    pub lang: String,
    /// The stem words are matched by.
    pub stem: String,
    /// The commonest word with that stem, for people to read.
    pub word: String,
    /// How much it counts towards a comment's theme.
    pub weight: f32,
}

/// A theme of a survey.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredTheme {
    /// Its id, the same from one run to the next.
    pub id: ThemeId,
    /// The survey whose comments it was found in.
    pub survey: SurveyId,
    /// Its readable label.
    pub label: String,
    /// Its keywords, strongest first.
    pub keywords: Vec<ThemeKeywordRow>,
    /// When it was first found.
    pub created_at: Timestamp,
    /// When a run last found it.
    pub updated_at: Timestamp,
}

/// A theme a run found: new, or continuing one already kept.
#[derive(Debug, Clone, PartialEq)]
pub struct FoundTheme {
    /// The kept theme it continues (keeping its id), if any.
    pub continues: Option<ThemeId>,
    /// Its label.
    pub label: String,
    /// Its keywords.
    pub keywords: Vec<ThemeKeywordRow>,
}

/// When themes were last found in a survey, and from how many comments.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ThemeRun {
    /// When the run finished.
    pub at: Timestamp,
    /// How many comments it read.
    pub comments: u64,
}

/// Themes kept per survey.
#[async_trait]
pub trait ThemeStore: Send + Sync {
    /// The current themes of the workspace, or of one survey, by id.
    async fn themes(
        &self,
        workspace: WorkspaceId,
        survey: Option<SurveyId>,
    ) -> StoreResult<Vec<StoredTheme>>;

    /// Replaces a survey's themes with a run's, in one transaction: a theme that continues a
    /// kept one keeps its id, new ones get new ids, kept ones not found again are retired.
    /// `NotFound` for a survey of another workspace or a `continues` not among its themes.
    async fn replace_themes(
        &self,
        workspace: WorkspaceId,
        survey: SurveyId,
        found: &[FoundTheme],
        comments: u64,
        at: Timestamp,
    ) -> StoreResult<Vec<StoredTheme>>;

    /// The survey's last run, if themes were ever found in it.
    async fn theme_run(
        &self,
        workspace: WorkspaceId,
        survey: SurveyId,
    ) -> StoreResult<Option<ThemeRun>>;
}
