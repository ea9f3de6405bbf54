//! Parquet through Arrow: typed columns, one row group per page of rows written, so memory
//! holds one page at a time whatever the number of rows.

use std::io::Write;
use std::sync::Arc;

use arrow_array::builder::{
    BooleanBuilder, Float64Builder, Int8Builder, Int64Builder, StringBuilder,
    TimestampMicrosecondBuilder,
};
use arrow_array::{ArrayRef, ListArray, RecordBatch, StringArray, StructArray};
use arrow_buffer::OffsetBuffer;
use arrow_schema::{DataType, Field, Fields, Schema, SchemaRef, TimeUnit};
use parquet::arrow::ArrowWriter;
use parquet::basic::Compression;
use parquet::file::properties::WriterProperties;

use crate::ExportResult;
use crate::sink::Sink;
use crate::table::{Cell, Column, ColumnType, date_micros};

/// The most rows of one row group; a page of rows is written as one (or more) of them.
pub const ROW_GROUP_ROWS: usize = 65_536;

/// The time zone of every timestamp column.
const UTC: &str = "UTC";

fn timestamp_type() -> DataType {
    DataType::Timestamp(TimeUnit::Microsecond, Some(UTC.into()))
}

fn text_item() -> Arc<Field> {
    Arc::new(Field::new("item", DataType::Utf8, true))
}

fn theme_fields() -> Fields {
    Fields::from(vec![
        Field::new("id", DataType::Utf8, false),
        Field::new("label", DataType::Utf8, false),
    ])
}

fn theme_item() -> Arc<Field> {
    Arc::new(Field::new("item", DataType::Struct(theme_fields()), true))
}

/// The Arrow type of a column.
fn data_type(kind: ColumnType) -> DataType {
    match kind {
        ColumnType::Int => DataType::Int64,
        ColumnType::Small => DataType::Int8,
        ColumnType::Text => DataType::Utf8,
        ColumnType::Float => DataType::Float64,
        ColumnType::Bool => DataType::Boolean,
        ColumnType::Timestamp | ColumnType::Date => timestamp_type(),
        ColumnType::TextList => DataType::List(text_item()),
        ColumnType::Themes => DataType::List(theme_item()),
    }
}

/// The Arrow schema of the columns; every column may hold nulls.
pub(crate) fn schema(columns: &[Column]) -> SchemaRef {
    Arc::new(Schema::new(
        columns
            .iter()
            .map(|column| Field::new(&column.name, data_type(column.kind), true))
            .collect::<Vec<_>>(),
    ))
}

/// Builds column `at` of `rows` as an Arrow array of its type.
fn array(rows: &[Vec<Cell>], at: usize, kind: ColumnType) -> ArrayRef {
    let cells = rows.iter().map(|row| &row[at]);
    match kind {
        ColumnType::Int => {
            let mut b = Int64Builder::with_capacity(rows.len());
            cells.for_each(|c| b.append_option(int(c)));
            Arc::new(b.finish())
        }
        ColumnType::Small => {
            let mut b = Int8Builder::with_capacity(rows.len());
            cells.for_each(|c| b.append_option(int(c).and_then(|n| i8::try_from(n).ok())));
            Arc::new(b.finish())
        }
        ColumnType::Text => {
            let mut b = StringBuilder::with_capacity(rows.len(), rows.len() * 16);
            cells.for_each(|c| b.append_option(text(c)));
            Arc::new(b.finish())
        }
        ColumnType::Float => {
            let mut b = Float64Builder::with_capacity(rows.len());
            cells.for_each(|c| b.append_option(matches_float(c)));
            Arc::new(b.finish())
        }
        ColumnType::Bool => {
            let mut b = BooleanBuilder::with_capacity(rows.len());
            cells.for_each(|c| {
                b.append_option(if let Cell::Bool(v) = c {
                    Some(*v)
                } else {
                    None
                })
            });
            Arc::new(b.finish())
        }
        ColumnType::Timestamp | ColumnType::Date => {
            let mut b = TimestampMicrosecondBuilder::with_capacity(rows.len()).with_timezone(UTC);
            cells.for_each(|c| {
                b.append_option(match c {
                    Cell::Timestamp(t) => Some(t.as_microsecond()),
                    Cell::Date(d) => Some(date_micros(*d)),
                    _ => None,
                })
            });
            Arc::new(b.finish())
        }
        ColumnType::TextList => text_lists(rows, at),
        ColumnType::Themes => theme_lists(rows, at),
    }
}

fn int(cell: &Cell) -> Option<i64> {
    if let Cell::Int(n) = cell {
        Some(*n)
    } else {
        None
    }
}

fn text(cell: &Cell) -> Option<&str> {
    if let Cell::Text(t) = cell {
        Some(t.as_str())
    } else {
        None
    }
}

fn matches_float(cell: &Cell) -> Option<f64> {
    match cell {
        Cell::Float(x) => Some(*x),
        _ => None,
    }
}

/// A list column of texts (an empty list where a cell has none).
fn text_lists(rows: &[Vec<Cell>], at: usize) -> ArrayRef {
    let lists: Vec<&[String]> = rows
        .iter()
        .map(|row| match &row[at] {
            Cell::TextList(items) => items.as_slice(),
            _ => &[],
        })
        .collect();
    let values: StringArray = lists
        .iter()
        .flat_map(|list| list.iter().map(Some))
        .collect();
    let offsets = OffsetBuffer::from_lengths(lists.iter().map(|list| list.len()));
    Arc::new(ListArray::new(text_item(), offsets, Arc::new(values), None))
}

/// A list column of `{id, label}` themes.
fn theme_lists(rows: &[Vec<Cell>], at: usize) -> ArrayRef {
    let lists: Vec<&[(String, String)]> = rows
        .iter()
        .map(|row| match &row[at] {
            Cell::Themes(themes) => themes.as_slice(),
            _ => &[],
        })
        .collect();
    let ids: StringArray = lists
        .iter()
        .flat_map(|list| list.iter().map(|(id, _)| Some(id.as_str())))
        .collect();
    let labels: StringArray = lists
        .iter()
        .flat_map(|list| list.iter().map(|(_, label)| Some(label.as_str())))
        .collect();
    let values = StructArray::new(
        theme_fields(),
        vec![Arc::new(ids) as ArrayRef, Arc::new(labels)],
        None,
    );
    let offsets = OffsetBuffer::from_lengths(lists.iter().map(|list| list.len()));
    Arc::new(ListArray::new(
        theme_item(),
        offsets,
        Arc::new(values),
        None,
    ))
}

/// Writes pages of rows as row groups.
pub(crate) struct ParquetSink {
    columns: Vec<Column>,
    schema: SchemaRef,
    writer: ArrowWriter<Box<dyn Write + Send>>,
}

impl ParquetSink {
    pub(crate) fn new(
        columns: Vec<Column>,
        out: Box<dyn Write + Send>,
    ) -> ExportResult<ParquetSink> {
        let schema = schema(&columns);
        let properties = WriterProperties::builder()
            .set_compression(Compression::SNAPPY)
            .set_max_row_group_row_count(Some(ROW_GROUP_ROWS))
            .build();
        let writer = ArrowWriter::try_new(out, schema.clone(), Some(properties))?;
        Ok(ParquetSink {
            columns,
            schema,
            writer,
        })
    }
}

impl Sink for ParquetSink {
    fn write(&mut self, rows: &[Vec<Cell>]) -> ExportResult<()> {
        if rows.is_empty() {
            return Ok(());
        }
        let arrays: Vec<ArrayRef> = self
            .columns
            .iter()
            .enumerate()
            .map(|(at, column)| array(rows, at, column.kind))
            .collect();
        let batch = RecordBatch::try_new(self.schema.clone(), arrays)?;
        self.writer.write(&batch)?;
        Ok(())
    }

    fn finish(self: Box<Self>) -> ExportResult<Box<dyn Write + Send>> {
        let mut out = self.writer.into_inner()?;
        out.flush()?;
        Ok(out)
    }
}
