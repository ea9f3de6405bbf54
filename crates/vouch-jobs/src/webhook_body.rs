//! What a webhook message or an alert says: the Standard Webhooks body, the Slack message and
//! the alert e-mail's text, from the API's JSON of the object concerned.

use jiff::Timestamp;
use serde_json::{Value, json};

/// The body of a Standard Webhooks message: `{"type", "timestamp", "data"}`.
pub fn standard(event: &str, at: Timestamp, data: Value) -> String {
    json!({"type": event, "timestamp": at.to_string(), "data": data}).to_string()
}

/// What a message or an alert says of a response, read from its API JSON.
#[derive(Debug, Clone, PartialEq)]
pub struct Summary {
    /// `Detractor 3/10 on Customers`, or a sentence for other events.
    pub headline: String,
    /// The comment, if any.
    pub comment: Option<String>,
    /// Its tags.
    pub tags: Vec<String>,
    /// Its page in the inbox, when it is about a response that exists.
    pub link: Option<String>,
}

/// The category of a score, as the inbox words it.
fn category_word(data: &Value) -> &'static str {
    match data.get("category").and_then(Value::as_str) {
        Some("promoter") => "Promoter",
        Some("passive") => "Passive",
        _ => "Detractor",
    }
}

/// The summary of a response's API JSON, answering `survey`, linked from `public_url`.
pub fn response_summary(data: &Value, survey: &str, public_url: &str) -> Summary {
    let score = data.get("score").and_then(Value::as_u64).unwrap_or(0);
    let id = data.get("id").and_then(Value::as_i64).unwrap_or(0);
    let tags = data
        .get("tags")
        .and_then(Value::as_array)
        .map(|tags| {
            tags.iter()
                .filter_map(Value::as_str)
                .map(str::to_owned)
                .collect()
        })
        .unwrap_or_default();
    Summary {
        headline: format!("{} {score}/10 on {survey}", category_word(data)),
        comment: data
            .get("comment")
            .and_then(Value::as_str)
            .map(str::to_owned),
        tags,
        link: Some(format!(
            "{}/app/inbox/{id}",
            public_url.trim_end_matches('/')
        )),
    }
}

/// A summary of a message that is not about a response still there.
pub fn plain_summary(headline: String) -> Summary {
    Summary {
        headline,
        comment: None,
        tags: Vec::new(),
        link: None,
    }
}

/// Escapes text for Slack's `mrkdwn`.
fn slack_escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// A Slack message, `{"text", "blocks"}`: the headline in bold, the comment quoted, then the
/// tags and the link to the inbox.
pub fn slack(summary: &Summary) -> String {
    let mut section = format!("*{}*", slack_escape(&summary.headline));
    if let Some(comment) = &summary.comment {
        for line in comment.lines() {
            section.push_str("\n>");
            section.push_str(&slack_escape(line));
        }
    }
    let mut context = Vec::new();
    if let Some(link) = &summary.link {
        context.push(format!("<{link}|Open in the Vouch inbox>"));
    }
    if !summary.tags.is_empty() {
        context.push(format!("Tags: {}", slack_escape(&summary.tags.join(", "))));
    }
    let text = match &summary.comment {
        Some(comment) => format!("{}: \u{201c}{comment}\u{201d}", summary.headline),
        None => summary.headline.clone(),
    };
    let mut blocks = vec![json!({
        "type": "section",
        "text": {"type": "mrkdwn", "text": section},
    })];
    if !context.is_empty() {
        blocks.push(json!({
            "type": "context",
            "elements": [{"type": "mrkdwn", "text": context.join(" · ")}],
        }));
    }
    json!({"text": text, "blocks": blocks}).to_string()
}

/// The plain text of an alert e-mail.
pub fn email_text(alert: &str, summary: &Summary) -> String {
    let mut text = format!("Alert \u{201c}{alert}\u{201d}: {}\n\n", summary.headline);
    if let Some(comment) = &summary.comment {
        text.push_str(&format!("\u{201c}{comment}\u{201d}\n\n"));
    }
    if !summary.tags.is_empty() {
        text.push_str(&format!("Tags: {}\n\n", summary.tags.join(", ")));
    }
    if let Some(link) = &summary.link {
        text.push_str(&format!("Open it in the inbox:\n{link}\n"));
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    fn response() -> Value {
        json!({"id": 42, "score": 3, "category": "detractor", "comment": "Too <slow> & dear",
               "tags": ["pricing"]})
    }

    #[test]
    fn the_standard_body_has_type_timestamp_and_data() {
        let at = Timestamp::from_second(1_700_000_000).unwrap();
        let body: Value =
            serde_json::from_str(&standard("response.created", at, response())).unwrap();
        assert_eq!(body["type"], "response.created");
        assert_eq!(body["timestamp"], "2023-11-14T22:13:20Z");
        assert_eq!(body["data"]["id"], 42);
    }

    #[test]
    fn a_slack_message_quotes_the_comment_escaped_and_links_to_the_inbox() {
        let summary = response_summary(&response(), "Customers", "https://nps.example.com/");
        assert_eq!(summary.headline, "Detractor 3/10 on Customers");
        let message: Value = serde_json::from_str(&slack(&summary)).unwrap();
        assert_eq!(
            message["text"],
            "Detractor 3/10 on Customers: \u{201c}Too <slow> & dear\u{201d}"
        );
        let section = message["blocks"][0]["text"]["text"].as_str().unwrap();
        assert_eq!(
            section,
            "*Detractor 3/10 on Customers*\n>Too &lt;slow&gt; &amp; dear"
        );
        let context = message["blocks"][1]["elements"][0]["text"]
            .as_str()
            .unwrap();
        assert!(
            context.starts_with("<https://nps.example.com/app/inbox/42|Open in the Vouch inbox>"),
            "{context}"
        );
        assert!(context.ends_with("Tags: pricing"), "{context}");
    }

    #[test]
    fn the_email_names_the_alert_and_links_to_the_response() {
        let summary = response_summary(&response(), "Customers", "https://nps.example.com");
        let text = email_text("Detractors", &summary);
        assert!(text.starts_with("Alert \u{201c}Detractors\u{201d}: Detractor 3/10 on Customers"));
        assert!(text.contains("https://nps.example.com/app/inbox/42"));
    }
}
