//! The one check of a webhook or an alert someone typed — `vouch webhooks create` and `vouch
//! alerts create`, the API and the dashboard's forms — into what the store keeps, each error
//! naming its field. A webhook's signing secret is made here: 24 random bytes.

use vouch_core::email::Email;
use vouch_core::limits::{MAX_ATTRIBUTE_NAME_CHARS, MAX_ATTRIBUTE_VALUE_CHARS};
use vouch_core::tag::check_tag_name;
use vouch_core::webhook::{
    MAX_ALERT_EMAILS, MAX_ALERT_NAME_CHARS, WebhookEvent, parse_events, secret_from_bytes,
};
use vouch_store::{NewAlert, NewWebhook, WebhookFormat};

use crate::webhook_target::{check_resolved, check_target, check_url};

/// A refused field: its name (as the API's JSON names it) and why.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{field}: {message}")]
pub struct FieldError {
    /// The field.
    pub field: &'static str,
    /// What is wrong with it.
    pub message: String,
}

fn refuse(field: &'static str, message: impl Into<String>) -> FieldError {
    FieldError {
        field,
        message: message.into(),
    }
}

/// A webhook as typed.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct WebhookInput {
    /// Where to post.
    pub url: String,
    /// The events' names.
    pub events: Vec<String>,
    /// `standard` (the default) or `slack`.
    pub format: Option<String>,
    /// Response events only for scores at least this.
    pub min_score: Option<i64>,
    /// Response events only for scores at most this.
    pub max_score: Option<i64>,
}

/// A score bound, 0 to 10.
fn bound(field: &'static str, value: Option<i64>) -> Result<Option<u8>, FieldError> {
    value
        .map(|value| {
            u8::try_from(value)
                .ok()
                .filter(|score| *score <= 10)
                .ok_or_else(|| refuse(field, format!("{value} is not a score from 0 to 10")))
        })
        .transpose()
}

/// Checks a webhook (its URL resolved: no private address unless `allow_private`) and makes its
/// secret.
pub async fn check_webhook(
    input: &WebhookInput,
    allow_private: bool,
) -> Result<NewWebhook, FieldError> {
    // The form of every field first, the network (resolving the URL's name) last.
    let url =
        check_url(&input.url, allow_private).map_err(|error| refuse("url", error.to_string()))?;
    let events: Vec<WebhookEvent> = parse_events(&input.events.join(","))
        .map_err(|error| refuse("events", error.to_string()))?;
    let format = match input.format.as_deref().map(str::trim) {
        None | Some("") => WebhookFormat::Standard,
        Some(name) => WebhookFormat::parse(name)
            .ok_or_else(|| refuse("format", format!("{name:?}: expected standard or slack")))?,
    };
    let min_score = bound("min_score", input.min_score)?;
    let max_score = bound("max_score", input.max_score)?;
    if let (Some(min), Some(max)) = (min_score, max_score)
        && min > max
    {
        return Err(refuse(
            "max_score",
            format!("{max} is below min_score {min}"),
        ));
    }
    check_resolved(&url, allow_private)
        .await
        .map_err(|error| refuse("url", error.to_string()))?;
    let key: [u8; 24] = rand::random();
    Ok(NewWebhook {
        url: url.to_string(),
        events,
        format,
        min_score,
        max_score,
        secret: secret_from_bytes(&key),
    })
}

/// An alert as typed.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct AlertInput {
    /// Its name.
    pub name: String,
    /// Only responses scoring at most this.
    pub max_score: Option<i64>,
    /// Only responses carrying this tag.
    pub tag: Option<String>,
    /// Only responses whose attribute has this value, `ATTR=VALUE`.
    pub filter: Option<String>,
    /// Who is e-mailed.
    pub emails: Vec<String>,
    /// The Slack incoming webhook to post to.
    pub slack_url: Option<String>,
}

/// Checks an alert: a name, at least one of e-mail and Slack, valid addresses, a public Slack
/// URL (unless `allow_private`).
pub async fn check_alert(input: &AlertInput, allow_private: bool) -> Result<NewAlert, FieldError> {
    let name = input.name.trim();
    if name.is_empty() || name.chars().count() > MAX_ALERT_NAME_CHARS {
        return Err(refuse(
            "name",
            format!("a name has 1 to {MAX_ALERT_NAME_CHARS} characters"),
        ));
    }
    let max_score = bound("max_score", input.max_score)?;
    let tag = match input.tag.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(tag) => Some(check_tag_name(tag).map_err(|error| refuse("tag", error.to_string()))?),
    };
    let filter = match input.filter.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(filter) => Some(check_filter(filter)?),
    };
    let emails = check_emails(&input.emails)?;
    let slack_url = match input.slack_url.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(url) => Some(
            check_target(url, allow_private)
                .await
                .map_err(|error| refuse("slack_url", error.to_string()))?
                .to_string(),
        ),
    };
    if emails.is_empty() && slack_url.is_none() {
        return Err(refuse(
            "email",
            "an alert needs an e-mail address or a Slack URL to go to",
        ));
    }
    Ok(NewAlert {
        name: name.to_owned(),
        max_score,
        tag,
        filter,
        emails,
        slack_url,
    })
}

fn check_filter(filter: &str) -> Result<(String, String), FieldError> {
    let Some((attribute, value)) = filter.split_once('=') else {
        return Err(refuse("where", format!("{filter:?}: expected ATTR=VALUE")));
    };
    let (attribute, value) = (attribute.trim(), value.trim());
    if attribute.is_empty() || attribute.chars().count() > MAX_ATTRIBUTE_NAME_CHARS {
        return Err(refuse(
            "where",
            format!("an attribute name has 1 to {MAX_ATTRIBUTE_NAME_CHARS} characters"),
        ));
    }
    if value.chars().count() > MAX_ATTRIBUTE_VALUE_CHARS {
        return Err(refuse(
            "where",
            format!("a value has at most {MAX_ATTRIBUTE_VALUE_CHARS} characters"),
        ));
    }
    Ok((attribute.to_owned(), value.to_owned()))
}

fn check_emails(given: &[String]) -> Result<Vec<String>, FieldError> {
    let mut emails: Vec<String> = Vec::new();
    for text in given.iter().flat_map(|text| text.split(',')) {
        if text.trim().is_empty() {
            continue;
        }
        let email = Email::parse(text)
            .map_err(|error| refuse("email", format!("{:?}: {error}", text.trim())))?;
        if !emails.iter().any(|known| known == email.as_str()) {
            emails.push(email.into_string());
        }
    }
    if emails.len() > MAX_ALERT_EMAILS {
        return Err(refuse(
            "email",
            format!("an alert writes to at most {MAX_ALERT_EMAILS} addresses"),
        ));
    }
    Ok(emails)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn webhook(url: &str) -> WebhookInput {
        WebhookInput {
            url: url.into(),
            events: vec!["response.created".into()],
            ..WebhookInput::default()
        }
    }

    #[tokio::test]
    async fn a_webhook_gets_a_secret_and_bad_fields_are_named() {
        let made = check_webhook(&webhook("http://93.184.216.34/hook"), false)
            .await
            .unwrap();
        assert!(made.secret.starts_with("whsec_") && made.secret.len() > 30);
        let field = |input: WebhookInput| async move {
            check_webhook(&input, false).await.unwrap_err().field
        };
        assert_eq!(field(webhook("http://127.0.0.1:9/")).await, "url");
        let mut events = webhook("http://93.184.216.34/");
        events.events = vec!["response.eaten".into()];
        assert_eq!(field(events).await, "events");
        let mut scores = webhook("http://93.184.216.34/");
        scores.min_score = Some(8);
        scores.max_score = Some(6);
        assert_eq!(field(scores).await, "max_score");
        let mut format = webhook("http://93.184.216.34/");
        format.format = Some("xml".into());
        assert_eq!(field(format).await, "format");
    }

    #[tokio::test]
    async fn an_alert_needs_somewhere_to_go_and_valid_fields() {
        let input = AlertInput {
            name: "Detractors".into(),
            max_score: Some(6),
            filter: Some("plan = pro".into()),
            emails: vec!["cs@example.com, CS@example.com".into()],
            ..AlertInput::default()
        };
        let made = check_alert(&input, false).await.unwrap();
        assert_eq!(made.filter, Some(("plan".into(), "pro".into())));
        assert_eq!(made.emails, ["cs@example.com"], "one address once");
        let mut nowhere = input.clone();
        nowhere.emails.clear();
        assert_eq!(
            check_alert(&nowhere, false).await.unwrap_err().field,
            "email"
        );
        let mut filter = input.clone();
        filter.filter = Some("plan".into());
        assert_eq!(
            check_alert(&filter, false).await.unwrap_err().field,
            "where"
        );
        let mut slack = input;
        slack.slack_url = Some("http://localhost:1/".into());
        assert_eq!(
            check_alert(&slack, false).await.unwrap_err().field,
            "slack_url"
        );
    }
}
