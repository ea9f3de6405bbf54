//! One module per command; [`run`] dispatches.

mod bench;
mod bench_feedback;
mod bench_leads;
mod bench_teams;
mod campaigns;
mod contacts;
mod demo;
mod digest;
mod export;
mod import;
mod import_contacts;
mod import_csv;
mod jobs;
mod keys;
mod leads;
mod report;
mod rules;
mod send;
mod serve;
mod survey_name;
mod surveys;
mod tags;
mod teams;
mod themes;
mod users;
mod webhooks;
mod widget;
mod workspace;

use crate::cli::{
    CampaignsCommand, Cli, Command, ContactsCommand, ImportCommand, SurveysCommand,
    WorkspaceCommand,
};

use crate::open_store::open_store;
use crate::settings;

/// Runs the command the user asked for.
pub async fn run(cli: Cli) -> anyhow::Result<()> {
    let file = settings::load_file(cli.config.as_deref())?;
    match &cli.command {
        Command::DefaultConfig => {
            crate::out!("{}", settings::DEFAULT_CONFIG);
            return Ok(());
        }
        Command::Demo(args) => {
            let serve = settings::serve_settings(&args.serve, &file)?;
            let url = cli.database_url.as_deref().or(file.database_url.as_deref());
            return demo::demo(url, &cli.workspace, args, serve).await;
        }
        _ => {}
    }
    let url = cli
        .database_url
        .as_deref()
        .or(file.database_url.as_deref())
        .unwrap_or(crate::cli::DEFAULT_DATABASE_URL);
    let shared_store = open_store(url).await?;
    if let Command::Serve(args) = &cli.command {
        let serve = settings::serve_settings(args, &file)?;
        return serve::serve(shared_store, serve).await;
    }
    let store = shared_store.as_ref();
    let workspace = store.workspace(&cli.workspace).await?;
    match &cli.command {
        Command::Import(ImportCommand::Responses(args)) => {
            import::import_responses(store, &workspace, args).await
        }
        Command::Report(args) => report::report(store, &workspace, args).await,
        Command::Surveys(SurveysCommand::List { json }) => {
            surveys::list(store, &workspace, *json).await
        }
        Command::Contacts(ContactsCommand::Import(args)) => {
            import_contacts::import_contacts(store, &workspace, args).await
        }
        Command::Contacts(ContactsCommand::Delete { external_id, email }) => {
            contacts::delete(store, &workspace, external_id.clone(), email.clone()).await
        }
        Command::Workspace(WorkspaceCommand::SetTimeZone { time_zone }) => {
            workspace::set_time_zone(store, &workspace, time_zone).await
        }
        Command::Workspace(WorkspaceCommand::SetBrand {
            name,
            color,
            logo_url,
        }) => {
            let given = workspace::BrandFlags {
                name: name.as_deref(),
                color: color.as_deref(),
                logo_url: logo_url.as_deref(),
            };
            workspace::set_brand(store, &workspace, given).await
        }
        Command::Workspace(WorkspaceCommand::Show { json }) => workspace::show(&workspace, *json),
        Command::Bench(args) => bench::bench(store, &workspace, args).await,
        Command::Keys(command) => keys::keys(store, &workspace, command).await,
        Command::Users(command) => users::users(store, &workspace, command).await,
        Command::Send(args) => send::send(shared_store.clone(), &workspace, args, &file).await,
        Command::Campaigns(CampaignsCommand::List { json }) => {
            campaigns::list(store, &workspace, *json).await
        }
        Command::Jobs(command) => jobs::jobs(store, &workspace, command).await,
        Command::Digest(command) => digest::digest(store, &workspace, command, &file).await,
        Command::Widget(command) => widget::widget(store, &workspace, command, &file).await,
        Command::Rules(command) => rules::rules(store, &workspace, command).await,
        Command::Webhooks(command) => {
            webhooks::webhooks(shared_store.clone(), &workspace, command, &file).await
        }
        Command::Alerts(command) => webhooks::alerts(store, &workspace, command, &file).await,
        Command::Tags(command) => tags::tags(store, &workspace, command).await,
        Command::Themes(args) => themes::themes(store, &workspace, args).await,
        Command::Export(command) => export::export(store, &workspace, command).await,
        Command::Personas(args) => teams::personas(store, &workspace, args).await,
        Command::Leads(command) => leads::leads(store, &workspace, command).await,
        Command::Revenue(args) => teams::revenue(store, &workspace, args).await,
        Command::Churn(args) => teams::churn(store, &workspace, args).await,
        Command::Accounts(crate::teams_cli::AccountsCommand::AtRisk(args)) => {
            teams::at_risk(store, &workspace, args).await
        }
        Command::Demo(_) | Command::Serve(_) | Command::DefaultConfig => {
            unreachable!("handled above")
        }
    }
}
