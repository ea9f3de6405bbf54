//! The survey email: the question with the eleven score buttons in the email itself, so that
//! one click opens the survey page with the score chosen (the page records it by a POST, as
//! mail scanners follow links), a plain-text part listing the same eleven links, and a footer
//! with the unsubscribe link, also given in `List-Unsubscribe` headers for one-click
//! unsubscribing (RFC 8058).
//!
//! Links are `{public_url}/s/{token}?score=N` with the invitation's answer token and
//! `{public_url}/u/{token}` with its unsubscribe token (both signed over the invitation id,
//! see [`vouch_core::token`]).

use askama::Template;
use lettre::Message;
use lettre::message::header::{HeaderName, HeaderValue};
use lettre::message::{Mailbox, MultiPart, header};
use vouch_core::brand::{is_hex_color, is_logo_url};
use vouch_core::language::{self, Language};
use vouch_core::token::{self, Purpose};
use vouch_core::{Category, Score, SurveyKind};
use vouch_store::{Brand, Contact, InvitationId, Survey};

use crate::{JobError, JobResult};

/// The colour of each category's buttons (colour-blind-safe; the score is always printed).
pub fn category_color(category: Category) -> &'static str {
    match category {
        Category::Detractor => "#D55E00",
        Category::Passive => "#E69F00",
        Category::Promoter => "#009E73",
    }
}

/// The accent colour when a survey sets none.
const DEFAULT_BRAND_COLOR: &str = "#3B5BDB";

/// What an invitation email says, and to whom.
#[derive(Debug, Clone)]
pub struct EmailInput<'a> {
    /// The survey asked.
    pub survey: &'a Survey,
    /// The person asked.
    pub contact: &'a Contact,
    /// The invitation the links point at.
    pub invitation: InvitationId,
    /// The workspace's brand (the survey's own settings win over it).
    pub workspace_brand: &'a Brand,
    /// The name sentences use when no brand has one (the sender's name or domain).
    pub fallback_brand: &'a str,
    /// The server's link secret.
    pub link_secret: &'a [u8],
    /// The base of every link.
    pub public_url: &'a str,
    /// Whether this is the reminder.
    pub reminder: bool,
}

/// A rendered email, ready to be put into a message.
#[derive(Debug, Clone, PartialEq)]
pub struct RenderedEmail {
    /// The language it speaks.
    pub language: Language,
    /// Its subject.
    pub subject: String,
    /// The brand it is from (the sender's display name when the sender has none).
    pub brand: String,
    /// The plain-text part.
    pub text: String,
    /// The HTML part.
    pub html: String,
    /// The eleven score links, 0 to 10.
    pub score_links: Vec<String>,
    /// The unsubscribe page (also the `List-Unsubscribe` target).
    pub unsubscribe_url: String,
}

/// One score button.
#[derive(Debug, Clone)]
struct Button {
    score: u8,
    url: String,
    color: &'static str,
    label: String,
}

#[derive(Template)]
#[template(path = "invitation.html")]
struct HtmlTemplate<'a> {
    lang: &'a str,
    subject: &'a str,
    brand: &'a str,
    brand_color: &'a str,
    logo_url: Option<&'a str>,
    question: &'a str,
    intro: &'a str,
    buttons: &'a [Button],
    scale_low: &'a str,
    scale_high: &'a str,
    footer: &'a str,
    unsubscribe: &'a str,
    unsubscribe_url: &'a str,
}

#[derive(Template)]
#[template(path = "invitation.txt")]
struct TextTemplate<'a> {
    question: &'a str,
    intro: &'a str,
    buttons: &'a [Button],
    scale_low: &'a str,
    scale_high: &'a str,
    footer: &'a str,
    unsubscribe: &'a str,
    unsubscribe_url: &'a str,
}

/// The language to write to a contact in: their `language` attribute if Vouch speaks it,
/// else the survey's default.
pub fn language_for(survey: &Survey, contact: &Contact) -> Language {
    let contact_language = contact.attributes.get("language").map(|v| v.canonical());
    let default = Language::parse(&survey.settings.default_language).unwrap_or(Language::En);
    language::choose(contact_language.as_deref(), None, default)
}

/// The question in `lang`: the survey's translation, else the default question in that
/// language when the survey keeps the default wording, else the survey's own question.
pub fn question_in(survey: &Survey, lang: Language, brand: Option<&str>) -> String {
    let default = Language::parse(&survey.settings.default_language).unwrap_or(Language::En);
    if lang != default
        && let Some(question) = survey
            .settings
            .translations
            .get(lang.code())
            .and_then(|wording| wording.question.clone())
    {
        return question;
    }
    let kind: SurveyKind = survey.kind;
    let is_default_wording = survey.question == kind.default_question(None)
        || brand.is_some_and(|brand| survey.question == kind.default_question(Some(brand)));
    if is_default_wording && lang != Language::En {
        let branded = brand.filter(|brand| survey.question.contains(brand));
        return language::default_question(kind, lang, branded);
    }
    survey.question.clone()
}

/// Renders the invitation email.
pub fn render(input: &EmailInput<'_>) -> JobResult<RenderedEmail> {
    let lang = language_for(input.survey, input.contact);
    let strings = language::strings(lang);
    let look = input.survey.settings.brand_over(input.workspace_brand);
    let brand = look
        .name
        .clone()
        .unwrap_or_else(|| input.fallback_brand.to_owned());
    let base = input.public_url.trim_end_matches('/');
    let answer = token::sign(input.link_secret, Purpose::Answer, input.invitation.0);
    let unsubscribe_token =
        token::sign(input.link_secret, Purpose::Unsubscribe, input.invitation.0);
    let unsubscribe_url = format!("{base}/u/{unsubscribe_token}");
    let buttons: Vec<Button> = (0..=10u8)
        .map(|score| Button {
            score,
            url: format!("{base}/s/{answer}?score={score}"),
            color: category_color(
                Score::new(i64::from(score)).map_or(Category::Detractor, Score::category),
            ),
            label: language::fill_score(strings.score_aria, score),
        })
        .collect();
    let mut subject = language::email_subject(lang, &brand);
    if input.reminder {
        subject = language::reminder_subject(lang, &subject);
    }
    let question = question_in(input.survey, lang, Some(&brand));
    let footer = language::fill_brand(strings.email_footer, &brand);
    let brand_color = look
        .color
        .as_deref()
        .filter(|color| is_hex_color(color))
        .unwrap_or(DEFAULT_BRAND_COLOR);
    let logo_url = look.logo_url.as_deref().filter(|url| is_logo_url(url));
    let html = HtmlTemplate {
        lang: lang.code(),
        subject: &subject,
        brand: &brand,
        brand_color,
        logo_url,
        question: &question,
        intro: strings.email_intro,
        buttons: &buttons,
        scale_low: strings.scale_low,
        scale_high: strings.scale_high,
        footer: &footer,
        unsubscribe: strings.email_unsubscribe,
        unsubscribe_url: &unsubscribe_url,
    }
    .render()
    .map_err(|error| JobError::Permanent(format!("cannot render the email: {error}")))?;
    let text = TextTemplate {
        question: &question,
        intro: strings.email_intro,
        buttons: &buttons,
        scale_low: strings.scale_low,
        scale_high: strings.scale_high,
        footer: &footer,
        unsubscribe: strings.email_unsubscribe,
        unsubscribe_url: &unsubscribe_url,
    }
    .render()
    .map_err(|error| JobError::Permanent(format!("cannot render the email: {error}")))?;
    Ok(RenderedEmail {
        language: lang,
        subject,
        brand,
        text,
        html,
        score_links: buttons.into_iter().map(|button| button.url).collect(),
        unsubscribe_url,
    })
}

/// The name sentences use when no brand has one: the sender's display name, else its domain
/// (never the workspace's slug, which is internal).
pub fn sender_brand(sender: &Mailbox) -> String {
    sender
        .name
        .clone()
        .filter(|name| !name.trim().is_empty())
        .unwrap_or_else(|| sender.email.domain().to_owned())
}

/// [`sender_brand`] of a configured `smtp_from` (`None`: [`crate::DEFAULT_SMTP_FROM`]); an
/// address that does not parse (the worker refuses to start with it) is used as written.
pub fn sender_brand_of(smtp_from: Option<&str>) -> String {
    let from = smtp_from.unwrap_or(crate::DEFAULT_SMTP_FROM);
    from.parse::<Mailbox>()
        .map_or_else(|_| from.to_owned(), |sender| sender_brand(&sender))
}

/// The signing key of previews' links: they open nothing, since no server signs with it.
const PREVIEW_LINK_SECRET: &[u8] = b"an email preview: its links open no survey";

/// The invitation email of `survey` as [`render`] makes it for a contact who set no language,
/// for a person to look at before sending: the same subject, body and brand, with links that
/// open nothing.
pub fn render_preview(
    survey: &Survey,
    workspace_brand: &Brand,
    smtp_from: Option<&str>,
    public_url: &str,
) -> JobResult<RenderedEmail> {
    let contact = Contact {
        id: vouch_store::ContactId(0),
        external_id: None,
        email: None,
        attributes: vouch_store::Attributes::new(),
    };
    render(&EmailInput {
        survey,
        contact: &contact,
        invitation: InvitationId(0),
        workspace_brand,
        fallback_brand: &sender_brand_of(smtp_from),
        link_secret: PREVIEW_LINK_SECRET,
        public_url,
        reminder: false,
    })
}

/// Puts a rendered email into a message from `from` to `to`: multipart/alternative (text,
/// then HTML), with `List-Unsubscribe` and `List-Unsubscribe-Post` headers and a random
/// `Message-ID` in the sender's domain.
pub fn message(rendered: &RenderedEmail, from: &Mailbox, to: &str) -> JobResult<Message> {
    let to: Mailbox = to.parse().map_err(|error| {
        JobError::Permanent(format!("invalid recipient address {to:?}: {error}"))
    })?;
    let from = match from.name {
        Some(_) => from.clone(),
        None => Mailbox::new(Some(rendered.brand.clone()), from.email.clone()),
    };
    // A Message-ID in the sender's domain: some spam filters frown on mail without one.
    let message_id = format!(
        "<{:016x}{:016x}@{}>",
        rand::random::<u64>(),
        rand::random::<u64>(),
        from.email.domain()
    );
    Message::builder()
        .message_id(Some(message_id))
        .from(from)
        .to(to)
        .subject(rendered.subject.clone())
        .header(ListUnsubscribe(format!("<{}>", rendered.unsubscribe_url)))
        .header(ListUnsubscribePost)
        .multipart(MultiPart::alternative_plain_html(
            rendered.text.clone(),
            rendered.html.clone(),
        ))
        .map_err(|error| JobError::Permanent(format!("cannot build the email: {error}")))
}

/// `List-Unsubscribe: <URL>` (RFC 2369).
#[derive(Debug, Clone)]
struct ListUnsubscribe(String);

impl header::Header for ListUnsubscribe {
    fn name() -> HeaderName {
        HeaderName::new_from_ascii_str("List-Unsubscribe")
    }

    fn parse(text: &str) -> Result<Self, Box<dyn std::error::Error + Send + Sync>> {
        Ok(ListUnsubscribe(text.to_owned()))
    }

    fn display(&self) -> HeaderValue {
        HeaderValue::new(Self::name(), self.0.clone())
    }
}

/// `List-Unsubscribe-Post: List-Unsubscribe=One-Click` (RFC 8058): mail clients may
/// unsubscribe by a POST to the `List-Unsubscribe` URL without opening it.
#[derive(Debug, Clone)]
struct ListUnsubscribePost;

impl header::Header for ListUnsubscribePost {
    fn name() -> HeaderName {
        HeaderName::new_from_ascii_str("List-Unsubscribe-Post")
    }

    fn parse(_text: &str) -> Result<Self, Box<dyn std::error::Error + Send + Sync>> {
        Ok(ListUnsubscribePost)
    }

    fn display(&self) -> HeaderValue {
        HeaderValue::new(Self::name(), "List-Unsubscribe=One-Click".to_owned())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use vouch_core::AttributeValue;
    use vouch_store::{ContactId, SurveyId, SurveySettings, Wording};

    const SECRET: &[u8] = b"0123456789abcdef0123456789abcdef";

    fn survey(settings: SurveySettings) -> Survey {
        Survey {
            id: SurveyId(1),
            name: "Product".into(),
            kind: SurveyKind::Nps,
            question: SurveyKind::Nps.default_question(None),
            follow_up: vouch_core::survey::DEFAULT_FOLLOW_UP.into(),
            created_at: Timestamp::UNIX_EPOCH,
            archived: false,
            slug: "product-1234".into(),
            settings,
        }
    }

    use jiff::Timestamp;

    fn contact(language: Option<&str>) -> Contact {
        let mut attributes = vouch_store::Attributes::new();
        if let Some(language) = language {
            attributes.insert("language".into(), AttributeValue::infer(language));
        }
        Contact {
            id: ContactId(9),
            external_id: None,
            email: Some("ann@example.com".into()),
            attributes,
        }
    }

    fn render_with(survey: &Survey, contact: &Contact, reminder: bool) -> RenderedEmail {
        render(&EmailInput {
            survey,
            contact,
            invitation: InvitationId(42),
            workspace_brand: &Brand::default(),
            fallback_brand: "acme",
            link_secret: SECRET,
            public_url: "https://nps.example.com/",
            reminder,
        })
        .unwrap()
    }

    #[test]
    fn the_workspace_brand_shows_where_the_survey_sets_none() {
        let workspace = Brand {
            name: Some("Acme Analytics".into()),
            color: Some("#123456".into()),
            logo_url: Some("https://acme.example/logo.svg".into()),
        };
        let ann = contact(None);
        let input = |survey| EmailInput {
            survey,
            contact: &ann,
            invitation: InvitationId(42),
            workspace_brand: &workspace,
            fallback_brand: "nps.example.com",
            link_secret: SECRET,
            public_url: "https://nps.example.com/",
            reminder: false,
        };
        let plain = survey(SurveySettings::default());
        let email = render(&input(&plain)).unwrap();
        assert_eq!(email.brand, "Acme Analytics");
        assert!(
            email.subject.contains("Acme Analytics"),
            "{}",
            email.subject
        );
        assert!(email.html.contains("#123456") && email.html.contains("acme.example/logo.svg"));
        assert!(email.text.contains("Acme Analytics"));
        let own = survey(SurveySettings {
            brand_name: Some("Acme Cloud".into()),
            ..SurveySettings::default()
        });
        let email = render(&input(&own)).unwrap();
        assert!(email.subject.contains("Acme Cloud") && !email.subject.contains("Analytics"));
        // No brand anywhere: the sender's name or domain, never an internal slug.
        let email = render_with(&plain, &contact(None), false);
        assert_eq!(email.brand, "acme");
    }

    #[test]
    fn the_email_carries_eleven_signed_score_links_in_both_parts() {
        let email = render_with(&survey(SurveySettings::default()), &contact(None), false);
        let token = token::sign(SECRET, Purpose::Answer, 42);
        assert_eq!(email.score_links.len(), 11);
        for (score, link) in email.score_links.iter().enumerate() {
            assert_eq!(
                link,
                &format!("https://nps.example.com/s/{token}?score={score}")
            );
            assert!(email.text.contains(link.as_str()), "text lacks {link}");
            assert!(
                email.html.contains(&format!("href=\"{link}\"")),
                "html lacks {link}"
            );
        }
        assert_eq!(email.html.matches("/s/").count(), 11);
        assert_eq!(email.text.matches("/s/").count(), 11);
        assert!(
            email.text.contains("0 (Not at all likely): "),
            "{}",
            email.text
        );
        assert!(
            email.text.contains("10 (Extremely likely): "),
            "{}",
            email.text
        );
        assert!(email.html.contains("Not at all likely"));
        assert!(email.html.contains("#D55E00") && email.html.contains("#009E73"));
        let unsubscribe = token::sign(SECRET, Purpose::Unsubscribe, 42);
        assert_eq!(
            email.unsubscribe_url,
            format!("https://nps.example.com/u/{unsubscribe}")
        );
        assert!(email.html.contains(&email.unsubscribe_url));
        assert!(email.text.contains(&email.unsubscribe_url));
        assert_eq!(email.subject, "How likely are you to recommend acme?");
    }

    #[test]
    fn survey_settings_are_escaped_in_html() {
        let settings = SurveySettings {
            brand_name: Some("<script>alert(1)</script> & Co".into()),
            brand_color: Some("red;background:url(x)".into()),
            logo_url: Some("javascript:alert(1)".into()),
            ..SurveySettings::default()
        };
        let mut survey = survey(settings);
        survey.question = "Would you recommend \"<b>us</b>\"?".into();
        let email = render_with(&survey, &contact(None), false);
        assert!(!email.html.contains("<script>"), "{}", email.html);
        assert!(!email.html.contains("<b>us"), "{}", email.html);
        assert!(email.html.contains("&#60;script&#62;") || email.html.contains("&lt;script&gt;"));
        assert!(!email.html.contains("javascript:"));
        assert!(!email.html.contains("url(x)"));
        assert!(email.html.contains(DEFAULT_BRAND_COLOR));
        // The text part is plain text: nothing to escape.
        assert!(email.text.contains("Would you recommend \"<b>us</b>\"?"));
    }

    #[test]
    fn brand_colour_and_logo_are_used_when_valid() {
        let settings = SurveySettings {
            brand_name: Some("Acme".into()),
            brand_color: Some("#112233".into()),
            logo_url: Some("https://acme.example/logo.png".into()),
            ..SurveySettings::default()
        };
        let email = render_with(&survey(settings), &contact(None), false);
        assert!(email.html.contains("#112233"));
        assert!(email.html.contains("src=\"https://acme.example/logo.png\""));
        assert_eq!(email.brand, "Acme");
    }

    #[test]
    fn the_contacts_language_is_spoken() {
        let email = render_with(
            &survey(SurveySettings::default()),
            &contact(Some("fr-CA")),
            true,
        );
        assert_eq!(email.language, Language::Fr);
        assert_eq!(
            email.subject,
            "Rappel\u{a0}: Recommanderiez-vous acme\u{a0}?"
        );
        assert!(
            email.text.starts_with("Quelle est la probabilité"),
            "{}",
            email.text
        );
        assert!(email.html.contains("lang=\"fr\""));
        // A translation set on the survey wins over the default wording.
        let mut settings = SurveySettings::default();
        settings.translations.insert(
            "de".into(),
            Wording {
                question: Some("Empfehlen Sie uns?".into()),
                follow_up: None,
            },
        );
        let email = render_with(&survey(settings), &contact(Some("de")), false);
        assert!(
            email.text.starts_with("Empfehlen Sie uns?"),
            "{}",
            email.text
        );
        // An unknown language falls back to the survey's default.
        let email = render_with(
            &survey(SurveySettings::default()),
            &contact(Some("pt")),
            false,
        );
        assert_eq!(email.language, Language::En);
    }

    #[test]
    fn the_message_is_multipart_with_one_click_unsubscribe_headers() {
        let email = render_with(&survey(SurveySettings::default()), &contact(None), false);
        let from: Mailbox = "nps@acme.example".parse().unwrap();
        let built = message(&email, &from, "ann@example.com").unwrap();
        let raw = String::from_utf8(built.formatted()).unwrap();
        assert!(raw.contains("multipart/alternative"), "{raw}");
        assert!(
            raw.contains("Content-Type: text/plain; charset=utf-8"),
            "{raw}"
        );
        assert!(
            raw.contains("Content-Type: text/html; charset=utf-8"),
            "{raw}"
        );
        assert!(
            raw.contains(&format!("List-Unsubscribe: <{}>", email.unsubscribe_url)),
            "{raw}"
        );
        assert!(raw.contains("List-Unsubscribe-Post: List-Unsubscribe=One-Click"));
        assert!(raw.contains("From: acme <nps@acme.example>"), "{raw}");
        assert!(raw.contains("@acme.example>\r\n"), "a Message-ID: {raw}");
        assert!(raw.contains("Message-ID: <"), "{raw}");
        assert!(message(&email, &from, "not an address").is_err());
    }
}
