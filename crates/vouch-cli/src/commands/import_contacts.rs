//! `vouch contacts import`: create or update contacts from a CSV file, all or nothing.
//!
//! Columns `email` and/or `external_id` say who; every other column is an attribute, typed as
//! `vouch import responses` types them. Every row is checked before anything is written: one
//! bad row (without `--skip-invalid`) imports nothing, and every bad row is reported with the
//! file, line and column.

use std::fs::File;
use std::io::BufReader;
use std::time::Instant;

use vouch_store::{AttributeDefinition, Attributes, ContactKey, Store, Workspace};

use vouch_core::limits::MAX_CSV_LINE_BYTES;

use super::import_csv::{
    AttributeColumns, LineLengthLimit, RowError, check_external_id, find_column, header_names,
    read_email,
};
use crate::cli::ImportContactsArgs;
use crate::{bad_input, outln};

/// Contacts written per transaction.
const BATCH_ROWS: usize = 5_000;
/// Row errors printed in full; the rest are counted.
const MAX_ERRORS_SHOWN: usize = 100;

/// Runs `vouch contacts import`.
pub async fn import_contacts(
    store: &dyn Store,
    workspace: &Workspace,
    args: &ImportContactsArgs,
) -> anyhow::Result<()> {
    let started = Instant::now();
    let name = args.file.display().to_string();
    let file = match File::open(&args.file) {
        Ok(file) => file,
        Err(error) => bad_input!("{name}: cannot open: {error}"),
    };
    let reader = BufReader::with_capacity(1 << 20, file);
    let mut csv = csv::ReaderBuilder::new()
        .flexible(true)
        .from_reader(LineLengthLimit::new(reader, MAX_CSV_LINE_BYTES));
    let known = store.attribute_definitions(workspace.id).await?;
    let header = match csv.headers() {
        Ok(header) => header.clone(),
        Err(error) => bad_input!("{name}: line 1: {error}"),
    };
    let mut layout = match ContactLayout::from_header(&header, &known) {
        Ok(layout) => layout,
        Err(reason) => bad_input!("{name}: {reason}"),
    };
    let read = read_rows(&mut csv, &mut layout);
    if let Some(fatal) = read.fatal {
        bad_input!("{name}: {fatal}; nothing was imported");
    }
    for error in read.errors.iter().take(MAX_ERRORS_SHOWN) {
        eprintln!("{name}: {error}");
    }
    if read.errors.len() > MAX_ERRORS_SHOWN {
        eprintln!(
            "{name}: … and {} more problem(s) in {} invalid row(s)",
            read.errors.len() - MAX_ERRORS_SHOWN,
            read.bad_rows
        );
    }
    if read.bad_rows > 0 && !args.skip_invalid {
        bad_input!(
            "{name}: {} invalid row(s); nothing was imported \
             (use --skip-invalid to import the {} valid row(s))",
            read.bad_rows,
            read.contacts.len()
        );
    }
    let definitions = layout.attributes.new_definitions(&known);
    let (mut created, mut updated) = (0u64, 0u64);
    for batch in read.contacts.chunks(BATCH_ROWS) {
        let (batch_created, batch_updated) = store
            .upsert_contacts(workspace.id, batch, &definitions)
            .await?;
        created += batch_created;
        updated += batch_updated;
    }
    outln!(
        "imported {} contact(s): {created} created, {updated} updated, {} row(s) skipped, in {:.1} s",
        created + updated,
        read.bad_rows,
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

/// Where the key columns are, and the attribute columns.
struct ContactLayout {
    field_count: usize,
    email: Option<usize>,
    external_id: Option<usize>,
    attributes: AttributeColumns,
}

impl ContactLayout {
    fn from_header(
        header: &csv::StringRecord,
        known: &[AttributeDefinition],
    ) -> Result<ContactLayout, String> {
        let names = header_names(header)?;
        let email = find_column(&names, "email");
        let external_id = find_column(&names, "external_id");
        if email.is_none() && external_id.is_none() {
            return Err("missing required column \"email\" or \"external_id\"".into());
        }
        Ok(ContactLayout {
            field_count: names.len(),
            email,
            external_id,
            attributes: AttributeColumns::from_header(&names, &["email", "external_id"], known)?,
        })
    }

    fn read_row(
        &mut self,
        record: &csv::StringRecord,
        line: u64,
    ) -> Result<(ContactKey, Attributes), Vec<RowError>> {
        let mut errors = Vec::new();
        let mut fail = |column: Option<&str>, reason: String| {
            errors.push(RowError {
                line,
                column: column.map(str::to_owned),
                reason,
            });
        };
        if record.len() != self.field_count {
            let reason = format!(
                "expected {} fields, found {}",
                self.field_count,
                record.len()
            );
            fail(None, reason);
            return Err(errors);
        }
        let cell = |position: Option<usize>| position.map_or("", |p| record[p].trim());
        let external_id = Some(cell(self.external_id)).filter(|id| !id.is_empty());
        if let Some(id) = external_id
            && let Err(reason) = check_external_id(id)
        {
            fail(Some("external_id"), reason);
        }
        let email = match Some(cell(self.email)).filter(|text| !text.is_empty()) {
            None => None,
            Some(text) => match read_email(text) {
                Ok(address) => Some(address),
                Err(reason) => {
                    fail(Some("email"), reason);
                    None
                }
            },
        };
        if external_id.is_none() && cell(self.email).is_empty() {
            fail(None, "no email or external_id: who is this?".into());
        }
        let attributes = self.attributes.read(record, line, &mut fail);
        if !errors.is_empty() {
            return Err(errors);
        }
        let key = ContactKey {
            external_id: external_id.map(str::to_owned),
            email,
        };
        Ok((key, attributes))
    }
}

/// Everything read from the file.
struct RowsRead {
    contacts: Vec<(ContactKey, Attributes)>,
    errors: Vec<RowError>,
    bad_rows: u64,
    fatal: Option<String>,
}

fn read_rows<R: std::io::Read>(csv: &mut csv::Reader<R>, layout: &mut ContactLayout) -> RowsRead {
    let mut read = RowsRead {
        contacts: Vec::new(),
        errors: Vec::new(),
        bad_rows: 0,
        fatal: None,
    };
    let mut record = csv::StringRecord::new();
    loop {
        match csv.read_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {}
            Err(error) => {
                if let csv::ErrorKind::Io(io) = error.kind() {
                    read.fatal = Some(io.to_string());
                    return read;
                }
                let line = error.position().map_or(0, |p| p.line());
                read.bad_rows += 1;
                read.errors.push(RowError {
                    line,
                    column: None,
                    reason: match error.kind() {
                        csv::ErrorKind::Utf8 { .. } => {
                            "not valid UTF-8 text: is this a CSV file?".into()
                        }
                        _ => error.to_string(),
                    },
                });
                continue;
            }
        }
        if record.len() == 1 && record[0].trim().is_empty() {
            continue; // a blank line
        }
        let line = record.position().map_or(0, |p| p.line());
        match layout.read_row(&record, line) {
            Ok(contact) => read.contacts.push(contact),
            Err(errors) => {
                read.bad_rows += 1;
                read.errors.extend(errors);
            }
        }
    }
    read
}
