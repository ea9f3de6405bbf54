//! One module per command; [`run`] dispatches.

mod bench;
mod contacts;
mod demo;
mod import;
mod import_csv;
mod report;
mod surveys;
mod workspace;

use crate::cli::{Cli, Command, ContactsCommand, ImportCommand, SurveysCommand, WorkspaceCommand};
use crate::open_store::open_store;

/// Runs the command the user asked for.
pub async fn run(cli: Cli) -> anyhow::Result<()> {
    if let Command::Demo(args) = &cli.command {
        return demo::demo(cli.database_url.as_deref(), &cli.workspace, args).await;
    }
    let url = cli
        .database_url
        .as_deref()
        .unwrap_or(crate::cli::DEFAULT_DATABASE_URL);
    let store = open_store(url).await?;
    let store = store.as_ref();
    let workspace = store.workspace(&cli.workspace).await?;
    match &cli.command {
        Command::Import(ImportCommand::Responses(args)) => {
            import::import_responses(store, &workspace, args).await
        }
        Command::Report(args) => report::report(store, &workspace, args).await,
        Command::Surveys(SurveysCommand::List { json }) => {
            surveys::list(store, &workspace, *json).await
        }
        Command::Contacts(ContactsCommand::Delete { external_id, email }) => {
            contacts::delete(store, &workspace, external_id.clone(), email.clone()).await
        }
        Command::Workspace(WorkspaceCommand::SetTimeZone { time_zone }) => {
            workspace::set_time_zone(store, &workspace, time_zone).await
        }
        Command::Bench(args) => bench::bench(store, &workspace, args).await,
        Command::Demo(_) => unreachable!("handled above"),
    }
}
