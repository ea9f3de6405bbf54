//! The languages survey pages, the widget and emails speak, how one is chosen for a
//! respondent, and every text a respondent reads, in each of them.
//!
//! A respondent gets the language of their contact's `language` attribute when Vouch speaks it,
//! else the best one their browser asks for, else the survey's default ([`choose`]).
//!
//! Some texts carry a placeholder, `{brand}` (the company or product name) or `{score}` (a
//! score from 0 to 10); [`fill_brand`] and [`fill_score`] put the value in. Values are put in
//! as they are: escaping them for HTML is the caller's job.
//!
//! ```
//! use vouch_core::language::{Language, choose, strings};
//! let lang = choose(None, Some("de-CH;q=0.9, fr;q=0.8"), Language::En);
//! assert_eq!(lang, Language::De);
//! assert_eq!(strings(lang).close, "Schließen");
//! ```

use crate::survey::{DEFAULT_FOLLOW_UP, SurveyKind};

/// A language Vouch speaks to respondents.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Language {
    /// English.
    En,
    /// French.
    Fr,
    /// German.
    De,
    /// Spanish.
    Es,
}

impl Language {
    /// Every supported language, English first.
    pub const ALL: [Language; 4] = [Language::En, Language::Fr, Language::De, Language::Es];

    /// The ISO 639-1 code: `en`, `fr`, `de` or `es`.
    pub fn code(self) -> &'static str {
        match self {
            Language::En => "en",
            Language::Fr => "fr",
            Language::De => "de",
            Language::Es => "es",
        }
    }

    /// The language's name in itself, for a language picker: "English", "Français", "Deutsch",
    /// "Español".
    pub fn name(self) -> &'static str {
        match self {
            Language::En => "English",
            Language::Fr => "Français",
            Language::De => "Deutsch",
            Language::Es => "Español",
        }
    }

    /// Reads a language tag such as `fr`, `FR`, `fr-CA` or `fr_FR` (surrounding spaces
    /// ignored): the primary subtag, in any case, picks the language; the region or script
    /// after a `-` or `_` is accepted and ignored. `None` for languages Vouch does not speak
    /// and for text that is not a language tag.
    pub fn parse(text: &str) -> Option<Language> {
        let text = text.trim();
        let mut subtags = text.split(['-', '_']);
        let primary = subtags.next()?;
        let well_formed = subtags.all(|subtag| {
            !subtag.is_empty()
                && subtag.len() <= 8
                && subtag.bytes().all(|byte| byte.is_ascii_alphanumeric())
        });
        if !well_formed {
            return None;
        }
        Language::ALL
            .into_iter()
            .find(|lang| primary.eq_ignore_ascii_case(lang.code()))
    }
}

/// The most items of an `Accept-Language` header [`negotiate`] reads; browsers send a handful.
const MAX_ACCEPT_ITEMS: usize = 32;

/// The supported language an HTTP `Accept-Language` header prefers, e.g. for
/// `de-CH;q=0.9, fr;q=0.8, *;q=0.1` German.
///
/// The language with the highest quality wins; between equal qualities, the one named first.
/// An item without `q` has quality 1; `q=0` means "not this one" and never wins. The wildcard
/// `*` names no language in particular and so picks none: the caller's default applies.
/// Malformed items are skipped, and a header with nothing usable gives `None`.
pub fn negotiate(accept_language: &str) -> Option<Language> {
    let mut best: Option<(Language, u16)> = None;
    for item in accept_language.split(',').take(MAX_ACCEPT_ITEMS) {
        let mut parts = item.split(';');
        let tag = parts.next().unwrap_or("").trim();
        let Some(quality) = parts.map(parse_quality_param).try_fold(1000, |q, param| {
            // A bad parameter spoils the item; a parameter that is not `q` is ignored.
            match param? {
                Some(value) => Some(value),
                None => Some(q),
            }
        }) else {
            continue;
        };
        if quality == 0 {
            continue;
        }
        let Some(lang) = Language::parse(tag) else {
            continue;
        };
        if best.is_none_or(|(_, best_quality)| quality > best_quality) {
            best = Some((lang, quality));
        }
    }
    best.map(|(lang, _)| lang)
}

/// One `;`-separated parameter of an `Accept-Language` item: `Some(Some(q))` in thousandths
/// for a valid `q=…`, `Some(None)` for another parameter, `None` for a malformed `q`.
fn parse_quality_param(param: &str) -> Option<Option<u16>> {
    let (name, value) = match param.split_once('=') {
        Some((name, value)) => (name.trim(), value.trim()),
        None => (param.trim(), ""),
    };
    if !name.eq_ignore_ascii_case("q") {
        return Some(None);
    }
    parse_quality(value).map(Some)
}

/// A quality value as RFC 9110 writes it (`0`, `0.8`, `1`, `1.000`, at most three decimals),
/// in thousandths.
fn parse_quality(value: &str) -> Option<u16> {
    let (whole, fraction) = value.split_once('.').unwrap_or((value, ""));
    if fraction.len() > 3 || !fraction.bytes().all(|byte| byte.is_ascii_digit()) {
        return None;
    }
    let mut thousandths: u16 = 0;
    for (position, byte) in fraction.bytes().enumerate() {
        thousandths += u16::from(byte - b'0') * [100, 10, 1][position];
    }
    match whole {
        "0" => Some(thousandths),
        "1" if thousandths == 0 => Some(1000),
        _ => None,
    }
}

/// The language to speak to a respondent: their contact's `language` attribute if Vouch speaks
/// it, else the browser's preference ([`negotiate`]), else the survey's default.
pub fn choose(
    contact_language: Option<&str>,
    accept_language: Option<&str>,
    survey_default: Language,
) -> Language {
    contact_language
        .and_then(Language::parse)
        .or_else(|| accept_language.and_then(negotiate))
        .unwrap_or(survey_default)
}

/// Every text a respondent reads on a survey page, in the widget or in a survey email, in one
/// language. Get one with [`strings`].
///
/// Fields documented as holding `{brand}` or `{score}` are templates: fill them with
/// [`fill_brand`] or [`fill_score`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Strings {
    /// Label under score 0: "Not at all likely".
    pub scale_low: &'static str,
    /// Label under score 10: "Extremely likely".
    pub scale_high: &'static str,
    /// The follow-up question when a survey does not set its own: "What is the main reason for
    /// your score?".
    pub follow_up: &'static str,
    /// The button that sends the answer: "Send".
    pub submit: &'static str,
    /// The button that leaves the follow-up unanswered: "Skip".
    pub skip: &'static str,
    /// Heading once the answer is in: "Thank you!".
    pub thanks_title: &'static str,
    /// Text under it: "Your answer has been recorded.".
    pub thanks_body: &'static str,
    /// Tells the respondent the answer is not final: "You can change your answer".
    pub change_answer: &'static str,
    /// States the score picked; holds `{score}`: "You chose {score}".
    pub you_chose: &'static str,
    /// Accessible label of each score button; holds `{score}`: "{score} out of 10".
    pub score_aria: &'static str,
    /// Error for a missing or invalid score: "Choose a score from 0 to 10.".
    pub score_error: &'static str,
    /// Label of the comment field: "Your answer (optional)".
    pub comment_label: &'static str,
    /// Label of the optional email field: "Your email (optional)".
    pub email_label: &'static str,
    /// Heading of the page for an unknown or broken link: "This survey link is not valid".
    pub not_found_title: &'static str,
    /// Text of that page.
    pub not_found_body: &'static str,
    /// Heading of the page for a survey that no longer takes answers: "This survey has closed".
    pub expired_title: &'static str,
    /// Text of that page.
    pub expired_body: &'static str,
    /// The question the unsubscribe page asks; holds `{brand}`.
    pub unsubscribe_question: &'static str,
    /// The button that confirms it: "Unsubscribe".
    pub unsubscribe_button: &'static str,
    /// Text once unsubscribed; holds `{brand}`: "You will not receive any more surveys from
    /// {brand}.".
    pub unsubscribe_done: &'static str,
    /// The button that closes the widget overlay: "Close".
    pub close: &'static str,
    /// Default subject of a survey email; holds `{brand}`: "How likely are you to recommend
    /// {brand}?". See [`email_subject`].
    pub email_subject: &'static str,
    /// The line above the scale in a survey email: "Click a number to answer:".
    pub email_intro: &'static str,
    /// Why the respondent got the email, in its footer; holds `{brand}`.
    pub email_footer: &'static str,
    /// The unsubscribe link in the email footer: "Unsubscribe".
    pub email_unsubscribe: &'static str,
    /// Put before the subject of a reminder, with a space after: "Reminder:". See
    /// [`reminder_subject`].
    pub reminder_prefix: &'static str,
    /// The credit line: "Powered by Vouch".
    pub powered_by: &'static str,
}

static EN: Strings = Strings {
    scale_low: "Not at all likely",
    scale_high: "Extremely likely",
    follow_up: DEFAULT_FOLLOW_UP,
    submit: "Send",
    skip: "Skip",
    thanks_title: "Thank you!",
    thanks_body: "Your answer has been recorded.",
    change_answer: "You can change your answer",
    you_chose: "You chose {score}",
    score_aria: "{score} out of 10",
    score_error: "Choose a score from 0 to 10.",
    comment_label: "Your answer (optional)",
    email_label: "Your email (optional)",
    not_found_title: "This survey link is not valid",
    not_found_body: "Check that you opened the whole link, or use the one in the most recent email you received.",
    expired_title: "This survey has closed",
    expired_body: "It no longer accepts answers. Thank you for your interest.",
    unsubscribe_question: "Stop receiving surveys from {brand}?",
    unsubscribe_button: "Unsubscribe",
    unsubscribe_done: "You will not receive any more surveys from {brand}.",
    close: "Close",
    email_subject: "How likely are you to recommend {brand}?",
    email_intro: "Click a number to answer:",
    email_footer: "You received this email because {brand} would like your feedback.",
    email_unsubscribe: "Unsubscribe",
    reminder_prefix: "Reminder:",
    powered_by: "Powered by Vouch",
};

// French puts a no-break space before `?`, `!` and `:`, spelt `\u{a0}` here.
static FR: Strings = Strings {
    scale_low: "Pas du tout probable",
    scale_high: "Extrêmement probable",
    follow_up: "Quelle est la principale raison de votre note\u{a0}?",
    submit: "Envoyer",
    skip: "Passer",
    thanks_title: "Merci\u{a0}!",
    thanks_body: "Votre réponse a bien été enregistrée.",
    change_answer: "Vous pouvez modifier votre réponse",
    you_chose: "Vous avez choisi {score}",
    score_aria: "{score} sur 10",
    score_error: "Choisissez une note de 0 à 10.",
    comment_label: "Votre réponse (facultatif)",
    email_label: "Votre adresse e-mail (facultatif)",
    not_found_title: "Ce lien d’enquête n’est pas valide",
    not_found_body: "Vérifiez que vous avez ouvert le lien en entier, ou utilisez celui du dernier e-mail que vous avez reçu.",
    expired_title: "Cette enquête est terminée",
    expired_body: "Elle n’accepte plus de réponses. Merci de votre intérêt.",
    unsubscribe_question: "Ne plus recevoir d’enquêtes de {brand}\u{a0}?",
    unsubscribe_button: "Se désabonner",
    unsubscribe_done: "Vous ne recevrez plus d’enquêtes de {brand}.",
    close: "Fermer",
    email_subject: "Recommanderiez-vous {brand}\u{a0}?",
    email_intro: "Cliquez sur une note pour répondre\u{a0}:",
    email_footer: "Vous recevez cet e-mail parce que {brand} aimerait connaître votre avis.",
    email_unsubscribe: "Se désabonner",
    reminder_prefix: "Rappel\u{a0}:",
    powered_by: "Propulsé par Vouch",
};

static DE: Strings = Strings {
    scale_low: "Überhaupt nicht wahrscheinlich",
    scale_high: "Äußerst wahrscheinlich",
    follow_up: "Was ist der Hauptgrund für Ihre Bewertung?",
    submit: "Senden",
    skip: "Überspringen",
    thanks_title: "Vielen Dank!",
    thanks_body: "Ihre Antwort wurde gespeichert.",
    change_answer: "Sie können Ihre Antwort ändern",
    you_chose: "Ihre Bewertung: {score}",
    score_aria: "{score} von 10",
    score_error: "Wählen Sie einen Wert von 0 bis 10.",
    comment_label: "Ihre Antwort (optional)",
    email_label: "Ihre E-Mail-Adresse (optional)",
    not_found_title: "Dieser Umfragelink ist ungültig",
    not_found_body: "Prüfen Sie, ob Sie den vollständigen Link geöffnet haben, oder verwenden Sie den Link aus der neuesten E-Mail, die Sie erhalten haben.",
    expired_title: "Diese Umfrage ist beendet",
    expired_body: "Es werden keine Antworten mehr angenommen. Vielen Dank für Ihr Interesse.",
    unsubscribe_question: "Keine Umfragen mehr von {brand} erhalten?",
    unsubscribe_button: "Abmelden",
    unsubscribe_done: "Sie erhalten keine weiteren Umfragen von {brand}.",
    close: "Schließen",
    email_subject: "Wie wahrscheinlich ist es, dass Sie {brand} weiterempfehlen?",
    email_intro: "Klicken Sie auf eine Zahl, um zu antworten:",
    email_footer: "Sie erhalten diese E-Mail, weil {brand} Ihre Meinung interessiert.",
    email_unsubscribe: "Abmelden",
    reminder_prefix: "Erinnerung:",
    powered_by: "Bereitgestellt von Vouch",
};

static ES: Strings = Strings {
    scale_low: "Nada probable",
    scale_high: "Extremadamente probable",
    follow_up: "¿Cuál es el motivo principal de su puntuación?",
    submit: "Enviar",
    skip: "Omitir",
    thanks_title: "¡Gracias!",
    thanks_body: "Su respuesta se ha registrado.",
    change_answer: "Puede cambiar su respuesta",
    you_chose: "Ha elegido {score}",
    score_aria: "{score} de 10",
    score_error: "Elija una puntuación del 0 al 10.",
    comment_label: "Su respuesta (opcional)",
    email_label: "Su correo electrónico (opcional)",
    not_found_title: "Este enlace de encuesta no es válido",
    not_found_body: "Compruebe que ha abierto el enlace completo o utilice el del último correo que ha recibido.",
    expired_title: "Esta encuesta ha finalizado",
    expired_body: "Ya no admite respuestas. Gracias por su interés.",
    unsubscribe_question: "¿Dejar de recibir encuestas de {brand}?",
    unsubscribe_button: "Darse de baja",
    unsubscribe_done: "Ya no recibirá más encuestas de {brand}.",
    close: "Cerrar",
    email_subject: "¿Qué probabilidad hay de que recomiende {brand}?",
    email_intro: "Haga clic en un número para responder:",
    email_footer: "Ha recibido este correo porque a {brand} le interesa su opinión.",
    email_unsubscribe: "Darse de baja",
    reminder_prefix: "Recordatorio:",
    powered_by: "Con la tecnología de Vouch",
};

/// Every respondent-facing text in `lang`.
pub fn strings(lang: Language) -> &'static Strings {
    match lang {
        Language::En => &EN,
        Language::Fr => &FR,
        Language::De => &DE,
        Language::Es => &ES,
    }
}

/// `template` with every `{brand}` replaced by `brand`.
pub fn fill_brand(template: &str, brand: &str) -> String {
    template.replace("{brand}", brand)
}

/// `template` with every `{score}` replaced by `score`.
pub fn fill_score(template: &str, score: u8) -> String {
    template.replace("{score}", &score.to_string())
}

/// The default subject of a survey email from `brand`, e.g. "How likely are you to recommend
/// Acme?".
pub fn email_subject(lang: Language, brand: &str) -> String {
    fill_brand(strings(lang).email_subject, brand)
}

/// `subject` marked as a reminder, e.g. "Reminder: How likely are you to recommend Acme?".
pub fn reminder_subject(lang: Language, subject: &str) -> String {
    format!("{} {subject}", strings(lang).reminder_prefix)
}

/// The question a survey of `kind` asks in `lang` when it does not set its own. `brand` is the
/// company or product name; without one the question says "us" or "here". The English text is
/// what [`SurveyKind::default_question`] returns.
pub fn default_question(kind: SurveyKind, lang: Language, brand: Option<&str>) -> String {
    match (kind, lang, brand) {
        (SurveyKind::Nps, Language::En, Some(brand)) => {
            format!("How likely are you to recommend {brand} to a friend or colleague?")
        }
        (SurveyKind::Nps, Language::En, None) => {
            "How likely are you to recommend us to a friend or colleague?".to_owned()
        }
        (SurveyKind::Enps, Language::En, Some(brand)) => {
            format!("How likely are you to recommend working at {brand} to a friend?")
        }
        (SurveyKind::Enps, Language::En, None) => {
            "How likely are you to recommend working here to a friend?".to_owned()
        }
        (SurveyKind::Nps, Language::Fr, Some(brand)) => format!(
            "Quelle est la probabilité que vous recommandiez {brand} à un ami ou à un collègue\u{a0}?"
        ),
        (SurveyKind::Nps, Language::Fr, None) => {
            "Quelle est la probabilité que vous nous recommandiez à un ami ou à un collègue\u{a0}?"
                .to_owned()
        }
        (SurveyKind::Enps, Language::Fr, Some(brand)) => format!(
            "Quelle est la probabilité que vous recommandiez à un ami de travailler chez {brand}\u{a0}?"
        ),
        (SurveyKind::Enps, Language::Fr, None) => {
            "Quelle est la probabilité que vous recommandiez à un ami de travailler ici\u{a0}?"
                .to_owned()
        }
        (SurveyKind::Nps, Language::De, Some(brand)) => format!(
            "Wie wahrscheinlich ist es, dass Sie {brand} einem Freund oder Kollegen weiterempfehlen?"
        ),
        (SurveyKind::Nps, Language::De, None) => {
            "Wie wahrscheinlich ist es, dass Sie uns einem Freund oder Kollegen weiterempfehlen?"
                .to_owned()
        }
        (SurveyKind::Enps, Language::De, Some(brand)) => format!(
            "Wie wahrscheinlich ist es, dass Sie {brand} einem Freund als Arbeitgeber empfehlen?"
        ),
        (SurveyKind::Enps, Language::De, None) => {
            "Wie wahrscheinlich ist es, dass Sie uns einem Freund als Arbeitgeber empfehlen?"
                .to_owned()
        }
        (SurveyKind::Nps, Language::Es, Some(brand)) => {
            format!("¿Qué probabilidad hay de que recomiende {brand} a un amigo o colega?")
        }
        (SurveyKind::Nps, Language::Es, None) => {
            "¿Qué probabilidad hay de que nos recomiende a un amigo o colega?".to_owned()
        }
        (SurveyKind::Enps, Language::Es, Some(brand)) => {
            format!("¿Qué probabilidad hay de que recomiende trabajar en {brand} a un amigo?")
        }
        (SurveyKind::Enps, Language::Es, None) => {
            "¿Qué probabilidad hay de que recomiende trabajar aquí a un amigo?".to_owned()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every field of a [`Strings`], with its name, for checks that apply to all of them.
    /// Every field of a [`Strings`], with its name, for checks that apply to all of them. The
    /// destructuring is exhaustive, so a new field cannot be left out.
    fn fields(s: &Strings) -> [(&'static str, &'static str); 27] {
        let Strings {
            scale_low,
            scale_high,
            follow_up,
            submit,
            skip,
            thanks_title,
            thanks_body,
            change_answer,
            you_chose,
            score_aria,
            score_error,
            comment_label,
            email_label,
            not_found_title,
            not_found_body,
            expired_title,
            expired_body,
            unsubscribe_question,
            unsubscribe_button,
            unsubscribe_done,
            close,
            email_subject,
            email_intro,
            email_footer,
            email_unsubscribe,
            reminder_prefix,
            powered_by,
        } = *s;
        [
            ("scale_low", scale_low),
            ("scale_high", scale_high),
            ("follow_up", follow_up),
            ("submit", submit),
            ("skip", skip),
            ("thanks_title", thanks_title),
            ("thanks_body", thanks_body),
            ("change_answer", change_answer),
            ("you_chose", you_chose),
            ("score_aria", score_aria),
            ("score_error", score_error),
            ("comment_label", comment_label),
            ("email_label", email_label),
            ("not_found_title", not_found_title),
            ("not_found_body", not_found_body),
            ("expired_title", expired_title),
            ("expired_body", expired_body),
            ("unsubscribe_question", unsubscribe_question),
            ("unsubscribe_button", unsubscribe_button),
            ("unsubscribe_done", unsubscribe_done),
            ("close", close),
            ("email_subject", email_subject),
            ("email_intro", email_intro),
            ("email_footer", email_footer),
            ("email_unsubscribe", email_unsubscribe),
            ("reminder_prefix", reminder_prefix),
            ("powered_by", powered_by),
        ]
    }

    const WITH_BRAND: [&str; 4] = [
        "unsubscribe_question",
        "unsubscribe_done",
        "email_subject",
        "email_footer",
    ];
    const WITH_SCORE: [&str; 2] = ["you_chose", "score_aria"];

    #[test]
    fn codes_names_and_parse() {
        for lang in Language::ALL {
            assert_eq!(Language::parse(lang.code()), Some(lang));
            assert_eq!(Language::parse(&lang.code().to_uppercase()), Some(lang));
            assert!(!lang.name().is_empty());
        }
        assert_eq!(Language::En.code(), "en");
        assert_eq!(Language::Fr.name(), "Français");
        assert_eq!(Language::Es.name(), "Español");
        for text in ["fr", "FR", "Fr", "fr-CA", "fr_FR", " fr-ca ", "fr-Latn-FR"] {
            assert_eq!(Language::parse(text), Some(Language::Fr), "{text}");
        }
        assert_eq!(Language::parse("de-CH"), Some(Language::De));
        assert_eq!(Language::parse("es-419"), Some(Language::Es));
        for text in [
            "",
            " ",
            "it",
            "pt-BR",
            "fra",
            "f",
            "french",
            "fr-",
            "-fr",
            "fr--CA",
            "fr CA",
            "fr-C A",
            "fr-toolongsubtag",
            "*",
            "en;q=1",
        ] {
            assert_eq!(Language::parse(text), None, "{text:?}");
        }
    }

    #[test]
    fn negotiate_picks_highest_quality() {
        assert_eq!(
            negotiate("de-CH;q=0.9, fr;q=0.8, *;q=0.1"),
            Some(Language::De)
        );
        assert_eq!(negotiate("fr;q=0.8, de-CH;q=0.9"), Some(Language::De));
        assert_eq!(negotiate("it, es;q=0.5, en;q=0.7"), Some(Language::En));
        assert_eq!(negotiate("en-US,en;q=0.9"), Some(Language::En));
        assert_eq!(negotiate("fr"), Some(Language::Fr));
        assert_eq!(negotiate("es;q=0.5,de;q=1.000"), Some(Language::De));
        assert_eq!(negotiate("es;q=0.501,de;q=0.5"), Some(Language::Es));
        // A quality the language never reaches elsewhere does not hold it back.
        assert_eq!(negotiate("pt;q=1, fr;q=0.3"), Some(Language::Fr));
    }

    #[test]
    fn negotiate_ties_go_to_the_first() {
        assert_eq!(negotiate("es, fr"), Some(Language::Es));
        assert_eq!(negotiate("fr;q=0.5, es;q=0.5"), Some(Language::Fr));
        assert_eq!(
            negotiate("de;q=0.5, fr;q=0.50, es;q=0.500"),
            Some(Language::De)
        );
    }

    #[test]
    fn negotiate_excludes_zero_quality() {
        assert_eq!(negotiate("fr;q=0"), None);
        assert_eq!(negotiate("fr;q=0.000, de;q=0.1"), Some(Language::De));
        assert_eq!(negotiate("*;q=0.1"), None);
        assert_eq!(negotiate("*"), None);
    }

    #[test]
    fn negotiate_tolerates_garbage() {
        for header in [
            "",
            ",,,",
            ";;;",
            "q=0.9",
            "it, pt-BR;q=0.9",
            "fr;q=abc",
            "fr;q=2",
            "fr;q=1.5",
            "fr;q=-0.5",
            "fr;q=0.1234",
            "fr;q=.5",
            "fr;q=",
            "fr;q",
            "\u{0}\u{ffff}",
            "français",
        ] {
            assert_eq!(negotiate(header), None, "{header:?}");
        }
        // One bad item does not spoil the others.
        assert_eq!(negotiate("fr;q=bad, de;q=0.2"), Some(Language::De));
        // Spaces and case are tolerated, unknown parameters ignored.
        assert_eq!(negotiate("  FR-ca ; Q = 0.7 ,de;q=0.6"), Some(Language::Fr));
        assert_eq!(negotiate("de;level=1;q=0.4, es;q=0.3"), Some(Language::De));
        // A very long header is read only so far, and never panics.
        let long = "it;q=0.9,".repeat(10_000) + "fr";
        assert_eq!(negotiate(&long), None);
    }

    #[test]
    fn parse_quality_values() {
        assert_eq!(parse_quality("0"), Some(0));
        assert_eq!(parse_quality("0."), Some(0));
        assert_eq!(parse_quality("0.8"), Some(800));
        assert_eq!(parse_quality("0.85"), Some(850));
        assert_eq!(parse_quality("0.001"), Some(1));
        assert_eq!(parse_quality("1"), Some(1000));
        assert_eq!(parse_quality("1.0"), Some(1000));
        assert_eq!(parse_quality("1.000"), Some(1000));
        for bad in [
            "", "1.001", "2", "0.0000", "00.5", "0,5", "+0.5", "0.5x", "1e0",
        ] {
            assert_eq!(parse_quality(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn choose_prefers_contact_then_browser_then_default() {
        assert_eq!(choose(Some("fr"), Some("de"), Language::En), Language::Fr);
        assert_eq!(choose(Some("fr_FR"), None, Language::En), Language::Fr);
        assert_eq!(choose(Some("it"), Some("de"), Language::En), Language::De);
        assert_eq!(choose(Some(""), Some("de"), Language::En), Language::De);
        assert_eq!(
            choose(None, Some("es;q=0.4, it"), Language::En),
            Language::Es
        );
        assert_eq!(choose(None, Some("it"), Language::De), Language::De);
        assert_eq!(choose(Some("it"), Some("*"), Language::Es), Language::Es);
        assert_eq!(choose(None, None, Language::Fr), Language::Fr);
    }

    #[test]
    fn every_text_is_present_and_placeholders_are_where_documented() {
        for lang in Language::ALL {
            for (name, text) in fields(strings(lang)) {
                assert!(!text.trim().is_empty(), "{lang:?} {name}");
                assert_eq!(text, text.trim(), "{lang:?} {name}");
                assert!(!text.contains("  "), "{lang:?} {name}");
                assert_eq!(
                    text.contains("{brand}"),
                    WITH_BRAND.contains(&name),
                    "{lang:?} {name}: {text}"
                );
                assert_eq!(
                    text.contains("{score}"),
                    WITH_SCORE.contains(&name),
                    "{lang:?} {name}: {text}"
                );
                let stripped = text.replace("{brand}", "").replace("{score}", "");
                assert!(
                    !stripped.contains('{') && !stripped.contains('}'),
                    "{lang:?} {name}"
                );
            }
        }
    }

    #[test]
    fn translations_differ_from_english_where_the_words_do() {
        let en = fields(strings(Language::En));
        for lang in [Language::Fr, Language::De, Language::Es] {
            for ((name, english), (_, translated)) in en.iter().zip(fields(strings(lang))) {
                assert_ne!(*english, translated, "{lang:?} {name} is untranslated");
            }
        }
    }

    #[test]
    fn french_spaces_before_double_punctuation_do_not_break() {
        let mut texts: Vec<String> = fields(strings(Language::Fr))
            .iter()
            .map(|(_, text)| text.to_string())
            .collect();
        for kind in [SurveyKind::Nps, SurveyKind::Enps] {
            texts.push(default_question(kind, Language::Fr, Some("Acme")));
            texts.push(default_question(kind, Language::Fr, None));
        }
        for text in texts {
            for mark in ["?", "!", ":"] {
                assert!(!text.contains(&format!(" {mark}")), "{text}");
                if let Some(at) = text.find(mark) {
                    assert!(text[..at].ends_with('\u{a0}'), "{text}");
                }
            }
        }
    }

    #[test]
    fn english_texts_are_the_ones_named() {
        let en = strings(Language::En);
        assert_eq!(en.scale_low, "Not at all likely");
        assert_eq!(en.scale_high, "Extremely likely");
        assert_eq!(en.follow_up, DEFAULT_FOLLOW_UP);
        assert_eq!(en.thanks_title, "Thank you!");
        assert_eq!(en.thanks_body, "Your answer has been recorded.");
        assert_eq!(en.score_error, "Choose a score from 0 to 10.");
        assert_eq!(en.close, "Close");
        assert_eq!(en.powered_by, "Powered by Vouch");
    }

    #[test]
    fn filling_templates() {
        let en = strings(Language::En);
        assert_eq!(fill_score(en.score_aria, 7), "7 out of 10");
        assert_eq!(fill_score(en.you_chose, 10), "You chose 10");
        assert_eq!(
            fill_score(strings(Language::De).you_chose, 0),
            "Ihre Bewertung: 0"
        );
        assert_eq!(
            fill_brand(en.unsubscribe_done, "Acme"),
            "You will not receive any more surveys from Acme."
        );
        // A brand that looks like a placeholder is put in as it is, once.
        assert_eq!(fill_brand("{brand}!", "{brand}"), "{brand}!");
        assert_eq!(
            email_subject(Language::En, "Acme"),
            "How likely are you to recommend Acme?"
        );
        assert_eq!(
            email_subject(Language::Fr, "Acme"),
            "Recommanderiez-vous Acme\u{a0}?"
        );
        assert_eq!(
            reminder_subject(Language::En, &email_subject(Language::En, "Acme")),
            "Reminder: How likely are you to recommend Acme?"
        );
        assert_eq!(
            reminder_subject(Language::De, "Ihre Meinung"),
            "Erinnerung: Ihre Meinung"
        );
    }

    #[test]
    fn english_default_questions_match_survey_kind() {
        for kind in [SurveyKind::Nps, SurveyKind::Enps] {
            for brand in [Some("Acme"), None] {
                assert_eq!(
                    default_question(kind, Language::En, brand),
                    kind.default_question(brand)
                );
            }
        }
        assert_eq!(
            default_question(SurveyKind::Nps, Language::En, Some("Acme")),
            "How likely are you to recommend Acme to a friend or colleague?"
        );
        assert_eq!(
            default_question(SurveyKind::Enps, Language::En, None),
            "How likely are you to recommend working here to a friend?"
        );
    }

    #[test]
    fn default_questions_in_every_language() {
        for lang in Language::ALL {
            let mut seen = Vec::new();
            for kind in [SurveyKind::Nps, SurveyKind::Enps] {
                let branded = default_question(kind, lang, Some("Acme"));
                let plain = default_question(kind, lang, None);
                assert!(branded.contains("Acme"), "{branded}");
                assert!(!plain.contains("Acme"), "{plain}");
                assert!(branded.ends_with('?') && plain.ends_with('?'));
                seen.push(branded);
                seen.push(plain);
            }
            seen.sort();
            seen.dedup();
            assert_eq!(seen.len(), 4, "{lang:?}");
        }
        assert_eq!(
            default_question(SurveyKind::Nps, Language::De, Some("Acme")),
            "Wie wahrscheinlich ist es, dass Sie Acme einem Freund oder Kollegen weiterempfehlen?"
        );
        assert_eq!(
            default_question(SurveyKind::Enps, Language::Es, None),
            "¿Qué probabilidad hay de que recomiende trabajar aquí a un amigo?"
        );
    }
}
