//! Whether the widget shows its survey to a visitor: throttle window, minimum account age and
//! sampling, decided without I/O.

use jiff::{SignedDuration, Timestamp};
use serde_json::Value;
use sha2::{Digest, Sha256};
use vouch_store::ContactId;

/// Why the widget stays hidden.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Hidden {
    /// The survey is archived.
    Inactive,
    /// The visitor was asked something within the survey's throttle window.
    Throttled,
    /// The visitor's account is younger than the key's minimum age (or its age is unknown).
    TooNew,
    /// The visitor is not in the key's sample.
    SampledOut,
}

impl Hidden {
    /// The `reason` of the reply: `inactive`, `throttled`, `too_new` or `sampled_out`.
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Hidden::Inactive => "inactive",
            Hidden::Throttled => "throttled",
            Hidden::TooNew => "too_new",
            Hidden::SampledOut => "sampled_out",
        }
    }
}

/// `days` whole days.
fn days(days: u32) -> SignedDuration {
    SignedDuration::from_hours(24 * i64::from(days))
}

/// True when the contact was last asked less than `throttle_days` ago.
pub(crate) fn throttled(
    last_surveyed: Option<Timestamp>,
    throttle_days: u32,
    now: Timestamp,
) -> bool {
    throttle_days > 0
        && last_surveyed.is_some_and(|last| now.duration_since(last) < days(throttle_days))
}

/// When the account was created, from the `created_at` trait: RFC 3339, `YYYY-MM-DD`
/// (midnight UTC), or a Unix time in seconds (a number or digits; numbers beyond 10^11 are
/// read as milliseconds, as JavaScript's `Date.now()` gives).
pub(crate) fn account_created_at(value: &Value) -> Option<Timestamp> {
    let from_unix = |number: f64| -> Option<Timestamp> {
        if !number.is_finite() {
            return None;
        }
        let seconds = if number.abs() >= 1e11 {
            number / 1000.0
        } else {
            number
        };
        Timestamp::from_second(seconds.trunc() as i64).ok()
    };
    match value {
        Value::Number(number) => number.as_f64().and_then(from_unix),
        Value::String(text) => {
            let text = text.trim();
            if !text.is_empty() && text.len() <= 16 && text.bytes().all(|b| b.is_ascii_digit()) {
                return text.parse::<f64>().ok().and_then(from_unix);
            }
            vouch_core::period::parse_instant(text).ok()
        }
        _ => None,
    }
}

/// True when the account is at least `min_days` old. With a minimum, an account whose age is
/// unknown (no or unreadable `created_at`) or lies in the future is too new.
pub(crate) fn old_enough(created_at: Option<Timestamp>, min_days: u32, now: Timestamp) -> bool {
    if min_days == 0 {
        return true;
    }
    created_at.is_some_and(|created| now.duration_since(created) >= days(min_days))
}

/// True when the contact is in the key's sample: a hash of (key, contact) read as a number in
/// [0, 1) is below `sample`, so the same visitor always gets the same answer.
pub(crate) fn sampled_in(key: &str, contact: ContactId, sample: f64) -> bool {
    if sample.is_nan() || sample <= 0.0 {
        return false;
    }
    if sample >= 1.0 {
        return true;
    }
    let digest = Sha256::new()
        .chain_update(key.as_bytes())
        .chain_update(b":")
        .chain_update(contact.0.to_be_bytes())
        .finalize();
    let mut first = [0u8; 8];
    first.copy_from_slice(&digest[..8]);
    // The top 53 bits make a uniform double in [0, 1).
    let position = (u64::from_be_bytes(first) >> 11) as f64 / (1u64 << 53) as f64;
    position < sample
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn at(text: &str) -> Timestamp {
        text.parse().unwrap()
    }

    #[test]
    fn created_at_is_read_in_every_documented_shape() {
        let expected = at("2025-03-01T00:00:00Z");
        for value in [
            json!("2025-03-01"),
            json!("2025-03-01T01:00:00+01:00"),
            json!(1_740_787_200),
            json!("1740787200"),
            json!(1_740_787_200_000_i64),
            json!(1_740_787_200.9),
        ] {
            assert_eq!(account_created_at(&value), Some(expected), "{value}");
        }
        for value in [
            json!("soon"),
            json!(null),
            json!(true),
            json!([1]),
            json!(""),
        ] {
            assert_eq!(account_created_at(&value), None, "{value}");
        }
    }

    #[test]
    fn young_and_unknown_accounts_are_too_new_only_with_a_minimum() {
        let now = at("2026-01-31T00:00:00Z");
        let created = Some(at("2026-01-01T00:00:00Z"));
        assert!(old_enough(created, 30, now));
        assert!(!old_enough(created, 31, now));
        assert!(!old_enough(None, 1, now));
        assert!(old_enough(None, 0, now));
        assert!(!old_enough(Some(at("2027-01-01T00:00:00Z")), 1, now));
    }

    #[test]
    fn the_throttle_window_counts_whole_days() {
        let now = at("2026-04-01T00:00:00Z");
        assert!(throttled(Some(at("2026-01-02T00:00:01Z")), 90, now));
        assert!(!throttled(Some(at("2026-01-01T00:00:00Z")), 90, now));
        assert!(!throttled(None, 90, now));
        assert!(!throttled(Some(now), 0, now));
    }

    #[test]
    fn sampling_is_stable_and_close_to_its_share() {
        let inside = (0..10_000)
            .filter(|id| sampled_in("pk_test", ContactId(*id), 0.25))
            .count();
        assert!((2_300..2_700).contains(&inside), "{inside}");
        for id in 0..100 {
            let contact = ContactId(id);
            assert_eq!(
                sampled_in("pk_test", contact, 0.5),
                sampled_in("pk_test", contact, 0.5)
            );
            assert!(sampled_in("pk_test", contact, 1.0));
            assert!(!sampled_in("pk_test", contact, 0.0));
        }
    }
}
