//! Stored attribute JSON read straight into [`Attributes`].
//!
//! It gives what [`vouch_store::attributes_from_json`] gives (a test below holds the two
//! together) without building a JSON value first. Loading millions of responses spends most
//! of its time decoding attributes, and this halves that.

use std::fmt;

use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use vouch_core::{AttributeKind, AttributeValue};
use vouch_store::{AttributeDefinition, Attributes};

/// The attributes in `text`, a JSON object; strings of date attributes (per `definitions`)
/// become dates.
pub(crate) fn decode(
    text: &str,
    definitions: &[AttributeDefinition],
) -> Result<Attributes, serde_json::Error> {
    let mut deserializer = serde_json::Deserializer::from_str(text);
    let attributes = ObjectSeed { definitions }.deserialize(&mut deserializer)?;
    deserializer.end()?;
    Ok(attributes)
}

/// Reads the top-level object.
struct ObjectSeed<'a> {
    definitions: &'a [AttributeDefinition],
}

impl<'de> DeserializeSeed<'de> for ObjectSeed<'_> {
    type Value = Attributes;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Attributes, D::Error> {
        deserializer.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for ObjectSeed<'_> {
    type Value = Attributes;

    fn expecting(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str("a JSON object of attributes")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Attributes, A::Error> {
        let mut attributes = Attributes::new();
        while let Some(name) = map.next_key::<String>()? {
            let value = match map.next_value::<Scalar>()? {
                Scalar::Boolean(flag) => AttributeValue::Boolean(flag),
                Scalar::Number(number) => AttributeValue::Number(number),
                Scalar::Text(text) if self.is_date(&name) => {
                    AttributeValue::parse_as(&text, AttributeKind::Date)
                        .unwrap_or(AttributeValue::String(text))
                }
                Scalar::Text(text) => AttributeValue::String(text),
                // Nulls, arrays and objects are not attributes. A later duplicate key wins,
                // as it does in a JSON map.
                Scalar::Other => {
                    attributes.remove(&name);
                    continue;
                }
            };
            attributes.insert(name, value);
        }
        Ok(attributes)
    }
}

impl ObjectSeed<'_> {
    fn is_date(&self, name: &str) -> bool {
        self.definitions
            .iter()
            .any(|definition| definition.name == name && definition.kind == AttributeKind::Date)
    }
}

/// One value of the object.
enum Scalar {
    Boolean(bool),
    Number(f64),
    Text(String),
    Other,
}

impl<'de> de::Deserialize<'de> for Scalar {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Scalar, D::Error> {
        deserializer.deserialize_any(ScalarVisitor)
    }
}

struct ScalarVisitor;

impl<'de> Visitor<'de> for ScalarVisitor {
    type Value = Scalar;

    fn expecting(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str("an attribute value")
    }

    fn visit_bool<E: de::Error>(self, flag: bool) -> Result<Scalar, E> {
        Ok(Scalar::Boolean(flag))
    }

    fn visit_i64<E: de::Error>(self, number: i64) -> Result<Scalar, E> {
        Ok(Scalar::Number(number as f64))
    }

    fn visit_u64<E: de::Error>(self, number: u64) -> Result<Scalar, E> {
        Ok(Scalar::Number(number as f64))
    }

    fn visit_f64<E: de::Error>(self, number: f64) -> Result<Scalar, E> {
        Ok(Scalar::Number(number))
    }

    fn visit_str<E: de::Error>(self, text: &str) -> Result<Scalar, E> {
        Ok(Scalar::Text(text.to_owned()))
    }

    fn visit_string<E: de::Error>(self, text: String) -> Result<Scalar, E> {
        Ok(Scalar::Text(text))
    }

    fn visit_unit<E: de::Error>(self) -> Result<Scalar, E> {
        Ok(Scalar::Other)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Scalar, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(Scalar::Other)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Scalar, A::Error> {
        while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
        Ok(Scalar::Other)
    }
}

#[cfg(test)]
mod tests {
    use vouch_store::attributes_from_json;

    use super::*;

    #[test]
    fn decoding_agrees_with_the_store_crate() {
        let definitions = [
            AttributeDefinition {
                name: "signup".into(),
                kind: AttributeKind::Date,
            },
            AttributeDefinition {
                name: "plan".into(),
                kind: AttributeKind::String,
            },
        ];
        for text in [
            r#"{}"#,
            r#"{"plan":"pro","seats":3,"trial":false,"signup":"2024-05-06"}"#,
            r#"{"signup":"not a date","other":"2024-05-06"}"#,
            r#"{"mrr":249.5,"big":18446744073709551615,"negative":-7,"exp":1e3}"#,
            r#"{"note":"quote \" and \u00e9","nothing":null,"list":[1,[2]],"map":{"a":{}}}"#,
            r#"{"twice":"first","twice":null}"#,
            r#"{"twice":null,"twice":"second"}"#,
            r#" { "spaced" : true } "#,
        ] {
            let expected = attributes_from_json(text, &definitions).unwrap();
            assert_eq!(decode(text, &definitions).unwrap(), expected, "{text}");
        }
    }

    #[test]
    fn anything_but_an_object_is_an_error() {
        for text in ["", "[]", "3", r#""text""#, "{} x", r#"{"a":}"#] {
            assert!(decode(text, &[]).is_err(), "{text}");
            assert!(attributes_from_json(text, &[]).is_err(), "{text}");
        }
    }
}
