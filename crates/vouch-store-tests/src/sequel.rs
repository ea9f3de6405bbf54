//! The later chapters of the story: changes, a dropped import, paging, erasure, isolation.

use vouch_core::{AttributeKind, SurveyKind};
use vouch_store::{Contact, ImportSummary, ResponseId, StoreError, StoredResponse};

use crate::fixtures::{all_responses, answer, attributes, definition, key, ok, text};
use crate::opening::{
    Cast, Story, ann_attributes, ann_later_attributes, assert_ids_grow, assert_same_response,
    new_survey,
};

impl Story<'_> {
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
