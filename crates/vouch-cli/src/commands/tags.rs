//! `vouch tags list|create|rename|merge|delete`: the workspace's set of tags.

use jiff::Timestamp;
use serde_json::json;
use vouch_core::tag::check_tag_name;
use vouch_store::{Actor, Store, StoreError, Workspace};

use crate::feedback_cli::TagsCommand;
use crate::{bad_input, out, outln, table};

/// A tag name as typed, checked by the core's rule; bad input names the argument.
fn name(argument: &str, typed: &str) -> anyhow::Result<String> {
    match check_tag_name(typed) {
        Ok(name) => Ok(name),
        Err(error) => bad_input!("{argument}: {error}"),
    }
}

/// A store refusal that is the user's to fix, as bad input; anything else as it is.
fn refused<T>(result: Result<T, StoreError>) -> anyhow::Result<T> {
    match result {
        Ok(value) => Ok(value),
        Err(StoreError::NotFound(what)) => bad_input!("no {what} in this workspace"),
        Err(StoreError::Conflict(why)) => bad_input!("{why}"),
        Err(error) => Err(error.into()),
    }
}

/// Runs a `vouch tags` command.
pub async fn tags(
    store: &dyn Store,
    workspace: &Workspace,
    command: &TagsCommand,
) -> anyhow::Result<()> {
    let (id, now) = (workspace.id, Timestamp::now());
    match command {
        TagsCommand::List { json } => list(store, workspace, *json).await,
        TagsCommand::Create { name: typed } => {
            let tag = name("NAME", typed)?;
            refused(store.create_tag(id, &tag).await)?;
            outln!("created the tag {tag:?}");
            Ok(())
        }
        TagsCommand::Rename { from, to } => {
            let (from, to) = (name("FROM", from)?, name("TO", to)?);
            let count = refused(store.rename_tag(id, &from, &to, Actor::Operator, now).await)?;
            outln!("renamed {from:?} to {to:?} on {count} responses");
            Ok(())
        }
        TagsCommand::Merge { from, into } => {
            let from = from
                .iter()
                .map(|typed| name("FROM", typed))
                .collect::<anyhow::Result<Vec<_>>>()?;
            let into = name("--into", into)?;
            let count = refused(
                store
                    .merge_tags(id, &from, &into, Actor::Operator, now)
                    .await,
            )?;
            outln!(
                "merged {} into {into:?} on {count} responses",
                from.join(", ")
            );
            Ok(())
        }
        TagsCommand::Delete { name: typed } => {
            let tag = name("NAME", typed)?;
            let count = refused(store.delete_tag(id, &tag, Actor::Operator, now).await)?;
            outln!("deleted the tag {tag:?} from {count} responses, and its rules");
            Ok(())
        }
    }
}

async fn list(store: &dyn Store, workspace: &Workspace, json: bool) -> anyhow::Result<()> {
    let tags = store.tags(workspace.id).await?;
    if json {
        let items: Vec<serde_json::Value> = tags
            .iter()
            .map(|tag| json!({"name": tag.name, "responses": tag.responses, "rules": tag.rules}))
            .collect();
        outln!("{}", serde_json::to_string_pretty(&items)?);
        return Ok(());
    }
    let rows: Vec<Vec<String>> = tags
        .iter()
        .map(|tag| {
            vec![
                tag.name.clone(),
                tag.responses.to_string(),
                tag.rules.to_string(),
            ]
        })
        .collect();
    out!(
        "{}",
        table::render(&["tag", "responses", "rules"], &rows, &[false, true, true])
    );
    Ok(())
}
