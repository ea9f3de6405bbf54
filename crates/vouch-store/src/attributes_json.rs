//! The JSON text both backends store attributes as: `{"plan":"pro","seats":3}`.

use anyhow::Context;
use vouch_core::{AttributeKind, AttributeValue};

use crate::types::{AttributeDefinition, Attributes};

/// Attributes as a JSON object; dates become `YYYY-MM-DD` strings.
///
/// Written straight into one string (this runs once per imported row), with serde_json doing
/// the escaping of names and text.
pub fn attributes_to_json(attributes: &Attributes) -> String {
    use std::fmt::Write as _;
    let mut json = String::with_capacity(16 + attributes.len() * 24);
    json.push('{');
    for (position, (name, value)) in attributes.iter().enumerate() {
        if position > 0 {
            json.push(',');
        }
        push_json_string(&mut json, name);
        json.push(':');
        match value {
            AttributeValue::String(text) => push_json_string(&mut json, text),
            // `Display` of a finite f64 is its shortest exact form without an exponent,
            // which is valid JSON; values are finite by construction.
            AttributeValue::Number(number) if number.is_finite() => {
                let _ = write!(json, "{number}");
            }
            AttributeValue::Number(_) => json.push_str("null"),
            AttributeValue::Boolean(flag) => json.push_str(if *flag { "true" } else { "false" }),
            AttributeValue::Date(date) => {
                let _ = write!(json, "\"{date}\"");
            }
        }
    }
    json.push('}');
    json
}

fn push_json_string(json: &mut String, text: &str) {
    if text.bytes().all(|b| b >= 0x20 && b != b'"' && b != b'\\') {
        json.push('"');
        json.push_str(text);
        json.push('"');
    } else {
        json.push_str(&serde_json::Value::from(text).to_string());
    }
}

/// Attributes read back from [`attributes_to_json`]'s text; strings of date attributes
/// (per `definitions`) become dates again.
pub fn attributes_from_json(
    text: &str,
    definitions: &[AttributeDefinition],
) -> anyhow::Result<Attributes> {
    let object: serde_json::Map<String, serde_json::Value> =
        serde_json::from_str(text).context("stored attributes are not a JSON object")?;
    let mut attributes = Attributes::new();
    for (name, json) in object {
        let value = match json {
            serde_json::Value::Bool(flag) => AttributeValue::Boolean(flag),
            serde_json::Value::Number(number) => {
                AttributeValue::Number(number.as_f64().context("stored number out of range")?)
            }
            serde_json::Value::String(text) => {
                let is_date = definitions
                    .iter()
                    .any(|d| d.name == name && d.kind == AttributeKind::Date);
                match is_date {
                    true => AttributeValue::parse_as(&text, AttributeKind::Date)
                        .unwrap_or(AttributeValue::String(text)),
                    false => AttributeValue::String(text),
                }
            }
            _ => continue,
        };
        attributes.insert(name, value);
    }
    Ok(attributes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn attributes_survive_a_round_trip() {
        let mut attributes = Attributes::new();
        attributes.insert("plan".into(), AttributeValue::String("pro".into()));
        attributes.insert("seats".into(), AttributeValue::Number(3.0));
        attributes.insert("trial".into(), AttributeValue::Boolean(false));
        let signup = AttributeValue::parse_as("2024-05-06", AttributeKind::Date).unwrap();
        attributes.insert("signup".into(), signup);
        let definitions = [AttributeDefinition {
            name: "signup".into(),
            kind: AttributeKind::Date,
        }];
        let text = attributes_to_json(&attributes);
        assert_eq!(
            attributes_from_json(&text, &definitions).unwrap(),
            attributes
        );
    }
}
