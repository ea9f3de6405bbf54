//! Group commit for single responses: many requests, one transaction, each acknowledged only
//! once committed.
//!
//! Handlers submit an [`IngestRequest`] and wait. One writer task takes whatever is queued
//! (up to the batch size), writes it with one [`Store::ingest`] call, and answers every waiting
//! request. While a batch commits the next one queues, so batches grow with the load and a
//! lone request is never delayed by a timer. Concurrency invariant: on SQLite exactly one
//! writer task per server (SQLite has one writer at a time anyway); on PostgreSQL a few, each
//! committing its own batch, since the server commits them in parallel.

use std::collections::BTreeMap;
use std::sync::Arc;

use tokio::sync::{mpsc, oneshot};
use vouch_store::{IngestOutcome, IngestRequest, Store, StoreError, WorkspaceId};

/// How many requests may wait for the writer before submitters wait for room.
const QUEUE_CAPACITY: usize = 16_384;

/// The answer to one submitted request.
pub type IngestReply = Result<IngestOutcome, Arc<StoreError>>;

struct Job {
    workspace: WorkspaceId,
    request: IngestRequest,
    reply: oneshot::Sender<IngestReply>,
}

/// The handle handlers submit responses through.
#[derive(Debug, Clone)]
pub struct IngestQueue {
    jobs: mpsc::Sender<Job>,
}

impl std::fmt::Debug for Job {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Job")
            .field("workspace", &self.workspace)
            .finish_non_exhaustive()
    }
}

impl IngestQueue {
    /// Starts `writers` writer tasks over `store`, each committing at most `batch` requests
    /// at a time.
    pub fn start(store: Arc<dyn Store>, batch: usize, writers: usize) -> IngestQueue {
        let (jobs, queue) = mpsc::channel(QUEUE_CAPACITY);
        let queue = Arc::new(tokio::sync::Mutex::new(queue));
        for _ in 0..writers.max(1) {
            tokio::spawn(write_batches(
                Arc::clone(&store),
                Arc::clone(&queue),
                batch.max(1),
            ));
        }
        IngestQueue { jobs }
    }

    /// Queues one response and waits until it is committed (or refused).
    pub async fn submit(&self, workspace: WorkspaceId, request: IngestRequest) -> IngestReply {
        let (reply, answer) = oneshot::channel();
        let stopped = || Arc::new(StoreError::Other(anyhow::anyhow!("the server is stopping")));
        if self
            .jobs
            .send(Job {
                workspace,
                request,
                reply,
            })
            .await
            .is_err()
        {
            return Err(stopped());
        }
        answer.await.unwrap_or_else(|_| Err(stopped()))
    }
}

async fn write_batches(
    store: Arc<dyn Store>,
    queue: Arc<tokio::sync::Mutex<mpsc::Receiver<Job>>>,
    batch: usize,
) {
    let mut jobs = Vec::with_capacity(batch);
    // Take what is queued (holding the queue only while taking), then commit it.
    while queue.lock().await.recv_many(&mut jobs, batch).await > 0 {
        // One transaction per workspace present in the batch (usually one).
        let mut by_workspace: BTreeMap<WorkspaceId, Vec<Job>> = BTreeMap::new();
        for job in jobs.drain(..) {
            by_workspace.entry(job.workspace).or_default().push(job);
        }
        for (workspace, group) in by_workspace {
            commit_group(store.as_ref(), workspace, group).await;
        }
    }
}

async fn commit_group(store: &dyn Store, workspace: WorkspaceId, group: Vec<Job>) {
    let size = group.len();
    let (requests, replies): (Vec<IngestRequest>, Vec<oneshot::Sender<IngestReply>>) = group
        .into_iter()
        .map(|job| (job.request, job.reply))
        .unzip();
    metrics::histogram!("vouch_ingest_batch_size").record(size as f64);
    match store.ingest(workspace, requests.clone()).await {
        Ok(outcomes) => {
            let created = outcomes
                .iter()
                .filter(|o| matches!(o, IngestOutcome::Created(_)))
                .count();
            metrics::counter!("vouch_responses_ingested_total").increment(created as u64);
            if created > 0 {
                crate::arrivals::after_write(store, workspace).await;
            }
            for (reply, outcome) in replies.into_iter().zip(outcomes) {
                let _ = reply.send(Ok(outcome));
            }
        }
        Err(_) if size > 1 => {
            // One bad request (say, a survey archived a moment ago) must not fail the others:
            // write each alone so that only it gets the error.
            for (request, reply) in requests.into_iter().zip(replies) {
                let answer = match store.ingest(workspace, vec![request]).await {
                    Ok(mut outcomes) => outcomes.pop().ok_or_else(|| {
                        Arc::new(StoreError::Other(anyhow::anyhow!(
                            "the store answered nothing"
                        )))
                    }),
                    Err(error) => Err(Arc::new(error)),
                };
                if matches!(answer, Ok(IngestOutcome::Created(_))) {
                    metrics::counter!("vouch_responses_ingested_total").increment(1);
                }
                let _ = reply.send(answer);
            }
            crate::arrivals::after_write(store, workspace).await;
        }
        Err(error) => {
            let error = Arc::new(error);
            for reply in replies {
                let _ = reply.send(Err(Arc::clone(&error)));
            }
        }
    }
}
