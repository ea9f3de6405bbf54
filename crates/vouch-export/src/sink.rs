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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::table::ColumnType;

    /// A sink's output over a shared buffer.
    #[derive(Clone, Default)]
    struct Shared(std::sync::Arc<std::sync::Mutex<Vec<u8>>>);

    impl Write for Shared {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    fn written(format: Format) -> Vec<u8> {
        let columns = vec![
            Column::new("id", ColumnType::Int),
            Column::new("comment", ColumnType::Text),
            Column::new("tags", ColumnType::TextList),
            Column::new("themes", ColumnType::Themes),
            Column::new("seats", ColumnType::Float),
        ];
        let rows = vec![
            vec![
                Cell::Int(1),
                Cell::Text("Slow, \"really\"".into()),
                Cell::TextList(vec!["a".into(), "b".into()]),
                Cell::Themes(vec![("7".into(), "Speed".into())]),
                Cell::Float(2.5),
            ],
            vec![
                Cell::Int(2),
                Cell::Null,
                Cell::TextList(vec![]),
                Cell::Themes(vec![]),
                Cell::Null,
            ],
        ];
        let shared = Shared::default();
        let mut sink = format.sink(columns, Box::new(shared.clone())).unwrap();
        sink.write(&rows).unwrap();
        sink.finish().unwrap();
        shared.0.lock().unwrap().clone()
    }

    #[test]
    fn csv_quotes_text_and_writes_lists_as_json() {
        let text = String::from_utf8(written(Format::Csv)).unwrap();
        assert_eq!(
            text,
            "id,comment,tags,themes,seats\n\
             1,\"Slow, \"\"really\"\"\",\"[\"\"a\"\",\"\"b\"\"]\",\"[{\"\"id\"\":\"\"7\"\",\"\"label\"\":\"\"Speed\"\"}]\",2.5\n\
             2,,[],[],\n"
        );
    }

    #[test]
    fn json_lines_keep_the_column_order_and_nulls() {
        let text = String::from_utf8(written(Format::Jsonl)).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(
            lines,
            [
                r#"{"id":1,"comment":"Slow, \"really\"","tags":["a","b"],"themes":[{"id":"7","label":"Speed"}],"seats":2.5}"#,
                r#"{"id":2,"comment":null,"tags":[],"themes":[],"seats":null}"#,
            ]
        );
    }

    #[test]
    fn parquet_is_a_whole_file_and_formats_parse_by_name() {
        let bytes = written(Format::Parquet);
        assert!(bytes.starts_with(b"PAR1") && bytes.ends_with(b"PAR1"));
        assert_eq!("JSONL".parse::<Format>().unwrap(), Format::Jsonl);
        assert!(matches!(
            "xml".parse::<Format>(),
            Err(ExportError::Invalid {
                field: "format",
                ..
            })
        ));
    }
}
