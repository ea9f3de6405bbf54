//! The one table shape every format writes: typed columns and the cells of a row.

use jiff::Timestamp;
use jiff::civil::Date;
use vouch_core::{AttributeKind, AttributeValue};

/// The kind of a column's values, which decides its Parquet type and its text form.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ColumnType {
    /// A 64-bit integer (ids).
    Int,
    /// A small integer (scores, 0–10).
    Small,
    /// Text.
    Text,
    /// A 64-bit float.
    Float,
    /// True or false.
    Bool,
    /// An instant (Parquet: UTC microseconds; text: RFC 3339).
    Timestamp,
    /// A calendar date (Parquet: midnight UTC in microseconds; text: `YYYY-MM-DD`).
    Date,
    /// A list of texts (tags).
    TextList,
    /// A list of themes, each an id and a label.
    Themes,
}

impl ColumnType {
    /// The column type of an attribute of this kind.
    pub fn of_attribute(kind: AttributeKind) -> ColumnType {
        match kind {
            AttributeKind::String => ColumnType::Text,
            AttributeKind::Number => ColumnType::Float,
            AttributeKind::Boolean => ColumnType::Bool,
            AttributeKind::Date => ColumnType::Date,
        }
    }
}

/// A named, typed column.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Column {
    /// Its name in the header.
    pub name: String,
    /// Its values' type.
    pub kind: ColumnType,
}

impl Column {
    /// A column.
    pub fn new(name: impl Into<String>, kind: ColumnType) -> Column {
        Column {
            name: name.into(),
            kind,
        }
    }
}

/// One value of a row, of its column's type (or missing).
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    /// No value.
    Null,
    /// An integer, for [`ColumnType::Int`] and [`ColumnType::Small`].
    Int(i64),
    /// A text.
    Text(String),
    /// A float.
    Float(f64),
    /// A boolean.
    Bool(bool),
    /// An instant.
    Timestamp(Timestamp),
    /// A date.
    Date(Date),
    /// Texts.
    TextList(Vec<String>),
    /// Themes as `(id, label)`.
    Themes(Vec<(String, String)>),
}

impl Cell {
    /// The cell of an attribute's value, read as the column's type: a value of another kind
    /// than the column's (an attribute whose kind was fixed after it was stored) is given as
    /// its canonical text in a text column and left out of any other.
    pub fn of_attribute(value: Option<&AttributeValue>, kind: ColumnType) -> Cell {
        match (value, kind) {
            (None, _) => Cell::Null,
            (Some(AttributeValue::Number(n)), ColumnType::Float) => Cell::Float(*n),
            (Some(AttributeValue::Boolean(b)), ColumnType::Bool) => Cell::Bool(*b),
            (Some(AttributeValue::Date(d)), ColumnType::Date) => Cell::Date(*d),
            (Some(AttributeValue::String(s)), ColumnType::Text) => Cell::Text(s.clone()),
            (Some(other), ColumnType::Text) => Cell::Text(other.canonical()),
            (Some(_), _) => Cell::Null,
        }
    }

    /// A text cell, or null.
    pub fn text(value: Option<String>) -> Cell {
        value.map_or(Cell::Null, Cell::Text)
    }
}

/// The name of an attribute's column: the attribute's own name, unless a fixed column already
/// has it, in which case `attribute_` goes before it.
pub fn attribute_column_name(name: &str, fixed: &[Column]) -> String {
    if fixed.iter().any(|column| column.name == name) {
        format!("attribute_{name}")
    } else {
        name.to_owned()
    }
}

/// Microseconds since 1970 (UTC) of a date's midnight.
pub(crate) fn date_micros(date: Date) -> i64 {
    date.to_zoned(jiff::tz::TimeZone::UTC)
        .map_or(0, |zoned| zoned.timestamp().as_microsecond())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_are_midnight_utc_in_microseconds() {
        assert_eq!(date_micros(Date::constant(1970, 1, 1)), 0);
        assert_eq!(date_micros(Date::constant(1970, 1, 2)), 86_400_000_000);
        assert_eq!(date_micros(Date::constant(1969, 12, 31)), -86_400_000_000);
    }

    #[test]
    fn attribute_values_fit_their_column_or_are_left_out() {
        let number = AttributeValue::Number(3.5);
        assert_eq!(
            Cell::of_attribute(Some(&number), ColumnType::Float),
            Cell::Float(3.5)
        );
        assert_eq!(
            Cell::of_attribute(Some(&number), ColumnType::Text),
            Cell::Text("3.5".into()),
            "a text column keeps any value as its canonical text"
        );
        assert_eq!(
            Cell::of_attribute(Some(&number), ColumnType::Bool),
            Cell::Null
        );
        assert_eq!(Cell::of_attribute(None, ColumnType::Float), Cell::Null);
    }

    #[test]
    fn an_attribute_named_like_a_fixed_column_is_prefixed() {
        let fixed = [Column::new("email", ColumnType::Text)];
        assert_eq!(attribute_column_name("plan", &fixed), "plan");
        assert_eq!(attribute_column_name("email", &fixed), "attribute_email");
    }
}
