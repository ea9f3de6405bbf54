//! Webhooks and alerts, pure: the events, Standard Webhooks v1 signatures, the retry schedule
//! and which addresses a webhook may never reach.
//!
//! A signature is `v1,` followed by the base64 HMAC-SHA256 of `id.timestamp.body`, keyed by the
//! bytes a `whsec_…` secret encodes ([Standard Webhooks](https://www.standardwebhooks.com/)).
//!
//! ```
//! use vouch_core::webhook::{secret_from_bytes, sign};
//! let secret = secret_from_bytes(&[7; 24]);
//! let signature = sign(&secret, "msg_1", 1_700_000_000, b"{}").unwrap();
//! assert!(signature.starts_with("v1,"));
//! ```

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::time::Duration;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;

/// What a webhook may subscribe to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum WebhookEvent {
    /// A response arrived.
    ResponseCreated,
    /// A response's status or assignee changed, a tag was taken off, or its author changed
    /// their answer.
    ResponseUpdated,
    /// A response gained a tag (by hand or by a rule).
    ResponseTagged,
    /// A response was erased.
    ResponseDeleted,
    /// An address unsubscribed.
    ContactUnsubscribed,
}

impl WebhookEvent {
    /// Every event, in the order they are listed.
    pub const ALL: [WebhookEvent; 5] = [
        WebhookEvent::ResponseCreated,
        WebhookEvent::ResponseUpdated,
        WebhookEvent::ResponseTagged,
        WebhookEvent::ResponseDeleted,
        WebhookEvent::ContactUnsubscribed,
    ];

    /// Its name on the wire: `response.created`…
    pub fn as_str(self) -> &'static str {
        match self {
            WebhookEvent::ResponseCreated => "response.created",
            WebhookEvent::ResponseUpdated => "response.updated",
            WebhookEvent::ResponseTagged => "response.tagged",
            WebhookEvent::ResponseDeleted => "response.deleted",
            WebhookEvent::ContactUnsubscribed => "contact.unsubscribed",
        }
    }

    /// The event of a name [`WebhookEvent::as_str`] gives.
    pub fn parse(name: &str) -> Option<WebhookEvent> {
        WebhookEvent::ALL
            .into_iter()
            .find(|event| event.as_str() == name)
    }
}

/// The type of the message `vouch webhooks test` sends.
pub const TEST_EVENT: &str = "webhook.test";

/// The most webhooks a workspace may have.
pub const MAX_WEBHOOKS: usize = 50;

/// The most alerts a workspace may have.
pub const MAX_ALERTS: usize = 50;

/// The longest URL a webhook or an alert may post to.
pub const MAX_URL_CHARS: usize = 2_048;

/// The most e-mail addresses one alert writes to.
pub const MAX_ALERT_EMAILS: usize = 20;

/// The longest alert name.
pub const MAX_ALERT_NAME_CHARS: usize = 100;

/// How long a message is retried after it was first due: a day.
pub const RETRY_WINDOW: Duration = Duration::from_secs(24 * 3600);

/// The wait before the second attempt; each later wait is three times the one before.
const FIRST_RETRY: Duration = Duration::from_secs(5);

/// The longest wait between two attempts.
const LONGEST_RETRY: Duration = Duration::from_secs(6 * 3600);

/// Why a list of events was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EventsError {
    /// No event was named.
    #[error("name at least one event: {}", event_names())]
    Empty,
    /// A name is none of the events.
    #[error("unknown event {0:?}: expected {names}", names = event_names())]
    Unknown(String),
}

/// The events' names, separated by commas.
pub fn event_names() -> String {
    WebhookEvent::ALL.map(WebhookEvent::as_str).join(", ")
}

/// Reads a comma-separated list of events (spaces allowed), each once, sorted.
pub fn parse_events(text: &str) -> Result<Vec<WebhookEvent>, EventsError> {
    let mut events = Vec::new();
    for name in text
        .split(',')
        .map(str::trim)
        .filter(|name| !name.is_empty())
    {
        let event = WebhookEvent::parse(name).ok_or_else(|| EventsError::Unknown(name.into()))?;
        events.push(event);
    }
    events.sort();
    events.dedup();
    if events.is_empty() {
        return Err(EventsError::Empty);
    }
    Ok(events)
}

/// A `whsec_` secret encoding these key bytes.
pub fn secret_from_bytes(key: &[u8]) -> String {
    format!("whsec_{}", STANDARD.encode(key))
}

/// Why a secret cannot sign.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("a webhook secret is `whsec_` followed by base64")]
pub struct SecretError;

/// The `webhook-signature` header of a message: `v1,` + base64 HMAC-SHA256 of
/// `id.timestamp.body` keyed by the secret's bytes.
pub fn sign(secret: &str, id: &str, timestamp: i64, body: &[u8]) -> Result<String, SecretError> {
    let encoded = secret.strip_prefix("whsec_").ok_or(SecretError)?;
    let key = STANDARD.decode(encoded).map_err(|_| SecretError)?;
    let mut mac =
        <Hmac<Sha256> as KeyInit>::new_from_slice(&key).expect("HMAC takes a key of any length");
    mac.update(id.as_bytes());
    mac.update(b".");
    mac.update(timestamp.to_string().as_bytes());
    mac.update(b".");
    mac.update(body);
    Ok(format!(
        "v1,{}",
        STANDARD.encode(mac.finalize().into_bytes())
    ))
}

/// The wait after failed attempt number `attempts` (1 for the first): 5 s, then three times
/// longer each time (15 s, 45 s, 2 min 15 s…), at most 6 h; `None` once the next attempt would
/// fall more than [`RETRY_WINDOW`] after the message was first due (`since_due`: how long ago
/// that was). A receiver's `Retry-After` replaces the wait, within the same window.
pub fn retry_delay(
    attempts: u32,
    since_due: Duration,
    retry_after: Option<Duration>,
) -> Option<Duration> {
    let exponent = attempts.saturating_sub(1).min(20);
    let backoff = FIRST_RETRY
        .saturating_mul(3u32.saturating_pow(exponent))
        .min(LONGEST_RETRY);
    let wait = retry_after.unwrap_or(backoff);
    (since_due.saturating_add(wait) <= RETRY_WINDOW).then_some(wait)
}

/// Whether a webhook may never be sent to this address unless private targets are allowed:
/// loopback, private (RFC 1918, unique local), link-local (cloud metadata among them), carrier
/// NAT, unspecified, broadcast, multicast, documentation and reserved ranges, and IPv6 forms of
/// any IPv4 one.
pub fn is_private_address(address: IpAddr) -> bool {
    match address {
        IpAddr::V4(v4) => is_private_v4(v4),
        IpAddr::V6(v6) => is_private_v6(v6),
    }
}

fn is_private_v4(address: Ipv4Addr) -> bool {
    let [a, b, ..] = address.octets();
    address.is_loopback()
        || address.is_private()
        || address.is_link_local()
        || address.is_unspecified()
        || address.is_broadcast()
        || address.is_multicast()
        || address.is_documentation()
        || a == 0
        || (a == 100 && (64..=127).contains(&b))
        || (a == 192 && b == 0)
        || (a == 198 && (b == 18 || b == 19))
        || a >= 240
}

fn is_private_v6(address: Ipv6Addr) -> bool {
    if let Some(v4) = address.to_ipv4_mapped() {
        return is_private_v4(v4);
    }
    let first = address.segments()[0];
    address.is_loopback()
        || address.is_unspecified()
        || address.is_multicast()
        || (first & 0xfe00) == 0xfc00
        || (first & 0xffc0) == 0xfe80
        || first == 0x2001 && address.segments()[1] == 0x0db8
        || first == 0x0064 && address.segments()[1] == 0xff9b
        || (first == 0 && address.segments()[1..6].iter().all(|segment| *segment == 0))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_signature_matches_the_standard_webhooks_example() {
        // The example of the Standard Webhooks specification's reference libraries.
        let secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
        let body = br#"{"test": 2432232314}"#;
        let signature = sign(secret, "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, body).unwrap();
        assert_eq!(signature, "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
    }

    #[test]
    fn a_secret_without_its_prefix_or_with_bad_base64_cannot_sign() {
        assert_eq!(sign("MfKQ9r8G", "m", 1, b""), Err(SecretError));
        assert_eq!(sign("whsec_%%%", "m", 1, b""), Err(SecretError));
    }

    #[test]
    fn events_are_read_once_each_and_unknown_ones_named() {
        assert_eq!(
            parse_events("response.tagged, response.created,response.tagged"),
            Ok(vec![
                WebhookEvent::ResponseCreated,
                WebhookEvent::ResponseTagged
            ])
        );
        assert_eq!(
            parse_events("response.created,response.eaten"),
            Err(EventsError::Unknown("response.eaten".into()))
        );
        assert_eq!(parse_events(" , "), Err(EventsError::Empty));
        for event in WebhookEvent::ALL {
            assert_eq!(WebhookEvent::parse(event.as_str()), Some(event));
        }
    }

    #[test]
    fn retries_grow_threefold_and_stop_after_a_day() {
        let none = Duration::ZERO;
        assert_eq!(retry_delay(1, none, None), Some(Duration::from_secs(5)));
        assert_eq!(retry_delay(2, none, None), Some(Duration::from_secs(15)));
        assert_eq!(retry_delay(3, none, None), Some(Duration::from_secs(45)));
        assert_eq!(retry_delay(40, none, None), Some(LONGEST_RETRY));
        let almost_a_day = Duration::from_secs(24 * 3600 - 10);
        assert_eq!(retry_delay(2, almost_a_day, None), None);
        assert_eq!(
            retry_delay(2, almost_a_day, Some(Duration::from_secs(3))),
            Some(Duration::from_secs(3)),
            "Retry-After replaces the wait"
        );
        let mut waited = Duration::ZERO;
        let mut attempts = 0;
        while let Some(wait) = retry_delay(attempts + 1, waited, None) {
            waited += wait;
            attempts += 1;
        }
        assert!(
            waited <= RETRY_WINDOW && attempts >= 10,
            "{attempts} {waited:?}"
        );
    }

    #[test]
    fn private_and_loopback_addresses_are_refused_public_ones_not() {
        for private in [
            "127.0.0.1",
            "10.1.2.3",
            "172.16.0.1",
            "192.168.1.1",
            "169.254.169.254",
            "100.64.0.1",
            "0.0.0.0",
            "::1",
            "::",
            "fd00::1",
            "fe80::1",
            "::ffff:127.0.0.1",
            "::ffff:10.0.0.1",
            "224.0.0.1",
        ] {
            let address: IpAddr = private.parse().unwrap();
            assert!(is_private_address(address), "{private}");
        }
        for public in [
            "93.184.216.34",
            "8.8.8.8",
            "2606:4700::1111",
            "::ffff:1.1.1.1",
        ] {
            let address: IpAddr = public.parse().unwrap();
            assert!(!is_private_address(address), "{public}");
        }
    }
}
