//! `vouch demo`: a fresh database full of a realistic demo company, and its reports.

use crate::outln;
use std::collections::HashSet;
use std::time::Instant;

use vouch_demo::DemoConfig;
use vouch_store::{AttributeDefinition, NewResponse, NewSurvey, Store, Survey, Workspace};

use crate::cli::{DemoArgs, IntervalArg, ReportArgs};
use crate::open_store::open_store;
use crate::settings::ServeSettings;

/// The demo database when no `--database-url` is given; rebuilt from scratch on every run.
pub const DEMO_DATABASE_FILE: &str = "vouch-demo.db";

const BATCH_ROWS: usize = 10_000;

/// Runs `vouch demo`.
pub async fn demo(
    database_url: Option<&str>,
    workspace: &str,
    args: &DemoArgs,
    serve: ServeSettings,
) -> anyhow::Result<()> {
    let url = match database_url {
        Some(url) => url.to_owned(),
        None => {
            for suffix in ["", "-wal", "-shm"] {
                let path = format!("{DEMO_DATABASE_FILE}{suffix}");
                if let Err(error) = std::fs::remove_file(&path)
                    && error.kind() != std::io::ErrorKind::NotFound
                {
                    anyhow::bail!("cannot remove the old demo database {path}: {error}");
                }
            }
            format!("sqlite://{DEMO_DATABASE_FILE}")
        }
    };
    let shared_store = open_store(&url).await?;
    let store = shared_store.as_ref();
    let workspace = store.workspace(workspace).await?;
    // Respondents read the demo company's name, never the workspace's slug.
    let brand = vouch_store::Brand {
        name: Some(vouch_demo::COMPANY_NAME.to_owned()),
        ..workspace.brand.clone()
    };
    store.set_workspace_brand(workspace.id, &brand).await?;
    let workspace = vouch_store::Workspace { brand, ..workspace };
    // The data ends now, whatever day it is, so that "the last 90 days" is always full.
    let config = DemoConfig {
        seed: args.seed,
        customers: args.customers,
        ..DemoConfig::ending_at(jiff::Timestamp::now())
    };
    let started = Instant::now();
    let customers = fill(store, &workspace, &config, vouch_core::SurveyKind::Nps).await?;
    let employees = fill(store, &workspace, &config, vouch_core::SurveyKind::Enps).await?;
    outln!(
        "Demo company {:?}: {} customer and {} employee responses written to {url} in {:.1} s\n",
        vouch_demo::COMPANY_NAME,
        customers,
        employees,
        started.elapsed().as_secs_f64()
    );
    let demo_password = demo_login(store, &workspace).await?;
    for (survey, by, interval) in [
        (
            vouch_demo::CUSTOMER_SURVEY_NAME,
            None,
            Some(IntervalArg::Quarter),
        ),
        (vouch_demo::CUSTOMER_SURVEY_NAME, Some("plan"), None),
        (vouch_demo::EMPLOYEE_SURVEY_NAME, Some("department"), None),
    ] {
        let report_args = ReportArgs {
            survey: survey.to_owned(),
            json: false,
            by: by.map(str::to_owned),
            interval,
            explain: false,
            selection: Default::default(),
        };
        super::report::report(store, &workspace, &report_args).await?;
        outln!();
    }
    outln!(
        "Explore it: vouch --database-url {url} report --survey {:?} --by country --interval month",
        vouch_demo::CUSTOMER_SURVEY_NAME
    );
    outln!(
        "\nDashboard: {}/login — sign in as\n  email:    {DEMO_EMAIL}\n  password: {demo_password}\n\
         (admin with access to employee eNPS surveys in workspace {:?}; a new password every run)",
        serve.server.public_url.trim_end_matches('/'),
        workspace.slug,
    );
    if args.no_serve {
        return Ok(());
    }
    let key = demo_api_key(store, &workspace).await?;
    let survey = store
        .survey_by_name(workspace.id, vouch_demo::CUSTOMER_SURVEY_NAME)
        .await?;
    let survey_id = survey.map_or(1, |s| s.id.0);
    outln!(
        "\nServing the demo at http://{addr} (Ctrl-C stops it). Try:\n  \
         curl -H 'Authorization: Bearer {key}' 'http://{addr}/api/v1/surveys/{survey_id}/report?interval=quarter&by=plan'",
        addr = serve.addr,
    );
    super::serve::serve(shared_store, serve).await
}

/// The demo's dashboard user.
const DEMO_EMAIL: &str = "demo@vouch.example";

/// Creates the demo's dashboard user (admin with the HR permission in the demo workspace) with
/// a new generated password, or gives an existing one a new password; returns the password.
async fn demo_login(store: &dyn Store, workspace: &Workspace) -> anyhow::Result<String> {
    let password = super::users::generate_password();
    let password_hash = super::users::hash_new_password(&password).await?;
    let user = match store.user_by_email(DEMO_EMAIL).await? {
        Some((user, _)) => {
            store.set_password(user.id, &password_hash).await?;
            user
        }
        None => {
            store
                .create_user(vouch_store::NewUser {
                    email: DEMO_EMAIL.to_owned(),
                    name: "Demo Admin".to_owned(),
                    password_hash,
                })
                .await?
        }
    };
    store
        .set_membership(workspace.id, user.id, vouch_store::Role::Admin, true)
        .await?;
    Ok(password)
}

/// A fresh write key named "demo …" for trying the API on the demo data.
async fn demo_api_key(store: &dyn Store, workspace: &Workspace) -> anyhow::Result<String> {
    let (secret, prefix) = vouch_web::auth::generate_api_key();
    let name = format!(
        "demo {}",
        jiff::Timestamp::now().strftime("%Y-%m-%d %H:%M:%S")
    );
    let key = vouch_store::NewApiKey {
        name,
        scope: vouch_store::KeyScope::Write,
        prefix,
        secret_hash: vouch_web::auth::hash_api_key(&secret),
    };
    store.create_api_key(workspace.id, key).await?;
    Ok(secret)
}

/// Creates one demo survey (unless it exists) and writes its responses; returns how many.
async fn fill(
    store: &dyn Store,
    workspace: &Workspace,
    config: &DemoConfig,
    kind: vouch_core::SurveyKind,
) -> anyhow::Result<u64> {
    let name = match kind {
        vouch_core::SurveyKind::Nps => vouch_demo::CUSTOMER_SURVEY_NAME,
        vouch_core::SurveyKind::Enps => vouch_demo::EMPLOYEE_SURVEY_NAME,
    };
    if store.survey_by_name(workspace.id, name).await?.is_some() {
        return Ok(0);
    }
    let survey: Survey = store
        .create_survey(
            workspace.id,
            NewSurvey {
                slug: None,
                settings: Default::default(),
                name: name.to_owned(),
                kind,
                question: kind.default_question(Some(vouch_demo::COMPANY_NAME)),
                follow_up: vouch_core::survey::DEFAULT_FOLLOW_UP.to_owned(),
            },
        )
        .await?;
    let rows: Box<dyn Iterator<Item = NewResponse> + Send> = match kind {
        vouch_core::SurveyKind::Nps => Box::new(vouch_demo::customer_responses(config, survey.id)),
        vouch_core::SurveyKind::Enps => Box::new(vouch_demo::employee_responses(config, survey.id)),
    };
    let known: HashSet<String> = store
        .attribute_definitions(workspace.id)
        .await?
        .into_iter()
        .map(|d| d.name)
        .collect();
    let mut defined = known;
    let mut import = store.begin_import(workspace.id).await?;
    let mut batch = Vec::with_capacity(BATCH_ROWS);
    let mut written = 0u64;
    for response in rows {
        let definitions: Vec<AttributeDefinition> = response
            .attributes
            .iter()
            .filter(|(name, _)| !defined.contains(*name))
            .map(|(name, value)| AttributeDefinition {
                name: name.clone(),
                kind: value.kind(),
            })
            .collect();
        if !definitions.is_empty() {
            defined.extend(definitions.iter().map(|d| d.name.clone()));
            import.define_attributes(&definitions).await?;
        }
        batch.push(response);
        if batch.len() == BATCH_ROWS {
            import.write(&batch).await?;
            written += batch.len() as u64;
            batch.clear();
        }
    }
    import.write(&batch).await?;
    written += batch.len() as u64;
    import.commit().await?;
    Ok(written)
}
