//! Typed contact attributes: strings, numbers, booleans and dates.

use std::fmt;

use jiff::civil::Date;

/// The type of an attribute, fixed per workspace the first time the attribute is seen.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AttributeKind {
    /// Free text, compared exactly.
    String,
    /// A finite number, compared as a number (`3` equals `3.0`).
    Number,
    /// `true` or `false`.
    Boolean,
    /// A calendar date, `YYYY-MM-DD`.
    Date,
}

impl AttributeKind {
    /// The lower-case name stored and shown for the kind.
    pub fn as_str(self) -> &'static str {
        match self {
            AttributeKind::String => "string",
            AttributeKind::Number => "number",
            AttributeKind::Boolean => "boolean",
            AttributeKind::Date => "date",
        }
    }

    /// The kind named by [`AttributeKind::as_str`].
    pub fn parse(name: &str) -> Option<AttributeKind> {
        match name {
            "string" => Some(AttributeKind::String),
            "number" => Some(AttributeKind::Number),
            "boolean" => Some(AttributeKind::Boolean),
            "date" => Some(AttributeKind::Date),
            _ => None,
        }
    }
}

/// One attribute value of a contact.
#[derive(Debug, Clone, PartialEq)]
pub enum AttributeValue {
    /// Free text.
    String(String),
    /// A finite number.
    Number(f64),
    /// A yes/no flag.
    Boolean(bool),
    /// A calendar date.
    Date(Date),
}

/// Why a text cannot be read as an attribute of a given kind.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{text:?} is not a {}", kind.as_str())]
pub struct AttributeError {
    /// The text that was given.
    pub text: String,
    /// The kind it had to be.
    pub kind: AttributeKind,
}

impl AttributeValue {
    /// The kind of this value.
    pub fn kind(&self) -> AttributeKind {
        match self {
            AttributeValue::String(_) => AttributeKind::String,
            AttributeValue::Number(_) => AttributeKind::Number,
            AttributeValue::Boolean(_) => AttributeKind::Boolean,
            AttributeValue::Date(_) => AttributeKind::Date,
        }
    }

    /// The value a piece of text stands for when the attribute's kind is not known yet.
    ///
    /// Numbers with a leading zero (`02139`) stay text: they are codes, not quantities.
    pub fn infer(text: &str) -> AttributeValue {
        let trimmed = text.trim();
        for kind in [
            AttributeKind::Boolean,
            AttributeKind::Number,
            AttributeKind::Date,
        ] {
            if let Ok(value) = AttributeValue::parse_as(trimmed, kind) {
                return value;
            }
        }
        AttributeValue::String(text.to_owned())
    }

    /// Reads text as a value of `kind`.
    pub fn parse_as(text: &str, kind: AttributeKind) -> Result<AttributeValue, AttributeError> {
        let error = || AttributeError {
            text: text.to_owned(),
            kind,
        };
        let trimmed = text.trim();
        match kind {
            AttributeKind::String => Ok(AttributeValue::String(text.to_owned())),
            AttributeKind::Boolean => match trimmed.to_ascii_lowercase().as_str() {
                "true" => Ok(AttributeValue::Boolean(true)),
                "false" => Ok(AttributeValue::Boolean(false)),
                _ => Err(error()),
            },
            AttributeKind::Number => {
                if !looks_like_a_quantity(trimmed) {
                    return Err(error());
                }
                match trimmed.parse::<f64>() {
                    Ok(number) if number.is_finite() => Ok(AttributeValue::Number(number)),
                    _ => Err(error()),
                }
            }
            AttributeKind::Date => {
                if trimmed.len() != 10 {
                    return Err(error());
                }
                trimmed
                    .parse::<Date>()
                    .map(AttributeValue::Date)
                    .map_err(|_| error())
            }
        }
    }

    /// The canonical text of the value: equal values have equal text (`3.0` → `3`).
    pub fn canonical(&self) -> String {
        self.to_string()
    }
}

/// The message for an attribute nobody has: names the ones that exist, or says there are none.
pub fn unknown_attribute_message(name: &str, known: &[&str]) -> String {
    if known.is_empty() {
        format!("unknown attribute {name:?} (no contact has any attribute yet)")
    } else {
        format!("unknown attribute {name:?} (known: {})", known.join(", "))
    }
}

/// Digits with an optional sign, point and exponent, and no leading zero before other digits.
fn looks_like_a_quantity(text: &str) -> bool {
    let unsigned = text.strip_prefix(['-', '+']).unwrap_or(text);
    let starts_well = unsigned.starts_with(|c: char| c.is_ascii_digit() || c == '.');
    let leading_zero =
        unsigned.len() > 1 && unsigned.starts_with('0') && unsigned.as_bytes()[1].is_ascii_digit();
    starts_well
        && !leading_zero
        && unsigned
            .chars()
            .all(|c| c.is_ascii_digit() || matches!(c, '.' | 'e' | 'E' | '-' | '+'))
}

impl fmt::Display for AttributeValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            AttributeValue::String(text) => f.write_str(text),
            AttributeValue::Number(number) => {
                if number.fract() == 0.0 && number.abs() < 1e15 {
                    write!(f, "{}", *number as i64)
                } else {
                    write!(f, "{number}")
                }
            }
            AttributeValue::Boolean(flag) => write!(f, "{flag}"),
            AttributeValue::Date(date) => write!(f, "{date}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_are_inferred_from_text() {
        assert_eq!(AttributeValue::infer("3"), AttributeValue::Number(3.0));
        assert_eq!(AttributeValue::infer("-2.5"), AttributeValue::Number(-2.5));
        assert_eq!(AttributeValue::infer("TRUE"), AttributeValue::Boolean(true));
        assert_eq!(
            AttributeValue::infer("2025-02-03"),
            AttributeValue::Date(Date::constant(2025, 2, 3))
        );
        assert_eq!(
            AttributeValue::infer("pro"),
            AttributeValue::String("pro".into())
        );
        assert_eq!(
            AttributeValue::infer("02139"),
            AttributeValue::String("02139".into())
        );
        assert_eq!(
            AttributeValue::infer("inf"),
            AttributeValue::String("inf".into())
        );
    }

    #[test]
    fn equal_numbers_have_equal_canonical_text() {
        let three = AttributeValue::parse_as("3.0", AttributeKind::Number).unwrap();
        assert_eq!(three.canonical(), "3");
        assert_eq!(AttributeValue::Number(49.99).canonical(), "49.99");
    }

    #[test]
    fn a_value_of_the_wrong_kind_is_rejected() {
        let error = AttributeValue::parse_as("many", AttributeKind::Number).unwrap_err();
        assert_eq!(error.to_string(), "\"many\" is not a number");
        assert!(AttributeValue::parse_as("2025-13-01", AttributeKind::Date).is_err());
    }
}
