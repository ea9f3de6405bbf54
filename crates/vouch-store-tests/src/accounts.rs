//! The dashboard chapters of the story: users, memberships of workspaces, sessions,
//! invitations to join, password resets, the follow-up of responses (status, assignee, tags,
//! notes) through a changed answer and an erasure, and the list of every workspace.
//!
//! Users belong to the server, not to a workspace, and the story may run several times on one
//! database, so every email, session and link secret carries the run's name. Names, slugs and
//! tags are ASCII and differ early, so that the orders expected are the same under any
//! collation a backend compares text with. Times the store is given are fixed; times the store
//! takes itself are checked to be within a minute of now.

use jiff::{SignedDuration, Timestamp};
use vouch_core::{Score, SurveyKind};
use vouch_store::{
    Actor, Answer, Attributes, Channel, ContactId, InvitationId, MemberInvite, MemberPreferences,
    Membership, NewInvitation, NewSurvey, NewUser, ResponseId, ResponseNote, ResponseStatus,
    ResponseWorkflow, Role, SessionRecord, Store, StoreError, StoreResult, StoredResponse,
    SurveySettings, User, UserId, WorkflowChange, WorkflowFilter, Workspace, WorkspaceId,
};

use crate::fixtures::{at, key, ok};

/// Runs the dashboard chapters.
pub(crate) async fn chapters(store: &dyn Store, run: &str) {
    // Beta is made first so that listing by slug (alpha, beta) differs from listing by id.
    let beta = ok(
        store.workspace(&format!("acc-{run}-beta")).await,
        "workspace",
    );
    let alpha = ok(
        store.workspace(&format!("acc-{run}-alpha")).await,
        "workspace",
    );
    let accounts = Accounts {
        store,
        run: run.to_owned(),
        alpha,
        beta,
    };
    let users = accounts.users().await;
    accounts.memberships(&users).await;
    accounts.sessions(&users).await;
    accounts.member_invites(&users).await;
    accounts.password_resets(&users).await;
    let inbox = accounts.inbox().await;
    accounts.workflows(&users, &inbox).await;
    accounts.notes(&users, &inbox).await;
    let replaced = accounts
        .changed_answer_keeps_follow_up(&users, &inbox)
        .await;
    accounts
        .erasure_takes_follow_up(&users, &inbox, replaced)
        .await;
    accounts.every_workspace().await;
}

/// The workspaces the chapters happen in.
struct Accounts<'s> {
    store: &'s dyn Store,
    run: String,
    /// Where most things happen.
    alpha: Workspace,
    /// A second workspace: to belong to several, and to see nothing of alpha's.
    beta: Workspace,
}

/// The users of the chapters, made in the order cyd, bob, ann, dee: ids do not follow names.
struct Users {
    ann: User,
    bob: User,
    cyd: User,
    dee: User,
}

/// Responses to follow up, each answered through an invitation of its own.
struct Inbox {
    /// Four responses of alpha, in id order, with their contacts and invitations.
    answered: Vec<Answered>,
    /// A response of beta.
    away: ResponseId,
}

/// A response given through an invitation.
struct Answered {
    response: StoredResponse,
    contact: ContactId,
    invitation: InvitationId,
}

impl Inbox {
    fn id(&self, index: usize) -> ResponseId {
        self.answered[index].response.id
    }
}

/// True when `time` is within a minute of now.
fn is_now(time: Timestamp) -> bool {
    let minute = SignedDuration::from_secs(60);
    Timestamp::now() - minute < time && time < Timestamp::now() + minute
}

/// A fixed time of the story, `minutes` after 2026-03-01 09:00 UTC.
fn time(minutes: i64) -> Timestamp {
    at("2026-03-01T09:00:00Z") + SignedDuration::from_mins(minutes)
}

/// Asserts that a call failed with `NotFound`.
#[track_caller]
fn assert_not_found<T: std::fmt::Debug>(result: StoreResult<T>, what: &str) {
    assert!(
        matches!(result, Err(StoreError::NotFound(_))),
        "{what}: expected NotFound, got {result:?}"
    );
}

#[track_caller]
fn score(value: i64) -> Score {
    match Score::new(value) {
        Ok(score) => score,
        Err(error) => panic!("bad score in the story: {error}"),
    }
}

/// A change of a response's follow-up.
fn change(
    status: Option<ResponseStatus>,
    assignee: Option<Option<UserId>>,
    tags: Option<&[&str]>,
) -> WorkflowChange {
    WorkflowChange {
        status,
        assignee,
        tags: tags.map(|tags| tags.iter().map(|tag| (*tag).to_owned()).collect()),
    }
}

/// A follow-up as stored.
fn workflow(
    response: ResponseId,
    status: ResponseStatus,
    assignee: Option<&User>,
    tags: &[&str],
    updated_at: Timestamp,
) -> ResponseWorkflow {
    ResponseWorkflow {
        response,
        status,
        assignee: assignee.map(|user| user.id),
        tags: tags.iter().map(|tag| (*tag).to_owned()).collect(),
        updated_at: Some(updated_at),
    }
}

/// The follow-up of a response nobody touched.
fn untouched(response: ResponseId) -> ResponseWorkflow {
    ResponseWorkflow {
        response,
        status: ResponseStatus::Open,
        assignee: None,
        tags: Vec::new(),
        updated_at: None,
    }
}

impl Accounts<'_> {
    /// An email unique to the run.
    fn email(&self, name: &str) -> String {
        format!("{name}-{}@example.com", self.run)
    }

    /// A secret's hash unique to the run.
    fn hash(&self, what: &str) -> String {
        format!("{what}-{}", self.run)
    }

    /// A membership as the store returns it.
    fn membership(
        &self,
        workspace: &Workspace,
        user: &User,
        role: Role,
        hr: bool,
        created_at: Timestamp,
    ) -> Membership {
        Membership {
            workspace: workspace.id,
            workspace_slug: workspace.slug.clone(),
            user: user.id,
            role,
            hr,
            created_at,
        }
    }

    /// Users: the email stored trimmed and lower-cased, a taken one (in any case) `Conflict`,
    /// found by email (with the password hash) and by id.
    async fn users(&self) -> Users {
        let store = self.store;
        let create = |name: &'static str, full_name: &'static str| {
            let email = self.email(name);
            async move {
                let typed = format!("  {}  ", email.replacen(name, &name.to_uppercase(), 1));
                let user = ok(
                    store
                        .create_user(NewUser {
                            email: typed,
                            name: full_name.to_owned(),
                            password_hash: format!("hash-of-{name}"),
                        })
                        .await,
                    "create_user",
                );
                assert_eq!(
                    (user.email.as_str(), user.name.as_str()),
                    (email.as_str(), full_name),
                    "the email is stored trimmed and lower-cased"
                );
                assert!(is_now(user.created_at), "made now: {user:?}");
                user
            }
        };
        let cyd = create("cyd", "Cyd Cole").await;
        let bob = create("bob", "Bob Baker").await;
        let ann = create("ann", "Ann Archer").await;
        let dee = create("dee", "Dee Dunn").await;
        assert!(
            cyd.id < bob.id && bob.id < ann.id && ann.id < dee.id,
            "ids grow"
        );

        let taken = store
            .create_user(NewUser {
                email: self.email("ann").to_uppercase(),
                name: "Another Ann".to_owned(),
                password_hash: "another".to_owned(),
            })
            .await;
        assert!(
            matches!(taken, Err(StoreError::Conflict(_))),
            "an email taken in another case is Conflict, got {taken:?}"
        );

        let typed = format!(" {} ", self.email("ann").replace("example", "EXAMPLE"));
        assert_eq!(
            ok(store.user_by_email(&typed).await, "user_by_email"),
            Some((ann.clone(), "hash-of-ann".to_owned())),
            "found by email typed in another case, with the password hash"
        );
        assert_eq!(
            ok(
                store.user_by_email(&self.email("nobody")).await,
                "user_by_email"
            ),
            None
        );
        assert_eq!(ok(store.user(bob.id).await, "user"), Some(bob.clone()));
        assert_eq!(ok(store.user(UserId(i64::MAX)).await, "user"), None);
        Users { ann, bob, cyd, dee }
    }

    /// Memberships: listed by workspace slug, members by name; setting a membership again
    /// changes role and HR permission and keeps the time joined; unknown users and workspaces
    /// are `NotFound`.
    async fn memberships(&self, users: &Users) {
        let store = self.store;
        let (alpha, beta) = (&self.alpha, &self.beta);
        let set = |workspace: WorkspaceId, user: UserId, role: Role, hr: bool| async move {
            ok(
                store.set_membership(workspace, user, role, hr).await,
                "set_membership",
            )
        };
        let ann_beta = set(beta.id, users.ann.id, Role::Viewer, true).await;
        assert_eq!(
            ann_beta,
            self.membership(beta, &users.ann, Role::Viewer, true, ann_beta.created_at)
        );
        assert!(is_now(ann_beta.created_at), "joined now");
        let ann_alpha = set(alpha.id, users.ann.id, Role::Admin, false).await;
        let cyd_alpha = set(alpha.id, users.cyd.id, Role::Member, true).await;
        let bob_alpha = set(alpha.id, users.bob.id, Role::Viewer, false).await;
        let bob_beta = set(beta.id, users.bob.id, Role::Member, false).await;
        assert_eq!(
            ok(store.memberships(users.ann.id).await, "memberships"),
            vec![ann_alpha.clone(), ann_beta.clone()],
            "by workspace slug, not by when"
        );
        assert_eq!(
            ok(store.memberships(users.dee.id).await, "memberships"),
            Vec::new(),
            "dee belongs nowhere yet"
        );

        let changed = set(beta.id, users.ann.id, Role::Member, false).await;
        assert_eq!(
            changed,
            self.membership(beta, &users.ann, Role::Member, false, ann_beta.created_at),
            "a new role and permission, the time joined kept"
        );
        assert_eq!(
            ok(store.members(alpha.id).await, "members"),
            vec![
                (users.ann.clone(), ann_alpha),
                (users.bob.clone(), bob_alpha),
                (users.cyd.clone(), cyd_alpha),
            ],
            "members by name"
        );
        assert_eq!(
            ok(store.members(beta.id).await, "members"),
            vec![(users.ann.clone(), changed), (users.bob.clone(), bob_beta)]
        );

        assert_not_found(
            store
                .set_membership(alpha.id, UserId(i64::MAX), Role::Viewer, false)
                .await,
            "set_membership of an unknown user",
        );
        assert_not_found(
            store
                .set_membership(WorkspaceId(i64::MAX), users.ann.id, Role::Viewer, false)
                .await,
            "set_membership in an unknown workspace",
        );
        assert_not_found(
            store.remove_membership(alpha.id, users.dee.id).await,
            "remove_membership of someone who is not a member",
        );
        self.preferences(users).await;
    }

    /// Preferences: the defaults until saved, kept per workspace, unchanged by a new role;
    /// `NotFound` for someone who is not a member.
    async fn preferences(&self, users: &Users) {
        let store = self.store;
        let (alpha, beta) = (&self.alpha, &self.beta);
        let read = |workspace: WorkspaceId, user: UserId| async move {
            ok(
                store.member_preferences(workspace, user).await,
                "member_preferences",
            )
        };
        assert_eq!(
            read(alpha.id, users.ann.id).await,
            MemberPreferences::default()
        );
        assert!(
            !read(alpha.id, users.ann.id).await.weekly_digest,
            "the weekly digest is off until chosen"
        );
        let chosen = MemberPreferences {
            inbox_columns: Some(vec!["plan".into(), "country".into()]),
            weekly_digest: true,
        };
        ok(
            store
                .set_member_preferences(alpha.id, users.ann.id, &chosen)
                .await,
            "set_member_preferences",
        );
        assert_eq!(read(alpha.id, users.ann.id).await, chosen);
        assert_eq!(
            read(beta.id, users.ann.id).await,
            MemberPreferences::default(),
            "kept per workspace"
        );
        ok(
            store
                .set_membership(alpha.id, users.ann.id, Role::Admin, true)
                .await,
            "set_membership",
        );
        assert_eq!(
            read(alpha.id, users.ann.id).await,
            chosen,
            "a new role keeps them"
        );
        assert_not_found(
            store.member_preferences(alpha.id, users.dee.id).await,
            "member_preferences of someone who is not a member",
        );
        assert_not_found(
            store
                .set_member_preferences(alpha.id, users.dee.id, &chosen)
                .await,
            "set_member_preferences of someone who is not a member",
        );
        ok(
            store
                .set_membership(alpha.id, users.ann.id, Role::Admin, false)
                .await,
            "set_membership",
        );
    }

    /// A session of a user looking at a workspace, from `time(0)` to `time(60)`.
    fn session(&self, name: &str, user: &User, workspace: &Workspace) -> SessionRecord {
        SessionRecord {
            id_hash: self.hash(&format!("session-{name}")),
            user: user.id,
            workspace: workspace.id,
            csrf_token: format!("csrf-{name}"),
            created_at: time(0),
            expires_at: time(60),
        }
    }

    /// Whether each session is there at `time(1)`, in the order given.
    async fn live(&self, sessions: &[&SessionRecord]) -> Vec<bool> {
        let mut live = Vec::new();
        for session in sessions {
            let found = ok(
                self.store.session(&session.id_hash, time(1)).await,
                "session",
            );
            live.push(found.is_some());
        }
        live
    }

    /// Sessions: read back until they expire, switched, ended (twice is fine); a new password
    /// ends every session of the user; leaving a workspace ends the user's sessions looking
    /// at it and no other.
    async fn sessions(&self, users: &Users) {
        let store = self.store;
        let (alpha, beta) = (&self.alpha, &self.beta);
        let first = self.session("first", &users.ann, alpha);
        ok(store.create_session(&first).await, "create_session");
        for (now, expected) in [
            (time(0), Some(&first)),
            (time(60) - SignedDuration::from_millis(1), Some(&first)),
            (time(60), None),
            (time(61), None),
        ] {
            assert_eq!(
                ok(store.session(&first.id_hash, now).await, "session").as_ref(),
                expected,
                "the session at {now} (it ends at {})",
                first.expires_at
            );
        }
        assert_eq!(
            ok(
                store.session(&self.hash("no-session"), time(1)).await,
                "session"
            ),
            None
        );

        ok(
            store.switch_session(&first.id_hash, beta.id).await,
            "switch_session",
        );
        assert_eq!(
            ok(store.session(&first.id_hash, time(1)).await, "session"),
            Some(SessionRecord {
                workspace: beta.id,
                ..first.clone()
            }),
            "the session looks at beta now"
        );
        assert_not_found(
            store
                .switch_session(&self.hash("no-session"), beta.id)
                .await,
            "switch_session of an unknown session",
        );
        ok(store.delete_session(&first.id_hash).await, "delete_session");
        assert_eq!(
            ok(store.session(&first.id_hash, time(1)).await, "session"),
            None
        );
        ok(
            store.delete_session(&first.id_hash).await,
            "delete_session (signing out twice)",
        );

        let ann_alpha = self.session("ann-alpha", &users.ann, alpha);
        let ann_beta = self.session("ann-beta", &users.ann, beta);
        let bob_beta = self.session("bob-beta", &users.bob, beta);
        for session in [&ann_alpha, &ann_beta, &bob_beta] {
            ok(store.create_session(session).await, "create_session");
        }
        ok(
            store.set_password(users.ann.id, "new-hash-of-ann").await,
            "set_password",
        );
        assert_eq!(
            ok(store.user_by_email(&users.ann.email).await, "user_by_email"),
            Some((users.ann.clone(), "new-hash-of-ann".to_owned()))
        );
        assert_eq!(
            self.live(&[&ann_alpha, &ann_beta, &bob_beta]).await,
            vec![false, false, true],
            "a new password ends every session of ann's, and only hers"
        );
        assert_not_found(
            store.set_password(UserId(i64::MAX), "hash").await,
            "set_password of an unknown user",
        );

        for session in [&ann_alpha, &ann_beta] {
            ok(store.create_session(session).await, "create_session");
        }
        ok(
            store.remove_membership(beta.id, users.ann.id).await,
            "remove_membership",
        );
        assert_eq!(
            self.live(&[&ann_alpha, &ann_beta, &bob_beta]).await,
            vec![true, false, true],
            "leaving beta ends ann's session in beta only"
        );
        assert_eq!(
            ok(store.memberships(users.ann.id).await, "memberships")
                .iter()
                .map(|membership| membership.workspace)
                .collect::<Vec<_>>(),
            vec![alpha.id]
        );
        assert_not_found(
            store.remove_membership(beta.id, users.ann.id).await,
            "remove_membership twice",
        );
        ok(
            store.delete_session(&ann_alpha.id_hash).await,
            "delete_session",
        );
        ok(
            store.delete_session(&bob_beta.id_hash).await,
            "delete_session",
        );
    }

    /// An invitation to join alpha, from ann, made at `time(0)` and ending at `time(60)`.
    fn invite(&self, name: &str, role: Role, hr: bool, email: Option<String>) -> MemberInvite {
        MemberInvite {
            token_hash: self.hash(&format!("invite-{name}")),
            workspace: self.alpha.id,
            role,
            hr,
            email,
            invited_by: UserId(0),
            created_at: time(0),
            expires_at: time(60),
            accepted_at: None,
        }
    }

    /// Stores an invitation from `from`, checks it reads back as given, and returns it.
    async fn invited(&self, invite: MemberInvite, from: &User) -> MemberInvite {
        let invite = MemberInvite {
            invited_by: from.id,
            ..invite
        };
        ok(
            self.store.create_member_invite(&invite).await,
            "create_member_invite",
        );
        assert_eq!(
            ok(
                self.store.member_invite(&invite.token_hash).await,
                "member_invite"
            )
            .as_ref(),
            Some(&invite),
            "an invitation reads back as given"
        );
        invite
    }

    /// Accepts an invitation at `time(30)`.
    async fn accept(&self, invite: &MemberInvite, user: &User) -> StoreResult<Membership> {
        self.store
            .accept_member_invite(&invite.token_hash, user.id, time(30))
            .await
    }

    /// Invitations to join: accepted once (joining at the time of acceptance), then or once
    /// expired `NotFound`; a member already keeps the higher role and gains the HR permission
    /// from either.
    async fn member_invites(&self, users: &Users) {
        let store = self.store;
        let alpha = &self.alpha;
        let for_dee = self
            .invited(
                self.invite("dee", Role::Member, true, Some(users.dee.email.clone())),
                &users.ann,
            )
            .await;
        let joined = ok(
            self.accept(&for_dee, &users.dee).await,
            "accept_member_invite",
        );
        assert_eq!(
            joined,
            self.membership(alpha, &users.dee, Role::Member, true, time(30)),
            "dee joins alpha with the invitation's role, at the time of acceptance"
        );
        assert_eq!(
            ok(
                store.member_invite(&for_dee.token_hash).await,
                "member_invite"
            ),
            Some(MemberInvite {
                accepted_at: Some(time(30)),
                ..for_dee.clone()
            })
        );
        assert_not_found(
            self.accept(&for_dee, &users.dee).await,
            "accepting an invitation twice",
        );
        assert_not_found(
            self.accept(&for_dee, &users.bob).await,
            "accepting someone else's used invitation",
        );

        let late = self
            .invited(self.invite("late", Role::Admin, false, None), &users.ann)
            .await;
        for when in [time(60), time(61)] {
            assert_not_found(
                store
                    .accept_member_invite(&late.token_hash, users.dee.id, when)
                    .await,
                "accepting an expired invitation",
            );
        }
        assert_not_found(
            store
                .accept_member_invite(&self.hash("invite-unknown"), users.dee.id, time(1))
                .await,
            "accepting an unknown invitation",
        );
        assert_not_found(
            store
                .accept_member_invite(&late.token_hash, UserId(i64::MAX), time(1))
                .await,
            "accepting for an unknown user",
        );
        assert_eq!(
            ok(store.member_invite(&late.token_hash).await, "member_invite"),
            Some(late.clone()),
            "failed acceptances leave it unused"
        );
        assert_eq!(
            ok(
                store.member_invite(&self.hash("invite-unknown")).await,
                "member_invite"
            ),
            None
        );

        self.role_merges(users).await;
    }

    /// Accepting an invitation as a member already: the higher role wins, HR from either.
    async fn role_merges(&self, users: &Users) {
        let store = self.store;
        let alpha = &self.alpha;
        let before: Vec<(User, Membership)> = ok(store.members(alpha.id).await, "members");
        let joined_at = |user: &User| {
            before
                .iter()
                .find(|(member, _)| member.id == user.id)
                .map(|(_, membership)| membership.created_at)
                .unwrap_or_else(|| panic!("{} is a member of alpha", user.name))
        };
        // (who, their role and hr before, the invitation's, the result)
        let cases = [
            (
                "cyd-lower",
                &users.cyd,
                (Role::Viewer, false),
                (Role::Member, true),
            ),
            (
                "bob-higher",
                &users.bob,
                (Role::Admin, false),
                (Role::Admin, false),
            ),
            (
                "bob-hr",
                &users.bob,
                (Role::Viewer, true),
                (Role::Admin, true),
            ),
        ];
        for (name, user, (role, hr), expected) in cases {
            let invite = self
                .invited(self.invite(name, role, hr, None), &users.ann)
                .await;
            let merged = ok(self.accept(&invite, user).await, "accept_member_invite");
            assert_eq!(
                merged,
                self.membership(alpha, user, expected.0, expected.1, joined_at(user)),
                "{name}: the higher role, hr from either, the time joined kept"
            );
        }
        let names: Vec<String> = ok(store.members(alpha.id).await, "members")
            .into_iter()
            .map(|(user, membership)| format!("{} {}", user.name, membership.role.as_str()))
            .collect();
        assert_eq!(
            names,
            [
                "Ann Archer admin",
                "Bob Baker admin",
                "Cyd Cole member",
                "Dee Dunn member"
            ]
        );
    }

    /// Password resets: used once, before they expire; a late try does not use one up.
    async fn password_resets(&self, users: &Users) {
        let store = self.store;
        let once = self.hash("reset-once");
        ok(
            store
                .create_password_reset(users.bob.id, &once, time(60))
                .await,
            "create_password_reset",
        );
        assert_eq!(
            ok(store.take_password_reset(&once, time(59)).await, "take"),
            Some(users.bob.id)
        );
        assert_eq!(
            ok(store.take_password_reset(&once, time(59)).await, "take"),
            None,
            "a reset link works once"
        );

        let late = self.hash("reset-late");
        ok(
            store
                .create_password_reset(users.cyd.id, &late, time(60))
                .await,
            "create_password_reset",
        );
        for when in [time(60), time(61)] {
            assert_eq!(
                ok(store.take_password_reset(&late, when).await, "take"),
                None,
                "expired at {when}"
            );
        }
        assert_eq!(
            ok(
                store
                    .take_password_reset(&late, time(60) - SignedDuration::from_millis(1))
                    .await,
                "take"
            ),
            Some(users.cyd.id),
            "tries after it expired did not use it up"
        );
        assert_eq!(
            ok(
                store
                    .take_password_reset(&self.hash("reset-unknown"), time(1))
                    .await,
                "take"
            ),
            None
        );
        assert_not_found(
            store
                .create_password_reset(UserId(i64::MAX), &self.hash("reset-nobody"), time(60))
                .await,
            "a reset for an unknown user",
        );
    }

    /// Four answers in alpha and one in beta, each through a link invitation of its own.
    async fn inbox(&self) -> Inbox {
        let mut answered = Vec::new();
        for (index, value) in [9, 3, 7, 10].into_iter().enumerate() {
            answered.push(
                self.answer(&self.alpha, &format!("person-{index}"), value)
                    .await,
            );
        }
        let away = self.answer(&self.beta, "away", 8).await.response.id;
        Inbox { answered, away }
    }

    /// An answer of a new contact to the workspace's survey, through a link invitation.
    async fn answer(&self, workspace: &Workspace, contact: &str, value: i64) -> Answered {
        let store = self.store;
        let survey = match ok(
            store.survey_by_name(workspace.id, "Inbox").await,
            "survey_by_name",
        ) {
            Some(survey) => survey,
            None => ok(
                store
                    .create_survey(
                        workspace.id,
                        NewSurvey {
                            name: "Inbox".to_owned(),
                            kind: SurveyKind::Nps,
                            question: "How likely are you to recommend us?".to_owned(),
                            follow_up: "Why?".to_owned(),
                            slug: None,
                            settings: SurveySettings::default(),
                        },
                    )
                    .await,
                "create_survey",
            ),
        };
        let person = ok(
            store
                .upsert_contact(
                    workspace.id,
                    &key(Some(contact), None),
                    &Attributes::new(),
                    &[],
                )
                .await,
            "upsert_contact",
        );
        let invitation = ok(
            store
                .invite(
                    workspace.id,
                    &[NewInvitation {
                        survey: survey.id,
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
        let response = ok(
            store
                .record_answer(&Answer {
                    invitation: invitation.id,
                    score: score(value),
                    comment: None,
                    at: time(0),
                })
                .await,
            "record_answer",
        );
        Answered {
            response,
            contact: person.id,
            invitation: invitation.id,
        }
    }

    /// The follow-up of responses: untouched ones read as open, changes keep what they do
    /// not name, tags are normalised, another workspace's responses are `NotFound`, filters
    /// AND together, tags are counted.
    async fn workflows(&self, users: &Users, inbox: &Inbox) {
        let store = self.store;
        let alpha = self.alpha.id;
        let (first, second, third, fourth) = (inbox.id(0), inbox.id(1), inbox.id(2), inbox.id(3));
        assert_eq!(
            ok(
                store.workflows(alpha, &[second, inbox.away, first]).await,
                "workflows"
            ),
            vec![untouched(second), untouched(inbox.away), untouched(first)],
            "untouched, in the order given (beta's response too, seen from alpha)"
        );
        assert_eq!(ok(store.workflows(alpha, &[]).await, "workflows"), vec![]);

        let changed = ok(
            store
                .change_workflow(
                    alpha,
                    first,
                    &change(
                        Some(ResponseStatus::InProgress),
                        Some(Some(users.ann.id)),
                        Some(&[" billing ", "onboarding", "billing", "Billing", "", "  "]),
                    ),
                    Actor::Operator,
                    time(10),
                )
                .await,
            "change_workflow",
        );
        assert_eq!(
            changed,
            workflow(
                first,
                ResponseStatus::InProgress,
                Some(&users.ann),
                &["billing", "onboarding"],
                time(10)
            ),
            "tags trimmed, without empty ones, sorted and unique ignoring case (the first \
             spelling kept)"
        );
        let closed = ok(
            store
                .change_workflow(
                    alpha,
                    first,
                    &change(Some(ResponseStatus::Closed), None, None),
                    Actor::Operator,
                    time(11),
                )
                .await,
            "change_workflow",
        );
        assert_eq!(
            closed,
            workflow(
                first,
                ResponseStatus::Closed,
                Some(&users.ann),
                &["billing", "onboarding"],
                time(11)
            ),
            "what a change does not name stays"
        );
        let tagged = ok(
            store
                .change_workflow(
                    alpha,
                    second,
                    &change(None, None, Some(&["billing"])),
                    Actor::Operator,
                    time(12),
                )
                .await,
            "change_workflow",
        );
        assert_eq!(
            tagged,
            workflow(second, ResponseStatus::Open, None, &["billing"], time(12))
        );
        let assigned = ok(
            store
                .change_workflow(
                    alpha,
                    third,
                    &change(
                        Some(ResponseStatus::Closed),
                        Some(Some(users.bob.id)),
                        Some(&["pricing"]),
                    ),
                    Actor::Operator,
                    time(13),
                )
                .await,
            "change_workflow",
        );
        let unassigned = ok(
            store
                .change_workflow(
                    alpha,
                    third,
                    &change(None, Some(None), None),
                    Actor::Operator,
                    time(14),
                )
                .await,
            "change_workflow",
        );
        assert_eq!(
            unassigned,
            ResponseWorkflow {
                assignee: None,
                updated_at: Some(time(14)),
                ..assigned.clone()
            },
            "Some(None) unassigns"
        );
        let reassigned = ok(
            store
                .change_workflow(
                    alpha,
                    third,
                    &change(None, Some(Some(users.bob.id)), None),
                    Actor::Operator,
                    time(15),
                )
                .await,
            "change_workflow",
        );
        assert_eq!(
            ok(
                store
                    .workflows(alpha, &[third, fourth, first, second])
                    .await,
                "workflows"
            ),
            vec![
                reassigned.clone(),
                untouched(fourth),
                closed.clone(),
                tagged
            ],
            "stored follow-ups read back, untouched ones as open"
        );
        self.refused_changes(inbox).await;
        self.filters_and_tags(users, inbox).await;
    }

    /// Changes that are refused and change nothing.
    async fn refused_changes(&self, inbox: &Inbox) {
        let store = self.store;
        let (alpha, beta) = (self.alpha.id, self.beta.id);
        let any = change(Some(ResponseStatus::Closed), None, Some(&["leak"]));
        assert_not_found(
            store
                .change_workflow(alpha, inbox.away, &any, Actor::Operator, time(20))
                .await,
            "changing another workspace's response",
        );
        assert_not_found(
            store
                .change_workflow(beta, inbox.id(0), &any, Actor::Operator, time(20))
                .await,
            "changing a response through another workspace",
        );
        assert_not_found(
            store
                .change_workflow(alpha, ResponseId(i64::MAX), &any, Actor::Operator, time(20))
                .await,
            "changing an unknown response",
        );
        assert_not_found(
            store
                .change_workflow(
                    alpha,
                    inbox.id(3),
                    &change(None, Some(Some(UserId(i64::MAX))), None),
                    Actor::Operator,
                    time(20),
                )
                .await,
            "assigning an unknown user",
        );
        assert_eq!(
            ok(
                store.workflows(beta, &[inbox.away, inbox.id(0)]).await,
                "workflows"
            ),
            vec![untouched(inbox.away), untouched(inbox.id(0))],
            "nothing of alpha's is seen through beta, nothing was written"
        );
        assert_eq!(
            ok(store.workflows(alpha, &[inbox.id(3)]).await, "workflows"),
            vec![untouched(inbox.id(3))]
        );
        assert_eq!(ok(store.workflow_tags(beta).await, "workflow_tags"), vec![]);
        assert_eq!(
            ok(
                store
                    .workflow_response_ids(beta, &WorkflowFilter::default())
                    .await,
                "workflow_response_ids"
            ),
            vec![]
        );
    }

    /// `workflow_response_ids` (parts ANDed, ascending) and `workflow_tags` (most used first,
    /// then by tag) over the follow-ups of [`Accounts::workflows`].
    async fn filters_and_tags(&self, users: &Users, inbox: &Inbox) {
        let store = self.store;
        let alpha = self.alpha.id;
        let (first, second, third) = (inbox.id(0), inbox.id(1), inbox.id(2));
        let filter = |status, assignee: Option<&User>, tag: Option<&str>| WorkflowFilter {
            status,
            assignee: assignee.map(|user| user.id),
            tag: tag.map(str::to_owned),
        };
        let cases = [
            (
                "no part: every stored one",
                filter(None, None, None),
                vec![first, second, third],
            ),
            (
                "closed",
                filter(Some(ResponseStatus::Closed), None, None),
                vec![first, third],
            ),
            (
                "stored as open",
                filter(Some(ResponseStatus::Open), None, None),
                vec![second],
            ),
            (
                "in progress",
                filter(Some(ResponseStatus::InProgress), None, None),
                vec![],
            ),
            ("ann's", filter(None, Some(&users.ann), None), vec![first]),
            (
                "tagged billing",
                filter(None, None, Some("billing")),
                vec![first, second],
            ),
            (
                "tagged pricing",
                filter(None, None, Some("pricing")),
                vec![third],
            ),
            ("tagged nothing", filter(None, None, Some("refund")), vec![]),
            (
                "closed and tagged billing",
                filter(Some(ResponseStatus::Closed), None, Some("billing")),
                vec![first],
            ),
            (
                "closed and bob's",
                filter(Some(ResponseStatus::Closed), Some(&users.bob), None),
                vec![third],
            ),
            (
                "bob's and tagged billing",
                filter(None, Some(&users.bob), Some("billing")),
                vec![],
            ),
            (
                "all three parts",
                filter(
                    Some(ResponseStatus::Closed),
                    Some(&users.ann),
                    Some("onboarding"),
                ),
                vec![first],
            ),
            ("cyd's", filter(None, Some(&users.cyd), None), vec![]),
        ];
        for (what, filter, expected) in cases {
            assert_eq!(
                ok(
                    store.workflow_response_ids(alpha, &filter).await,
                    "workflow_response_ids"
                ),
                expected,
                "{what}"
            );
        }
        assert_eq!(
            ok(store.workflow_tags(alpha).await, "workflow_tags"),
            vec![
                ("billing".to_owned(), 2),
                ("onboarding".to_owned(), 1),
                ("pricing".to_owned(), 1)
            ],
            "most used first, then by tag"
        );

        let retagged = ok(
            store
                .change_workflow(
                    alpha,
                    second,
                    &change(None, None, Some(&["pricing", "refund"])),
                    Actor::Operator,
                    time(16),
                )
                .await,
            "change_workflow",
        );
        assert_eq!(
            retagged,
            workflow(
                second,
                ResponseStatus::Open,
                None,
                &["pricing", "refund"],
                time(16)
            ),
            "new tags replace the old ones"
        );
        assert_eq!(
            ok(store.workflow_tags(alpha).await, "workflow_tags"),
            vec![
                ("pricing".to_owned(), 2),
                ("billing".to_owned(), 1),
                ("onboarding".to_owned(), 1),
                ("refund".to_owned(), 1),
            ]
        );
        assert_eq!(
            ok(
                store
                    .workflow_response_ids(alpha, &filter(None, None, Some("billing")))
                    .await,
                "workflow_response_ids"
            ),
            vec![first],
            "the old tag no longer finds it"
        );
    }

    /// Internal notes: oldest first with their author's name; none through another workspace;
    /// another workspace's response or an unknown author is `NotFound`.
    async fn notes(&self, users: &Users, inbox: &Inbox) {
        let store = self.store;
        let (alpha, beta) = (self.alpha.id, self.beta.id);
        let first = inbox.id(0);
        let called = ok(
            store
                .add_note(alpha, first, users.ann.id, "Called them back", time(21))
                .await,
            "add_note",
        );
        assert_eq!(
            called,
            ResponseNote {
                id: called.id,
                response: first,
                author: users.ann.id,
                author_name: "Ann Archer".to_owned(),
                body: "Called them back".to_owned(),
                created_at: time(21),
            }
        );
        // Written later, but dated earlier: notes are in the order they were written at.
        let refunded = ok(
            store
                .add_note(alpha, first, users.bob.id, "Refund sent", time(20))
                .await,
            "add_note",
        );
        assert!(refunded.id > called.id, "note ids grow");
        assert_eq!(refunded.author_name, "Bob Baker");
        assert_eq!(
            ok(store.notes(alpha, first).await, "notes"),
            vec![refunded.clone(), called.clone()],
            "oldest first"
        );
        assert_eq!(ok(store.notes(alpha, inbox.id(1)).await, "notes"), vec![]);
        assert_eq!(
            ok(store.notes(beta, first).await, "notes"),
            vec![],
            "nothing of alpha's is seen through beta"
        );
        assert_not_found(
            store
                .add_note(beta, first, users.bob.id, "Leak", time(22))
                .await,
            "a note on a response through another workspace",
        );
        assert_not_found(
            store
                .add_note(alpha, inbox.away, users.bob.id, "Leak", time(22))
                .await,
            "a note on another workspace's response",
        );
        assert_not_found(
            store
                .add_note(alpha, first, UserId(i64::MAX), "Ghost", time(22))
                .await,
            "a note by an unknown author",
        );
        assert_eq!(
            ok(store.notes(alpha, first).await, "notes"),
            vec![refunded, called],
            "refused notes wrote nothing"
        );
        assert_eq!(ok(store.notes(beta, inbox.away).await, "notes"), vec![]);
    }

    /// A changed answer replaces the response (a new id); its follow-up and notes move to the
    /// new id unchanged, and nothing is left under the old one. Returns the new response.
    async fn changed_answer_keeps_follow_up(&self, users: &Users, inbox: &Inbox) -> ResponseId {
        let store = self.store;
        let alpha = self.alpha.id;
        let first = &inbox.answered[0];
        let old = first.response.id;
        let follow_up = ok(store.workflows(alpha, &[old]).await, "workflows").remove(0);
        let notes = ok(store.notes(alpha, old).await, "notes");
        assert_eq!(notes.len(), 2, "two notes to carry over");

        let replaced = ok(
            store
                .record_answer(&Answer {
                    invitation: first.invitation,
                    score: score(4),
                    comment: Some("Changed my mind".to_owned()),
                    at: time(30),
                })
                .await,
            "record_answer (changed)",
        );
        let new = replaced.id;
        assert!(new > old, "a changed answer is a new response");
        assert_eq!(
            ok(store.workflows(alpha, &[new, old]).await, "workflows"),
            vec![
                ResponseWorkflow {
                    response: new,
                    ..follow_up
                },
                untouched(old)
            ],
            "the follow-up moved to the new response, as it was"
        );
        assert_eq!(
            ok(store.notes(alpha, new).await, "notes"),
            notes
                .iter()
                .map(|note| ResponseNote {
                    response: new,
                    ..note.clone()
                })
                .collect::<Vec<_>>(),
            "the notes moved to the new response"
        );
        assert_eq!(ok(store.notes(alpha, old).await, "notes"), vec![]);
        let billing = WorkflowFilter {
            tag: Some("billing".to_owned()),
            ..WorkflowFilter::default()
        };
        assert_eq!(
            ok(
                store.workflow_response_ids(alpha, &billing).await,
                "workflow_response_ids"
            ),
            vec![new]
        );
        let ann = WorkflowFilter {
            assignee: Some(users.ann.id),
            ..WorkflowFilter::default()
        };
        assert_eq!(
            ok(
                store.workflow_response_ids(alpha, &ann).await,
                "workflow_response_ids"
            ),
            vec![new]
        );
        assert_eq!(
            ok(store.workflow_tags(alpha).await, "workflow_tags"),
            vec![
                ("pricing".to_owned(), 2),
                ("billing".to_owned(), 1),
                ("onboarding".to_owned(), 1),
                ("refund".to_owned(), 1),
            ],
            "tags counted once, under the new response"
        );
        new
    }

    /// Erasing a contact (GDPR) erases the follow-up and notes of its responses; other
    /// responses keep theirs.
    async fn erasure_takes_follow_up(&self, users: &Users, inbox: &Inbox, replaced: ResponseId) {
        let store = self.store;
        let alpha = self.alpha.id;
        let kept = ok(
            store.workflows(alpha, &[inbox.id(1), inbox.id(2)]).await,
            "workflows",
        );
        assert_eq!(
            ok(
                store.delete_contact(alpha, inbox.answered[0].contact).await,
                "delete_contact"
            ),
            1
        );
        assert_eq!(
            ok(store.workflows(alpha, &[replaced]).await, "workflows"),
            vec![untouched(replaced)],
            "the erased response's follow-up is gone"
        );
        assert_eq!(ok(store.notes(alpha, replaced).await, "notes"), vec![]);
        assert_eq!(
            ok(
                store
                    .workflow_response_ids(alpha, &WorkflowFilter::default())
                    .await,
                "workflow_response_ids"
            ),
            vec![inbox.id(1), inbox.id(2)]
        );
        assert_eq!(
            ok(store.workflow_tags(alpha).await, "workflow_tags"),
            vec![("pricing".to_owned(), 2), ("refund".to_owned(), 1)],
            "its tags are no longer counted"
        );
        assert_eq!(
            ok(
                store.workflows(alpha, &[inbox.id(1), inbox.id(2)]).await,
                "workflows"
            ),
            kept,
            "other responses keep theirs"
        );
        assert_not_found(
            store
                .add_note(alpha, replaced, users.ann.id, "Too late", time(40))
                .await,
            "a note on an erased response",
        );
    }

    /// `workspaces` lists every workspace, oldest first.
    async fn every_workspace(&self) {
        let all = ok(self.store.workspaces().await, "workspaces");
        assert!(
            all.windows(2).all(|pair| pair[0].id < pair[1].id),
            "oldest first"
        );
        let prefix = format!("acc-{}-", self.run);
        let ours: Vec<&Workspace> = all
            .iter()
            .filter(|workspace| workspace.slug.starts_with(&prefix))
            .collect();
        assert_eq!(ours, vec![&self.beta, &self.alpha]);
        for workspace in ours {
            assert_eq!(
                ok(
                    self.store.workspace_by_id(workspace.id).await,
                    "workspace_by_id"
                )
                .as_ref(),
                Some(workspace)
            );
        }
    }
}
