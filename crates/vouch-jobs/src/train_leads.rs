//! The nightly lead training: each customer survey's lead model is learnt again from all its
//! answers once a night, after [`NIGHTLY_HOUR`] o'clock in its workspace's time zone, so that
//! scores follow what customers say without anyone asking. Learning on demand
//! (`vouch leads train`, the API, the dashboard) saves the same way.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use jiff::Timestamp;
use jiff::tz::TimeZone;
use vouch_analytics::leads::{LeadError, train};
use vouch_analytics::leads_saved::{self, NIGHTLY_HOUR, nightly_due};
use vouch_analytics::{Query, ResponseIndex, sync};
use vouch_store::{Store, StoreResult, SurveyId, Workspace};

/// How often the loop looks for a model that is due.
pub const CHECK_EVERY: Duration = Duration::from_secs(15 * 60);

/// Learns again, in every workspace, each customer survey's model that is due, every
/// [`CHECK_EVERY`], until `stopped` turns true. A survey too small to learn from is tried
/// again the next night, not at every check.
pub async fn nightly_until_stopped(
    store: Arc<dyn Store>,
    mut stopped: tokio::sync::watch::Receiver<bool>,
) {
    let mut attempts = HashMap::new();
    loop {
        let now = leads_saved::trained_now();
        if let Err(error) = train_due(store.as_ref(), now, &mut attempts).await {
            tracing::warn!(%error, "the nightly lead training could not read the store");
        }
        let stop = stopped.wait_for(|stop| *stop);
        if tokio::time::timeout(CHECK_EVERY, stop).await.is_ok() {
            return;
        }
    }
}

/// Learns every model due at `now`; `attempts` remembers the surveys tried and failed, so
/// they wait for the next night. Returns the surveys learnt.
pub async fn train_due(
    store: &dyn Store,
    now: Timestamp,
    attempts: &mut HashMap<SurveyId, Timestamp>,
) -> StoreResult<Vec<SurveyId>> {
    let mut learnt = Vec::new();
    for workspace in store.workspaces().await? {
        let time_zone = TimeZone::get(&workspace.time_zone).unwrap_or(TimeZone::UTC);
        for survey in store.survey_list(workspace.id).await? {
            if survey.kind.is_anonymous() || survey.archived {
                continue;
            }
            let saved = store.lead_model(workspace.id, survey.id).await?;
            let last = saved.map(|saved| saved.trained_at);
            let tried = attempts.get(&survey.id).copied().max(last);
            if !nightly_due(tried, now, &time_zone) {
                continue;
            }
            attempts.insert(survey.id, now);
            match learn(store, &workspace, &time_zone, survey.id, now).await? {
                Ok(()) => learnt.push(survey.id),
                Err(error) => tracing::debug!(
                    %error,
                    survey = survey.id.0,
                    "no lead model learnt tonight"
                ),
            }
        }
    }
    Ok(learnt)
}

/// Learns and saves one survey's model from all its answers, as learnt at `now`.
async fn learn(
    store: &dyn Store,
    workspace: &Workspace,
    time_zone: &TimeZone,
    survey: SurveyId,
    now: Timestamp,
) -> StoreResult<Result<(), LeadError>> {
    let mut index = ResponseIndex::new(time_zone.clone());
    sync::catch_up(store, workspace.id, Some(survey), &mut index).await?;
    let query = Query {
        surveys: vec![survey],
        ..Query::default()
    };
    let trained = match train(&index, &query) {
        Ok(trained) => trained,
        Err(error) => return Ok(Err(error)),
    };
    let at = Timestamp::from_millisecond(now.as_millisecond()).unwrap_or(now);
    leads_saved::save(store, workspace.id, survey, &trained, at).await?;
    tracing::info!(
        survey = survey.0,
        contacts = trained.contacts,
        auc = trained.auc,
        hour = NIGHTLY_HOUR,
        "lead model learnt for the night"
    );
    Ok(Ok(()))
}
