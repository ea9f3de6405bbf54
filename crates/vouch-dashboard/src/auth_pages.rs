//! Signing in and out, switching workspace, joining by invitation, resetting a password, and
//! the user's own account page.
//!
//! - `GET|POST /login`: email and password. Passwords are argon2id PHC strings, hashed and
//!   verified on the blocking pool. An unknown email is verified against a fixed dummy hash, so
//!   it takes as long and reads the same ("Wrong email or password.") as a wrong password.
//!   [`crate::Limits::login_failures_per_minute`] failures for one email from one IP address
//!   within a minute lock that pair's sign-in for [`crate::Limits::login_lockout_seconds`]
//!   (in memory, per server); posts of this form (and of the reset and invitation forms) are
//!   also limited per IP address. The form carries no CSRF token (there is no session yet);
//!   the session cookie is `SameSite=Lax`. Success starts a new session (a fresh secret:
//!   no fixation) and goes to `next` (a path on this server only) or `/app`.
//! - `POST /logout`: ends the session (with the CSRF token) and clears the cookie.
//! - `POST /app/workspace`: `workspace=SLUG`, a workspace the user is a member of.
//! - `GET|POST /invite/{token}`: an invitation link made on the Members page. A signed-in user
//!   accepts it with one button; anyone else creates their account (name, password) there.
//! - `GET|POST /reset`: asks for an email; when a user has it, a one-hour, single-use link is
//!   made and a `send_password_reset` job (payload `{"user": ID, "token": "…"}`) is queued
//!   for `vouch-jobs` to email. The answer is the same whether or not the email exists (and
//!   the work is done after answering, so it takes the same time).
//! - `GET|POST /reset/{token}`: sets a new password (at least [`MIN_PASSWORD_CHARS`]
//!   characters), ends every other session of the user and signs in. The GET does not use the
//!   link up (mail scanners follow links); only a successful POST does.
//! - `GET /app/settings`, `POST /app/settings/password`: the user's account and password.

use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};
use std::num::NonZeroU32;
use std::sync::{Arc, LazyLock, Mutex};
use std::time::{Duration, Instant};

use argon2::Argon2;
use argon2::password_hash::{PasswordHasher, PasswordVerifier};
use askama::Template;
use axum::extract::{ConnectInfo, FromRequestParts, Path, Query, State};
use axum::http::request::Parts;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::{Extension, Form};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
use jiff::{SignedDuration, Timestamp};
use serde::Deserialize;
use vouch_store::{
    JobPayload, NewJob, NewUser, PasswordResetJob, Store, StoreError, UserId, WorkspaceId,
};

use vouch_web::state::{AppState, Limits};

use super::layout::{
    DashboardError, Frame, Nav, message_page, render, render_status, stylesheet_href,
};
use super::session::{
    Csrf, SessionRejection, Viewer, clear_session_cookie, hash_secret, random_token, safe_next,
    start_session,
};

/// The fewest characters a password may have.
pub const MIN_PASSWORD_CHARS: usize = 10;

/// The most characters a password may have (hashing cost is bounded by it).
pub const MAX_PASSWORD_CHARS: usize = 1_000;

/// The most characters of a user's name.
pub const MAX_NAME_CHARS: usize = 100;

/// The most characters of an email address.
pub const MAX_EMAIL_CHARS: usize = 254;

/// How long a password reset link works.
pub const RESET_LINK_MINUTES: i64 = 60;

/// The one answer to a failed sign-in, whatever the cause.
pub const WRONG_CREDENTIALS: &str = "Wrong email or password.";

/// The answer while sign-in is locked for an email and address.
pub const LOCKED_OUT: &str =
    "Too many failed sign-ins. Sign-in is paused for a few minutes; try again later.";

/// The answer of the reset form, whether or not the email exists.
pub const RESET_SENT: &str = "If an account uses this email, we have sent it a link to choose \
     a new password. The link works once, for one hour.";

/// Password hashing, shared with the command line (`vouch users create`).
///
/// argon2id with the `argon2` crate's default parameters (19 MiB, 2 passes, 1 lane), a random
/// salt, stored as a PHC string.
pub fn hash_password(password: &str) -> anyhow::Result<String> {
    Argon2::default()
        .hash_password(password.as_bytes())
        .map(|hash| hash.to_string())
        .map_err(|error| anyhow::anyhow!("hashing a password failed: {error}"))
}

/// True when `password` matches the PHC string `hash` (false for a malformed hash).
pub fn verify_password(password: &str, hash: &str) -> bool {
    Argon2::default()
        .verify_password(password.as_bytes(), hash)
        .is_ok()
}

/// A hash no password matches in practice, with the same parameters as real ones: unknown
/// emails are verified against it, so that they take as long as known ones.
static DUMMY_HASH: LazyLock<String> = LazyLock::new(|| {
    hash_password(&random_token()).unwrap_or_else(|_| {
        "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$\
         6tbTnJ3mcnEcJmhqx2ZBDw8Zb6Xp6u9j3zY1HkXrTmM"
            .to_owned()
    })
});

/// Verifies on the blocking pool (argon2 takes tens of milliseconds of CPU).
async fn verify_blocking(password: String, hash: Option<String>) -> bool {
    tokio::task::spawn_blocking(move || {
        let known = hash.is_some();
        let hash = hash.unwrap_or_else(|| DUMMY_HASH.clone());
        verify_password(&password, &hash) && known
    })
    .await
    .unwrap_or(false)
}

/// Hashes on the blocking pool.
async fn hash_blocking(password: String) -> anyhow::Result<String> {
    tokio::task::spawn_blocking(move || hash_password(&password)).await?
}

/// A new random password for people who did not choose one (`vouch users create`,
/// `vouch demo`): 20 letters and digits.
pub fn generate_password() -> String {
    use rand::distr::{Alphanumeric, SampleString};
    Alphanumeric.sample_string(&mut rand::rng(), 20)
}

/// Why a password cannot be used, if it cannot.
pub fn password_problem(password: &str) -> Option<String> {
    let chars = password.chars().count();
    if chars < MIN_PASSWORD_CHARS {
        Some(format!(
            "Choose a password of at least {MIN_PASSWORD_CHARS} characters."
        ))
    } else if chars > MAX_PASSWORD_CHARS {
        Some(format!(
            "Choose a password of at most {MAX_PASSWORD_CHARS} characters."
        ))
    } else {
        None
    }
}

/// An email as the store keeps it (trimmed, ASCII lower-cased), if it looks like one.
pub fn normalize_email(email: &str) -> Option<String> {
    let email = email.trim().to_ascii_lowercase();
    let (local, domain) = email.split_once('@')?;
    let plausible = !local.is_empty()
        && !domain.is_empty()
        && !domain.contains('@')
        && email.chars().count() <= MAX_EMAIL_CHARS
        && !email.chars().any(|c| c.is_whitespace() || c.is_control());
    plausible.then_some(email)
}

/// A name as stored: trimmed, 1 to [`MAX_NAME_CHARS`] characters, no control characters.
pub fn normalize_name(name: &str) -> Option<String> {
    let name = name.trim();
    let ok = !name.is_empty()
        && name.chars().count() <= MAX_NAME_CHARS
        && !name.chars().any(char::is_control);
    ok.then(|| name.to_owned())
}

// ---- In-memory guards ------------------------------------------------------------------------

/// Failed sign-ins of one (email, address) pair.
#[derive(Debug, Clone)]
struct Failures {
    /// When the recent failures happened (within the last minute).
    recent: Vec<Instant>,
    /// Until when sign-in is locked.
    locked_until: Option<Instant>,
}

/// The in-memory limits of the sign-in and account forms, one per router.
#[derive(Debug)]
pub(crate) struct Guards {
    failures: Mutex<HashMap<(String, Option<IpAddr>), Failures>>,
    failures_allowed: u32,
    lockout: Duration,
    posts_per_ip: Option<DefaultKeyedRateLimiter<Option<IpAddr>>>,
    resets_per_email: DefaultKeyedRateLimiter<String>,
}

/// The most reset emails one address is sent per hour.
const RESETS_PER_EMAIL_PER_HOUR: u32 = 5;

/// Above this many tracked pairs, pairs with nothing recent are forgotten.
const MAX_TRACKED_PAIRS: usize = 10_000;

impl Guards {
    /// Guards with the limits' numbers.
    pub(crate) fn new(limits: &Limits) -> Guards {
        let per_email = NonZeroU32::new(RESETS_PER_EMAIL_PER_HOUR).unwrap_or(NonZeroU32::MIN);
        Guards {
            failures: Mutex::new(HashMap::new()),
            failures_allowed: limits.login_failures_per_minute,
            lockout: Duration::from_secs(limits.login_lockout_seconds),
            posts_per_ip: NonZeroU32::new(limits.login_posts_per_minute_per_ip)
                .map(|n| RateLimiter::keyed(Quota::per_minute(n))),
            resets_per_email: RateLimiter::keyed(Quota::per_hour(per_email)),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<(String, Option<IpAddr>), Failures>> {
        self.failures
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// True when sign-in is locked for the pair.
    fn is_locked(&self, key: &(String, Option<IpAddr>)) -> bool {
        let now = Instant::now();
        self.lock()
            .get(key)
            .and_then(|failures| failures.locked_until)
            .is_some_and(|until| until > now)
    }

    /// Counts a failure; locks the pair once it has too many within a minute.
    fn failed(&self, key: (String, Option<IpAddr>)) {
        if self.failures_allowed == 0 {
            return;
        }
        let now = Instant::now();
        let minute = Duration::from_secs(60);
        let mut map = self.lock();
        if map.len() >= MAX_TRACKED_PAIRS {
            map.retain(|_, failures| {
                failures.locked_until.is_some_and(|until| until > now)
                    || failures
                        .recent
                        .iter()
                        .any(|at| now.duration_since(*at) < minute)
            });
        }
        let entry = map.entry(key).or_insert(Failures {
            recent: Vec::new(),
            locked_until: None,
        });
        entry.recent.retain(|at| now.duration_since(*at) < minute);
        entry.recent.push(now);
        if entry.recent.len() >= self.failures_allowed as usize {
            entry.locked_until = Some(now + self.lockout);
            entry.recent.clear();
        }
    }

    /// Forgets the pair's failures (after a successful sign-in).
    fn succeeded(&self, key: &(String, Option<IpAddr>)) {
        self.lock().remove(key);
    }

    /// Counts a post of a form from this address: false when over the limit.
    fn allow_post(&self, ip: Option<IpAddr>) -> bool {
        self.posts_per_ip
            .as_ref()
            .is_none_or(|limiter| limiter.check_key(&ip.map(ip_key)).is_ok())
    }

    /// Counts a reset email to this address: false when over the limit.
    fn allow_reset(&self, email: &str) -> bool {
        self.resets_per_email.check_key(&email.to_owned()).is_ok()
    }
}

/// IPv4 addresses one by one, IPv6 by /64.
fn ip_key(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V4(_) => ip,
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => IpAddr::V4(v4),
            None => IpAddr::V6((u128::from(v6) & !((1u128 << 64) - 1)).into()),
        },
    }
}

/// The client's address (none when the server runs without connection info).
#[derive(Debug, Clone, Copy)]
pub(crate) struct ClientIp(pub(crate) Option<IpAddr>);

impl<S: Send + Sync> FromRequestParts<S> for ClientIp {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut Parts,
        _state: &S,
    ) -> Result<ClientIp, Self::Rejection> {
        Ok(ClientIp(
            parts
                .extensions
                .get::<ConnectInfo<SocketAddr>>()
                .map(|ConnectInfo(address)| ip_key(address.ip())),
        ))
    }
}

/// 429 for too many posts of the account forms.
fn too_many() -> Response {
    let mut response = message_page(
        StatusCode::TOO_MANY_REQUESTS,
        "Too many attempts",
        "Too many attempts from your network. Wait a minute and try again.",
    );
    response
        .headers_mut()
        .insert(header::RETRY_AFTER, HeaderValue::from_static("60"));
    response
}

/// A redirect that also sets a cookie.
fn redirect_with_cookie(to: &str, cookie: HeaderValue) -> Response {
    let mut response = Redirect::to(to).into_response();
    response.headers_mut().insert(header::SET_COOKIE, cookie);
    response
}

/// The `now + minutes`.
fn minutes_from_now(minutes: i64) -> Timestamp {
    let now = Timestamp::now();
    now.saturating_add(SignedDuration::from_mins(minutes))
        .unwrap_or(now)
}

// ---- Sign-in ---------------------------------------------------------------------------------

/// The sign-in form.
#[derive(Debug, Template)]
#[template(path = "dashboard/auth/login.html")]
struct LoginPage {
    css: String,
    email: String,
    next: String,
    error: Option<&'static str>,
    notice: Option<&'static str>,
}

/// The query of `GET /login`.
#[derive(Debug, Deserialize)]
pub(crate) struct LoginQuery {
    next: Option<String>,
    done: Option<String>,
}

/// `GET /login`.
pub(crate) async fn login_form(
    viewer: Option<Viewer>,
    Query(query): Query<LoginQuery>,
) -> Response {
    let next = safe_next(query.next.as_deref());
    if viewer.is_some() {
        return Redirect::to(&next).into_response();
    }
    let notice = match query.done.as_deref() {
        Some("reset") => Some("Your password was changed. Sign in with the new one."),
        Some("logout") => Some("You are signed out."),
        _ => None,
    };
    render(&LoginPage {
        css: stylesheet_href(),
        email: String::new(),
        next,
        error: None,
        notice,
    })
}

/// The fields of the sign-in form.
#[derive(Debug, Deserialize)]
pub(crate) struct LoginForm {
    #[serde(default)]
    email: String,
    #[serde(default)]
    password: String,
    next: Option<String>,
}

/// `POST /login`.
pub(crate) async fn login(
    State(state): State<AppState>,
    Extension(guards): Extension<Arc<Guards>>,
    ClientIp(ip): ClientIp,
    Form(form): Form<LoginForm>,
) -> Result<Response, DashboardError> {
    let next = safe_next(form.next.as_deref());
    let again = |error: &'static str, status: StatusCode| {
        render_status(
            &LoginPage {
                css: stylesheet_href(),
                email: form.email.trim().to_owned(),
                next: next.clone(),
                error: Some(error),
                notice: None,
            },
            status,
        )
    };
    if !guards.allow_post(ip) {
        return Ok(too_many());
    }
    let email = form.email.trim().to_ascii_lowercase();
    let key = (email.clone(), ip);
    if guards.is_locked(&key) {
        return Ok(again(LOCKED_OUT, StatusCode::TOO_MANY_REQUESTS));
    }
    let found = if email.is_empty() || email.chars().count() > MAX_EMAIL_CHARS {
        None
    } else {
        state.store().user_by_email(&email).await?
    };
    let password = form.password.chars().take(MAX_PASSWORD_CHARS).collect();
    let (user, hash) = match found {
        Some((user, hash)) => (Some(user), Some(hash)),
        None => (None, None),
    };
    let matches = verify_blocking(password, hash).await;
    let Some(user) = user.filter(|_| matches) else {
        guards.failed(key);
        return Ok(again(WRONG_CREDENTIALS, StatusCode::UNAUTHORIZED));
    };
    guards.succeeded(&key);
    let memberships = state.store().memberships(user.id).await?;
    let Some(first) = memberships.first() else {
        return Ok(message_page(
            StatusCode::FORBIDDEN,
            "No workspace yet",
            "Your account is not a member of any workspace. Ask an admin for an invitation.",
        ));
    };
    let cookie = start_session(&state, user.id, first.workspace).await?;
    Ok(redirect_with_cookie(&next, cookie))
}

/// `POST /logout`: ends the session (the form must carry its CSRF token) and clears the cookie.
/// Without a live session, only clears the cookie.
pub(crate) async fn logout(
    State(state): State<AppState>,
    signed: Result<Csrf, SessionRejection>,
) -> Result<Response, DashboardError> {
    match signed {
        Ok(Csrf(viewer)) => {
            state.store().delete_session(viewer.session_hash()).await?;
        }
        Err(SessionRejection::SignedOut) => {}
        Err(rejection) => return Ok(rejection.into_response()),
    }
    Ok(redirect_with_cookie(
        "/login?done=logout",
        clear_session_cookie(&state),
    ))
}

/// The fields of the workspace switcher.
#[derive(Debug, Deserialize)]
pub(crate) struct SwitchForm {
    #[serde(default)]
    workspace: String,
}

/// `POST /app/workspace`: looks at another of the user's workspaces.
pub(crate) async fn switch_workspace(
    State(state): State<AppState>,
    Csrf(viewer): Csrf,
    Form(form): Form<SwitchForm>,
) -> Result<Response, DashboardError> {
    let Some(target) = viewer
        .memberships
        .iter()
        .find(|membership| membership.workspace_slug == form.workspace)
    else {
        return Err(DashboardError::Forbidden(
            "You are not a member of that workspace.",
        ));
    };
    state
        .store()
        .switch_session(viewer.session_hash(), target.workspace)
        .await?;
    Ok(Redirect::to("/app").into_response())
}

// ---- Invitations -----------------------------------------------------------------------------

/// The invitation page: accept (signed in) or create an account.
#[derive(Debug, Template)]
#[template(path = "dashboard/auth/invite.html")]
struct InvitePage {
    css: String,
    action: String,
    workspace: String,
    role: &'static str,
    hr: bool,
    /// The signed-in user who may accept, with their session's CSRF token.
    signed_in: Option<(String, String)>,
    /// The address the invitation is for, if it names one.
    fixed_email: Option<String>,
    name: String,
    email: String,
    error: Option<String>,
}

/// A live invitation and the slug of its workspace.
async fn live_invite(
    store: &dyn Store,
    token: &str,
) -> Result<Option<(vouch_store::MemberInvite, String)>, DashboardError> {
    let Some(invite) = store.member_invite(&hash_secret(token)).await? else {
        return Ok(None);
    };
    if invite.accepted_at.is_some() || invite.expires_at <= Timestamp::now() {
        return Ok(None);
    }
    let slug = store
        .workspace_by_id(invite.workspace)
        .await?
        .map(|workspace| workspace.slug)
        .unwrap_or_default();
    Ok(Some((invite, slug)))
}

/// 410 for a used, expired or unknown invitation.
fn invite_gone() -> Response {
    message_page(
        StatusCode::GONE,
        "This invitation no longer works",
        "The link was used already, has expired, or is not complete. Ask an admin of the \
         workspace for a new one.",
    )
}

/// `GET /invite/{token}`.
pub(crate) async fn invite_page(
    State(state): State<AppState>,
    viewer: Option<Viewer>,
    Path(token): Path<String>,
) -> Result<Response, DashboardError> {
    let Some((invite, workspace)) = live_invite(state.store(), &token).await? else {
        return Ok(invite_gone());
    };
    let page = InvitePage {
        css: stylesheet_href(),
        action: format!("/invite/{token}"),
        workspace,
        role: invite.role.as_str(),
        hr: invite.hr,
        signed_in: viewer.map(|viewer| (viewer.user.email, viewer.csrf_token)),
        email: invite.email.clone().unwrap_or_default(),
        fixed_email: invite.email,
        name: String::new(),
        error: None,
    };
    Ok(render(&page))
}

/// The fields of the invitation form.
#[derive(Debug, Deserialize)]
pub(crate) struct InviteForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    password: String,
}

/// `POST /invite/{token}`: a signed-in user accepts (with the CSRF token); anyone else creates
/// an account, joins and is signed in.
pub(crate) async fn accept_invite(
    State(state): State<AppState>,
    Extension(guards): Extension<Arc<Guards>>,
    ClientIp(ip): ClientIp,
    signed: Result<Csrf, SessionRejection>,
    Path(token): Path<String>,
    Form(form): Form<InviteForm>,
) -> Result<Response, DashboardError> {
    if !guards.allow_post(ip) {
        return Ok(too_many());
    }
    let store = state.store();
    let Some((invite, workspace)) = live_invite(store, &token).await? else {
        return Ok(invite_gone());
    };
    let token_hash = hash_secret(&token);
    let viewer = match signed {
        Ok(Csrf(viewer)) => Some(viewer),
        Err(SessionRejection::SignedOut) => None,
        Err(rejection) => return Ok(rejection.into_response()),
    };
    if let Some(viewer) = viewer {
        if invite
            .email
            .as_deref()
            .is_some_and(|email| email != viewer.user.email)
        {
            return Err(DashboardError::Forbidden(
                "This invitation is for another email address.",
            ));
        }
        let membership = match store
            .accept_member_invite(&token_hash, viewer.user.id, Timestamp::now())
            .await
        {
            Ok(membership) => membership,
            Err(StoreError::NotFound(_)) => return Ok(invite_gone()),
            Err(error) => return Err(error.into()),
        };
        store
            .switch_session(viewer.session_hash(), membership.workspace)
            .await?;
        return Ok(Redirect::to("/app").into_response());
    }
    let again = |error: String| {
        render_status(
            &InvitePage {
                css: stylesheet_href(),
                action: format!("/invite/{token}"),
                workspace: workspace.clone(),
                role: invite.role.as_str(),
                hr: invite.hr,
                signed_in: None,
                fixed_email: invite.email.clone(),
                name: form.name.trim().to_owned(),
                email: invite
                    .email
                    .clone()
                    .unwrap_or_else(|| form.email.trim().to_owned()),
                error: Some(error),
            },
            StatusCode::UNPROCESSABLE_ENTITY,
        )
    };
    let Some(name) = normalize_name(&form.name) else {
        return Ok(again(format!(
            "Give your name (1 to {MAX_NAME_CHARS} characters)."
        )));
    };
    let email = match &invite.email {
        Some(email) => Some(email.clone()),
        None => normalize_email(&form.email),
    };
    let Some(email) = email else {
        return Ok(again("Give a valid email address.".to_owned()));
    };
    if let Some(problem) = password_problem(&form.password) {
        return Ok(again(problem));
    }
    let password_hash = hash_blocking(form.password.clone()).await?;
    let user = match store
        .create_user(NewUser {
            email,
            name,
            password_hash,
        })
        .await
    {
        Ok(user) => user,
        Err(StoreError::Conflict(_)) => {
            return Ok(again(
                "An account already uses this email: sign in first, then open this link again."
                    .to_owned(),
            ));
        }
        Err(error) => return Err(error.into()),
    };
    let membership = match store
        .accept_member_invite(&token_hash, user.id, Timestamp::now())
        .await
    {
        Ok(membership) => membership,
        Err(StoreError::NotFound(_)) => return Ok(invite_gone()),
        Err(error) => return Err(error.into()),
    };
    let cookie = start_session(&state, user.id, membership.workspace).await?;
    Ok(redirect_with_cookie("/app", cookie))
}

// ---- Password reset --------------------------------------------------------------------------

/// The form asking for an email, or its answer.
#[derive(Debug, Template)]
#[template(path = "dashboard/auth/reset_request.html")]
struct ResetRequestPage {
    css: String,
    sent: bool,
    email: String,
}

/// `GET /reset`.
pub(crate) async fn reset_form() -> Response {
    render(&ResetRequestPage {
        css: stylesheet_href(),
        sent: false,
        email: String::new(),
    })
}

/// The field of the reset form.
#[derive(Debug, Deserialize)]
pub(crate) struct ResetRequestForm {
    #[serde(default)]
    email: String,
}

/// `POST /reset`: answers at once, the same way for any email; the lookup, the link and the
/// queued email happen afterwards.
pub(crate) async fn request_reset(
    State(state): State<AppState>,
    Extension(guards): Extension<Arc<Guards>>,
    ClientIp(ip): ClientIp,
    Form(form): Form<ResetRequestForm>,
) -> Response {
    if !guards.allow_post(ip) {
        return too_many();
    }
    let email = normalize_email(&form.email);
    if let Some(email) = email.filter(|email| guards.allow_reset(email)) {
        let public_url = state.config().public_url.clone();
        let state = state.clone();
        tokio::spawn(async move {
            if let Err(error) = queue_reset(state.store(), &email).await {
                tracing::error!(
                    error = format!("{error:#}"),
                    public_url,
                    "queueing a password reset failed"
                );
            }
        });
    }
    render(&ResetRequestPage {
        css: stylesheet_href(),
        sent: true,
        email: form.email.trim().to_owned(),
    })
}

/// Makes a reset link for the user with this email, if any, and queues its email.
async fn queue_reset(store: &dyn Store, email: &str) -> anyhow::Result<()> {
    let Some((user, _)) = store.user_by_email(email).await? else {
        return Ok(());
    };
    let token = random_token();
    store
        .create_password_reset(
            user.id,
            &hash_secret(&token),
            minutes_from_now(RESET_LINK_MINUTES),
        )
        .await?;
    let Some(workspace) = job_workspace(store, user.id).await? else {
        anyhow::bail!(
            "no workspace to queue the reset email of user {} in",
            user.id.0
        );
    };
    let payload = JobPayload::SendPasswordReset(PasswordResetJob {
        user: user.id.0,
        token,
    });
    store
        .enqueue_job(
            workspace,
            NewJob {
                payload,
                run_at: Timestamp::now(),
                max_attempts: 5,
            },
        )
        .await?;
    Ok(())
}

/// The workspace a user's reset email is queued in: their first, else the server's first.
async fn job_workspace(store: &dyn Store, user: UserId) -> anyhow::Result<Option<WorkspaceId>> {
    if let Some(membership) = store.memberships(user).await?.first() {
        return Ok(Some(membership.workspace));
    }
    Ok(store
        .workspaces()
        .await?
        .first()
        .map(|workspace| workspace.id))
}

/// The form choosing a new password.
#[derive(Debug, Template)]
#[template(path = "dashboard/auth/reset.html")]
struct ResetPage {
    css: String,
    action: String,
    error: Option<String>,
}

/// `GET /reset/{token}`: the form (the link is not used up by looking at it).
pub(crate) async fn reset_page(Path(token): Path<String>) -> Response {
    render(&ResetPage {
        css: stylesheet_href(),
        action: format!("/reset/{token}"),
        error: None,
    })
}

/// The fields of the new password form.
#[derive(Debug, Deserialize)]
pub(crate) struct ResetForm {
    #[serde(default)]
    password: String,
    #[serde(default)]
    confirm: String,
}

/// `POST /reset/{token}`: uses the link up, sets the password, ends the user's other sessions
/// and signs in.
pub(crate) async fn reset_password(
    State(state): State<AppState>,
    Extension(guards): Extension<Arc<Guards>>,
    ClientIp(ip): ClientIp,
    Path(token): Path<String>,
    Form(form): Form<ResetForm>,
) -> Result<Response, DashboardError> {
    if !guards.allow_post(ip) {
        return Ok(too_many());
    }
    let again = |error: String| {
        render_status(
            &ResetPage {
                css: stylesheet_href(),
                action: format!("/reset/{token}"),
                error: Some(error),
            },
            StatusCode::UNPROCESSABLE_ENTITY,
        )
    };
    if let Some(problem) = password_problem(&form.password) {
        return Ok(again(problem));
    }
    if form.password != form.confirm {
        return Ok(again("The two passwords differ.".to_owned()));
    }
    let store = state.store();
    let Some(user) = store
        .take_password_reset(&hash_secret(&token), Timestamp::now())
        .await?
    else {
        return Ok(message_page(
            StatusCode::GONE,
            "This link no longer works",
            "A reset link works once, for one hour. Ask for a new one on the sign-in page.",
        ));
    };
    let password_hash = hash_blocking(form.password.clone()).await?;
    store.set_password(user, &password_hash).await?;
    match store.memberships(user).await?.first() {
        Some(membership) => {
            let cookie = start_session(&state, user, membership.workspace).await?;
            Ok(redirect_with_cookie("/app", cookie))
        }
        None => Ok(Redirect::to("/login?done=reset").into_response()),
    }
}

// ---- The user's account ----------------------------------------------------------------------

/// `/app/settings`: who you are, your workspaces, your password.
#[derive(Debug, Template)]
#[template(path = "dashboard/auth/account.html")]
struct AccountPage {
    frame: Frame,
    memberships: Vec<(String, &'static str, bool)>,
    error: Option<String>,
    saved: bool,
}

/// The query of the account page.
#[derive(Debug, Deserialize)]
pub(crate) struct SavedQuery {
    saved: Option<String>,
}

/// `GET /app/settings`.
pub(crate) async fn account(viewer: Viewer, Query(query): Query<SavedQuery>) -> Response {
    render(&account_page(&viewer, None, query.saved.is_some()))
}

fn account_page(viewer: &Viewer, error: Option<String>, saved: bool) -> AccountPage {
    AccountPage {
        frame: Frame::new(viewer, "Your account", Nav::Settings),
        memberships: viewer
            .memberships
            .iter()
            .map(|m| (m.workspace_slug.clone(), m.role.as_str(), m.hr))
            .collect(),
        error,
        saved,
    }
}

/// The fields of the password change form.
#[derive(Debug, Deserialize)]
pub(crate) struct PasswordForm {
    #[serde(default)]
    current: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    confirm: String,
}

/// `POST /app/settings/password`: checks the current password, sets the new one, ends every
/// other session of the user and starts a new one here.
pub(crate) async fn change_password(
    State(state): State<AppState>,
    Extension(guards): Extension<Arc<Guards>>,
    ClientIp(ip): ClientIp,
    Csrf(viewer): Csrf,
    Form(form): Form<PasswordForm>,
) -> Result<Response, DashboardError> {
    if !guards.allow_post(ip) {
        return Ok(too_many());
    }
    let again = |error: String| {
        render_status(
            &account_page(&viewer, Some(error), false),
            StatusCode::UNPROCESSABLE_ENTITY,
        )
    };
    let key = (viewer.user.email.clone(), ip);
    if guards.is_locked(&key) {
        return Ok(again(LOCKED_OUT.to_owned()));
    }
    let hash = state
        .store()
        .user_by_email(&viewer.user.email)
        .await?
        .map(|(_, hash)| hash);
    let current = form.current.chars().take(MAX_PASSWORD_CHARS).collect();
    if !verify_blocking(current, hash).await {
        guards.failed(key);
        return Ok(again("Your current password is not that.".to_owned()));
    }
    if let Some(problem) = password_problem(&form.password) {
        return Ok(again(problem));
    }
    if form.password != form.confirm {
        return Ok(again("The two new passwords differ.".to_owned()));
    }
    let password_hash = hash_blocking(form.password.clone()).await?;
    state
        .store()
        .set_password(viewer.user.id, &password_hash)
        .await?;
    let cookie = start_session(&state, viewer.user.id, viewer.workspace()).await?;
    Ok(redirect_with_cookie("/app/settings?saved=1", cookie))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_hash_and_verify() {
        let hash = hash_password("correct horse battery").unwrap();
        assert!(hash.starts_with("$argon2id$"));
        assert!(verify_password("correct horse battery", &hash));
        assert!(!verify_password("correct horse batterx", &hash));
        assert!(!verify_password("x", "not a hash"));
        assert!(!verify_password("anything", &DUMMY_HASH));
    }

    #[test]
    fn emails_and_names_are_normalised() {
        assert_eq!(
            normalize_email("  Mia@Example.COM "),
            Some("mia@example.com".into())
        );
        for bad in ["", "mia", "@x", "mia@", "a b@x", "a@b@c"] {
            assert_eq!(normalize_email(bad), None, "{bad}");
        }
        assert_eq!(normalize_name("  Mia  "), Some("Mia".into()));
        assert_eq!(normalize_name("   "), None);
        assert_eq!(normalize_name(&"x".repeat(101)), None);
    }

    #[test]
    fn passwords_need_ten_characters() {
        assert!(password_problem("short").is_some());
        assert!(password_problem("0123456789").is_none());
        assert!(password_problem(&"x".repeat(1_001)).is_some());
        assert_eq!(generate_password().len(), 20);
    }

    #[test]
    fn five_failures_lock_the_pair_only() {
        let guards = Guards::new(&Limits::default());
        let key = ("mia@example.com".to_owned(), None);
        for _ in 0..4 {
            guards.failed(key.clone());
            assert!(!guards.is_locked(&key));
        }
        guards.failed(key.clone());
        assert!(guards.is_locked(&key));
        let elsewhere = (
            "mia@example.com".to_owned(),
            Some(IpAddr::from([192, 0, 2, 1])),
        );
        assert!(!guards.is_locked(&elsewhere));
    }
}
