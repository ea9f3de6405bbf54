//! `vouch keys create|list|revoke`.

use vouch_core::limits::MAX_API_KEY_NAME_CHARS;
use vouch_store::{KeyScope, NewApiKey, Store, StoreError, Workspace};

use crate::cli::{KeysCommand, ScopeArg};
use crate::{bad_input, outln, table};

/// Runs a `vouch keys` command.
pub async fn keys(
    store: &dyn Store,
    workspace: &Workspace,
    command: &KeysCommand,
) -> anyhow::Result<()> {
    match command {
        KeysCommand::Create { name, scope } => create(store, workspace, name, *scope).await,
        KeysCommand::List { json } => list(store, workspace, *json).await,
        KeysCommand::Revoke { name } => match store.revoke_api_key(workspace.id, name).await {
            Ok(key) => {
                outln!("revoked key {:?} ({}…)", key.name, key.prefix);
                Ok(())
            }
            Err(StoreError::NotFound(_)) => bad_input!("no active key named {name:?}"),
            Err(error) => Err(error.into()),
        },
    }
}

async fn create(
    store: &dyn Store,
    workspace: &Workspace,
    name: &str,
    scope: ScopeArg,
) -> anyhow::Result<()> {
    let name = name.trim();
    if name.is_empty() || name.chars().count() > MAX_API_KEY_NAME_CHARS {
        bad_input!("--name: 1 to {MAX_API_KEY_NAME_CHARS} characters");
    }
    let scope = match scope {
        ScopeArg::Read => KeyScope::Read,
        ScopeArg::Write => KeyScope::Write,
    };
    let (secret, prefix) = vouch_web::auth::generate_api_key();
    let new_key = NewApiKey {
        name: name.to_owned(),
        scope,
        prefix,
        secret_hash: vouch_web::auth::hash_api_key(&secret),
    };
    match store.create_api_key(workspace.id, new_key).await {
        Ok(key) => {
            outln!(
                "created {} key {:?} for workspace {:?}; it is shown only now:",
                key.scope.as_str(),
                key.name,
                workspace.slug
            );
            outln!("{secret}");
            Ok(())
        }
        Err(StoreError::Conflict(_)) => bad_input!("--name: a key named {name:?} already exists"),
        Err(error) => Err(error.into()),
    }
}

async fn list(store: &dyn Store, workspace: &Workspace, json: bool) -> anyhow::Result<()> {
    let keys = store.api_keys(workspace.id).await?;
    if json {
        let items: Vec<serde_json::Value> = keys
            .iter()
            .map(|key| {
                serde_json::json!({
                    "name": key.name, "scope": key.scope.as_str(), "prefix": key.prefix,
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
                key.name.clone(),
                key.scope.as_str().to_owned(),
                format!("{}…", key.prefix),
                key.created_at.strftime("%Y-%m-%d %H:%M").to_string(),
                key.revoked_at.map_or("active".into(), |at| {
                    format!("revoked {}", at.strftime("%Y-%m-%d"))
                }),
            ]
        })
        .collect();
    let header = ["name", "scope", "key", "created", "status"];
    crate::out!("{}", table::render(&header, &rows, &[false; 5]));
    Ok(())
}
