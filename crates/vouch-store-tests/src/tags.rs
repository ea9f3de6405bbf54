//! The chapter of tags, keyword rules, the history of responses and themes.
//!
//! Two workspaces, alpha (where things happen) and beta (which sees none of it). Alpha has
//! seven imported responses `r[0]`–`r[6]` (the first contact answered `r[0]` and `r[5]`) and
//! beta one, imported after them, so that alpha's latest response is not the server's. Tags
//! are ASCII and compared byte for byte: "Bug" sorts before "billing".

mod bulk;
mod moves;
mod replies;
mod themes;

use jiff::{SignedDuration, Timestamp};
use vouch_core::SurveyKind;
use vouch_store::{
    Actor, Attributes, ContactId, HistoryChange, HistoryEntry, NewUser, ResponseId, ResponseStatus,
    ResponseWorkflow, Store, StoreError, StoreResult, Survey, TagSummary, User, WorkflowChange,
    WorkflowFilter, WorkspaceId,
};

use crate::fixtures::{all_responses, answer, at, key, ok};
use crate::opening::new_survey;

/// Runs the chapter.
pub(crate) async fn chapter(store: &dyn Store, run: &str) {
    let tagging = Tagging::begin(store, run).await;
    tagging.the_tag_set().await;
    tagging.follow_up_keeps_spellings().await;
    let rules = tagging.rules_are_saved().await;
    tagging.renaming(&rules).await;
    tagging.merging(&rules).await;
    tagging.deleting().await;
    tagging.tagging_in_bulk().await;
    tagging.applying_rules(&rules).await;
    tagging.rule_tags_without_a_workflow().await;
    tagging.history_of_other_workspaces().await;
    let reply = tagging.replying().await;
    tagging.erasure_takes_history(reply).await;
    tagging.changed_answer_keeps_history(run).await;
    tagging.themes().await;
}

/// Where the chapter happens.
pub(crate) struct Tagging<'s> {
    pub(crate) store: &'s dyn Store,
    pub(crate) alpha: WorkspaceId,
    pub(crate) beta: WorkspaceId,
    /// Alpha's survey every response answered.
    pub(crate) feedback: Survey,
    /// A second survey of alpha's, without responses.
    pub(crate) other: Survey,
    /// Beta's survey.
    pub(crate) away_survey: Survey,
    /// Alpha's responses, in id order.
    pub(crate) r: Vec<ResponseId>,
    /// The contact of each of `r`.
    pub(crate) contacts: Vec<ContactId>,
    /// Beta's response.
    pub(crate) away: ResponseId,
    /// A member, who makes some of the changes.
    pub(crate) tess: User,
}

/// A fixed time of the chapter, `minutes` after 2026-04-01 09:00 UTC.
pub(crate) fn time(minutes: i64) -> Timestamp {
    at("2026-04-01T09:00:00Z") + SignedDuration::from_mins(minutes)
}

/// Asserts that a call failed with `NotFound`.
#[track_caller]
pub(crate) fn assert_not_found<T: std::fmt::Debug>(result: StoreResult<T>, what: &str) {
    assert!(
        matches!(result, Err(StoreError::NotFound(_))),
        "{what}: expected NotFound, got {result:?}"
    );
}

/// Asserts that a call failed with `Conflict`.
#[track_caller]
pub(crate) fn assert_conflict<T: std::fmt::Debug>(result: StoreResult<T>, what: &str) {
    assert!(
        matches!(result, Err(StoreError::Conflict(_))),
        "{what}: expected Conflict, got {result:?}"
    );
}

/// A tag of the set with its counts.
pub(crate) fn summary(name: &str, responses: u64, rules: u64) -> TagSummary {
    TagSummary {
        name: name.to_owned(),
        responses,
        rules,
    }
}

/// An entry of a history made by someone who is not a member.
pub(crate) fn entry(minutes: i64, actor: Actor, change: HistoryChange) -> HistoryEntry {
    HistoryEntry {
        at: time(minutes),
        actor,
        actor_name: None,
        change,
    }
}

/// Owned tag names.
pub(crate) fn names(tags: &[&str]) -> Vec<String> {
    tags.iter().map(|tag| (*tag).to_owned()).collect()
}

/// A change of tags only.
pub(crate) fn retag(tags: &[&str]) -> WorkflowChange {
    WorkflowChange {
        tags: Some(names(tags)),
        ..WorkflowChange::default()
    }
}

impl<'s> Tagging<'s> {
    /// The workspaces, surveys, responses and the member.
    async fn begin(store: &'s dyn Store, run: &str) -> Tagging<'s> {
        let alpha = ok(
            store.workspace(&format!("tags-{run}-alpha")).await,
            "workspace",
        )
        .id;
        let beta = ok(
            store.workspace(&format!("tags-{run}-beta")).await,
            "workspace",
        )
        .id;
        let create = |workspace, name: &'static str| async move {
            ok(
                store
                    .create_survey(workspace, new_survey(name, SurveyKind::Nps))
                    .await,
                "create_survey",
            )
        };
        let feedback = create(alpha, "Feedback").await;
        let other = create(alpha, "Other").await;
        let away_survey = create(beta, "Feedback").await;
        let people = ["c1", "c2", "c3", "c4", "c5", "c1", "c6"];
        let batch: Vec<_> = people
            .iter()
            .enumerate()
            .map(|(index, person)| {
                let comment = format!("comment {index}");
                answer(
                    feedback.id,
                    &key(Some(person), None),
                    Attributes::new(),
                    7,
                    Some(&comment),
                    "2026-03-15T10:00:00Z",
                )
            })
            .collect();
        import(store, alpha, &batch).await;
        let stored = all_responses(store, alpha, None, 100).await;
        assert_eq!(stored.len(), people.len());
        let away_batch = [answer(
            away_survey.id,
            &key(Some("c1"), None),
            Attributes::new(),
            3,
            None,
            "2026-03-15T10:00:00Z",
        )];
        import(store, beta, &away_batch).await;
        let away = all_responses(store, beta, None, 100).await[0].id;
        let tess = ok(
            store
                .create_user(NewUser {
                    email: format!("tess-{run}@example.com"),
                    name: "Tess Tagger".to_owned(),
                    password_hash: "$argon2id$not-a-real-hash".to_owned(),
                })
                .await,
            "create_user",
        );
        Tagging {
            store,
            alpha,
            beta,
            feedback,
            other,
            away_survey,
            r: stored.iter().map(|response| response.id).collect(),
            contacts: stored.iter().map(|response| response.contact).collect(),
            away,
            tess,
        }
    }

    /// An entry of a history made by Tess.
    pub(crate) fn by_tess(&self, minutes: i64, change: HistoryChange) -> HistoryEntry {
        HistoryEntry {
            at: time(minutes),
            actor: Actor::Member(self.tess.id),
            actor_name: Some(self.tess.name.clone()),
            change,
        }
    }

    /// The history of one of alpha's responses.
    pub(crate) async fn history(&self, response: ResponseId) -> Vec<HistoryEntry> {
        ok(
            self.store.response_history(self.alpha, response).await,
            "response_history",
        )
    }

    /// The tags of alpha's responses, in the order given.
    pub(crate) async fn tags_of(&self, responses: &[ResponseId]) -> Vec<Vec<String>> {
        ok(
            self.store.workflows(self.alpha, responses).await,
            "workflows",
        )
        .into_iter()
        .map(|workflow| workflow.tags)
        .collect()
    }

    /// Alpha's responses with a tag (named in any case).
    pub(crate) async fn tagged(&self, tag: &str) -> Vec<ResponseId> {
        let filter = WorkflowFilter {
            tag: Some(tag.to_owned()),
            ..WorkflowFilter::default()
        };
        ok(
            self.store.workflow_response_ids(self.alpha, &filter).await,
            "workflow_response_ids",
        )
    }

    /// Alpha's tag set.
    pub(crate) async fn tag_set(&self) -> Vec<TagSummary> {
        ok(self.store.tags(self.alpha).await, "tags")
    }

    /// Creating tags: unique ignoring case, per workspace.
    async fn the_tag_set(&self) {
        let (store, alpha, beta) = (self.store, self.alpha, self.beta);
        assert_eq!(self.tag_set().await, vec![], "a new workspace has no tags");
        ok(store.create_tag(alpha, "Bug").await, "create_tag");
        for taken in ["bug", "BUG", "Bug"] {
            assert_conflict(store.create_tag(alpha, taken).await, taken);
        }
        ok(
            store.create_tag(beta, "bug").await,
            "create_tag in another workspace",
        );
        assert_eq!(self.tag_set().await, vec![summary("Bug", 0, 0)]);
        assert_eq!(
            ok(store.tags(beta).await, "tags"),
            vec![summary("bug", 0, 0)]
        );
        assert_eq!(
            ok(store.workflow_tags(alpha).await, "workflow_tags"),
            vec![]
        );
    }

    /// `change_workflow` keeps the workspace's spelling of a tag and records what changed, by
    /// whom.
    async fn follow_up_keeps_spellings(&self) {
        let (store, alpha, r) = (self.store, self.alpha, &self.r);
        let changed = ok(
            store
                .change_workflow(
                    alpha,
                    r[0],
                    &WorkflowChange {
                        status: Some(ResponseStatus::InProgress),
                        assignee: Some(Some(self.tess.id)),
                        tags: Some(names(&["bug", "billing"])),
                    },
                    Actor::Member(self.tess.id),
                    time(1),
                )
                .await,
            "change_workflow",
        );
        assert_eq!(
            changed,
            ResponseWorkflow {
                response: r[0],
                status: ResponseStatus::InProgress,
                assignee: Some(self.tess.id),
                tags: names(&["Bug", "billing"]),
                updated_at: Some(time(1)),
            },
            "\"bug\" is the workspace's \"Bug\"; tags sorted byte for byte"
        );
        assert_eq!(
            self.history(r[0]).await,
            vec![
                self.by_tess(1, HistoryChange::Status("in_progress".to_owned())),
                self.by_tess(1, HistoryChange::Assignee(Some(self.tess.id))),
                self.by_tess(1, HistoryChange::TagAdded("Bug".to_owned())),
                self.by_tess(1, HistoryChange::TagAdded("billing".to_owned())),
            ]
        );
        let changes = [
            (r[1], &["BUG"][..], &["Bug"][..]),
            (r[2], &["defect"], &["defect"]),
            (r[3], &["Bug", "Defect"], &["Bug", "defect"]),
        ];
        for (response, given, kept) in changes {
            let changed = ok(
                store
                    .change_workflow(alpha, response, &retag(given), Actor::Operator, time(2))
                    .await,
                "change_workflow",
            );
            assert_eq!(changed.tags, names(kept), "{given:?}");
        }
        assert_eq!(
            self.history(r[1]).await,
            vec![entry(
                2,
                Actor::Operator,
                HistoryChange::TagAdded("Bug".to_owned())
            )]
        );
        // The same tags again, in another case: nothing changes, nothing is recorded.
        ok(
            store
                .change_workflow(alpha, r[1], &retag(&["bUG"]), Actor::Operator, time(3))
                .await,
            "change_workflow",
        );
        assert_eq!(self.history(r[1]).await.len(), 1);
        // Closing and reopening is recorded; a tag taken off too.
        for (minutes, status) in [(3, ResponseStatus::Closed), (4, ResponseStatus::Open)] {
            let change = WorkflowChange {
                status: Some(status),
                ..WorkflowChange::default()
            };
            ok(
                store
                    .change_workflow(alpha, r[2], &change, Actor::ApiKey(9), time(minutes))
                    .await,
                "change_workflow",
            );
        }
        ok(
            store
                .change_workflow(alpha, r[6], &retag(&["defect"]), Actor::Operator, time(4))
                .await,
            "change_workflow",
        );
        ok(
            store
                .change_workflow(alpha, r[6], &retag(&[]), Actor::Operator, time(5))
                .await,
            "change_workflow",
        );
        assert_eq!(
            self.history(r[2]).await,
            vec![
                entry(
                    2,
                    Actor::Operator,
                    HistoryChange::TagAdded("defect".to_owned())
                ),
                entry(
                    3,
                    Actor::ApiKey(9),
                    HistoryChange::Status("closed".to_owned())
                ),
                entry(
                    4,
                    Actor::ApiKey(9),
                    HistoryChange::Status("open".to_owned())
                ),
            ]
        );
        assert_eq!(
            self.history(r[6]).await,
            vec![
                entry(
                    4,
                    Actor::Operator,
                    HistoryChange::TagAdded("defect".to_owned())
                ),
                entry(
                    5,
                    Actor::Operator,
                    HistoryChange::TagRemoved("defect".to_owned())
                ),
            ]
        );
        assert_eq!(
            self.tag_set().await,
            vec![
                summary("Bug", 3, 0),
                summary("billing", 1, 0),
                summary("defect", 2, 0)
            ],
            "a tag joins the set the first time it is used"
        );
        assert_eq!(
            ok(store.workflow_tags(alpha).await, "workflow_tags"),
            vec![
                ("Bug".to_owned(), 3),
                ("defect".to_owned(), 2),
                ("billing".to_owned(), 1)
            ]
        );
        assert_eq!(self.tagged("BUG").await, vec![r[0], r[1], r[3]]);
        assert_eq!(self.tagged(" Defect ").await, vec![r[2], r[3]]);
        assert_eq!(
            self.tagged("nothing").await,
            vec![],
            "an unknown tag finds none"
        );
        assert_eq!(
            ok(store.workflow_tags(self.beta).await, "workflow_tags"),
            vec![],
            "beta's \"bug\" is its own"
        );
    }
}

/// Imports `batch` into the workspace in one committed import.
async fn import(store: &dyn Store, workspace: WorkspaceId, batch: &[vouch_store::NewResponse]) {
    let mut import = ok(store.begin_import(workspace).await, "begin_import");
    ok(import.write(batch).await, "write");
    ok(import.commit().await, "commit");
}
