//! `/l/{slug}`: a survey's public link, for anyone who has it.
//!
//! `GET` shows the question; an NPS survey also offers an optional "Your email" field so that
//! people may answer as themselves (`?email=` and `?id=` prefill who answers). eNPS takes no
//! identity, ever. `POST` (`score`, optional `email`, `id`, `comment`) finds or creates the
//! contact (a fresh `anonymous-<uuid>` one when nobody is named), creates a `link` invitation,
//! records the answer through it, and shows the follow-up form, which posts to the
//! invitation's `/s/{token}` page so that the comment completes the same response.
//!
//! Answering twice: when a named person answers again from the same browser within the
//! survey's throttle window, their earlier link answer is replaced (the browser keeps the
//! answer's token in a cookie, `vouch_l_<slug>`). From another browser the second answer is
//! a second response: the store has no cheap way to find a contact's latest link invitation
//! of a survey. Anonymous answers are never merged (a kiosk serves many people).

use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use jiff::{SignedDuration, Timestamp};
use vouch_core::language::{Language, strings};
use vouch_core::token::Purpose;
use vouch_core::{Score, SurveyKind};
use vouch_store::{
    Answer, Attributes, Channel, Contact, ContactKey, Invitation, InvitationId, NewInvitation,
    StoreError, Survey, WorkspaceId,
};

use super::answer::{
    AnswerJson, check_page_ip, checked_comment, first_language, refresh_after_answer,
};
use super::page::{
    FollowUpForm, FollowUpPage, Frame, IdentityFields, PageError, QuestionPage, ThanksPage, render,
};
use super::request::{ClientIp, accept_language, field, form_fields, query_fields, wants_json};
use super::wording::{self, form_score, page_texts};
use super::{Collect, invitation_expiry};
use vouch_web::contact_key::contact_key;
use vouch_web::error::ApiError;

/// A survey opened through its public link.
struct Linked {
    workspace: WorkspaceId,
    survey: Survey,
    lang: Language,
    /// How the survey shows itself.
    look: vouch_store::Brand,
}

impl Linked {
    /// The survey of a slug, if its link takes answers: `NotFound` for an unknown slug, `Gone`
    /// when the survey is archived or its link is switched off.
    async fn open(
        collect: &Collect,
        slug: &str,
        headers: &HeaderMap,
        lang: &mut Language,
    ) -> Result<Linked, PageError> {
        if !vouch_store::is_valid_slug(slug) {
            return Err(PageError::NotFound);
        }
        let (workspace, survey) = collect
            .store()
            .survey_by_slug(slug)
            .await?
            .ok_or(PageError::NotFound)?;
        *lang = wording::respondent_language(&survey, None, accept_language(headers));
        if survey.archived || !survey.settings.link_enabled {
            return Err(PageError::Gone);
        }
        let look = collect.brand(workspace, &survey).await?;
        Ok(Linked {
            workspace,
            survey,
            lang: *lang,
            look,
        })
    }

    fn frame(&self, title: &str) -> Frame {
        Frame::survey(&self.look, self.lang, title)
    }

    /// Whether people may say who they are: NPS only.
    fn takes_identity(&self) -> bool {
        self.survey.kind == SurveyKind::Nps
    }

    fn question_page(
        &self,
        identity: Option<IdentityFields>,
        error: Option<String>,
    ) -> QuestionPage {
        let question = wording::question(&self.survey, self.lang, &self.look);
        let action = self.survey.slug.clone();
        let mut page = QuestionPage::new(self.frame(&question), self.lang, action, question);
        page.identity = identity;
        page.error = error;
        page
    }

    fn identity_fields(&self, email: &str, external_id: Option<&str>) -> Option<IdentityFields> {
        self.takes_identity().then(|| IdentityFields {
            show_email: true,
            email_label: strings(self.lang).email_label,
            email: email.to_owned(),
            email_error: false,
            external_id: external_id.map(str::to_owned),
        })
    }
}

/// `GET /l/{slug}` (`?email=`, `?id=` prefill who answers).
pub(crate) async fn show(
    State(collect): State<Collect>,
    Path(slug): Path<String>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
) -> Response {
    let mut lang = first_language(&headers);
    let result = async {
        let linked = Linked::open(&collect, &slug, &headers, &mut lang).await?;
        let fields = query_fields(query.as_deref());
        let limit = collect.limits().key_chars;
        let bounded = |name: &str| {
            field(&fields, name)
                .map(str::trim)
                .filter(|text| !text.is_empty() && text.chars().count() <= limit)
        };
        let identity = linked.identity_fields(bounded("email").unwrap_or(""), bounded("id"));
        Ok::<_, PageError>(render(
            &linked.question_page(identity, None),
            StatusCode::OK,
        ))
    }
    .await;
    result.unwrap_or_else(|error| error.reply(lang, false))
}

/// `POST /l/{slug}` (form: `score`, optional `email`, `id`, `comment`).
pub(crate) async fn submit(
    State(collect): State<Collect>,
    Path(slug): Path<String>,
    ClientIp(ip): ClientIp,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let mut lang = first_language(&headers);
    let json = wants_json(&headers);
    submit_answer(&collect, &slug, ip, &headers, &body, &mut lang)
        .await
        .unwrap_or_else(|error| error.reply(lang, json))
}

async fn submit_answer(
    collect: &Collect,
    slug: &str,
    ip: Option<std::net::IpAddr>,
    headers: &HeaderMap,
    body: &[u8],
    lang: &mut Language,
) -> Result<Response, PageError> {
    let now = Timestamp::now();
    check_page_ip(collect, ip)?;
    let linked = Linked::open(collect, slug, headers, lang).await?;
    let json = wants_json(headers);
    let fields = form_fields(body);
    let given = |name: &str| {
        field(&fields, name)
            .map(str::trim)
            .filter(|text| !text.is_empty())
    };
    let (email, external_id) = if linked.takes_identity() {
        (given("email"), given("id"))
    } else {
        (None, None)
    };
    let Some(score) = field(&fields, "score").and_then(form_score) else {
        let message = strings(linked.lang).score_error;
        if json {
            return Ok(ApiError::validation("score", message).into_response());
        }
        let identity = linked.identity_fields(email.unwrap_or(""), external_id);
        let page = linked.question_page(identity, Some(message.to_owned()));
        return Ok(render(&page, StatusCode::UNPROCESSABLE_ENTITY));
    };
    let named = match (email, external_id) {
        (None, None) => None,
        (email, external_id) => match contact_key(email, external_id, collect.limits(), None) {
            Ok(key) => Some(key),
            Err(error) => return Ok(refused_email(&linked, email, external_id, error, json)),
        },
    };
    if let Some(key) = &named {
        let who = key.email.as_deref().or(key.external_id.as_deref());
        let limit_key = format!("{}:who:{}", linked.workspace.0, who.unwrap_or(""));
        collect
            .limiters()
            .page_contact
            .check(&limit_key)
            .map_err(PageError::TooManyRequests)?;
    }
    let comment_field = field(&fields, "comment");
    let comment = match checked_comment(comment_field, collect.limits(), linked.lang) {
        Ok(comment) => comment,
        Err(message) if json => {
            return Ok(ApiError::validation("comment", message).into_response());
        }
        Err(message) => {
            let identity = linked.identity_fields(email.unwrap_or(""), external_id);
            let page = linked.question_page(identity, Some(message));
            return Ok(render(&page, StatusCode::UNPROCESSABLE_ENTITY));
        }
    };
    let contact = respondent(collect, &linked, named.as_ref()).await?;
    let cookie_name = cookie_name(&linked.survey.slug);
    let earlier = match &named {
        Some(_) => {
            earlier_invitation(collect, &linked, &contact, headers, &cookie_name, now).await?
        }
        None => None,
    };
    let invitation = match earlier {
        Some(invitation) => invitation,
        None => new_invitation(collect, &linked, &contact, now).await?,
    };
    let answer = Answer {
        invitation: invitation.id,
        score,
        comment,
        at: now,
    };
    let stored = collect.store().record_answer(&answer).await?;
    refresh_after_answer(collect, linked.workspace).await;
    let token = collect.sign(Purpose::Answer, invitation.id.0).await?;
    let mut response = if json {
        axum::Json(AnswerJson::new(&stored, Some(token.clone()))).into_response()
    } else {
        answered_page(collect, &linked, score, &token, comment_field.is_some())
    };
    if named.is_some() {
        remember(collect, &linked, &cookie_name, &token, &mut response);
    }
    Ok(response)
}

/// The page after a link answer: the follow-up form (posting to the invitation's page), or
/// thanks when the comment came with the score.
fn answered_page(
    collect: &Collect,
    linked: &Linked,
    score: Score,
    token: &str,
    with_comment: bool,
) -> Response {
    let action = format!("../s/{token}");
    if with_comment {
        let title = strings(linked.lang).thanks_title;
        let page = ThanksPage::new(linked.frame(title), linked.lang, action);
        return render(&page, StatusCode::OK);
    }
    let question = wording::follow_up(&linked.survey, linked.lang, score.category());
    let form = FollowUpForm {
        action,
        score,
        comment: String::new(),
        recorded: true,
        max_chars: collect.limits().comment_chars,
    };
    let page = FollowUpPage::new(linked.frame(&question), linked.lang, question, form);
    render(&page, StatusCode::OK)
}

/// The 422 of an email (or id) that cannot name a contact.
fn refused_email(
    linked: &Linked,
    email: Option<&str>,
    external_id: Option<&str>,
    error: ApiError,
    json: bool,
) -> Response {
    if json {
        return error.into_response();
    }
    let mut identity = linked.identity_fields(email.unwrap_or(""), external_id);
    if let Some(fields) = &mut identity {
        fields.email_error = true;
    }
    let message = page_texts(linked.lang).email_invalid.to_owned();
    render(
        &linked.question_page(identity, Some(message)),
        StatusCode::UNPROCESSABLE_ENTITY,
    )
}

/// The contact who answers: the one named (created if new), or a fresh anonymous one.
async fn respondent(
    collect: &Collect,
    linked: &Linked,
    named: Option<&ContactKey>,
) -> Result<Contact, PageError> {
    let store = collect.store();
    let none = Attributes::new();
    let Some(key) = named else {
        let anonymous = ContactKey {
            external_id: Some(format!("anonymous-{}", uuid::Uuid::new_v4())),
            email: None,
        };
        return Ok(store
            .upsert_contact(linked.workspace, &anonymous, &none, &[])
            .await?);
    };
    match store
        .upsert_contact(linked.workspace, key, &none, &[])
        .await
    {
        Ok(contact) => Ok(contact),
        // The email and the id of the link name two different people: the id came with the
        // link, so it decides.
        Err(StoreError::Conflict(_)) if key.external_id.is_some() => {
            let by_id = ContactKey {
                external_id: key.external_id.clone(),
                email: None,
            };
            Ok(store
                .upsert_contact(linked.workspace, &by_id, &none, &[])
                .await?)
        }
        Err(error) => Err(error.into()),
    }
}

/// The name of the cookie that remembers a browser's latest answer to a link.
fn cookie_name(slug: &str) -> String {
    format!("vouch_l_{}", slug.replace('-', "_"))
}

/// The link invitation this browser answered before for the same contact, within the
/// survey's throttle window and still open: answering again replaces that answer.
async fn earlier_invitation(
    collect: &Collect,
    linked: &Linked,
    contact: &Contact,
    headers: &HeaderMap,
    cookie_name: &str,
    now: Timestamp,
) -> Result<Option<Invitation>, PageError> {
    let Some(token) = cookie(headers, cookie_name) else {
        return Ok(None);
    };
    let Some(id) = collect.verify(Purpose::Answer, token).await? else {
        return Ok(None);
    };
    let Some(invitation) = collect.store().invitation(InvitationId(id)).await? else {
        return Ok(None);
    };
    let window = SignedDuration::from_hours(24 * i64::from(linked.survey.settings.throttle_days));
    let recent = now.duration_since(invitation.created_at) < window;
    let same = invitation.workspace == linked.workspace
        && invitation.survey == linked.survey.id
        && invitation.contact == contact.id
        && invitation.channel == Channel::Link;
    Ok((same && recent && invitation.expires_at >= now).then_some(invitation))
}

async fn new_invitation(
    collect: &Collect,
    linked: &Linked,
    contact: &Contact,
    now: Timestamp,
) -> Result<Invitation, PageError> {
    let new = NewInvitation {
        survey: linked.survey.id,
        contact: contact.id,
        campaign: None,
        channel: Channel::Link,
        expires_at: invitation_expiry(now),
    };
    collect
        .store()
        .invite(linked.workspace, &[new])
        .await?
        .into_iter()
        .next()
        .ok_or_else(|| PageError::Internal(anyhow::anyhow!("the store created no invitation")))
}

/// A cookie of the request.
fn cookie<'h>(headers: &'h HeaderMap, name: &str) -> Option<&'h str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(key, _)| *key == name)
        .map(|(_, value)| value.trim_matches('"'))
}

/// Remembers the answer's token in the browser for the throttle window.
fn remember(collect: &Collect, linked: &Linked, name: &str, token: &str, response: &mut Response) {
    let max_age = u64::from(linked.survey.settings.throttle_days) * 86_400;
    let secure = if collect.public_url().starts_with("https://") {
        "; Secure"
    } else {
        ""
    };
    let cookie =
        format!("{name}={token}; Max-Age={max_age}; Path=/; HttpOnly; SameSite=Lax{secure}");
    if let Ok(value) = HeaderValue::from_str(&cookie) {
        response.headers_mut().append(header::SET_COOKIE, value);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cookies_are_found_by_name() {
        let mut headers = HeaderMap::new();
        headers.insert(
            header::COOKIE,
            HeaderValue::from_static("a=1; vouch_l_nps_x=42.abc ; b=2"),
        );
        assert_eq!(cookie(&headers, "vouch_l_nps_x"), Some("42.abc"));
        assert_eq!(cookie(&headers, "vouch_l_nps"), None);
        assert_eq!(cookie_name("nps-2026-3fa9c1"), "vouch_l_nps_2026_3fa9c1");
    }
}
