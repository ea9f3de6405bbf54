//! The chapters of the story, each a few promises of the store in a row.

use jiff::{SignedDuration, Timestamp};
use vouch_core::{AttributeKind, AttributeValue, SurveyKind};
use vouch_store::{
    Attributes, Contact, ContactId, ContactKey, ImportSummary, NewResponse, NewSurvey, ResponseId,
    Store, StoreError, StoredResponse, Survey, WorkspaceId,
};

use crate::fixtures::{all_responses, answer, attributes, date, definition, key, ok, sorted, text};

/// The store and the workspace the story happens in.
pub(crate) struct Story<'s> {
    store: &'s dyn Store,
    run: String,
    workspace: WorkspaceId,
}

/// What the first import left behind, which later chapters build on.
pub(crate) struct Cast {
    onboarding: Survey,
    pulse: Survey,
    ann: ContactKey,
    bob: ContactKey,
    cat: ContactKey,
    ann_id: ContactId,
    bob_id: ContactId,
    cat_id: ContactId,
}

fn ann_attributes() -> Attributes {
    attributes(&[
        ("plan", text("pro")),
        ("seats", AttributeValue::Number(3.0)),
        ("signup", date("2024-05-06")),
    ])
}

fn ann_later_attributes() -> Attributes {
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
    async fn assert_counts(&self, expected: &[(&Survey, u64)]) {
        let listings = ok(self.store.surveys(self.workspace).await, "surveys");
        let listed: Vec<(&Survey, u64)> = listings
            .iter()
            .map(|listing| (&listing.survey, listing.responses))
            .collect();
        assert_eq!(listed, expected, "surveys, oldest first, with their counts");
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

    async fn assert_contact(&self, key: &ContactKey, expected: Option<Contact>) {
        let found = ok(self.store.contact(self.workspace, key).await, "contact");
        assert_eq!(found, expected, "the contact named by {key:?}");
    }

    /// A later import changes a contact's attributes and fills in its email; older responses
    /// keep the attributes they were given with.
    pub(crate) async fn later_import_updates_contacts(&self, cast: &Cast) {
        let (store, workspace) = (self.store, self.workspace);
        let ann_with_email = key(Some("ann"), Some("ann@example.com"));
        let later = answer(
            cast.onboarding.id,
            &ann_with_email,
            ann_later_attributes(),
            7,
            Some("Pricier now"),
            "2026-03-05T12:00:00Z",
        );
        let mut import = ok(store.begin_import(workspace).await, "begin_import");
        ok(import.write(std::slice::from_ref(&later)).await, "write");
        let summary = ok(import.commit().await, "commit");
        assert_eq!(
            summary,
            ImportSummary {
                responses: 1,
                contacts_created: 0
            }
        );

        let updated = Contact {
            id: cast.ann_id,
            external_id: Some("ann".into()),
            email: Some("ann@example.com".into()),
            attributes: ann_later_attributes(),
        };
        self.assert_contact(&cast.ann, Some(updated.clone())).await;
        self.assert_contact(&key(None, Some("ann@example.com")), Some(updated))
            .await;
        let stored = all_responses(store, workspace, None, 100).await;
        assert_eq!(stored.len(), 5);
        assert_ids_grow(&stored);
        for earlier in [&stored[0], &stored[3]] {
            assert_eq!(
                earlier.attributes,
                ann_attributes(),
                "an older response keeps its snapshot"
            );
        }
        assert_same_response(&stored[4], &later);
        assert_eq!(stored[4].contact, cast.ann_id);
    }

    /// An import dropped without commit leaves no trace.
    pub(crate) async fn dropped_import_writes_nothing(&self, cast: &Cast) {
        let (store, workspace) = (self.store, self.workspace);
        let before = all_responses(store, workspace, None, 100).await;
        let dan = key(Some("dan"), Some("dan@example.com"));
        let answers = [
            answer(
                cast.onboarding.id,
                &dan,
                attributes(&[("region", text("EU"))]),
                3,
                Some("Never mind"),
                "2026-03-06T08:00:00Z",
            ),
            answer(
                cast.pulse.id,
                &cast.ann,
                attributes(&[("plan", text("churned"))]),
                0,
                None,
                "2026-03-06T09:00:00Z",
            ),
        ];
        let mut import = ok(store.begin_import(workspace).await, "begin_import");
        ok(
            import
                .define_attributes(&[definition("region", AttributeKind::String)])
                .await,
            "define_attributes",
        );
        ok(import.write(&answers).await, "write");
        drop(import);

        assert_eq!(all_responses(store, workspace, None, 100).await, before);
        self.assert_contact(&dan, None).await;
        let ann = ok(store.contact(workspace, &cast.ann).await, "contact");
        assert_eq!(ann.map(|ann| ann.attributes), Some(ann_later_attributes()));
        let defined = ok(store.attribute_definitions(workspace).await, "definitions");
        assert!(defined.iter().all(|definition| definition.name != "region"));
        self.assert_counts(&[(&cast.onboarding, 3), (&cast.pulse, 2)])
            .await;
    }

    /// Paging in id order, the survey filter, and the end of the list.
    pub(crate) async fn paging_and_filters(&self, cast: &Cast) {
        let (store, workspace) = (self.store, self.workspace);
        let all = all_responses(store, workspace, None, 1000).await;
        assert_eq!(all.len(), 5);
        assert_ids_grow(&all);
        assert_eq!(
            all_responses(store, workspace, None, 2).await,
            all,
            "pages of 2"
        );
        assert_eq!(
            all_responses(store, workspace, None, 1).await,
            all,
            "pages of 1"
        );
        let middle = ok(
            store.responses_after(workspace, all[1].id, None, 2).await,
            "page",
        );
        assert_eq!(middle, all[2..4]);
        let pulse_only = all_responses(store, workspace, Some(cast.pulse.id), 1).await;
        let expected: Vec<StoredResponse> = all
            .iter()
            .filter(|response| response.survey == cast.pulse.id)
            .cloned()
            .collect();
        assert_eq!(pulse_only, expected, "the survey filter");
        assert_eq!(pulse_only.len(), 2);
        let last = all
            .last()
            .map_or(ResponseId::default(), |response| response.id);
        let after_last = ok(
            store.responses_after(workspace, last, None, 10).await,
            "page",
        );
        assert!(after_last.is_empty(), "nothing after the last response");
    }

    /// Erasing a contact: its responses go, deletions are logged in order, ids are not reused.
    pub(crate) async fn erasing_a_contact(&self, cast: &Cast) {
        let (store, workspace) = (self.store, self.workspace);
        let before = all_responses(store, workspace, None, 100).await;
        let ann_responses: Vec<ResponseId> = before
            .iter()
            .filter(|response| response.contact == cast.ann_id)
            .map(|response| response.id)
            .collect();
        assert_eq!(ann_responses.len(), 3);
        assert!(ok(store.deletions_after(workspace, 0).await, "deletions").is_empty());

        let erased = ok(
            store.delete_contact(workspace, cast.ann_id).await,
            "delete_contact",
        );
        assert_eq!(erased, 3, "delete_contact reports the responses erased");
        self.assert_contact(&cast.ann, None).await;
        self.assert_contact(&key(None, Some("ann@example.com")), None)
            .await;
        let after = all_responses(store, workspace, None, 100).await;
        let kept: Vec<StoredResponse> = before
            .into_iter()
            .filter(|response| response.contact != cast.ann_id)
            .collect();
        assert_eq!(after, kept, "the other responses stay as they were");

        let deletions = ok(store.deletions_after(workspace, 0).await, "deletions");
        let deleted: Vec<ResponseId> = deletions.iter().map(|deletion| deletion.response).collect();
        assert_eq!(
            deleted, ann_responses,
            "one deletion per response, in id order"
        );
        assert!(
            deletions
                .windows(2)
                .all(|pair| pair[0].sequence < pair[1].sequence)
        );
        let rest = ok(
            store
                .deletions_after(workspace, deletions[0].sequence)
                .await,
            "deletions",
        );
        assert_eq!(rest, deletions[1..]);
        let none = ok(
            store
                .deletions_after(workspace, deletions[2].sequence)
                .await,
            "deletions",
        );
        assert!(none.is_empty());
        let again = store.delete_contact(workspace, cast.ann_id).await;
        assert!(
            matches!(again, Err(StoreError::NotFound(_))),
            "erasing a missing contact is NotFound, got {again:?}"
        );
        self.assert_counts(&[(&cast.onboarding, 1), (&cast.pulse, 1)])
            .await;

        // Ann's last answer had the largest id; a new answer must still get a larger one.
        let largest = ann_responses.iter().max().copied().unwrap_or_default();
        let answers = [answer(
            cast.onboarding.id,
            &cast.bob,
            attributes(&[("plan", text("free"))]),
            9,
            None,
            "2026-03-07T08:00:00Z",
        )];
        let mut import = ok(store.begin_import(workspace).await, "begin_import");
        ok(import.write(&answers).await, "write");
        ok(import.commit().await, "commit");
        let newest = all_responses(store, workspace, None, 100).await;
        let new_id = newest
            .last()
            .map(|response| (response.id, response.contact));
        assert!(
            new_id.is_some_and(|(id, _)| id > largest),
            "an erased id is never reused"
        );
        assert_eq!(new_id.map(|(_, contact)| contact), Some(cast.bob_id));
    }

    /// Nothing of one workspace is seen or touched through another.
    pub(crate) async fn workspaces_are_isolated(&self, cast: &Cast) {
        let (store, workspace) = (self.store, self.workspace);
        let other = ok(
            store.workspace(&format!("story-{}-other", self.run)).await,
            "workspace",
        )
        .id;
        assert_ne!(other, workspace);
        let mine = all_responses(store, workspace, None, 100).await;
        assert!(ok(store.surveys(other).await, "surveys").is_empty());
        assert_eq!(
            ok(store.survey_by_name(other, "Onboarding").await, "by name"),
            None
        );
        assert_eq!(
            ok(store.survey(other, cast.onboarding.id).await, "by id"),
            None
        );
        assert!(all_responses(store, other, None, 100).await.is_empty());
        assert!(
            all_responses(store, other, Some(cast.onboarding.id), 100)
                .await
                .is_empty()
        );
        assert_eq!(ok(store.contact(other, &cast.cat).await, "contact"), None);
        assert!(ok(store.attribute_definitions(other).await, "definitions").is_empty());
        assert!(ok(store.deletions_after(other, 0).await, "deletions").is_empty());
        let foreign = store.delete_contact(other, cast.cat_id).await;
        assert!(
            matches!(foreign, Err(StoreError::NotFound(_))),
            "another workspace's contact is NotFound, got {foreign:?}"
        );
        assert!(ok(store.contact(workspace, &cast.cat).await, "contact").is_some());

        let their_onboarding = ok(
            store
                .create_survey(other, new_survey("Onboarding", SurveyKind::Nps))
                .await,
            "a name taken in another workspace is free here",
        );
        assert_ne!(their_onboarding.id, cast.onboarding.id);
        let answers = [answer(
            their_onboarding.id,
            &cast.cat,
            attributes(&[]),
            5,
            None,
            "2026-03-08T08:00:00Z",
        )];
        let mut import = ok(store.begin_import(other).await, "begin_import");
        ok(import.write(&answers).await, "write");
        let summary = ok(import.commit().await, "commit");
        assert_eq!(
            summary,
            ImportSummary {
                responses: 1,
                contacts_created: 1
            }
        );
        let theirs = all_responses(store, other, None, 100).await;
        assert_eq!(theirs.len(), 1);
        assert_ne!(theirs[0].contact, cast.cat_id, "contacts are per workspace");

        let trespass = [answer(
            cast.onboarding.id,
            &cast.cat,
            attributes(&[]),
            1,
            None,
            "2026-03-08T09:00:00Z",
        )];
        let mut import = ok(store.begin_import(other).await, "begin_import");
        let outcome = match import.write(&trespass).await {
            Err(error) => Err(error),
            Ok(()) => import.commit().await.map(|_| ()),
        };
        assert!(
            outcome.is_err(),
            "an import naming another workspace's survey fails"
        );
        assert_eq!(all_responses(store, other, None, 100).await, theirs);
        assert_eq!(all_responses(store, workspace, None, 100).await, mine);
    }
}

fn new_survey(name: &str, kind: SurveyKind) -> NewSurvey {
    NewSurvey {
        name: name.to_owned(),
        kind,
        question: format!("How likely are you to recommend {name}?"),
        follow_up: "What is the main reason for your score?".to_owned(),
    }
}

#[track_caller]
fn assert_same_response(stored: &StoredResponse, new: &NewResponse) {
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
fn assert_ids_grow(responses: &[StoredResponse]) {
    assert!(
        responses.windows(2).all(|pair| pair[0].id < pair[1].id),
        "responses come in growing id order"
    );
}
