//! An export as an HTTP body, streamed: one task reads the store a page at a time and hands
//! each page's bytes to the response as it is written, so neither side holds the whole file.
//! The API's `GET /api/v1/surveys/{id}/export` and the inbox's download share it.

use std::io::Write;
use std::sync::{Arc, Mutex};

use axum::body::{Body, Bytes};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use tokio::sync::mpsc;
use vouch_export::{Export, Format};

use crate::AppState;

/// Pages of bytes waiting for the client at most; the export waits when they are not taken.
const PAGES_IN_FLIGHT: usize = 4;

/// Bytes written by a sink, taken away after each page.
#[derive(Clone, Default)]
struct Chunks(Arc<Mutex<Vec<u8>>>);

impl Chunks {
    fn take(&self) -> Vec<u8> {
        self.0
            .lock()
            .map(|mut bytes| std::mem::take(&mut *bytes))
            .unwrap_or_default()
    }
}

impl Write for Chunks {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0
            .lock()
            .map_err(|_| std::io::Error::other("export buffer poisoned"))?
            .extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

type Chunk = Result<Bytes, std::io::Error>;

/// The response streaming `export` in `format`, as an attachment named `file_name`. A failure
/// after the first bytes ends the body early (the client sees a broken transfer, never a
/// complete-looking file).
pub fn streamed(app: AppState, export: Export, format: Format, file_name: &str) -> Response {
    let (sender, receiver) = mpsc::channel::<Chunk>(PAGES_IN_FLIGHT);
    tokio::spawn(async move {
        if let Err(error) = pump(&app, export, format, &sender).await {
            tracing::warn!(%error, "export stopped");
            let _ = sender
                .send(Err(std::io::Error::other(error.to_string())))
                .await;
        }
    });
    let stream = futures_util::stream::unfold(receiver, |mut receiver| async move {
        receiver.recv().await.map(|chunk| (chunk, receiver))
    });
    (
        [
            (header::CONTENT_TYPE, format.content_type().to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{file_name}\""),
            ),
        ],
        Body::from_stream(stream),
    )
        .into_response()
}

/// Writes every page, sending its bytes as it goes; stops quietly when the client left.
async fn pump(
    app: &AppState,
    mut export: Export,
    format: Format,
    sender: &mpsc::Sender<Chunk>,
) -> vouch_export::ExportResult<()> {
    let chunks = Chunks::default();
    let mut sink = format.sink(export.columns().to_vec(), Box::new(chunks.clone()))?;
    while let Some(rows) = export.next_page(app.store()).await? {
        sink.write(&rows)?;
        if !send(sender, &chunks).await {
            return Ok(());
        }
    }
    sink.finish()?;
    send(sender, &chunks).await;
    Ok(())
}

/// Sends what was written since the last call; false when the client has gone.
async fn send(sender: &mpsc::Sender<Chunk>, chunks: &Chunks) -> bool {
    let bytes = chunks.take();
    bytes.is_empty() || sender.send(Ok(Bytes::from(bytes))).await.is_ok()
}

/// A file name safe in a `Content-Disposition` header: letters, digits, `-` and `_` of `stem`
/// (others become `-`), then the format's extension.
pub fn file_name(stem: &str, format: Format) -> String {
    let safe: String = stem
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '-'
            }
        })
        .collect();
    let extension = match format {
        Format::Csv => "csv",
        Format::Jsonl => "jsonl",
        Format::Parquet => "parquet",
    };
    format!(
        "{}.{extension}",
        if safe.is_empty() { "export" } else { &safe }
    )
}
