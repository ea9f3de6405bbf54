//! `vouch serve`: the API, the survey pages, the background job worker, the outbox of
//! webhooks and alerts, and the weekly digest's schedule until SIGINT or SIGTERM; they stop
//! together.

use std::sync::Arc;
use std::time::Duration;

use tokio::net::TcpListener;
use vouch_store::Store;

use crate::bad_input;
use crate::settings::ServeSettings;

/// How long in-flight requests may take to finish after a shutdown signal.
const DRAIN_SECONDS: u64 = 10;

/// Serves until a shutdown signal, then drains and returns.
pub async fn serve(store: Arc<dyn Store>, mut settings: ServeSettings) -> anyhow::Result<()> {
    if settings.server.ingest_writers == 0 {
        // SQLite has one writer at a time; PostgreSQL commits a few transactions in parallel.
        settings.server.ingest_writers = if store.backend_name() == "sqlite" {
            1
        } else {
            4
        };
    }
    let listener = match TcpListener::bind(&settings.addr).await {
        Ok(listener) => listener,
        Err(error) => bad_input!("--addr {}: cannot listen: {error}", settings.addr),
    };
    let address = listener.local_addr()?;
    tracing::info!(
        backend = store.backend_name(),
        "listening on http://{address}"
    );
    let worker = match vouch_jobs::Worker::new(Arc::clone(&store), settings.jobs.clone()) {
        Ok(worker) => worker,
        Err(error) => bad_input!("{error}"),
    };
    match &settings.jobs.smtp_url {
        Some(url) => tracing::info!(
            smtp = %vouch_jobs::mailer::redact(url),
            "sending survey emails through the SMTP server"
        ),
        None => tracing::warn!(
            "{}: survey emails will fail (and be retried) until one is set",
            vouch_jobs::NO_SMTP_SERVER
        ),
    }
    let data = Arc::new(vouch_api::ApiEventData::new(Arc::clone(&store)));
    let outbox =
        match vouch_jobs::outbox::Outbox::new(Arc::clone(&store), settings.jobs.clone(), data) {
            Ok(outbox) => outbox,
            Err(error) => bad_input!("{error}"),
        };
    let (signalled, on_signal) = tokio::sync::oneshot::channel::<()>();
    let (stop, stopped) = tokio::sync::watch::channel(false);
    let shutdown = async move {
        shutdown_signal().await;
        tracing::info!("shutting down: finishing in-flight requests and jobs");
        let _ = stop.send(true);
        let _ = signalled.send(());
    };
    let mut worker_stopped = stopped.clone();
    let jobs = tokio::spawn(async move {
        worker
            .run_until_stopped(async move {
                let _ = worker_stopped.wait_for(|stop| *stop).await;
            })
            .await;
    });
    let hooks_stopped = stopped.clone();
    let hooks = tokio::spawn(async move { outbox.run_until_stopped(hooks_stopped).await });
    let sweep = tokio::spawn(vouch_jobs::apply_rule::sweep_until_stopped(
        Arc::clone(&store),
        stopped.clone(),
    ));
    let digests = tokio::spawn(vouch_jobs::digest_schedule::schedule_until_stopped(
        Arc::clone(&store),
        settings.jobs.clone(),
        stopped.clone(),
    ));
    let nightly = tokio::spawn(vouch_jobs::train_leads::nightly_until_stopped(
        Arc::clone(&store),
        stopped.clone(),
    ));
    // In-flight requests get DRAIN_SECONDS after the signal; then the process exits anyway.
    tokio::spawn(async move {
        if on_signal.await.is_ok() {
            tokio::time::sleep(Duration::from_secs(DRAIN_SECONDS)).await;
            tracing::warn!("requests still running after {DRAIN_SECONDS} s: exiting");
            std::process::exit(0);
        }
    });
    let served = vouch_http::serve(store, settings.server, listener, shutdown).await;
    // The server stopped, on the signal or on an error (which drops the sender): either way
    // the worker has been told to stop, and finishes its jobs in flight.
    drop(stopped);
    let _ = jobs.await;
    let _ = hooks.await;
    sweep.abort();
    nightly.abort();
    digests.abort();
    served?;
    tracing::info!("stopped");
    Ok(())
}

async fn shutdown_signal() {
    let interrupt = async {
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = interrupt => {},
        () = terminate => {},
    }
}
