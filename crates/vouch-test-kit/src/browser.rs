//! A browser without a screen: a cookie jar that follows no redirects, reads replies whole,
//! signs in and finds the CSRF token of a page.

use reqwest::header::HeaderMap;

use crate::accounts::PASSWORD;

/// A reply read whole.
#[derive(Debug)]
pub struct Page {
    /// The HTTP status.
    pub status: u16,
    /// The headers.
    pub headers: HeaderMap,
    /// The body.
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

/// A browser of one server: keeps cookies, follows no redirects.
pub struct Browser {
    base: String,
    client: reqwest::Client,
}

impl Browser {
    /// A new browser with an empty cookie jar, speaking to `base`.
    pub fn new(base: &str) -> Browser {
        Browser {
            base: base.to_owned(),
            client: reqwest::Client::builder()
                .cookie_store(true)
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .expect("an HTTP client"),
        }
    }

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

    /// Signs in with [`PASSWORD`], asserting that it worked (a 303 to the dashboard).
    pub async fn sign_in_as(&self, email: &str) {
        let reply = self.sign_in(email, PASSWORD).await;
        assert_eq!(reply.status, 303, "signing in as {email}: {}", reply.text);
    }

    /// The CSRF token of the session (read from the account page).
    pub async fn csrf(&self) -> String {
        let page = self.get("/app/settings").await;
        assert_eq!(page.status, 200, "{}", page.text);
        page.csrf()
    }
}
