//! The JSON text both backends store attributes as: `{"plan":"pro","seats":3}`.

use anyhow::Context;
use vouch_core::{AttributeKind, AttributeValue};

use crate::types::{AttributeDefinition, Attributes};

/// Attributes as a JSON object; dates become `YYYY-MM-DD` strings.
pub fn attributes_to_json(attributes: &Attributes) -> String {
    let object: serde_json::Map<String, serde_json::Value> = attributes
        .iter()
        .map(|(name, value)| {
            let json = match value {
                AttributeValue::String(text) => serde_json::Value::from(text.as_str()),
                AttributeValue::Number(number) => serde_json::Value::from(*number),
                AttributeValue::Boolean(flag) => serde_json::Value::from(*flag),
                AttributeValue::Date(date) => serde_json::Value::from(date.to_string()),
            };
            (name.clone(), json)
        })
        .collect();
    serde_json::Value::Object(object).to_string()
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
