//! Query-string parameters: each read once, checked, and named in the error when wrong.

use std::collections::BTreeMap;
use std::collections::HashMap;

use jiff::Timestamp;
use vouch_analytics::ListPosition;
use vouch_core::{AttributeKind, AttributeValue};

use vouch_web::error::ApiError;
use vouch_web::state::Limits;

/// The parameters of one request, checked against the names a route takes.
#[derive(Debug)]
pub(crate) struct Params {
    pairs: Vec<(String, String)>,
}

impl Params {
    /// The pairs, refusing any name not in `allowed` (a typo would otherwise go unnoticed).
    pub(crate) fn new(pairs: Vec<(String, String)>, allowed: &[&str]) -> Result<Params, ApiError> {
        if let Some((name, _)) = pairs
            .iter()
            .find(|(name, _)| !allowed.contains(&name.as_str()))
        {
            return Err(ApiError::validation(
                name.as_str(),
                format!(
                    "unknown query parameter {name:?} (this route takes: {})",
                    allowed.join(", ")
                ),
            ));
        }
        if let Some((name, _)) = pairs
            .iter()
            .find(|(name, value)| name.contains('\0') || value.contains('\0'))
        {
            return Err(ApiError::validation(
                name.as_str(),
                "query parameters may not contain NUL characters",
            ));
        }
        Ok(Params { pairs })
    }

    /// The value of a parameter given at most once; an empty value counts as not given.
    pub(crate) fn one(&self, name: &str) -> Result<Option<&str>, ApiError> {
        let mut values = self.all(name).into_iter();
        let first = values.next();
        if values.next().is_some() {
            return Err(ApiError::validation(
                name,
                format!("{name} may be given only once"),
            ));
        }
        Ok(first.map(str::trim).filter(|value| !value.is_empty()))
    }

    /// Every value of a repeatable parameter, in order.
    pub(crate) fn all(&self, name: &str) -> Vec<&str> {
        self.pairs
            .iter()
            .filter(|(key, _)| key == name)
            .map(|(_, value)| value.as_str())
            .collect()
    }

    /// An instant parameter (`from`, `to`): RFC 3339, or a date meaning midnight UTC.
    pub(crate) fn instant(&self, name: &str) -> Result<Option<Timestamp>, ApiError> {
        self.one(name)?
            .map(|text| parse_instant(text).map_err(|reason| ApiError::validation(name, reason)))
            .transpose()
    }

    /// The page size: `limit` from 1 to the largest page, or the default.
    pub(crate) fn limit(&self, limits: &Limits) -> Result<usize, ApiError> {
        let Some(text) = self.one("limit")? else {
            return Ok(limits.default_page_size);
        };
        match text.parse::<usize>() {
            Ok(limit) if 1 <= limit && limit <= limits.max_page_size => Ok(limit),
            _ => Err(ApiError::validation(
                "limit",
                format!(
                    "limit must be a whole number from 1 to {} (the largest page)",
                    limits.max_page_size
                ),
            )),
        }
    }

    /// The `cursor` of a list: the `next_cursor` of the previous page.
    pub(crate) fn cursor(&self) -> Result<Option<i64>, ApiError> {
        self.one("cursor")?
            .map(|text| {
                text.parse::<i64>()
                    .ok()
                    .filter(|&id| id > 0)
                    .ok_or_else(|| {
                        ApiError::validation(
                            "cursor",
                            "cursor must be the next_cursor of a previous page",
                        )
                    })
            })
            .transpose()
    }

    /// `cursor` as a place in the responses' order (the `next_cursor` of a previous page).
    pub(crate) fn list_position(&self) -> Result<Option<ListPosition>, ApiError> {
        self.one("cursor")?
            .map(|text| {
                text.parse::<ListPosition>().map_err(|_| {
                    ApiError::validation(
                        "cursor",
                        "cursor must be the next_cursor of a previous page",
                    )
                })
            })
            .transpose()
    }
}

/// RFC 3339 (`2026-03-01T09:30:00Z`, `…+02:00`) or a date (`2026-03-01`, midnight UTC), as
/// `vouch report --from/--to` read them.
pub(crate) fn parse_instant(text: &str) -> Result<Timestamp, String> {
    vouch_core::period::parse_instant(text).map_err(|error| error.to_string())
}

/// `where=ATTR=VALUE` filters: each attribute known, each value readable as its kind; values
/// of one attribute grouped (OR), attributes in name order (AND).
pub(crate) fn where_filters(
    filters: &[&str],
    kinds: &HashMap<String, AttributeKind>,
) -> Result<Vec<(String, Vec<String>)>, ApiError> {
    let mut grouped: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for filter in filters {
        let Some((name, value)) = filter.split_once('=') else {
            return Err(ApiError::validation(
                "where",
                format!("{filter:?} is not ATTR=VALUE"),
            ));
        };
        let (name, value) = (name.trim(), value.trim());
        let kind = known_attribute("where", name, kinds)?;
        if let Err(error) = AttributeValue::parse_as(value, kind) {
            return Err(ApiError::validation(
                "where",
                format!("{name} is a {} attribute, and {error}", kind.as_str()),
            ));
        }
        grouped
            .entry(name.to_owned())
            .or_default()
            .push(value.to_owned());
    }
    Ok(grouped.into_iter().collect())
}

/// The kind of an attribute the workspace knows; a 422 on `parameter` listing the known ones.
pub(crate) fn known_attribute(
    parameter: &str,
    name: &str,
    kinds: &HashMap<String, AttributeKind>,
) -> Result<AttributeKind, ApiError> {
    kinds.get(name).copied().ok_or_else(|| {
        let mut known: Vec<&str> = kinds.keys().map(String::as_str).collect();
        known.sort_unstable();
        ApiError::validation(
            parameter,
            vouch_core::attribute::unknown_attribute_message(name, &known),
        )
    })
}

/// The `value_attribute` parameter: the number attribute that is a contact's value — the one
/// named, else `mrr` when the workspace has it as a number, else none
/// (`vouch_core::revenue::value_attribute`).
pub(crate) async fn value_attribute(
    state: &vouch_web::ApiState,
    caller: &vouch_web::auth::Caller,
    params: &Params,
) -> Result<Option<String>, ApiError> {
    use vouch_core::revenue::{DEFAULT_VALUE_ATTRIBUTE, ValueAttributeError};
    let given = params.one("value_attribute")?;
    let asked = given.unwrap_or(DEFAULT_VALUE_ATTRIBUTE);
    let kinds = state
        .caches()
        .attributes
        .kinds(state.store(), caller.workspace, [asked])
        .await?;
    vouch_core::revenue::value_attribute(given, |name| kinds.get(name).copied()).map_err(|error| {
        match &error {
            ValueAttributeError::Unknown(name) => {
                match known_attribute("value_attribute", name, &kinds) {
                    Err(unknown) => unknown,
                    Ok(_) => ApiError::validation("value_attribute", error.to_string()),
                }
            }
            ValueAttributeError::NotANumber { .. } => {
                ApiError::validation("value_attribute", error.to_string())
            }
        }
    })
}

/// The one word of a `text` parameter.
pub(crate) fn one_word(text: Option<&str>) -> Result<Option<String>, ApiError> {
    match text {
        None => Ok(None),
        Some(text) if vouch_core::text::filter_term(text).is_some() => Ok(Some(text.to_owned())),
        Some(text) => Err(ApiError::validation(
            "text",
            format!("{text:?} must be exactly one word, or the start of one (refund*)"),
        )),
    }
}

/// The 422 for a query the index cannot plan, naming the parameter at fault.
pub(crate) fn query_error(error: vouch_analytics::QueryError) -> ApiError {
    let field = match &error {
        vouch_analytics::QueryError::NotOneWord(_) => "text",
        vouch_analytics::QueryError::TooManyGroupings(_)
        | vouch_analytics::QueryError::TooManyGroups(_)
        | vouch_analytics::QueryError::NotANumber(_)
        | vouch_analytics::QueryError::UnknownAttribute(_)
        | vouch_analytics::QueryError::BandingDoesNotFit { .. } => "by",
        vouch_analytics::QueryError::TooManyTerms(_) => "q",
    };
    ApiError::validation(field, error.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn params(query: &[(&str, &str)], allowed: &[&str]) -> Result<Params, ApiError> {
        Params::new(
            query
                .iter()
                .map(|(name, value)| ((*name).to_owned(), (*value).to_owned()))
                .collect(),
            allowed,
        )
    }

    fn field(error: ApiError) -> Option<String> {
        error.body().error.field
    }

    #[test]
    fn unknown_and_repeated_parameters_are_named() {
        let error = params(&[("interva", "week")], &["interval"]).unwrap_err();
        assert_eq!(field(error), Some("interva".into()));
        let twice = params(&[("by", "a"), ("by", "b")], &["by"]).unwrap();
        assert_eq!(field(twice.one("by").unwrap_err()), Some("by".into()));
        let empty = params(&[("from", "")], &["from"]).unwrap();
        assert_eq!(empty.instant("from").unwrap(), None);
    }

    #[test]
    fn instants_are_rfc_3339_or_dates_at_midnight_utc() {
        assert_eq!(
            parse_instant("2026-03-01").unwrap(),
            "2026-03-01T00:00:00Z".parse::<Timestamp>().unwrap()
        );
        assert_eq!(
            parse_instant("2026-03-01T10:00:00+02:00").unwrap(),
            "2026-03-01T08:00:00Z".parse::<Timestamp>().unwrap()
        );
        assert!(parse_instant("yesterday").is_err());
        assert!(parse_instant("2026-02-30").is_err());
    }

    #[test]
    fn limits_and_cursors_are_checked() {
        let limits = Limits::default();
        let given = |value: &str| params(&[("limit", value)], &["limit"]).unwrap();
        assert_eq!(given("10").limit(&limits).unwrap(), 10);
        for bad in ["0", "-1", "abc", "1001"] {
            assert_eq!(
                field(given(bad).limit(&limits).unwrap_err()),
                Some("limit".into())
            );
        }
        let none = params(&[], &["limit"]).unwrap();
        assert_eq!(none.limit(&limits).unwrap(), limits.default_page_size);
        let cursor = params(&[("cursor", "x1")], &["cursor"]).unwrap();
        assert_eq!(field(cursor.cursor().unwrap_err()), Some("cursor".into()));
    }

    #[test]
    fn where_filters_are_typed_by_the_workspace() {
        let kinds = HashMap::from([
            ("plan".to_owned(), AttributeKind::String),
            ("seats".to_owned(), AttributeKind::Number),
        ]);
        assert_eq!(
            where_filters(&["plan=pro", "seats=3", "plan=team"], &kinds).unwrap(),
            vec![
                ("plan".to_owned(), vec!["pro".to_owned(), "team".to_owned()]),
                ("seats".to_owned(), vec!["3".to_owned()]),
            ]
        );
        for bad in ["plan", "seats=many", "country=FR"] {
            let error = where_filters(&[bad], &kinds).unwrap_err();
            assert_eq!(error.status().as_u16(), 422, "{bad}");
            assert_eq!(field(error), Some("where".into()));
        }
    }
}
