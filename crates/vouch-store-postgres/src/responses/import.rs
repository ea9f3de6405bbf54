//! All-or-nothing imports: one transaction on a connection of their own.
//!
//! The connection is taken out of the pool for good, so that an import dropped without a
//! commit can never hand a connection that is still in a transaction back to the pool: the
//! connection is closed instead, and the server rolls the transaction back.
//!
//! Each batch costs: a contact lookup and insert for contacts not met yet (see
//! [`crate::responses::contact_cache`]), a reservation of response ids on another pooled connection (see the
//! `read` module for why), and one binary `COPY` of the responses, streamed in chunks so that
//! the server parses while the next rows are encoded.
//!
//! `write` turns the batch into owned rows (attributes as JSON) and hands it to a task that
//! writes it while the caller prepares the next batch, so that both cores work. A failure is
//! reported by the next call on the import. Dropping the import lets the task finish its batch
//! and then drops the connection, which rolls the transaction back.

use std::collections::HashSet;

use async_trait::async_trait;
use bytes::Bytes;
use deadpool_postgres::{ClientWrapper, Pool};
use futures_util::{SinkExt, pin_mut};
use tokio::task::JoinHandle;
use tokio_postgres::Statement;
use vouch_store::{
    AttributeDefinition, ImportSummary, NewResponse, ResponseImport, StoreError, StoreResult,
    WorkspaceId, attributes_to_json,
};

use crate::error::{PgContext, other};
use crate::ids::{self, BEGIN_WRITER, Reservation};
use crate::now_millis;
use crate::responses::contact_cache::{ContactCache, RowKey};
use crate::responses::copy::{COPY_RESPONSES, ResponseColumns, ResponseEncoder};
use crate::workspaces::{DEFINE_ATTRIBUTES, definition_columns, workspace_exists};

/// Bytes of COPY data sent at a time.
const COPY_CHUNK: usize = 256 * 1024;

/// An import in progress; see [`vouch_store::ResponseStore::begin_import`].
pub(crate) struct PostgresImport {
    state: State,
}

/// Where the writer is: waiting for work, writing a batch in a task of its own, or lost.
enum State {
    Idle(Box<Writer>),
    Busy(JoinHandle<(Box<Writer>, StoreResult<()>)>),
    Failed,
}

/// One response, owned, ready to write.
struct Row {
    survey: i64,
    external_id: Option<String>,
    email: Option<String>,
    attributes: String,
    score: i16,
    comment: Option<String>,
    created_at: i64,
    channel: String,
}

impl Row {
    fn of(response: &NewResponse) -> StoreResult<Row> {
        let row = Row {
            survey: response.survey.0,
            external_id: non_empty(&response.contact.external_id).map(str::to_owned),
            email: non_empty(&response.contact.email).map(str::to_owned),
            attributes: attributes_to_json(&response.attributes),
            score: i16::from(response.score.value()),
            comment: response.comment.clone(),
            created_at: response.created_at.as_millisecond(),
            channel: response.channel.clone(),
        };
        if row.external_id.is_none() && row.email.is_none() {
            return Err(other(
                "a response names neither an external id nor an email",
            ));
        }
        Ok(row)
    }

    fn key(&self) -> RowKey<'_> {
        RowKey {
            external_id: self.external_id.as_deref(),
            email: self.email.as_deref(),
        }
    }
}

/// The import's transaction and what it knows.
struct Writer {
    /// The import's own connection: dropping it closes the connection.
    client: ClientWrapper,
    /// Where id ranges are reserved, each in a short transaction of its own (see [`ids`]).
    pool: Pool,
    workspace: i64,
    /// Surveys known to belong to the workspace.
    surveys: HashSet<i64>,
    contacts: ContactCache,
    copy: Statement,
    responses: u64,
}

impl PostgresImport {
    /// Begins an import of the workspace's responses on `client`.
    pub(crate) async fn begin(
        client: ClientWrapper,
        pool: Pool,
        workspace: WorkspaceId,
    ) -> StoreResult<PostgresImport> {
        let writer = Writer::begin(client, pool, workspace).await?;
        Ok(PostgresImport {
            state: State::Idle(Box::new(writer)),
        })
    }

    /// The writer, once it has finished the batch it was writing; its failure, if it failed.
    async fn writer(&mut self) -> StoreResult<&mut Writer> {
        let outcome = match std::mem::replace(&mut self.state, State::Failed) {
            State::Idle(writer) => Ok(writer),
            State::Busy(task) => match task.await {
                Ok((writer, Ok(()))) => Ok(writer),
                Ok((_, Err(error))) => Err(error),
                Err(error) => Err(other(format!("the import's writer stopped: {error}"))),
            },
            State::Failed => Err(other("the import failed earlier and was rolled back")),
        };
        self.state = State::Idle(outcome?);
        match &mut self.state {
            State::Idle(writer) => Ok(writer),
            _ => Err(other("the import's writer is gone")),
        }
    }
}

impl Writer {
    /// Starts the transaction on `client` and learns the workspace's surveys.
    async fn begin(
        client: ClientWrapper,
        pool: Pool,
        workspace: WorkspaceId,
    ) -> StoreResult<Writer> {
        client
            .batch_execute(BEGIN_WRITER)
            .await
            .pg_context("failed to begin the import")?;
        if !workspace_exists(&client, workspace).await? {
            return Err(StoreError::NotFound(format!("workspace {}", workspace.0)));
        }
        let copy = client
            .prepare(COPY_RESPONSES)
            .await
            .pg_context("failed to prepare the response copy")?;
        let mut import = Writer {
            client,
            pool,
            workspace: workspace.0,
            surveys: HashSet::new(),
            contacts: ContactCache::new(workspace.0, now_millis()),
            copy,
            responses: 0,
        };
        import.load_surveys().await?;
        let has_contacts = import
            .client
            .query_opt(
                "SELECT 1 FROM contacts WHERE workspace_id = $1 LIMIT 1",
                &[&import.workspace],
            )
            .await
            .pg_context("failed to read contacts")?
            .is_some();
        if !has_contacts {
            import.contacts.start_empty();
        }
        Ok(import)
    }

    async fn load_surveys(&mut self) -> StoreResult<()> {
        let rows = self
            .client
            .query(
                "SELECT id FROM surveys WHERE workspace_id = $1",
                &[&self.workspace],
            )
            .await
            .pg_context("failed to list the workspace's surveys")?;
        for row in rows {
            self.surveys
                .insert(row.try_get(0).pg_context("failed to read a survey id")?);
        }
        Ok(())
    }

    /// Fails unless every survey belongs to the workspace (one may have been created since the
    /// import began).
    async fn check_surveys(&mut self, batch: &[Row]) -> StoreResult<()> {
        let unknown = |surveys: &HashSet<i64>| {
            batch
                .iter()
                .map(|row| row.survey)
                .find(|survey| !surveys.contains(survey))
        };
        if unknown(&self.surveys).is_none() {
            return Ok(());
        }
        self.load_surveys().await?;
        match unknown(&self.surveys) {
            Some(survey) => Err(StoreError::NotFound(format!("survey {survey}"))),
            None => Ok(()),
        }
    }

    async fn write_batch(&mut self, batch: Vec<Row>) -> StoreResult<()> {
        if batch.is_empty() {
            return Ok(());
        }
        self.check_surveys(&batch).await?;
        let keys: Vec<RowKey<'_>> = batch.iter().map(Row::key).collect();
        let attributes: Vec<&str> = batch.iter().map(|row| row.attributes.as_str()).collect();
        let contact_ids = self
            .contacts
            .resolve(&self.client, &keys, &attributes)
            .await?;
        let Reservation {
            first: first_id,
            horizon,
        } = ids::reserve(&self.pool, batch.len()).await?;
        let sink = self
            .client
            .copy_in::<_, Bytes>(&self.copy)
            .await
            .pg_context("failed to start copying responses")?;
        pin_mut!(sink);
        let mut encoder = ResponseEncoder::new(COPY_CHUNK + COPY_CHUNK / 4);
        // Ids follow the batch's order, but rows are sent by contact: the contact index then
        // takes its entries in order, which costs the server far less than random inserts.
        let mut order: Vec<usize> = (0..batch.len()).collect();
        order.sort_by_key(|&offset| contact_ids[offset]);
        for offset in order {
            let row = &batch[offset];
            encoder.row(&ResponseColumns {
                id: first_id + offset as i64,
                workspace_id: self.workspace,
                survey_id: row.survey,
                contact_id: contact_ids[offset],
                score: row.score,
                comment: row.comment.as_deref(),
                created_at: row.created_at,
                channel: &row.channel,
                attributes: &row.attributes,
                horizon: horizon.unsigned_abs(),
            })?;
            if encoder.len() >= COPY_CHUNK {
                sink.send(encoder.take())
                    .await
                    .pg_context("failed to copy responses")?;
            }
        }
        encoder.finish();
        sink.send(encoder.take())
            .await
            .pg_context("failed to copy responses")?;
        let copied = sink.finish().await.pg_context("failed to copy responses")?;
        self.responses += copied;
        Ok(())
    }

    async fn define(&mut self, definitions: &[AttributeDefinition]) -> StoreResult<()> {
        let (names, kinds) = definition_columns(definitions);
        self.client
            .execute(DEFINE_ATTRIBUTES, &[&self.workspace, &names, &kinds])
            .await
            .pg_context("failed to define attributes")?;
        Ok(())
    }
}

fn non_empty(key: &Option<String>) -> Option<&str> {
    key.as_deref().filter(|key| !key.is_empty())
}

#[async_trait]
impl ResponseImport for PostgresImport {
    async fn define_attributes(&mut self, definitions: &[AttributeDefinition]) -> StoreResult<()> {
        let writer = self.writer().await?;
        let outcome = writer.define(definitions).await;
        if outcome.is_err() {
            self.state = State::Failed;
        }
        outcome
    }

    async fn write(&mut self, batch: &[NewResponse]) -> StoreResult<()> {
        let rows = batch.iter().map(Row::of).collect::<StoreResult<Vec<Row>>>();
        // Waits for the previous batch, and reports its failure.
        self.writer().await?;
        let State::Idle(mut writer) = std::mem::replace(&mut self.state, State::Failed) else {
            return Err(other("the import's writer is gone"));
        };
        // A bad row fails the whole import, as a failed write would: dropping the writer here
        // closes its connection and rolls the transaction back.
        let rows = rows?;
        self.state = State::Busy(tokio::spawn(async move {
            let outcome = writer.write_batch(rows).await;
            (writer, outcome)
        }));
        Ok(())
    }

    async fn commit(mut self: Box<Self>) -> StoreResult<ImportSummary> {
        let writer = self.writer().await?;
        writer.contacts.flush(&writer.client).await?;
        writer
            .client
            .batch_execute("COMMIT")
            .await
            .pg_context("failed to commit the import")?;
        Ok(ImportSummary {
            responses: writer.responses,
            contacts_created: writer.contacts.created(),
        })
    }
}
