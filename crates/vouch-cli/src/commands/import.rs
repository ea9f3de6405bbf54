//! `vouch import responses`: stream a CSV into the store, all or nothing.

use crate::outln;
use std::collections::HashSet;
use std::fs::File;
use std::io::BufReader;
use std::time::Instant;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use jiff::Timestamp;
use vouch_core::SurveyKind;
use vouch_store::{NewResponse, NewSurvey, ResponseImport, Store, Survey, Workspace};

use super::import_csv::{Layout, LineLengthLimit, MAX_LINE_BYTES, RowError};
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
        .from_reader(LineLengthLimit::new(reader, MAX_LINE_BYTES));
    let known = store.attribute_definitions(workspace.id).await?;
    let header = match csv.headers() {
        Ok(header) => header.clone(),
        Err(error) => bad_input!("{name}: line 1: {}", describe_csv_error(&error)),
    };
    let mut layout = match Layout::from_header(&header, &known) {
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

    let now = Timestamp::now();
    let mut errors: Vec<RowError> = Vec::new();
    let mut bad_rows = 0u64;
    let mut good_rows = 0u64;
    let mut batch: Vec<NewResponse> = Vec::with_capacity(BATCH_ROWS);
    let mut record = csv::StringRecord::new();
    // The survey may not exist yet; the writer sets the real id on each batch.
    let survey_id = vouch_store::SurveyId(0);
    loop {
        match csv.read_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {}
            Err(error) => {
                let line = error.position().map_or(0, |p| p.line());
                if let csv::ErrorKind::Io(io) = error.kind() {
                    bad_input!("{name}: {io}; nothing was imported");
                }
                bad_rows += 1;
                errors.push(RowError {
                    line,
                    column: None,
                    reason: describe_csv_error(&error),
                });
                continue;
            }
        }
        if record.len() == 1 && record[0].trim().is_empty() {
            continue; // a blank line
        }
        let line = record.position().map_or(0, |p| p.line());
        match layout.read_row(&record, line, survey_id, now) {
            Ok(response) => {
                good_rows += 1;
                if errors.is_empty() || args.skip_invalid {
                    batch.push(response);
                }
            }
            Err(row_errors) => {
                bad_rows += 1;
                errors.extend(row_errors);
            }
        }
        if batch.len() >= BATCH_ROWS {
            writer.write(&layout, &known, &mut batch).await?;
            batch.clear();
        }
        if !errors.is_empty() && !args.skip_invalid {
            batch.clear();
        }
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
    if !batch.is_empty() {
        writer.write(&layout, &known, &mut batch).await?;
    }
    let survey_name = args.survey.clone();
    let summary = writer.commit().await?;
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
    async fn write(
        &mut self,
        layout: &Layout,
        known: &[vouch_store::AttributeDefinition],
        batch: &mut [NewResponse],
    ) -> anyhow::Result<()> {
        let survey_id = match &self.survey {
            Some(survey) => survey.id,
            None => {
                let kind = kind_of(self.args.kind.unwrap_or(KindArg::Nps));
                let survey = self
                    .store
                    .create_survey(
                        self.workspace.id,
                        NewSurvey {
                            name: self.args.survey.clone(),
                            kind,
                            question: kind.default_question(None),
                            follow_up: vouch_core::survey::DEFAULT_FOLLOW_UP.to_owned(),
                        },
                    )
                    .await?;
                let id = survey.id;
                self.survey = Some(survey);
                id
            }
        };
        if self.import.is_none() {
            self.import = Some(self.store.begin_import(self.workspace.id).await?);
        }
        let import = self.import.as_mut().expect("the import was begun above");
        let definitions: Vec<_> = layout
            .new_definitions(known)
            .into_iter()
            .filter(|definition| self.defined.insert(definition.name.clone()))
            .collect();
        if !definitions.is_empty() {
            import.define_attributes(&definitions).await?;
        }
        for response in batch.iter_mut() {
            response.survey = survey_id;
        }
        import.write(batch).await?;
        Ok(())
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
    if name.is_empty() || name.chars().count() > 200 {
        bad_input!("--survey: the name must be 1 to 200 characters");
    }
    let existing = store.survey_by_name(workspace.id, name).await?;
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

fn describe_csv_error(error: &csv::Error) -> String {
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
