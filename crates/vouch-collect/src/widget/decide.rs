//! `POST /w/v1/{key}/decide`: upsert the visitor, then show the survey or say why not.

use std::collections::BTreeMap;

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue};
use axum::response::{IntoResponse, Response};
use jiff::Timestamp;
use serde::{Deserialize, Deserializer, Serialize};
use serde_json::Value;
use vouch_core::Category;
use vouch_core::language::{Language, strings};
use vouch_core::token::Purpose;
use vouch_store::{Channel, Contact, NewInvitation, StoreError, Survey, WidgetKey};

use super::rules::{self, Hidden};
use super::{Refusal, limit_ip, open_key, with_cors};
use crate::request::{ClientIp, accept_language};
use crate::{Collect, invitation_expiry, wording};
use vouch_web::attributes::typed_attributes;
use vouch_web::contact_key::contact_key;
use vouch_web::error::ApiError;
use vouch_web::json::parse_json;

/// The body of `decide`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct DecideBody {
    /// Who is signed in.
    #[serde(default)]
    contact: VisitorBody,
    /// The browser's language (`navigator.language`).
    #[serde(default)]
    language: Option<String>,
}

/// The visitor as `Vouch.identify` describes them.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct VisitorBody {
    /// Their id in the host application (a string or a whole number).
    #[serde(default, deserialize_with = "external_id")]
    id: Option<String>,
    /// Their email.
    #[serde(default)]
    email: Option<String>,
    /// Attributes to set on the contact; `created_at` gives the account's age.
    #[serde(default)]
    traits: Option<BTreeMap<String, Value>>,
}

fn external_id<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<String>, D::Error> {
    match Value::deserialize(deserializer)? {
        Value::Null => Ok(None),
        Value::String(text) => Ok(Some(text)),
        Value::Number(number) if number.is_i64() || number.is_u64() => Ok(Some(number.to_string())),
        other => Err(serde::de::Error::custom(format!(
            "must be a string or a whole number, not {other}"
        ))),
    }
}

/// The reply of `decide`.
#[derive(Debug, Serialize)]
struct DecideReply {
    /// Whether to show the survey.
    show: bool,
    /// Why not: `inactive`, `throttled`, `too_new` or `sampled_out`.
    #[serde(skip_serializing_if = "Option::is_none")]
    reason: Option<&'static str>,
    /// What `answer` takes to record the answer.
    #[serde(skip_serializing_if = "Option::is_none")]
    token: Option<String>,
    /// What to show.
    #[serde(skip_serializing_if = "Option::is_none")]
    survey: Option<WidgetSurvey>,
}

impl DecideReply {
    fn hidden(reason: Hidden) -> DecideReply {
        DecideReply {
            show: false,
            reason: Some(reason.as_str()),
            token: None,
            survey: None,
        }
    }
}

/// The survey as the widget shows it, in the visitor's language.
#[derive(Debug, Serialize)]
struct WidgetSurvey {
    kind: &'static str,
    question: String,
    follow_up: FollowUps,
    labels: Labels,
    brand: Brand,
    language: &'static str,
}

/// The follow-up of each category.
#[derive(Debug, Serialize)]
struct FollowUps {
    detractor: String,
    passive: String,
    promoter: String,
}

/// Every text of the widget.
#[derive(Debug, Serialize)]
struct Labels {
    low: &'static str,
    high: &'static str,
    score_aria: &'static str,
    you_chose: &'static str,
    comment: &'static str,
    submit: &'static str,
    close: &'static str,
    thanks_title: &'static str,
    thanks_body: &'static str,
    score_error: &'static str,
    powered_by: &'static str,
}

/// How the widget looks.
#[derive(Debug, Serialize)]
struct Brand {
    /// `null` when neither the survey nor its workspace names a brand.
    name: Option<String>,
    color: String,
    text_color: &'static str,
    logo_url: Option<String>,
}

/// The trait that gives the account's age; read, not stored (the name is reserved).
const CREATED_AT: &str = "created_at";

/// Traits that repeat the visitor's identity: left out of the attributes.
const IDENTITY_TRAITS: [&str; 2] = ["email", "external_id"];

/// `POST /w/v1/{key}/decide` `{contact: {id?, email?, traits?}, language?}`.
pub(crate) async fn decide(
    State(collect): State<Collect>,
    Path(key): Path<String>,
    ClientIp(ip): ClientIp,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let mut allowed: Option<HeaderValue> = None;
    let response = decide_for(&collect, &key, ip, &headers, &body, &mut allowed)
        .await
        .unwrap_or_else(IntoResponse::into_response);
    with_cors(response, allowed)
}

async fn decide_for(
    collect: &Collect,
    key: &str,
    ip: Option<std::net::IpAddr>,
    headers: &HeaderMap,
    body: &[u8],
    allowed: &mut Option<HeaderValue>,
) -> Result<Response, Refusal> {
    let now = Timestamp::now();
    let key = open_key(collect, key, headers, allowed).await?;
    limit_ip(collect, ip)?;
    let given: DecideBody = parse_json(body)?;
    let survey = match collect.survey(key.workspace, key.survey).await? {
        Some(survey) if !survey.archived => survey,
        _ => return Ok(axum::Json(DecideReply::hidden(Hidden::Inactive)).into_response()),
    };
    let visitor = &given.contact;
    let identity = contact_key(
        visitor.email.as_deref(),
        visitor.id.as_deref(),
        collect.limits(),
        Some("contact"),
    )?;
    let who = identity
        .external_id
        .as_deref()
        .or(identity.email.as_deref())
        .unwrap_or("");
    collect
        .limiters()
        .widget_contact
        .check(&format!("{}:{who}", key.id.0))
        .map_err(Refusal::Limited)?;
    let mut traits = visitor.traits.clone().unwrap_or_default();
    let created_at = traits.remove(CREATED_AT);
    // Identity travels as `id` and `email`; the same names among traits (as Segment-style
    // traits often carry them) are not attributes.
    for identity_name in IDENTITY_TRAITS {
        traits.remove(identity_name);
    }
    let contact = upsert_visitor(collect, &key, &identity, &traits).await?;
    let browser = given.language.as_deref().or(accept_language(headers));
    let lang = wording::respondent_language(&survey, Some(&contact.attributes), browser);
    let last = collect
        .store()
        .last_surveyed(key.workspace, contact.id)
        .await?;
    let account = created_at.as_ref().and_then(rules::account_created_at);
    let hidden = if rules::throttled(last, survey.settings.throttle_days, now) {
        Some(Hidden::Throttled)
    } else if !rules::old_enough(account, key.min_account_age_days, now) {
        Some(Hidden::TooNew)
    } else if !rules::sampled_in(&key.key, contact.id, key.sample) {
        Some(Hidden::SampledOut)
    } else {
        None
    };
    if let Some(reason) = hidden {
        return Ok(axum::Json(DecideReply::hidden(reason)).into_response());
    }
    let invitation = NewInvitation {
        survey: survey.id,
        contact: contact.id,
        campaign: None,
        channel: Channel::Widget,
        expires_at: invitation_expiry(now),
    };
    let created = collect.store().invite(key.workspace, &[invitation]).await?;
    let invitation = created
        .first()
        .ok_or_else(|| ApiError::Internal(anyhow::anyhow!("the store created no invitation")))?;
    let token = collect.sign(Purpose::Answer, invitation.id.0).await?;
    let brand = collect.brand(key.workspace, &survey).await?;
    let reply = DecideReply {
        show: true,
        reason: None,
        token: Some(token),
        survey: Some(widget_survey(&survey, lang, &brand)),
    };
    Ok(axum::Json(reply).into_response())
}

/// Creates or updates the visitor's contact with their traits, typed as the API types
/// contact attributes (errors name `contact.traits.<name>`).
async fn upsert_visitor(
    collect: &Collect,
    key: &WidgetKey,
    identity: &vouch_store::ContactKey,
    traits: &BTreeMap<String, Value>,
) -> Result<Contact, Refusal> {
    let kinds = collect
        .api
        .caches()
        .attributes
        .kinds(
            collect.store(),
            key.workspace,
            traits.keys().map(String::as_str),
        )
        .await?;
    let typed = typed_attributes(traits, &kinds, collect.limits(), "contact.traits")?;
    match collect
        .store()
        .upsert_contact(
            key.workspace,
            identity,
            &typed.values,
            &typed.new_definitions,
        )
        .await
    {
        Ok(contact) => Ok(contact),
        Err(StoreError::Conflict(message)) => Err(ApiError::Conflict {
            message: format!("the email and id name two different contacts: {message}"),
            field: Some("contact".into()),
        }
        .into()),
        Err(error) => Err(error.into()),
    }
}

fn widget_survey(survey: &Survey, lang: Language, look: &vouch_store::Brand) -> WidgetSurvey {
    let texts = strings(lang);
    let color = wording::brand_color(look);
    WidgetSurvey {
        kind: survey.kind.as_str(),
        question: wording::question(survey, lang, look),
        follow_up: FollowUps {
            detractor: wording::follow_up(survey, lang, Category::Detractor),
            passive: wording::follow_up(survey, lang, Category::Passive),
            promoter: wording::follow_up(survey, lang, Category::Promoter),
        },
        labels: Labels {
            low: texts.scale_low,
            high: texts.scale_high,
            score_aria: texts.score_aria,
            you_chose: texts.you_chose,
            comment: texts.comment_label,
            submit: texts.submit,
            close: texts.close,
            thanks_title: texts.thanks_title,
            thanks_body: texts.thanks_body,
            score_error: texts.score_error,
            powered_by: texts.powered_by,
        },
        brand: Brand {
            name: wording::brand_name(look),
            text_color: wording::text_color_on(&color),
            color,
            logo_url: wording::logo_url(look),
        },
        language: lang.code(),
    }
}
