//! Rows for unit tests: answers with a contact, a date and attributes typed from their text.

use jiff::Timestamp;
use vouch_core::{AttributeValue, Score};
use vouch_store::{ContactId, ResponseId, StoredResponse, SurveyId};

use crate::index::ResponseIndex;

/// An answer to survey 1 by `contact` on `date` (`YYYY-MM-DD`, midnight UTC), its attributes
/// read as numbers, dates or booleans where they look like one.
pub(crate) fn answer(
    id: i64,
    contact: i64,
    score: u8,
    date: &str,
    attributes: &[(&str, &str)],
) -> StoredResponse {
    StoredResponse {
        id: ResponseId(id),
        survey: SurveyId(1),
        contact: ContactId(contact),
        score: Score::new(score.into()).expect("a score"),
        comment: None,
        created_at: format!("{date}T00:00:00Z")
            .parse::<Timestamp>()
            .expect("a date"),
        channel: "api".into(),
        attributes: attributes
            .iter()
            .map(|(name, value)| ((*name).to_owned(), AttributeValue::infer(value)))
            .collect(),
    }
}

/// A UTC index holding these answers.
pub(crate) fn index_of(answers: &[StoredResponse]) -> ResponseIndex {
    let mut index = ResponseIndex::new(jiff::tz::TimeZone::UTC);
    index.append(answers);
    index
}
