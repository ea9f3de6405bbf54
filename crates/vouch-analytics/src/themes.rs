//! Themes at work on the index: which rows a survey's themes hold, and a response's themes.
//!
//! A theme is kept as its keywords (`vouch_store::StoredTheme`); a comment belongs to it when
//! one of its words matches a keyword (`vouch_insight::themes::ThemeMatcher`). So the rows of a
//! theme are the union of the index's posting lists of every word that matches: computed from
//! the vocabulary, never by reading comments, and new comments belong as soon as they are
//! indexed.

use roaring::RoaringBitmap;
use vouch_core::language::Language;
use vouch_insight::themes::{ThemeDefinition, ThemeKeyword, ThemeMatcher};
use vouch_store::{
    FoundTheme, Store, StoreResult, StoredTheme, SurveyId, ThemeId, ThemeKeywordRow, WorkspaceId,
};

use crate::index::ResponseIndex;

/// A set of stored themes with their matcher.
pub struct ThemeSet {
    themes: Vec<StoredTheme>,
    matcher: ThemeMatcher,
}

impl std::fmt::Debug for ThemeSet {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ThemeSet")
            .field("themes", &self.themes)
            .finish_non_exhaustive()
    }
}

impl ThemeSet {
    /// The themes' matcher, from their stored keywords.
    pub fn new(themes: Vec<StoredTheme>) -> ThemeSet {
        let definitions: Vec<ThemeDefinition> = themes.iter().map(definition).collect();
        ThemeSet {
            matcher: ThemeMatcher::new(&definitions),
            themes,
        }
    }

    /// The current themes of one survey, or of every survey of the workspace.
    pub async fn load(
        store: &dyn Store,
        workspace: WorkspaceId,
        survey: Option<SurveyId>,
    ) -> StoreResult<ThemeSet> {
        Ok(ThemeSet::new(store.themes(workspace, survey).await?))
    }

    /// The themes, by id.
    pub fn themes(&self) -> &[StoredTheme] {
        &self.themes
    }

    /// The theme of this id, if the set holds it.
    pub fn theme(&self, id: ThemeId) -> Option<&StoredTheme> {
        self.themes.iter().find(|theme| theme.id == id)
    }

    /// The themes a response of `survey` with this comment belongs to, best match first.
    pub fn of_comment(&self, survey: SurveyId, comment: &str) -> Vec<&StoredTheme> {
        self.matcher
            .themes_of(comment)
            .into_iter()
            .map(|(at, _)| &self.themes[at])
            .filter(|theme| theme.survey == survey)
            .collect()
    }

    /// The rows of the index each theme holds, in the order of [`ThemeSet::themes`]. Only rows
    /// of the theme's own survey count.
    pub fn rows(&self, index: &ResponseIndex) -> Vec<RoaringBitmap> {
        let mut rows = vec![RoaringBitmap::new(); self.themes.len()];
        for (word, holding) in index.word_rows() {
            for at in self.matcher.word_themes(word) {
                rows[at] |= holding;
            }
        }
        for (theme, rows) in self.themes.iter().zip(&mut rows) {
            *rows &= index.rows_of_survey(theme.survey);
        }
        rows
    }

    /// The rows of the index held by any of these themes; `Err` names the first id the set
    /// does not hold.
    pub fn rows_of_any(
        &self,
        index: &ResponseIndex,
        ids: &[ThemeId],
    ) -> Result<RoaringBitmap, ThemeId> {
        if let Some(missing) = ids.iter().find(|id| self.theme(**id).is_none()) {
            return Err(*missing);
        }
        let all = self.rows(index);
        Ok(self
            .themes
            .iter()
            .zip(all)
            .filter(|(theme, _)| ids.contains(&theme.id))
            .fold(RoaringBitmap::new(), |union, (_, rows)| union | rows))
    }
}

/// The insight crate's definition of a stored theme. A keyword in a language this version does
/// not know is dropped.
fn definition(theme: &StoredTheme) -> ThemeDefinition {
    ThemeDefinition {
        label: theme.label.clone(),
        keywords: theme
            .keywords
            .iter()
            .filter_map(|keyword| {
                Some(ThemeKeyword {
                    lang: Language::parse(&keyword.lang)?,
                    stem: keyword.stem.clone(),
                    word: keyword.word.clone(),
                    weight: keyword.weight,
                })
            })
            .collect(),
    }
}

/// A found theme as the store keeps it.
pub fn found_theme(definition: &ThemeDefinition, continues: Option<ThemeId>) -> FoundTheme {
    FoundTheme {
        continues,
        label: definition.label.clone(),
        keywords: definition
            .keywords
            .iter()
            .map(|keyword| ThemeKeywordRow {
                lang: keyword.lang.code().to_owned(),
                stem: keyword.stem.clone(),
                word: keyword.word.clone(),
                weight: keyword.weight,
            })
            .collect(),
    }
}

/// The stored themes as the insight crate's definitions (for reconciling a new run with them).
pub fn definitions(themes: &[StoredTheme]) -> Vec<ThemeDefinition> {
    themes.iter().map(definition).collect()
}

/// The most comments discovery reads from a survey: an even spread over all of them.
pub const DISCOVERY_SAMPLE: usize = 20_000;

/// Finds a survey's themes again from its comments and keeps them: a theme that continues one
/// already kept (by its keywords) keeps its id. Reads the survey's responses once, keeping an
/// even spread of at most [`DISCOVERY_SAMPLE`] comments; `comments` is how many the survey
/// holds (from its listing), which sets the spread.
pub async fn discover(
    store: &dyn Store,
    workspace: WorkspaceId,
    survey: SurveyId,
    comments: u64,
) -> StoreResult<Vec<StoredTheme>> {
    let every = (comments / DISCOVERY_SAMPLE as u64).max(1);
    let mut sample: Vec<String> = Vec::new();
    let (mut after, mut seen) = (vouch_store::ResponseId(0), 0u64);
    loop {
        let page = store
            .responses_after(workspace, after, Some(survey), crate::rules::PASS_PAGE)
            .await?;
        let Some(last) = page.last() else { break };
        after = last.id;
        for comment in page.into_iter().filter_map(|response| response.comment) {
            if seen.is_multiple_of(every) && sample.len() < DISCOVERY_SAMPLE {
                sample.push(comment);
            }
            seen += 1;
        }
    }
    let texts: Vec<&str> = sample.iter().map(String::as_str).collect();
    let found = vouch_insight::themes::discover(&texts, &Default::default());
    let kept = store.themes(workspace, Some(survey)).await?;
    let continued = vouch_insight::themes::reconcile(&definitions(&kept), &found);
    let found: Vec<FoundTheme> = found
        .iter()
        .zip(continued)
        .map(|(theme, previous)| found_theme(theme, previous.map(|at| kept[at].id)))
        .collect();
    store
        .replace_themes(workspace, survey, &found, seen, jiff::Timestamp::now())
        .await
}

/// Everything the themes report groups by: a survey's automatic themes and the workspace's
/// tags with their responses, read from the store.
#[derive(Debug)]
pub struct ThemeSources {
    /// The survey's automatic themes.
    pub set: ThemeSet,
    /// Each tag with the responses carrying it.
    pub tags: Vec<(String, Vec<vouch_store::ResponseId>)>,
}

impl ThemeSources {
    /// Reads a survey's themes and the workspace's tags.
    pub async fn load(
        store: &dyn Store,
        workspace: WorkspaceId,
        survey: SurveyId,
    ) -> StoreResult<ThemeSources> {
        let set = ThemeSet::load(store, workspace, Some(survey)).await?;
        let mut tags = Vec::new();
        for tag in store.tags(workspace).await? {
            let filter = vouch_store::WorkflowFilter {
                tag: Some(tag.name.clone()),
                ..Default::default()
            };
            let ids = store.workflow_response_ids(workspace, &filter).await?;
            tags.push((tag.name, ids));
        }
        Ok(ThemeSources { set, tags })
    }

    /// The report's entries over `index`: the automatic themes (`"12"`), then the tags
    /// (`"tag:billing"`).
    pub fn entries(&self, index: &ResponseIndex) -> Vec<crate::theme_report::ThemeEntry> {
        let automatic = self
            .set
            .themes
            .iter()
            .zip(self.set.rows(index))
            .map(|(theme, rows)| crate::theme_report::ThemeEntry {
                id: theme.id.0.to_string(),
                label: theme.label.clone(),
                keywords: theme.keywords.iter().map(|k| k.word.clone()).collect(),
                is_tag: false,
                rows,
            });
        let tags = self
            .tags
            .iter()
            .map(|(name, ids)| crate::theme_report::ThemeEntry {
                id: format!("{}{name}", crate::selection::TAG_THEME_PREFIX),
                label: name.clone(),
                keywords: Vec::new(),
                is_tag: true,
                rows: index.rows_of_ids(ids),
            });
        automatic.chain(tags).collect()
    }
}

/// The keyword rule that turns a theme into a tag: the theme's stems as prefixes (`factur*`
/// catches "facture", "factures", "facturation"), at most `vouch_core::text::MAX_TERMS` of
/// them, tagging the theme's survey's responses with `tag` (the theme's label by default).
pub fn promotion_rule(
    theme: &StoredTheme,
    tag: Option<&str>,
) -> Result<(vouch_store::NewTagRule, crate::rules::Matcher), crate::rules::RuleInputError> {
    let mut stems: Vec<&str> = Vec::new();
    for keyword in &theme.keywords {
        let long_enough = keyword.stem.chars().count() >= vouch_core::text::MIN_PREFIX_CHARS;
        if long_enough && !stems.contains(&keyword.stem.as_str()) {
            stems.push(&keyword.stem);
        }
    }
    stems.truncate(vouch_core::text::MAX_TERMS);
    let terms: Vec<String> = stems.iter().map(|stem| format!("{stem}*")).collect();
    let label: String = theme
        .label
        .chars()
        .take(vouch_core::tag::MAX_TAG_CHARS)
        .collect();
    crate::rules::check_rule(tag.unwrap_or(&label), &terms.join(", "), Some(theme.survey))
}
