//! Reading a responses CSV: the header, each row checked into a `NewResponse` or errors.

use std::collections::HashMap;
use std::fmt;
use std::io::{self, Read};

use jiff::Timestamp;
use vouch_core::limits::{
    MAX_ATTRIBUTE_NAME_CHARS, MAX_ATTRIBUTE_VALUE_CHARS, MAX_ATTRIBUTES_PER_FILE,
    MAX_COMMENT_CHARS, MAX_EXTERNAL_ID_CHARS,
};
use vouch_core::{AttributeKind, AttributeValue, Email, Score};
use vouch_store::{AttributeDefinition, Attributes, ContactKey, NewResponse, SurveyId};

/// One problem with one row (or the header, line 1).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowError {
    /// The line of the file the row starts on.
    pub line: u64,
    /// The column at fault, when one is.
    pub column: Option<String>,
    /// What is wrong.
    pub reason: String,
}

impl fmt::Display for RowError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.column {
            Some(column) => write!(f, "line {}, column {column}: {}", self.line, self.reason),
            None => write!(f, "line {}: {}", self.line, self.reason),
        }
    }
}

/// Where each known column is, and the attribute columns with their kinds.
#[derive(Debug)]
pub struct Layout {
    field_count: usize,
    email: Option<usize>,
    external_id: Option<usize>,
    score: usize,
    comment: Option<usize>,
    created_at: Option<usize>,
    attributes: AttributeColumns,
}

/// The attribute columns of a file (every column that is not a known one), with the kind of
/// each: the workspace's, or the one its first value in the file gave it.
#[derive(Debug)]
pub struct AttributeColumns {
    columns: Vec<AttributeColumn>,
}

#[derive(Debug)]
struct AttributeColumn {
    position: usize,
    name: String,
    /// Known from the workspace, or decided by the first value in this file.
    kind: Option<AttributeKind>,
    /// The line the kind was decided on, for error messages.
    decided_on_line: Option<u64>,
}

impl Layout {
    /// Reads the header row. Errors name the problem; they make the whole file unusable.
    pub fn from_header(
        header: &csv::StringRecord,
        known: &[AttributeDefinition],
    ) -> Result<Layout, String> {
        let names = header_names(header)?;
        let find = |wanted: &str| find_column(&names, wanted);
        let Some(score) = find("score") else {
            return Err("missing required column \"score\"".into());
        };
        let (email, external_id) = (find("email"), find("external_id"));
        if email.is_none() && external_id.is_none() {
            return Err("missing required column \"email\" or \"external_id\"".into());
        }
        const RESERVED: [&str; 5] = ["email", "external_id", "score", "comment", "created_at"];
        Ok(Layout {
            field_count: names.len(),
            email,
            external_id,
            score,
            comment: find("comment"),
            created_at: find("created_at"),
            attributes: AttributeColumns::from_header(&names, &RESERVED, known)?,
        })
    }

    /// Attributes this file introduces, with the kinds their first values gave them.
    pub fn new_definitions(&self, known: &[AttributeDefinition]) -> Vec<AttributeDefinition> {
        self.attributes.new_definitions(known)
    }

    /// Checks one row and turns it into a response, or lists everything wrong with it.
    pub fn read_row(
        &mut self,
        record: &csv::StringRecord,
        line: u64,
        survey: SurveyId,
        now: Timestamp,
    ) -> Result<NewResponse, Vec<RowError>> {
        let mut errors = Vec::new();
        let mut fail = |column: Option<&str>, reason: String| {
            errors.push(RowError {
                line,
                column: column.map(str::to_owned),
                reason,
            });
        };
        if record.len() != self.field_count {
            fail(
                None,
                format!(
                    "expected {} fields, found {}",
                    self.field_count,
                    record.len()
                ),
            );
            return Err(errors);
        }
        let cell = |position: Option<usize>| position.map(|p| record[p].trim()).unwrap_or("");
        let external_id = non_empty(cell(self.external_id));
        let email_text = non_empty(cell(self.email));
        if external_id.is_none() && email_text.is_none() {
            fail(None, "no email or external_id: who answered?".into());
        }
        if let Some(id) = external_id
            && let Err(reason) = check_external_id(id)
        {
            fail(Some("external_id"), reason);
        }
        let email = email_text.and_then(|text| {
            read_email(text)
                .map_err(|reason| fail(Some("email"), reason))
                .ok()
        });
        let score =
            Score::parse(&record[self.score]).map_err(|e| fail(Some("score"), e.to_string()));
        let comment = non_empty(cell(self.comment)).map(str::to_owned);
        if let Some(text) = &comment
            && text.chars().count() > MAX_COMMENT_CHARS
        {
            fail(
                Some("comment"),
                format!("longer than {MAX_COMMENT_CHARS} characters"),
            );
        }
        let created_at = match self.created_at {
            None => Some(now),
            Some(position) => match parse_instant(record[position].trim()) {
                Ok(instant) => Some(instant),
                Err(reason) => {
                    fail(Some("created_at"), reason);
                    None
                }
            },
        };
        let attributes = self.attributes.read(record, line, &mut fail);
        match (score, created_at) {
            (Ok(score), Some(created_at)) if errors.is_empty() => Ok(NewResponse {
                survey,
                contact: ContactKey {
                    external_id: external_id.map(str::to_owned),
                    email,
                },
                attributes,
                score,
                comment,
                created_at,
                channel: "import".into(),
            }),
            _ => Err(errors),
        }
    }
}

/// The header's column names, trimmed (and without a byte-order mark); an error for an empty
/// header, a column without a name, or a name given twice.
pub fn header_names(header: &csv::StringRecord) -> Result<Vec<String>, String> {
    let names: Vec<String> = header
        .iter()
        .enumerate()
        .map(|(i, name)| {
            let name = if i == 0 {
                name.trim_start_matches('\u{feff}')
            } else {
                name
            };
            name.trim().to_owned()
        })
        .collect();
    if names.is_empty() || (names.len() == 1 && names[0].is_empty()) {
        return Err("the file is empty: expected a header row".into());
    }
    let mut seen: HashMap<&str, usize> = HashMap::new();
    for (position, name) in names.iter().enumerate() {
        if name.is_empty() {
            return Err(format!(
                "line 1, column {}: the column has no name",
                position + 1
            ));
        }
        if let Some(first) = seen.insert(name, position) {
            return Err(format!(
                "line 1, column {}: duplicate column name {name:?} (also column {})",
                position + 1,
                first + 1
            ));
        }
    }
    Ok(names)
}

/// The position of a known column, whatever its case.
pub fn find_column(names: &[String], wanted: &str) -> Option<usize> {
    names
        .iter()
        .position(|name| name.eq_ignore_ascii_case(wanted))
}

impl AttributeColumns {
    /// Every column whose name is not `reserved` (in any case), with the workspace's kind when
    /// it knows the attribute.
    pub fn from_header(
        names: &[String],
        reserved: &[&str],
        known: &[AttributeDefinition],
    ) -> Result<AttributeColumns, String> {
        let columns: Vec<AttributeColumn> = names
            .iter()
            .enumerate()
            .filter(|(_, name)| !reserved.iter().any(|r| name.eq_ignore_ascii_case(r)))
            .map(|(position, name)| AttributeColumn {
                position,
                name: name.clone(),
                kind: known.iter().find(|d| &d.name == name).map(|d| d.kind),
                decided_on_line: None,
            })
            .collect();
        if columns.len() > MAX_ATTRIBUTES_PER_FILE {
            return Err(format!(
                "{} attribute columns; at most {MAX_ATTRIBUTES_PER_FILE} are allowed",
                columns.len()
            ));
        }
        if let Some(long) = columns
            .iter()
            .find(|a| a.name.chars().count() > MAX_ATTRIBUTE_NAME_CHARS)
        {
            return Err(format!(
                "line 1, column {}: attribute name longer than {MAX_ATTRIBUTE_NAME_CHARS} characters",
                long.position + 1
            ));
        }
        Ok(AttributeColumns { columns })
    }

    /// Attributes this file introduces, with the kinds their first values gave them.
    pub fn new_definitions(&self, known: &[AttributeDefinition]) -> Vec<AttributeDefinition> {
        self.columns
            .iter()
            .filter(|a| !known.iter().any(|d| d.name == a.name))
            .filter_map(|a| {
                a.kind.map(|kind| AttributeDefinition {
                    name: a.name.clone(),
                    kind,
                })
            })
            .collect()
    }

    /// The row's attributes (empty cells are left out), typed by each column's kind; the
    /// first value of a new attribute decides its kind. Problems go to `fail`.
    pub fn read(
        &mut self,
        record: &csv::StringRecord,
        line: u64,
        fail: &mut impl FnMut(Option<&str>, String),
    ) -> Attributes {
        let mut attributes = Attributes::new();
        for column in &mut self.columns {
            let text = record[column.position].trim();
            if text.is_empty() {
                continue;
            }
            if text.chars().count() > MAX_ATTRIBUTE_VALUE_CHARS {
                let reason = format!("longer than {MAX_ATTRIBUTE_VALUE_CHARS} characters");
                fail(Some(&column.name), reason);
                continue;
            }
            let value = match column.kind {
                Some(kind) => match AttributeValue::parse_as(text, kind) {
                    Ok(value) => value,
                    Err(error) => {
                        let origin = match column.decided_on_line {
                            Some(first) => format!("as its first value on line {first} was"),
                            None => "as the workspace already defines it".to_owned(),
                        };
                        fail(Some(&column.name), format!("{error}, {origin}"));
                        continue;
                    }
                },
                None => {
                    let value = AttributeValue::infer(text);
                    column.kind = Some(value.kind());
                    column.decided_on_line = Some(line);
                    value
                }
            };
            attributes.insert(column.name.clone(), value);
        }
        attributes
    }
}

/// A contact's email as [`Email::parse`] checks and normalises it (trimmed, ASCII letters
/// lower-cased), or an error saying why it is not one.
pub fn read_email(text: &str) -> Result<String, String> {
    Email::parse(text)
        .map(Email::into_string)
        .map_err(|error| error.to_string())
}

/// An external id of at most [`MAX_EXTERNAL_ID_CHARS`] characters, or an error saying so.
pub fn check_external_id(id: &str) -> Result<(), String> {
    if id.chars().count() > MAX_EXTERNAL_ID_CHARS {
        Err(format!("longer than {MAX_EXTERNAL_ID_CHARS} characters"))
    } else {
        Ok(())
    }
}

fn non_empty(text: &str) -> Option<&str> {
    (!text.is_empty()).then_some(text)
}

/// RFC 3339 (`2026-03-01T09:30:00Z`, `…+02:00`) or a date (`2026-03-01`, midnight UTC).
pub fn parse_instant(text: &str) -> Result<Timestamp, String> {
    vouch_core::period::parse_instant(text).map_err(|error| error.to_string())
}

/// A reader that fails with a clear error as soon as a line is longer than `limit` bytes, so
/// that a huge line cannot make the parser hold gigabytes.
pub struct LineLengthLimit<R> {
    inner: R,
    limit: usize,
    current_line_bytes: usize,
    line: u64,
}

impl<R: Read> LineLengthLimit<R> {
    /// Wraps `inner`.
    pub fn new(inner: R, limit: usize) -> Self {
        LineLengthLimit {
            inner,
            limit,
            current_line_bytes: 0,
            line: 1,
        }
    }
}

impl<R: Read> Read for LineLengthLimit<R> {
    fn read(&mut self, buffer: &mut [u8]) -> io::Result<usize> {
        let read = self.inner.read(buffer)?;
        for &byte in &buffer[..read] {
            if byte == b'\n' {
                self.line += 1;
                self.current_line_bytes = 0;
            } else {
                self.current_line_bytes += 1;
                if self.current_line_bytes > self.limit {
                    return Err(io::Error::new(
                        io::ErrorKind::InvalidData,
                        format!("line {} is longer than {} bytes", self.line, self.limit),
                    ));
                }
            }
        }
        Ok(read)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn header(text: &str) -> csv::StringRecord {
        csv::StringRecord::from(text.split(',').collect::<Vec<_>>())
    }

    #[test]
    fn duplicate_and_missing_columns_are_named() {
        let error = Layout::from_header(&header("email,score,plan,plan"), &[]).unwrap_err();
        assert_eq!(
            error,
            "line 1, column 4: duplicate column name \"plan\" (also column 3)"
        );
        let error = Layout::from_header(&header("email,comment"), &[]).unwrap_err();
        assert_eq!(error, "missing required column \"score\"");
        let error = Layout::from_header(&header("score,comment"), &[]).unwrap_err();
        assert_eq!(
            error,
            "missing required column \"email\" or \"external_id\""
        );
        let error = Layout::from_header(&header(""), &[]).unwrap_err();
        assert_eq!(error, "the file is empty: expected a header row");
    }

    #[test]
    fn a_row_reports_every_problem_it_has() {
        let mut layout = Layout::from_header(&header("email,score,created_at,seats"), &[]).unwrap();
        let now = Timestamp::UNIX_EPOCH;
        let good = csv::StringRecord::from(vec!["A@Example.com", "9", "2026-03-01", "3"]);
        let response = layout.read_row(&good, 2, SurveyId(1), now).unwrap();
        assert_eq!(response.contact.email.as_deref(), Some("a@example.com"));
        assert_eq!(response.created_at.to_string(), "2026-03-01T00:00:00Z");
        let bad = csv::StringRecord::from(vec!["nobody", "7.5", "yesterday", "lots"]);
        let errors = layout.read_row(&bad, 3, SurveyId(1), now).unwrap_err();
        let columns: Vec<_> = errors.iter().map(|e| e.column.clone().unwrap()).collect();
        assert_eq!(columns, ["email", "score", "created_at", "seats"]);
        assert!(
            errors[3].reason.contains("first value on line 2"),
            "{}",
            errors[3].reason
        );
    }

    #[test]
    fn emails_and_external_ids_follow_the_core_rules() {
        let mut layout = Layout::from_header(&header("email,external_id,score"), &[]).unwrap();
        let now = Timestamp::UNIX_EPOCH;
        let row = |email: &str, id: &str| csv::StringRecord::from(vec![email, id, "9"]);
        let read = layout.read_row(&row(" ÉMILE@Example.FR ", ""), 2, SurveyId(1), now);
        assert_eq!(
            read.unwrap().contact.email.as_deref(),
            Some("Émile@example.fr")
        );
        let long_id = "x".repeat(255);
        let errors = layout
            .read_row(&row("a\u{1}@b.co", &long_id), 3, SurveyId(1), now)
            .unwrap_err();
        let reasons: Vec<_> = errors.iter().map(ToString::to_string).collect();
        assert_eq!(
            reasons,
            [
                "line 3, column external_id: longer than 254 characters",
                "line 3, column email: \"a\\u{1}@b.co\" is not an email address: it contains a \
                 control character",
            ]
        );
    }

    #[test]
    fn times_are_rfc_3339_or_dates() {
        assert_eq!(
            parse_instant("2026-03-01T10:00:00+02:00")
                .unwrap()
                .to_string(),
            "2026-03-01T08:00:00Z"
        );
        assert!(parse_instant("2026-02-30").is_err());
        assert!(parse_instant("").is_err());
    }

    #[test]
    fn a_line_over_the_limit_is_an_error_naming_it() {
        let mut reader = LineLengthLimit::new("ok\nway too long\n".as_bytes(), 5);
        let mut sink = Vec::new();
        let error = reader.read_to_end(&mut sink).unwrap_err();
        assert_eq!(error.to_string(), "line 2 is longer than 5 bytes");
    }
}
