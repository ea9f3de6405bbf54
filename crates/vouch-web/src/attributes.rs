//! Contact attributes sent as JSON, typed by the workspace's definitions.
//!
//! A JSON string, number or boolean is a string, number or boolean attribute; a
//! `"YYYY-MM-DD"` string is a date when the workspace defines the attribute as a date, or when
//! the attribute is new (as a CSV import infers it). An attribute keeps the kind it was first
//! given, so a value of another kind is refused, naming the attribute.

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex};

use jiff::civil::Date;
use serde_json::Value;
use vouch_core::{AttributeKind, AttributeValue};
use vouch_store::{AttributeDefinition, Attributes, Store, StoreResult, WorkspaceId};

use crate::error::ApiError;
use crate::state::Limits;

/// Names that are columns of imports and exports, not attributes.
const RESERVED: [&str; 5] = ["email", "external_id", "score", "comment", "created_at"];

/// Attribute kinds by name.
pub type Kinds = HashMap<String, AttributeKind>;

/// The attribute kinds of each workspace. An attribute's kind never changes once defined, so a
/// kind remembered is always right; a name not remembered makes the next lookup re-read them.
#[derive(Debug, Default)]
pub struct KindCache {
    by_workspace: Mutex<HashMap<WorkspaceId, Arc<Kinds>>>,
}

impl KindCache {
    /// The workspace's kinds, read again from the store when one of `names` is not known.
    pub async fn kinds<'n>(
        &self,
        store: &dyn Store,
        workspace: WorkspaceId,
        names: impl IntoIterator<Item = &'n str>,
    ) -> StoreResult<Arc<Kinds>> {
        let remembered = self.lock().get(&workspace).cloned();
        if let Some(kinds) = &remembered {
            let mut names = names.into_iter();
            if names.all(|name| kinds.contains_key(name)) {
                return Ok(Arc::clone(kinds));
            }
        }
        let definitions = store.attribute_definitions(workspace).await?;
        let kinds: Arc<Kinds> = Arc::new(
            definitions
                .into_iter()
                .map(|definition| (definition.name, definition.kind))
                .collect(),
        );
        self.lock().insert(workspace, Arc::clone(&kinds));
        Ok(kinds)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<WorkspaceId, Arc<Kinds>>> {
        self.by_workspace
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

/// Attributes given in a request, typed, with the definitions of those that are new.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TypedAttributes {
    /// The values.
    pub values: Attributes,
    /// Kinds of the attributes the workspace does not define yet.
    pub new_definitions: Vec<AttributeDefinition>,
}

/// Types `given` by `kinds`; errors name `{field}.{attribute}`. Blank strings are left out,
/// as empty cells of an import are.
pub fn typed_attributes(
    given: &BTreeMap<String, Value>,
    kinds: &Kinds,
    limits: &Limits,
    field: &str,
) -> Result<TypedAttributes, ApiError> {
    if given.len() > limits.attributes {
        return Err(ApiError::validation(
            field,
            format!(
                "at most {} attributes may be given at once",
                limits.attributes
            ),
        ));
    }
    let mut typed = TypedAttributes::default();
    for (name, value) in given {
        let path = format!("{field}.{name}");
        check_name(name, limits).map_err(|reason| ApiError::validation(&path, reason))?;
        let known = kinds.get(name).copied();
        let Some(value) = typed_value(value, known, limits)
            .map_err(|reason| ApiError::validation(&path, reason))?
        else {
            continue;
        };
        if known.is_none() {
            typed.new_definitions.push(AttributeDefinition {
                name: name.clone(),
                kind: value.kind(),
            });
        }
        typed.values.insert(name.clone(), value);
    }
    Ok(typed)
}

fn check_name(name: &str, limits: &Limits) -> Result<(), String> {
    if name.trim().is_empty() || name.trim() != name {
        return Err("an attribute name must be non-blank, without spaces around it".into());
    }
    if name.chars().count() > limits.attribute_name_chars {
        return Err(format!(
            "an attribute name may have at most {} characters",
            limits.attribute_name_chars
        ));
    }
    if name.contains(['=', ',']) || name.chars().any(char::is_control) {
        return Err("an attribute name may not contain `=`, `,` or control characters".into());
    }
    if RESERVED
        .iter()
        .any(|reserved| reserved.eq_ignore_ascii_case(name))
    {
        return Err(format!("{name:?} is reserved: it is not an attribute"));
    }
    Ok(())
}

/// One value, typed by the attribute's kind when known; `None` for a blank string.
fn typed_value(
    value: &Value,
    known: Option<AttributeKind>,
    limits: &Limits,
) -> Result<Option<AttributeValue>, String> {
    let wrong_kind = |kind: AttributeKind| {
        let expected = match kind {
            AttributeKind::String => "a string",
            AttributeKind::Number => "a number",
            AttributeKind::Boolean => "true or false",
            AttributeKind::Date => "a \"YYYY-MM-DD\" date",
        };
        format!(
            "must be {expected}: the workspace defines this attribute as a {}",
            kind.as_str()
        )
    };
    let value = match value {
        Value::String(text) => {
            let text = text.trim();
            if text.is_empty() {
                return Ok(None);
            }
            if text.contains('\0') {
                return Err("a value may not contain NUL characters".into());
            }
            if text.chars().count() > limits.attribute_value_chars {
                return Err(format!(
                    "a value may have at most {} characters",
                    limits.attribute_value_chars
                ));
            }
            match known {
                None if text.len() == 10 && text.parse::<Date>().is_ok() => {
                    AttributeValue::parse_as(text, AttributeKind::Date)
                        .map_err(|e| e.to_string())?
                }
                None | Some(AttributeKind::String) => AttributeValue::String(text.to_owned()),
                Some(AttributeKind::Date) => AttributeValue::parse_as(text, AttributeKind::Date)
                    .map_err(|_| wrong_kind(AttributeKind::Date))?,
                Some(kind) => return Err(wrong_kind(kind)),
            }
        }
        Value::Number(number) => match (known, number.as_f64()) {
            (None | Some(AttributeKind::Number), Some(number)) if number.is_finite() => {
                AttributeValue::Number(number)
            }
            (None | Some(AttributeKind::Number), _) => return Err("not a finite number".into()),
            (Some(kind), _) => return Err(wrong_kind(kind)),
        },
        Value::Bool(flag) => match known {
            None | Some(AttributeKind::Boolean) => AttributeValue::Boolean(*flag),
            Some(kind) => return Err(wrong_kind(kind)),
        },
        Value::Null | Value::Array(_) | Value::Object(_) => {
            return Err(
                "must be a string, a number, true or false, or a \"YYYY-MM-DD\" date".into(),
            );
        }
    };
    Ok(Some(value))
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn typed(given: Value, kinds: &[(&str, AttributeKind)]) -> Result<TypedAttributes, ApiError> {
        let given: BTreeMap<String, Value> = serde_json::from_value(given).unwrap();
        let kinds: Kinds = kinds
            .iter()
            .map(|(name, kind)| ((*name).to_owned(), *kind))
            .collect();
        typed_attributes(&given, &kinds, &Limits::default(), "contact.attributes")
    }

    fn field_of(result: Result<TypedAttributes, ApiError>) -> String {
        result.unwrap_err().body().error.field.unwrap_or_default()
    }

    #[test]
    fn new_attributes_take_the_kind_of_their_json_value() {
        let typed = typed(
            json!({"plan": "pro", "seats": 3, "vip": true, "signup": "2025-11-30", "note": " "}),
            &[],
        )
        .unwrap();
        assert_eq!(typed.values["plan"], AttributeValue::String("pro".into()));
        assert_eq!(typed.values["seats"], AttributeValue::Number(3.0));
        assert_eq!(typed.values["vip"], AttributeValue::Boolean(true));
        assert_eq!(
            typed.values["signup"],
            AttributeValue::Date(Date::constant(2025, 11, 30))
        );
        assert!(
            !typed.values.contains_key("note"),
            "blank values are left out"
        );
        let mut kinds: Vec<(String, AttributeKind)> = typed
            .new_definitions
            .into_iter()
            .map(|d| (d.name, d.kind))
            .collect();
        kinds.sort_by(|a, b| a.0.cmp(&b.0));
        assert_eq!(
            kinds,
            vec![
                ("plan".into(), AttributeKind::String),
                ("seats".into(), AttributeKind::Number),
                ("signup".into(), AttributeKind::Date),
                ("vip".into(), AttributeKind::Boolean),
            ]
        );
    }

    #[test]
    fn a_value_of_another_kind_than_defined_is_refused_by_name() {
        let defined = [
            ("plan", AttributeKind::String),
            ("seats", AttributeKind::Number),
            ("signup", AttributeKind::Date),
        ];
        assert_eq!(
            field_of(typed(json!({"plan": 3}), &defined)),
            "contact.attributes.plan"
        );
        assert_eq!(
            field_of(typed(json!({"seats": "3"}), &defined)),
            "contact.attributes.seats"
        );
        assert_eq!(
            field_of(typed(json!({"signup": "soon"}), &defined)),
            "contact.attributes.signup"
        );
        let known = typed(
            json!({"plan": "2025-01-01", "signup": "2025-01-01"}),
            &defined,
        )
        .unwrap();
        assert_eq!(
            known.values["plan"],
            AttributeValue::String("2025-01-01".into())
        );
        assert!(known.new_definitions.is_empty());
    }

    #[test]
    fn odd_names_and_values_are_refused() {
        for (given, field) in [
            (json!({"plan": null}), "contact.attributes.plan"),
            (json!({"plan": ["a"]}), "contact.attributes.plan"),
            (json!({"plan": {"a": 1}}), "contact.attributes.plan"),
            (json!({"": 1}), "contact.attributes."),
            (json!({"a=b": 1}), "contact.attributes.a=b"),
            (json!({"email": "x"}), "contact.attributes.email"),
            (json!({"plan": "x".repeat(1001)}), "contact.attributes.plan"),
            (json!({"plan": "a\u{0}b"}), "contact.attributes.plan"),
            (
                json!({"p".repeat(65): 1}),
                &format!("contact.attributes.{}", "p".repeat(65)),
            ),
        ] {
            assert_eq!(field_of(typed(given.clone(), &[])), field, "{given}");
        }
        let many: serde_json::Map<String, Value> =
            (0..101).map(|i| (format!("a{i}"), json!(i))).collect();
        assert_eq!(
            field_of(typed(Value::Object(many), &[])),
            "contact.attributes"
        );
    }
}
