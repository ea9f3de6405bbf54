//! A survey's presentation settings as JSON: brand, colours, languages, per-category
//! follow-ups, throttle window and the public link switch; checked before they are stored.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use vouch_core::Language;
use vouch_core::limits::MAX_SURVEY_NAME_CHARS;
use vouch_store::{SurveySettings, Wording};

use crate::error::{ApiError, Result};
use crate::state::Limits;

/// The longest throttle window accepted, in days (ten years).
const MAX_THROTTLE_DAYS: u32 = 3_650;

/// How a survey looks and speaks to respondents. When given on a create or a change, the
/// settings replace the old ones whole; fields left out take their defaults.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct SurveySettingsJson {
    /// The name shown on survey pages, in the widget and in emails; the workspace's slug when
    /// null. It also goes into the standard question ("How likely are you to recommend Acme…").
    #[schema(example = "Acme")]
    pub brand_name: Option<String>,
    /// The accent colour of survey pages and the widget, `#RRGGBB`.
    #[schema(example = "#0B5FFF")]
    pub brand_color: Option<String>,
    /// An absolute `https://` (or `http://`) URL of a logo image.
    pub logo_url: Option<String>,
    /// `en`, `fr`, `de` or `es`: the language when neither the contact nor the browser picks
    /// one.
    #[schema(example = "en")]
    pub default_language: String,
    /// The follow-up asked of promoters (9–10) instead of `follow_up`.
    pub follow_up_promoter: Option<String>,
    /// The follow-up asked of passives (7–8) instead of `follow_up`.
    pub follow_up_passive: Option<String>,
    /// The follow-up asked of detractors (0–6) instead of `follow_up`.
    pub follow_up_detractor: Option<String>,
    /// The question and follow-up in other languages, by language code (`fr`, `de`, `es`, `en`).
    pub translations: BTreeMap<String, WordingJson>,
    /// Nobody is asked this survey (email or widget) if they were asked anything within this
    /// many days.
    #[schema(example = 90)]
    pub throttle_days: u32,
    /// Whether the public link (`link_url`) takes answers.
    pub link_enabled: bool,
}

/// A survey's question and follow-up in one language; either may be left out.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct WordingJson {
    /// The 0–10 question.
    pub question: Option<String>,
    /// The "why?" question.
    pub follow_up: Option<String>,
}

impl Default for SurveySettingsJson {
    fn default() -> SurveySettingsJson {
        SurveySettingsJson::from(&SurveySettings::default())
    }
}

impl From<&SurveySettings> for SurveySettingsJson {
    fn from(settings: &SurveySettings) -> SurveySettingsJson {
        SurveySettingsJson {
            brand_name: settings.brand_name.clone(),
            brand_color: settings.brand_color.clone(),
            logo_url: settings.logo_url.clone(),
            default_language: settings.default_language.clone(),
            follow_up_promoter: settings.follow_up_promoter.clone(),
            follow_up_passive: settings.follow_up_passive.clone(),
            follow_up_detractor: settings.follow_up_detractor.clone(),
            translations: settings
                .translations
                .iter()
                .map(|(lang, text)| {
                    let text = WordingJson {
                        question: text.question.clone(),
                        follow_up: text.follow_up.clone(),
                    };
                    (lang.clone(), text)
                })
                .collect(),
            throttle_days: settings.throttle_days,
            link_enabled: settings.link_enabled,
        }
    }
}

pub use vouch_core::brand::{is_hex_color, is_logo_url};

/// The settings a body describes, every field checked; errors name `settings.<field>`.
pub fn checked_settings(given: &SurveySettingsJson, limits: &Limits) -> Result<SurveySettings> {
    let optional = |field: &str, text: &Option<String>| {
        text.as_deref()
            .map(|text| wording(&format!("settings.{field}"), text, limits))
            .transpose()
    };
    let brand_color = vouch_core::brand::brand_color(given.brand_color.as_deref().unwrap_or(""))
        .map_err(|error| ApiError::validation("settings.brand_color", error.to_string()))?;
    let logo_url = vouch_core::brand::logo_url(given.logo_url.as_deref().unwrap_or(""))
        .map_err(|error| ApiError::validation("settings.logo_url", error.to_string()))?;
    let default_language = language_code("settings.default_language", &given.default_language)?;
    let mut translations = BTreeMap::new();
    for (code, text) in &given.translations {
        let field = format!("settings.translations.{code}");
        let lang = language_code(&field, code)?;
        let checked = Wording {
            question: optional(&format!("translations.{code}.question"), &text.question)?,
            follow_up: optional(&format!("translations.{code}.follow_up"), &text.follow_up)?,
        };
        if translations.insert(lang.to_owned(), checked).is_some() {
            return Err(ApiError::validation(
                field,
                format!("the language {lang} is given twice"),
            ));
        }
    }
    if given.throttle_days > MAX_THROTTLE_DAYS {
        return Err(ApiError::validation(
            "settings.throttle_days",
            format!("the throttle window may be at most {MAX_THROTTLE_DAYS} days"),
        ));
    }
    Ok(SurveySettings {
        brand_name: optional("brand_name", &given.brand_name)?,
        brand_color,
        logo_url,
        default_language: default_language.to_owned(),
        follow_up_promoter: optional("follow_up_promoter", &given.follow_up_promoter)?,
        follow_up_passive: optional("follow_up_passive", &given.follow_up_passive)?,
        follow_up_detractor: optional("follow_up_detractor", &given.follow_up_detractor)?,
        translations,
        throttle_days: given.throttle_days,
        link_enabled: given.link_enabled,
    })
}

/// The code of a language Vouch speaks (`fr-CA` → `fr`), or a 422 naming `field`.
fn language_code(field: &str, text: &str) -> Result<&'static str> {
    Language::parse(text).map(Language::code).ok_or_else(|| {
        ApiError::validation(
            field,
            format!("{text:?} is not a language Vouch speaks (en, fr, de or es)"),
        )
    })
}

/// The public page of the survey with this slug.
pub fn link_url(public_url: &str, slug: &str) -> String {
    format!("{}/l/{slug}", public_url.trim_end_matches('/'))
}

/// A question or follow-up: trimmed, not blank, within the wording limit.
pub fn wording(field: &str, text: &str, limits: &Limits) -> Result<String> {
    bounded_text(field, text, limits.wording_chars)
}

/// A survey's name: trimmed, not blank, at most [`MAX_SURVEY_NAME_CHARS`] characters, as in
/// every other place a survey is named.
pub fn survey_name(field: &str, text: &str) -> Result<String> {
    bounded_text(field, text, MAX_SURVEY_NAME_CHARS)
}

/// A text trimmed, not blank, of at most `max_chars` characters and without control
/// characters but line breaks; errors name `field`.
fn bounded_text(field: &str, text: &str, max_chars: usize) -> Result<String> {
    let text = text.trim();
    if text.is_empty() {
        return Err(ApiError::validation(
            field,
            format!("{field} must not be blank"),
        ));
    }
    if text.chars().count() > max_chars {
        return Err(ApiError::validation(
            field,
            format!("{field} may have at most {max_chars} characters"),
        ));
    }
    if text.chars().any(|c| c.is_control() && c != '\n') {
        return Err(ApiError::validation(
            field,
            format!("{field} may not contain control characters"),
        ));
    }
    Ok(text.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn field_of(json: serde_json::Value) -> Option<String> {
        let given: SurveySettingsJson = serde_json::from_value(json).unwrap();
        checked_settings(&given, &Limits::default())
            .unwrap_err()
            .body()
            .error
            .field
    }

    #[test]
    fn wording_is_trimmed_and_bounded() {
        let limits = Limits::default();
        assert_eq!(wording("name", "  Checkout ", &limits).unwrap(), "Checkout");
        for bad in ["", "   ", "a\u{0}b"] {
            let error = wording("name", bad, &limits).unwrap_err();
            assert_eq!(error.body().error.field.as_deref(), Some("name"), "{bad:?}");
        }
        let long = "x".repeat(limits.wording_chars + 1);
        let error = wording("question", &long, &limits).unwrap_err();
        assert!(error.to_string().contains("500"), "{error}");
    }

    #[test]
    fn survey_names_have_the_one_length_limit() {
        let at_limit = "x".repeat(MAX_SURVEY_NAME_CHARS);
        assert_eq!(survey_name("name", &at_limit).unwrap(), at_limit);
        let error = survey_name("name", &format!("{at_limit}x")).unwrap_err();
        assert_eq!(error.body().error.field.as_deref(), Some("name"));
        assert!(error.to_string().contains("200"), "{error}");
        assert!(survey_name("name", " ").is_err());
    }

    #[test]
    fn left_out_fields_take_their_defaults() {
        let given: SurveySettingsJson =
            serde_json::from_value(serde_json::json!({"brand_name": " Acme "})).unwrap();
        let settings = checked_settings(&given, &Limits::default()).unwrap();
        assert_eq!(settings.brand_name.as_deref(), Some("Acme"));
        assert_eq!(settings.throttle_days, 90);
        assert!(settings.link_enabled);
        assert_eq!(settings.default_language, "en");
    }

    #[test]
    fn languages_are_read_as_codes() {
        let given: SurveySettingsJson = serde_json::from_value(serde_json::json!({
            "default_language": "fr-CA",
            "translations": {"DE": {"question": "Wie?"}}
        }))
        .unwrap();
        let settings = checked_settings(&given, &Limits::default()).unwrap();
        assert_eq!(settings.default_language, "fr");
        assert_eq!(
            settings.translations["de"].question.as_deref(),
            Some("Wie?")
        );
    }

    #[test]
    fn bad_values_name_their_field() {
        use serde_json::json;
        let cases = [
            (json!({"brand_color": "blue"}), "settings.brand_color"),
            (json!({"brand_color": "#12345"}), "settings.brand_color"),
            (
                json!({"logo_url": "javascript:alert(1)"}),
                "settings.logo_url",
            ),
            (
                json!({"logo_url": "https://a.b/x y.png"}),
                "settings.logo_url",
            ),
            (
                json!({"default_language": "it"}),
                "settings.default_language",
            ),
            (
                json!({"translations": {"xx": {}}}),
                "settings.translations.xx",
            ),
            (
                json!({"translations": {"fr": {"question": " "}}}),
                "settings.translations.fr.question",
            ),
            (json!({"throttle_days": 4000}), "settings.throttle_days"),
            (json!({"brand_name": "a\u{0}b"}), "settings.brand_name"),
        ];
        for (given, field) in cases {
            assert_eq!(field_of(given.clone()).as_deref(), Some(field), "{given}");
        }
    }

    #[test]
    fn colours_and_logos() {
        assert!(is_hex_color("#0b5FfF"));
        assert!(!is_hex_color("0b5fff") && !is_hex_color("#0b5ffg"));
        assert!(is_logo_url("https://cdn.example.com/logo.svg"));
        assert!(!is_logo_url("https://") && !is_logo_url("ftp://x.y/z"));
        assert!(!is_logo_url("https://x.y/\"onerror=\""));
    }
}
