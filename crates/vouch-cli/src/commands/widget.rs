//! `vouch widget create|list|revoke`: the public keys in-app widgets are embedded with.

use std::collections::HashMap;

use rand::Rng;
use serde_json::json;
use vouch_store::{NewWidgetKey, Store, StoreError, Workspace};

use super::survey_name::existing_survey;
use crate::cli::WidgetCommand;
use crate::settings::{self, FileSettings};
use crate::{bad_input, out, outln, table};

/// Random characters after `pk_`.
const KEY_CHARS: usize = 24;
const URL_SAFE: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

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
            let origins = check_origins(origins)?;
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

/// A new public key: `pk_` and 24 random URL-safe characters.
pub fn generate_key() -> String {
    let mut rng = rand::rng();
    let random: String = (0..KEY_CHARS)
        .map(|_| URL_SAFE[rng.random_range(0..URL_SAFE.len())] as char)
        .collect();
    format!("pk_{random}")
}

/// Origins as browsers send them: `scheme://host[:port]`, no path; a trailing `/` is dropped.
fn check_origins(origins: &[String]) -> anyhow::Result<Vec<String>> {
    let mut checked = Vec::new();
    for origin in origins {
        let origin = origin.trim().trim_end_matches('/');
        let rest = origin
            .strip_prefix("https://")
            .or_else(|| origin.strip_prefix("http://"));
        let valid = rest.is_some_and(|host| {
            !host.is_empty()
                && !host.contains(['/', '?', '#', '@', ' '])
                && host.chars().all(|c| c.is_ascii_graphic())
        });
        if !valid {
            bad_input!(
                "--origin: {origin:?} is not an origin like https://app.example.com (scheme, host, optional port)"
            );
        }
        let origin = origin.to_ascii_lowercase();
        if !checked.contains(&origin) {
            checked.push(origin);
        }
    }
    Ok(checked)
}

async fn create(
    store: &dyn Store,
    workspace: &Workspace,
    survey_name: &str,
    origins: Vec<String>,
    sample: f64,
    min_age_days: u32,
    public_url: &str,
) -> anyhow::Result<()> {
    if !(sample > 0.0 && sample <= 1.0) {
        bad_input!("--sample: {sample} is not in (0, 1]");
    }
    let survey = existing_survey(store, workspace, survey_name).await?;
    if survey.archived {
        bad_input!("--survey: survey {survey_name:?} is archived and takes no answers");
    }
    let key = loop {
        let new_key = NewWidgetKey {
            survey: survey.id,
            key: generate_key(),
            origins: origins.clone(),
            sample,
            min_account_age_days: min_age_days,
        };
        match store.create_widget_key(workspace.id, new_key).await {
            Ok(key) => break key,
            Err(StoreError::Conflict(_)) => continue, // 144 random bits: never in practice
            Err(error) => return Err(error.into()),
        }
    };
    outln!(
        "created a widget key for survey {:?}, usable from {}; put this in your app's pages:",
        survey.name,
        key.origins.join(", ")
    );
    outln!(
        "<script src=\"{public_url}/widget.js\" data-key=\"{}\" async></script>",
        key.key
    );
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_pk_and_24_url_safe_characters() {
        let key = generate_key();
        assert_eq!(key.len(), 27);
        assert!(key.starts_with("pk_"));
        assert!(key[3..].bytes().all(|b| URL_SAFE.contains(&b)));
        assert_ne!(key, generate_key());
    }

    #[test]
    fn origins_are_checked_and_normalised() {
        let origins = check_origins(&[
            "https://App.example.com/".into(),
            "http://localhost:3000".into(),
        ])
        .unwrap();
        assert_eq!(
            origins,
            ["https://app.example.com", "http://localhost:3000"]
        );
        for bad in [
            "app.example.com",
            "https://",
            "https://a.example/path",
            "ftp://x",
        ] {
            assert!(check_origins(&[bad.into()]).is_err(), "{bad}");
        }
    }
}
