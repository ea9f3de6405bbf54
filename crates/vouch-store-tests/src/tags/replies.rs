//! Replies to respondents: written with their history entry and their `send_reply` job in one
//! transaction, read back by id and in the history, their email's state recorded.

use vouch_store::{
    Actor, HistoryChange, JobPayload, JobQuery, NewReply, Reply, ReplyId, ReplyJob, ReplyStatus,
    ResponseId, SEND_REPLY_ATTEMPTS,
};

use super::{Tagging, assert_not_found, time};
use crate::fixtures::ok;

impl Tagging<'_> {
    /// The `send_reply` jobs of a workspace of the chapter, newest first.
    async fn reply_jobs(&self, workspace: vouch_store::WorkspaceId) -> Vec<vouch_store::Job> {
        let query = JobQuery {
            workspace: Some(workspace),
            kind: Some("send_reply".to_owned()),
            limit: 100,
            ..JobQuery::default()
        };
        ok(self.store.jobs(&query).await, "jobs")
    }

    /// Tess replies to the author of `r[1]`, then a key to `r[0]`'s (which the erasure
    /// takes away): returns that second reply.
    pub(super) async fn replying(&self) -> ReplyId {
        let (store, alpha, r) = (self.store, self.alpha, &self.r);
        let before = self.history(r[1]).await;
        let new = NewReply {
            message: "Thank you, we fixed it.".to_owned(),
            reply_to: Some("tess@example.com".to_owned()),
            actor: Actor::Member(self.tess.id),
        };
        let reply = ok(
            store.create_reply(alpha, r[1], &new, time(30)).await,
            "create_reply",
        );
        let expected = Reply {
            id: reply.id,
            workspace: alpha,
            response: r[1],
            message: new.message.clone(),
            reply_to: new.reply_to.clone(),
            actor: new.actor,
            status: ReplyStatus::Sending,
            created_at: time(30),
            updated_at: time(30),
        };
        assert_eq!(reply, expected, "the reply as written");
        let jobs = self.reply_jobs(alpha).await;
        assert_eq!(jobs.len(), 1, "one job per reply: {jobs:?}");
        assert_eq!(
            (
                jobs[0].parse_payload(),
                jobs[0].max_attempts,
                jobs[0].run_at
            ),
            (
                Ok(JobPayload::SendReply(ReplyJob { reply: reply.id.0 })),
                SEND_REPLY_ATTEMPTS,
                time(30)
            ),
            "queued with the reply, due at once"
        );
        let mut history = before.clone();
        history.push(self.by_tess(30, HistoryChange::Reply(Box::new(expected.clone()))));
        assert_eq!(self.history(r[1]).await, history, "the history shows it");
        assert_eq!(ok(store.reply(reply.id).await, "reply"), Some(expected));

        let failed = ReplyStatus::Failed("421 try again later".to_owned());
        ok(
            store.record_reply_status(reply.id, &failed, time(31)).await,
            "record_reply_status",
        );
        let read = ok(store.reply(reply.id).await, "reply").expect("the reply");
        assert_eq!((read.status, read.updated_at), (failed, time(31)));
        ok(
            store
                .record_reply_status(reply.id, &ReplyStatus::Sent, time(32))
                .await,
            "record_reply_status",
        );
        let last = self.history(r[1]).await.pop().expect("an entry");
        let HistoryChange::Reply(shown) = last.change else {
            panic!("the last entry is the reply: {last:?}");
        };
        assert_eq!(
            shown.status,
            ReplyStatus::Sent,
            "a later success replaces a failure"
        );

        assert_not_found(
            store.create_reply(self.beta, r[1], &new, time(33)).await,
            "a reply through another workspace",
        );
        assert_not_found(
            store
                .create_reply(alpha, ResponseId(i64::MAX), &new, time(33))
                .await,
            "a reply to no response",
        );
        assert!(
            self.reply_jobs(self.beta).await.is_empty(),
            "nothing queued"
        );
        assert_eq!(self.reply_jobs(alpha).await.len(), 1, "nothing queued");
        assert_eq!(
            self.history(r[1]).await.len(),
            history.len(),
            "nothing written"
        );
        assert_not_found(
            store
                .record_reply_status(ReplyId(i64::MAX), &ReplyStatus::Sent, time(33))
                .await,
            "the status of no reply",
        );
        assert_eq!(ok(store.reply(ReplyId(i64::MAX)).await, "reply"), None);

        let by_key = NewReply {
            message: "Sorry about that.".to_owned(),
            reply_to: None,
            actor: Actor::ApiKey(7),
        };
        let doomed = ok(
            store.create_reply(alpha, r[0], &by_key, time(34)).await,
            "create_reply",
        );
        assert_eq!((doomed.actor, doomed.reply_to), (Actor::ApiKey(7), None));
        doomed.id
    }
}
