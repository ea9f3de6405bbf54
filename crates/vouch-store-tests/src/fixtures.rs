//! Small builders and readers the story is told with.

use jiff::Timestamp;
use vouch_core::{AttributeKind, AttributeValue, Score};
use vouch_store::{
    AttributeDefinition, Attributes, ContactKey, NewResponse, ResponseId, Store, StoreResult,
    StoredResponse, SurveyId, WorkspaceId,
};

/// The value of a store call that must succeed.
#[track_caller]
pub(crate) fn ok<T>(result: StoreResult<T>, what: &str) -> T {
    match result {
        Ok(value) => value,
        Err(error) => panic!("{what} failed: {error:#}"),
    }
}

/// A timestamp written in RFC 3339.
#[track_caller]
pub(crate) fn at(text: &str) -> Timestamp {
    match text.parse() {
        Ok(timestamp) => timestamp,
        Err(error) => panic!("bad timestamp {text:?} in the story: {error}"),
    }
}

/// A date attribute value.
#[track_caller]
pub(crate) fn date(text: &str) -> AttributeValue {
    match AttributeValue::parse_as(text, AttributeKind::Date) {
        Ok(value) => value,
        Err(error) => panic!("bad date in the story: {error}"),
    }
}

/// A text attribute value.
pub(crate) fn text(value: &str) -> AttributeValue {
    AttributeValue::String(value.to_owned())
}

/// Attributes from name–value pairs.
pub(crate) fn attributes(pairs: &[(&str, AttributeValue)]) -> Attributes {
    pairs
        .iter()
        .map(|(name, value)| ((*name).to_owned(), value.clone()))
        .collect()
}

/// An attribute definition.
pub(crate) fn definition(name: &str, kind: AttributeKind) -> AttributeDefinition {
    AttributeDefinition {
        name: name.to_owned(),
        kind,
    }
}

/// A contact key from its two optional parts.
pub(crate) fn key(external_id: Option<&str>, email: Option<&str>) -> ContactKey {
    ContactKey {
        external_id: external_id.map(str::to_owned),
        email: email.map(str::to_owned),
    }
}

/// A response to import, through the `import` channel.
#[track_caller]
pub(crate) fn answer(
    survey: SurveyId,
    contact: &ContactKey,
    attributes: Attributes,
    score: i64,
    comment: Option<&str>,
    created_at: &str,
) -> NewResponse {
    NewResponse {
        survey,
        contact: contact.clone(),
        attributes,
        score: match Score::new(score) {
            Ok(score) => score,
            Err(error) => panic!("bad score in the story: {error}"),
        },
        comment: comment.map(str::to_owned),
        created_at: at(created_at),
        channel: "import".to_owned(),
    }
}

/// Every response of the workspace, read in pages of `page` rows.
pub(crate) async fn all_responses(
    store: &dyn Store,
    workspace: WorkspaceId,
    survey: Option<SurveyId>,
    page: usize,
) -> Vec<StoredResponse> {
    let mut responses: Vec<StoredResponse> = Vec::new();
    let mut after = ResponseId::default();
    loop {
        let batch = ok(
            store.responses_after(workspace, after, survey, page).await,
            "responses_after",
        );
        assert!(
            batch.len() <= page,
            "a page holds at most `limit` responses"
        );
        let Some(last) = batch.last() else {
            return responses;
        };
        after = last.id;
        responses.extend(batch);
    }
}

/// Definitions sorted by name, to compare regardless of the order a backend lists them in.
pub(crate) fn sorted(mut definitions: Vec<AttributeDefinition>) -> Vec<AttributeDefinition> {
    definitions.sort_by(|left, right| left.name.cmp(&right.name));
    definitions
}
