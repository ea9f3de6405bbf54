//! The in-memory limits of the sign-in and account forms: failed sign-ins lock an (email,
//! address) pair for a while, and posts are counted per address and reset emails per address.

use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};
use std::num::NonZeroU32;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::request::Parts;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::Response;
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
use vouch_web::state::Limits;

use crate::layout::message_page;

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
    pub(super) fn is_locked(&self, key: &(String, Option<IpAddr>)) -> bool {
        let now = Instant::now();
        self.lock()
            .get(key)
            .and_then(|failures| failures.locked_until)
            .is_some_and(|until| until > now)
    }

    /// Counts a failure; locks the pair once it has too many within a minute.
    pub(super) fn failed(&self, key: (String, Option<IpAddr>)) {
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
    pub(super) fn succeeded(&self, key: &(String, Option<IpAddr>)) {
        self.lock().remove(key);
    }

    /// Counts a post of a form from this address: false when over the limit.
    pub(super) fn allow_post(&self, ip: Option<IpAddr>) -> bool {
        self.posts_per_ip
            .as_ref()
            .is_none_or(|limiter| limiter.check_key(&ip.map(ip_key)).is_ok())
    }

    /// Counts a reset email to this address: false when over the limit.
    pub(super) fn allow_reset(&self, email: &str) -> bool {
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
pub(super) fn too_many() -> Response {
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

#[cfg(test)]
mod tests {
    use super::*;

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
