//! `vouch leads train` and `vouch leads score`: sales' lead scoring. Training learns the
//! survey's model from each contact's latest answer and saves it; scoring reads a CSV file of
//! leads and writes it back with each lead's promoter probability and its three main factors.

use std::collections::BTreeMap;
use std::fs::File;
use std::io::{BufReader, Write};
use std::path::Path;

use vouch_analytics::leads::{LeadError, LeadModel, train as train_model};
use vouch_analytics::leads_saved;
use vouch_core::AttributeValue;
use vouch_core::limits::MAX_CSV_LINE_BYTES;
use vouch_store::{AttributeDefinition, Store, Workspace};
use vouch_web::wire_leads::{LeadModelJson, factors_line};
use vouch_web::wire_teams::refuse_anonymous;

use super::import::describe_csv_error;
use super::import_csv::LineLengthLimit;
use super::report::workspace_time_zone;
use super::survey_name::existing_survey;
use super::teams::Selection;
use crate::teams_cli::{LeadsCommand, LeadsScoreArgs, LeadsTrainArgs};
use crate::{bad_input, out, outln, table};

/// Columns of a leads file that name the lead rather than describe it: passed through.
const IDENTITY_COLUMNS: [&str; 4] = ["email", "external_id", "name", "id"];

/// The columns a scored file gains.
const SCORE_COLUMNS: [&str; 2] = ["promoter_probability", "factors"];

/// Runs `vouch leads …`.
pub async fn leads(
    store: &dyn Store,
    workspace: &Workspace,
    command: &LeadsCommand,
) -> anyhow::Result<()> {
    match command {
        LeadsCommand::Train(args) => train(store, workspace, args).await,
        LeadsCommand::Score(args) => score(store, workspace, args).await,
        LeadsCommand::Objections(args) => super::teams::objections(store, workspace, args).await,
    }
}

async fn train(
    store: &dyn Store,
    workspace: &Workspace,
    args: &LeadsTrainArgs,
) -> anyhow::Result<()> {
    let selection = Selection::load(store, workspace, &args.survey, &args.selection).await?;
    let trained = match train_model(&selection.index, &selection.query) {
        Ok(trained) => trained,
        Err(LeadError::Query(error)) => bad_input!("--where: {error}"),
        Err(error) => bad_input!("--survey {:?}: {error}", selection.survey.name),
    };
    let now = leads_saved::trained_now();
    leads_saved::save(store, workspace.id, selection.survey.id, &trained, now).await?;
    let json = LeadModelJson::new(&trained, now);
    if args.json {
        outln!("{}", serde_json::to_string_pretty(&json)?);
        return Ok(());
    }
    outln!(
        "{}: learnt from {} contacts ({} promoters); cross-validated AUC {:.3}, Brier {:.3}",
        selection.survey.name,
        json.contacts,
        json.promoters,
        json.auc,
        json.brier
    );
    let deciles: Vec<Vec<String>> = json
        .calibration
        .iter()
        .enumerate()
        .map(|(at, bin)| {
            vec![
                (at + 1).to_string(),
                bin.contacts.to_string(),
                format!("{:.0}%", bin.predicted * 100.0),
                format!("{:.0}%", bin.observed * 100.0),
            ]
        })
        .collect();
    outln!("\ncalibration (cross-validated predictions by decile):");
    out!(
        "{}",
        table::render(
            &["decile", "contacts", "predicted", "promoters"],
            &deciles,
            &[true, true, true, true]
        )
    );
    let factors: Vec<Vec<String>> = json
        .factors
        .iter()
        .map(|factor| {
            vec![
                factor.attribute.clone(),
                factor.value.clone(),
                format!("{:+.2}", factor.effect),
            ]
        })
        .collect();
    outln!("\nstrongest factors (change in log-odds of a promoter):");
    out!(
        "{}",
        table::render(
            &["attribute", "value", "effect"],
            &factors,
            &[false, false, true]
        )
    );
    Ok(())
}

/// What each column of a leads file is.
enum Column {
    /// Passed through.
    Identity,
    /// An attribute of the workspace, read as its kind.
    Attribute(AttributeDefinition),
}

/// The columns of the header, or what is wrong with it.
fn columns(
    header: &csv::StringRecord,
    definitions: &[AttributeDefinition],
) -> Result<Vec<Column>, String> {
    let mut seen = std::collections::HashSet::new();
    header
        .iter()
        .map(|name| {
            let name = name.trim();
            if name.is_empty() {
                return Err("line 1: a column has no name".to_owned());
            }
            if !seen.insert(name.to_owned()) {
                return Err(format!("line 1: column {name:?} appears twice"));
            }
            if SCORE_COLUMNS.contains(&name) {
                return Err(format!(
                    "line 1: column {name:?} is what scoring adds: remove it first"
                ));
            }
            if IDENTITY_COLUMNS.contains(&name) {
                return Ok(Column::Identity);
            }
            match definitions
                .iter()
                .find(|definition| definition.name == name)
            {
                Some(definition) => Ok(Column::Attribute(definition.clone())),
                None => {
                    let known: Vec<&str> = definitions.iter().map(|d| d.name.as_str()).collect();
                    Err(format!(
                        "line 1: column {name:?}: {} (columns {} are passed through)",
                        vouch_core::attribute::unknown_attribute_message(name, &known),
                        IDENTITY_COLUMNS.join(", ")
                    ))
                }
            }
        })
        .collect()
}

/// One row's attributes, or what is wrong with a cell.
fn row_attributes(
    record: &csv::StringRecord,
    columns: &[Column],
) -> Result<BTreeMap<String, AttributeValue>, String> {
    let mut attributes = BTreeMap::new();
    for (cell, column) in record.iter().zip(columns) {
        let Column::Attribute(definition) = column else {
            continue;
        };
        let cell = cell.trim();
        if cell.is_empty() {
            continue;
        }
        let value = AttributeValue::parse_as(cell, definition.kind)
            .map_err(|error| format!("column {:?}: {error}", definition.name))?;
        attributes.insert(definition.name.clone(), value);
    }
    Ok(attributes)
}

async fn score(
    store: &dyn Store,
    workspace: &Workspace,
    args: &LeadsScoreArgs,
) -> anyhow::Result<()> {
    let survey = existing_survey(store, workspace, &args.survey).await?;
    if let Some(reason) = refuse_anonymous(&survey) {
        bad_input!("--survey: {reason}");
    }
    let Some(saved) = leads_saved::load(store, workspace.id, survey.id).await? else {
        bad_input!(
            "--survey {:?}: no lead model has been learnt yet: run `vouch leads train --survey {:?}` first",
            survey.name,
            survey.name
        );
    };
    let name = args.file.display().to_string();
    let file = match File::open(&args.file) {
        Ok(file) => file,
        Err(error) => bad_input!("{name}: cannot open: {error}"),
    };
    let definitions = store.attribute_definitions(workspace.id).await?;
    let today = jiff::Timestamp::now()
        .to_zoned(workspace_time_zone(workspace)?)
        .date();
    let reader = LineLengthLimit::new(BufReader::with_capacity(1 << 20, file), MAX_CSV_LINE_BYTES);
    let scored = match score_rows(reader, &definitions, &saved.trained.model, today) {
        Ok(scored) => scored,
        Err(reason) => bad_input!("{name}: {reason}"),
    };
    match &args.output {
        Some(path) => write_atomically(path, &scored)?,
        None => out!("{}", String::from_utf8_lossy(&scored)),
    }
    Ok(())
}

/// The scored CSV of a leads file, or the first problem found (line and column named): a
/// file with a problem writes nothing.
fn score_rows(
    reader: impl std::io::Read,
    definitions: &[AttributeDefinition],
    model: &LeadModel,
    today: jiff::civil::Date,
) -> Result<Vec<u8>, String> {
    let mut csv = csv::ReaderBuilder::new().from_reader(reader);
    let header = csv
        .headers()
        .map_err(|error| format!("line 1: {}", describe_csv_error(&error)))?
        .clone();
    let columns = columns(&header, definitions)?;
    let mut out = csv::Writer::from_writer(Vec::new());
    let write_failed = |error: csv::Error| error.to_string();
    let mut head: Vec<&str> = header.iter().collect();
    head.extend(SCORE_COLUMNS);
    out.write_record(&head).map_err(write_failed)?;
    let mut record = csv::StringRecord::new();
    let mut line = 1u64;
    loop {
        match csv.read_record(&mut record) {
            Ok(false) => break,
            Ok(true) => line += 1,
            Err(error) => return Err(format!("line {}: {}", line + 1, describe_csv_error(&error))),
        }
        let attributes =
            row_attributes(&record, &columns).map_err(|reason| format!("line {line}: {reason}"))?;
        let score = model
            .score(&attributes, today)
            .map_err(|error| format!("line {line}: {error}"))?;
        let mut row: Vec<String> = record.iter().map(str::to_owned).collect();
        row.push(format!("{:.6}", score.promoter_probability));
        row.push(factors_line(&score.factors));
        out.write_record(&row).map_err(write_failed)?;
    }
    out.into_inner().map_err(|error| error.to_string())
}

/// Writes `bytes` to `path` through a temporary file beside it, so that a reader never sees
/// half a file.
fn write_atomically(path: &Path, bytes: &[u8]) -> anyhow::Result<()> {
    let folder = match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => Path::new("."),
    };
    let mut file = match tempfile::NamedTempFile::new_in(folder) {
        Ok(file) => file,
        Err(error) => bad_input!("--output {}: cannot write here: {error}", path.display()),
    };
    file.write_all(bytes)?;
    if let Err(error) = file.persist(path) {
        bad_input!("--output {}: cannot write: {}", path.display(), error.error);
    }
    Ok(())
}
