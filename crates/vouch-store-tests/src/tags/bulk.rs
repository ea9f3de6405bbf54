//! Keyword rules, and the operations on a tag that touch every response carrying it: rename,
//! merge, delete, tagging many responses at once and applying a rule.

use vouch_store::{
    Actor, HistoryChange, NewTagRule, ResponseId, ResponseStatus, ResponseWorkflow, TagRule,
    WorkflowFilter,
};

use super::{Tagging, assert_conflict, assert_not_found, entry, names, summary, time};
use crate::fixtures::ok;

/// The rules of the chapter, as saved.
pub(crate) struct Rules {
    /// Tags "Bug" (renamed "CRASH" later), matched from the first response on.
    crash: TagRule,
    /// Tags "Refund" (merged into "Money", then deleted), on the Feedback survey only.
    refund: TagRule,
    /// Tags "defect" (merged into "CRASH").
    broken: TagRule,
}

impl Tagging<'_> {
    async fn create_rule(&self, tag: &str, terms: &str, survey: bool) -> TagRule {
        let rule = NewTagRule {
            tag: tag.to_owned(),
            terms: terms.to_owned(),
            survey: survey.then_some(self.feedback.id),
        };
        ok(
            self.store.create_rule(self.alpha, &rule, time(10)).await,
            "create_rule",
        )
    }

    async fn rules(&self) -> Vec<TagRule> {
        ok(self.store.rules(self.alpha).await, "rules")
    }

    /// Rules: saved with the tag's spelling (creating a new tag), matched from the start up to
    /// the workspace's latest response; another workspace's survey is `NotFound`.
    pub(super) async fn rules_are_saved(&self) -> Rules {
        let latest = *self.r.last().expect("alpha has responses");
        let crash = self.create_rule("bug", "crash*", false).await;
        assert_eq!(
            crash,
            TagRule {
                id: crash.id,
                tag: "Bug".to_owned(),
                terms: "crash*".to_owned(),
                survey: None,
                created_at: time(10),
                through: ResponseId::default(),
                backfill_until: latest,
                tagged: 0,
            },
            "the tag as the workspace spells it; the past to match up to alpha's latest"
        );
        assert!(latest < self.away, "beta's response came later");
        assert!(!crash.caught_up());
        let refund = self
            .create_rule("Refund", "refund*, \"money back\"", true)
            .await;
        assert_eq!(
            (&refund.tag, refund.survey, refund.backfill_until),
            (&"Refund".to_owned(), Some(self.feedback.id), latest)
        );
        assert!(refund.id > crash.id, "rule ids grow");
        let broken = self.create_rule("DEFECT", "broken", false).await;
        assert_eq!(broken.tag, "defect");
        let foreign = NewTagRule {
            tag: "leak".to_owned(),
            terms: "leak".to_owned(),
            survey: Some(self.away_survey.id),
        };
        assert_not_found(
            self.store.create_rule(self.alpha, &foreign, time(10)).await,
            "a rule on another workspace's survey",
        );
        assert_eq!(
            self.rules().await,
            vec![crash.clone(), refund.clone(), broken.clone()],
            "oldest first"
        );
        assert_eq!(ok(self.store.rules(self.beta).await, "rules"), vec![]);
        assert_eq!(
            self.tag_set().await,
            vec![
                summary("Bug", 3, 1),
                summary("Refund", 0, 1),
                summary("billing", 1, 0),
                summary("defect", 2, 1),
            ],
            "a rule's new tag joins the set; the refused rule's does not"
        );
        Rules {
            crash,
            refund,
            broken,
        }
    }

    /// Renaming: every response and rule follows, history records it; another tag's name is
    /// `Conflict`, a change of case alone a rename, the same name nothing.
    pub(super) async fn renaming(&self, rules: &Rules) {
        let (store, alpha, r) = (self.store, self.alpha, &self.r);
        let tess = Actor::Member(self.tess.id);
        assert_conflict(
            store
                .rename_tag(alpha, "bug", "Defect", tess, time(11))
                .await,
            "renaming to another tag's name",
        );
        assert_not_found(
            store
                .rename_tag(alpha, "nothing", "x", tess, time(11))
                .await,
            "renaming a tag that does not exist",
        );
        let renamed = store
            .rename_tag(alpha, "BUG", "Crash", tess, time(11))
            .await;
        assert_eq!(ok(renamed, "rename_tag"), 3, "three responses carried it");
        assert_eq!(
            self.history(r[1]).await.last(),
            Some(&self.by_tess(
                11,
                HistoryChange::TagRenamed {
                    from: "Bug".to_owned(),
                    to: "Crash".to_owned()
                }
            ))
        );
        let cased = store
            .rename_tag(alpha, "crash", "CRASH", Actor::Operator, time(12))
            .await;
        assert_eq!(ok(cased, "rename_tag (case)"), 3);
        let same = store
            .rename_tag(alpha, "CRASH", "CRASH", Actor::Operator, time(13))
            .await;
        assert_eq!(ok(same, "rename_tag (same name)"), 3);
        assert_eq!(
            self.history(r[1]).await,
            vec![
                entry(
                    2,
                    Actor::Operator,
                    HistoryChange::TagAdded("Bug".to_owned())
                ),
                self.by_tess(
                    11,
                    HistoryChange::TagRenamed {
                        from: "Bug".to_owned(),
                        to: "Crash".to_owned()
                    }
                ),
                entry(
                    12,
                    Actor::Operator,
                    HistoryChange::TagRenamed {
                        from: "Crash".to_owned(),
                        to: "CRASH".to_owned()
                    }
                ),
            ],
            "a rename to the same name changes nothing and records nothing"
        );
        assert_eq!(
            self.tags_of(&[r[0], r[1], r[3]]).await,
            vec![
                names(&["CRASH", "billing"]),
                names(&["CRASH"]),
                names(&["CRASH", "defect"])
            ]
        );
        assert_eq!(self.tagged("crash").await, vec![r[0], r[1], r[3]]);
        let kept = self.rules().await;
        assert_eq!(kept[0].tag, "CRASH", "the rule follows its tag");
        assert_eq!(kept[0].id, rules.crash.id);
        assert_eq!(
            self.tag_set().await,
            vec![
                summary("CRASH", 3, 1),
                summary("Refund", 0, 1),
                summary("billing", 1, 0),
                summary("defect", 2, 1),
            ]
        );
    }

    /// Merging: responses carry the target instead (once, if they had both), rules move, the
    /// sources leave the set; a missing source is `NotFound`.
    pub(super) async fn merging(&self, rules: &Rules) {
        let (store, alpha, r) = (self.store, self.alpha, &self.r);
        let merged = store
            .merge_tags(
                alpha,
                &names(&["defect"]),
                "crash",
                Actor::Operator,
                time(14),
            )
            .await;
        assert_eq!(
            ok(merged, "merge_tags"),
            2,
            "two responses carried \"defect\""
        );
        assert_eq!(
            self.tags_of(&[r[2], r[3]]).await,
            vec![names(&["CRASH"]), names(&["CRASH"])],
            "the response that had both has one"
        );
        assert_eq!(
            self.history(r[3]).await.last(),
            Some(&entry(
                14,
                Actor::Operator,
                HistoryChange::TagRenamed {
                    from: "defect".to_owned(),
                    to: "CRASH".to_owned()
                }
            ))
        );
        assert_not_found(
            store
                .merge_tags(
                    alpha,
                    &names(&["missing"]),
                    "Ghost",
                    Actor::Operator,
                    time(14),
                )
                .await,
            "merging a tag that does not exist",
        );
        let tess = Actor::Member(self.tess.id);
        let into_new = store
            .merge_tags(
                alpha,
                &names(&["billing", "REFUND"]),
                "Money",
                tess,
                time(15),
            )
            .await;
        assert_eq!(ok(into_new, "merge_tags (into a new tag)"), 1);
        let kept = self.rules().await;
        let tags: Vec<(_, &str)> = kept
            .iter()
            .map(|rule| (rule.id, rule.tag.as_str()))
            .collect();
        assert_eq!(
            tags,
            vec![
                (rules.crash.id, "CRASH"),
                (rules.refund.id, "Money"),
                (rules.broken.id, "CRASH")
            ],
            "rules move to the merged tag"
        );
        assert_eq!(
            self.tag_set().await,
            vec![summary("CRASH", 4, 2), summary("Money", 1, 1)],
            "merged tags leave the set; nothing was made for the refused merge"
        );
        assert_eq!(
            self.tags_of(&[r[0]]).await,
            vec![names(&["CRASH", "Money"])]
        );
    }

    /// Deleting: off every response, its rules deleted, history records it; twice is
    /// `NotFound`.
    pub(super) async fn deleting(&self) {
        let (store, alpha, r) = (self.store, self.alpha, &self.r);
        let tess = Actor::Member(self.tess.id);
        let deleted = store.delete_tag(alpha, "money", tess, time(16)).await;
        assert_eq!(ok(deleted, "delete_tag"), 1);
        assert_eq!(self.tags_of(&[r[0]]).await, vec![names(&["CRASH"])]);
        assert_eq!(
            self.history(r[0]).await.last(),
            Some(&self.by_tess(16, HistoryChange::TagRemoved("Money".to_owned())))
        );
        assert_eq!(
            self.rules().await.len(),
            2,
            "the refund rule went with its tag"
        );
        assert_eq!(self.tag_set().await, vec![summary("CRASH", 4, 2)]);
        assert_not_found(
            store.delete_tag(alpha, "money", tess, time(17)).await,
            "deleting a deleted tag",
        );
    }

    /// Tagging many responses: only the workspace's, not twice, history by the actor.
    pub(super) async fn tagging_in_bulk(&self) {
        let (store, alpha, r) = (self.store, self.alpha, &self.r);
        let given = [r[0], r[1], r[4], self.away, r[1], ResponseId(i64::MAX)];
        let gained = store
            .add_tag(alpha, "Urgent", &given, Actor::ApiKey(7), time(20))
            .await;
        assert_eq!(
            ok(gained, "add_tag"),
            3,
            "beta's and unknown ones left alone"
        );
        let again = store
            .add_tag(
                alpha,
                "urgent",
                &[r[0], r[4], r[5]],
                Actor::ApiKey(7),
                time(21),
            )
            .await;
        assert_eq!(ok(again, "add_tag"), 1, "only the one without it gains it");
        let none = store
            .add_tag(alpha, "Quiet", &[], Actor::Operator, time(21))
            .await;
        assert_eq!(ok(none, "add_tag (no responses)"), 0);
        let untouched_but_tagged = |response| ResponseWorkflow {
            response,
            status: ResponseStatus::Open,
            assignee: None,
            tags: names(&["Urgent"]),
            updated_at: None,
        };
        assert_eq!(
            ok(store.workflows(alpha, &[r[4], r[5]]).await, "workflows"),
            vec![untouched_but_tagged(r[4]), untouched_but_tagged(r[5])],
            "tags without a workflow row"
        );
        assert_eq!(
            self.history(r[4]).await,
            vec![entry(
                20,
                Actor::ApiKey(7),
                HistoryChange::TagAdded("Urgent".to_owned())
            )]
        );
        assert_eq!(
            self.history(r[5]).await,
            vec![entry(
                21,
                Actor::ApiKey(7),
                HistoryChange::TagAdded("Urgent".to_owned())
            )]
        );
        assert_eq!(self.tagged("URGENT").await, vec![r[0], r[1], r[4], r[5]]);
        let ids = |status, tag: Option<&str>| {
            let filter = WorkflowFilter {
                status,
                assignee: None,
                tag: tag.map(str::to_owned),
            };
            async move {
                ok(
                    store.workflow_response_ids(alpha, &filter).await,
                    "workflow_response_ids",
                )
            }
        };
        assert_eq!(
            ids(None, None).await,
            r.clone(),
            "with no part, every response with a workflow row or a tag"
        );
        let in_progress = Some(ResponseStatus::InProgress);
        assert_eq!(ids(in_progress, Some("urgent")).await, vec![r[0]]);
        assert_eq!(
            ids(Some(ResponseStatus::Open), Some("urgent")).await,
            vec![r[1]],
            "open is only what is stored as open"
        );
        assert_eq!(ids(Some(ResponseStatus::Closed), None).await, vec![]);
        assert_eq!(
            ok(store.workflows(self.beta, &[self.away]).await, "workflows")[0].tags,
            Vec::<String>::new()
        );
        assert_eq!(
            self.tag_set().await,
            vec![
                summary("CRASH", 4, 2),
                summary("Quiet", 0, 0),
                summary("Urgent", 4, 0)
            ]
        );
    }

    /// Applying a rule: tags as the rule, counts what it tagged, `through` never moves back;
    /// a deleted rule, or one of another workspace, is `NotFound` and tags nothing.
    pub(super) async fn applying_rules(&self, rules: &Rules) {
        let (store, alpha, r) = (self.store, self.alpha, &self.r);
        let crash = rules.crash.id;
        let applied = store
            .apply_rule(alpha, crash, &[r[4], r[5], self.away, r[0]], r[4], time(30))
            .await;
        assert_eq!(ok(applied, "apply_rule"), 2);
        let rule = |rules: Vec<TagRule>| rules.into_iter().find(|rule| rule.id == crash);
        let moved = rule(self.rules().await).expect("the rule");
        assert_eq!((moved.through, moved.tagged), (r[4], 2));
        let back = store
            .apply_rule(alpha, crash, &[r[5]], r[2], time(31))
            .await;
        assert_eq!(ok(back, "apply_rule"), 0);
        let stayed = rule(self.rules().await).expect("the rule");
        assert_eq!(
            (stayed.through, stayed.tagged),
            (r[4], 2),
            "through never moves back"
        );
        let latest = *r.last().expect("alpha has responses");
        let done = store.apply_rule(alpha, crash, &[], latest, time(32)).await;
        assert_eq!(ok(done, "apply_rule"), 0);
        let caught_up = rule(self.rules().await).expect("the rule");
        assert_eq!((caught_up.through, caught_up.tagged), (latest, 2));
        assert!(caught_up.caught_up());
        assert_eq!(
            self.history(r[5]).await.last(),
            Some(&entry(
                30,
                Actor::Rule(crash),
                HistoryChange::TagAdded("CRASH".to_owned())
            ))
        );
        assert_not_found(
            store
                .apply_rule(self.beta, crash, &[self.away], latest, time(33))
                .await,
            "applying a rule through another workspace",
        );
        ok(store.delete_rule(alpha, crash).await, "delete_rule");
        assert_not_found(
            store
                .apply_rule(alpha, crash, &[r[6]], latest, time(33))
                .await,
            "applying a deleted rule",
        );
        assert_not_found(store.delete_rule(alpha, crash).await, "deleting it again");
        assert_not_found(
            store.delete_rule(self.beta, rules.broken.id).await,
            "deleting a rule through another workspace",
        );
        assert_eq!(self.tags_of(&[r[6]]).await, vec![Vec::<String>::new()]);
        assert_eq!(
            self.rules()
                .await
                .iter()
                .map(|rule| rule.id)
                .collect::<Vec<_>>(),
            vec![rules.broken.id]
        );
        assert_eq!(
            ok(store.workflows(self.beta, &[self.away]).await, "workflows")[0].tags,
            Vec::<String>::new()
        );
        assert_eq!(
            self.tag_set().await,
            vec![
                summary("CRASH", 6, 1),
                summary("Quiet", 0, 0),
                summary("Urgent", 4, 0)
            ],
            "the tags a deleted rule set stay"
        );
    }

    /// A rule's tags show on responses nobody touched, and find them.
    pub(super) async fn rule_tags_without_a_workflow(&self) {
        let r = &self.r;
        assert_eq!(
            ok(self.store.workflows(self.alpha, &[r[4]]).await, "workflows"),
            vec![ResponseWorkflow {
                response: r[4],
                status: ResponseStatus::Open,
                assignee: None,
                tags: names(&["CRASH", "Urgent"]),
                updated_at: None,
            }]
        );
        assert_eq!(self.tagged("crash").await, r[..6].to_vec());
    }

    /// A response's history is `NotFound` through another workspace or when unknown.
    pub(super) async fn history_of_other_workspaces(&self) {
        let store = self.store;
        assert_not_found(
            store.response_history(self.alpha, self.away).await,
            "the history of another workspace's response",
        );
        assert_not_found(
            store.response_history(self.beta, self.r[0]).await,
            "a history through another workspace",
        );
        assert_not_found(
            store
                .response_history(self.alpha, ResponseId(i64::MAX))
                .await,
            "the history of an unknown response",
        );
        assert_eq!(
            ok(
                store.response_history(self.beta, self.away).await,
                "response_history"
            ),
            vec![],
            "nothing happened to beta's response"
        );
    }
}
