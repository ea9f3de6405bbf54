//! The chapter of webhooks and alerts: subscriptions, the outbox the write paths fill in their
//! own transactions (and leave empty when they roll back), claiming, the delivery log, 410
//! disabling, erasure and unsubscription.

use jiff::Timestamp;
use vouch_core::SurveyKind;
use vouch_core::webhook::{TEST_EVENT, WebhookEvent};
use vouch_store::{
    Actor, AttemptRecord, ContactKey, DeliveryAttempt, DeliveryOutcome, DeliveryStatus,
    IngestOutcome, IngestRequest, NewAlert, NewSurvey, NewWebhook, ResponseId, ResponseStatus,
    Store, StoreError, SuppressionReason, SurveyId, SurveySettings, UserId, Webhook, WebhookFormat,
    WorkflowChange, WorkspaceId,
};

use crate::fixtures::{answer, attributes, key, ok, text};

/// Runs the chapter.
pub(crate) async fn chapter(store: &dyn Store, run: &str) {
    let home = ok(store.workspace(&format!("hooks-{run}")).await, "workspace").id;
    let nps = survey(store, home, "Customers", SurveyKind::Nps).await;
    let enps = survey(store, home, "Team", SurveyKind::Enps).await;
    let hook = ok(
        store
            .create_webhook(home, &new_webhook(Some(6)), now())
            .await,
        "create_webhook",
    );
    assert_eq!(hook.events.len(), 5);
    assert_eq!((hook.min_score, hook.max_score), (None, Some(6)));
    assert_eq!(
        ok(store.webhooks(home).await, "webhooks"),
        vec![hook.clone()]
    );
    alerts(store, home).await;
    let ann = key(
        Some(&format!("ann-{run}")),
        Some(&format!("ann-{run}@example.com")),
    );
    let ids = arrivals(store, home, &hook, nps, enps, &ann).await;
    rolled_back_changes_queue_nothing(store, home, &hook, nps, ids[0]).await;
    follow_up_and_tags(store, home, &hook, ids[0]).await;
    claiming_and_the_log(store, home, &hook).await;
    erasure_and_unsubscription(store, home, &hook, &ann, ids[0]).await;
    ok(store.delete_webhook(home, hook.id).await, "delete_webhook");
    assert!(matches!(
        store.delete_webhook(home, hook.id).await,
        Err(StoreError::NotFound(_))
    ));
}

fn now() -> Timestamp {
    Timestamp::now()
}

fn new_webhook(max_score: Option<u8>) -> NewWebhook {
    NewWebhook {
        url: "https://hooks.example.com/vouch".into(),
        events: WebhookEvent::ALL.to_vec(),
        format: WebhookFormat::Standard,
        min_score: None,
        max_score,
        secret: "whsec_c2VjcmV0".into(),
    }
}

async fn survey(
    store: &dyn Store,
    workspace: WorkspaceId,
    name: &str,
    kind: SurveyKind,
) -> SurveyId {
    let new = NewSurvey {
        name: name.into(),
        kind,
        question: "How likely?".into(),
        follow_up: "Why?".into(),
        slug: None,
        settings: SurveySettings::default(),
    };
    ok(store.create_survey(workspace, new).await, "create_survey").id
}

fn request(survey: SurveyId, contact: &ContactKey, score: i64) -> IngestRequest {
    let mut response = answer(
        survey,
        contact,
        attributes(&[("plan", text("pro"))]),
        score,
        Some("slow"),
        "2026-03-01T10:00:00Z",
    );
    response.channel = "api".into();
    IngestRequest {
        response,
        definitions: Vec::new(),
        idempotency: None,
    }
}

/// The events queued to `hook` so far, oldest first, as (type, response).
async fn queued(
    store: &dyn Store,
    workspace: WorkspaceId,
    hook: &Webhook,
) -> Vec<(String, Option<i64>)> {
    let mut found = ok(
        store.deliveries(workspace, hook.id, 1_000).await,
        "deliveries",
    );
    found.reverse();
    found
        .into_iter()
        .map(|delivery| (delivery.event, delivery.response.map(|id| id.0)))
        .collect()
}

async fn alerts(store: &dyn Store, workspace: WorkspaceId) {
    let detractors = NewAlert {
        name: "Detractors".into(),
        max_score: Some(6),
        tag: None,
        filter: Some(("plan".into(), "pro".into())),
        emails: vec!["cs@example.com".into(), "lead@example.com".into()],
        slack_url: Some("https://hooks.slack.com/services/T/B/x".into()),
    };
    let created = ok(
        store.create_alert(workspace, &detractors, now()).await,
        "create_alert",
    );
    assert_eq!(created.rule, detractors);
    let mut again = detractors.clone();
    again.name = "DETRACTORS".into();
    assert!(
        matches!(
            store.create_alert(workspace, &again, now()).await,
            Err(StoreError::Conflict(_))
        ),
        "names are unique ignoring case"
    );
    let tagged = NewAlert {
        name: "Pricing".into(),
        max_score: None,
        tag: Some("Pricing".into()),
        filter: None,
        emails: vec!["pm@example.com".into()],
        slack_url: None,
    };
    ok(
        store.create_alert(workspace, &tagged, now()).await,
        "create_alert",
    );
    assert_eq!(ok(store.alerts(workspace).await, "alerts").len(), 2);
}

/// Arrivals queue `response.created` for the scores in range and alerts for detractors, never
/// anything for eNPS answers; returns the ids of the NPS answers (3, then 9).
async fn arrivals(
    store: &dyn Store,
    workspace: WorkspaceId,
    hook: &Webhook,
    nps: SurveyId,
    enps: SurveyId,
    ann: &ContactKey,
) -> Vec<ResponseId> {
    let bob = key(Some("bob"), None);
    let outcomes = ok(
        store
            .ingest(
                workspace,
                vec![
                    request(nps, ann, 3),
                    request(nps, &bob, 9),
                    request(enps, &bob, 2),
                ],
            )
            .await,
        "ingest",
    );
    let ids: Vec<ResponseId> = outcomes
        .iter()
        .map(|outcome| match outcome {
            IngestOutcome::Created(response) => response.id,
            other => panic!("ingest: {other:?}"),
        })
        .collect();
    assert_eq!(
        queued(store, workspace, hook).await,
        vec![("response.created".to_owned(), Some(ids[0].0))],
        "only the score within 0–6 of the NPS survey"
    );
    let alerts = ok(store.alerts(workspace).await, "alerts");
    let sent = ok(
        store.alerts_sent(workspace, alerts[0].id, 10).await,
        "alerts_sent",
    );
    assert_eq!(sent.len(), 1, "one alert: the detractor of the NPS survey");
    assert_eq!(
        (sent[0].response, sent[0].status),
        (ids[0], DeliveryStatus::Pending)
    );
    let tagged = ok(
        store.alerts_sent(workspace, alerts[1].id, 10).await,
        "alerts_sent",
    );
    assert!(tagged.is_empty(), "a tag's alert waits for the tag");
    ids[..2].to_vec()
}

async fn rolled_back_changes_queue_nothing(
    store: &dyn Store,
    workspace: WorkspaceId,
    hook: &Webhook,
    nps: SurveyId,
    response: ResponseId,
) {
    let before = queued(store, workspace, hook).await;
    let failed = store
        .ingest(
            workspace,
            vec![
                request(nps, &key(Some("carl"), None), 1),
                request(SurveyId(i64::MAX), &key(Some("dan"), None), 1),
            ],
        )
        .await;
    assert!(matches!(failed, Err(StoreError::NotFound(_))), "{failed:?}");
    let unknown_assignee = WorkflowChange {
        status: Some(ResponseStatus::Closed),
        assignee: Some(Some(UserId(i64::MAX))),
        tags: Some(vec!["Pricing".into()]),
    };
    let refused = store
        .change_workflow(
            workspace,
            response,
            &unknown_assignee,
            Actor::Operator,
            now(),
        )
        .await;
    assert!(
        matches!(refused, Err(StoreError::NotFound(_))),
        "{refused:?}"
    );
    assert_eq!(
        queued(store, workspace, hook).await,
        before,
        "a change rolled back queues no message"
    );
}

async fn follow_up_and_tags(
    store: &dyn Store,
    workspace: WorkspaceId,
    hook: &Webhook,
    response: ResponseId,
) {
    let before = queued(store, workspace, hook).await.len();
    let change = WorkflowChange {
        status: Some(ResponseStatus::InProgress),
        assignee: None,
        tags: Some(vec!["pricing".into()]),
    };
    ok(
        store
            .change_workflow(workspace, response, &change, Actor::Operator, now())
            .await,
        "change_workflow",
    );
    let events = queued(store, workspace, hook).await;
    let mut new: Vec<String> = events[before..]
        .iter()
        .map(|(event, _)| event.clone())
        .collect();
    new.sort();
    assert_eq!(new, ["response.tagged", "response.updated"], "one of each");
    let alerts = ok(store.alerts(workspace).await, "alerts");
    let tagged = ok(
        store.alerts_sent(workspace, alerts[1].id, 10).await,
        "alerts_sent",
    );
    assert_eq!(
        tagged.len(),
        1,
        "the tag's alert, its name compared ignoring case"
    );
    let gained = ok(
        store
            .add_tag(workspace, "Refunds", &[response], Actor::Operator, now())
            .await,
        "add_tag",
    );
    assert_eq!(gained, 1);
    let last = queued(store, workspace, hook).await.pop();
    assert_eq!(last, Some(("response.tagged".to_owned(), Some(response.0))));
}

async fn claiming_and_the_log(store: &dyn Store, workspace: WorkspaceId, hook: &Webhook) {
    let test = ok(
        store.queue_test_delivery(workspace, hook.id, now()).await,
        "queue_test_delivery",
    );
    assert_eq!(test.event, TEST_EVENT);
    let lease = now() + jiff::SignedDuration::from_secs(60);
    let claimed = ok(
        store.claim_deliveries(now(), lease, 100).await,
        "claim_deliveries",
    );
    let mine: Vec<_> = claimed
        .iter()
        .filter(|due| due.webhook.id == hook.id)
        .collect();
    assert_eq!(
        mine.len(),
        queued(store, workspace, hook).await.len(),
        "everything due"
    );
    assert!(mine.iter().all(|due| due.delivery.attempts == 1));
    let again = ok(
        store.claim_deliveries(now(), lease, 100).await,
        "claim_deliveries",
    );
    assert!(
        again.iter().all(|due| due.webhook.id != hook.id),
        "leased: claimed once"
    );
    let attempt = |code: Option<u16>, error: Option<&str>| DeliveryAttempt {
        at: now(),
        status_code: code,
        latency_ms: 12,
        error: error.map(str::to_owned),
    };
    let record = |delivery, attempt, outcome| AttemptRecord {
        delivery,
        attempt,
        body: Some(r#"{"type":"x"}"#.to_owned()),
        outcome,
    };
    let first = mine[0].delivery.id;
    let retry = DeliveryOutcome::RetryAt(Timestamp::UNIX_EPOCH);
    ok(
        store
            .record_attempt(&record(first, attempt(Some(500), Some("500")), retry))
            .await,
        "record",
    );
    let due = ok(
        store.claim_deliveries(now(), lease, 100).await,
        "claim_deliveries",
    );
    let retried = due
        .iter()
        .find(|due| due.delivery.id == first)
        .expect("due again");
    assert_eq!(retried.delivery.attempts, 2);
    assert_eq!(
        retried.delivery.body.as_deref(),
        Some(r#"{"type":"x"}"#),
        "the body is kept"
    );
    ok(
        store
            .record_attempt(&record(
                first,
                attempt(Some(204), None),
                DeliveryOutcome::Delivered,
            ))
            .await,
        "record",
    );
    let logged = ok(
        store.deliveries(workspace, hook.id, 1_000).await,
        "deliveries",
    );
    let delivered = logged
        .iter()
        .find(|delivery| delivery.id == first)
        .expect("logged");
    assert_eq!(delivered.status, DeliveryStatus::Delivered);
    let codes: Vec<Option<u16>> = delivered
        .log
        .iter()
        .map(|attempt| attempt.status_code)
        .collect();
    assert_eq!(codes, [Some(500), Some(204)], "every attempt is logged");
    assert_eq!(delivered.log[0].latency_ms, 12);
    let resent = ok(
        store.resend_delivery(workspace, first, now()).await,
        "resend_delivery",
    );
    assert_eq!(resent.status, DeliveryStatus::Pending);
    let gone = DeliveryOutcome::DisableWebhook("410 Gone".into());
    ok(
        store
            .record_attempt(&record(test.id, attempt(Some(410), Some("410")), gone))
            .await,
        "record",
    );
    let disabled = ok(store.webhooks(workspace).await, "webhooks");
    assert_eq!(disabled[0].disabled.as_deref(), Some("410 Gone"));
    let after = ok(
        store.claim_deliveries(now(), lease, 100).await,
        "claim_deliveries",
    );
    assert!(
        after.iter().all(|due| due.webhook.id != hook.id),
        "a disabled webhook gets nothing"
    );
    let alerts = ok(store.claim_alerts(now(), lease, 100).await, "claim_alerts");
    let ours: Vec<_> = alerts
        .iter()
        .filter(|due| due.alert.workspace == workspace)
        .collect();
    assert_eq!(ours.len(), 2, "the detractor's and the tag's");
    ok(
        store
            .record_alert(ours[0].id, &DeliveryOutcome::Delivered, None, now())
            .await,
        "record_alert",
    );
    let sent = ok(
        store.alerts_sent(workspace, ours[0].alert.id, 10).await,
        "alerts_sent",
    );
    assert_eq!(sent[0].status, DeliveryStatus::Delivered);
}

async fn erasure_and_unsubscription(
    store: &dyn Store,
    workspace: WorkspaceId,
    hook: &Webhook,
    ann: &ContactKey,
    response: ResponseId,
) {
    // A fresh subscriber: the first one was disabled above.
    let fresh = ok(
        store
            .create_webhook(workspace, &new_webhook(None), now())
            .await,
        "create_webhook",
    );
    let email = ann.email.clone().expect("an address");
    ok(
        store
            .suppress_email(workspace, &email, SuppressionReason::Unsubscribed, now())
            .await,
        "suppress_email",
    );
    ok(
        store
            .suppress_email(workspace, &email, SuppressionReason::Unsubscribed, now())
            .await,
        "suppress_email",
    );
    let unsubscribed = ok(
        store.deliveries(workspace, fresh.id, 10).await,
        "deliveries",
    );
    assert_eq!(unsubscribed.len(), 1, "an address unsubscribes once");
    assert_eq!(unsubscribed[0].event, "contact.unsubscribed");
    assert_eq!(unsubscribed[0].email.as_deref(), Some(email.as_str()));
    let contact = ok(store.response(workspace, response).await, "response")
        .expect("stored")
        .contact;
    ok(
        store.delete_contact(workspace, contact).await,
        "delete_contact",
    );
    let events = queued(store, workspace, &fresh).await;
    assert_eq!(
        events.last(),
        Some(&("response.deleted".to_owned(), Some(response.0)))
    );
    let left = queued(store, workspace, hook).await;
    assert!(
        left.iter()
            .all(|(event, id)| *id != Some(response.0) || event == "response.deleted"),
        "the messages quoting an erased response go with it: {left:?}"
    );
    let alerts = ok(store.alerts(workspace).await, "alerts");
    for alert in &alerts {
        let sent = ok(
            store.alerts_sent(workspace, alert.id, 10).await,
            "alerts_sent",
        );
        assert!(
            sent.iter().all(|sent| sent.response != response),
            "alerts about it go too"
        );
        ok(
            store.delete_alert(workspace, alert.id).await,
            "delete_alert",
        );
    }
    assert!(ok(store.alerts(workspace).await, "alerts").is_empty());
}
