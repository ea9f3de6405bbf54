//! The chapter of what the teams' tools keep: a workspace's revenue rates, contacts read by id
//! in bulk (the at-risk list names its accounts with them), each survey's lead model, and the
//! weekly digests claimed.

use jiff::Timestamp;
use vouch_core::revenue::Rates;
use vouch_core::{AttributeKind, SurveyKind};
use vouch_store::{ContactId, NewSurvey, Store, StoreError, SurveyId, SurveySettings, WorkspaceId};

use crate::fixtures::{attributes, definition, key, ok, text};

/// Runs the chapter.
pub(crate) async fn chapter(store: &dyn Store, run: &str) {
    let home = ok(store.workspace(&format!("teams-{run}")).await, "workspace");
    let away = ok(
        store.workspace(&format!("teams-{run}-away")).await,
        "workspace",
    );
    revenue_rates(store, home.id, away.id).await;
    contacts_by_ids(store, home.id, away.id).await;
    lead_models(store, home.id, away.id).await;
    digest_weeks(store, home.id, away.id).await;
}

/// A digest week is claimed once per workspace: the first claim wins, every later one (from
/// any server) loses, other weeks and workspaces are apart; an unknown workspace is `NotFound`.
async fn digest_weeks(store: &dyn Store, home: WorkspaceId, away: WorkspaceId) {
    let at = Timestamp::from_second(1_000_000_000).expect("a time");
    let claim = |workspace: WorkspaceId, week: &'static str| async move {
        ok(
            store.claim_digest_week(workspace, week, at).await,
            "claim_digest_week",
        )
    };
    assert!(claim(home, "2026-W49").await, "the first claim wins");
    assert!(!claim(home, "2026-W49").await, "a second claim loses");
    assert!(claim(home, "2026-W50").await, "another week is its own");
    assert!(
        claim(away, "2026-W49").await,
        "another workspace is its own"
    );
    let (left, right) =
        crate::collect::both(claim(home, "2026-W51"), claim(home, "2026-W51")).await;
    assert!(left ^ right, "two claims at once: exactly one wins");
    assert!(matches!(
        store
            .claim_digest_week(WorkspaceId(i64::MAX), "2026-W49", at)
            .await,
        Err(StoreError::NotFound(_))
    ));
}

async fn lead_models(store: &dyn Store, home: WorkspaceId, away: WorkspaceId) {
    let survey = ok(
        store
            .create_survey(
                home,
                NewSurvey {
                    name: "Leads".to_owned(),
                    kind: SurveyKind::Nps,
                    question: "How likely are you to recommend us?".to_owned(),
                    follow_up: "Why?".to_owned(),
                    slug: None,
                    settings: SurveySettings::default(),
                },
            )
            .await,
        "create_survey",
    );
    let none = ok(store.lead_model(home, survey.id).await, "lead_model");
    assert_eq!(none, None, "a new survey has no lead model");
    let first = Timestamp::from_millisecond(1_760_000_000_123).expect("time");
    ok(
        store
            .save_lead_model(home, survey.id, r#"{"v":1}"#, first)
            .await,
        "save_lead_model",
    );
    let second = Timestamp::from_millisecond(1_760_086_400_456).expect("time");
    ok(
        store
            .save_lead_model(home, survey.id, r#"{"v":2}"#, second)
            .await,
        "save_lead_model again",
    );
    let saved = ok(store.lead_model(home, survey.id).await, "lead_model");
    let saved = saved.expect("the saved model");
    assert_eq!(
        (saved.survey, saved.model.as_str(), saved.trained_at),
        (survey.id, r#"{"v":2}"#, second),
        "the last model saved replaces the one before, to the millisecond"
    );
    let elsewhere = ok(store.lead_model(away, survey.id).await, "lead_model");
    assert_eq!(elsewhere, None, "another workspace does not see the model");
    for (workspace, id) in [(away, survey.id), (home, SurveyId(i64::MAX))] {
        match store.save_lead_model(workspace, id, "{}", first).await {
            Err(StoreError::NotFound(_)) => {}
            other => panic!("save_lead_model of a survey not the workspace's: {other:?}"),
        }
    }
    let kept = ok(store.lead_model(home, survey.id).await, "lead_model");
    assert_eq!(kept.map(|model| model.model), Some(r#"{"v":2}"#.to_owned()));
}

async fn revenue_rates(store: &dyn Store, home: WorkspaceId, away: WorkspaceId) {
    let none = ok(store.revenue_rates(home).await, "revenue_rates");
    assert_eq!(none, None, "a new workspace has no saved rates");
    let rates = Rates::new(0.4, 0.125, 0.2).expect("rates");
    ok(
        store.set_revenue_rates(home, Some(rates)).await,
        "set_revenue_rates",
    );
    let saved = ok(store.revenue_rates(home).await, "revenue_rates");
    assert_eq!(saved, Some(rates), "the rates read back exactly");
    let elsewhere = ok(store.revenue_rates(away).await, "revenue_rates");
    assert_eq!(elsewhere, None, "other workspaces keep theirs");
    ok(
        store.set_revenue_rates(home, None).await,
        "forget the rates",
    );
    let forgotten = ok(store.revenue_rates(home).await, "revenue_rates");
    assert_eq!(forgotten, None, "forgotten rates are gone");
    match store
        .set_revenue_rates(WorkspaceId(i64::MAX), Some(Rates::DEFAULT))
        .await
    {
        Err(StoreError::NotFound(_)) => {}
        other => panic!("set_revenue_rates of an unknown workspace: {other:?}"),
    }
}

async fn contacts_by_ids(store: &dyn Store, home: WorkspaceId, away: WorkspaceId) {
    let definitions = [definition("company", AttributeKind::String)];
    let mut ids = Vec::new();
    for (external, email, company) in [
        (Some("c-1"), None, "Acme"),
        (None, Some("bo@example.com"), "Beta"),
        (Some("c-3"), Some("cy@example.com"), "Acme"),
    ] {
        let contact = ok(
            store
                .upsert_contact(
                    home,
                    &key(external, email),
                    &attributes(&[("company", text(company))]),
                    &definitions,
                )
                .await,
            "upsert_contact",
        );
        ids.push(contact.id);
    }
    let stranger = ok(
        store
            .upsert_contact(away, &key(Some("c-9"), None), &attributes(&[]), &[])
            .await,
        "upsert_contact",
    );
    let asked = [ids[2], stranger.id, ContactId(i64::MAX), ids[0]];
    let found = ok(store.contacts_by_ids(home, &asked).await, "contacts_by_ids");
    let summary: Vec<(ContactId, Option<&str>, Option<&str>)> = found
        .iter()
        .map(|contact| {
            (
                contact.id,
                contact.external_id.as_deref(),
                contact.email.as_deref(),
            )
        })
        .collect();
    assert_eq!(
        summary,
        vec![
            (ids[0], Some("c-1"), None),
            (ids[2], Some("c-3"), Some("cy@example.com")),
        ],
        "contacts_by_ids reads this workspace's contacts in id order and skips the others"
    );
    assert_eq!(
        found[1].attributes.get("company"),
        Some(&text("Acme")),
        "with their attributes"
    );
    let empty = ok(store.contacts_by_ids(home, &[]).await, "contacts_by_ids");
    assert!(empty.is_empty(), "no ids, no contacts");
}
