//! A server over a fresh SQLite file with two workspaces, users arranged through its store,
//! and browsers (cookie jars) to speak to it.

use std::sync::Arc;
use std::time::Duration;

use reqwest::header::HeaderMap;
use tokio::net::TcpListener;
use tokio::sync::oneshot;
use vouch_core::SurveyKind;
use vouch_dashboard::auth_pages::hash_password;
use vouch_http::{Limits, ServerConfig};
use vouch_store::{
    Job, JobQuery, NewSurvey, NewUser, Role, Store, Survey, SurveySettings, User, Workspace,
};

/// The password every arranged user has.
pub const PASSWORD: &str = "correct horse battery";

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
    shutdown: Option<oneshot::Sender<()>>,
    _dir: tempfile::TempDir,
}

/// A reply read whole.
#[derive(Debug)]
pub struct Page {
    pub status: u16,
    pub headers: HeaderMap,
    pub text: String,
}

impl Page {
    /// A header's value, or "".
    pub fn header(&self, name: &str) -> &str {
        self.headers
            .get(name)
            .and_then(|value| value.to_str().ok())
            .unwrap_or("")
    }

    /// The `Location` of a redirect.
    pub fn location(&self) -> &str {
        self.header("location")
    }

    /// The value of the first `name="csrf"` field of the page.
    #[track_caller]
    pub fn csrf(&self) -> String {
        self.input_value("csrf")
            .unwrap_or_else(|| panic!("no csrf field in {}", self.text))
    }

    /// The `value` of the first input named `name`.
    pub fn input_value(&self, name: &str) -> Option<String> {
        let marker = format!("name=\"{name}\" value=\"");
        let start = self.text.find(&marker)? + marker.len();
        let end = self.text[start..].find('"')? + start;
        Some(self.text[start..end].to_owned())
    }
}

/// The server with default limits.
pub async fn spawn_app() -> TestApp {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let path = dir.path().join("vouch.db");
    let store =
        tokio::task::spawn_blocking(move || vouch_store_sqlite::SqliteStore::open_path(&path))
            .await
            .expect("the opening thread")
            .expect("a fresh SQLite store");
    let store: Arc<dyn Store> = Arc::new(store);
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("a free port");
    let address = listener.local_addr().expect("the bound address");
    let (shutdown, stop) = oneshot::channel::<()>();
    let config = ServerConfig {
        limits: Limits::default(),
        index_refresh: Duration::from_secs(3_600),
        public_url: format!("http://{address}"),
        ..ServerConfig::default()
    };
    let serving = vouch_http::serve(Arc::clone(&store), config, listener, async move {
        let _ = stop.await;
    });
    tokio::spawn(async move {
        if let Err(error) = serving.await {
            eprintln!("the test server stopped: {error:#}");
        }
    });
    let acme = store.workspace("acme").await.expect("workspace A");
    let globex = store.workspace("globex").await.expect("workspace B");
    TestApp {
        base: format!("http://{address}"),
        store,
        acme,
        globex,
        shutdown: Some(shutdown),
        _dir: dir,
    }
}

impl Drop for TestApp {
    fn drop(&mut self) {
        if let Some(shutdown) = self.shutdown.take() {
            let _ = shutdown.send(());
        }
    }
}

/// A browser: keeps cookies, follows no redirects.
pub struct Browser {
    base: String,
    client: reqwest::Client,
}

impl TestApp {
    /// A new browser with an empty cookie jar.
    pub fn browser(&self) -> Browser {
        Browser {
            base: self.base.clone(),
            client: reqwest::Client::builder()
                .cookie_store(true)
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .expect("a client"),
        }
    }

    /// A user with [`PASSWORD`], member of `workspace` with `role` and `hr`.
    pub async fn user(&self, email: &str, workspace: &Workspace, role: Role, hr: bool) -> User {
        let user = self
            .store
            .create_user(NewUser {
                email: email.into(),
                name: format!("Name of {email}"),
                password_hash: hash_password(PASSWORD).expect("a hash"),
            })
            .await
            .expect("a user");
        self.store
            .set_membership(workspace.id, user.id, role, hr)
            .await
            .expect("a membership");
        user
    }

    /// A browser signed in as a new user of `workspace`.
    pub async fn signed_in(&self, email: &str, workspace: &Workspace, role: Role) -> Browser {
        self.user(email, workspace, role, false).await;
        let browser = self.browser();
        let reply = browser.sign_in(email, PASSWORD).await;
        assert_eq!(reply.status, 303, "{}", reply.text);
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

impl Browser {
    async fn read(&self, request: reqwest::RequestBuilder) -> Page {
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
        self.read(self.client.get(format!("{}{path}", self.base)))
            .await
    }

    /// `POST path` with form fields.
    pub async fn post(&self, path: &str, fields: &[(&str, &str)]) -> Page {
        self.read(
            self.client
                .post(format!("{}{path}", self.base))
                .form(fields),
        )
        .await
    }

    /// `POST path` with form fields and a header.
    pub async fn post_with_header(
        &self,
        path: &str,
        fields: &[(&str, &str)],
        header: (&str, &str),
    ) -> Page {
        self.read(
            self.client
                .post(format!("{}{path}", self.base))
                .header(header.0, header.1)
                .form(fields),
        )
        .await
    }

    /// Posts the sign-in form.
    pub async fn sign_in(&self, email: &str, password: &str) -> Page {
        self.post("/login", &[("email", email), ("password", password)])
            .await
    }

    /// The CSRF token of the session (read from the account page).
    pub async fn csrf(&self) -> String {
        let page = self.get("/app/settings").await;
        assert_eq!(page.status, 200, "{}", page.text);
        page.csrf()
    }
}
