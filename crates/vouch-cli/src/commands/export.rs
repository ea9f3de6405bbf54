//! `vouch export responses` and `vouch export contacts`: the filters are `vouch report`'s,
//! parsed by its own functions; the writing is `vouch_export`'s.

use vouch_export::contacts::ContactExport;
use vouch_export::{Destination, Export, ExportError, ResponseExport, Selection};
use vouch_store::{Store, Workspace};

use super::import_csv::parse_instant;
use super::report::{load_row_filter, selection_query, workspace_time_zone};
use super::survey_name::existing_survey;
use crate::bad_input;
use crate::export_cli::{ExportCommand, ExportContactsArgs, ExportResponsesArgs};

/// Runs `vouch export …`.
pub async fn export(
    store: &dyn Store,
    workspace: &Workspace,
    command: &ExportCommand,
) -> anyhow::Result<()> {
    match command {
        ExportCommand::Responses(args) => responses(store, workspace, args).await,
        ExportCommand::Contacts(args) => contacts(store, workspace, args).await,
    }
}

async fn responses(
    store: &dyn Store,
    workspace: &Workspace,
    args: &ExportResponsesArgs,
) -> anyhow::Result<()> {
    let survey = existing_survey(store, workspace, &args.survey).await?;
    let definitions = store.attribute_definitions(workspace.id).await?;
    let query = selection_query(&args.selection, &survey, &definitions)?;
    let since = match &args.since {
        None => None,
        Some(text) => match parse_instant(text.trim()) {
            Ok(instant) => Some(instant),
            Err(reason) => bad_input!("--since: {reason}"),
        },
    };
    let rows = load_row_filter(store, workspace, &survey, &args.selection).await?;
    let selection = Selection {
        query,
        rows,
        since,
        chosen: None,
    };
    let time_zone = workspace_time_zone(workspace)?;
    let prepared = ResponseExport::prepare(store, workspace.id, survey, selection, time_zone).await;
    let export = Export::Responses(Box::new(input_errors(prepared)?));
    write(store, export, args.format, args.output.as_deref()).await
}

async fn contacts(
    store: &dyn Store,
    workspace: &Workspace,
    args: &ExportContactsArgs,
) -> anyhow::Result<()> {
    let export = Export::Contacts(input_errors(
        ContactExport::prepare(store, workspace.id).await,
    )?);
    write(store, export, args.format, args.output.as_deref()).await
}

async fn write(
    store: &dyn Store,
    export: Export,
    format: crate::export_cli::FormatArg,
    output: Option<&std::path::Path>,
) -> anyhow::Result<()> {
    let destination = Destination::of(output);
    let rows = input_errors(export.write(store, format.into(), &destination).await)?;
    if let Destination::File(path) = &destination {
        eprintln!("exported {rows} rows to {}", path.display());
    }
    Ok(())
}

/// A client's mistake becomes bad input (exit 2) naming its flag; the rest fails as is.
fn input_errors<T>(result: Result<T, ExportError>) -> anyhow::Result<T> {
    match result {
        Ok(value) => Ok(value),
        Err(ExportError::Invalid { field, message }) => bad_input!("--{field}: {message}"),
        Err(error) => Err(error.into()),
    }
}
