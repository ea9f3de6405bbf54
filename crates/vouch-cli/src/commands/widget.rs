//! `vouch widget create|list|revoke`: the public keys in-app widgets are embedded with.

use std::collections::HashMap;

use serde_json::json;
use vouch_store::{Store, StoreError, Workspace};
use vouch_web::widget_keys::{WidgetKeyError, WidgetKeyInput, create_widget_key, snippet};

use super::survey_name::existing_survey;
use crate::cli::WidgetCommand;
use crate::settings::{self, FileSettings};
use crate::{bad_input, out, outln, table};

/// Runs a `vouch widget` command.
pub async fn widget(
    store: &dyn Store,
    workspace: &Workspace,
    command: &WidgetCommand,
    file: &FileSettings,
) -> anyhow::Result<()> {
    match command {
        WidgetCommand::Create {
            survey,
            origins,
            sample,
            min_age_days,
            public_url,
        } => {
            let outbound = crate::cli::OutboundArgs {
                public_url: public_url.clone(),
                ..Default::default()
            };
            let base = settings::public_url(&outbound, file)?;
            create(
                store,
                workspace,
                survey,
                origins,
                *sample,
                *min_age_days,
                &base,
            )
            .await
        }
        WidgetCommand::List { json } => list(store, workspace, *json).await,
        WidgetCommand::Revoke { key } => {
            match store.revoke_widget_key(workspace.id, key.trim()).await {
                Ok(()) => {
                    outln!("revoked widget key {}", key.trim());
                    Ok(())
                }
                Err(StoreError::NotFound(_)) => {
                    bad_input!("no widget key {key:?} in this workspace")
                }
                Err(error) => Err(error.into()),
            }
        }
    }
}

async fn create(
    store: &dyn Store,
    workspace: &Workspace,
    survey_name: &str,
    origins: &[String],
    sample: f64,
    min_age_days: u32,
    public_url: &str,
) -> anyhow::Result<()> {
    let survey = existing_survey(store, workspace, survey_name).await?;
    let input = WidgetKeyInput {
        survey: &survey,
        origins,
        sample,
        min_account_age_days: min_age_days,
    };
    let key = match create_widget_key(store, workspace.id, &input).await {
        Ok(key) => key,
        Err(WidgetKeyError::Store(error)) => return Err(error.into()),
        Err(error @ (WidgetKeyError::Origin(_) | WidgetKeyError::NoOrigin)) => {
            bad_input!("--origin: {error}")
        }
        Err(error @ WidgetKeyError::Sample(_)) => bad_input!("--sample: {error}"),
        Err(error @ WidgetKeyError::Archived(_)) => bad_input!("--survey: {error}"),
    };
    outln!(
        "created a widget key for survey {:?}, usable from {}; put this in your app's pages:",
        survey.name,
        key.origins.join(", ")
    );
    outln!("{}", snippet(public_url, &key.key));
    outln!("{}", key.key);
    Ok(())
}

async fn list(store: &dyn Store, workspace: &Workspace, json: bool) -> anyhow::Result<()> {
    let keys = store.widget_keys(workspace.id).await?;
    let surveys: HashMap<_, _> = store
        .surveys(workspace.id)
        .await?
        .into_iter()
        .map(|listing| (listing.survey.id, listing.survey.name))
        .collect();
    let survey_name = |id| surveys.get(&id).cloned().unwrap_or_default();
    if json {
        let items: Vec<serde_json::Value> = keys
            .iter()
            .map(|key| {
                json!({
                    "key": key.key,
                    "survey": survey_name(key.survey),
                    "origins": key.origins,
                    "sample": key.sample,
                    "min_account_age_days": key.min_account_age_days,
                    "created_at": key.created_at.to_string(),
                    "revoked_at": key.revoked_at.map(|at| at.to_string()),
                })
            })
            .collect();
        outln!("{}", serde_json::to_string_pretty(&items)?);
        return Ok(());
    }
    let rows: Vec<Vec<String>> = keys
        .iter()
        .map(|key| {
            vec![
                key.key.clone(),
                survey_name(key.survey),
                key.origins.join(" "),
                key.sample.to_string(),
                key.min_account_age_days.to_string(),
                key.created_at.strftime("%Y-%m-%d %H:%M").to_string(),
                key.revoked_at.map_or("active".into(), |at| {
                    format!("revoked {}", at.strftime("%Y-%m-%d"))
                }),
            ]
        })
        .collect();
    let header = [
        "key",
        "survey",
        "origins",
        "sample",
        "min age (days)",
        "created",
        "status",
    ];
    out!(
        "{}",
        table::render(
            &header,
            &rows,
            &[false, false, false, true, true, false, false]
        )
    );
    Ok(())
}
