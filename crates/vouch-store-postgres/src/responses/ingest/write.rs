//! Writing the batch: its contacts, then its responses, and the outcome of each request.

use std::collections::HashMap;

use deadpool_postgres::ClientWrapper;
use futures_util::future::try_join4;
use tokio_postgres::Row;
use vouch_store::{
    AttributeDefinition, Attributes, ContactId, IngestOutcome, ResponseId, StoreResult,
    StoredResponse, attributes_to_json,
};

use super::batch::Batch;
use super::keys::Plan;
use super::{Statements, response_id};
use crate::contacts::book::{ContactBook, ContactChanges, Resolution, Who, resolve};
use crate::error::{PgContext, other};
use crate::ids::Reservation;
use crate::row::timestamp;

/// The requests to write, with their contacts resolved.
pub(super) struct Created {
    /// The contacts, with every request applied.
    pub(super) book: ContactBook,
    /// What is left to write to stored contacts.
    pub(super) changes: ContactChanges,
    /// For each request to write: its index, its contact's place in `book`, and its contact's
    /// attributes as merged up to it.
    pub(super) requests: Vec<(usize, usize, Attributes)>,
}

/// Step 3: applies the requests to write to their contacts, inserting the new ones. Each
/// response keeps its contact's attributes as merged up to its request.
pub(super) async fn resolve_contacts(
    client: &ClientWrapper,
    batch: &Batch<'_>,
    plans: &[Plan],
    contacts: &[Row],
    definitions: &[AttributeDefinition],
    now: i64,
) -> StoreResult<Created> {
    let creating: Vec<usize> = (0..plans.len())
        .filter(|&index| matches!(plans[index], Plan::Create))
        .collect();
    let applied: Vec<(Who<'_>, &Attributes)> = creating
        .iter()
        .map(|&index| (batch.who[index], &batch.requests[index].response.attributes))
        .collect();
    let Resolution {
        book,
        placed,
        changes,
        ..
    } = resolve(
        client,
        batch.workspace,
        now,
        contacts,
        definitions,
        &applied,
    )
    .await?;
    let requests = creating
        .into_iter()
        .zip(placed)
        .map(|(index, (contact, merged))| (index, contact, merged))
        .collect();
    Ok(Created {
        book,
        changes,
        requests,
    })
}

/// The responses to insert, as the parameters of [`INSERT_RESPONSES`](super::INSERT_RESPONSES).
pub(super) struct ResponseColumns<'a> {
    pub(super) ids: Vec<i64>,
    pub(super) surveys: Vec<i64>,
    pub(super) contact_ids: Vec<i64>,
    pub(super) scores: Vec<i16>,
    pub(super) comments: Vec<Option<&'a str>>,
    pub(super) times: Vec<i64>,
    pub(super) channels: Vec<&'a str>,
    pub(super) attributes: Vec<String>,
}

impl<'a> ResponseColumns<'a> {
    pub(super) fn of(
        batch: &Batch<'a>,
        created: &Created,
        reservation: Reservation,
    ) -> StoreResult<ResponseColumns<'a>> {
        let count = created.requests.len();
        let mut columns = ResponseColumns {
            ids: Vec::with_capacity(count),
            surveys: Vec::with_capacity(count),
            contact_ids: Vec::with_capacity(count),
            scores: Vec::with_capacity(count),
            comments: Vec::with_capacity(count),
            times: Vec::with_capacity(count),
            channels: Vec::with_capacity(count),
            attributes: Vec::with_capacity(count),
        };
        for (index, contact, merged) in &created.requests {
            let response = &batch.requests[*index].response;
            columns.ids.push(response_id(reservation, *index));
            columns.surveys.push(response.survey.0);
            columns.contact_ids.push(created.book.id(*contact)?);
            columns.scores.push(i16::from(response.score.value()));
            columns.comments.push(response.comment.as_deref());
            columns.times.push(response.created_at.as_millisecond());
            columns.channels.push(response.channel.as_str());
            columns.attributes.push(attributes_to_json(merged));
        }
        Ok(columns)
    }
}

/// Step 4: writes back the changed contacts, inserts the responses and commits, in one flight.
pub(super) async fn insert_and_commit(
    client: &ClientWrapper,
    statements: &Statements,
    batch: &Batch<'_>,
    created: &Created,
    columns: &ResponseColumns<'_>,
    reservation: Reservation,
    now: i64,
) -> StoreResult<()> {
    let workspace = batch.workspace;
    let inserting = async {
        if columns.ids.is_empty() {
            return Ok(0);
        }
        client
            .execute(
                &statements.insert,
                &[
                    &workspace,
                    &reservation.horizon,
                    &columns.ids,
                    &columns.surveys,
                    &columns.contact_ids,
                    &columns.scores,
                    &columns.comments,
                    &columns.times,
                    &columns.channels,
                    &columns.attributes,
                ],
            )
            .await
            .pg_context("failed to write responses")
    };
    // The webhook messages and alerts of the new responses, in the same transaction.
    let queueing = async {
        if columns.ids.is_empty() {
            return Ok(0);
        }
        client
            .execute(
                &statements.queue,
                &[
                    &workspace,
                    &columns.ids,
                    &columns.surveys,
                    &columns.scores,
                    &now,
                    &"response.created",
                ],
            )
            .await
            .pg_context("failed to queue the webhook messages of responses")
    };
    let committing = async {
        client
            .batch_execute("COMMIT")
            .await
            .pg_context("failed to commit responses")
    };
    try_join4(
        created
            .changes
            .write(client, &statements.update, workspace, now),
        inserting,
        queueing,
        committing,
    )
    .await?;
    Ok(())
}

/// The responses written, by the index of their request.
pub(super) fn written(
    batch: &Batch<'_>,
    created: Vec<(usize, usize, Attributes)>,
    columns: &ResponseColumns<'_>,
) -> StoreResult<HashMap<usize, StoredResponse>> {
    let mut written = HashMap::with_capacity(created.len());
    for (position, (index, _, merged)) in created.into_iter().enumerate() {
        let response = &batch.requests[index].response;
        written.insert(
            index,
            StoredResponse {
                id: ResponseId(columns.ids[position]),
                survey: response.survey,
                contact: ContactId(columns.contact_ids[position]),
                score: response.score,
                comment: response.comment.clone(),
                created_at: timestamp(columns.times[position])?,
                channel: response.channel.clone(),
                attributes: merged,
            },
        );
    }
    Ok(written)
}

/// The outcome of each request, in request order.
pub(super) fn outcomes(
    plans: Vec<Plan>,
    written: HashMap<usize, StoredResponse>,
) -> StoreResult<Vec<IngestOutcome>> {
    let written_for = |index: usize| {
        written
            .get(&index)
            .cloned()
            .ok_or_else(|| other("a response written went missing"))
    };
    plans
        .into_iter()
        .enumerate()
        .map(|(index, plan)| {
            Ok(match plan {
                Plan::Create => IngestOutcome::Created(written_for(index)?),
                Plan::ReplayOf(first) => IngestOutcome::Replayed(written_for(first)?),
                Plan::Replay(response) => IngestOutcome::Replayed(response),
                Plan::KeyReused => IngestOutcome::KeyReused,
            })
        })
        .collect()
}
