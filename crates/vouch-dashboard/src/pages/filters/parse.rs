//! Reading filters from a URL's query pairs, each parameter checked.

use vouch_core::{AttributeKind, AttributeValue, Category, Interval};
use vouch_store::{AttributeDefinition, ResponseStatus, UserId};

use super::range::Preset;
use super::{Bound, CHANNELS, FilterError, Filters, MAX_VALUE_CHARS, one};

impl Filters {
    /// Reads the filters of a query string's pairs; `where` attributes are checked against the
    /// workspace's definitions and their values read as the attribute's kind. The first
    /// parameter at fault, in the order of [`Filters`]' fields, is the one named.
    pub(crate) fn parse(
        pairs: &[(String, String)],
        definitions: &[AttributeDefinition],
    ) -> Result<Filters, FilterError> {
        let mut filters = Filters {
            period: period(pairs)?,
            from: bound(pairs, "from")?,
            to: bound(pairs, "to")?,
            interval: interval(pairs)?,
            ..Filters::default()
        };
        if let (Some(from), Some(to)) = (&filters.from, &filters.to)
            && from.at >= to.at
        {
            return Err(FilterError::new(
                "to",
                "the end of the range must come after its start",
            ));
        }
        filters.wheres = wheres(pairs, definitions)?;
        filters.channel = channel(pairs)?;
        filters.category = category(pairs)?;
        filters.text = search_text(pairs)?;
        filters.survey = match one(pairs, "survey") {
            None => None,
            Some(text) => Some(
                crate::pages::path_id(text)
                    .ok_or_else(|| FilterError::new("survey", "unknown survey"))?,
            ),
        };
        filters.status = status(pairs)?;
        filters.assignee = match one(pairs, "assignee") {
            None => None,
            Some(text) => {
                Some(UserId(crate::pages::path_id(text).ok_or_else(|| {
                    FilterError::new("assignee", "unknown assignee")
                })?))
            }
        };
        filters.tags = repeated(pairs, "tag")?;
        filters.themes = repeated(pairs, "theme")?;
        Ok(filters)
    }
}

/// Every non-empty value of a repeatable parameter (`tag`, `theme`), trimmed, repeats dropped.
fn repeated(pairs: &[(String, String)], name: &'static str) -> Result<Vec<String>, FilterError> {
    let mut values: Vec<String> = Vec::new();
    for (_, value) in pairs.iter().filter(|(key, _)| key == name) {
        let value = value.trim();
        if value.is_empty() || values.iter().any(|known| known == value) {
            continue;
        }
        if value.chars().count() > MAX_VALUE_CHARS {
            return Err(FilterError::new(name, format!("unknown {name}")));
        }
        values.push(value.to_owned());
    }
    Ok(values)
}

/// The value of parameter `name` read by `parse`, if given; `unknown` says what is wrong with
/// a value it cannot read.
fn named<T>(
    pairs: &[(String, String)],
    name: &'static str,
    parse: impl Fn(&str) -> Option<T>,
    unknown: impl Fn(&str) -> String,
) -> Result<Option<T>, FilterError> {
    let Some(text) = one(pairs, name) else {
        return Ok(None);
    };
    parse(text)
        .map(Some)
        .ok_or_else(|| FilterError::new(name, unknown(text)))
}

/// `period`: a preset's name.
fn period(pairs: &[(String, String)]) -> Result<Option<Preset>, FilterError> {
    named(pairs, "period", Preset::parse, |text| {
        format!("unknown period {text:?}")
    })
}

/// `interval`: `week`, `month` or `quarter`.
fn interval(pairs: &[(String, String)]) -> Result<Option<Interval>, FilterError> {
    named(pairs, "interval", Interval::parse, |text| {
        format!("unknown interval {text:?} (week, month or quarter)")
    })
}

/// Every `where`, then the filter bar's `add_attr` + `add_value`, each checked against the
/// definitions; repeats in a row are dropped.
fn wheres(
    pairs: &[(String, String)],
    definitions: &[AttributeDefinition],
) -> Result<Vec<(String, String)>, FilterError> {
    let mut wheres: Vec<(String, String)> = Vec::new();
    for (_, value) in pairs.iter().filter(|(key, _)| key == "where") {
        let value = value.trim();
        if value.is_empty() {
            continue;
        }
        let Some((name, value)) = value.split_once('=') else {
            return Err(FilterError::new(
                "where",
                format!("{value:?} is not ATTRIBUTE=VALUE"),
            ));
        };
        wheres.push((name.trim().to_owned(), value.trim().to_owned()));
    }
    if let (Some(name), Some(value)) = (one(pairs, "add_attr"), one(pairs, "add_value")) {
        wheres.push((name.to_owned(), value.to_owned()));
    }
    for (name, value) in &wheres {
        check_where(name, value, definitions)?;
    }
    wheres.dedup();
    Ok(wheres)
}

/// `channel`: one of [`CHANNELS`].
fn channel(pairs: &[(String, String)]) -> Result<Option<String>, FilterError> {
    match one(pairs, "channel") {
        None => Ok(None),
        Some(text) if CHANNELS.contains(&text) => Ok(Some(text.to_owned())),
        Some(text) => Err(FilterError::new(
            "channel",
            format!("unknown channel {text:?} ({})", CHANNELS.join(", ")),
        )),
    }
}

/// `category`: `promoter`, `passive` or `detractor`.
fn category(pairs: &[(String, String)]) -> Result<Option<Category>, FilterError> {
    named(pairs, "category", parse_category, |text| {
        format!("unknown category {text:?} (promoter, passive or detractor)")
    })
}

/// `text`: one word to search the comments for.
fn search_text(pairs: &[(String, String)]) -> Result<Option<String>, FilterError> {
    match one(pairs, "text") {
        None => Ok(None),
        Some(text) if text.chars().count() > MAX_VALUE_CHARS => {
            Err(FilterError::new("text", "search for one word at a time"))
        }
        Some(text) if vouch_core::text::filter_term(text).is_some() => Ok(Some(text.to_owned())),
        Some(text) => Err(FilterError::new(
            "text",
            format!(
                "search for one word at a time, or the start of one (refund*): {text:?} is \
                 not one word"
            ),
        )),
    }
}

/// `status`: a follow-up status.
fn status(pairs: &[(String, String)]) -> Result<Option<ResponseStatus>, FilterError> {
    named(pairs, "status", ResponseStatus::parse, |text| {
        format!("unknown status {text:?} (open, in_progress or closed)")
    })
}

/// A category by its name.
fn parse_category(text: &str) -> Option<Category> {
    match text {
        "promoter" => Some(Category::Promoter),
        "passive" => Some(Category::Passive),
        "detractor" => Some(Category::Detractor),
        _ => None,
    }
}

/// An instant parameter (`from`, `to`), if given.
fn bound(pairs: &[(String, String)], name: &'static str) -> Result<Option<Bound>, FilterError> {
    let Some(text) = one(pairs, name) else {
        return Ok(None);
    };
    let at = vouch_core::period::parse_instant(text)
        .map_err(|error| FilterError::new(name, error.to_string()))?;
    Ok(Some(Bound {
        text: text.to_owned(),
        at,
    }))
}

/// Checks one `where`: a known attribute, and a value its kind can read.
fn check_where(
    name: &str,
    value: &str,
    definitions: &[AttributeDefinition],
) -> Result<(), FilterError> {
    let Some(definition) = definitions
        .iter()
        .find(|definition| definition.name == name)
    else {
        let known: Vec<&str> = definitions.iter().map(|d| d.name.as_str()).collect();
        return Err(FilterError::new(
            "where",
            vouch_core::attribute::unknown_attribute_message(name, &known),
        ));
    };
    if value.is_empty() || value.chars().count() > MAX_VALUE_CHARS {
        return Err(FilterError::new(
            "where",
            format!("give {name} a value of at most {MAX_VALUE_CHARS} characters"),
        ));
    }
    if definition.kind != AttributeKind::String
        && let Err(error) = AttributeValue::parse_as(value, definition.kind)
    {
        return Err(FilterError::new(
            "where",
            format!(
                "{name} is a {} attribute, and {error}",
                definition.kind.as_str()
            ),
        ));
    }
    Ok(())
}
