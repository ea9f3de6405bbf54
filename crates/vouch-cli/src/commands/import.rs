//! `vouch import responses`: stream a CSV into the store, all or nothing.

use crate::outln;
use std::collections::HashSet;
use std::fs::File;
use std::io::BufReader;
use std::time::Instant;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use jiff::Timestamp;
use vouch_core::SurveyKind;
use vouch_core::limits::{MAX_CSV_LINE_BYTES, MAX_SURVEY_NAME_CHARS};
use vouch_store::{
    AttributeDefinition, NewResponse, NewSurvey, ResponseImport, Store, Survey, Workspace,
};

use super::import_csv::{Layout, LineLengthLimit, RowError};
use super::survey_name::{Found, find_survey};
use crate::bad_input;
use crate::cli::{ImportResponsesArgs, KindArg};

/// Rows handed to the store at a time.
const BATCH_ROWS: usize = 10_000;
/// Row errors printed in full; the rest are counted.
const MAX_ERRORS_SHOWN: usize = 100;
/// Files at least this big show a progress bar (on a terminal).
const PROGRESS_BAR_BYTES: u64 = 10 << 20;

/// Runs `vouch import responses`.
pub async fn import_responses(
    store: &dyn Store,
    workspace: &Workspace,
    args: &ImportResponsesArgs,
) -> anyhow::Result<()> {
    let started = Instant::now();
    let name = args.file.display().to_string();
    let file = match File::open(&args.file) {
        Ok(file) => file,
        Err(error) => bad_input!("{name}: cannot open: {error}"),
    };
    let size = file.metadata().map(|m| m.len()).unwrap_or(0);
    let progress = progress_bar(size);
    let reader = progress.wrap_read(BufReader::with_capacity(1 << 20, file));
    let mut csv = csv::ReaderBuilder::new()
        .flexible(true)
        .from_reader(LineLengthLimit::new(reader, MAX_CSV_LINE_BYTES));
    let known = store.attribute_definitions(workspace.id).await?;
    let header = match csv.headers() {
        Ok(header) => header.clone(),
        Err(error) => bad_input!("{name}: line 1: {}", describe_csv_error(&error)),
    };
    let layout = match Layout::from_header(&header, &known) {
        Ok(layout) => layout,
        Err(reason) => bad_input!("{name}: {reason}"),
    };
    let survey = find_or_check_survey(store, workspace, args).await?;
    let mut writer = Writer {
        store,
        workspace,
        survey,
        import: None,
        args,
        defined: HashSet::new(),
    };

    // Parsing and checking run on a thread of their own, so that they overlap with the
    // store's work on the batches already read.
    let (batches, mut received) = tokio::sync::mpsc::channel::<ParsedBatch>(2);
    let reading = {
        let known = known.clone();
        let skip_invalid = args.skip_invalid;
        std::thread::spawn(move || read_rows(csv, layout, known, skip_invalid, batches))
    };
    while let Some(mut parsed) = received.recv().await {
        writer.define(&parsed.definitions).await?;
        writer.write(&mut parsed.responses).await?;
    }
    let Ok(outcome) = reading.join() else {
        anyhow::bail!("{name}: reading the file failed unexpectedly");
    };
    let RowsRead {
        errors,
        bad_rows,
        good_rows,
        fatal,
    } = outcome;
    if let Some(fatal) = fatal {
        bad_input!("{name}: {fatal}; nothing was imported");
    }
    progress.finish_and_clear();
    report_errors(&name, &errors, bad_rows);
    if bad_rows > 0 && !args.skip_invalid {
        // Dropping the import discards every row written so far.
        drop(writer);
        bad_input!(
            "{name}: {bad_rows} invalid row(s); nothing was imported \
             (use --skip-invalid to import the {good_rows} valid row(s))"
        );
    }
    if good_rows == 0 && bad_rows == 0 {
        eprintln!("{name}: warning: the file has a header but no rows: nothing to import");
    }
    let survey_name = args.survey.clone();
    let summary = writer.commit().await?;
    let tagged = vouch_analytics::rules::apply_to_new(store, workspace.id).await?;
    if tagged > 0 {
        outln!("the keyword rules put {tagged} tag(s) on the new responses");
    }
    let seconds = started.elapsed().as_secs_f64();
    outln!(
        "imported {} response(s) into survey {survey_name:?} ({} new contact(s), {} row(s) skipped) \
         in {seconds:.1} s ({:.0} rows/s)",
        summary.responses,
        summary.contacts_created,
        bad_rows,
        summary.responses as f64 / seconds.max(1e-9),
    );
    Ok(())
}

/// Valid rows read from the file, with the attribute kinds decided so far.
struct ParsedBatch {
    responses: Vec<NewResponse>,
    definitions: Vec<AttributeDefinition>,
}

/// What reading the whole file found.
struct RowsRead {
    errors: Vec<RowError>,
    bad_rows: u64,
    good_rows: u64,
    /// A problem that stopped the reading (a line over the limit, an unreadable file).
    fatal: Option<String>,
}

/// Reads and checks every row, sending valid ones in batches. After the first invalid row,
/// and without `skip_invalid`, rows are still checked (to report them all) but no longer sent.
fn read_rows<R: std::io::Read>(
    mut csv: csv::Reader<R>,
    mut layout: Layout,
    known: Vec<AttributeDefinition>,
    skip_invalid: bool,
    batches: tokio::sync::mpsc::Sender<ParsedBatch>,
) -> RowsRead {
    let now = Timestamp::now();
    let mut read = RowsRead {
        errors: Vec::new(),
        bad_rows: 0,
        good_rows: 0,
        fatal: None,
    };
    let mut batch: Vec<NewResponse> = Vec::with_capacity(BATCH_ROWS);
    let mut record = csv::StringRecord::new();
    // The survey may not exist yet; the writer sets the real id on each batch.
    let survey_id = vouch_store::SurveyId(0);
    let mut sending = true;
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
                    reason: describe_csv_error(&error),
                });
                sending &= skip_invalid;
                continue;
            }
        }
        if record.len() == 1 && record[0].trim().is_empty() {
            continue; // a blank line
        }
        let line = record.position().map_or(0, |p| p.line());
        match layout.read_row(&record, line, survey_id, now) {
            Ok(response) => {
                read.good_rows += 1;
                if sending {
                    batch.push(response);
                }
            }
            Err(row_errors) => {
                read.bad_rows += 1;
                read.errors.extend(row_errors);
                sending &= skip_invalid;
                if !sending {
                    batch.clear();
                }
            }
        }
        if batch.len() >= BATCH_ROWS {
            let responses = std::mem::replace(&mut batch, Vec::with_capacity(BATCH_ROWS));
            let parsed = ParsedBatch {
                responses,
                definitions: layout.new_definitions(&known),
            };
            if batches.blocking_send(parsed).is_err() {
                return read; // the writer stopped: its error is the one to report
            }
        }
    }
    if sending && !batch.is_empty() {
        let parsed = ParsedBatch {
            responses: batch,
            definitions: layout.new_definitions(&known),
        };
        let _ = batches.blocking_send(parsed);
    }
    read
}

/// Owns the import transaction, opened (and the survey created) only when the first valid
/// batch is written.
struct Writer<'a> {
    store: &'a dyn Store,
    workspace: &'a Workspace,
    survey: Option<Survey>,
    import: Option<Box<dyn ResponseImport>>,
    args: &'a ImportResponsesArgs,
    /// Attributes already recorded in this import.
    defined: HashSet<String>,
}

impl Writer<'_> {
    /// Records attribute kinds first decided in this file (once each).
    async fn define(&mut self, definitions: &[AttributeDefinition]) -> anyhow::Result<()> {
        let new: Vec<AttributeDefinition> = definitions
            .iter()
            .filter(|definition| self.defined.insert(definition.name.clone()))
            .cloned()
            .collect();
        if !new.is_empty() {
            self.begin().await?.define_attributes(&new).await?;
        }
        Ok(())
    }

    async fn begin(&mut self) -> anyhow::Result<&mut Box<dyn ResponseImport>> {
        if self.import.is_none() {
            self.survey_id().await?;
            self.import = Some(self.store.begin_import(self.workspace.id).await?);
        }
        Ok(self.import.as_mut().expect("the import was begun above"))
    }

    async fn write(&mut self, batch: &mut [NewResponse]) -> anyhow::Result<()> {
        if batch.is_empty() {
            return Ok(());
        }
        let survey_id = self.survey_id().await?;
        for response in batch.iter_mut() {
            response.survey = survey_id;
        }
        self.begin().await?.write(batch).await?;
        Ok(())
    }

    /// The survey's id, creating the survey on first use.
    async fn survey_id(&mut self) -> anyhow::Result<vouch_store::SurveyId> {
        if let Some(survey) = &self.survey {
            return Ok(survey.id);
        }
        let kind = kind_of(self.args.kind.unwrap_or(KindArg::Nps));
        let new_survey = NewSurvey {
            slug: None,
            settings: Default::default(),
            name: self.args.survey.clone(),
            kind,
            question: kind.default_question(None),
            follow_up: vouch_core::survey::DEFAULT_FOLLOW_UP.to_owned(),
        };
        let survey = self
            .store
            .create_survey(self.workspace.id, new_survey)
            .await?;
        let id = survey.id;
        self.survey = Some(survey);
        Ok(id)
    }

    async fn commit(self) -> anyhow::Result<vouch_store::ImportSummary> {
        match self.import {
            Some(import) => Ok(import.commit().await?),
            None => Ok(vouch_store::ImportSummary::default()),
        }
    }
}

async fn find_or_check_survey(
    store: &dyn Store,
    workspace: &Workspace,
    args: &ImportResponsesArgs,
) -> anyhow::Result<Option<Survey>> {
    let name = args.survey.trim();
    if name.is_empty() || name.chars().count() > MAX_SURVEY_NAME_CHARS {
        bad_input!("--survey: the name must be 1 to {MAX_SURVEY_NAME_CHARS} characters");
    }
    let existing = match find_survey(store, workspace, name).await? {
        Found::Survey(survey) => Some(*survey),
        // A near miss is a typo more often than a new survey: ask before creating one.
        Found::Missing {
            near: Some(near), ..
        } if !args.create => bad_input!(
            "--survey: no survey named {name:?}, but there is {near:?}: use that name, or pass \
             --create to create a new survey {name:?}"
        ),
        Found::Missing { .. } => None,
    };
    if let Some(survey) = &existing
        && let Some(kind) = args.kind.map(kind_of)
        && survey.kind != kind
    {
        bad_input!(
            "--kind: survey {name:?} is an {} survey, not {}",
            survey.kind.as_str(),
            kind.as_str()
        );
    }
    Ok(existing)
}

fn kind_of(kind: KindArg) -> SurveyKind {
    match kind {
        KindArg::Nps => SurveyKind::Nps,
        KindArg::Enps => SurveyKind::Enps,
    }
}

/// What is wrong with a CSV file, in words.
pub(super) fn describe_csv_error(error: &csv::Error) -> String {
    match error.kind() {
        csv::ErrorKind::Utf8 { .. } => "not valid UTF-8 text: is this a CSV file?".into(),
        csv::ErrorKind::Io(io) => io.to_string(),
        _ => error.to_string(),
    }
}

fn report_errors(name: &str, errors: &[RowError], bad_rows: u64) {
    for error in errors.iter().take(MAX_ERRORS_SHOWN) {
        eprintln!("{name}: {error}");
    }
    if errors.len() > MAX_ERRORS_SHOWN {
        eprintln!(
            "{name}: … and {} more problem(s) in {bad_rows} invalid row(s)",
            errors.len() - MAX_ERRORS_SHOWN
        );
    }
}

fn progress_bar(size: u64) -> ProgressBar {
    if size < PROGRESS_BAR_BYTES {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::with_draw_target(Some(size), ProgressDrawTarget::stderr());
    if let Ok(style) = ProgressStyle::with_template(
        "{spinner} importing [{bar:40}] {bytes}/{total_bytes} ({bytes_per_sec}, {eta} left)",
    ) {
        bar.set_style(style.progress_chars("=> "));
    }
    bar
}
