//! A response's history goes with it: erased with its contact, carried to the answer that
//! replaces it.

use vouch_core::Score;
use vouch_store::{
    Actor, Answer, Attributes, Channel, NewInvitation, ReplyId, ResponseStatus, WorkflowChange,
    WorkflowFilter,
};

use super::{Tagging, assert_not_found, names, summary, time};
use crate::fixtures::{at, key, ok};

impl Tagging<'_> {
    /// Erasing the contact of `r[0]` and `r[5]` erases their tags, history and replies (`reply`
    /// is one); the others keep theirs.
    pub(super) async fn erasure_takes_history(&self, reply: ReplyId) {
        let (store, alpha, r) = (self.store, self.alpha, &self.r);
        assert_eq!(
            self.contacts[0], self.contacts[5],
            "one contact answered twice"
        );
        let kept = self.history(r[1]).await;
        let erased = store.delete_contact(alpha, self.contacts[0]).await;
        assert_eq!(ok(erased, "delete_contact"), 2);
        for gone in [r[0], r[5]] {
            assert_not_found(
                store.response_history(alpha, gone).await,
                "the history of an erased response",
            );
        }
        assert_eq!(
            self.history(r[1]).await,
            kept,
            "other responses keep theirs"
        );
        assert_eq!(
            ok(store.reply(reply).await, "reply"),
            None,
            "an erased response's replies go with it"
        );
        assert_eq!(self.tagged("urgent").await, vec![r[1], r[4]]);
        assert_eq!(
            ok(
                store
                    .workflow_response_ids(alpha, &WorkflowFilter::default())
                    .await,
                "workflow_response_ids"
            ),
            vec![r[1], r[2], r[3], r[4], r[6]],
            "nothing of the erased responses is left"
        );
        assert_eq!(
            self.tag_set().await,
            vec![
                summary("CRASH", 4, 1),
                summary("Quiet", 0, 0),
                summary("Urgent", 2, 0)
            ],
            "tags stay in the set, with fewer responses"
        );
    }

    /// A changed answer is a new response, which takes the old one's history as it was.
    pub(super) async fn changed_answer_keeps_history(&self, run: &str) {
        let (store, alpha) = (self.store, self.alpha);
        let person = ok(
            store
                .upsert_contact(
                    alpha,
                    &key(Some(&format!("mover-{run}")), None),
                    &Attributes::new(),
                    &[],
                )
                .await,
            "upsert_contact",
        );
        let invitation = ok(
            store
                .invite(
                    alpha,
                    &[NewInvitation {
                        survey: self.feedback.id,
                        contact: person.id,
                        campaign: None,
                        channel: Channel::Link,
                        expires_at: at("2030-01-01T00:00:00Z"),
                    }],
                )
                .await,
            "invite",
        )
        .remove(0);
        let answer = |score: i64, minutes: i64| Answer {
            invitation: invitation.id,
            score: Score::new(score).expect("a score"),
            comment: None,
            at: time(minutes),
        };
        let first = ok(store.record_answer(&answer(5, 40)).await, "record_answer").id;
        let change = WorkflowChange {
            status: Some(ResponseStatus::Closed),
            tags: Some(names(&["crash"])),
            ..WorkflowChange::default()
        };
        ok(
            store
                .change_workflow(alpha, first, &change, Actor::Member(self.tess.id), time(41))
                .await,
            "change_workflow",
        );
        let tagged = store
            .add_tag(alpha, "urgent", &[first], Actor::Operator, time(42))
            .await;
        assert_eq!(ok(tagged, "add_tag"), 1);
        let history = self.history(first).await;
        assert_eq!(history.len(), 3, "status, CRASH, Urgent: {history:?}");

        let second = ok(
            store.record_answer(&answer(9, 43)).await,
            "record_answer (changed)",
        )
        .id;
        assert!(second > first, "a changed answer is a new response");
        assert_eq!(
            self.history(second).await,
            history,
            "the history moved, as it was"
        );
        assert_not_found(
            store.response_history(alpha, first).await,
            "the history of the replaced response",
        );
        let moved = ok(store.workflows(alpha, &[second]).await, "workflows").remove(0);
        assert_eq!(
            (moved.status, moved.tags),
            (ResponseStatus::Closed, names(&["CRASH", "Urgent"]))
        );
    }
}
