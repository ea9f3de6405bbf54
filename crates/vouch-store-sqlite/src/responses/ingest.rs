//! Group commit: many single responses written in one transaction, with idempotency keys.
//!
//! This is the write path of `POST /api/v1/responses`. The server gathers the requests that
//! arrive within a few milliseconds and hands them over at once, so that one transaction and
//! one write of the log serve up to about a thousand requests. Everything runs on one
//! connection kept for ingest alone ([`Ingester`]): its prepared statements stay cached from one
//! call to the next, and calls queue on its lock rather than on SQLite's busy handler, which
//! sleeps in steps of milliseconds.
//!
//! Foreign keys are not enforced on that connection (checking them costs several lookups per
//! response): the transaction checks itself that every survey belongs to the workspace, and
//! every contact id it writes is one it found or created inside the transaction.
//!
//! When the call returns, the transaction is committed to the write-ahead log. With
//! `synchronous = NORMAL` that survives the process being killed (the log is in the operating
//! system's hands), though not a power cut.
//!
//! Copying the log back into the database file (a checkpoint, with an fsync) is not left to
//! the commit, which would make every few calls wait for it: a thread of its own does it after
//! each call, on the other core, while the next call writes. Should the log still grow past
//! [`WAL_LIMIT_BYTES`] (the checkpoints never catching up), a call checkpoints itself.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::mpsc::{Receiver, SyncSender, TrySendError, sync_channel};
use std::sync::{Mutex, PoisonError};

use jiff::Timestamp;
use rusqlite::{Connection, OptionalExtension, TransactionBehavior};
use vouch_store::{
    AttributeDefinition, ContactId, IngestOutcome, IngestRequest, ResponseId, StoreError,
    StoreResult, StoredResponse, SurveyId, WorkspaceId, attributes_to_json,
};

use crate::connection::{POOLED_CACHE_KIB, open_connection};
use crate::contacts::queries::{define, resolve};
use crate::error::{SqlContext, other};
use crate::now_millis;
use crate::outbox::{self, ResponseChange};
use crate::responses::idempotency;
use crate::responses::response;
use crate::workspaces::attribute_definitions;

/// The size of the write-ahead log past which a call checkpoints before it returns.
const WAL_LIMIT_BYTES: u64 = 256 * 1024 * 1024;

/// Page cache of the checkpointing connection, in KiB: it only copies pages.
const CHECKPOINT_CACHE_KIB: i64 = 2 * 1024;

/// The connection ingest writes through, opened on first use and reopened after a failure.
#[derive(Debug, Default)]
pub(crate) struct Ingester {
    writer: Mutex<Option<Writer>>,
}

/// The ingest connection and the way to its checkpointing thread.
#[derive(Debug)]
struct Writer {
    connection: Connection,
    /// Wakes the checkpointing thread; none when it could not be started, and the commits
    /// then checkpoint as usual.
    checkpoints: Option<SyncSender<()>>,
    wal: PathBuf,
}

impl Ingester {
    /// Writes the requests in one transaction; see [`vouch_store::ResponseStore::ingest`]. Blocks.
    pub(crate) fn ingest(
        &self,
        path: &Path,
        workspace: WorkspaceId,
        requests: &[IngestRequest],
    ) -> StoreResult<Vec<IngestOutcome>> {
        if requests.is_empty() {
            return Ok(Vec::new());
        }
        let mut slot = self.writer.lock().unwrap_or_else(PoisonError::into_inner);
        let writer = match slot.as_mut() {
            Some(writer) => writer,
            None => slot.insert(Writer::open(path)?),
        };
        let outcome = write(&mut writer.connection, workspace, requests);
        if !writer.connection.is_autocommit() {
            // Left inside a transaction by a failure: closing it rolls the transaction back.
            *slot = None;
            return outcome;
        }
        if outcome.is_ok() {
            writer.after_commit();
        }
        outcome
    }
}

impl Writer {
    /// Opens the ingest connection, without foreign key checks (see the module comment), and
    /// starts its checkpointing thread.
    fn open(path: &Path) -> StoreResult<Writer> {
        let connection = open_connection(path, POOLED_CACHE_KIB)?;
        connection
            .execute_batch("PRAGMA foreign_keys = OFF;")
            .sql_context("failed to set up the ingest connection")?;
        let checkpoints = start_checkpoints(path);
        if checkpoints.is_some() {
            connection
                .execute_batch("PRAGMA wal_autocheckpoint = 0;")
                .sql_context("failed to set up the ingest connection")?;
        }
        let mut wal = path.as_os_str().to_owned();
        wal.push("-wal");
        Ok(Writer {
            connection,
            checkpoints,
            wal: PathBuf::from(wal),
        })
    }

    /// Asks for a checkpoint, or makes one now if the log has grown too big.
    fn after_commit(&mut self) {
        let Some(checkpoints) = &self.checkpoints else {
            return;
        };
        let oversized = std::fs::metadata(&self.wal).is_ok_and(|wal| wal.len() > WAL_LIMIT_BYTES);
        if oversized {
            // What was committed stays committed: a failed checkpoint is tried again later.
            drop(
                self.connection
                    .execute_batch("PRAGMA wal_checkpoint(PASSIVE)"),
            );
        }
        match checkpoints.try_send(()) {
            // A full queue means a checkpoint is already due.
            Ok(()) | Err(TrySendError::Full(())) => {}
            Err(TrySendError::Disconnected(())) => self.checkpoints = None,
        }
    }
}

/// Starts the thread that checkpoints after each call; none when it cannot start.
fn start_checkpoints(path: &Path) -> Option<SyncSender<()>> {
    let connection = open_connection(path, CHECKPOINT_CACHE_KIB).ok()?;
    let (sender, receiver) = sync_channel(1);
    std::thread::Builder::new()
        .name("vouch-sqlite-ckpt".to_owned())
        .spawn(move || checkpoint(&connection, &receiver))
        .ok()?;
    Some(sender)
}

/// Copies the log into the database file each time it is asked to, until the store is gone.
fn checkpoint(connection: &Connection, wake: &Receiver<()>) {
    while wake.recv().is_ok() {
        // PASSIVE: never waits for readers or writers; what it cannot copy now, it copies the
        // next time.
        drop(connection.execute_batch("PRAGMA wal_checkpoint(PASSIVE)"));
    }
}

/// What a key was found or made to stand for in this call.
struct KeyUse {
    fingerprint: String,
    /// The response the key wrote; none when it answered another kind of request.
    response: Option<StoredResponse>,
}

impl KeyUse {
    /// The outcome of a request that uses the key again with `fingerprint`.
    fn outcome(&self, fingerprint: &str) -> IngestOutcome {
        match &self.response {
            Some(response) if self.fingerprint == fingerprint => {
                IngestOutcome::Replayed(response.clone())
            }
            _ => IngestOutcome::KeyReused,
        }
    }
}

fn write(
    connection: &mut Connection,
    workspace: WorkspaceId,
    requests: &[IngestRequest],
) -> StoreResult<Vec<IngestOutcome>> {
    let transaction = connection
        .transaction_with_behavior(TransactionBehavior::Immediate)
        .sql_context("failed to start writing responses")?;
    check_surveys(&transaction, workspace, requests)?;
    let mut definitions = attribute_definitions(&transaction, workspace)?;
    let now = now_millis();
    let mut keys: HashMap<&str, KeyUse> = HashMap::new();
    let mut outcomes = Vec::with_capacity(requests.len());
    for request in requests {
        if let Some(idempotency) = &request.idempotency {
            let key = idempotency.key.as_str();
            if let Some(known) = keys.get(key) {
                outcomes.push(known.outcome(&idempotency.fingerprint));
                continue;
            }
            if let Some(known) = recorded(&transaction, workspace, key, &definitions)? {
                outcomes.push(known.outcome(&idempotency.fingerprint));
                keys.insert(key, known);
                continue;
            }
        }
        let stored = insert(&transaction, workspace, request, &mut definitions, now)?;
        outbox::response_changed(
            &transaction,
            workspace.0,
            stored.id,
            ResponseChange::Created,
            now,
        )?;
        if let Some(idempotency) = &request.idempotency {
            idempotency::record(
                &transaction,
                workspace.0,
                &idempotency.key,
                &idempotency.fingerprint,
                stored.id.0,
                now,
            )?;
            let known = KeyUse {
                fingerprint: idempotency.fingerprint.clone(),
                response: Some(stored.clone()),
            };
            keys.insert(idempotency.key.as_str(), known);
        }
        outcomes.push(IngestOutcome::Created(stored));
    }
    transaction
        .commit()
        .sql_context("failed to commit the responses")?;
    Ok(outcomes)
}

/// Fails the call unless every survey named belongs to the workspace and takes answers.
fn check_surveys(
    connection: &Connection,
    workspace: WorkspaceId,
    requests: &[IngestRequest],
) -> StoreResult<()> {
    let mut checked: Vec<SurveyId> = Vec::new();
    let mut statement = connection
        .prepare_cached("SELECT workspace_id, archived FROM surveys WHERE id = ?1")
        .sql_context("failed to prepare the survey check")?;
    for request in requests {
        let survey = request.response.survey;
        if checked.contains(&survey) {
            continue;
        }
        let found = statement
            .query_row([survey.0], |row| {
                Ok((row.get::<_, i64>(0)?, row.get::<_, bool>(1)?))
            })
            .optional()
            .sql_context("failed to read a survey")?;
        match found {
            Some((owner, false)) if owner == workspace.0 => checked.push(survey),
            Some((owner, true)) if owner == workspace.0 => {
                return Err(StoreError::NotFound(format!(
                    "survey {} is archived and takes no new responses; nothing was written",
                    survey.0
                )));
            }
            _ => {
                return Err(StoreError::NotFound(format!(
                    "survey {} is not a survey of this workspace; nothing was written",
                    survey.0
                )));
            }
        }
    }
    Ok(())
}

/// What an earlier call recorded for `key`, with the response it wrote. A key whose response
/// was erased since is forgotten, so that it writes again.
fn recorded(
    connection: &Connection,
    workspace: WorkspaceId,
    key: &str,
    definitions: &[AttributeDefinition],
) -> StoreResult<Option<KeyUse>> {
    let Some(recorded) = idempotency::find(connection, workspace.0, key)? else {
        return Ok(None);
    };
    let response = match recorded.response {
        Some(id) => match response::by_id(connection, workspace, ResponseId(id), definitions)? {
            Some(response) => Some(response),
            None => {
                idempotency::forget(connection, workspace.0, key)?;
                return Ok(None);
            }
        },
        None => None,
    };
    Ok(Some(KeyUse {
        fingerprint: recorded.fingerprint,
        response,
    }))
}

/// Writes one request: its new attribute kinds, its contact, its response.
fn insert(
    connection: &Connection,
    workspace: WorkspaceId,
    request: &IngestRequest,
    definitions: &mut Vec<AttributeDefinition>,
    now: i64,
) -> StoreResult<StoredResponse> {
    let new_kinds: Vec<AttributeDefinition> = request
        .definitions
        .iter()
        .filter(|new| !definitions.iter().any(|known| known.name == new.name))
        .cloned()
        .collect();
    if !new_kinds.is_empty() {
        define(connection, workspace.0, &new_kinds)?;
        definitions.extend(new_kinds);
    }
    let new = &request.response;
    let contact = resolve(
        connection,
        workspace.0,
        &new.contact,
        &new.attributes,
        definitions,
        now,
    )?;
    let created_at = new.created_at.as_millisecond();
    let snapshot = attributes_to_json(&contact.attributes);
    connection
        .prepare_cached(
            "INSERT INTO responses
                 (workspace_id, survey_id, contact_id, score, comment, created_at, channel,
                  attributes)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        )
        .and_then(|mut insert| {
            insert.execute((
                workspace.0,
                new.survey.0,
                contact.id,
                new.score.value(),
                &new.comment,
                created_at,
                &new.channel,
                &snapshot,
            ))
        })
        .sql_context("failed to insert a response")?;
    Ok(StoredResponse {
        id: ResponseId(connection.last_insert_rowid()),
        survey: new.survey,
        contact: ContactId(contact.id),
        score: new.score,
        comment: new.comment.clone(),
        // As stored: to the millisecond.
        created_at: Timestamp::from_millisecond(created_at)
            .map_err(|error| other(format!("a response time out of range: {error}")))?,
        channel: new.channel.clone(),
        attributes: contact.attributes,
    })
}
