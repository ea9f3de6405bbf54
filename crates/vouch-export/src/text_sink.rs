//! The text formats: CSV and JSON lines.

use std::io::{BufWriter, Write};

use serde_json::Value;

use crate::ExportResult;
use crate::sink::Sink;
use crate::table::{Cell, Column};

/// The text of a cell in a CSV field (lists as JSON arrays; null as an empty field).
fn csv_field(cell: &Cell) -> String {
    match cell {
        Cell::Null => String::new(),
        Cell::Int(n) => n.to_string(),
        Cell::Text(text) => text.clone(),
        Cell::Float(x) => x.to_string(),
        Cell::Bool(b) => b.to_string(),
        Cell::Timestamp(t) => t.to_string(),
        Cell::Date(d) => d.to_string(),
        Cell::TextList(_) | Cell::Themes(_) => json_value(cell).to_string(),
    }
}

/// The JSON of a cell: themes as `{"id", "label"}` objects, the rest as in the API.
fn json_value(cell: &Cell) -> Value {
    match cell {
        Cell::Null => Value::Null,
        Cell::Int(n) => Value::from(*n),
        Cell::Text(text) => Value::from(text.as_str()),
        Cell::Float(x) => serde_json::Number::from_f64(*x).map_or(Value::Null, Value::Number),
        Cell::Bool(b) => Value::Bool(*b),
        Cell::Timestamp(t) => Value::from(t.to_string()),
        Cell::Date(d) => Value::from(d.to_string()),
        Cell::TextList(items) => Value::from(items.clone()),
        Cell::Themes(themes) => Value::Array(
            themes
                .iter()
                .map(|(id, label)| serde_json::json!({"id": id, "label": label}))
                .collect(),
        ),
    }
}

/// CSV with a header line.
pub(crate) struct CsvSink {
    writer: csv::Writer<Box<dyn Write + Send>>,
    fields: Vec<String>,
}

impl CsvSink {
    /// Writes the header.
    pub(crate) fn new(columns: Vec<Column>, out: Box<dyn Write + Send>) -> ExportResult<CsvSink> {
        let mut writer = csv::WriterBuilder::new()
            .buffer_capacity(1 << 16)
            .from_writer(out);
        writer
            .write_record(columns.iter().map(|column| column.name.as_str()))
            .map_err(csv_error)?;
        Ok(CsvSink {
            writer,
            fields: Vec::with_capacity(columns.len()),
        })
    }
}

fn csv_error(error: csv::Error) -> crate::ExportError {
    crate::ExportError::Io(std::io::Error::other(error))
}

impl Sink for CsvSink {
    fn write(&mut self, rows: &[Vec<Cell>]) -> ExportResult<()> {
        for row in rows {
            self.fields.clear();
            self.fields.extend(row.iter().map(csv_field));
            self.writer.write_record(&self.fields).map_err(csv_error)?;
        }
        Ok(())
    }

    fn finish(self: Box<Self>) -> ExportResult<Box<dyn Write + Send>> {
        let mut out = self
            .writer
            .into_inner()
            .map_err(|error| crate::ExportError::Io(error.into_error()))?;
        out.flush()?;
        Ok(out)
    }
}

/// One JSON object per line, keys in column order.
pub(crate) struct JsonlSink {
    keys: Vec<String>,
    out: BufWriter<Box<dyn Write + Send>>,
}

impl JsonlSink {
    pub(crate) fn new(columns: Vec<Column>, out: Box<dyn Write + Send>) -> JsonlSink {
        JsonlSink {
            keys: columns
                .iter()
                .map(|column| Value::from(column.name.as_str()).to_string())
                .collect(),
            out: BufWriter::with_capacity(1 << 16, out),
        }
    }
}

impl Sink for JsonlSink {
    fn write(&mut self, rows: &[Vec<Cell>]) -> ExportResult<()> {
        for row in rows {
            self.out.write_all(b"{")?;
            for (position, (key, cell)) in self.keys.iter().zip(row).enumerate() {
                if position > 0 {
                    self.out.write_all(b",")?;
                }
                self.out.write_all(key.as_bytes())?;
                self.out.write_all(b":")?;
                serde_json::to_writer(&mut self.out, &json_value(cell))
                    .map_err(std::io::Error::from)?;
            }
            self.out.write_all(b"}\n")?;
        }
        Ok(())
    }

    fn finish(self: Box<Self>) -> ExportResult<Box<dyn Write + Send>> {
        let mut out = self
            .out
            .into_inner()
            .map_err(|error| crate::ExportError::Io(error.into_error()))?;
        out.flush()?;
        Ok(out)
    }
}
