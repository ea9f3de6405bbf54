//! A server over a fresh SQLite file (or PostgreSQL database) with two workspaces, users
//! arranged through its store, and browsers (cookie jars) to speak to it.

use std::sync::Arc;
use std::time::Duration;

use vouch_core::SurveyKind;
use vouch_http::ServerConfig;
use vouch_store::{Job, JobQuery, NewSurvey, Role, Store, Survey, SurveySettings, User, Workspace};
use vouch_test_kit::server::{TestServer, test_config};
use vouch_test_kit::storage::Storage;

pub use vouch_test_kit::accounts::PASSWORD;
pub use vouch_test_kit::browser::Browser;

/// One running server.
pub struct TestApp {
    /// `http://127.0.0.1:PORT`.
    pub base: String,
    /// The server's store.
    pub store: Arc<dyn Store>,
    /// Workspace A.
    pub acme: Workspace,
    /// Workspace B.
    pub globex: Workspace,
    _server: TestServer,
}

/// The server with default limits, its links pointing at itself.
pub async fn spawn_app() -> TestApp {
    spawn_app_on(Storage::sqlite().await).await
}

/// [`spawn_app`] over a fresh PostgreSQL database; `None` (said so) without one.
pub async fn spawn_app_postgres() -> Option<TestApp> {
    Some(spawn_app_on(Storage::postgres().await?).await)
}

/// [`spawn_app`] over `storage`.
pub async fn spawn_app_on(storage: Storage) -> TestApp {
    let server = TestServer::start(storage, |base| ServerConfig {
        public_url: base.to_owned(),
        ..test_config()
    })
    .await;
    let store = Arc::clone(&server.store);
    let acme = store.workspace("acme").await.expect("workspace A");
    let globex = store.workspace("globex").await.expect("workspace B");
    TestApp {
        base: server.base.clone(),
        store,
        acme,
        globex,
        _server: server,
    }
}

impl TestApp {
    /// A new browser with an empty cookie jar.
    pub fn browser(&self) -> Browser {
        Browser::new(&self.base)
    }

    /// A user with [`PASSWORD`], member of `workspace` with `role` and `hr`.
    pub async fn user(&self, email: &str, workspace: &Workspace, role: Role, hr: bool) -> User {
        vouch_test_kit::accounts::user(self.store.as_ref(), email, workspace, role, hr).await
    }

    /// A browser signed in as a new user of `workspace`.
    pub async fn signed_in(&self, email: &str, workspace: &Workspace, role: Role) -> Browser {
        self.user(email, workspace, role, false).await;
        let browser = self.browser();
        browser.sign_in_as(email).await;
        browser
    }

    /// An NPS survey of `workspace`.
    pub async fn survey(&self, workspace: &Workspace, name: &str, kind: SurveyKind) -> Survey {
        self.store
            .create_survey(
                workspace.id,
                NewSurvey {
                    name: name.into(),
                    kind,
                    question: kind.default_question(None),
                    follow_up: vouch_core::survey::DEFAULT_FOLLOW_UP.into(),
                    slug: None,
                    settings: SurveySettings::default(),
                },
            )
            .await
            .expect("a survey")
    }

    /// The queued jobs of a kind, newest first.
    pub async fn jobs(&self, kind: &str) -> Vec<Job> {
        self.store
            .jobs(&JobQuery {
                workspace: None,
                status: None,
                kind: Some(kind.into()),
                limit: 100,
            })
            .await
            .expect("the jobs")
    }

    /// Waits (up to 5 s) for `count` jobs of a kind.
    pub async fn wait_for_jobs(&self, kind: &str, count: usize) -> Vec<Job> {
        for _ in 0..100 {
            let jobs = self.jobs(kind).await;
            if jobs.len() >= count {
                return jobs;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("fewer than {count} {kind} jobs were queued");
    }
}
