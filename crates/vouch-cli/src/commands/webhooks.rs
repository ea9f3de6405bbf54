//! `vouch webhooks create|list|delete|test|deliveries` and `vouch alerts create|list|delete`.

use std::sync::Arc;

use jiff::Timestamp;
use vouch_api::{AlertJson, AlertList, DeliveryJson, DeliveryList, WebhookJson, WebhookList};
use vouch_jobs::hook_rules::{AlertInput, WebhookInput, check_alert, check_webhook};
use vouch_jobs::outbox::Outbox;
use vouch_store::{AlertId, Store, StoreError, WebhookId, Workspace};

use crate::hooks_cli::{AlertsCommand, WebhooksCommand};
use crate::settings::{FileSettings, allow_private};
use crate::{bad_input, outln, table};

/// How many messages `vouch webhooks deliveries` lists.
const LOG_LIMIT: usize = 100;

fn id_of(text: &str, what: &str) -> anyhow::Result<i64> {
    match text.trim().parse::<i64>() {
        Ok(id) => Ok(id),
        Err(_) => bad_input!("the {what} id {text:?} is not a number: see vouch {what}s list"),
    }
}

/// Runs a `vouch webhooks` command.
pub async fn webhooks(
    store: Arc<dyn Store>,
    workspace: &Workspace,
    command: &WebhooksCommand,
    file: &FileSettings,
) -> anyhow::Result<()> {
    match command {
        WebhooksCommand::Create {
            url,
            events,
            format,
            min_score,
            max_score,
            private,
        } => {
            let input = WebhookInput {
                url: url.clone(),
                events: vec![events.clone()],
                format: Some(format.clone()),
                min_score: *min_score,
                max_score: *max_score,
            };
            let new = match check_webhook(&input, allow_private(private, file)).await {
                Ok(new) => new,
                Err(error) => bad_input!("--{}: {}", error.field.replace('_', "-"), error.message),
            };
            let created = store
                .create_webhook(workspace.id, &new, Timestamp::now())
                .await?;
            outln!(
                "created webhook {} for {} ({})",
                created.id.0,
                created.url,
                events_text(&WebhookJson::new(&created))
            );
            outln!("its signing secret, shown once:");
            outln!("{}", created.secret);
            Ok(())
        }
        WebhooksCommand::List { json } => list(store.as_ref(), workspace, *json).await,
        WebhooksCommand::Delete { id } => {
            let id = id_of(id, "webhook")?;
            match store.delete_webhook(workspace.id, WebhookId(id)).await {
                Ok(()) => outln!("deleted webhook {id}"),
                Err(StoreError::NotFound(_)) => bad_input!("no webhook {id} in this workspace"),
                Err(error) => return Err(error.into()),
            }
            Ok(())
        }
        WebhooksCommand::Test { id, private } => {
            test(store, workspace, id_of(id, "webhook")?, private, file).await
        }
        WebhooksCommand::Deliveries { id, json } => {
            deliveries(store.as_ref(), workspace, id_of(id, "webhook")?, *json).await
        }
    }
}

fn events_text(webhook: &WebhookJson) -> String {
    webhook.events.join(",")
}

async fn list(store: &dyn Store, workspace: &Workspace, json: bool) -> anyhow::Result<()> {
    let webhooks = store.webhooks(workspace.id).await?;
    let data: Vec<WebhookJson> = webhooks.iter().map(WebhookJson::new).collect();
    if json {
        outln!("{}", serde_json::to_string_pretty(&WebhookList { data })?);
        return Ok(());
    }
    let rows: Vec<Vec<String>> = data
        .iter()
        .map(|webhook| {
            let scores = match (webhook.min_score, webhook.max_score) {
                (None, None) => "any".to_owned(),
                (min, max) => format!("{}–{}", min.unwrap_or(0), max.unwrap_or(10)),
            };
            vec![
                webhook.id.to_string(),
                webhook.url.clone(),
                events_text(webhook),
                webhook.format.clone(),
                scores,
                webhook.disabled.clone().unwrap_or_else(|| "active".into()),
            ]
        })
        .collect();
    let header = ["id", "url", "events", "format", "scores", "state"];
    outln!(
        "{}",
        table::render(&header, &rows, &[true, false, false, false, false, false])
    );
    Ok(())
}

/// Queues a test message and sends what is due now (the test among it) from this process.
async fn test(
    store: Arc<dyn Store>,
    workspace: &Workspace,
    id: i64,
    private: &crate::hooks_cli::PrivateTargetArgs,
    file: &FileSettings,
) -> anyhow::Result<()> {
    let queued = match store
        .queue_test_delivery(workspace.id, WebhookId(id), Timestamp::now())
        .await
    {
        Ok(queued) => queued,
        Err(StoreError::NotFound(_)) => bad_input!("no webhook {id} in this workspace"),
        Err(error) => return Err(error.into()),
    };
    let config = vouch_jobs::JobsConfig {
        public_url: crate::settings::public_url(&Default::default(), file)?,
        webhooks_allow_private: allow_private(private, file),
        ..vouch_jobs::JobsConfig::default()
    };
    let data = Arc::new(vouch_api::ApiEventData::new(Arc::clone(&store)));
    let outbox = Outbox::new(Arc::clone(&store), config, data)?;
    outbox.run_due().await?;
    let log = store
        .deliveries(workspace.id, WebhookId(id), LOG_LIMIT)
        .await?;
    let Some(sent) = log.iter().find(|delivery| delivery.id == queued.id) else {
        anyhow::bail!("the test message {} went missing", queued.id.0);
    };
    let json = DeliveryJson::new(sent);
    match json.log.last() {
        Some(attempt) if json.status == "delivered" => outln!(
            "delivered msg_{}: HTTP {} in {} ms",
            json.id,
            attempt.status_code.unwrap_or(0),
            attempt.latency_ms
        ),
        Some(attempt) => anyhow::bail!(
            "msg_{} not delivered ({}): {}",
            json.id,
            json.status,
            attempt.error.as_deref().unwrap_or("no error given")
        ),
        None => outln!("queued msg_{}: `vouch serve` sends it", json.id),
    }
    Ok(())
}

async fn deliveries(
    store: &dyn Store,
    workspace: &Workspace,
    id: i64,
    json: bool,
) -> anyhow::Result<()> {
    let found = match store
        .deliveries(workspace.id, WebhookId(id), LOG_LIMIT)
        .await
    {
        Ok(found) => found,
        Err(StoreError::NotFound(_)) => bad_input!("no webhook {id} in this workspace"),
        Err(error) => return Err(error.into()),
    };
    let data: Vec<DeliveryJson> = found.iter().map(DeliveryJson::new).collect();
    if json {
        outln!("{}", serde_json::to_string_pretty(&DeliveryList { data })?);
        return Ok(());
    }
    let rows: Vec<Vec<String>> = data
        .iter()
        .map(|delivery| {
            let last = delivery.log.last();
            vec![
                format!("msg_{}", delivery.id),
                delivery.event.clone(),
                delivery.status.clone(),
                delivery.attempts.to_string(),
                last.and_then(|attempt| attempt.status_code)
                    .map_or_else(|| "—".into(), |code| code.to_string()),
                last.map_or_else(
                    || "—".into(),
                    |attempt| format!("{} ms", attempt.latency_ms),
                ),
                delivery.last_error.clone().unwrap_or_default(),
            ]
        })
        .collect();
    let header = [
        "id", "event", "status", "attempts", "http", "latency", "error",
    ];
    let numeric = [false, false, false, true, true, true, false];
    outln!("{}", table::render(&header, &rows, &numeric));
    Ok(())
}

/// Runs a `vouch alerts` command.
pub async fn alerts(
    store: &dyn Store,
    workspace: &Workspace,
    command: &AlertsCommand,
    file: &FileSettings,
) -> anyhow::Result<()> {
    match command {
        AlertsCommand::Create {
            name,
            max_score,
            tag,
            filter,
            email,
            slack_url,
            private,
        } => {
            let input = AlertInput {
                name: name.clone(),
                max_score: *max_score,
                tag: tag.clone(),
                filter: filter.clone(),
                emails: email.iter().cloned().collect(),
                slack_url: slack_url.clone(),
            };
            let new = match check_alert(&input, allow_private(private, file)).await {
                Ok(new) => new,
                Err(error) => bad_input!("--{}: {}", error.field.replace('_', "-"), error.message),
            };
            match store
                .create_alert(workspace.id, &new, Timestamp::now())
                .await
            {
                Ok(created) => outln!(
                    "created alert {} \u{201c}{}\u{201d}",
                    created.id.0,
                    new.name
                ),
                Err(StoreError::Conflict(message)) => bad_input!("--name: {message}"),
                Err(error) => return Err(error.into()),
            }
            Ok(())
        }
        AlertsCommand::List { json } => {
            let alerts = store.alerts(workspace.id).await?;
            let data: Vec<AlertJson> = alerts.iter().map(AlertJson::new).collect();
            if *json {
                outln!("{}", serde_json::to_string_pretty(&AlertList { data })?);
                return Ok(());
            }
            let rows: Vec<Vec<String>> = data.iter().map(alert_row).collect();
            let header = ["id", "name", "max score", "tag", "where", "e-mail", "slack"];
            let numeric = [true, false, true, false, false, false, false];
            outln!("{}", table::render(&header, &rows, &numeric));
            Ok(())
        }
        AlertsCommand::Delete { id } => {
            let id = id_of(id, "alert")?;
            match store.delete_alert(workspace.id, AlertId(id)).await {
                Ok(()) => outln!("deleted alert {id}"),
                Err(StoreError::NotFound(_)) => bad_input!("no alert {id} in this workspace"),
                Err(error) => return Err(error.into()),
            }
            Ok(())
        }
    }
}

fn alert_row(alert: &AlertJson) -> Vec<String> {
    let or_dash = |text: Option<String>| text.unwrap_or_else(|| "—".into());
    vec![
        alert.id.to_string(),
        alert.name.clone(),
        or_dash(alert.max_score.map(|score| score.to_string())),
        or_dash(alert.tag.clone()),
        or_dash(alert.filter.clone()),
        alert.emails.join(", "),
        or_dash(alert.slack_url.clone()),
    ]
}
