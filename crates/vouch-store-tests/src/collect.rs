//! The answer-collection chapters of the story: survey links and settings, contacts in bulk,
//! who may be asked, invitations and their emails, answers through invitations, suppressions,
//! campaigns and reminders, widget keys, the job queue, and erasing a contact that was invited.
//!
//! They happen in workspaces of their own. Jobs are claimed across every workspace of the
//! database, and the story may run several times on one database, so the job chapter works on
//! a fake clock in 2001 (nothing else queues jobs then) and leaves every job it queued there
//! done or failed; the jobs other chapters queue are due now or in a far future that its
//! claims never reach.

use std::collections::BTreeMap;
use std::future::Future;
use std::pin::pin;
use std::task::Poll;

use jiff::{SignedDuration, Timestamp};
use vouch_core::{AttributeKind, AttributeValue, Score, SurveyKind};
use vouch_store::{
    Answer, Attributes, Campaign, CampaignJob, CampaignNumbers, CampaignRules, Channel, Contact,
    ContactId, ContactKey, Deletion, Eligibility, IngestRequest, Invitation, InvitationId, Job,
    JobId, JobPayload, JobQuery, JobStatus, NewCampaign, NewInvitation, NewJob, NewResponse,
    NewSurvey, NewWidgetKey, ResponseId, SendEmailJob, SendOutcome, Store, StoreError,
    StoredResponse, SuppressionReason, Survey, SurveyChanges, SurveySettings, WidgetKey, Wording,
    WorkspaceId, is_valid_slug,
};

use crate::fixtures::{all_responses, at, attributes, definition, key, ok, text};

/// Runs the answer-collection chapters.
pub(crate) async fn chapters(store: &dyn Store, run: &str) {
    let home = ok(
        store.workspace(&format!("collect-{run}")).await,
        "workspace",
    );
    let away = ok(
        store.workspace(&format!("collect-{run}-away")).await,
        "workspace",
    );
    let collect = Collect {
        store,
        run: run.to_owned(),
        home: home.id,
        away: away.id,
    };
    let survey = collect.survey_links_and_settings().await;
    let people = collect.contacts_in_bulk().await;
    collect.who_may_be_asked(&survey, &people).await;
    let suppressions = collect.suppressions(&people).await;
    let spring = collect.campaign_created(&survey).await;
    let invited = collect.invitations(&survey, &people, &spring).await;
    collect.sends(&invited, &spring).await;
    let answers = collect.answers(&invited, &people).await;
    collect.reminders(&invited, &spring).await;
    collect.campaign_runs(&survey, &spring).await;
    collect.widget_keys(&survey).await;
    collect
        .erasing_invited_contacts(&invited, &people, &answers, &spring, suppressions)
        .await;
    jobs(store, run).await;
}

/// The workspaces the chapters happen in.
struct Collect<'s> {
    store: &'s dyn Store,
    run: String,
    /// Where everything happens.
    home: WorkspaceId,
    /// Another workspace, which must never see or touch anything of `home`.
    away: WorkspaceId,
}

/// The contacts of `home`, by first name.
struct People {
    by_name: BTreeMap<&'static str, Contact>,
}

impl People {
    #[track_caller]
    fn get(&self, name: &str) -> &Contact {
        match self.by_name.get(name) {
            Some(contact) => contact,
            None => panic!("no contact {name} in the story"),
        }
    }

    fn id(&self, name: &str) -> ContactId {
        self.get(name).id
    }

    /// The names of contacts, in the order given.
    fn names(&self, contacts: &[Contact]) -> Vec<&'static str> {
        contacts
            .iter()
            .map(|contact| {
                self.by_name
                    .iter()
                    .find(|(_, known)| known.id == contact.id)
                    .map_or("someone else", |(name, _)| *name)
            })
            .collect()
    }
}

/// The invitations of the chapters, by contact name.
struct Invited {
    by_name: BTreeMap<&'static str, Invitation>,
}

impl Invited {
    #[track_caller]
    fn id(&self, name: &str) -> InvitationId {
        match self.by_name.get(name) {
            Some(invitation) => invitation.id,
            None => panic!("no invitation of {name} in the story"),
        }
    }
}

/// What the answer chapter wrote.
struct Answers {
    /// Ann's first answer, replaced since.
    replaced: StoredResponse,
    /// Ann's answer now.
    current: StoredResponse,
    /// The deletion sequence number before Ann's answer was replaced.
    deletions_before: i64,
}

/// The time window of something created now.
fn around_now() -> (Timestamp, Timestamp) {
    let minute = SignedDuration::from_secs(60);
    (Timestamp::now() - minute, Timestamp::now() + minute)
}

/// True when `time` is within a minute of now.
fn is_now(time: Timestamp) -> bool {
    let (before, after) = around_now();
    before < time && time < after
}

fn hours(count: i64) -> SignedDuration {
    SignedDuration::from_hours(count)
}

fn minutes(count: i64) -> SignedDuration {
    SignedDuration::from_mins(count)
}

#[track_caller]
fn score(value: i64) -> Score {
    match Score::new(value) {
        Ok(score) => score,
        Err(error) => panic!("bad score in the story: {error}"),
    }
}

/// Settings with every field away from its default.
fn custom_settings() -> SurveySettings {
    SurveySettings {
        brand_name: Some("Acme".into()),
        brand_color: Some("#336699".into()),
        logo_url: Some("https://acme.example/logo.png".into()),
        default_language: "fr".into(),
        follow_up_promoter: Some("Qu'avez-vous aimé ?".into()),
        follow_up_passive: None,
        follow_up_detractor: Some("Que faut-il changer ?".into()),
        translations: BTreeMap::from([(
            "en".to_owned(),
            Wording {
                question: Some("How likely are you to recommend Acme?".into()),
                follow_up: None,
            },
        )]),
        throttle_days: 30,
        link_enabled: false,
    }
}

/// A survey to create with a slug and settings.
fn survey_with(name: &str, slug: Option<String>, settings: SurveySettings) -> NewSurvey {
    NewSurvey {
        name: name.to_owned(),
        kind: SurveyKind::Nps,
        question: format!("How likely are you to recommend {name}?"),
        follow_up: "Why?".to_owned(),
        slug,
        settings,
    }
}

/// A contact of the chapters: name, external id, email, attributes.
type Person = (
    &'static str,
    Option<&'static str>,
    Option<&'static str>,
    Attributes,
);

/// The contacts of the chapters.
fn cast() -> Vec<Person> {
    let person = |plan: &str, country: &str, seats: Option<f64>| {
        let mut given = attributes(&[("plan", text(plan)), ("country", text(country))]);
        if let Some(seats) = seats {
            given.insert("seats".into(), AttributeValue::Number(seats));
        }
        given
    };
    vec![
        (
            "ann",
            Some("ann"),
            Some("ann@example.com"),
            person("pro", "FR", Some(3.0)),
        ),
        (
            "bob",
            Some("bob"),
            Some("Bob@Example.com"),
            person("free", "DE", Some(1.0)),
        ),
        ("cid", Some("cid"), None, person("pro", "FR", Some(10.0))),
        (
            "dot",
            None,
            Some("dot@example.com"),
            person("pro", "US", None),
        ),
        (
            "eli",
            Some("eli"),
            Some("eli@example.com"),
            person("team", "FR", None),
        ),
        (
            "fay",
            Some("fay"),
            Some("fay@example.com"),
            person("pro", "DE", None),
        ),
        (
            "gus",
            Some("gus"),
            Some("gus@example.com"),
            person("free", "US", None),
        ),
        (
            "hal",
            Some("hal"),
            Some("hal@example.com"),
            person("team", "US", None),
        ),
        (
            "ivy",
            Some("ivy"),
            Some("ivy@example.com"),
            person("free", "FR", None),
        ),
    ]
}

impl Collect<'_> {
    /// Slugs made from names or given, unique across the server; settings stored whole; the
    /// link secret.
    async fn survey_links_and_settings(&self) -> Survey {
        let (store, home, away) = (self.store, self.home, self.away);
        let defaults = SurveySettings::default();
        let survey = ok(
            store
                .create_survey(home, survey_with("Customer NPS", None, defaults.clone()))
                .await,
            "create_survey (slug made from the name)",
        );
        assert!(
            survey.slug.starts_with("customer-nps-")
                && survey.slug.len() == "customer-nps-".len() + 6
                && is_valid_slug(&survey.slug),
            "a slug is made from the name and six random hex digits, got {:?}",
            survey.slug
        );
        assert_eq!(survey.settings, defaults);
        let same_name_away = ok(
            store
                .create_survey(away, survey_with("Customer NPS", None, defaults.clone()))
                .await,
            "create_survey (same name in another workspace)",
        );
        assert_ne!(
            same_name_away.slug, survey.slug,
            "slugs are unique across the server"
        );
        assert_eq!(
            ok(store.survey_by_slug(&survey.slug).await, "survey_by_slug"),
            Some((home, survey.clone()))
        );
        assert_eq!(
            ok(
                store.survey_by_slug(&same_name_away.slug).await,
                "survey_by_slug"
            ),
            Some((away, same_name_away.clone())),
            "a slug finds its survey in any workspace"
        );
        assert_eq!(
            ok(
                store.survey_by_slug("no-such-survey").await,
                "survey_by_slug"
            ),
            None
        );

        let given = format!("onboarding-{}", self.run);
        let onboarding = ok(
            store
                .create_survey(
                    home,
                    survey_with("Onboarding", Some(given.clone()), custom_settings()),
                )
                .await,
            "create_survey (slug and settings given)",
        );
        assert_eq!(onboarding.slug, given);
        assert_eq!(onboarding.settings, custom_settings());
        assert_eq!(
            ok(store.survey(home, onboarding.id).await, "survey"),
            Some(onboarding.clone()),
            "settings are read back whole"
        );
        assert_eq!(
            ok(
                store.survey_by_name(home, "Onboarding").await,
                "survey_by_name"
            ),
            Some(onboarding.clone())
        );
        let listed = ok(store.surveys(home).await, "surveys");
        assert_eq!(
            listed
                .iter()
                .map(|listing| listing.survey.clone())
                .collect::<Vec<_>>(),
            vec![survey.clone(), onboarding.clone()],
            "listings carry slugs and settings"
        );

        let taken = store
            .create_survey(
                away,
                survey_with("Elsewhere", Some(given.clone()), defaults.clone()),
            )
            .await;
        assert!(
            matches!(taken, Err(StoreError::Conflict(_))),
            "a slug given that another workspace's survey has is a Conflict, got {taken:?}"
        );
        assert_eq!(
            ok(
                store.survey_by_name(away, "Elsewhere").await,
                "survey_by_name"
            ),
            None
        );
        let invalid = store
            .create_survey(
                home,
                survey_with("Bad slug", Some("Not A Slug".into()), defaults.clone()),
            )
            .await;
        assert!(
            invalid.is_err(),
            "an invalid slug is refused, got {invalid:?}"
        );
        assert_eq!(
            ok(
                store.survey_by_name(home, "Bad slug").await,
                "survey_by_name"
            ),
            None
        );

        let renamed_slug = format!("welcome-{}", self.run);
        let moved = ok(
            store
                .update_survey(
                    home,
                    onboarding.id,
                    SurveyChanges {
                        slug: Some(renamed_slug.clone()),
                        ..SurveyChanges::default()
                    },
                )
                .await,
            "update_survey (slug)",
        );
        assert_eq!(
            moved,
            Survey {
                slug: renamed_slug.clone(),
                ..onboarding.clone()
            },
            "only the slug changes"
        );
        assert_eq!(
            ok(store.survey_by_slug(&given).await, "survey_by_slug"),
            None,
            "the old slug is free"
        );
        assert_eq!(
            ok(store.survey_by_slug(&renamed_slug).await, "survey_by_slug"),
            Some((home, moved.clone()))
        );
        for (slug, conflict) in [(survey.slug.clone(), true), ("-bad".to_owned(), false)] {
            let refused = store
                .update_survey(
                    home,
                    onboarding.id,
                    SurveyChanges {
                        slug: Some(slug.clone()),
                        question: Some("Changed?".into()),
                        ..SurveyChanges::default()
                    },
                )
                .await;
            match conflict {
                true => assert!(
                    matches!(refused, Err(StoreError::Conflict(_))),
                    "a taken slug is a Conflict, got {refused:?}"
                ),
                false => assert!(refused.is_err(), "{slug:?} is refused, got {refused:?}"),
            }
            assert_eq!(
                ok(store.survey(home, onboarding.id).await, "survey"),
                Some(moved.clone()),
                "a refused change changes nothing"
            );
        }
        let plain = SurveySettings {
            brand_name: Some("Acme Europe".into()),
            ..SurveySettings::default()
        };
        let restyled = ok(
            store
                .update_survey(
                    home,
                    onboarding.id,
                    SurveyChanges {
                        settings: Some(plain.clone()),
                        ..SurveyChanges::default()
                    },
                )
                .await,
            "update_survey (settings)",
        );
        assert_eq!(
            restyled,
            Survey {
                settings: plain,
                ..moved
            },
            "settings are replaced whole, nothing else changes"
        );

        let secret = ok(store.link_secret().await, "link_secret");
        assert_eq!(secret.len(), 32, "the link secret is 32 random bytes");
        assert!(secret.iter().any(|byte| *byte != 0));
        assert_eq!(
            ok(store.link_secret().await, "link_secret"),
            secret,
            "the link secret is made once"
        );
        survey
    }

    /// `upsert_contacts`: created and updated counts, attributes merged as `upsert_contact`
    /// merges them.
    async fn contacts_in_bulk(&self) -> People {
        let (store, home) = (self.store, self.home);
        let definitions = [
            definition("plan", AttributeKind::String),
            definition("country", AttributeKind::String),
            definition("seats", AttributeKind::Number),
        ];
        let cast = cast();
        let entry = |person: &Person| (key(person.1, person.2), person.3.clone());
        assert_eq!(
            ok(
                store.upsert_contacts(home, &[], &definitions).await,
                "upsert_contacts (nothing)"
            ),
            (0, 0)
        );
        let first: Vec<(ContactKey, Attributes)> = cast[..3].iter().map(entry).collect();
        assert_eq!(
            ok(
                store.upsert_contacts(home, &first, &definitions).await,
                "upsert_contacts"
            ),
            (3, 0),
            "three contacts created"
        );
        // Ann gets more seats (her other attributes stay), Cid is given what he has: both
        // count as updated.
        let mut second = vec![
            (
                key(Some("ann"), None),
                attributes(&[("seats", AttributeValue::Number(5.0))]),
            ),
            entry(&cast[2]),
        ];
        second.extend(cast[3..].iter().map(entry));
        assert_eq!(
            ok(
                store.upsert_contacts(home, &second, &definitions).await,
                "upsert_contacts"
            ),
            (6, 2),
            "six created, two updated"
        );
        let nowhere = store
            .upsert_contacts(WorkspaceId(i64::MAX), &first, &definitions)
            .await;
        assert!(nowhere.is_err(), "contacts of a missing workspace fail");

        let mut by_name = BTreeMap::new();
        for (name, external_id, email, mut given) in cast {
            if name == "ann" {
                given.insert("seats".into(), AttributeValue::Number(5.0));
            }
            let found = ok(
                store.contact(home, &key(external_id, email)).await,
                "contact",
            );
            let Some(found) = found else {
                panic!("upsert_contacts created {name}");
            };
            assert_eq!(
                (
                    found.external_id.as_deref(),
                    found.email.as_deref(),
                    &found.attributes
                ),
                (external_id, email, &given),
                "{name} as given, attributes merged"
            );
            by_name.insert(name, found);
        }
        let ids: Vec<ContactId> = by_name.values().map(|contact| contact.id).collect();
        let mut sorted_ids = ids.clone();
        sorted_ids.sort();
        assert_eq!(
            ids, sorted_ids,
            "contacts were created in the order given (names are alphabetical)"
        );
        People { by_name }
    }

    /// Contacts matching filters, not surveyed since a time (a response counts), by cursor.
    async fn who_may_be_asked(&self, survey: &Survey, people: &People) {
        let store = self.store;
        let fay_answered = at("2020-06-01T12:00:00Z");
        let request = IngestRequest {
            response: NewResponse {
                survey: survey.id,
                contact: key(Some("fay"), None),
                attributes: Attributes::new(),
                score: score(7),
                comment: None,
                created_at: fay_answered,
                channel: "api".into(),
            },
            definitions: Vec::new(),
            idempotency: None,
        };
        ok(store.ingest(self.home, vec![request]).await, "ingest");
        assert_eq!(
            ok(
                store.last_surveyed(self.home, people.id("fay")).await,
                "last_surveyed"
            ),
            Some(fay_answered),
            "an answer counts as being surveyed"
        );
        assert_eq!(
            ok(
                store.last_surveyed(self.home, people.id("ann")).await,
                "last_surveyed"
            ),
            None,
            "never asked"
        );

        let everyone = [
            "ann", "bob", "cid", "dot", "eli", "fay", "gus", "hal", "ivy",
        ];
        let since_2020 = at("2020-01-01T00:00:00Z");
        let since_2021 = at("2021-01-01T00:00:00Z");
        let cases: Vec<(Eligibility, Vec<&str>, &str)> = vec![
            (
                self.eligibility(&[], since_2020),
                everyone
                    .iter()
                    .copied()
                    .filter(|name| *name != "fay")
                    .collect(),
                "fay answered since",
            ),
            (
                self.eligibility(&[], since_2021),
                everyone.to_vec(),
                "an answer before the time does not count",
            ),
            (
                self.eligibility(&[("plan", "pro")], since_2021),
                vec!["ann", "cid", "dot", "fay"],
                "one filter",
            ),
            (
                self.eligibility(&[("plan", "pro"), ("country", "FR")], since_2021),
                vec!["ann", "cid"],
                "filters of two attributes are ANDed",
            ),
            (
                self.eligibility(
                    &[("plan", "pro"), ("country", "FR"), ("plan", "team")],
                    since_2021,
                ),
                vec!["ann", "cid", "eli"],
                "values of one attribute are ORed",
            ),
            (
                self.eligibility(&[("seats", "5")], since_2021),
                vec!["ann"],
                "numbers compare as numbers (ann has 5 seats now)",
            ),
            (
                self.eligibility(&[("seats", "5.0")], since_2021),
                vec!["ann"],
                "5.0 is 5",
            ),
            (
                self.eligibility(&[("nothing", "x")], since_2021),
                Vec::new(),
                "an attribute nobody has",
            ),
            (
                Eligibility {
                    after: Some(people.id("cid")),
                    limit: 2,
                    ..self.eligibility(&[], since_2021)
                },
                vec!["dot", "eli"],
                "a page after a cursor",
            ),
            (
                Eligibility {
                    limit: 0,
                    ..self.eligibility(&[], since_2021)
                },
                Vec::new(),
                "a page of nothing",
            ),
        ];
        for (query, expected, why) in cases {
            self.assert_eligible(people, &query, &expected, why).await;
        }
        let elsewhere = ok(
            store
                .eligible_contacts(self.away, &self.eligibility(&[], since_2021))
                .await,
            "eligible_contacts",
        );
        assert!(elsewhere.is_empty(), "another workspace's contacts");
    }

    /// A query of every contact matching `filters` not surveyed since `since`, without the
    /// campaign or email rules.
    fn eligibility(&self, filters: &[(&str, &str)], since: Timestamp) -> Eligibility {
        Eligibility {
            filters: filters
                .iter()
                .map(|(name, value)| ((*name).to_owned(), (*value).to_owned()))
                .collect(),
            not_surveyed_since: since,
            campaign: None,
            need_email: false,
            after: None,
            limit: 100,
        }
    }

    async fn assert_eligible(
        &self,
        people: &People,
        query: &Eligibility,
        expected: &[&str],
        why: &str,
    ) {
        let found = ok(
            self.store.eligible_contacts(self.home, query).await,
            "eligible_contacts",
        );
        let names = people.names(&found);
        assert_eq!(names, expected, "{why}");
        for (contact, name) in found.iter().zip(names) {
            assert_eq!(contact, people.get(name), "eligible contacts are whole");
        }
    }

    /// Suppressing an address (lower-cased, first reason kept) and the contacts that then need
    /// an email. Returns Bob's suppressed address as stored.
    async fn suppressions(&self, people: &People) -> &'static str {
        let store = self.store;
        let unsubscribed = at("2026-04-01T00:00:00Z");
        ok(
            store
                .suppress_email(
                    self.home,
                    " BOB@example.COM ",
                    SuppressionReason::Unsubscribed,
                    unsubscribed,
                )
                .await,
            "suppress_email",
        );
        ok(
            store
                .suppress_email(
                    self.home,
                    "bob@example.com",
                    SuppressionReason::Bounced,
                    unsubscribed + hours(1),
                )
                .await,
            "suppress_email (again)",
        );
        for address in ["bob@example.com", "Bob@Example.com"] {
            assert_eq!(
                ok(store.suppression(self.home, address).await, "suppression"),
                Some(SuppressionReason::Unsubscribed),
                "addresses compare lower-cased; the first reason stays"
            );
        }
        assert_eq!(
            ok(
                store.suppression(self.away, "bob@example.com").await,
                "suppression"
            ),
            None,
            "suppressions are per workspace"
        );
        assert_eq!(
            ok(
                store.suppression(self.home, "ann@example.com").await,
                "suppression"
            ),
            None
        );
        let nowhere = store
            .suppress_email(
                WorkspaceId(i64::MAX),
                "x@example.com",
                SuppressionReason::Unsubscribed,
                unsubscribed,
            )
            .await;
        assert!(nowhere.is_err(), "a suppression in a missing workspace");
        let with_email = Eligibility {
            need_email: true,
            ..self.eligibility(&[], at("2021-01-01T00:00:00Z"))
        };
        self.assert_eligible(
            people,
            &with_email,
            &["ann", "dot", "eli", "fay", "gus", "hal", "ivy"],
            "Bob's address is suppressed and Cid has none",
        )
        .await;
        "bob@example.com"
    }

    /// A campaign is created with its first `run_campaign` job.
    async fn campaign_created(&self, survey: &Survey) -> Campaign {
        let store = self.store;
        let rules = CampaignRules {
            filters: vec![
                ("plan".into(), "pro".into()),
                ("plan".into(), "free".into()),
            ],
            sample: 0.5,
            throttle_days: 90,
            reminder_after_days: Some(3),
            repeat_every_days: Some(30),
            spread_over_weekdays: true,
        };
        let first_run_at = at("2999-01-01T00:00:00Z");
        let new = NewCampaign {
            survey: survey.id,
            name: "Spring".into(),
            rules: rules.clone(),
            first_run_at,
        };
        let spring = ok(
            store.create_campaign(self.home, new.clone()).await,
            "create_campaign",
        );
        assert_eq!(
            spring,
            Campaign {
                id: spring.id,
                workspace: self.home,
                survey: survey.id,
                name: "Spring".into(),
                rules,
                created_at: spring.created_at,
                next_run_at: Some(first_run_at),
                last_run_at: None,
            }
        );
        assert!(is_now(spring.created_at));
        assert_eq!(
            ok(store.campaign(self.home, spring.id).await, "campaign"),
            Some(spring.clone())
        );
        assert_eq!(
            ok(store.campaign(self.away, spring.id).await, "campaign"),
            None,
            "another workspace's campaign"
        );
        assert_eq!(
            ok(
                store.campaign_numbers(self.home, spring.id).await,
                "campaign_numbers"
            ),
            CampaignNumbers::default()
        );
        let elsewhere = store
            .create_campaign(
                self.home,
                NewCampaign {
                    survey: self.away_survey().await.id,
                    ..new
                },
            )
            .await;
        assert!(
            matches!(elsewhere, Err(StoreError::NotFound(_))),
            "a campaign of another workspace's survey is NotFound, got {elsewhere:?}"
        );
        let runs = self.jobs_of(self.home, "run_campaign").await;
        assert_eq!(runs.len(), 1, "one run queued");
        assert_queued(
            &runs[0],
            self.home,
            "run_campaign",
            &format!(r#"{{"campaign":{}}}"#, spring.id.0),
            5,
        );
        assert_eq!(runs[0].run_at, first_run_at);
        assert!(is_now(runs[0].created_at), "queued now");
        spring
    }

    /// The survey `away` has.
    async fn away_survey(&self) -> Survey {
        let found = ok(
            self.store.survey_by_name(self.away, "Customer NPS").await,
            "survey_by_name",
        );
        match found {
            Some(survey) => survey,
            None => panic!("the away workspace has its survey"),
        }
    }

    /// The workspace's jobs of a kind, newest first.
    async fn jobs_of(&self, workspace: WorkspaceId, kind: &str) -> Vec<Job> {
        ok(
            self.store
                .jobs(&JobQuery {
                    workspace: Some(workspace),
                    status: None,
                    kind: Some(kind.to_owned()),
                    limit: 100,
                })
                .await,
            "jobs",
        )
    }

    /// Invitations by email (each with its `send_email` job), link and widget; who may be
    /// asked afterwards; when people were last surveyed.
    async fn invitations(&self, survey: &Survey, people: &People, spring: &Campaign) -> Invited {
        let store = self.store;
        let expires_at = at("2026-12-31T00:00:00Z");
        let email = ["ann", "bob", "dot", "gus", "hal", "ivy"];
        let mut asked: Vec<(&'static str, Channel)> =
            email.iter().map(|name| (*name, Channel::Email)).collect();
        asked.push(("eli", Channel::Link));
        asked.push(("fay", Channel::Widget));
        let new: Vec<NewInvitation> = asked
            .iter()
            .map(|(name, channel)| NewInvitation {
                survey: survey.id,
                contact: people.id(name),
                campaign: (*channel == Channel::Email).then_some(spring.id),
                channel: *channel,
                expires_at,
            })
            .collect();
        let created = ok(store.invite(self.home, &new).await, "invite");
        assert_eq!(created.len(), new.len(), "one invitation each");
        let mut by_name = BTreeMap::new();
        for ((name, _), (invitation, asked)) in asked.iter().zip(created.iter().zip(&new)) {
            assert!(is_now(invitation.created_at));
            assert_eq!(
                invitation,
                &Invitation {
                    id: invitation.id,
                    workspace: self.home,
                    survey: asked.survey,
                    contact: asked.contact,
                    campaign: asked.campaign,
                    channel: asked.channel,
                    created_at: invitation.created_at,
                    expires_at,
                    sent_at: None,
                    bounced_at: None,
                    last_error: None,
                    opened_at: None,
                    reminded_at: None,
                    response: None,
                    answered_at: None,
                },
                "the invitation of {name}"
            );
            assert_eq!(
                ok(store.invitation(invitation.id).await, "invitation").as_ref(),
                Some(invitation)
            );
            by_name.insert(*name, invitation.clone());
        }
        let ids: Vec<InvitationId> = created.iter().map(|invitation| invitation.id).collect();
        assert!(
            ids.windows(2).all(|pair| pair[0] < pair[1]),
            "ids grow in the order given"
        );
        let invited = Invited { by_name };

        let sends = self.jobs_of(self.home, "send_email").await;
        let expected: Vec<String> = email
            .iter()
            .rev()
            .map(|name| {
                format!(
                    r#"{{"invitation":{},"reminder":false}}"#,
                    invited.id(name).0
                )
            })
            .collect();
        assert_eq!(
            sends
                .iter()
                .map(|job| job.payload.clone())
                .collect::<Vec<_>>(),
            expected,
            "one send_email job per email invitation, none for link and widget ones, newest first"
        );
        for job in &sends {
            assert_queued(job, self.home, "send_email", &job.payload, 8);
            assert!(is_now(job.created_at), "queued now");
            assert!(is_now(job.run_at), "a send is due at once");
        }

        let away_contact = ok(
            store
                .upsert_contact(self.away, &key(Some("ann"), None), &Attributes::new(), &[])
                .await,
            "upsert_contact (away)",
        );
        let foreign = [
            NewInvitation {
                contact: people.id("cid"),
                ..new[0].clone()
            },
            NewInvitation {
                contact: away_contact.id,
                ..new[0].clone()
            },
        ];
        let refused = store.invite(self.home, &foreign).await;
        assert!(
            matches!(refused, Err(StoreError::NotFound(_))),
            "inviting another workspace's contact is NotFound, got {refused:?}"
        );
        let with_foreign_survey = store
            .invite(
                self.home,
                &[NewInvitation {
                    survey: self.away_survey().await.id,
                    ..foreign[0].clone()
                }],
            )
            .await;
        assert!(
            matches!(with_foreign_survey, Err(StoreError::NotFound(_))),
            "inviting to another workspace's survey is NotFound, got {with_foreign_survey:?}"
        );
        assert_eq!(
            self.jobs_of(self.home, "send_email").await,
            sends,
            "a refused call queues nothing"
        );
        assert_eq!(
            ok(
                store.last_surveyed(self.home, people.id("cid")).await,
                "last_surveyed"
            ),
            None,
            "a refused call invites nobody"
        );
        assert!(ok(store.invite(self.home, &[]).await, "invite (nothing)").is_empty());
        assert_eq!(
            ok(store.invitation(InvitationId(i64::MAX)).await, "invitation"),
            None
        );

        let fay = &invited.by_name["fay"];
        assert_eq!(
            ok(
                store.last_surveyed(self.home, people.id("fay")).await,
                "last_surveyed"
            ),
            Some(fay.created_at),
            "the latest of invitations and answers"
        );
        let day = hours(24);
        let recently = Timestamp::now() - day;
        let soon = Timestamp::now() + hours(1);
        self.assert_eligible(
            people,
            &self.eligibility(&[], recently),
            &["cid"],
            "an invitation of any channel counts as being surveyed",
        )
        .await;
        self.assert_eligible(
            people,
            &Eligibility {
                campaign: Some((spring.id, recently)),
                ..self.eligibility(&[], soon)
            },
            &["cid", "eli", "fay"],
            "not invited by the campaign in this cycle",
        )
        .await;
        self.assert_eligible(
            people,
            &Eligibility {
                campaign: Some((spring.id, soon)),
                ..self.eligibility(&[], soon)
            },
            &[
                "ann", "bob", "cid", "dot", "eli", "fay", "gus", "hal", "ivy",
            ],
            "invited by the campaign in an earlier cycle",
        )
        .await;
        invited
    }

    /// Opening, and what sending each email came to; the campaign's numbers as it goes.
    async fn sends(&self, invited: &Invited, spring: &Campaign) {
        let store = self.store;
        let opened = at("2026-05-01T11:00:00Z");
        ok(
            store.mark_opened(invited.id("ann"), opened).await,
            "mark_opened",
        );
        ok(
            store
                .mark_opened(invited.id("ann"), opened + hours(1))
                .await,
            "mark_opened (again)",
        );
        let missing = store.mark_opened(InvitationId(i64::MAX), opened).await;
        assert!(
            matches!(missing, Err(StoreError::NotFound(_))),
            "opening an unknown invitation is NotFound, got {missing:?}"
        );

        let send = |name: &str, outcome: SendOutcome, time: &str| {
            let id = invited.id(name);
            let time = at(time);
            async move { ok(store.record_send(id, &outcome, time).await, "record_send") }
        };
        send(
            "ann",
            SendOutcome::Failed("timeout".into()),
            "2026-05-01T09:00:00Z",
        )
        .await;
        let failing = self.invitation(invited.id("ann")).await;
        assert_eq!(
            (failing.sent_at, failing.last_error.as_deref()),
            (None, Some("timeout")),
            "a failure keeps the invitation pending, with its error"
        );
        send("ann", SendOutcome::Sent, "2026-05-01T10:00:00Z").await;
        send("bob", SendOutcome::Suppressed, "2026-05-01T10:00:00Z").await;
        send(
            "dot",
            SendOutcome::Failed("connection refused".into()),
            "2026-05-01T10:00:00Z",
        )
        .await;
        send("gus", SendOutcome::Sent, "2026-05-01T09:00:00Z").await;
        send("hal", SendOutcome::Sent, "2026-05-03T09:00:00Z").await;
        send("ivy", SendOutcome::Sent, "2026-05-01T09:30:00Z").await;
        ok(
            store
                .suppress_email(
                    self.home,
                    "ivy@example.com",
                    SuppressionReason::Unsubscribed,
                    at("2026-05-01T12:00:00Z"),
                )
                .await,
            "suppress_email",
        );

        let ann = self.invitation(invited.id("ann")).await;
        assert_eq!(
            (ann.sent_at, ann.last_error.clone(), ann.opened_at),
            (Some(at("2026-05-01T10:00:00Z")), None, Some(opened)),
            "sent clears the error; the first opening stays"
        );
        let numbers = CampaignNumbers {
            invited: 6,
            sent: 4,
            bounced: 0,
            pending: 1,
            failing: 1,
            suppressed: 1,
            opened: 1,
            answered: 0,
            reminded: 0,
        };
        assert_eq!(
            self.numbers(spring).await,
            numbers,
            "ann, gus, hal, ivy sent"
        );

        send(
            "dot",
            SendOutcome::Bounced("550 unknown user".into()),
            "2026-05-01T11:00:00Z",
        )
        .await;
        let dot = self.invitation(invited.id("dot")).await;
        assert_eq!(
            (dot.sent_at, dot.bounced_at, dot.last_error.as_deref()),
            (
                None,
                Some(at("2026-05-01T11:00:00Z")),
                Some("550 unknown user")
            )
        );
        assert_eq!(
            ok(
                store.suppression(self.home, "dot@example.com").await,
                "suppression"
            ),
            Some(SuppressionReason::Bounced),
            "a bounce suppresses the address"
        );
        let bob = self.invitation(invited.id("bob")).await;
        assert_eq!((bob.sent_at, bob.bounced_at), (None, None));
        assert_eq!(
            self.numbers(spring).await,
            CampaignNumbers {
                bounced: 1,
                pending: 0,
                failing: 0,
                ..numbers
            }
        );
        let unknown = store
            .record_send(InvitationId(i64::MAX), &SendOutcome::Sent, opened)
            .await;
        assert!(
            matches!(unknown, Err(StoreError::NotFound(_))),
            "sending an unknown invitation is NotFound, got {unknown:?}"
        );
    }

    async fn invitation(&self, id: InvitationId) -> Invitation {
        match ok(self.store.invitation(id).await, "invitation") {
            Some(invitation) => invitation,
            None => panic!("invitation {} exists", id.0),
        }
    }

    async fn numbers(&self, campaign: &Campaign) -> CampaignNumbers {
        ok(
            self.store.campaign_numbers(self.home, campaign.id).await,
            "campaign_numbers",
        )
    }

    /// Answers through invitations: the first one, the same again (nothing happens), a changed
    /// one (replaces the first, keeping its time), through a link.
    async fn answers(&self, invited: &Invited, people: &People) -> Answers {
        let store = self.store;
        let ann = invited.id("ann");
        let before = all_responses(store, self.home, None, 100).await;
        assert_eq!(before.len(), 1, "fay's answer through the API");
        let last = before[0].id;
        let deletions_before = self.last_deletion().await;

        let first_at = at("2026-05-02T08:00:00Z");
        let first = ok(
            store
                .record_answer(&Answer {
                    invitation: ann,
                    score: score(9),
                    comment: Some("Great".into()),
                    at: first_at,
                })
                .await,
            "record_answer",
        );
        let ann_contact = people.get("ann");
        assert_eq!(
            first,
            StoredResponse {
                id: first.id,
                survey: invited.by_name["ann"].survey,
                contact: ann_contact.id,
                score: score(9),
                comment: Some("Great".into()),
                created_at: first_at,
                channel: "email".into(),
                attributes: ann_contact.attributes.clone(),
            },
            "the invitation's survey, contact and channel, the contact's attributes"
        );
        assert!(first.id > last);
        assert_eq!(
            all_responses(store, self.home, None, 100).await[1..],
            *std::slice::from_ref(&first)
        );
        let answered = self.invitation(ann).await;
        assert_eq!(
            (answered.response, answered.answered_at),
            (Some(first.id), Some(first_at))
        );

        let same = ok(
            store
                .record_answer(&Answer {
                    invitation: ann,
                    score: score(9),
                    comment: Some("Great".into()),
                    at: first_at + hours(1),
                })
                .await,
            "record_answer (the same again)",
        );
        assert_eq!(same, first, "the same answer again changes nothing");
        assert_eq!(self.last_deletion().await, deletions_before);
        assert_eq!(self.invitation(ann).await, answered);

        let now_team = attributes(&[("plan", text("team"))]);
        let updated = ok(
            store
                .upsert_contact(self.home, &key(Some("ann"), None), &now_team, &[])
                .await,
            "upsert_contact",
        );
        let changed = ok(
            store
                .record_answer(&Answer {
                    invitation: ann,
                    score: score(6),
                    comment: None,
                    at: at("2026-05-03T08:00:00Z"),
                })
                .await,
            "record_answer (changed)",
        );
        assert!(changed.id > first.id, "the new answer has a new id");
        assert_eq!(
            changed,
            StoredResponse {
                id: changed.id,
                score: score(6),
                comment: None,
                attributes: updated.attributes.clone(),
                ..first.clone()
            },
            "the first answer's time, the contact's attributes now"
        );
        let deletions = ok(
            store.deletions_after(self.home, deletions_before).await,
            "deletions_after",
        );
        assert_eq!(
            deletions.iter().map(|d| d.response).collect::<Vec<_>>(),
            vec![first.id],
            "the replaced answer is erased"
        );
        assert_eq!(
            ok(
                store.responses_after(self.home, last, None, 100).await,
                "responses_after"
            ),
            vec![changed.clone()],
            "only the new answer is there"
        );
        assert_eq!(
            ok(store.response(self.home, first.id).await, "response"),
            None
        );
        let reanswered = self.invitation(ann).await;
        assert_eq!(
            (reanswered.response, reanswered.answered_at),
            (Some(changed.id), Some(first_at)),
            "answered_at is the first answer's"
        );

        let through_link = ok(
            store
                .record_answer(&Answer {
                    invitation: invited.id("eli"),
                    score: score(10),
                    comment: None,
                    at: at("2026-05-03T10:00:00Z"),
                })
                .await,
            "record_answer (link)",
        );
        assert_eq!(through_link.channel, "link");
        assert_eq!(through_link.contact, people.id("eli"));
        let unknown = store
            .record_answer(&Answer {
                invitation: InvitationId(i64::MAX),
                score: score(5),
                comment: None,
                at: first_at,
            })
            .await;
        assert!(
            matches!(unknown, Err(StoreError::NotFound(_))),
            "answering an unknown invitation is NotFound, got {unknown:?}"
        );
        Answers {
            replaced: first,
            current: changed,
            deletions_before,
        }
    }

    /// The last sequence number of the home workspace's deletion log (0 when empty).
    async fn last_deletion(&self) -> i64 {
        let deletions = ok(
            self.store.deletions_after(self.home, 0).await,
            "deletions_after",
        );
        deletions.last().map_or(0, |deletion| deletion.sequence)
    }

    /// Reminders: only for invitations sent before the time, not answered, bounced or reminded,
    /// whose address is not suppressed.
    async fn reminders(&self, invited: &Invited, spring: &Campaign) {
        let store = self.store;
        let sends_before = self.jobs_of(self.home, "send_email").await;
        let first_now = at("2026-05-04T00:00:00Z");
        let queued = ok(
            store
                .queue_reminders(self.home, spring.id, at("2026-05-02T00:00:00Z"), first_now)
                .await,
            "queue_reminders",
        );
        assert_eq!(
            queued, 1,
            "gus only: ann answered, bob was not sent, dot bounced, hal was sent later, ivy \
             unsubscribed"
        );
        let sends = self.jobs_of(self.home, "send_email").await;
        assert_eq!(sends.len(), sends_before.len() + 1);
        assert_eq!(sends[1..], sends_before[..]);
        assert_queued(
            &sends[0],
            self.home,
            "send_email",
            &format!(
                r#"{{"invitation":{},"reminder":true}}"#,
                invited.id("gus").0
            ),
            8,
        );
        assert_eq!(sends[0].run_at, first_now, "a reminder is due at `now`");
        assert_eq!(
            self.invitation(invited.id("gus")).await.reminded_at,
            Some(first_now)
        );
        let again = ok(
            store
                .queue_reminders(self.home, spring.id, at("2026-05-02T00:00:00Z"), first_now)
                .await,
            "queue_reminders (again)",
        );
        assert_eq!(again, 0, "one reminder each");
        let later = ok(
            store
                .queue_reminders(
                    self.home,
                    spring.id,
                    at("2026-05-10T00:00:00Z"),
                    at("2026-05-10T00:00:00Z"),
                )
                .await,
            "queue_reminders (later)",
        );
        assert_eq!(later, 1, "hal");
        assert_eq!(self.numbers(spring).await.reminded, 2);
        let elsewhere = store
            .queue_reminders(self.away, spring.id, first_now, first_now)
            .await;
        assert!(
            matches!(elsewhere, Err(StoreError::NotFound(_))),
            "another workspace's campaign is NotFound, got {elsewhere:?}"
        );
    }

    /// Runs finished (with and without a next one), a second campaign, listings.
    async fn campaign_runs(&self, survey: &Survey, spring: &Campaign) {
        let store = self.store;
        let next = at("3000-01-01T00:00:00Z");
        ok(
            store
                .finish_campaign_run(self.home, spring.id, at("2999-01-01T00:05:00Z"), Some(next))
                .await,
            "finish_campaign_run",
        );
        let spring_now = Campaign {
            last_run_at: Some(at("2999-01-01T00:05:00Z")),
            next_run_at: Some(next),
            ..spring.clone()
        };
        assert_eq!(
            ok(store.campaign(self.home, spring.id).await, "campaign"),
            Some(spring_now.clone())
        );
        let runs = self.jobs_of(self.home, "run_campaign").await;
        assert_eq!(runs.len(), 2, "the next run is queued");
        assert_queued(
            &runs[0],
            self.home,
            "run_campaign",
            &format!(r#"{{"campaign":{}}}"#, spring.id.0),
            5,
        );
        assert_eq!(runs[0].run_at, next);

        let once = ok(
            store
                .create_campaign(
                    self.home,
                    NewCampaign {
                        survey: survey.id,
                        name: "Once".into(),
                        rules: CampaignRules {
                            filters: Vec::new(),
                            sample: 1.0,
                            throttle_days: 30,
                            reminder_after_days: None,
                            repeat_every_days: None,
                            spread_over_weekdays: false,
                        },
                        first_run_at: at("2999-06-01T00:00:00Z"),
                    },
                )
                .await,
            "create_campaign",
        );
        assert!(once.id > spring.id);
        ok(
            store
                .finish_campaign_run(self.home, once.id, at("2999-06-01T00:01:00Z"), None)
                .await,
            "finish_campaign_run (the last one)",
        );
        let once_now = Campaign {
            last_run_at: Some(at("2999-06-01T00:01:00Z")),
            next_run_at: None,
            ..once.clone()
        };
        assert_eq!(
            ok(store.campaign(self.home, once.id).await, "campaign"),
            Some(once_now.clone())
        );
        assert_eq!(
            self.jobs_of(self.home, "run_campaign").await.len(),
            3,
            "its first run only: none after the last"
        );
        let spring_numbers = self.numbers(spring).await;
        assert_eq!(
            ok(store.campaigns(self.home).await, "campaigns"),
            vec![
                (once_now, CampaignNumbers::default()),
                (spring_now, spring_numbers)
            ],
            "newest first, with their numbers"
        );
        assert!(ok(store.campaigns(self.away).await, "campaigns").is_empty());
        let elsewhere = store
            .finish_campaign_run(self.away, spring.id, next, None)
            .await;
        assert!(
            matches!(elsewhere, Err(StoreError::NotFound(_))),
            "finishing another workspace's campaign is NotFound, got {elsewhere:?}"
        );
        let numbers_elsewhere = store.campaign_numbers(self.away, spring.id).await;
        assert!(
            matches!(numbers_elsewhere, Err(StoreError::NotFound(_))),
            "numbers of another workspace's campaign are NotFound, got {numbers_elsewhere:?}"
        );
    }

    /// Widget keys: created, found by key in any workspace, listed, unique across the server,
    /// revoked.
    async fn widget_keys(&self, survey: &Survey) {
        let store = self.store;
        let new = |name: &str| NewWidgetKey {
            survey: survey.id,
            key: format!("pk_{}_{name}", self.run),
            origins: vec![
                "https://app.example.com".into(),
                "http://localhost:3000".into(),
            ],
            sample: 0.25,
            min_account_age_days: 14,
        };
        let one = ok(
            store.create_widget_key(self.home, new("one")).await,
            "create_widget_key",
        );
        assert!(is_now(one.created_at));
        assert_eq!(
            one,
            WidgetKey {
                id: one.id,
                workspace: self.home,
                survey: survey.id,
                key: new("one").key,
                origins: new("one").origins,
                sample: 0.25,
                min_account_age_days: 14,
                created_at: one.created_at,
                revoked_at: None,
            }
        );
        assert_eq!(
            ok(store.widget_key(&one.key).await, "widget_key"),
            Some(one.clone())
        );
        assert_eq!(ok(store.widget_key("pk_nobody").await, "widget_key"), None);
        let away_survey = self.away_survey().await;
        let taken = store
            .create_widget_key(
                self.away,
                NewWidgetKey {
                    survey: away_survey.id,
                    ..new("one")
                },
            )
            .await;
        assert!(
            matches!(taken, Err(StoreError::Conflict(_))),
            "a key is unique across the server, got {taken:?}"
        );
        let foreign = store
            .create_widget_key(
                self.home,
                NewWidgetKey {
                    survey: away_survey.id,
                    ..new("foreign")
                },
            )
            .await;
        assert!(
            matches!(foreign, Err(StoreError::NotFound(_))),
            "a key for another workspace's survey is NotFound, got {foreign:?}"
        );
        let two = ok(
            store
                .create_widget_key(
                    self.home,
                    NewWidgetKey {
                        origins: Vec::new(),
                        sample: 1.0,
                        min_account_age_days: 0,
                        ..new("two")
                    },
                )
                .await,
            "create_widget_key",
        );
        assert_eq!(two.origins, Vec::<String>::new());
        assert_eq!(
            ok(store.widget_keys(self.home).await, "widget_keys"),
            vec![one.clone(), two.clone()],
            "oldest first"
        );
        assert!(ok(store.widget_keys(self.away).await, "widget_keys").is_empty());

        ok(
            store.revoke_widget_key(self.home, &one.key).await,
            "revoke_widget_key",
        );
        let revoked = ok(store.widget_key(&one.key).await, "widget_key");
        let revoked_at = revoked.as_ref().and_then(|key| key.revoked_at);
        assert!(revoked_at.is_some_and(is_now), "revoked now");
        assert_eq!(
            revoked,
            Some(WidgetKey {
                revoked_at,
                ..one.clone()
            }),
            "revoking changes nothing else"
        );
        ok(
            store.revoke_widget_key(self.home, &one.key).await,
            "revoke_widget_key (again)",
        );
        assert_eq!(
            ok(store.widget_key(&one.key).await, "widget_key"),
            revoked,
            "revoking again keeps the first time"
        );
        for (workspace, key) in [(self.away, two.key.as_str()), (self.home, "pk_nobody")] {
            let outcome = store.revoke_widget_key(workspace, key).await;
            assert!(
                matches!(outcome, Err(StoreError::NotFound(_))),
                "revoking a key the workspace does not have is NotFound, got {outcome:?}"
            );
        }
        assert_eq!(
            ok(store.widget_key(&two.key).await, "widget_key"),
            Some(two)
        );
    }

    /// Erasing contacts that were invited: their invitations and answers go, suppressions of
    /// their addresses stay.
    async fn erasing_invited_contacts(
        &self,
        invited: &Invited,
        people: &People,
        answers: &Answers,
        spring: &Campaign,
        suppressed: &str,
    ) {
        let store = self.store;
        let erased = ok(
            store.delete_contact(self.home, people.id("ann")).await,
            "delete_contact",
        );
        assert_eq!(erased, 1, "her current answer");
        assert_eq!(
            ok(
                store
                    .deletions_after(self.home, answers.deletions_before)
                    .await,
                "deletions_after"
            )
            .iter()
            .map(|deletion: &Deletion| deletion.response)
            .collect::<Vec<ResponseId>>(),
            vec![answers.replaced.id, answers.current.id],
            "the replaced answer, then the erased one"
        );
        assert_eq!(
            ok(store.invitation(invited.id("ann")).await, "invitation"),
            None,
            "her invitation is erased with her"
        );
        assert_eq!(
            ok(
                store.last_surveyed(self.home, people.id("ann")).await,
                "last_surveyed"
            ),
            None
        );
        let numbers = self.numbers(spring).await;
        assert_eq!(
            (
                numbers.invited,
                numbers.sent,
                numbers.opened,
                numbers.answered
            ),
            (5, 3, 0, 0),
            "numbers count the invitations that are left"
        );
        assert_eq!(
            ok(
                store.delete_contact(self.home, people.id("ivy")).await,
                "delete_contact"
            ),
            0
        );
        assert_eq!(
            ok(
                store.suppression(self.home, "ivy@example.com").await,
                "suppression"
            ),
            Some(SuppressionReason::Unsubscribed),
            "an unsubscribe outlives the contact"
        );
        assert_eq!(
            ok(
                store.suppression(self.home, suppressed).await,
                "suppression"
            ),
            Some(SuppressionReason::Unsubscribed)
        );
        let again = ok(
            store
                .upsert_contact(
                    self.home,
                    &key(Some("ivy"), Some("ivy@example.com")),
                    &Attributes::new(),
                    &[],
                )
                .await,
            "upsert_contact (ivy again)",
        );
        assert_ne!(again.id, people.id("ivy"), "a new contact");
        let with_email = Eligibility {
            need_email: true,
            after: Some(people.id("ivy")),
            ..self.eligibility(&[], Timestamp::now() + hours(1))
        };
        let found = ok(
            store.eligible_contacts(self.home, &with_email).await,
            "eligible_contacts",
        );
        assert!(
            found.is_empty(),
            "ivy added again is still unsubscribed, got {found:?}"
        );
    }
}

/// Asserts that a job is queued and untouched, with its kind, payload and attempts.
#[track_caller]
fn assert_queued(job: &Job, workspace: WorkspaceId, kind: &str, payload: &str, attempts: u32) {
    assert_eq!(
        (
            job.workspace,
            job.kind.as_str(),
            job.payload.as_str(),
            job.status,
            job.attempts,
            job.max_attempts,
            job.locked_until,
            job.last_error.as_deref(),
        ),
        (
            workspace,
            kind,
            payload,
            JobStatus::Queued,
            0,
            attempts,
            None,
            None
        ),
        "a queued job"
    );
    assert_eq!(job.updated_at, job.created_at, "not changed since");
}

/// The job queue on a fake clock in 2001: queued, claimed across workspaces oldest first, a
/// lease that runs out, done, failed and retried, failed for good, listings, and two workers
/// claiming at once.
async fn jobs(store: &dyn Store, run: &str) {
    let home = ok(store.workspace(&format!("jobs-{run}")).await, "workspace").id;
    let away = ok(
        store.workspace(&format!("jobs-{run}-away")).await,
        "workspace",
    )
    .id;
    let start = at("2001-01-01T00:00:00Z");
    let new = |payload: JobPayload, run_at: Timestamp, max_attempts: u32| NewJob {
        payload,
        run_at,
        max_attempts,
    };
    // Jobs of a few kinds; the queue neither reads them nor looks up what they name.
    let run = |campaign: i64| JobPayload::RunCampaign(CampaignJob { campaign });
    let remind = |campaign: i64| JobPayload::CampaignReminders(CampaignJob { campaign });
    let send = |invitation: i64| {
        JobPayload::SendEmail(SendEmailJob {
            invitation,
            reminder: false,
        })
    };
    let kind_b = remind(0).kind();
    let enqueue = |workspace: WorkspaceId, job: NewJob| async move {
        let queued = ok(
            store.enqueue_job(workspace, job.clone()).await,
            "enqueue_job",
        );
        assert_queued(
            &queued,
            workspace,
            job.payload.kind(),
            &job.payload.to_payload_json(),
            job.max_attempts,
        );
        assert_eq!(queued.run_at, job.run_at);
        assert!(is_now(queued.created_at), "queued now");
        queued
    };
    let first = enqueue(home, new(run(1), start + hours(1), 3)).await;
    let other = enqueue(away, new(remind(2), start + minutes(30), 2)).await;
    let later = enqueue(home, new(run(3), start + hours(5), 3)).await;
    let nowhere = store
        .enqueue_job(WorkspaceId(i64::MAX), new(run(4), start, 1))
        .await;
    assert!(nowhere.is_err(), "a job of a missing workspace");

    let claim = |now: Timestamp, lease: SignedDuration, limit: usize| async move {
        ok(
            store.claim_jobs(now, now + lease, limit).await,
            "claim_jobs",
        )
    };
    let running = |job: &Job, now: Timestamp, lease: SignedDuration, attempts: u32| Job {
        status: JobStatus::Running,
        attempts,
        locked_until: Some(now + lease),
        updated_at: now,
        ..job.clone()
    };
    let lease = minutes(10);
    assert_eq!(claim(start, lease, 10).await, Vec::new(), "nothing due yet");
    let now = start + hours(2);
    assert_eq!(
        claim(now, lease, 1).await,
        vec![running(&other, now, lease, 1)],
        "the oldest due job first, of any workspace"
    );
    assert_eq!(
        claim(now, lease, 10).await,
        vec![running(&first, now, lease, 1)],
        "a running job is not claimed again while its lease holds"
    );
    assert_eq!(claim(now, lease, 0).await, Vec::new(), "a limit of 0");

    ok(
        store.complete_job(first.id, now + minutes(1)).await,
        "complete_job",
    );
    ok(
        store
            .fail_job(
                other.id,
                "smtp down",
                Some(start + hours(3)),
                now + minutes(2),
            )
            .await,
        "fail_job (retry)",
    );
    let first_done = Job {
        status: JobStatus::Done,
        attempts: 1,
        updated_at: now + minutes(1),
        ..first.clone()
    };
    let other_retried = Job {
        status: JobStatus::Queued,
        attempts: 1,
        run_at: start + hours(3),
        last_error: Some("smtp down".into()),
        updated_at: now + minutes(2),
        ..other.clone()
    };
    let listed = |workspace: WorkspaceId, status: Option<JobStatus>, kind: Option<&str>| {
        let query = JobQuery {
            workspace: Some(workspace),
            status,
            kind: kind.map(str::to_owned),
            limit: 10,
        };
        async move { ok(store.jobs(&query).await, "jobs") }
    };
    assert_eq!(
        listed(home, None, None).await,
        vec![later.clone(), first_done.clone()],
        "newest first"
    );
    assert_eq!(listed(away, None, None).await, vec![other_retried.clone()]);
    assert_eq!(
        claim(start + hours(2) + minutes(30), lease, 10).await,
        Vec::new(),
        "a retry waits for its time"
    );

    let now = start + hours(6);
    assert_eq!(
        claim(now, lease, 10).await,
        vec![
            running(&other_retried, now, lease, 2),
            running(&later, now, lease, 1)
        ],
        "oldest run_at first; a retried job keeps its last error"
    );
    assert_eq!(
        claim(now + minutes(5), lease, 10).await,
        Vec::new(),
        "leases hold"
    );
    let after_lease = now + lease + minutes(1);
    let reclaimed = claim(after_lease, lease, 10).await;
    assert_eq!(
        reclaimed,
        vec![
            running(&other_retried, after_lease, lease, 3),
            running(&later, after_lease, lease, 2)
        ],
        "a job whose lease ran out is claimed again, one attempt more"
    );
    ok(
        store
            .fail_job(other.id, "no such user", None, after_lease + minutes(1))
            .await,
        "fail_job (for good)",
    );
    ok(
        store.complete_job(later.id, after_lease + minutes(2)).await,
        "complete_job",
    );
    let other_failed = Job {
        status: JobStatus::Failed,
        locked_until: None,
        last_error: Some("no such user".into()),
        updated_at: after_lease + minutes(1),
        ..reclaimed[0].clone()
    };
    let later_done = Job {
        status: JobStatus::Done,
        locked_until: None,
        updated_at: after_lease + minutes(2),
        ..reclaimed[1].clone()
    };
    assert_eq!(
        claim(after_lease + hours(1), lease, 10).await,
        Vec::new(),
        "done and failed jobs are never claimed"
    );
    assert_eq!(
        listed(home, Some(JobStatus::Done), None).await,
        vec![later_done.clone(), first_done.clone()]
    );
    assert_eq!(
        listed(home, Some(JobStatus::Failed), None).await,
        Vec::new()
    );
    assert_eq!(
        listed(away, Some(JobStatus::Failed), Some(kind_b)).await,
        vec![other_failed.clone()]
    );
    assert_eq!(
        listed(home, None, Some(kind_b)).await,
        Vec::new(),
        "kinds filter"
    );
    let newest_failed = ok(
        store
            .jobs(&JobQuery {
                workspace: None,
                status: Some(JobStatus::Failed),
                kind: Some(kind_b.into()),
                limit: 1,
            })
            .await,
        "jobs (every workspace)",
    );
    assert_eq!(newest_failed, vec![other_failed], "across workspaces");
    let none = ok(
        store
            .jobs(&JobQuery {
                workspace: Some(home),
                limit: 0,
                ..JobQuery::default()
            })
            .await,
        "jobs (limit 0)",
    );
    assert!(none.is_empty());
    for outcome in [
        store.complete_job(JobId(i64::MAX), now).await,
        store.fail_job(JobId(i64::MAX), "x", None, now).await,
    ] {
        assert!(
            matches!(outcome, Err(StoreError::NotFound(_))),
            "an unknown job is NotFound, got {outcome:?}"
        );
    }

    // Two workers claim at once: every due job goes to exactly one of them.
    let batch_at = start + hours(8);
    let mut queued = Vec::new();
    for number in 0..6 {
        let job = new(send(number), batch_at, 1);
        queued.push(enqueue(home, job).await.id);
    }
    let now = batch_at + minutes(1);
    let (left, right) = both(
        store.claim_jobs(now, now + lease, 4),
        store.claim_jobs(now, now + lease, 4),
    )
    .await;
    let (left, right) = (ok(left, "claim_jobs"), ok(right, "claim_jobs"));
    let mut claimed: Vec<JobId> = left.iter().chain(&right).map(|job| job.id).collect();
    claimed.sort();
    assert_eq!(
        claimed, queued,
        "two workers claiming at once share the jobs, none twice"
    );
    for id in claimed {
        ok(
            store.complete_job(id, now + minutes(1)).await,
            "complete_job",
        );
    }
    assert_eq!(claim(now + hours(1), lease, 10).await, Vec::new());
}

/// Runs two futures at once and gives both outputs.
pub(crate) async fn both<A: Future, B: Future>(left: A, right: B) -> (A::Output, B::Output) {
    let (mut left, mut right) = (pin!(left), pin!(right));
    let (mut left_done, mut right_done) = (None, None);
    std::future::poll_fn(|context| {
        if left_done.is_none()
            && let Poll::Ready(output) = left.as_mut().poll(context)
        {
            left_done = Some(output);
        }
        if right_done.is_none()
            && let Poll::Ready(output) = right.as_mut().poll(context)
        {
            right_done = Some(output);
        }
        match (left_done.take(), right_done.take()) {
            (Some(left), Some(right)) => Poll::Ready((left, right)),
            (left, right) => {
                left_done = left;
                right_done = right;
                Poll::Pending
            }
        }
    })
    .await
}
