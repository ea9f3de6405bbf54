//! Survey pages: the askama templates (`templates/survey/`, checked at compile time), the frame
//! every page shares (language, brand, colours), their security headers, and the error pages.

use std::time::Duration;

use askama::Template;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use vouch_core::Score;
use vouch_core::language::{Language, Strings, fill_score, strings};
use vouch_store::{Brand, StoreError};

use super::assets::{script_src, stylesheet_href};
use super::limiter::retry_after_seconds;
use super::wording::{self, page_texts};
use vouch_web::error::ApiError;

/// What every page shows around its content.
#[derive(Debug, Clone)]
pub(crate) struct Frame {
    /// The `lang` of `<html>`.
    pub(crate) lang: &'static str,
    /// The `<title>`.
    pub(crate) title: String,
    /// The brand named in the header.
    pub(crate) brand_name: Option<String>,
    /// The logo in the header.
    pub(crate) logo_url: Option<String>,
    /// The accent colour, `#RRGGBB` (checked: it goes into a `<style>`).
    pub(crate) brand_color: String,
    /// Black or white, whichever reads best on the accent colour.
    pub(crate) on_brand: &'static str,
    /// The stylesheet's URL.
    pub(crate) css: String,
    /// The script's URL.
    pub(crate) js: String,
    /// The credit line.
    pub(crate) powered_by: &'static str,
}

impl Frame {
    /// A frame without a survey: neutral colours, no brand.
    pub(crate) fn plain(lang: Language, title: &str) -> Frame {
        Frame {
            lang: lang.code(),
            title: title.to_owned(),
            brand_name: None,
            logo_url: None,
            brand_color: wording::DEFAULT_BRAND_COLOR.to_owned(),
            on_brand: wording::text_color_on(wording::DEFAULT_BRAND_COLOR),
            css: stylesheet_href(),
            js: script_src(),
            powered_by: strings(lang).powered_by,
        }
    }

    /// A frame in a survey's brand (see `SurveySettings::brand_over`).
    pub(crate) fn survey(brand: &Brand, lang: Language, title: &str) -> Frame {
        let brand_color = wording::brand_color(brand);
        Frame {
            brand_name: wording::brand_name(brand),
            logo_url: wording::logo_url(brand),
            on_brand: wording::text_color_on(&brand_color),
            brand_color,
            ..Frame::plain(lang, title)
        }
    }
}

/// One of the eleven score buttons.
#[derive(Debug, Clone)]
pub(crate) struct ScoreButton {
    /// 0 to 10.
    pub(crate) value: u8,
    /// `detractor`, `passive` or `promoter`: its colour.
    pub(crate) category: &'static str,
    /// Its accessible name ("9 out of 10").
    pub(crate) label: String,
}

/// The eleven buttons in `lang`.
pub(crate) fn score_buttons(lang: Language) -> Vec<ScoreButton> {
    (0..=Score::MAX)
        .filter_map(|value| Score::new(i64::from(value)).ok())
        .map(|score| ScoreButton {
            value: score.value(),
            category: score.category().as_str(),
            label: fill_score(strings(lang).score_aria, score.value()),
        })
        .collect()
}

/// The fields of a public link that say who answers.
#[derive(Debug, Clone, Default)]
pub(crate) struct IdentityFields {
    /// Whether to ask for an email (NPS only: eNPS takes no identity).
    pub(crate) show_email: bool,
    /// The label of the email field.
    pub(crate) email_label: &'static str,
    /// Its value.
    pub(crate) email: String,
    /// Whether the value was refused.
    pub(crate) email_error: bool,
    /// An external id given in the link (`?id=`), sent along hidden.
    pub(crate) external_id: Option<String>,
}

/// The question and the eleven buttons.
#[derive(Debug, Template)]
#[template(path = "survey/question.html")]
pub(crate) struct QuestionPage {
    pub(crate) frame: Frame,
    /// Where the form posts, relative to the page.
    pub(crate) action: String,
    pub(crate) question: String,
    pub(crate) scores: Vec<ScoreButton>,
    pub(crate) low: &'static str,
    pub(crate) high: &'static str,
    /// Why the last post was refused.
    pub(crate) error: Option<String>,
    /// The identity fields of a public link.
    pub(crate) identity: Option<IdentityFields>,
}

impl QuestionPage {
    /// The question page of a survey.
    pub(crate) fn new(frame: Frame, lang: Language, action: String, question: String) -> Self {
        let texts = strings(lang);
        QuestionPage {
            frame,
            action,
            question,
            scores: score_buttons(lang),
            low: texts.scale_low,
            high: texts.scale_high,
            error: None,
            identity: None,
        }
    }
}

/// The score chosen and the "why?" form.
#[derive(Debug, Template)]
#[template(path = "survey/follow_up.html")]
pub(crate) struct FollowUpPage {
    pub(crate) frame: Frame,
    pub(crate) action: String,
    pub(crate) score: u8,
    pub(crate) category: &'static str,
    pub(crate) you_chose: String,
    pub(crate) follow_up: String,
    pub(crate) comment_label: &'static str,
    pub(crate) comment: String,
    pub(crate) max_chars: usize,
    pub(crate) error: Option<String>,
    /// Whether the page script should post the score at once (the score is not recorded yet).
    pub(crate) autopost: bool,
    /// The status line: "Your answer has been recorded." once it is.
    pub(crate) status: &'static str,
    /// What the script writes into the status line once it posted the score.
    pub(crate) saved_text: &'static str,
    pub(crate) submit: &'static str,
    pub(crate) change_href: String,
    pub(crate) change_text: &'static str,
}

/// What a follow-up page needs besides its wording.
#[derive(Debug, Clone)]
pub(crate) struct FollowUpForm {
    /// Where it posts (and where "change your answer" goes), relative to the page.
    pub(crate) action: String,
    /// The score chosen.
    pub(crate) score: Score,
    /// The comment typed so far.
    pub(crate) comment: String,
    /// Whether the score is already recorded (otherwise the script posts it).
    pub(crate) recorded: bool,
    /// The longest comment.
    pub(crate) max_chars: usize,
}

impl FollowUpPage {
    /// The follow-up page of a score.
    pub(crate) fn new(frame: Frame, lang: Language, follow_up: String, form: FollowUpForm) -> Self {
        let texts = strings(lang);
        FollowUpPage {
            frame,
            change_href: form.action.clone(),
            action: form.action,
            score: form.score.value(),
            category: form.score.category().as_str(),
            you_chose: fill_score(texts.you_chose, form.score.value()),
            follow_up,
            comment_label: texts.comment_label,
            comment: form.comment,
            max_chars: form.max_chars,
            error: None,
            autopost: !form.recorded,
            status: if form.recorded { texts.thanks_body } else { "" },
            saved_text: texts.thanks_body,
            submit: texts.submit,
            change_text: texts.change_answer,
        }
    }
}

/// "Thank you!"
#[derive(Debug, Template)]
#[template(path = "survey/thanks.html")]
pub(crate) struct ThanksPage {
    pub(crate) frame: Frame,
    pub(crate) title: &'static str,
    pub(crate) body: &'static str,
    pub(crate) change_href: String,
    pub(crate) change_text: &'static str,
}

impl ThanksPage {
    /// The thanks page, with a link back to the survey page of the answer.
    pub(crate) fn new(frame: Frame, lang: Language, change_href: String) -> ThanksPage {
        let texts = strings(lang);
        ThanksPage {
            frame,
            title: texts.thanks_title,
            body: texts.thanks_body,
            change_href,
            change_text: texts.change_answer,
        }
    }
}

/// A heading and a sentence: unknown link, closed survey, too many requests, failure.
#[derive(Debug, Template)]
#[template(path = "survey/message.html")]
pub(crate) struct MessagePage {
    pub(crate) frame: Frame,
    pub(crate) title: &'static str,
    pub(crate) body: &'static str,
}

/// The unsubscribe question (with its button), or its confirmation.
#[derive(Debug, Template)]
#[template(path = "survey/unsubscribe.html")]
pub(crate) struct UnsubscribePage {
    pub(crate) frame: Frame,
    pub(crate) heading: String,
    pub(crate) action: String,
    /// The confirming button; `None` once unsubscribed.
    pub(crate) button: Option<&'static str>,
}

/// The policy of every page: our own stylesheet (plus the inline brand colour), our own
/// script, images from anywhere (logos), forms and fetches to this server only.
const CONTENT_SECURITY_POLICY: &str = "default-src 'none'; script-src 'self'; \
    style-src 'self' 'unsafe-inline'; img-src https: http: data:; connect-src 'self'; \
    form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

/// A rendered page with its status and headers. Pages carry tokens and answers: never cached,
/// never sent as a referrer (the logo may be on another host), never framed.
pub(crate) fn render(template: &impl Template, status: StatusCode) -> Response {
    let html = match template.render() {
        Ok(html) => html,
        Err(error) => {
            tracing::error!(%error, "rendering a survey page failed");
            return (
                StatusCode::INTERNAL_SERVER_ERROR,
                "the page could not be shown",
            )
                .into_response();
        }
    };
    let mut response = (status, Html(html)).into_response();
    let headers = response.headers_mut();
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(CONTENT_SECURITY_POLICY),
    );
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    response
}

/// Why a survey page cannot be shown or an answer not taken.
#[derive(Debug, thiserror::Error)]
pub(crate) enum PageError {
    /// 404: an unknown or tampered token or slug.
    #[error("this survey link is not valid")]
    NotFound,
    /// 410: the invitation expired, the survey is archived or its link is off.
    #[error("this survey no longer takes answers")]
    Gone,
    /// 429: too many posts from this address or for this contact.
    #[error("too many answers at once: try again in {} s", retry_after_seconds(*.0))]
    TooManyRequests(Duration),
    /// 500: the server failed (logged).
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

impl From<StoreError> for PageError {
    fn from(error: StoreError) -> PageError {
        match error {
            StoreError::NotFound(_) => PageError::NotFound,
            other => PageError::Internal(super::store_failure(other)),
        }
    }
}

impl PageError {
    /// The error as a page in `lang`, or as the API's JSON error when `json`.
    pub(crate) fn reply(self, lang: Language, json: bool) -> Response {
        let retry_after = match &self {
            PageError::TooManyRequests(wait) => Some(retry_after_seconds(*wait)),
            _ => None,
        };
        let mut response = if json {
            self.into_api_error().into_response()
        } else {
            self.page(lang)
        };
        if let Some(seconds) = retry_after {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(seconds));
        }
        response
    }

    /// The API's error for the same cause.
    pub(crate) fn into_api_error(self) -> ApiError {
        match self {
            PageError::NotFound => ApiError::not_found(self.to_string()),
            PageError::Gone => ApiError::Gone(self.to_string()),
            PageError::TooManyRequests(_) => ApiError::TooManyRequests(self.to_string()),
            PageError::Internal(cause) => ApiError::Internal(cause),
        }
    }

    fn page(self, lang: Language) -> Response {
        let texts: &Strings = strings(lang);
        let extra = page_texts(lang);
        let (status, title, body) = match &self {
            PageError::NotFound => (
                StatusCode::NOT_FOUND,
                texts.not_found_title,
                texts.not_found_body,
            ),
            PageError::Gone => (StatusCode::GONE, texts.expired_title, texts.expired_body),
            PageError::TooManyRequests(_) => (
                StatusCode::TOO_MANY_REQUESTS,
                extra.too_many_title,
                extra.too_many_body,
            ),
            PageError::Internal(cause) => {
                tracing::error!(error = format!("{cause:#}"), "a survey page failed");
                (
                    StatusCode::INTERNAL_SERVER_ERROR,
                    extra.failed_title,
                    extra.failed_body,
                )
            }
        };
        let page = MessagePage {
            frame: Frame::plain(lang, title),
            title,
            body,
        };
        render(&page, status)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn body(response: Response) -> String {
        let bytes = axum::body::to_bytes(response.into_body(), usize::MAX)
            .await
            .unwrap();
        String::from_utf8(bytes.to_vec()).unwrap()
    }

    #[tokio::test]
    async fn the_question_page_has_eleven_labelled_buttons_in_one_form() {
        let page = QuestionPage::new(
            Frame::plain(Language::Fr, "Q"),
            Language::Fr,
            "tok".into(),
            "Recommanderiez-vous <Acme>\u{a0}?".into(),
        );
        let response = render(&page, StatusCode::OK);
        assert_eq!(response.headers()[header::CACHE_CONTROL], "no-store");
        let html = body(response).await;
        assert!(html.starts_with("<!DOCTYPE html>"));
        assert!(html.contains(r#"<html lang="fr">"#));
        assert!(
            !html.contains("<Acme>") && html.contains("Acme&#62;"),
            "escaped: {html}"
        );
        for value in 0..=10 {
            assert!(
                html.contains(&format!(r#"data-score="{value}""#)),
                "{value}"
            );
            assert!(html.contains(&format!(r#"aria-label="{value} sur 10""#)));
        }
        assert_eq!(html.matches(r#"name="score""#).count(), 11);
        assert!(html.contains("Pas du tout probable") && html.contains("Extrêmement probable"));
        assert!(html.contains("<main") && html.contains("<footer"));
        assert!(!html.contains("<header"), "no empty banner without a brand");
    }

    #[tokio::test]
    async fn errors_are_pages_or_json_with_retry_after() {
        let response =
            PageError::TooManyRequests(Duration::from_millis(2_500)).reply(Language::De, false);
        assert_eq!(response.status(), StatusCode::TOO_MANY_REQUESTS);
        assert_eq!(response.headers()[header::RETRY_AFTER], "3");
        assert!(body(response).await.contains("Zu viele Antworten"));
        let response = PageError::Gone.reply(Language::En, true);
        assert_eq!(response.status(), StatusCode::GONE);
        assert!(body(response).await.contains(r#""code":"gone""#));
    }
}
