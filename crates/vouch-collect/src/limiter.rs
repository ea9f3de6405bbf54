//! Rate limits of the public endpoints (widget calls, survey page posts), per client IP and per
//! contact, with `governor`'s keyed GCRA limiters: a burst of the per-minute number, then one
//! request per `60 / n` seconds.

use std::hash::Hash;
use std::net::IpAddr;
use std::num::NonZeroU32;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};

use vouch_web::state::Limits;

/// How many checks pass between two sweeps of keys whose limit has fully recovered.
const SWEEP_EVERY: u64 = 4_096;

/// One keyed limit; `None` inside when the configured number is 0 (no limit).
pub(crate) struct KeyedLimit<K: Hash + Eq + Clone> {
    limiter: Option<DefaultKeyedRateLimiter<K>>,
    checks: AtomicU64,
}

impl<K: Hash + Eq + Clone> std::fmt::Debug for KeyedLimit<K> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("KeyedLimit")
            .field("enabled", &self.limiter.is_some())
            .finish_non_exhaustive()
    }
}

impl<K: Hash + Eq + Clone> KeyedLimit<K> {
    /// At most `per_minute` requests a minute per key (in bursts of as many); 0 for no limit.
    pub(crate) fn per_minute(per_minute: u32) -> KeyedLimit<K> {
        KeyedLimit {
            limiter: NonZeroU32::new(per_minute)
                .map(|per_minute| RateLimiter::keyed(Quota::per_minute(per_minute))),
            checks: AtomicU64::new(0),
        }
    }

    /// Counts a request of `key`: `Err(wait)` when it is over the limit, with how long until
    /// one more would pass.
    pub(crate) fn check(&self, key: &K) -> Result<(), Duration> {
        let Some(limiter) = &self.limiter else {
            return Ok(());
        };
        // Keys whose budget is full again carry no information: drop them now and then, so
        // the map does not grow with every address ever seen.
        if self.checks.fetch_add(1, Ordering::Relaxed) % SWEEP_EVERY == SWEEP_EVERY - 1 {
            limiter.retain_recent();
            limiter.shrink_to_fit();
        }
        limiter
            .check_key(key)
            .map_err(|not_until| not_until.wait_time_from(DefaultClock::default().now()))
    }
}

/// Every limit of answer collection.
#[derive(Debug)]
pub(crate) struct Limiters {
    /// Widget calls (`decide`, `answer`) per client address.
    pub(crate) widget_ip: KeyedLimit<IpAddr>,
    /// Widget calls per contact (per widget key and visitor identity).
    pub(crate) widget_contact: KeyedLimit<String>,
    /// Posts of survey pages (`/s/`, `/l/`) per client address.
    pub(crate) page_ip: KeyedLimit<IpAddr>,
    /// Posts of survey pages per contact.
    pub(crate) page_contact: KeyedLimit<String>,
}

impl Limiters {
    /// The limiters the limits ask for.
    pub(crate) fn new(limits: &Limits) -> Limiters {
        Limiters {
            widget_ip: KeyedLimit::per_minute(limits.widget_requests_per_minute_per_ip),
            widget_contact: KeyedLimit::per_minute(limits.widget_requests_per_minute_per_contact),
            page_ip: KeyedLimit::per_minute(limits.page_posts_per_minute_per_ip),
            page_contact: KeyedLimit::per_minute(limits.page_posts_per_minute_per_contact),
        }
    }
}

/// The key an address is limited by: IPv4 addresses one by one, IPv6 by /64 prefix (one
/// household or server usually holds a whole /64, and could otherwise rotate through it).
pub(crate) fn ip_key(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V4(_) => ip,
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => IpAddr::V4(v4),
            None => IpAddr::V6((u128::from(v6) & !((1u128 << 64) - 1)).into()),
        },
    }
}

/// The `Retry-After` value for a wait: whole seconds, at least 1.
pub(crate) fn retry_after_seconds(wait: Duration) -> u64 {
    (wait.as_secs() + u64::from(wait.subsec_nanos() > 0)).max(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_burst_passes_then_the_next_request_waits() {
        let limit = KeyedLimit::per_minute(3);
        let key = "a".to_owned();
        for _ in 0..3 {
            assert!(limit.check(&key).is_ok());
        }
        let wait = limit.check(&key).unwrap_err();
        assert!(wait <= Duration::from_secs(20) && wait > Duration::from_secs(15));
        assert!(
            limit.check(&"b".to_owned()).is_ok(),
            "keys are limited apart"
        );
    }

    #[test]
    fn zero_means_no_limit() {
        let limit = KeyedLimit::per_minute(0);
        for _ in 0..1_000 {
            assert!(limit.check(&1u8).is_ok());
        }
    }

    #[test]
    fn ipv6_addresses_share_their_64_prefix() {
        let one: IpAddr = "2001:db8:1:2:aaaa::1".parse().unwrap();
        let two: IpAddr = "2001:db8:1:2:bbbb::9".parse().unwrap();
        let other: IpAddr = "2001:db8:1:3::1".parse().unwrap();
        assert_eq!(ip_key(one), ip_key(two));
        assert_ne!(ip_key(one), ip_key(other));
        let mapped: IpAddr = "::ffff:192.0.2.7".parse().unwrap();
        assert_eq!(ip_key(mapped), "192.0.2.7".parse::<IpAddr>().unwrap());
    }

    #[test]
    fn retry_after_rounds_up_to_whole_seconds() {
        assert_eq!(retry_after_seconds(Duration::from_millis(1)), 1);
        assert_eq!(retry_after_seconds(Duration::from_millis(1_500)), 2);
        assert_eq!(retry_after_seconds(Duration::from_secs(3)), 3);
        assert_eq!(retry_after_seconds(Duration::ZERO), 1);
    }
}
