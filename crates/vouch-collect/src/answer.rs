//! `/s/{token}`: the survey page of one invitation, where email buttons lead and where public
//! link and follow-up forms post.
//!
//! `GET` shows the question (or, with `?score=N` from an email button, the score chosen and
//! the "why?" form, whose script posts the score at once) and records nothing but that the
//! page was opened. `POST` (`score`, optional `comment`) records the answer: again replaces.

use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use jiff::Timestamp;
use serde::Serialize;
use vouch_core::language::{Language, choose, strings};
use vouch_core::token::Purpose;
use vouch_store::{Answer, Contact, Invitation, InvitationId, StoredResponse, Survey};

use super::Collect;
use super::limiter::ip_key;
use super::page::{FollowUpForm, FollowUpPage, Frame, PageError, QuestionPage, ThanksPage, render};
use super::request::{ClientIp, accept_language, field, form_fields, query_fields, wants_json};
use super::wording::{self, form_score, page_texts};
use vouch_web::error::ApiError;
use vouch_web::state::Limits;

/// The JSON reply to an answer posted by a script.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct AnswerJson {
    /// The stored response (the same id is never reused: an answer given again gets a new one).
    pub(crate) response_id: i64,
    /// The score recorded.
    pub(crate) score: u8,
    /// The token of the survey page of this answer (public link answers only), to add a
    /// comment or change the score.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) token: Option<String>,
}

impl AnswerJson {
    pub(crate) fn new(stored: &StoredResponse, token: Option<String>) -> AnswerJson {
        AnswerJson {
            response_id: stored.id.0,
            score: stored.score.value(),
            token,
        }
    }
}

/// An invitation opened through its token, with what its page needs.
pub(crate) struct Invited {
    pub(crate) invitation: Invitation,
    pub(crate) survey: Survey,
    pub(crate) contact: Contact,
    pub(crate) lang: Language,
    /// How the survey shows itself.
    pub(crate) look: vouch_store::Brand,
    /// The brand's name as sentences read it.
    pub(crate) brand: String,
}

impl Invited {
    /// The invitation of a token of `purpose`, its survey and contact; `NotFound` for anything
    /// unknown. Sets `lang` to the respondent's language as soon as it is known, so that
    /// errors speak it too. Says nothing yet about whether it still takes answers.
    pub(crate) async fn open(
        collect: &Collect,
        purpose: Purpose,
        token: &str,
        headers: &HeaderMap,
        lang: &mut Language,
    ) -> Result<Invited, PageError> {
        let id = collect
            .verify(purpose, token)
            .await?
            .ok_or(PageError::NotFound)?;
        let store = collect.store();
        let invitation = store
            .invitation(InvitationId(id))
            .await?
            .ok_or(PageError::NotFound)?;
        let workspace = invitation.workspace;
        let survey = collect
            .survey(workspace, invitation.survey)
            .await?
            .ok_or(PageError::NotFound)?;
        let contact = store
            .contact_by_id(workspace, invitation.contact)
            .await?
            .ok_or(PageError::NotFound)?;
        *lang = wording::respondent_language(
            &survey,
            Some(&contact.attributes),
            accept_language(headers),
        );
        let look = collect.brand(workspace, &survey).await?;
        let brand = collect.brand_text(&look);
        Ok(Invited {
            invitation,
            survey,
            contact,
            lang: *lang,
            look,
            brand,
        })
    }

    /// `Gone` when the invitation expired or its survey is archived.
    fn check_open(&self, now: Timestamp) -> Result<(), PageError> {
        if self.invitation.expires_at < now || self.survey.archived {
            return Err(PageError::Gone);
        }
        Ok(())
    }

    fn frame(&self, title: &str) -> Frame {
        Frame::survey(&self.look, self.lang, title)
    }
}

/// The language of a page before anything about the respondent is known.
pub(crate) fn first_language(headers: &HeaderMap) -> Language {
    choose(None, accept_language(headers), Language::En)
}

/// `GET /s/{token}`.
pub(crate) async fn show(
    State(collect): State<Collect>,
    Path(token): Path<String>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
) -> Response {
    let mut lang = first_language(&headers);
    show_page(&collect, &token, query.as_deref(), &headers, &mut lang)
        .await
        .unwrap_or_else(|error| error.reply(lang, false))
}

async fn show_page(
    collect: &Collect,
    token: &str,
    query: Option<&str>,
    headers: &HeaderMap,
    lang: &mut Language,
) -> Result<Response, PageError> {
    let now = Timestamp::now();
    let invited = Invited::open(collect, Purpose::Answer, token, headers, lang).await?;
    invited.check_open(now)?;
    if invited.invitation.opened_at.is_none() {
        collect
            .store()
            .mark_opened(invited.invitation.id, now)
            .await?;
    }
    let chosen = field(&query_fields(query), "score").and_then(form_score);
    let action = token.to_owned();
    Ok(match chosen {
        Some(score) => {
            let form = FollowUpForm {
                action,
                score,
                comment: current_comment(collect, &invited)
                    .await?
                    .unwrap_or_default(),
                recorded: false,
                max_chars: collect.limits().comment_chars,
            };
            follow_up_page(&invited, form, StatusCode::OK)
        }
        None => question_page(&invited, action, None, StatusCode::OK),
    })
}

/// `POST /s/{token}` (form: `score`, optional `comment`).
pub(crate) async fn submit(
    State(collect): State<Collect>,
    Path(token): Path<String>,
    ClientIp(ip): ClientIp,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let mut lang = first_language(&headers);
    let json = wants_json(&headers);
    submit_answer(&collect, &token, ip, &headers, &body, &mut lang)
        .await
        .unwrap_or_else(|error| error.reply(lang, json))
}

async fn submit_answer(
    collect: &Collect,
    token: &str,
    ip: Option<std::net::IpAddr>,
    headers: &HeaderMap,
    body: &[u8],
    lang: &mut Language,
) -> Result<Response, PageError> {
    let now = Timestamp::now();
    check_page_ip(collect, ip)?;
    let invited = Invited::open(collect, Purpose::Answer, token, headers, lang).await?;
    invited.check_open(now)?;
    let contact_key = format!(
        "{}:contact:{}",
        invited.invitation.workspace.0, invited.contact.id.0
    );
    collect
        .limiters()
        .page_contact
        .check(&contact_key)
        .map_err(PageError::TooManyRequests)?;
    let json = wants_json(headers);
    let fields = form_fields(body);
    let comment_field = field(&fields, "comment");
    let Some(score) = field(&fields, "score").and_then(form_score) else {
        return Ok(refused_score(&invited, token.to_owned(), json));
    };
    let comment = match checked_comment(comment_field, collect.limits(), invited.lang) {
        // A score posted alone (the page's script, a second click in the email) keeps the
        // reason given before: only the comment field itself changes or clears it.
        Ok(None) if comment_field.is_none() => current_comment(collect, &invited).await?,
        Ok(comment) => comment,
        Err(message) => {
            let form = FollowUpForm {
                action: token.to_owned(),
                score,
                comment: comment_field.unwrap_or_default().to_owned(),
                recorded: true,
                max_chars: collect.limits().comment_chars,
            };
            return Ok(refused_comment(&invited, form, message, json));
        }
    };
    let answer = Answer {
        invitation: invited.invitation.id,
        score,
        comment,
        at: now,
    };
    let stored = collect.store().record_answer(&answer).await?;
    refresh_after_answer(collect, invited.invitation.workspace).await;
    if json {
        return Ok(axum::Json(AnswerJson::new(&stored, None)).into_response());
    }
    if comment_field.is_some() {
        return Ok(thanks_page(&invited, token.to_owned()));
    }
    let form = FollowUpForm {
        action: token.to_owned(),
        score,
        comment: stored.comment.clone().unwrap_or_default(),
        recorded: true,
        max_chars: collect.limits().comment_chars,
    };
    Ok(follow_up_page(&invited, form, StatusCode::OK))
}

/// Refuses a page post from an address that posted too often (429).
pub(crate) fn check_page_ip(
    collect: &Collect,
    ip: Option<std::net::IpAddr>,
) -> Result<(), PageError> {
    match ip {
        Some(ip) => collect
            .limiters()
            .page_ip
            .check(&ip_key(ip))
            .map_err(PageError::TooManyRequests),
        None => Ok(()),
    }
}

/// The comment of the invitation's current answer, if it has one.
async fn current_comment(
    collect: &Collect,
    invited: &Invited,
) -> Result<Option<String>, PageError> {
    let Some(id) = invited.invitation.response else {
        return Ok(None);
    };
    let current = collect
        .store()
        .response(invited.invitation.workspace, id)
        .await?;
    Ok(current.and_then(|response| response.comment))
}

/// Tags the answer by the rules and refreshes the workspace's index. The answer is committed
/// whatever happens here, and readers refresh before they read anyway, so a failure is only
/// logged.
pub(crate) async fn refresh_after_answer(collect: &Collect, workspace: vouch_store::WorkspaceId) {
    vouch_web::arrivals::after_write(collect.store(), workspace).await;
    if let Err(error) = collect.answered(workspace).await {
        tracing::warn!(%error, "refreshing the index after an answer failed");
    }
}

/// A comment as given: trimmed, `None` when blank; refused (with a message in `lang`) when
/// over the limit.
pub(crate) fn checked_comment(
    given: Option<&str>,
    limits: &Limits,
    lang: Language,
) -> Result<Option<String>, String> {
    let Some(text) = given.map(str::trim).filter(|text| !text.is_empty()) else {
        return Ok(None);
    };
    if text.chars().count() > limits.comment_chars {
        return Err(page_texts(lang)
            .comment_too_long
            .replace("{max}", &limits.comment_chars.to_string()));
    }
    // Line breaks typed in a textarea arrive as CR LF: keep them as LF. NUL characters cannot
    // be typed, and the databases refuse them: drop them.
    let text = text.replace("\r\n", "\n").replace('\0', "");
    Ok(Some(text))
}

/// The 422 of a missing or invalid score: the question again, with the error.
fn refused_score(invited: &Invited, action: String, json: bool) -> Response {
    let message = strings(invited.lang).score_error;
    if json {
        return ApiError::validation("score", message).into_response();
    }
    question_page(
        invited,
        action,
        Some(message.to_owned()),
        StatusCode::UNPROCESSABLE_ENTITY,
    )
}

/// The 422 of a comment that cannot be taken: the form again, with the text typed.
fn refused_comment(invited: &Invited, form: FollowUpForm, message: String, json: bool) -> Response {
    if json {
        return ApiError::validation("comment", message).into_response();
    }
    let question = wording::follow_up(&invited.survey, invited.lang, form.score.category());
    let mut page = FollowUpPage::new(invited.frame(&question), invited.lang, question, form);
    page.status = "";
    page.error = Some(message);
    render(&page, StatusCode::UNPROCESSABLE_ENTITY)
}

fn question_page(
    invited: &Invited,
    action: String,
    error: Option<String>,
    status: StatusCode,
) -> Response {
    let question = wording::question(&invited.survey, invited.lang, &invited.look);
    let mut page = QuestionPage::new(invited.frame(&question), invited.lang, action, question);
    page.error = error;
    render(&page, status)
}

fn follow_up_page(invited: &Invited, form: FollowUpForm, status: StatusCode) -> Response {
    let question = wording::follow_up(&invited.survey, invited.lang, form.score.category());
    let page = FollowUpPage::new(invited.frame(&question), invited.lang, question, form);
    render(&page, status)
}

fn thanks_page(invited: &Invited, change_href: String) -> Response {
    let title = strings(invited.lang).thanks_title;
    let page = ThanksPage::new(invited.frame(title), invited.lang, change_href);
    render(&page, StatusCode::OK)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn comments_are_trimmed_bounded_and_blank_means_none() {
        let limits = Limits {
            comment_chars: 5,
            ..Limits::default()
        };
        assert_eq!(checked_comment(None, &limits, Language::En), Ok(None));
        assert_eq!(checked_comment(Some("  "), &limits, Language::En), Ok(None));
        assert_eq!(
            checked_comment(Some(" a\r\nb "), &limits, Language::En),
            Ok(Some("a\nb".into()))
        );
        let error = checked_comment(Some("abcdef"), &limits, Language::Fr).unwrap_err();
        assert!(
            error.contains('5') && error.contains("trop longue"),
            "{error}"
        );
        assert_eq!(
            checked_comment(Some("a\0b"), &limits, Language::En),
            Ok(Some("ab".into()))
        );
    }
}
