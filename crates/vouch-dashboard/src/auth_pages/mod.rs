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
//! - `GET|POST /reset/{token}`: sets a new password (at least
//!   [`MIN_PASSWORD_CHARS`](vouch_core::limits::MIN_PASSWORD_CHARS) characters), ends every
//!   other session of the user and signs in. The GET does not use the link up (mail scanners
//!   follow links); only a successful POST does.
//! - `GET /app/settings`, `POST /app/settings/password`: the user's account and password.
//!
//! Emails, user names and passwords follow the core's rules ([`vouch_core::email`],
//! [`vouch_core::account`], [`vouch_core::password`]).

mod account;
mod guards;
mod invitations;
mod passwords;
mod reset;
mod sign_in;

use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Redirect, Response};

pub(crate) use account::{account, change_password};
pub(crate) use guards::Guards;
pub(crate) use invitations::{accept_invite, invite_page};
pub use passwords::{generate_password, hash_password};
pub(crate) use reset::{request_reset, reset_form, reset_page, reset_password};
pub(crate) use sign_in::{login, login_form, logout, switch_workspace};

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

/// A redirect that also sets a cookie.
fn redirect_with_cookie(to: &str, cookie: HeaderValue) -> Response {
    let mut response = Redirect::to(to).into_response();
    response.headers_mut().insert(header::SET_COOKIE, cookie);
    response
}
