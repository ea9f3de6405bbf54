//! Who is looking at the dashboard: the `vouch_session` cookie and the extractors built on it.
//!
//! A session is 32 random bytes, sent to the browser hex-encoded in the `vouch_session` cookie
//! (`HttpOnly`, `SameSite=Lax`, `Path=/`, `Secure` when `public_url` is `https`). The store
//! keeps only the SHA-256 of it ([`vouch_store::SessionRecord::id_hash`]), with the workspace
//! the browser looks at and the session's CSRF token; a session lasts [`SESSION_DAYS`] days.
//!
//! Handlers take one of these extractors (all `FromRequestParts<AppState>`):
//!
//! | extractor | who passes | otherwise |
//! |---|---|---|
//! | [`Viewer`] | any signed-in member of the session's workspace | GET/HEAD: 303 to `/login?next=<path>`; other methods: 403 |
//! | [`Csrf`] | a [`Viewer`] whose request carries the session's CSRF token (any role) | 403, nothing done |
//! | [`Writer`] | a [`Csrf`] viewer whose role is member or admin | 403, nothing done |
//! | [`Admin`] | a [`Csrf`] viewer who is an admin | 403, nothing done |
//!
//! POST handlers must take [`Csrf`], [`Writer`] or [`Admin`] (never a bare [`Viewer`]): that is
//! what makes a forged cross-site form fail. How the token is read is in [`super::csrf`].
//! A [`Viewer`] is read once per request and kept in the request's extensions, so a handler may
//! take several of these extractors.

use axum::extract::{FromRequestParts, OptionalFromRequestParts};
use axum::http::request::Parts;
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use jiff::{SignedDuration, Timestamp};
use rand::RngCore;
use sha2::{Digest, Sha256};
use vouch_store::{Membership, Role, SessionRecord, StoreError, Survey, User, UserId, WorkspaceId};

use vouch_web::auth::hex;
use vouch_web::state::AppState;

use super::csrf;
use super::layout::message_page;

/// The cookie's name.
pub const SESSION_COOKIE: &str = "vouch_session";

/// How long a session lasts after sign-in.
pub const SESSION_DAYS: i64 = 14;

/// A signed-in member of a workspace, as read from the session cookie.
#[derive(Debug, Clone)]
pub struct Viewer {
    /// Who is signed in.
    pub user: User,
    /// Their membership of the workspace the session looks at.
    pub membership: Membership,
    /// Every workspace they belong to (for the switcher), by slug.
    pub memberships: Vec<Membership>,
    /// The token every form of this session must carry as the `csrf` field (or the
    /// `X-CSRF-Token` header).
    pub csrf_token: String,
    /// Hex SHA-256 of the cookie's secret.
    session_hash: String,
}

impl Viewer {
    /// True for members and admins: they may change things (inbox, surveys, campaigns).
    pub fn can_write(&self) -> bool {
        self.membership.role >= Role::Member
    }

    /// True for admins: they manage members, API keys and workspace settings.
    pub fn is_admin(&self) -> bool {
        self.membership.role == Role::Admin
    }

    /// Whether this viewer may see the survey at all: eNPS surveys only with the HR permission.
    /// Handlers answer 404 (not 403) for a survey they may not see, as for one of another
    /// workspace.
    pub fn can_see(&self, survey: &Survey) -> bool {
        !survey.kind.is_anonymous() || self.membership.hr
    }

    /// The workspace the session looks at: every store call of a dashboard handler is scoped
    /// to it.
    pub fn workspace(&self) -> WorkspaceId {
        self.membership.workspace
    }

    /// The slug of [`Viewer::workspace`].
    pub fn workspace_slug(&self) -> &str {
        &self.membership.workspace_slug
    }

    /// Hex SHA-256 of the session's secret (what the store knows the session by).
    pub(crate) fn session_hash(&self) -> &str {
        &self.session_hash
    }
}

/// A [`Viewer`] whose request carried the session's CSRF token; any role. For POSTs every
/// member may make (switching workspace, signing out, their own password).
#[derive(Debug, Clone)]
pub struct Csrf(pub Viewer);

/// A [`Viewer`] who may change things (member or admin) and whose request carried the
/// session's CSRF token. Take it in every POST handler that changes workspace data.
#[derive(Debug, Clone)]
pub struct Writer(pub Viewer);

/// An admin whose request carried the session's CSRF token: for POSTs of the admin pages.
#[derive(Debug, Clone)]
pub struct Admin(pub Viewer);

/// Why a dashboard extractor refused a request.
#[derive(Debug)]
pub enum SessionRejection {
    /// No session (or an expired one) on a GET: sign in, then come back to `next`.
    SignIn {
        /// The path and query asked for.
        next: String,
    },
    /// No session (or an expired one) on another method: 403, nothing done.
    SignedOut,
    /// 403 with a sentence saying why.
    Forbidden(&'static str),
    /// The store failed (500, logged).
    Internal(anyhow::Error),
}

impl From<StoreError> for SessionRejection {
    fn from(error: StoreError) -> SessionRejection {
        SessionRejection::Internal(anyhow::Error::new(error))
    }
}

impl IntoResponse for SessionRejection {
    fn into_response(self) -> Response {
        match self {
            SessionRejection::SignIn { next } => {
                let query =
                    serde_urlencoded::to_string([("next", next.as_str())]).unwrap_or_default();
                Redirect::to(&format!("/login?{query}")).into_response()
            }
            SessionRejection::SignedOut => message_page(
                StatusCode::FORBIDDEN,
                "Not signed in",
                "You are not signed in (or your session ended). Sign in and try again. \
                 Nothing was changed.",
            ),
            SessionRejection::Forbidden(why) => {
                message_page(StatusCode::FORBIDDEN, "Not allowed", why)
            }
            SessionRejection::Internal(cause) => {
                tracing::error!(error = format!("{cause:#}"), "reading a session failed");
                message_page(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "Something went wrong",
                    "The server could not read your session. Try again in a moment.",
                )
            }
        }
    }
}

/// The value of the `vouch_session` cookie, if the request has one.
pub(crate) fn session_secret(parts: &Parts) -> Option<&str> {
    parts
        .headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == SESSION_COOKIE)
        .map(|(_, value)| value.trim())
        .filter(|value| !value.is_empty())
}

/// The hex SHA-256 of a session secret (or any other token handed out by link).
pub(crate) fn hash_secret(secret: &str) -> String {
    hex(&Sha256::digest(secret.as_bytes()))
}

/// 32 random bytes, hex-encoded: a session secret, a CSRF token, an invitation or reset token.
pub(crate) fn random_token() -> String {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    hex(&bytes)
}

/// The path and query of the request, to come back to after signing in.
fn requested_path(parts: &Parts) -> String {
    parts
        .uri
        .path_and_query()
        .map_or_else(|| "/app".to_owned(), |pq| pq.as_str().to_owned())
}

/// Reads the session and the viewer's memberships. `None` when there is no live session.
async fn read_viewer(parts: &Parts, state: &AppState) -> Result<Option<Viewer>, SessionRejection> {
    let Some(secret) = session_secret(parts) else {
        return Ok(None);
    };
    let session_hash = hash_secret(secret);
    let store = state.store();
    let Some(session) = store.session(&session_hash, Timestamp::now()).await? else {
        return Ok(None);
    };
    let Some(user) = store.user(session.user).await? else {
        return Ok(None);
    };
    let memberships = store.memberships(user.id).await?;
    let membership = match memberships
        .iter()
        .find(|membership| membership.workspace == session.workspace)
    {
        Some(membership) => membership.clone(),
        // Removed from the workspace the session looked at: fall back to another one.
        None => match memberships.first() {
            Some(membership) => {
                store
                    .switch_session(&session_hash, membership.workspace)
                    .await?;
                membership.clone()
            }
            None => {
                return Err(SessionRejection::Forbidden(
                    "Your account is not a member of any workspace. Ask an admin for an invitation.",
                ));
            }
        },
    };
    Ok(Some(Viewer {
        user,
        membership,
        memberships,
        csrf_token: session.csrf_token,
        session_hash,
    }))
}

impl FromRequestParts<AppState> for Viewer {
    type Rejection = SessionRejection;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Viewer, SessionRejection> {
        if let Some(viewer) = parts.extensions.get::<Viewer>() {
            return Ok(viewer.clone());
        }
        match read_viewer(parts, state).await? {
            Some(viewer) => {
                parts.extensions.insert(viewer.clone());
                Ok(viewer)
            }
            None if parts.method == Method::GET || parts.method == Method::HEAD => {
                Err(SessionRejection::SignIn {
                    next: requested_path(parts),
                })
            }
            None => Err(SessionRejection::SignedOut),
        }
    }
}

/// `Option<Viewer>`: `None` when nobody is signed in (pages that anyone may open, such as an
/// invitation link).
impl OptionalFromRequestParts<AppState> for Viewer {
    type Rejection = SessionRejection;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Option<Viewer>, SessionRejection> {
        if let Some(viewer) = parts.extensions.get::<Viewer>() {
            return Ok(Some(viewer.clone()));
        }
        let viewer = read_viewer(parts, state).await?;
        if let Some(viewer) = &viewer {
            parts.extensions.insert(viewer.clone());
        }
        Ok(viewer)
    }
}

/// The sentence of a refused CSRF token.
const CSRF_REFUSED: &str = "This form has expired or did not come from Vouch. Go back, reload \
     the page and try again. Nothing was changed.";

impl FromRequestParts<AppState> for Csrf {
    type Rejection = SessionRejection;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Csrf, SessionRejection> {
        let viewer =
            <Viewer as FromRequestParts<AppState>>::from_request_parts(parts, state).await?;
        if !csrf::request_token_matches(parts, &viewer.csrf_token) {
            return Err(SessionRejection::Forbidden(CSRF_REFUSED));
        }
        Ok(Csrf(viewer))
    }
}

impl FromRequestParts<AppState> for Writer {
    type Rejection = SessionRejection;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Writer, SessionRejection> {
        let Csrf(viewer) = Csrf::from_request_parts(parts, state).await?;
        if !viewer.can_write() {
            return Err(SessionRejection::Forbidden(
                "Viewers can look but not change anything. Ask an admin to make you a member.",
            ));
        }
        Ok(Writer(viewer))
    }
}

impl FromRequestParts<AppState> for Admin {
    type Rejection = SessionRejection;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Admin, SessionRejection> {
        let Csrf(viewer) = Csrf::from_request_parts(parts, state).await?;
        if !viewer.is_admin() {
            return Err(SessionRejection::Forbidden(
                "Only the workspace's admins can do this.",
            ));
        }
        Ok(Admin(viewer))
    }
}

/// A new session for `user` looking at `workspace`: stored, and the `Set-Cookie` value that
/// hands its secret to the browser.
pub(crate) async fn start_session(
    state: &AppState,
    user: UserId,
    workspace: WorkspaceId,
) -> Result<HeaderValue, StoreError> {
    let secret = random_token();
    let now = Timestamp::now();
    let expires_at = now
        .saturating_add(SignedDuration::from_hours(24 * SESSION_DAYS))
        .unwrap_or(now);
    let record = SessionRecord {
        id_hash: hash_secret(&secret),
        user,
        workspace,
        csrf_token: random_token(),
        created_at: now,
        expires_at,
    };
    state.store().create_session(&record).await?;
    Ok(session_cookie(state, &secret, SESSION_DAYS * 24 * 3600))
}

/// The `Set-Cookie` value that removes the session cookie.
pub(crate) fn clear_session_cookie(state: &AppState) -> HeaderValue {
    session_cookie(state, "", 0)
}

/// `vouch_session=VALUE` with its attributes; `Secure` when the server is reached over https.
fn session_cookie(state: &AppState, value: &str, max_age_seconds: i64) -> HeaderValue {
    let secure = if is_https(&state.config().public_url) {
        "; Secure"
    } else {
        ""
    };
    let cookie = format!(
        "{SESSION_COOKIE}={value}; HttpOnly; SameSite=Lax; Path=/; Max-Age={max_age_seconds}{secure}"
    );
    // The value is hex and the attributes are fixed text: always a valid header.
    HeaderValue::from_str(&cookie).unwrap_or_else(|_| HeaderValue::from_static(""))
}

/// True when the public URL is https (then cookies are `Secure`).
pub(crate) fn is_https(public_url: &str) -> bool {
    public_url
        .get(..8)
        .is_some_and(|scheme| scheme.eq_ignore_ascii_case("https://"))
}

/// A `next` target that stays on this server: a path (not `//host` nor `/\host`), else `/app`.
pub(crate) fn safe_next(next: Option<&str>) -> String {
    match next {
        Some(path)
            if path.starts_with('/')
                && !path.starts_with("//")
                && !path.starts_with("/\\")
                && !path.chars().any(char::is_control) =>
        {
            path.to_owned()
        }
        _ => "/app".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parts(cookie: Option<&str>) -> Parts {
        let mut request = axum::http::Request::builder();
        if let Some(value) = cookie {
            request = request.header(header::COOKIE, value);
        }
        request.body(()).unwrap().into_parts().0
    }

    #[test]
    fn the_session_cookie_is_found_among_others() {
        assert_eq!(
            session_secret(&parts(Some("a=1; vouch_session=abc; b=2"))),
            Some("abc")
        );
        assert_eq!(session_secret(&parts(Some("vouch_session="))), None);
        assert_eq!(session_secret(&parts(Some("other=abc"))), None);
        assert_eq!(session_secret(&parts(None)), None);
    }

    #[test]
    fn tokens_are_64_hex_digits_and_differ() {
        let one = random_token();
        assert_eq!(one.len(), 64);
        assert!(one.chars().all(|c| c.is_ascii_hexdigit()));
        assert_ne!(one, random_token());
    }

    #[test]
    fn next_stays_on_this_server() {
        assert_eq!(safe_next(Some("/app/surveys/3?x=1")), "/app/surveys/3?x=1");
        for refused in [
            None,
            Some("https://evil.example"),
            Some("//evil.example"),
            Some("/\\evil.example"),
            Some("app"),
        ] {
            assert_eq!(safe_next(refused), "/app", "{refused:?}");
        }
    }

    #[test]
    fn https_is_recognised() {
        assert!(is_https("HTTPS://vouch.example"));
        assert!(!is_https("http://127.0.0.1:8080"));
        assert!(!is_https("h"));
    }
}
