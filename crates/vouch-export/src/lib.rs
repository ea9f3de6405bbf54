//! Exports: every response of a survey (or every contact) with its verbatim and attributes,
//! as CSV, JSON lines or Parquet, streamed from the store page by page so that memory does not
//! grow with the number of rows.
//!
//! One table shape serves every format ([`table::Column`], [`table::Cell`]): the responses'
//! columns are `id`, `survey`, `created_at`, `score`, `category`, `comment`, `channel`,
//! `external_id`, `email`, `tags`, `themes`, `sentiment`, `sentiment_score`, then one column per
//! attribute named as the attribute. Answers to an eNPS survey go out through
//! `vouch_analytics::disclosure` (the one place of the anonymity rules): no identity column at
//! all, comments and dates as a listing would show them.

pub mod contacts;
pub mod file;
mod parquet_sink;
pub mod responses;
pub mod sink;
pub mod table;
mod text_sink;

pub use file::Destination;
pub use responses::{ResponseExport, Selection};
pub use sink::{Format, Sink};

/// Why an export failed.
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    /// The request cannot be exported as asked (a client's mistake): the message names the
    /// field (`format`, `output`, `where`…).
    #[error("{message}")]
    Invalid {
        /// The field at fault.
        field: &'static str,
        /// What is wrong with it.
        message: String,
    },
    /// The store failed.
    #[error(transparent)]
    Store(#[from] vouch_store::StoreError),
    /// Writing the output failed.
    #[error("writing the export failed: {0}")]
    Io(#[from] std::io::Error),
    /// Encoding Parquet failed.
    #[error("writing Parquet failed: {0}")]
    Parquet(#[from] parquet::errors::ParquetError),
    /// Building the Arrow batch failed.
    #[error("building the Arrow batch failed: {0}")]
    Arrow(#[from] arrow_schema::ArrowError),
}

impl ExportError {
    /// A client's mistake naming `field`.
    pub fn invalid(field: &'static str, message: impl Into<String>) -> ExportError {
        ExportError::Invalid {
            field,
            message: message.into(),
        }
    }
}

/// What an export returns.
pub type ExportResult<T> = Result<T, ExportError>;

/// An export of either kind, written the same way.
pub enum Export {
    /// A survey's answers.
    Responses(Box<ResponseExport>),
    /// The workspace's contacts.
    Contacts(contacts::ContactExport),
}

impl Export {
    /// The columns, in order.
    pub fn columns(&self) -> &[table::Column] {
        match self {
            Export::Responses(export) => export.columns(),
            Export::Contacts(export) => export.columns(),
        }
    }

    /// The next page of rows; `None` once all are out.
    pub async fn next_page(
        &mut self,
        store: &dyn vouch_store::Store,
    ) -> ExportResult<Option<Vec<Vec<table::Cell>>>> {
        match self {
            Export::Responses(export) => export.next_page(store).await,
            Export::Contacts(export) => export.next_page(store).await,
        }
    }

    /// Writes every row to `destination` in `format` (a file only once complete); returns the
    /// number of rows written.
    pub async fn write(
        mut self,
        store: &dyn vouch_store::Store,
        format: Format,
        destination: &Destination,
    ) -> ExportResult<u64> {
        let mut output = destination.open(format)?;
        let mut sink = format.sink(self.columns().to_vec(), output.take_writer())?;
        let mut rows = 0u64;
        while let Some(page) = self.next_page(store).await? {
            rows += page.len() as u64;
            sink.write(&page)?;
        }
        output.commit(sink.finish()?)?;
        Ok(rows)
    }
}
