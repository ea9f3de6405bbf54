//! Where rows go: one writer per format over any byte stream.

use std::io::Write;
use std::str::FromStr;

use crate::table::{Cell, Column};
use crate::{ExportError, ExportResult, parquet_sink, text_sink};

/// The formats an export is written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Comma-separated values with a header line (lists as JSON arrays).
    Csv,
    /// One JSON object per line.
    Jsonl,
    /// Apache Parquet, typed columns, Snappy-compressed, one row group per page of rows.
    Parquet,
}

impl Format {
    /// Its name: `csv`, `jsonl`, `parquet`.
    pub fn as_str(self) -> &'static str {
        match self {
            Format::Csv => "csv",
            Format::Jsonl => "jsonl",
            Format::Parquet => "parquet",
        }
    }

    /// The media type of a body in this format.
    pub fn content_type(self) -> &'static str {
        match self {
            Format::Csv => "text/csv; charset=utf-8",
            Format::Jsonl => "application/x-ndjson",
            Format::Parquet => "application/vnd.apache.parquet",
        }
    }

    /// Whether it can be written to a stream that cannot seek back (a pipe, stdout). Parquet
    /// can, but a reader needs the whole file, so it is always written to a file.
    pub fn streams(self) -> bool {
        !matches!(self, Format::Parquet)
    }

    /// A writer of this format over `out`, starting with the header where there is one.
    pub fn sink(
        self,
        columns: Vec<Column>,
        out: Box<dyn Write + Send>,
    ) -> ExportResult<Box<dyn Sink>> {
        Ok(match self {
            Format::Csv => Box::new(text_sink::CsvSink::new(columns, out)?),
            Format::Jsonl => Box::new(text_sink::JsonlSink::new(columns, out)),
            Format::Parquet => Box::new(parquet_sink::ParquetSink::new(columns, out)?),
        })
    }
}

impl FromStr for Format {
    type Err = ExportError;

    fn from_str(text: &str) -> ExportResult<Format> {
        match text.trim().to_ascii_lowercase().as_str() {
            "csv" => Ok(Format::Csv),
            "jsonl" | "ndjson" => Ok(Format::Jsonl),
            "parquet" => Ok(Format::Parquet),
            other => Err(ExportError::invalid(
                "format",
                format!("unknown format {other:?} (csv, jsonl or parquet)"),
            )),
        }
    }
}

/// A writer of rows in one format.
pub trait Sink: Send {
    /// Writes a page of rows, each with one cell per column.
    fn write(&mut self, rows: &[Vec<Cell>]) -> ExportResult<()>;

    /// Writes what is left (Parquet's footer), flushes, and gives the stream back.
    fn finish(self: Box<Self>) -> ExportResult<Box<dyn Write + Send>>;
}
