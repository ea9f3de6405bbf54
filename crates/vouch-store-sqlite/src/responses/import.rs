//! All-or-nothing imports: one transaction on a connection owned by a thread of its own.
//!
//! Work on a batch is split in two so that both cores of a small machine are busy: the caller
//! turns it into owned rows (attributes as JSON) and the contact cache gives each row its
//! contact id (on tokio's blocking pool), then the batch is queued for the writer thread,
//! which only writes, while the next batch is prepared. An error in the writer is reported by
//! the next call on the import. Dropping the import closes the queue, and the thread rolls the
//! transaction back.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, PoisonError};

use async_trait::async_trait;
use rusqlite::{Connection, TransactionBehavior};
use tokio::sync::{mpsc, oneshot};
use vouch_store::{
    AttributeDefinition, ImportSummary, NewResponse, ResponseImport, StoreError, StoreResult,
    WorkspaceId,
};

use crate::connection::{IMPORT_CACHE_KIB, open_connection};
use crate::error::{SqlContext, other};
use crate::responses::contact_cache::ContactCache;
use crate::responses::contact_rows::ContactChanges;
use crate::responses::writer::{Row, Writer};

/// Batches queued ahead of the writer: enough to keep it busy, few enough to bound memory.
const QUEUED_BATCHES: usize = 4;

/// What the import asks of its writer thread.
enum Command {
    Define(Vec<AttributeDefinition>),
    Write(ContactChanges, Vec<Row>),
    Commit {
        /// The latest attributes of contacts, (id, attributes).
        attributes: Vec<(i64, String)>,
        contacts_created: u64,
        reply: oneshot::Sender<StoreResult<ImportSummary>>,
    },
}

/// The error that stopped the writer, until a call on the import reports it.
type Failure = Arc<Mutex<Option<StoreError>>>;

/// An import in progress; see [`vouch_store::ResponseStore::begin_import`].
pub(crate) struct SqliteImport {
    commands: mpsc::Sender<Command>,
    failure: Failure,
    /// Absent while a batch is being resolved, and for good once resolving one failed.
    contacts: Option<ContactCache>,
}

/// Starts the writer thread and waits until its transaction holds the write lock.
pub(crate) async fn begin(path: PathBuf, workspace: WorkspaceId) -> StoreResult<SqliteImport> {
    let (commands, receiver) = mpsc::channel(QUEUED_BATCHES);
    let (ready_sender, ready) = oneshot::channel();
    let failure = Failure::default();
    let thread_failure = Arc::clone(&failure);
    std::thread::Builder::new()
        .name("vouch-sqlite-import".to_owned())
        .spawn({
            let path = path.clone();
            move || run_writer(path, workspace, receiver, ready_sender, thread_failure)
        })
        .map_err(|error| other(format!("failed to start the import writer: {error}")))?;
    ready
        .await
        .map_err(|_| other("the import writer stopped before it started"))??;
    // Opened once the writer holds the write lock, so it reads the database as the import
    // found it.
    let contacts = blocking(move || ContactCache::open(&path, workspace.0)).await?;
    Ok(SqliteImport {
        commands,
        failure,
        contacts: Some(contacts),
    })
}

/// Runs `task` on tokio's blocking pool.
async fn blocking<T: Send + 'static>(
    task: impl FnOnce() -> StoreResult<T> + Send + 'static,
) -> StoreResult<T> {
    tokio::task::spawn_blocking(task)
        .await
        .map_err(|error| other(format!("an import task failed: {error}")))?
}

impl SqliteImport {
    /// The writer's error, if it stopped with one.
    fn take_failure(&self) -> Option<StoreError> {
        self.failure
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .take()
    }

    /// The error to report once the writer is gone.
    fn writer_gone(&self) -> StoreError {
        self.take_failure()
            .unwrap_or_else(|| other("the import failed earlier and wrote nothing"))
    }

    async fn send(&mut self, command: Command) -> StoreResult<()> {
        if let Some(error) = self.take_failure() {
            return Err(error);
        }
        self.commands
            .send(command)
            .await
            .map_err(|_| self.writer_gone())
    }
}

#[async_trait]
impl ResponseImport for SqliteImport {
    async fn define_attributes(&mut self, definitions: &[AttributeDefinition]) -> StoreResult<()> {
        self.send(Command::Define(definitions.to_vec())).await
    }

    async fn write(&mut self, batch: &[NewResponse]) -> StoreResult<()> {
        let mut rows = batch
            .iter()
            .map(Row::of)
            .collect::<StoreResult<Vec<Row>>>()?;
        let mut contacts = self.contacts.take().ok_or_else(failed_earlier)?;
        let (contacts, resolved) = blocking(move || {
            let changes = contacts.resolve_batch(&mut rows);
            Ok((contacts, changes.map(|changes| (changes, rows))))
        })
        .await?;
        let (changes, rows) = resolved?;
        self.contacts = Some(contacts);
        self.send(Command::Write(changes, rows)).await
    }

    async fn commit(mut self: Box<Self>) -> StoreResult<ImportSummary> {
        let mut contacts = self.contacts.take().ok_or_else(failed_earlier)?;
        let (reply, summary) = oneshot::channel();
        let command = Command::Commit {
            attributes: contacts.stale_attributes(),
            contacts_created: contacts.created(),
            reply,
        };
        self.send(command).await?;
        summary.await.map_err(|_| self.writer_gone())?
    }
}

/// The error of a call on an import whose earlier call failed.
fn failed_earlier() -> StoreError {
    other("an earlier write of this import failed; it writes nothing")
}

/// The writer thread: the transaction lives and dies here.
fn run_writer(
    path: PathBuf,
    workspace: WorkspaceId,
    mut receiver: mpsc::Receiver<Command>,
    ready: oneshot::Sender<StoreResult<()>>,
    failure: Failure,
) {
    let mut ready = Some(ready);
    let outcome = open_import_connection(&path).and_then(|mut connection| {
        let committed = serve(&mut connection, workspace, &mut receiver, &mut ready)?;
        Ok((connection, committed))
    });
    match outcome {
        // The caller has its answer; copying the new pages from the log into the database
        // file happens after it, off its critical path. Should it fail or be cut short, the
        // next checkpoint finishes it.
        Ok((connection, true)) => drop(connection.execute_batch("PRAGMA wal_checkpoint(PASSIVE)")),
        Ok((_, false)) => {}
        Err(error) => match ready.take() {
            Some(ready) => drop(ready.send(Err(error))),
            None => *failure.lock().unwrap_or_else(PoisonError::into_inner) = Some(error),
        },
    }
    // The failure is recorded before the queue closes, so a caller that finds the queue
    // closed also finds the error.
    drop(receiver);
}

/// The import's own connection. Foreign keys are not enforced on it: checking them costs a
/// third of an import's time, and the import guarantees them itself. It checks that the
/// workspace exists and that each survey belongs to it, and every contact id it writes is one
/// it found or created in its transaction, which holds the write lock from start to end.
/// Automatic checkpoints are off so that committing does not wait for one.
fn open_import_connection(path: &Path) -> StoreResult<Connection> {
    let connection = open_connection(path, IMPORT_CACHE_KIB)?;
    connection
        .execute_batch("PRAGMA foreign_keys = OFF; PRAGMA wal_autocheckpoint = 0;")
        .sql_context("failed to set up the import connection")?;
    Ok(connection)
}

/// Runs the transaction; true when it was committed.
fn serve(
    connection: &mut Connection,
    workspace: WorkspaceId,
    receiver: &mut mpsc::Receiver<Command>,
    ready: &mut Option<oneshot::Sender<StoreResult<()>>>,
) -> StoreResult<bool> {
    let transaction = connection
        .transaction_with_behavior(TransactionBehavior::Immediate)
        .sql_context("failed to start the import")?;
    let mut writer = Writer::new(&transaction, workspace)?;
    if let Some(ready) = ready.take() {
        drop(ready.send(Ok(())));
    }
    while let Some(command) = receiver.blocking_recv() {
        match command {
            Command::Define(definitions) => writer.define(&definitions)?,
            Command::Write(changes, rows) => writer.write(&changes, &rows)?,
            Command::Commit {
                attributes,
                contacts_created,
                reply,
            } => {
                let outcome = writer
                    .finish(&attributes, contacts_created)
                    .and_then(|summary| {
                        transaction
                            .commit()
                            .sql_context("failed to commit the import")?;
                        Ok(summary)
                    });
                let committed = outcome.is_ok();
                drop(reply.send(outcome));
                return Ok(committed);
            }
        }
    }
    // The import was dropped without a commit: dropping the transaction rolls it back.
    Ok(false)
}
