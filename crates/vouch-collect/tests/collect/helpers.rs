//! A server over a fresh SQLite file, and what the collection tests arrange through its store:
//! surveys, contacts, invitations, widget keys, tokens.

use std::sync::Arc;

use jiff::{SignedDuration, Timestamp};
use reqwest::header::HeaderMap;
use serde_json::Value;
use vouch_core::token::{Purpose, sign};
use vouch_core::{AttributeValue, SurveyKind};
use vouch_http::{Limits, ServerConfig};
use vouch_store::{
    Attributes, Channel, Contact, ContactKey, Invitation, KeyScope, NewInvitation, NewSurvey,
    NewWidgetKey, Store, StoredResponse, Survey, SurveySettings, WidgetKey, Workspace,
};
use vouch_test_kit::accounts::api_key;
use vouch_test_kit::server::{TestServer, test_config};
use vouch_test_kit::storage::Storage;

/// One running server.
pub struct TestApp {
    /// `http://127.0.0.1:PORT`.
    pub base: String,
    /// A client that follows no redirects and keeps no cookies.
    pub client: reqwest::Client,
    /// The server's store.
    pub store: Arc<dyn Store>,
    /// The workspace everything is arranged in.
    pub workspace: Workspace,
    /// A read key of the workspace, for reports.
    pub read_key: String,
    /// A write key of the workspace.
    pub write_key: String,
    _server: TestServer,
}

/// A reply read whole.
#[derive(Debug)]
pub struct Page {
    pub status: u16,
    pub headers: HeaderMap,
    pub text: String,
}

impl Page {
    /// The body as JSON.
    #[track_caller]
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.text)
            .unwrap_or_else(|_| panic!("{}: not JSON: {}", self.status, self.text))
    }

    /// A header's value, or "".
    pub fn header(&self, name: &str) -> &str {
        self.headers
            .get(name)
            .and_then(|value| value.to_str().ok())
            .unwrap_or("")
    }
}

/// The server with default limits.
pub async fn spawn_app() -> TestApp {
    spawn_with(Limits::default()).await
}

/// The server with these limits.
pub async fn spawn_with(limits: Limits) -> TestApp {
    let server = TestServer::start(Storage::sqlite().await, |_| ServerConfig {
        limits,
        ..test_config()
    })
    .await;
    let store = Arc::clone(&server.store);
    let workspace = store.workspace("acme").await.expect("a workspace");
    let read_key = api_key(store.as_ref(), &workspace, "reader", KeyScope::Read).await;
    let write_key = api_key(store.as_ref(), &workspace, "writer", KeyScope::Write).await;
    TestApp {
        base: server.base.clone(),
        client: reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .expect("a client"),
        store,
        workspace,
        read_key,
        write_key,
        _server: server,
    }
}

impl TestApp {
    /// The full URL of a path.
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// Sends a request and reads the reply.
    pub async fn send(&self, request: reqwest::RequestBuilder) -> Page {
        let response = request.send().await.expect("the server answers");
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        let text = response.text().await.expect("a body");
        Page {
            status,
            headers,
            text,
        }
    }

    /// `GET path`.
    pub async fn get(&self, path: &str) -> Page {
        self.send(self.client.get(self.url(path))).await
    }

    /// `POST path` with form fields.
    pub async fn post_form(&self, path: &str, fields: &[(&str, &str)]) -> Page {
        self.send(self.client.post(self.url(path)).form(fields))
            .await
    }

    /// A survey with these settings (and the standard wording).
    pub async fn survey(&self, name: &str, kind: SurveyKind, settings: SurveySettings) -> Survey {
        self.store
            .create_survey(
                self.workspace.id,
                NewSurvey {
                    name: name.into(),
                    kind,
                    question: kind.default_question(None),
                    follow_up: vouch_core::survey::DEFAULT_FOLLOW_UP.into(),
                    slug: None,
                    settings,
                },
            )
            .await
            .expect("a survey")
    }

    /// A contact with an email and attributes.
    pub async fn contact(&self, email: &str, attributes: &[(&str, &str)]) -> Contact {
        let attributes: Attributes = attributes
            .iter()
            .map(|(name, value)| ((*name).to_owned(), AttributeValue::String((*value).into())))
            .collect();
        let key = ContactKey {
            external_id: None,
            email: Some(email.into()),
        };
        self.store
            .upsert_contact(self.workspace.id, &key, &attributes, &[])
            .await
            .expect("a contact")
    }

    /// An email invitation valid for `days` days (negative: expired).
    pub async fn invite(&self, survey: &Survey, contact: &Contact, days: i64) -> Invitation {
        let new = NewInvitation {
            survey: survey.id,
            contact: contact.id,
            campaign: None,
            channel: Channel::Email,
            expires_at: Timestamp::now()
                .checked_add(SignedDuration::from_hours(24 * days))
                .expect("a time"),
        };
        self.store
            .invite(self.workspace.id, &[new])
            .await
            .expect("an invitation")
            .remove(0)
    }

    /// The token of an id for a purpose, as emails carry it.
    pub async fn token(&self, purpose: Purpose, id: i64) -> String {
        let secret = self.store.link_secret().await.expect("the link secret");
        sign(&secret, purpose, id)
    }

    /// A widget key of a survey.
    pub async fn widget_key(
        &self,
        survey: &Survey,
        key: &str,
        sample: f64,
        min_account_age_days: u32,
    ) -> WidgetKey {
        self.store
            .create_widget_key(
                self.workspace.id,
                NewWidgetKey {
                    survey: survey.id,
                    key: key.into(),
                    origins: vec!["https://app.example.com".into()],
                    sample,
                    min_account_age_days,
                },
            )
            .await
            .expect("a widget key")
    }

    /// Every live response of the workspace, oldest first.
    pub async fn responses(&self) -> Vec<StoredResponse> {
        let mut all = self
            .store
            .responses_after(self.workspace.id, Default::default(), None, 10_000)
            .await
            .expect("responses");
        let deleted: Vec<_> = self
            .store
            .deletions_after(self.workspace.id, 0)
            .await
            .expect("deletions")
            .into_iter()
            .map(|deletion| deletion.response)
            .collect();
        all.retain(|response| !deleted.contains(&response.id));
        all
    }

    /// How many deletions the workspace has logged.
    pub async fn deletions(&self) -> usize {
        self.store
            .deletions_after(self.workspace.id, 0)
            .await
            .expect("deletions")
            .len()
    }

    /// The API report of a survey.
    pub async fn report(&self, survey: &Survey) -> Value {
        let page = self
            .send(
                self.client
                    .get(self.url(&format!("/api/v1/surveys/{}/report", survey.id.0)))
                    .bearer_auth(&self.read_key),
            )
            .await;
        assert_eq!(page.status, 200, "{}", page.text);
        page.json()
    }
}
