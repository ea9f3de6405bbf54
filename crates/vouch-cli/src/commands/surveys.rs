//! `vouch surveys list`.

use crate::{out, outln};
use vouch_store::{Store, Workspace};

use crate::table;

/// Prints the workspace's surveys with their response counts.
pub async fn list(store: &dyn Store, workspace: &Workspace, json: bool) -> anyhow::Result<()> {
    let surveys = store.surveys(workspace.id).await?;
    if json {
        let items: Vec<serde_json::Value> = surveys
            .iter()
            .map(|listing| {
                serde_json::json!({
                    "id": listing.survey.id.0,
                    "name": listing.survey.name,
                    "kind": listing.survey.kind.as_str(),
                    "question": listing.survey.question,
                    "responses": listing.responses,
                    "archived": listing.survey.archived,
                    "created_at": listing.survey.created_at.to_string(),
                })
            })
            .collect();
        outln!("{}", serde_json::to_string_pretty(&items)?);
        return Ok(());
    }
    if surveys.is_empty() {
        outln!("No surveys yet: `vouch import responses FILE.csv --survey NAME` creates one.");
        return Ok(());
    }
    let rows: Vec<Vec<String>> = surveys
        .iter()
        .map(|listing| {
            vec![
                listing.survey.id.0.to_string(),
                listing.survey.name.clone(),
                listing.survey.kind.as_str().to_owned(),
                listing.responses.to_string(),
                listing.survey.created_at.strftime("%Y-%m-%d").to_string(),
            ]
        })
        .collect();
    let header = ["id", "name", "kind", "responses", "created"];
    out!(
        "{}",
        table::render(&header, &rows, &[true, false, false, true, false])
    );
    Ok(())
}
