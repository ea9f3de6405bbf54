//! The server's chapters of the story: API keys, survey changes, group-commit ingest with
//! idempotency keys, reading responses back, contacts and saved replies.
//!
//! They happen in two workspaces of their own, so that they depend on nothing the earlier
//! chapters did.

use jiff::{SignedDuration, Timestamp};
use vouch_core::{AttributeKind, AttributeValue, SurveyKind};
use vouch_store::{
    ApiKey, AttributeDefinition, Attributes, Brand, Contact, ContactId, ContactKey, ContactQuery,
    IdempotencyKey, IngestOutcome, IngestRequest, KeyScope, NewApiKey, ResponseId, SavedReply,
    Store, StoreError, StoreResult, StoredResponse, Survey, SurveyChanges, SurveyId, WorkspaceId,
};

use crate::fixtures::{answer, attributes, date, definition, key, ok, sorted, text};
use crate::opening::new_survey;

/// The two workspaces the server's chapters happen in.
struct Server<'s> {
    store: &'s dyn Store,
    run: String,
    /// Where everything happens.
    home: WorkspaceId,
    /// Another workspace, which must never see or touch anything of `home`.
    away: WorkspaceId,
}

/// The surveys answered through `ingest`.
struct Surveys {
    checkout: Survey,
    support: Survey,
    /// A survey of the other workspace.
    away: Survey,
}

/// What the ingest chapter wrote, which later chapters read back.
struct Ingested {
    /// Dee's first response (key `k1`).
    first: StoredResponse,
    /// Eve's response.
    eve: StoredResponse,
    /// Dee's second response (key `k2`), given before the first.
    earlier: StoredResponse,
    /// Dee's third response (key `k3`).
    third: StoredResponse,
    /// Dee's answer through her email alone (key `k4`).
    by_email: StoredResponse,
    /// A response of the other workspace.
    away: StoredResponse,
    dee: ContactId,
    eve_id: ContactId,
}

/// Runs the server's chapters.
pub(crate) async fn chapters(store: &dyn Store, run: &str) {
    let home = ok(store.workspace(&format!("server-{run}")).await, "workspace");
    let away = ok(
        store.workspace(&format!("server-{run}-away")).await,
        "workspace",
    );
    let found = ok(store.workspace_by_id(home.id).await, "workspace_by_id");
    assert_eq!(found, Some(home.clone()), "workspace_by_id finds it");
    let missing = ok(
        store.workspace_by_id(WorkspaceId(i64::MAX)).await,
        "workspace_by_id",
    );
    assert_eq!(missing, None, "workspace_by_id of an unknown id");
    assert_eq!(home.brand, Brand::default(), "a new workspace has no brand");
    let brand = Brand {
        name: Some("Acme Analytics".into()),
        color: Some("#1D4ED8".into()),
        logo_url: Some("https://acme.example/logo.svg".into()),
    };
    ok(
        store.set_workspace_brand(home.id, &brand).await,
        "set_workspace_brand",
    );
    let branded = ok(store.workspace_by_id(home.id).await, "workspace_by_id");
    assert_eq!(
        branded.map(|w| w.brand),
        Some(brand.clone()),
        "the brand reads back"
    );
    let by_slug = ok(store.workspace(&home.slug).await, "workspace");
    assert_eq!(by_slug.brand_name(), Some("Acme Analytics"));
    let listed = ok(store.workspaces().await, "workspaces");
    let listed = listed
        .iter()
        .find(|w| w.id == home.id)
        .map(|w| w.brand.clone());
    assert_eq!(listed, Some(brand), "workspaces lists the brand");
    let away_brand = ok(store.workspace_by_id(away.id).await, "workspace_by_id");
    assert_eq!(
        away_brand.map(|w| w.brand),
        Some(Brand::default()),
        "other workspaces keep theirs"
    );
    ok(
        store.set_workspace_brand(home.id, &Brand::default()).await,
        "clear the brand",
    );
    let cleared = ok(store.workspace_by_id(home.id).await, "workspace_by_id");
    assert_eq!(
        cleared.map(|w| w.brand),
        Some(Brand::default()),
        "a brand is replaced whole"
    );
    match store
        .set_workspace_brand(WorkspaceId(i64::MAX), &Brand::default())
        .await
    {
        Err(StoreError::NotFound(_)) => {}
        other => panic!("set_workspace_brand of an unknown workspace: {other:?}"),
    }
    let server = Server {
        store,
        run: run.to_owned(),
        home: home.id,
        away: away.id,
    };
    server.api_keys().await;
    let surveys = server.survey_changes().await;
    let ingested = server.ingest(&surveys).await;
    server.reading_responses(&ingested).await;
    server.contacts(&ingested).await;
    server.saved_replies().await;
}

/// The time window of something created now.
fn around_now() -> (Timestamp, Timestamp) {
    let minute = SignedDuration::from_secs(60);
    (Timestamp::now() - minute, Timestamp::now() + minute)
}

impl Server<'_> {
    /// A secret hash unique to this run (hashes are unique across workspaces).
    fn hash(&self, name: &str) -> String {
        format!("{}-{name}", self.run)
    }

    /// The key found by the hash [`Server::hash`] gives for `hash`.
    async fn by_hash(&self, hash: &str) -> StoreResult<Option<ApiKey>> {
        self.store.api_key_by_hash(&self.hash(hash)).await
    }

    fn new_key(&self, name: &str, scope: KeyScope, hash: &str) -> NewApiKey {
        NewApiKey {
            name: name.to_owned(),
            scope,
            prefix: format!("vk_{name}"),
            secret_hash: self.hash(hash),
        }
    }

    /// API keys: create, a taken name, lookup by hash, revoke, a revoked name used again,
    /// isolation between workspaces.
    async fn api_keys(&self) {
        let (store, home, away) = (self.store, self.home, self.away);
        assert!(ok(store.api_keys(home).await, "api_keys").is_empty());
        let (before, after) = around_now();
        let ci = ok(
            store
                .create_api_key(home, self.new_key("ci", KeyScope::Write, "h1"))
                .await,
            "create_api_key",
        );
        assert_eq!(
            (ci.workspace, ci.name.as_str(), ci.scope, ci.prefix.as_str()),
            (home, "ci", KeyScope::Write, "vk_ci")
        );
        assert_eq!(ci.revoked_at, None, "a new key is not revoked");
        assert!(before < ci.created_at && ci.created_at < after);

        let taken = store
            .create_api_key(home, self.new_key("ci", KeyScope::Read, "h2"))
            .await;
        assert!(
            matches!(taken, Err(StoreError::Conflict(_))),
            "a name taken by a live key is a Conflict, got {taken:?}"
        );
        let reader = ok(
            store
                .create_api_key(home, self.new_key("reader", KeyScope::Read, "h3"))
                .await,
            "create_api_key (read)",
        );
        assert_eq!(reader.scope, KeyScope::Read);
        let same_secret = store
            .create_api_key(home, self.new_key("copy", KeyScope::Read, "h3"))
            .await;
        assert!(
            matches!(same_secret, Err(StoreError::Conflict(_))),
            "two keys with one secret hash are a Conflict, got {same_secret:?}"
        );
        let away_ci = ok(
            store
                .create_api_key(away, self.new_key("ci", KeyScope::Write, "h4"))
                .await,
            "a name is free in another workspace",
        );
        assert_eq!(away_ci.workspace, away);
        assert_ne!(away_ci.id, ci.id);
        let nowhere = store
            .create_api_key(
                WorkspaceId(i64::MAX),
                self.new_key("x", KeyScope::Read, "h5"),
            )
            .await;
        assert!(nowhere.is_err(), "a key for a missing workspace fails");

        assert_eq!(
            ok(self.by_hash("h1").await, "api_key_by_hash"),
            Some(ci.clone())
        );
        assert_eq!(
            ok(self.by_hash("h4").await, "api_key_by_hash"),
            Some(away_ci.clone())
        );
        assert_eq!(ok(self.by_hash("h2").await, "api_key_by_hash"), None);
        assert_eq!(
            ok(store.api_keys(home).await, "api_keys"),
            vec![ci.clone(), reader.clone()],
            "keys, oldest first"
        );
        assert_eq!(
            ok(store.api_keys(away).await, "api_keys"),
            vec![away_ci.clone()]
        );

        let revoked = ok(store.revoke_api_key(home, "ci").await, "revoke_api_key");
        assert_eq!(revoked.id, ci.id);
        let (_, after) = around_now();
        assert!(
            revoked
                .revoked_at
                .is_some_and(|at| ci.created_at <= at && at < after)
        );
        assert_eq!(
            ApiKey {
                revoked_at: None,
                ..revoked.clone()
            },
            ci,
            "revoking changes nothing else"
        );
        assert_eq!(
            ok(self.by_hash("h1").await, "api_key_by_hash"),
            Some(revoked.clone()),
            "a revoked key is still found by its hash"
        );
        for (workspace, name) in [(home, "ci"), (home, "nobody"), (away, "reader")] {
            let outcome = store.revoke_api_key(workspace, name).await;
            assert!(
                matches!(outcome, Err(StoreError::NotFound(_))),
                "revoking {name:?}, revoked or absent in its workspace, is NotFound, \
                 got {outcome:?}"
            );
        }
        assert_eq!(
            ok(self.by_hash("h4").await, "api_key_by_hash"),
            Some(away_ci),
            "the other workspace's key of the same name is untouched"
        );
        assert_eq!(
            ok(self.by_hash("h3").await, "api_key_by_hash"),
            Some(reader.clone())
        );

        let again = ok(
            store
                .create_api_key(home, self.new_key("ci", KeyScope::Read, "h6"))
                .await,
            "the name of a revoked key may be used again",
        );
        assert_ne!(again.id, ci.id);
        assert_eq!(again.revoked_at, None);
        assert_eq!(
            ok(store.api_keys(home).await, "api_keys"),
            vec![revoked, reader, again],
            "revoked keys are listed too"
        );
    }

    /// Surveys renamed, reworded, archived and restored.
    async fn survey_changes(&self) -> Surveys {
        let (store, home, away) = (self.store, self.home, self.away);
        let create = |workspace, name, kind| store.create_survey(workspace, new_survey(name, kind));
        let checkout = ok(
            create(home, "Checkout", SurveyKind::Nps).await,
            "create_survey",
        );
        let support = ok(
            create(home, "Support", SurveyKind::Nps).await,
            "create_survey",
        );
        let away_survey = ok(
            create(away, "Checkout", SurveyKind::Enps).await,
            "create_survey",
        );

        let renamed = ok(
            store
                .update_survey(
                    home,
                    checkout.id,
                    SurveyChanges {
                        name: Some("Checkout v2".into()),
                        question: Some("Would you recommend our checkout?".into()),
                        ..SurveyChanges::default()
                    },
                )
                .await,
            "update_survey (rename)",
        );
        assert_eq!(
            renamed,
            Survey {
                name: "Checkout v2".into(),
                question: "Would you recommend our checkout?".into(),
                ..checkout.clone()
            },
            "only the fields given change"
        );
        let reread = ok(store.survey(home, checkout.id).await, "survey");
        assert_eq!(reread.as_ref(), Some(&renamed));
        let unchanged = ok(
            store
                .update_survey(home, checkout.id, SurveyChanges::default())
                .await,
            "update_survey (no change)",
        );
        assert_eq!(unchanged, renamed);
        let same_name = ok(
            store
                .update_survey(
                    home,
                    checkout.id,
                    SurveyChanges {
                        name: Some("Checkout v2".into()),
                        follow_up: Some("Tell us more".into()),
                        ..SurveyChanges::default()
                    },
                )
                .await,
            "update_survey (its own name)",
        );
        assert_eq!(same_name.follow_up, "Tell us more");
        assert_eq!(same_name.name, "Checkout v2");

        let taken = store
            .update_survey(
                home,
                support.id,
                SurveyChanges {
                    name: Some("Checkout v2".into()),
                    ..SurveyChanges::default()
                },
            )
            .await;
        assert!(
            matches!(taken, Err(StoreError::Conflict(_))),
            "renaming to a taken name is a Conflict, got {taken:?}"
        );
        assert_eq!(
            ok(store.survey(home, support.id).await, "survey").as_ref(),
            Some(&support),
            "a refused change changes nothing"
        );
        let free_there = ok(
            store
                .update_survey(
                    away,
                    away_survey.id,
                    SurveyChanges {
                        name: Some("Checkout v2".into()),
                        ..SurveyChanges::default()
                    },
                )
                .await,
            "a name taken in another workspace is free here",
        );
        assert_eq!(free_there.name, "Checkout v2");

        let archive = |archived| SurveyChanges {
            archived: Some(archived),
            ..SurveyChanges::default()
        };
        let archived = ok(
            store.update_survey(home, support.id, archive(true)).await,
            "update_survey (archive)",
        );
        assert!(archived.archived);
        assert_eq!(
            archived,
            Survey {
                archived: true,
                ..support.clone()
            }
        );
        let restored = ok(
            store.update_survey(home, support.id, archive(false)).await,
            "update_survey (restore)",
        );
        assert_eq!(restored, support);

        for (workspace, id) in [
            (away, checkout.id),
            (home, away_survey.id),
            (home, SurveyId(i64::MAX)),
        ] {
            let outcome = store.update_survey(workspace, id, archive(true)).await;
            assert!(
                matches!(outcome, Err(StoreError::NotFound(_))),
                "changing a survey that is not in the workspace is NotFound, got {outcome:?}"
            );
        }
        assert_eq!(
            ok(store.survey(home, checkout.id).await, "survey").map(|survey| survey.archived),
            Some(false)
        );
        Surveys {
            checkout: same_name,
            support,
            away: free_there,
        }
    }

    /// Group-commit ingest: outcomes in order, idempotency keys replayed or refused within a
    /// call and across calls, contacts merged, snapshots, refused surveys.
    async fn ingest(&self, surveys: &Surveys) -> Ingested {
        let (store, home, away) = (self.store, self.home, self.away);
        let checkout = surveys.checkout.id;
        let dee = key(Some("dee"), Some("dee@example.com"));
        let eve = key(None, Some("eve@example.com"));
        let zed = key(Some("zed"), None);
        assert!(
            ok(store.ingest(home, Vec::new()).await, "ingest (nothing)").is_empty(),
            "an empty call gives no outcome"
        );

        let first = request(
            checkout,
            &dee,
            attributes(&[
                ("plan", text("pro")),
                ("seats", AttributeValue::Number(3.0)),
            ]),
            10,
            "2026-04-02T10:00:00.125Z",
            Some(("k1", "f1")),
            vec![
                definition("plan", AttributeKind::String),
                definition("seats", AttributeKind::Number),
            ],
        );
        let eve_first = request(
            checkout,
            &eve,
            attributes(&[("plan", text("free")), ("signup", date("2025-11-30"))]),
            4,
            "2026-04-02T11:00:00Z",
            None,
            vec![definition("signup", AttributeKind::Date)],
        );
        let reused = request(
            checkout,
            &zed,
            attributes(&[("ghost", text("boo"))]),
            0,
            "2026-04-02T12:00:00Z",
            Some(("k1", "f2")),
            vec![definition("ghost", AttributeKind::String)],
        );
        let second = request(
            checkout,
            &key(Some("dee"), None),
            attributes(&[
                ("region", text("US")),
                ("seats", AttributeValue::Number(4.0)),
            ]),
            8,
            "2026-04-01T09:00:00Z",
            Some(("k2", "f3")),
            vec![definition("region", AttributeKind::String)],
        );
        let batch = vec![
            first.clone(),
            eve_first.clone(),
            first.clone(),
            reused.clone(),
            second.clone(),
        ];
        let outcomes = ok(store.ingest(home, batch).await, "ingest");
        let [
            IngestOutcome::Created(first_stored),
            IngestOutcome::Created(eve_stored),
            IngestOutcome::Replayed(replayed),
            IngestOutcome::KeyReused,
            IngestOutcome::Created(earlier),
        ] = outcomes.as_slice()
        else {
            panic!(
                "expected Created, Created, Replayed, KeyReused, Created in request order, \
                 got {outcomes:?}"
            );
        };
        assert_eq!(
            replayed, first_stored,
            "a key repeated within a call replays the first"
        );
        assert_written(first_stored, &first, first.response.attributes.clone());
        assert_written(
            eve_stored,
            &eve_first,
            eve_first.response.attributes.clone(),
        );
        let dee_merged = attributes(&[
            ("plan", text("pro")),
            ("region", text("US")),
            ("seats", AttributeValue::Number(4.0)),
        ]);
        assert_written(earlier, &second, dee_merged.clone());
        assert_eq!(
            earlier.contact, first_stored.contact,
            "the same external id names the same contact"
        );
        assert_ne!(eve_stored.contact, first_stored.contact);
        assert!(
            first_stored.id < eve_stored.id && eve_stored.id < earlier.id,
            "ids grow in request order"
        );
        let dee_id = first_stored.contact;
        let dee_contact = Contact {
            id: dee_id,
            external_id: Some("dee".into()),
            email: Some("dee@example.com".into()),
            attributes: dee_merged,
        };
        assert_eq!(
            ok(store.contact(home, &dee).await, "contact"),
            Some(dee_contact.clone()),
            "the contact has the given attributes merged into its own, given ones winning"
        );
        assert_eq!(
            ok(store.contact(home, &zed).await, "contact"),
            None,
            "a reused key writes nothing, not even its contact"
        );
        let defined = ok(store.attribute_definitions(home).await, "definitions");
        assert_eq!(
            sorted(defined),
            vec![
                definition("plan", AttributeKind::String),
                definition("region", AttributeKind::String),
                definition("seats", AttributeKind::Number),
                definition("signup", AttributeKind::Date),
            ],
            "definitions of written responses are recorded, those of a reused key are not"
        );

        // A second call: keys of the first one replayed or refused, new attributes merged.
        let third = request(
            checkout,
            &dee,
            attributes(&[
                ("plan", text("enterprise")),
                ("seats", AttributeValue::Number(3.0)),
            ]),
            9,
            "2026-04-03T08:00:00Z",
            Some(("k3", "f4")),
            vec![
                definition("plan", AttributeKind::Number),
                definition("tier", AttributeKind::String),
            ],
        );
        let by_email = request(
            surveys.support.id,
            &key(None, Some("dee@example.com")),
            attributes(&[]),
            7,
            "2026-04-04T08:00:00Z",
            Some(("k4", "f5")),
            Vec::new(),
        );
        // A retry carries the same body; what counts is the key and its fingerprint.
        let retry_second = second.clone();
        let outcomes = ok(
            store
                .ingest(
                    home,
                    vec![
                        first.clone(),
                        reused.clone(),
                        third.clone(),
                        retry_second,
                        by_email.clone(),
                    ],
                )
                .await,
            "ingest (second call)",
        );
        let [
            IngestOutcome::Replayed(first_again),
            IngestOutcome::KeyReused,
            IngestOutcome::Created(third_stored),
            IngestOutcome::Replayed(second_again),
            IngestOutcome::Created(by_email_stored),
        ] = outcomes.as_slice()
        else {
            panic!("expected Replayed, KeyReused, Created, Replayed, Created, got {outcomes:?}");
        };
        assert_eq!(
            first_again, first_stored,
            "a retry replays the response first written, with its snapshot"
        );
        assert_eq!(second_again, earlier);
        let dee_latest = attributes(&[
            ("plan", text("enterprise")),
            ("region", text("US")),
            ("seats", AttributeValue::Number(3.0)),
        ]);
        assert_written(third_stored, &third, dee_latest.clone());
        assert_written(by_email_stored, &by_email, dee_latest.clone());
        assert_eq!(third_stored.contact, dee_id);
        assert_eq!(
            by_email_stored.contact, dee_id,
            "an email alone names the contact with that email"
        );
        assert!(
            earlier.id < third_stored.id && third_stored.id < by_email_stored.id,
            "ids keep growing across calls"
        );
        let defined = ok(store.attribute_definitions(home).await, "definitions");
        assert!(
            defined.contains(&definition("plan", AttributeKind::String))
                && defined.contains(&definition("tier", AttributeKind::String)),
            "an attribute keeps the kind it was first given, new ones are added: {defined:?}"
        );

        self.refused_calls(surveys, &dee, third_stored).await;

        // Keys belong to a workspace: the same key elsewhere is new.
        let away_request = request(
            surveys.away.id,
            &dee,
            attributes(&[("plan", text("other"))]),
            6,
            "2026-04-05T08:00:00Z",
            Some(("k1", "f1")),
            vec![definition("plan", AttributeKind::String)],
        );
        let outcomes = ok(
            store.ingest(away, vec![away_request.clone()]).await,
            "ingest (away)",
        );
        let [IngestOutcome::Created(away_stored)] = outcomes.as_slice() else {
            panic!("a key used in another workspace is new here, got {outcomes:?}");
        };
        assert_written(
            away_stored,
            &away_request,
            away_request.response.attributes.clone(),
        );
        assert_ne!(
            away_stored.contact, dee_id,
            "contacts belong to their workspace"
        );
        assert_eq!(
            ok(store.contact(home, &dee).await, "contact").map(|contact| contact.attributes),
            Some(dee_latest),
            "another workspace's contact of the same key is another contact"
        );

        Ingested {
            first: first_stored.clone(),
            eve: eve_stored.clone(),
            earlier: earlier.clone(),
            third: third_stored.clone(),
            by_email: by_email_stored.clone(),
            away: away_stored.clone(),
            dee: dee_id,
            eve_id: eve_stored.contact,
        }
    }

    /// Calls naming an archived survey or another workspace's fail whole and write nothing.
    async fn refused_calls(&self, surveys: &Surveys, dee: &ContactKey, last: &StoredResponse) {
        let (store, home, away) = (self.store, self.home, self.away);
        let newcomer = key(Some("newcomer"), None);
        let fine = request(
            surveys.checkout.id,
            &newcomer,
            attributes(&[("plan", text("trial"))]),
            5,
            "2026-04-04T09:00:00Z",
            Some(("k5", "f6")),
            vec![definition("fresh", AttributeKind::String)],
        );
        let archived = ok(
            store
                .update_survey(
                    home,
                    surveys.support.id,
                    SurveyChanges {
                        archived: Some(true),
                        ..SurveyChanges::default()
                    },
                )
                .await,
            "update_survey (archive)",
        );
        assert!(archived.archived);
        let to_archived = request(
            surveys.support.id,
            dee,
            attributes(&[("plan", text("gone"))]),
            1,
            "2026-04-04T10:00:00Z",
            None,
            Vec::new(),
        );
        let to_foreign = request(
            surveys.away.id,
            dee,
            attributes(&[("plan", text("gone"))]),
            1,
            "2026-04-04T10:00:00Z",
            None,
            Vec::new(),
        );
        let to_missing = request(
            SurveyId(i64::MAX),
            dee,
            attributes(&[]),
            1,
            "2026-04-04T10:00:00Z",
            None,
            Vec::new(),
        );
        for (what, bad) in [
            ("an archived survey", to_archived),
            ("another workspace's survey", to_foreign),
            ("an unknown survey", to_missing),
        ] {
            let outcome = store.ingest(home, vec![fine.clone(), bad]).await;
            assert!(
                matches!(outcome, Err(StoreError::NotFound(_))),
                "a call naming {what} is NotFound, got {outcome:?}"
            );
        }
        let from_away = request(
            surveys.checkout.id,
            dee,
            attributes(&[]),
            2,
            "2026-04-04T10:00:00Z",
            None,
            Vec::new(),
        );
        let outcome = store.ingest(away, vec![from_away]).await;
        assert!(
            matches!(outcome, Err(StoreError::NotFound(_))),
            "another workspace cannot answer this one's survey, got {outcome:?}"
        );

        assert_eq!(
            ok(store.contact(home, &newcomer).await, "contact"),
            None,
            "a refused call creates no contact"
        );
        let defined = ok(store.attribute_definitions(home).await, "definitions");
        assert!(
            defined.iter().all(|definition| definition.name != "fresh"),
            "a refused call defines nothing"
        );
        assert_eq!(
            ok(store.contact(home, dee).await, "contact")
                .map(|contact| contact.attributes.get("plan").cloned()),
            Some(Some(text("enterprise"))),
            "a refused call changes no contact"
        );
        let restored = ok(
            store
                .update_survey(
                    home,
                    surveys.support.id,
                    SurveyChanges {
                        archived: Some(false),
                        ..SurveyChanges::default()
                    },
                )
                .await,
            "update_survey (restore)",
        );
        assert!(!restored.archived);
        // The key of the refused call was not recorded: it writes now.
        let outcomes = ok(store.ingest(home, vec![fine.clone()]).await, "ingest");
        let [IngestOutcome::Created(written)] = outcomes.as_slice() else {
            panic!("the key of a refused call is still free, got {outcomes:?}");
        };
        assert!(
            written.id > last.id,
            "ids keep growing after a refused call"
        );
        assert_written(written, &fine, fine.response.attributes.clone());
    }

    /// Responses read back one by one and by ids; another workspace's stay invisible.
    async fn reading_responses(&self, ingested: &Ingested) {
        let (store, home, away) = (self.store, self.home, self.away);
        for written in [
            &ingested.first,
            &ingested.eve,
            &ingested.earlier,
            &ingested.third,
            &ingested.by_email,
        ] {
            assert_eq!(
                ok(store.response(home, written.id).await, "response").as_ref(),
                Some(written),
                "a response reads back as ingest returned it"
            );
            assert_eq!(
                ok(store.response(away, written.id).await, "response"),
                None,
                "another workspace's response is not found"
            );
        }
        assert_eq!(
            ok(store.response(home, ResponseId(i64::MAX)).await, "response"),
            None
        );
        let ids = [
            ingested.third.id,
            ResponseId(i64::MAX),
            ingested.first.id,
            ingested.away.id,
            ingested.eve.id,
        ];
        assert_eq!(
            ok(store.responses_by_ids(home, &ids).await, "responses_by_ids"),
            vec![
                ingested.third.clone(),
                ingested.first.clone(),
                ingested.eve.clone()
            ],
            "in the order given, unknown and foreign ids skipped"
        );
        assert!(
            ok(store.responses_by_ids(home, &[]).await, "responses_by_ids").is_empty(),
            "no ids, no responses"
        );
        assert_eq!(
            ok(store.responses_by_ids(away, &ids).await, "responses_by_ids"),
            vec![ingested.away.clone()]
        );

        let dee_responses = ok(
            store.contact_responses(home, ingested.dee).await,
            "contact_responses",
        );
        assert_eq!(
            dee_responses,
            vec![
                ingested.earlier.clone(),
                ingested.first.clone(),
                ingested.third.clone(),
                ingested.by_email.clone()
            ],
            "a contact's responses, oldest first (by when they were given)"
        );
        assert_eq!(
            ok(
                store.contact_responses(home, ingested.eve_id).await,
                "contact_responses"
            ),
            vec![ingested.eve.clone()]
        );
        let foreign = store.contact_responses(away, ingested.dee).await;
        assert!(
            matches!(&foreign, Ok(none) if none.is_empty())
                || matches!(foreign, Err(StoreError::NotFound(_))),
            "another workspace's contact shows no responses, got {foreign:?}"
        );
    }

    /// Contacts upserted with merged attributes, found by id, listed in pages and filtered.
    async fn contacts(&self, ingested: &Ingested) {
        let (store, home, away) = (self.store, self.home, self.away);
        let fay = key(Some("fay"), Some("fay@example.com"));
        let fay_definitions = [
            definition("vip", AttributeKind::Boolean),
            definition("joined", AttributeKind::Date),
        ];
        let fay_attributes = attributes(&[
            ("plan", text("pro")),
            ("seats", AttributeValue::Number(3.0)),
            ("vip", AttributeValue::Boolean(true)),
            ("joined", date("2024-05-06")),
        ]);
        let fay_created = ok(
            store
                .upsert_contact(home, &fay, &fay_attributes, &fay_definitions)
                .await,
            "upsert_contact (new)",
        );
        assert_eq!(
            fay_created,
            Contact {
                id: fay_created.id,
                external_id: Some("fay".into()),
                email: Some("fay@example.com".into()),
                attributes: fay_attributes,
            }
        );
        let defined = ok(store.attribute_definitions(home).await, "definitions");
        for definition in &fay_definitions {
            assert!(defined.contains(definition), "{definition:?} recorded");
        }
        let fay_updated = ok(
            store
                .upsert_contact(
                    home,
                    &key(Some("fay"), None),
                    &attributes(&[
                        ("seats", AttributeValue::Number(5.0)),
                        ("trial", AttributeValue::Boolean(false)),
                    ]),
                    &[definition("trial", AttributeKind::Boolean)],
                )
                .await,
            "upsert_contact (existing)",
        );
        let fay_merged = attributes(&[
            ("plan", text("pro")),
            ("seats", AttributeValue::Number(5.0)),
            ("vip", AttributeValue::Boolean(true)),
            ("joined", date("2024-05-06")),
            ("trial", AttributeValue::Boolean(false)),
        ]);
        assert_eq!(
            fay_updated,
            Contact {
                attributes: fay_merged,
                ..fay_created.clone()
            },
            "given attributes replace those of the same name, others are kept"
        );
        assert_eq!(
            ok(
                store.contact_by_id(home, fay_created.id).await,
                "contact_by_id"
            ),
            Some(fay_updated.clone())
        );
        assert_eq!(
            ok(
                store.contact_by_id(away, fay_created.id).await,
                "contact_by_id"
            ),
            None,
            "another workspace's contact is not found by id"
        );
        assert_eq!(
            ok(
                store.contact_by_id(home, ContactId(i64::MAX)).await,
                "contact_by_id"
            ),
            None
        );
        let away_fay = ok(
            store
                .upsert_contact(away, &fay, &attributes(&[("plan", text("pro"))]), &[])
                .await,
            "upsert_contact (away)",
        );
        assert_ne!(
            away_fay.id, fay_created.id,
            "contacts belong to a workspace"
        );

        let gus = self
            .upsert(
                "gus",
                &[
                    ("plan", text("pro")),
                    ("seats", AttributeValue::Number(3.5)),
                    ("vip", AttributeValue::Boolean(false)),
                ],
            )
            .await;
        let hal = self
            .upsert(
                "hal",
                &[
                    ("plan", text("Pro")),
                    ("code", text("3")),
                    ("seats", AttributeValue::Number(30.0)),
                ],
            )
            .await;
        let ivy = self
            .upsert(
                "ivy",
                &[
                    ("plan", text("pro")),
                    ("seats", AttributeValue::Number(3.0)),
                ],
            )
            .await;
        let dee = ok(
            store.contact_by_id(home, ingested.dee).await,
            "contact_by_id",
        )
        .map(|contact| contact.id);
        assert_eq!(dee, Some(ingested.dee));

        let query = |filters: &[(&str, &str)], after: Option<ContactId>, limit: usize| {
            let query = ContactQuery {
                filters: filters
                    .iter()
                    .map(|(name, value)| ((*name).to_owned(), (*value).to_owned()))
                    .collect(),
                after,
                limit,
            };
            async move {
                let page = ok(store.contacts(home, &query).await, "contacts");
                assert!(page.len() <= query.limit, "a page holds at most `limit`");
                assert!(
                    page.windows(2).all(|pair| pair[0].id < pair[1].id),
                    "contacts come in id order"
                );
                if let Some(after) = query.after {
                    assert!(page.iter().all(|contact| contact.id > after));
                }
                page
            }
        };
        let ids = |contacts: Vec<Contact>| -> Vec<ContactId> {
            contacts.iter().map(|contact| contact.id).collect()
        };
        let mut everyone = vec![
            ingested.dee,
            ingested.eve_id,
            fay_created.id,
            gus.id,
            hal.id,
            ivy.id,
        ];
        let newcomer = ok(
            store.contact(home, &key(Some("newcomer"), None)).await,
            "contact",
        );
        assert!(newcomer.is_some(), "the key of a refused call wrote later");
        everyone.extend(newcomer.map(|contact| contact.id));
        everyone.sort();
        let all = query(&[], None, 1000).await;
        assert_eq!(ids(all.clone()), everyone, "every contact, in id order");
        assert_eq!(
            all.iter().find(|contact| contact.id == fay_created.id),
            Some(&fay_updated),
            "listed contacts carry their attributes"
        );
        let mut paged = Vec::new();
        let mut after = None;
        loop {
            let page = query(&[], after, 2).await;
            let Some(last) = page.last() else { break };
            after = Some(last.id);
            paged.extend(page);
        }
        assert_eq!(
            paged, all,
            "pages of two, by cursor, give every contact once"
        );
        assert_eq!(
            ids(query(&[], Some(everyone[1]), 3).await),
            everyone[2..5].to_vec(),
            "a page after a cursor"
        );

        let filtered = |filters: &'static [(&'static str, &'static str)],
                        expected: Vec<ContactId>,
                        why: &'static str| {
            let mut expected = expected;
            expected.sort();
            let page = query(filters, None, 1000);
            async move { assert_eq!(ids(page.await), expected, "{why}: {filters:?}") }
        };
        filtered(
            &[("plan", "pro")],
            vec![fay_created.id, gus.id, ivy.id],
            "text compares exactly",
        )
        .await;
        filtered(&[("plan", "Pro")], vec![hal.id], "text is case-sensitive").await;
        filtered(
            &[("plan", "enterprise")],
            vec![ingested.dee],
            "a contact's latest attributes are filtered, not a snapshot",
        )
        .await;
        filtered(
            &[("seats", "3")],
            vec![ingested.dee, ivy.id],
            "numbers compare as numbers",
        )
        .await;
        filtered(&[("seats", "3.0")], vec![ingested.dee, ivy.id], "3 == 3.0").await;
        filtered(&[("seats", "3.5")], vec![gus.id], "fractions").await;
        filtered(
            &[("code", "3")],
            vec![hal.id],
            "a text attribute holding digits",
        )
        .await;
        filtered(
            &[("code", "3.0")],
            Vec::new(),
            "text digits are not numbers",
        )
        .await;
        filtered(&[("vip", "true")], vec![fay_created.id], "booleans").await;
        filtered(&[("vip", "false")], vec![gus.id], "booleans").await;
        filtered(&[("trial", "false")], vec![fay_created.id], "booleans").await;
        filtered(&[("joined", "2024-05-06")], vec![fay_created.id], "dates").await;
        filtered(&[("signup", "2025-11-30")], vec![ingested.eve_id], "dates").await;
        filtered(
            &[("plan", "pro"), ("seats", "3")],
            vec![ivy.id],
            "filters are ANDed",
        )
        .await;
        filtered(
            &[("plan", "pro"), ("vip", "true"), ("seats", "5")],
            vec![fay_created.id],
            "three filters",
        )
        .await;
        filtered(&[("missing", "x")], Vec::new(), "an unknown attribute").await;
        filtered(
            &[("seats", "many")],
            Vec::new(),
            "a number attribute never equals text",
        )
        .await;
        assert_eq!(
            ids(query(&[("plan", "pro")], Some(fay_created.id), 1).await),
            vec![gus.id],
            "filters page by cursor too"
        );

        let away_all = ok(
            store
                .contacts(
                    away,
                    &ContactQuery {
                        filters: Vec::new(),
                        after: None,
                        limit: 1000,
                    },
                )
                .await,
            "contacts (away)",
        );
        assert!(
            away_all
                .iter()
                .all(|contact| !everyone.contains(&contact.id)),
            "another workspace lists none of this one's contacts"
        );
        assert!(away_all.iter().any(|contact| contact.id == away_fay.id));
    }

    /// A contact upserted by external id alone.
    async fn upsert(&self, name: &str, pairs: &[(&str, AttributeValue)]) -> Contact {
        let contact = ok(
            self.store
                .upsert_contact(
                    self.home,
                    &key(Some(name), None),
                    &attributes(pairs),
                    &[definition("code", AttributeKind::String)],
                )
                .await,
            "upsert_contact",
        );
        assert_eq!(contact.attributes, attributes(pairs));
        assert_eq!(contact.external_id.as_deref(), Some(name));
        contact
    }

    /// Replies remembered for idempotency keys, once, per workspace.
    async fn saved_replies(&self) {
        let (store, home, away) = (self.store, self.home, self.away);
        let created = SavedReply {
            fingerprint: "body-1".into(),
            status: 201,
            body: r#"{"id": 7, "name": "Checkout"}"#.into(),
        };
        let other = SavedReply {
            fingerprint: "body-2".into(),
            status: 422,
            body: r#"{"error": {"code": "invalid"}}"#.into(),
        };
        assert_eq!(
            ok(store.saved_reply(home, "r-1").await, "saved_reply"),
            None
        );
        assert!(
            ok(store.save_reply(home, "r-1", &created).await, "save_reply"),
            "the first reply for a key is saved"
        );
        assert_eq!(
            ok(store.saved_reply(home, "r-1").await, "saved_reply"),
            Some(created.clone())
        );
        assert!(
            !ok(store.save_reply(home, "r-1", &other).await, "save_reply"),
            "a second reply for a key is not saved"
        );
        assert_eq!(
            ok(store.saved_reply(home, "r-1").await, "saved_reply"),
            Some(created.clone()),
            "the first reply stays"
        );
        assert_eq!(
            ok(store.saved_reply(away, "r-1").await, "saved_reply"),
            None,
            "replies belong to a workspace"
        );
        assert!(ok(
            store.save_reply(away, "r-1", &other).await,
            "save_reply"
        ));
        assert_eq!(
            ok(store.saved_reply(away, "r-1").await, "saved_reply"),
            Some(other)
        );
        assert_eq!(
            ok(store.saved_reply(home, "r-1").await, "saved_reply"),
            Some(created)
        );
    }
}

/// A request to ingest through the `api` channel.
#[track_caller]
fn request(
    survey: SurveyId,
    contact: &ContactKey,
    attributes: Attributes,
    score: i64,
    created_at: &str,
    idempotency: Option<(&str, &str)>,
    definitions: Vec<AttributeDefinition>,
) -> IngestRequest {
    let mut response = answer(survey, contact, attributes, score, None, created_at);
    response.channel = "api".to_owned();
    response.comment = Some(format!("scored {score}"));
    IngestRequest {
        response,
        definitions,
        idempotency: idempotency.map(|(key, fingerprint)| IdempotencyKey {
            key: key.to_owned(),
            fingerprint: fingerprint.to_owned(),
        }),
    }
}

/// Asserts that a response written by ingest is the request's, with this attribute snapshot.
#[track_caller]
fn assert_written(stored: &StoredResponse, request: &IngestRequest, snapshot: Attributes) {
    let new = &request.response;
    assert_eq!(stored.survey, new.survey);
    assert_eq!(stored.score, new.score);
    assert_eq!(stored.comment, new.comment);
    assert_eq!(
        stored.created_at, new.created_at,
        "times keep their milliseconds"
    );
    assert_eq!(stored.channel, new.channel);
    assert_eq!(
        stored.attributes, snapshot,
        "the response keeps the contact's merged attributes as its snapshot"
    );
}
