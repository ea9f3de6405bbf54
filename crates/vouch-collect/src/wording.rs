//! What a respondent reads, decided without I/O: the language, the question and follow-up
//! in it, the brand, and the colours of a survey page.

use vouch_core::language::{self, Language, default_question};
use vouch_core::{Category, Score};
use vouch_store::{Attributes, Brand, Survey};

use vouch_web::survey_settings::{is_hex_color, is_logo_url};

/// The accent colour of pages whose survey sets none: a dark blue (8.9:1 against white).
pub(crate) const DEFAULT_BRAND_COLOR: &str = "#1F4E8C";

/// The language a survey falls back to: its `default_language` when Vouch speaks it, else
/// English.
pub(crate) fn survey_language(survey: &Survey) -> Language {
    Language::parse(&survey.settings.default_language).unwrap_or(Language::En)
}

/// The language to speak to a respondent: the contact's `language` attribute, else what the
/// browser asks for (`Accept-Language`, or the widget's `navigator.language`), else the
/// survey's default.
pub(crate) fn respondent_language(
    survey: &Survey,
    contact: Option<&Attributes>,
    browser: Option<&str>,
) -> Language {
    let from_contact = contact
        .and_then(|attributes| attributes.get("language"))
        .and_then(|value| match value {
            vouch_core::AttributeValue::String(text) => Some(text.as_str()),
            _ => None,
        });
    language::choose(from_contact, browser, survey_language(survey))
}

/// A brand name as it goes into the standard question, when there is one.
fn named(name: Option<&str>) -> Option<&str> {
    name.map(str::trim).filter(|name| !name.is_empty())
}

/// True when the survey's question is the standard English one (with no brand, the survey's
/// own, or the one respondents see), which is then asked in the respondent's language.
fn asks_default_question(survey: &Survey, look: &Brand) -> bool {
    let question = survey.question.trim();
    let standard = |brand| question == default_question(survey.kind, Language::En, brand);
    let brands = [survey.settings.brand_name.as_deref(), look.name.as_deref()];
    standard(None)
        || brands
            .into_iter()
            .filter_map(named)
            .any(|b| standard(Some(b)))
}

/// The 0–10 question in `lang`: the survey's translation for it, else the standard question
/// in `lang` naming the brand respondents see (`look`: the survey's, else the workspace's)
/// when the survey asks the standard English one, else the survey's own text.
pub(crate) fn question(survey: &Survey, lang: Language, look: &Brand) -> String {
    if let Some(text) = translation(survey, lang).and_then(|wording| wording.question.clone()) {
        return text;
    }
    if asks_default_question(survey, look) {
        return default_question(survey.kind, lang, named(look.name.as_deref()));
    }
    survey.question.clone()
}

/// The "why?" asked after a score of `category`, in `lang`: the survey's translation for
/// `lang`, else its follow-up for the category, else its follow-up (in `lang` when it is the
/// standard one).
pub(crate) fn follow_up(survey: &Survey, lang: Language, category: Category) -> String {
    if let Some(text) = translation(survey, lang).and_then(|wording| wording.follow_up.clone()) {
        return text;
    }
    let settings = &survey.settings;
    let per_category = match category {
        Category::Promoter => &settings.follow_up_promoter,
        Category::Passive => &settings.follow_up_passive,
        Category::Detractor => &settings.follow_up_detractor,
    };
    if let Some(text) = per_category {
        return text.clone();
    }
    if survey.follow_up.trim() == vouch_core::survey::DEFAULT_FOLLOW_UP {
        return language::strings(lang).follow_up.to_owned();
    }
    survey.follow_up.clone()
}

fn translation(survey: &Survey, lang: Language) -> Option<&vouch_store::Wording> {
    survey.settings.translations.get(lang.code())
}

/// The name shown at the top of the survey's pages, when the brand has one.
pub(crate) fn brand_name(brand: &Brand) -> Option<String> {
    brand.name.clone().filter(|name| !name.trim().is_empty())
}

/// The brand's accent colour as `#RRGGBB`, or the default when it sets none (or a bad one).
pub(crate) fn brand_color(brand: &Brand) -> String {
    match brand.color.as_deref().map(str::trim) {
        Some(color) if is_hex_color(color) => color.to_ascii_uppercase(),
        _ => DEFAULT_BRAND_COLOR.to_owned(),
    }
}

/// The brand's logo URL, when it sets a usable one.
pub(crate) fn logo_url(brand: &Brand) -> Option<String> {
    brand
        .logo_url
        .as_deref()
        .map(str::trim)
        .filter(|url| is_logo_url(url))
        .map(str::to_owned)
}

/// Black or white, whichever contrasts more with `#RRGGBB`: always at least 4.58:1, since
/// the two contrasts multiply to 21.
pub(crate) fn text_color_on(color: &str) -> &'static str {
    let luminance = relative_luminance(color).unwrap_or(0.0);
    if contrast(luminance, 0.0) >= contrast(luminance, 1.0) {
        "#000000"
    } else {
        "#FFFFFF"
    }
}

/// WCAG relative luminance of `#RRGGBB`.
fn relative_luminance(color: &str) -> Option<f64> {
    if !is_hex_color(color) {
        return None;
    }
    let channel = |index: usize| -> Option<f64> {
        let value = u8::from_str_radix(color.get(index..index + 2)?, 16).ok()?;
        let srgb = f64::from(value) / 255.0;
        Some(if srgb <= 0.040_45 {
            srgb / 12.92
        } else {
            ((srgb + 0.055) / 1.055).powf(2.4)
        })
    };
    Some(0.2126 * channel(1)? + 0.7152 * channel(3)? + 0.0722 * channel(5)?)
}

/// The WCAG contrast ratio of two relative luminances.
fn contrast(a: f64, b: f64) -> f64 {
    let (light, dark) = if a > b { (a, b) } else { (b, a) };
    (light + 0.05) / (dark + 0.05)
}

/// A score from a form field: one or two ASCII digits making 0 to 10, nothing else (no sign,
/// no decimals, no exponent).
pub(crate) fn form_score(text: &str) -> Option<Score> {
    let text = text.trim();
    if text.is_empty() || text.len() > 2 || !text.bytes().all(|byte| byte.is_ascii_digit()) {
        return None;
    }
    text.parse::<i64>()
        .ok()
        .and_then(|value| Score::new(value).ok())
}

/// Texts of survey pages that [`vouch_core::language::Strings`] does not carry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct PageTexts {
    /// Heading of the "too many requests" page.
    pub(crate) too_many_title: &'static str,
    /// Text of that page.
    pub(crate) too_many_body: &'static str,
    /// Heading of the page shown when the server fails.
    pub(crate) failed_title: &'static str,
    /// Text of that page.
    pub(crate) failed_body: &'static str,
    /// The error of a comment that is too long; holds `{max}`.
    pub(crate) comment_too_long: &'static str,
    /// The error of an email address that is not one.
    pub(crate) email_invalid: &'static str,
}

/// [`PageTexts`] in `lang`.
pub(crate) fn page_texts(lang: Language) -> &'static PageTexts {
    match lang {
        Language::En => &PageTexts {
            too_many_title: "Too many answers at once",
            too_many_body: "Please wait a minute, then try again.",
            failed_title: "Something went wrong",
            failed_body: "Your answer could not be saved. Please try again in a moment.",
            comment_too_long: "Your answer is too long: at most {max} characters.",
            email_invalid: "Enter a valid email address, or leave the field empty.",
        },
        Language::Fr => &PageTexts {
            too_many_title: "Trop de réponses à la fois",
            too_many_body: "Veuillez patienter une minute, puis réessayer.",
            failed_title: "Une erreur s’est produite",
            failed_body: "Votre réponse n’a pas pu être enregistrée. Veuillez réessayer dans un instant.",
            comment_too_long: "Votre réponse est trop longue\u{a0}: {max} caractères au maximum.",
            email_invalid: "Saisissez une adresse e-mail valide, ou laissez le champ vide.",
        },
        Language::De => &PageTexts {
            too_many_title: "Zu viele Antworten auf einmal",
            too_many_body: "Bitte warten Sie eine Minute und versuchen Sie es dann erneut.",
            failed_title: "Etwas ist schiefgelaufen",
            failed_body: "Ihre Antwort konnte nicht gespeichert werden. Bitte versuchen Sie es gleich noch einmal.",
            comment_too_long: "Ihre Antwort ist zu lang: höchstens {max} Zeichen.",
            email_invalid: "Geben Sie eine gültige E-Mail-Adresse ein oder lassen Sie das Feld leer.",
        },
        Language::Es => &PageTexts {
            too_many_title: "Demasiadas respuestas a la vez",
            too_many_body: "Espere un minuto y vuelva a intentarlo.",
            failed_title: "Algo ha fallado",
            failed_body: "No se ha podido guardar su respuesta. Vuelva a intentarlo en un momento.",
            comment_too_long: "Su respuesta es demasiado larga: {max} caracteres como máximo.",
            email_invalid: "Escriba una dirección de correo válida o deje el campo vacío.",
        },
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use vouch_core::SurveyKind;
    use vouch_store::{SurveyId, SurveySettings, Wording};

    use super::*;

    fn english_default(kind: SurveyKind) -> String {
        default_question(kind, Language::En, None)
    }

    fn survey(kind: SurveyKind, question: &str, settings: SurveySettings) -> Survey {
        Survey {
            id: SurveyId(1),
            name: "S".into(),
            kind,
            question: question.into(),
            follow_up: vouch_core::survey::DEFAULT_FOLLOW_UP.into(),
            created_at: jiff::Timestamp::UNIX_EPOCH,
            archived: false,
            slug: "s-000000".into(),
            settings,
        }
    }

    #[test]
    fn the_standard_question_is_asked_in_the_respondents_language() {
        let plain = survey(
            SurveyKind::Nps,
            &english_default(SurveyKind::Nps),
            SurveySettings::default(),
        );
        assert_eq!(
            question(&plain, Language::Fr, &Brand::default()),
            default_question(SurveyKind::Nps, Language::Fr, None)
        );
        let branded = SurveySettings {
            brand_name: Some("Acme".into()),
            ..SurveySettings::default()
        };
        let acme = survey(
            SurveyKind::Enps,
            &default_question(SurveyKind::Enps, Language::En, Some("Acme")),
            branded,
        );
        assert_eq!(
            question(
                &acme,
                Language::De,
                &acme.settings.brand_over(&Brand::default())
            ),
            default_question(SurveyKind::Enps, Language::De, Some("Acme"))
        );
    }

    #[test]
    fn the_standard_question_names_the_workspace_when_the_survey_names_nobody() {
        let plain = survey(
            SurveyKind::Nps,
            &english_default(SurveyKind::Nps),
            SurveySettings::default(),
        );
        let workspace = Brand {
            name: Some("Acme Analytics".into()),
            ..Brand::default()
        };
        let look = plain.settings.brand_over(&workspace);
        assert_eq!(
            question(&plain, Language::En, &look),
            default_question(SurveyKind::Nps, Language::En, Some("Acme Analytics"))
        );
        assert!(question(&plain, Language::Fr, &look).contains("Acme Analytics"));
        let own = survey(
            SurveyKind::Nps,
            "Would you vouch for us?",
            SurveySettings::default(),
        );
        assert_eq!(
            question(&own, Language::En, &look),
            "Would you vouch for us?"
        );
    }

    #[test]
    fn a_question_of_the_surveys_own_stays_unless_translated() {
        let mut translations = BTreeMap::new();
        translations.insert(
            "fr".to_owned(),
            Wording {
                question: Some("Nous recommanderiez-vous\u{a0}?".into()),
                follow_up: Some("Pourquoi\u{a0}?".into()),
            },
        );
        let settings = SurveySettings {
            translations,
            follow_up_detractor: Some("What went wrong?".into()),
            ..SurveySettings::default()
        };
        let own = survey(SurveyKind::Nps, "Would you vouch for us?", settings);
        assert_eq!(
            question(&own, Language::De, &Brand::default()),
            "Would you vouch for us?"
        );
        assert_eq!(
            question(&own, Language::Fr, &Brand::default()),
            "Nous recommanderiez-vous\u{a0}?"
        );
        assert_eq!(
            follow_up(&own, Language::Fr, Category::Detractor),
            "Pourquoi\u{a0}?"
        );
        assert_eq!(
            follow_up(&own, Language::En, Category::Detractor),
            "What went wrong?"
        );
        assert_eq!(
            follow_up(&own, Language::De, Category::Promoter),
            language::strings(Language::De).follow_up
        );
    }

    #[test]
    fn the_contact_language_beats_the_browser_which_beats_the_default() {
        let settings = SurveySettings {
            default_language: "es".into(),
            ..SurveySettings::default()
        };
        let s = survey(SurveyKind::Nps, "Q?", settings);
        let mut attributes = Attributes::new();
        attributes.insert(
            "language".into(),
            vouch_core::AttributeValue::String("fr-FR".into()),
        );
        assert_eq!(
            respondent_language(&s, Some(&attributes), Some("de")),
            Language::Fr
        );
        assert_eq!(respondent_language(&s, None, Some("de-AT")), Language::De);
        assert_eq!(respondent_language(&s, None, Some("it")), Language::Es);
        assert_eq!(respondent_language(&s, None, None), Language::Es);
    }

    #[test]
    fn text_on_any_brand_colour_contrasts_at_least_4_5_to_1() {
        for color in [
            "#FFFFFF", "#000000", "#777777", "#1F4E8C", "#D55E00", "#FFFF00",
        ] {
            let luminance = relative_luminance(color).unwrap();
            let text = relative_luminance(text_color_on(color)).unwrap();
            assert!(contrast(luminance, text) >= 4.5, "{color}");
        }
        assert_eq!(text_color_on(DEFAULT_BRAND_COLOR), "#FFFFFF");
        assert_eq!(text_color_on("#FFFF00"), "#000000");
    }

    #[test]
    fn form_scores_are_whole_numbers_from_0_to_10() {
        assert_eq!(form_score(" 7 ").map(Score::value), Some(7));
        assert_eq!(form_score("10").map(Score::value), Some(10));
        for bad in ["", "11", "-1", "7.0", "7.5", "1e1", "+5", "007", "x"] {
            assert_eq!(form_score(bad), None, "{bad}");
        }
    }
}
