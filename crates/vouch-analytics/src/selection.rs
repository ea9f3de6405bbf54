//! Tags and themes as filters: the rows of the responses carrying any of some tags, and of any
//! of some themes, for `--tag`, `--theme`, `tag=` and `theme=` on every report and list.
//!
//! Within one kind the filters are ORed (any of the tags); the two kinds are ANDed, like
//! attribute filters of different attributes.

use roaring::RoaringBitmap;
use vouch_core::tag::tag_key;
use vouch_store::{ResponseId, Store, StoreError, SurveyId, ThemeId, WorkflowFilter, WorkspaceId};

use crate::index::ResponseIndex;
use crate::themes::ThemeSet;

/// The prefix of a tag's id among themes (`tag:billing`).
pub const TAG_THEME_PREFIX: &str = "tag:";

/// Why a tag or theme filter cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum SelectionError {
    /// No tag of that name in the workspace.
    #[error("no tag {0:?} in this workspace (see vouch tags list)")]
    UnknownTag(String),
    /// No current theme of that id.
    #[error("no theme {0:?} (theme ids are listed by vouch themes)")]
    UnknownTheme(String),
    /// The store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl SelectionError {
    /// The filter at fault: `tag` or `theme`; `None` for a store failure.
    pub fn field(&self) -> Option<&'static str> {
        match self {
            SelectionError::UnknownTag(_) => Some("tag"),
            SelectionError::UnknownTheme(_) => Some("theme"),
            SelectionError::Store(_) => None,
        }
    }
}

/// Tag and theme filters read from the store, ready to select rows of any index.
#[derive(Debug, Default)]
pub struct RowFilter {
    /// Per tag filter given, the responses carrying it (`None`: no tag filter).
    tagged: Option<Vec<Vec<ResponseId>>>,
    /// The theme filter: responses of tags given as `tag:NAME`, and the themes of ids given.
    themed: Option<(Vec<Vec<ResponseId>>, ThemeSet, Vec<ThemeId>)>,
}

impl RowFilter {
    /// Reads what `tags` and `themes` (automatic themes by id, `12`, or tags as `tag:NAME`)
    /// select; an unknown tag or theme is an error naming it.
    pub async fn load(
        store: &dyn Store,
        workspace: WorkspaceId,
        survey: Option<SurveyId>,
        tags: &[String],
        themes: &[String],
    ) -> Result<RowFilter, SelectionError> {
        let tagged = match tags.is_empty() {
            true => None,
            false => Some(tagged_ids(store, workspace, tags).await?),
        };
        if themes.is_empty() {
            return Ok(RowFilter {
                tagged,
                themed: None,
            });
        }
        let (mut ids, mut theme_tags) = (Vec::new(), Vec::new());
        for theme in themes.iter().map(|theme| theme.trim()) {
            match theme.strip_prefix(TAG_THEME_PREFIX) {
                Some(tag) => theme_tags.push(tag.to_owned()),
                None => match theme.parse::<i64>() {
                    Ok(id) => ids.push(ThemeId(id)),
                    Err(_) => return Err(SelectionError::UnknownTheme(theme.to_owned())),
                },
            }
        }
        let tag_ids =
            tagged_ids(store, workspace, &theme_tags)
                .await
                .map_err(|error| match error {
                    SelectionError::UnknownTag(tag) => {
                        SelectionError::UnknownTheme(format!("{TAG_THEME_PREFIX}{tag}"))
                    }
                    other => other,
                })?;
        let set = ThemeSet::load(store, workspace, survey).await?;
        if let Some(missing) = ids.iter().find(|id| set.theme(**id).is_none()) {
            return Err(SelectionError::UnknownTheme(missing.0.to_string()));
        }
        Ok(RowFilter {
            tagged,
            themed: Some((tag_ids, set, ids)),
        })
    }

    /// Whether a tag or theme filter was given.
    pub fn is_active(&self) -> bool {
        self.tagged.is_some() || self.themed.is_some()
    }

    /// The rows of `index` both filters keep; `None` when neither was given.
    pub fn rows(&self, index: &ResponseIndex) -> Option<RoaringBitmap> {
        let union = |lists: &[Vec<ResponseId>]| {
            lists.iter().fold(RoaringBitmap::new(), |rows, ids| {
                rows | index.rows_of_ids(ids)
            })
        };
        let tagged = self.tagged.as_deref().map(union);
        let themed = self.themed.as_ref().map(|(tags, set, ids)| {
            let mut rows = union(tags);
            if !ids.is_empty() {
                rows |= set.rows_of_any(index, ids).unwrap_or_default();
            }
            rows
        });
        match (tagged, themed) {
            (None, None) => None,
            (Some(rows), None) | (None, Some(rows)) => Some(rows),
            (Some(tagged), Some(themed)) => Some(tagged & themed),
        }
    }
}

/// Per tag, the responses carrying it; an unknown tag is an error naming it.
async fn tagged_ids(
    store: &dyn Store,
    workspace: WorkspaceId,
    tags: &[String],
) -> Result<Vec<Vec<ResponseId>>, SelectionError> {
    if tags.is_empty() {
        return Ok(Vec::new());
    }
    let known = store.tags(workspace).await?;
    let mut lists = Vec::new();
    for tag in tags {
        let Some(stored) = known
            .iter()
            .find(|known| tag_key(&known.name) == tag_key(tag))
        else {
            return Err(SelectionError::UnknownTag(tag.clone()));
        };
        let filter = WorkflowFilter {
            tag: Some(stored.name.clone()),
            ..WorkflowFilter::default()
        };
        lists.push(store.workflow_response_ids(workspace, &filter).await?);
    }
    Ok(lists)
}
