//! The opening chapters of the story: the workspace, its surveys and a first import.

use jiff::{SignedDuration, Timestamp};
use vouch_core::{AttributeKind, AttributeValue, SurveyKind};
use vouch_store::{
    Attributes, Contact, ContactId, ContactKey, ImportSummary, NewResponse, NewSurvey, Store,
    StoreError, StoredResponse, Survey, WorkspaceId,
};

use crate::fixtures::{all_responses, answer, attributes, date, definition, key, ok, sorted, text};

/// The store and the workspace the story happens in.
pub(crate) struct Story<'s> {
    pub(crate) store: &'s dyn Store,
    pub(crate) run: String,
    pub(crate) workspace: WorkspaceId,
}

/// What the first import left behind, which later chapters build on.
pub(crate) struct Cast {
    pub(crate) onboarding: Survey,
    pub(crate) pulse: Survey,
    pub(crate) ann: ContactKey,
    pub(crate) bob: ContactKey,
    pub(crate) cat: ContactKey,
    pub(crate) ann_id: ContactId,
    pub(crate) bob_id: ContactId,
    pub(crate) cat_id: ContactId,
}

pub(crate) fn ann_attributes() -> Attributes {
    attributes(&[
        ("plan", text("pro")),
        ("seats", AttributeValue::Number(3.0)),
        ("signup", date("2024-05-06")),
    ])
}

pub(crate) fn ann_later_attributes() -> Attributes {
    attributes(&[
        ("plan", text("enterprise")),
        ("seats", AttributeValue::Number(5.0)),
        ("signup", date("2024-05-06")),
    ])
}

impl<'s> Story<'s> {
    /// The workspace: created on first use with UTC, the same one after, its time zone set.
    pub(crate) async fn begin(store: &'s dyn Store, run: &str) -> Story<'s> {
        ok(store.ping().await, "ping");
        assert!(!store.backend_name().is_empty(), "a backend has a name");
        let slug = format!("story-{run}");
        let created = ok(store.workspace(&slug).await, "workspace (first use)");
        assert_eq!(created.slug, slug);
        assert_eq!(created.time_zone, "UTC", "a new workspace reports in UTC");
        let again = ok(store.workspace(&slug).await, "workspace (again)");
        assert_eq!(again, created, "asking again gives the same workspace");
        let default = ok(store.workspace("default").await, "default workspace");
        let default_again = ok(store.workspace("default").await, "default workspace");
        assert_eq!(
            default.id, default_again.id,
            "the default workspace is made once"
        );
        assert_ne!(default.id, created.id);

        ok(
            store
                .set_workspace_time_zone(created.id, "Europe/Paris")
                .await,
            "set_workspace_time_zone",
        );
        let zoned = ok(store.workspace(&slug).await, "workspace (zoned)");
        assert_eq!(zoned.time_zone, "Europe/Paris");
        assert_eq!(zoned.id, created.id);
        let unknown = store
            .set_workspace_time_zone(WorkspaceId(i64::MAX), "UTC")
            .await;
        assert!(
            matches!(unknown, Err(StoreError::NotFound(_))),
            "setting the time zone of a missing workspace is NotFound, got {unknown:?}"
        );
        Story {
            store,
            run: run.to_owned(),
            workspace: created.id,
        }
    }

    /// Surveys: create, a taken name, by name, by id, the listing.
    pub(crate) async fn surveys(&self) -> (Survey, Survey) {
        let (store, workspace) = (self.store, self.workspace);
        assert!(ok(store.surveys(workspace).await, "surveys").is_empty());
        assert!(ok(store.survey_list(workspace).await, "survey_list").is_empty());
        let started = Timestamp::now() - SignedDuration::from_secs(60);
        let new = new_survey("Onboarding", SurveyKind::Nps);
        let onboarding = ok(
            store.create_survey(workspace, new.clone()).await,
            "create_survey",
        );
        assert_eq!(
            (&onboarding.name, onboarding.kind, &onboarding.question),
            (&new.name, new.kind, &new.question)
        );
        assert_eq!(onboarding.follow_up, new.follow_up);
        assert!(!onboarding.archived, "a new survey is not archived");
        let finished = Timestamp::now() + SignedDuration::from_secs(60);
        assert!(started < onboarding.created_at && onboarding.created_at < finished);
        let pulse = ok(
            store
                .create_survey(workspace, new_survey("Pulse", SurveyKind::Enps))
                .await,
            "create_survey (eNPS)",
        );
        assert_eq!(pulse.kind, SurveyKind::Enps);
        assert_ne!(pulse.id, onboarding.id);

        let taken = store
            .create_survey(workspace, new_survey("Onboarding", SurveyKind::Enps))
            .await;
        assert!(
            matches!(taken, Err(StoreError::Conflict(_))),
            "a taken survey name is a Conflict, got {taken:?}"
        );
        let by_name = ok(
            store.survey_by_name(workspace, "Onboarding").await,
            "by name",
        );
        assert_eq!(by_name.as_ref(), Some(&onboarding));
        let missing = ok(store.survey_by_name(workspace, "Missing").await, "by name");
        assert_eq!(missing, None);
        let by_id = ok(store.survey(workspace, pulse.id).await, "survey by id");
        assert_eq!(by_id.as_ref(), Some(&pulse));
        self.assert_counts(&[(&onboarding, 0), (&pulse, 0)]).await;
        (onboarding, pulse)
    }

    /// Asserts the survey listing, oldest first, with these response counts.
    pub(crate) async fn assert_counts(&self, expected: &[(&Survey, u64)]) {
        let listings = ok(self.store.surveys(self.workspace).await, "surveys");
        let listed: Vec<(&Survey, u64)> = listings
            .iter()
            .map(|listing| (&listing.survey, listing.responses))
            .collect();
        assert_eq!(listed, expected, "surveys, oldest first, with their counts");
        let plain = ok(self.store.survey_list(self.workspace).await, "survey_list");
        let surveys: Vec<&Survey> = listings.iter().map(|listing| &listing.survey).collect();
        assert_eq!(
            plain.iter().collect::<Vec<_>>(),
            surveys,
            "survey_list: the surveys of the listing, in its order"
        );
    }

    /// Imports four responses from three contacts and reads them back.
    pub(crate) async fn first_import(&self, (onboarding, pulse): (Survey, Survey)) -> Cast {
        let (store, workspace) = (self.store, self.workspace);
        let ann = key(Some("ann"), None);
        let bob = key(None, Some("bob@example.com"));
        let cat = key(Some("cat"), Some("cat@example.com"));
        let definitions = vec![
            definition("plan", AttributeKind::String),
            definition("seats", AttributeKind::Number),
            definition("signup", AttributeKind::Date),
        ];
        let before = ok(store.attribute_definitions(workspace).await, "definitions");
        assert!(before.is_empty(), "a new workspace has no attributes");
        let bob_attributes = attributes(&[("plan", text("free"))]);
        let cat_attributes = attributes(&[
            ("plan", text("team")),
            ("seats", AttributeValue::Number(12.0)),
        ]);
        let answers = [
            answer(
                onboarding.id,
                &ann,
                ann_attributes(),
                10,
                Some("Setup took five minutes"),
                "2026-03-02T09:00:00Z",
            ),
            answer(
                onboarding.id,
                &bob,
                bob_attributes.clone(),
                6,
                None,
                "2026-03-02T10:30:00.250Z",
            ),
            answer(
                pulse.id,
                &cat,
                cat_attributes.clone(),
                8,
                Some("Good, but too many meetings"),
                "2026-03-03T08:00:00Z",
            ),
            answer(
                pulse.id,
                &ann,
                ann_attributes(),
                9,
                None,
                "2026-03-04T08:00:00Z",
            ),
        ];
        let mut import = ok(store.begin_import(workspace).await, "begin_import");
        ok(
            import.define_attributes(&definitions).await,
            "define_attributes",
        );
        ok(import.write(&answers[..2]).await, "write");
        ok(import.write(&answers[2..]).await, "write");
        let summary = ok(import.commit().await, "commit");
        assert_eq!(
            summary,
            ImportSummary {
                responses: 4,
                contacts_created: 3
            }
        );
        let defined = ok(store.attribute_definitions(workspace).await, "definitions");
        assert_eq!(sorted(defined), sorted(definitions));

        let stored = all_responses(store, workspace, None, 100).await;
        assert_eq!(stored.len(), answers.len());
        for (stored, new) in stored.iter().zip(&answers) {
            assert_same_response(stored, new);
        }
        assert_ids_grow(&stored);
        let (ann_id, bob_id, cat_id) = (stored[0].contact, stored[1].contact, stored[2].contact);
        assert_eq!(
            stored[3].contact, ann_id,
            "the same key names the same contact"
        );
        assert!(ann_id != bob_id && bob_id != cat_id && ann_id != cat_id);

        self.assert_contact(
            &ann,
            Some(Contact {
                id: ann_id,
                external_id: Some("ann".into()),
                email: None,
                attributes: ann_attributes(),
            }),
        )
        .await;
        self.assert_contact(
            &bob,
            Some(Contact {
                id: bob_id,
                external_id: None,
                email: Some("bob@example.com".into()),
                attributes: bob_attributes,
            }),
        )
        .await;
        let cat_contact = Contact {
            id: cat_id,
            external_id: Some("cat".into()),
            email: Some("cat@example.com".into()),
            attributes: cat_attributes,
        };
        self.assert_contact(&cat, Some(cat_contact.clone())).await;
        self.assert_contact(&key(Some("cat"), None), Some(cat_contact.clone()))
            .await;
        self.assert_contact(&key(None, Some("cat@example.com")), Some(cat_contact))
            .await;
        self.assert_contact(&key(Some("nobody"), None), None).await;
        self.assert_counts(&[(&onboarding, 2), (&pulse, 2)]).await;
        Cast {
            onboarding,
            pulse,
            ann,
            bob,
            cat,
            ann_id,
            bob_id,
            cat_id,
        }
    }

    pub(crate) async fn assert_contact(&self, key: &ContactKey, expected: Option<Contact>) {
        let found = ok(self.store.contact(self.workspace, key).await, "contact");
        assert_eq!(found, expected, "the contact named by {key:?}");
    }
}

pub(crate) fn new_survey(name: &str, kind: SurveyKind) -> NewSurvey {
    NewSurvey {
        slug: None,
        settings: Default::default(),
        name: name.to_owned(),
        kind,
        question: format!("How likely are you to recommend {name}?"),
        follow_up: "What is the main reason for your score?".to_owned(),
    }
}

#[track_caller]
pub(crate) fn assert_same_response(stored: &StoredResponse, new: &NewResponse) {
    assert_eq!(stored.survey, new.survey);
    assert_eq!(stored.score, new.score);
    assert_eq!(stored.comment, new.comment);
    assert_eq!(
        stored.created_at, new.created_at,
        "times keep their milliseconds"
    );
    assert_eq!(stored.channel, new.channel);
    assert_eq!(
        stored.attributes, new.attributes,
        "attributes come back typed"
    );
}

#[track_caller]
pub(crate) fn assert_ids_grow(responses: &[StoredResponse]) {
    assert!(
        responses.windows(2).all(|pair| pair[0].id < pair[1].id),
        "responses come in growing id order"
    );
}
