//! `GET, POST /app/surveys/{id}/settings` (members and admins): the survey's wording, the
//! follow-up per category, brand name, colour and logo, default language and translations,
//! throttle window, the public link (on/off, its URL) and the widget snippet of each of its
//! widget keys.
//!
//! The form is checked field by field with the API's own rules (`api::surveys`), every error
//! shown beside its field (422); a valid form is saved with `Store::update_survey` and answers
//! 303 back to the page, which then says "Saved".

use std::collections::BTreeMap;

use std::sync::Arc;

use askama::Template;
use axum::Extension;
use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use vouch_core::Language;
use vouch_store::{StoreError, Survey, SurveyChanges, SurveySettings, WidgetKey};

use super::directory::Directory;
use super::filter_bar::Choice;
use super::filters::{one, query_pairs};
use super::visible_survey;
use crate::layout::{DashboardError, Frame, Nav, render_status};
use crate::session::{Viewer, Writer};
use vouch_web::state::{AppState, Limits};
use vouch_web::survey_settings::{SurveySettingsJson, WordingJson, checked_settings};
use vouch_web::survey_settings::{link_url, survey_name, wording};

/// One text field of the form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct TextField {
    /// The form field's name (and the input's id).
    pub(crate) name: String,
    /// Its label.
    pub(crate) label: String,
    /// Its value.
    pub(crate) value: String,
    /// A hint under it.
    pub(crate) hint: &'static str,
    /// The error beside it.
    pub(crate) error: Option<String>,
    /// The input's type (`text`, `url`, `number`).
    pub(crate) kind: &'static str,
}

/// A group of fields under a heading.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct FieldGroup {
    /// The heading.
    pub(crate) legend: String,
    /// A sentence under it.
    pub(crate) hint: &'static str,
    /// The fields.
    pub(crate) fields: Vec<TextField>,
    /// Drawn folded (a translation nobody wrote and without errors).
    pub(crate) folded: bool,
}

/// The widget snippet of one widget key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Snippet {
    /// The key (`pk_…`).
    pub(crate) key: String,
    /// The origins that may use it.
    pub(crate) origins: String,
    /// The HTML to paste.
    pub(crate) code: String,
}

/// `templates/dashboard/pages/settings.html`.
#[derive(Debug, Template)]
#[template(path = "dashboard/pages/settings.html")]
pub(crate) struct SettingsPage {
    /// The frame.
    pub(crate) frame: Frame,
    /// The survey's name as stored.
    pub(crate) survey_name: String,
    /// `NPS` or `eNPS`.
    pub(crate) kind: &'static str,
    /// The survey's overview.
    pub(crate) overview_href: String,
    /// Where the form posts.
    pub(crate) action: String,
    /// The groups of text fields, in order.
    pub(crate) groups: Vec<FieldGroup>,
    /// The default language's choices.
    pub(crate) languages: Vec<Choice>,
    /// The error beside the default language.
    pub(crate) language_error: Option<String>,
    /// The throttle window's field.
    pub(crate) throttle: TextField,
    /// Whether the public link takes answers.
    pub(crate) link_enabled: bool,
    /// The public link.
    pub(crate) link_url: String,
    /// The widget snippets.
    pub(crate) snippets: Vec<Snippet>,
    /// A change was just saved.
    pub(crate) saved: bool,
    /// How many fields have errors.
    pub(crate) error_count: usize,
}

/// The form as sent (or as stored), every field as text.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
struct Form {
    values: BTreeMap<String, String>,
    link_enabled: bool,
}

impl Form {
    fn get(&self, name: &str) -> &str {
        self.values.get(name).map_or("", String::as_str)
    }

    fn set(&mut self, name: &str, value: impl Into<String>) {
        self.values.insert(name.to_owned(), value.into());
    }

    /// The form of a stored survey.
    fn of(survey: &Survey) -> Form {
        let settings = &survey.settings;
        let mut form = Form {
            link_enabled: settings.link_enabled,
            ..Form::default()
        };
        form.set("name", &survey.name);
        form.set("question", &survey.question);
        form.set("follow_up", &survey.follow_up);
        let optional = |value: &Option<String>| value.clone().unwrap_or_default();
        form.set("follow_up_promoter", optional(&settings.follow_up_promoter));
        form.set("follow_up_passive", optional(&settings.follow_up_passive));
        form.set(
            "follow_up_detractor",
            optional(&settings.follow_up_detractor),
        );
        form.set("brand_name", optional(&settings.brand_name));
        form.set("brand_color", optional(&settings.brand_color));
        form.set("logo_url", optional(&settings.logo_url));
        form.set("default_language", &settings.default_language);
        form.set("throttle_days", settings.throttle_days.to_string());
        for (code, text) in &settings.translations {
            form.set(
                &format!("translation_{code}_question"),
                optional(&text.question),
            );
            form.set(
                &format!("translation_{code}_follow_up"),
                optional(&text.follow_up),
            );
        }
        form
    }

    /// The form of a request body.
    fn parse(body: &[u8]) -> Form {
        let fields: Vec<(String, String)> = serde_urlencoded::from_bytes(body).unwrap_or_default();
        let mut form = Form::default();
        for (name, value) in fields {
            if name == "link_enabled" {
                form.link_enabled = true;
            } else if name != "csrf" {
                form.values.insert(name, value);
            }
        }
        form
    }
}

/// Errors by field name.
type Errors = BTreeMap<String, String>;

/// `GET /app/surveys/{id}/settings`.
pub(crate) async fn page(
    viewer: Viewer,
    State(state): State<AppState>,
    Path(id): Path<String>,
    RawQuery(query): RawQuery,
) -> Result<Response, DashboardError> {
    let survey = visible_survey(&state, &viewer, &id).await?;
    if !viewer.can_write() {
        return Err(DashboardError::Forbidden(
            "Only members and admins can change a survey's settings.",
        ));
    }
    let saved = one(&query_pairs(query.as_deref()), "saved").is_some();
    let page = build(
        &state,
        &viewer,
        &survey,
        &Form::of(&survey),
        &Errors::new(),
        saved,
    )
    .await?;
    Ok(render_status(&page, StatusCode::OK))
}

/// `POST /app/surveys/{id}/settings`.
pub(crate) async fn save(
    Writer(viewer): Writer,
    State(state): State<AppState>,
    Extension(directory): Extension<Arc<Directory>>,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Response, DashboardError> {
    let survey = visible_survey(&state, &viewer, &id).await?;
    let form = Form::parse(&body);
    let (changes, mut errors) = checked(&form, state.limits());
    if errors.is_empty() {
        match state
            .store()
            .update_survey(viewer.workspace(), survey.id, changes)
            .await
        {
            Ok(saved) => {
                directory.saved(viewer.workspace(), &saved);
                let to = format!("/app/surveys/{}/settings?saved=1", survey.id.0);
                return Ok(Redirect::to(&to).into_response());
            }
            Err(StoreError::Conflict(_)) => {
                errors.insert(
                    "name".into(),
                    "Another survey of this workspace has this name.".into(),
                );
            }
            Err(error) => return Err(error.into()),
        }
    }
    let page = build(&state, &viewer, &survey, &form, &errors, false).await?;
    Ok(render_status(&page, StatusCode::UNPROCESSABLE_ENTITY))
}

/// The changes a form asks for, or the error of each field that is wrong.
fn checked(form: &Form, limits: &Limits) -> (SurveyChanges, Errors) {
    let mut errors = Errors::new();
    let mut required = |name: &str, checked: vouch_web::error::Result<String>| match checked {
        Ok(text) => Some(text),
        Err(error) => {
            errors.insert(name.to_owned(), error.body().error.message);
            None
        }
    };
    let name = required("name", survey_name("the name", form.get("name")));
    let question = required(
        "question",
        wording("the question", form.get("question"), limits),
    );
    let follow_up = required(
        "follow_up",
        wording("the follow-up", form.get("follow_up"), limits),
    );
    let given = given_settings(form, &mut errors);
    let settings = checked_every_setting(&given, limits, &mut errors);
    let changes = SurveyChanges {
        name,
        question,
        follow_up,
        settings: settings.filter(|_| errors.is_empty()),
        ..SurveyChanges::default()
    };
    (changes, errors)
}

/// The settings the form gives, as the API takes them; a throttle window that is not a number
/// is an error (and 0 meanwhile).
fn given_settings(form: &Form, errors: &mut Errors) -> SurveySettingsJson {
    let optional = |name: &str| {
        let text = form.get(name).trim();
        (!text.is_empty()).then(|| text.to_owned())
    };
    let throttle_days = match form.get("throttle_days").trim().parse::<u32>() {
        Ok(days) => days,
        Err(_) => {
            errors.insert(
                "throttle_days".into(),
                "Give a whole number of days (0 for no throttle).".into(),
            );
            0
        }
    };
    let mut translations = BTreeMap::new();
    for language in Language::ALL {
        let code = language.code();
        let question = optional(&format!("translation_{code}_question"));
        let follow_up = optional(&format!("translation_{code}_follow_up"));
        if question.is_some() || follow_up.is_some() {
            translations.insert(
                code.to_owned(),
                WordingJson {
                    question,
                    follow_up,
                },
            );
        }
    }
    SurveySettingsJson {
        brand_name: optional("brand_name"),
        brand_color: optional("brand_color"),
        logo_url: optional("logo_url"),
        default_language: form.get("default_language").trim().to_owned(),
        follow_up_promoter: optional("follow_up_promoter"),
        follow_up_passive: optional("follow_up_passive"),
        follow_up_detractor: optional("follow_up_detractor"),
        translations,
        throttle_days,
        link_enabled: form.link_enabled,
    }
}

/// The settings checked by the API's rules, with the error of every wrong field in `errors`.
/// The API's check stops at the first wrong field: it is asked again without each wrong one
/// until it passes, so that every field's error shows at once.
fn checked_every_setting(
    given: &SurveySettingsJson,
    limits: &Limits,
    errors: &mut Errors,
) -> Option<SurveySettings> {
    let mut probe = given.clone();
    for _ in 0..32 {
        match checked_settings(&probe, limits) {
            Ok(checked) => return Some(checked),
            Err(error) => {
                let body = error.body().error;
                let Some(field) = body.field.as_deref().and_then(form_field) else {
                    errors.insert("settings".into(), body.message);
                    return None;
                };
                errors.entry(field.clone()).or_insert(body.message);
                if !clear(&mut probe, &field) {
                    return None;
                }
            }
        }
    }
    None
}

/// The form field of an API error's field (`settings.translations.fr.question` →
/// `translation_fr_question`).
fn form_field(api_field: &str) -> Option<String> {
    let rest = api_field.strip_prefix("settings.")?;
    if let Some(translation) = rest.strip_prefix("translations.") {
        return Some(match translation.split_once('.') {
            Some((code, part)) => format!("translation_{code}_{part}"),
            None => format!("translation_{translation}_question"),
        });
    }
    Some(rest.to_owned())
}

/// Resets a wrong field of `probe` to something valid; false when it cannot.
fn clear(probe: &mut SurveySettingsJson, field: &str) -> bool {
    match field {
        "brand_name" => probe.brand_name = None,
        "brand_color" => probe.brand_color = None,
        "logo_url" => probe.logo_url = None,
        "default_language" => probe.default_language = "en".into(),
        "follow_up_promoter" => probe.follow_up_promoter = None,
        "follow_up_passive" => probe.follow_up_passive = None,
        "follow_up_detractor" => probe.follow_up_detractor = None,
        "throttle_days" => probe.throttle_days = 0,
        other => {
            let Some(code) = other
                .strip_prefix("translation_")
                .and_then(|rest| rest.split('_').next())
            else {
                return false;
            };
            return probe.translations.remove(code).is_some();
        }
    }
    true
}

/// True when the form has a translation in `code`, or an error in one.
fn has_translation(form: &Form, errors: &Errors, code: &str) -> bool {
    ["question", "follow_up"].iter().any(|part| {
        let name = format!("translation_{code}_{part}");
        !form.get(&name).trim().is_empty() || errors.contains_key(&name)
    })
}

/// The page of `survey` showing `form` with `errors`.
async fn build(
    state: &AppState,
    viewer: &Viewer,
    survey: &Survey,
    form: &Form,
    errors: &Errors,
    saved: bool,
) -> Result<SettingsPage, DashboardError> {
    let public_url = &state.config().public_url;
    let keys = state.store().widget_keys(viewer.workspace()).await?;
    let fields = Fields { form, errors };
    let mut groups = wording_groups(&fields);
    groups.extend(translation_groups(&fields));
    let mut throttle = fields.field(
        "throttle_days",
        "Throttle window (days)",
        "Nobody is asked again within this many days of being asked anything.",
    );
    throttle.kind = "number";
    Ok(SettingsPage {
        frame: Frame::new(viewer, format!("{} · settings", survey.name), Nav::Surveys)
            .for_survey(survey.id),
        survey_name: survey.name.clone(),
        kind: if survey.kind.is_anonymous() {
            "eNPS"
        } else {
            "NPS"
        },
        overview_href: format!("/app/surveys/{}", survey.id.0),
        action: format!("/app/surveys/{}/settings", survey.id.0),
        groups,
        languages: language_choices(form.get("default_language")),
        language_error: errors.get("default_language").cloned(),
        throttle,
        link_enabled: form.link_enabled,
        link_url: link_url(public_url, &survey.slug),
        snippets: snippets(public_url, keys, survey),
        saved,
        error_count: errors.len(),
    })
}

/// The widget snippets of the survey's live keys.
fn snippets(public_url: &str, keys: Vec<WidgetKey>, survey: &Survey) -> Vec<Snippet> {
    keys.into_iter()
        .filter(|key| key.survey == survey.id && key.revoked_at.is_none())
        .map(|key| Snippet {
            code: vouch_web::widget_keys::snippet(public_url, &key.key),
            origins: key.origins.join(", "),
            key: key.key,
        })
        .collect()
}

/// The form's values and errors, to draw its fields.
struct Fields<'a> {
    form: &'a Form,
    errors: &'a Errors,
}

impl Fields<'_> {
    /// The text field `name`, with its value and error.
    fn field(&self, name: &str, label: &str, hint: &'static str) -> TextField {
        TextField {
            name: name.to_owned(),
            label: label.to_owned(),
            value: self.form.get(name).to_owned(),
            hint,
            error: self.errors.get(name).cloned(),
            kind: if name == "logo_url" { "url" } else { "text" },
        }
    }
}

/// The groups of the wording, the follow-ups per category and the brand.
fn wording_groups(fields: &Fields<'_>) -> Vec<FieldGroup> {
    let field = |name, label, hint| fields.field(name, label, hint);
    vec![
        FieldGroup {
            legend: "Wording".into(),
            folded: false,
            hint: "",
            fields: vec![
                field("name", "Name", "For your team; respondents do not see it."),
                field("question", "Question", "The 0–10 question."),
                field(
                    "follow_up",
                    "Follow-up",
                    "Asked after the score: the “why?”.",
                ),
            ],
        },
        FieldGroup {
            legend: "Follow-up per category".into(),
            folded: false,
            hint: "Leave blank to ask the follow-up above.",
            fields: vec![
                field("follow_up_promoter", "To promoters (9–10)", ""),
                field("follow_up_passive", "To passives (7–8)", ""),
                field("follow_up_detractor", "To detractors (0–6)", ""),
            ],
        },
        FieldGroup {
            legend: "Brand".into(),
            folded: false,
            hint: "How survey pages, emails and the widget look.",
            fields: vec![
                field(
                    "brand_name",
                    "Brand name",
                    "Shown to respondents; the workspace's name when blank.",
                ),
                field(
                    "brand_color",
                    "Brand colour",
                    "#RRGGBB, for example #0B5FFF.",
                ),
                field(
                    "logo_url",
                    "Logo URL",
                    "An absolute https:// address of an image.",
                ),
            ],
        },
    ]
}

/// One group per language, folded unless it has a translation or an error.
fn translation_groups(fields: &Fields<'_>) -> Vec<FieldGroup> {
    Language::ALL
        .into_iter()
        .map(|language| {
            let code = language.code();
            FieldGroup {
                legend: format!("In {} ({code})", language.name()),
                hint: "Leave blank to use the wording above (or Vouch's own in that language).",
                folded: !has_translation(fields.form, fields.errors, code),
                fields: vec![
                    fields.field(&format!("translation_{code}_question"), "Question", ""),
                    fields.field(&format!("translation_{code}_follow_up"), "Follow-up", ""),
                ],
            }
        })
        .collect()
}

/// The default language's choices, `current` selected.
fn language_choices(current: &str) -> Vec<Choice> {
    Language::ALL
        .into_iter()
        .map(|language| Choice {
            value: language.code().to_owned(),
            label: language.name().to_owned(),
            selected: language.code() == current,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form(fields: &[(&str, &str)]) -> Form {
        let body = serde_urlencoded::to_string(fields).unwrap();
        Form::parse(body.as_bytes())
    }

    fn valid() -> Vec<(&'static str, &'static str)> {
        vec![
            ("csrf", "t"),
            ("name", "Customer NPS"),
            ("question", "How likely…?"),
            ("follow_up", "Why?"),
            ("default_language", "en"),
            ("throttle_days", "90"),
            ("link_enabled", "on"),
        ]
    }

    #[test]
    fn a_valid_form_becomes_changes() {
        let mut fields = valid();
        fields.extend([
            ("brand_color", "#0B5FFF"),
            ("translation_fr_question", "Recommanderiez-vous… ?"),
            ("follow_up_detractor", "What went wrong?"),
        ]);
        let (changes, errors) = checked(&form(&fields), &Limits::default());
        assert!(errors.is_empty(), "{errors:?}");
        let settings = changes.settings.unwrap();
        assert_eq!(settings.brand_color.as_deref(), Some("#0B5FFF"));
        assert!(settings.link_enabled);
        assert_eq!(settings.translations.len(), 1);
        assert_eq!(
            settings.follow_up_detractor.as_deref(),
            Some("What went wrong?")
        );
        assert_eq!(changes.name.as_deref(), Some("Customer NPS"));
    }

    #[test]
    fn every_wrong_field_gets_its_own_error() {
        let mut fields = valid();
        fields.retain(|(name, _)| *name != "question" && *name != "throttle_days");
        fields.extend([
            ("question", " "),
            ("throttle_days", "soon"),
            ("brand_color", "blue"),
            ("logo_url", "javascript:alert(1)"),
            ("default_language", "it"),
            ("translation_de_follow_up", "a\u{1}b"),
        ]);
        let (changes, errors) = checked(&form(&fields), &Limits::default());
        let fields: Vec<&str> = errors.keys().map(String::as_str).collect();
        assert_eq!(
            fields,
            [
                "brand_color",
                "default_language",
                "logo_url",
                "question",
                "throttle_days",
                "translation_de_follow_up"
            ]
        );
        assert_eq!(changes.settings, None);
    }

    #[test]
    fn an_unchecked_box_turns_the_link_off() {
        let mut fields = valid();
        fields.retain(|(name, _)| *name != "link_enabled");
        let (changes, errors) = checked(&form(&fields), &Limits::default());
        assert!(errors.is_empty());
        assert!(!changes.settings.unwrap().link_enabled);
    }
}
