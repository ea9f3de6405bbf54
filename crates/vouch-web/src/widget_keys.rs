//! In-app widget keys: making one for a survey and the snippet a host page embeds, shared by
//! `vouch widget` and the dashboard's widget page. A key is public (it sits in the host page);
//! what it may do is fixed by its survey, origins, sample and minimum account age.

use rand::Rng;
use thiserror::Error;
use vouch_core::origin::{OriginError, check_origins};
use vouch_core::sample::{SampleError, check_sample};
use vouch_store::{NewWidgetKey, Store, StoreError, Survey, WidgetKey, WorkspaceId};

/// Random characters after `pk_`.
const KEY_CHARS: usize = 24;

/// The characters a key is made of.
const URL_SAFE: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/// A new public key: `pk_` and 24 random URL-safe characters.
pub fn generate_key() -> String {
    let mut rng = rand::rng();
    let random: String = (0..KEY_CHARS)
        .map(|_| URL_SAFE[rng.random_range(0..URL_SAFE.len())] as char)
        .collect();
    format!("pk_{random}")
}

/// The `<script>` tag that embeds the widget of `key` in a host page.
pub fn snippet(public_url: &str, key: &str) -> String {
    let base = public_url.trim_end_matches('/');
    format!("<script src=\"{base}/widget.js\" data-key=\"{key}\" async></script>")
}

/// What a new widget key is made from, as typed.
#[derive(Debug, Clone)]
pub struct WidgetKeyInput<'a> {
    /// The survey the widget asks.
    pub survey: &'a Survey,
    /// The origins whose pages may use it, as typed (checked and normalised here).
    pub origins: &'a [String],
    /// The share of eligible visitors shown the survey.
    pub sample: f64,
    /// Visitors whose account is younger than this many days are not asked.
    pub min_account_age_days: u32,
}

/// Why a widget key was not made.
#[derive(Debug, Error)]
pub enum WidgetKeyError {
    /// An origin is not `scheme://host[:port]`.
    #[error(transparent)]
    Origin(#[from] OriginError),
    /// No origin at all: the key would work nowhere.
    #[error("give at least one origin, like https://app.example.com")]
    NoOrigin,
    /// The sample is not in (0, 1].
    #[error(transparent)]
    Sample(#[from] SampleError),
    /// The survey is archived.
    #[error("survey {0:?} is archived and takes no answers")]
    Archived(String),
    /// The store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl WidgetKeyError {
    /// The input the error is about: `origins`, `sample` or `survey` (`None` for the store).
    pub fn field(&self) -> Option<&'static str> {
        match self {
            WidgetKeyError::Origin(_) | WidgetKeyError::NoOrigin => Some("origins"),
            WidgetKeyError::Sample(_) => Some("sample"),
            WidgetKeyError::Archived(_) => Some("survey"),
            WidgetKeyError::Store(_) => None,
        }
    }
}

/// Checks the input and stores a new key for it (a fresh random key on the rare clash).
pub async fn create_widget_key(
    store: &dyn Store,
    workspace: WorkspaceId,
    input: &WidgetKeyInput<'_>,
) -> Result<WidgetKey, WidgetKeyError> {
    let origins = check_origins(input.origins)?;
    if origins.is_empty() {
        return Err(WidgetKeyError::NoOrigin);
    }
    let sample = check_sample(input.sample)?;
    if input.survey.archived {
        return Err(WidgetKeyError::Archived(input.survey.name.clone()));
    }
    loop {
        let new_key = NewWidgetKey {
            survey: input.survey.id,
            key: generate_key(),
            origins: origins.clone(),
            sample,
            min_account_age_days: input.min_account_age_days,
        };
        match store.create_widget_key(workspace, new_key).await {
            Ok(key) => return Ok(key),
            Err(StoreError::Conflict(_)) => continue, // 144 random bits: never in practice
            Err(error) => return Err(error.into()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_pk_and_24_url_safe_characters() {
        let key = generate_key();
        assert_eq!(key.len(), 27);
        assert!(key.starts_with("pk_"));
        assert!(key[3..].bytes().all(|b| URL_SAFE.contains(&b)));
        assert_ne!(key, generate_key());
    }

    #[test]
    fn the_snippet_loads_the_script_with_the_key() {
        assert_eq!(
            snippet("https://nps.example.com/", "pk_abc"),
            "<script src=\"https://nps.example.com/widget.js\" data-key=\"pk_abc\" async></script>"
        );
    }
}
