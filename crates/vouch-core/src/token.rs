//! Unguessable, tamper-evident tokens for the links Vouch sends: answer a survey, unsubscribe,
//! come back to a response.
//!
//! A token is `"{id}.{tag}"`: the row id in decimal, then a tag, the first 16 bytes of
//! HMAC-SHA256 over the [`Purpose`]'s bytes followed by the id as 8 big-endian bytes, in
//! base64url without padding (22 characters). Knowing one token does not let anyone make the
//! token of another id, nor the token of the same id for another purpose, without the secret.
//!
//! ```
//! use vouch_core::token::{Purpose, sign, verify};
//! let secret = b"a long random server secret";
//! let token = sign(secret, Purpose::Answer, 42);
//! assert_eq!(verify(secret, Purpose::Answer, &token), Some(42));
//! assert_eq!(verify(secret, Purpose::Unsubscribe, &token), None);
//! ```

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;

/// The longest text [`verify`] looks at; anything longer is refused unread. A real token is at
/// most 42 characters (19 digits, a dot, 22 tag characters).
pub const MAX_TOKEN_LEN: usize = 64;

/// How many bytes of the HMAC a token carries.
const TAG_BYTES: usize = 16;

/// What a token lets its holder do. Each purpose signs with its own prefix, so a token made for
/// one purpose never verifies for another.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Purpose {
    /// Answer a survey: the id is the invitation the answer belongs to.
    Answer,
    /// Stop receiving surveys: the id is the invitation whose email carried the link (its
    /// contact's address is the one suppressed).
    Unsubscribe,
    /// Come back to a response already given, to change it or add a comment.
    Response,
}

impl Purpose {
    /// The bytes put before the id in the signed message. They differ between purposes, and as
    /// the id that follows is always 8 bytes, two different (purpose, id) pairs never sign the
    /// same message.
    pub fn domain(self) -> &'static [u8] {
        match self {
            Purpose::Answer => b"vouch.token.answer.v1",
            Purpose::Unsubscribe => b"vouch.token.unsubscribe.v1",
            Purpose::Response => b"vouch.token.response.v1",
        }
    }
}

/// The HMAC over `purpose || id`, ready to finalize or verify.
fn mac(secret: &[u8], purpose: Purpose, id: i64) -> Hmac<Sha256> {
    let mut mac =
        <Hmac<Sha256> as KeyInit>::new_from_slice(secret).expect("HMAC takes a key of any length");
    mac.update(purpose.domain());
    mac.update(&id.to_be_bytes());
    mac
}

/// The token for `id` and `purpose`: `"{id}.{tag}"`.
///
/// Ids are row ids and so never negative; a token signed for a negative id never verifies.
/// `secret` should be at least 32 random bytes and stay the same across restarts, or links
/// already sent stop working.
pub fn sign(secret: &[u8], purpose: Purpose, id: i64) -> String {
    let full = mac(secret, purpose, id).finalize().into_bytes();
    let tag = URL_SAFE_NO_PAD.encode(&full[..TAG_BYTES]);
    format!("{id}.{tag}")
}

/// The id in `token` if it was made by [`sign`] with this `secret` and `purpose`, else `None`.
///
/// `None` also for anything that is not exactly what `sign` writes: empty or longer than
/// [`MAX_TOKEN_LEN`], a missing dot, a sign, leading zeros or non-digits in the id, a negative
/// or overflowing id, a tag that is not 16 bytes of canonical base64url without padding. The
/// tag is compared in constant time.
pub fn verify(secret: &[u8], purpose: Purpose, token: &str) -> Option<i64> {
    if token.len() > MAX_TOKEN_LEN {
        return None;
    }
    let (id_text, tag_text) = token.split_once('.')?;
    let id = parse_id(id_text)?;
    // The tag of 16 bytes is exactly 22 characters; the engine refuses non-zero trailing bits,
    // so each tag has one spelling only.
    if tag_text.len() != 22 {
        return None;
    }
    let tag = URL_SAFE_NO_PAD.decode(tag_text).ok()?;
    if tag.len() != TAG_BYTES {
        return None;
    }
    mac(secret, purpose, id).verify_truncated_left(&tag).ok()?;
    Some(id)
}

/// A non-negative id in its one canonical decimal spelling: digits only, no sign, no leading
/// zero unless the id is 0, within `i64`.
fn parse_id(text: &str) -> Option<i64> {
    if text.is_empty() || !text.bytes().all(|byte| byte.is_ascii_digit()) {
        return None;
    }
    if text.len() > 1 && text.starts_with('0') {
        return None;
    }
    text.parse::<i64>().ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const SECRET: &[u8] = b"0123456789abcdef0123456789abcdef";
    const PURPOSES: [Purpose; 3] = [Purpose::Answer, Purpose::Unsubscribe, Purpose::Response];

    #[test]
    fn round_trip() {
        for purpose in PURPOSES {
            for id in [0, 1, 42, 1_000_000, i64::MAX] {
                let token = sign(SECRET, purpose, id);
                assert_eq!(verify(SECRET, purpose, &token), Some(id), "{token}");
            }
        }
    }

    #[test]
    fn shape() {
        let token = sign(SECRET, Purpose::Answer, 42);
        let (id, tag) = token.split_once('.').unwrap();
        assert_eq!(id, "42");
        assert_eq!(tag.len(), 22);
        assert!(
            tag.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        );
        assert!(sign(SECRET, Purpose::Answer, i64::MAX).len() <= MAX_TOKEN_LEN);
        // Deterministic: the same inputs always give the same link.
        assert_eq!(token, sign(SECRET, Purpose::Answer, 42));
    }

    #[test]
    fn known_answer() {
        // HMAC-SHA256(SECRET, "vouch.token.answer.v1" || 42 as 8 big-endian bytes), first 16
        // bytes, computed independently with Python's hmac module. Pinned so that a change of
        // construction, which would break every link already sent, cannot pass unnoticed.
        let token = sign(SECRET, Purpose::Answer, 42);
        assert_eq!(token, KNOWN_ANSWER_42);
    }

    const KNOWN_ANSWER_42: &str = "42.GLmdwiC3phSMZVousQkOTg";

    #[test]
    fn tampering_any_character_fails() {
        let alphabet: Vec<char> =
            "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.+/="
                .chars()
                .collect();
        for purpose in PURPOSES {
            for id in [0, 7, 12345, i64::MAX] {
                let token = sign(SECRET, purpose, id);
                let chars: Vec<char> = token.chars().collect();
                for index in 0..chars.len() {
                    for &replacement in &alphabet {
                        if replacement == chars[index] {
                            continue;
                        }
                        let mut tampered = chars.clone();
                        tampered[index] = replacement;
                        let tampered: String = tampered.into_iter().collect();
                        assert_eq!(verify(SECRET, purpose, &tampered), None, "{tampered}");
                    }
                }
                // Dropping or adding a character fails too.
                for index in 0..chars.len() {
                    let mut shorter = chars.clone();
                    shorter.remove(index);
                    let shorter: String = shorter.into_iter().collect();
                    assert_eq!(verify(SECRET, purpose, &shorter), None, "{shorter}");
                }
                assert_eq!(verify(SECRET, purpose, &format!("{token}A")), None);
                assert_eq!(verify(SECRET, purpose, &format!("0{token}")), None);
            }
        }
    }

    #[test]
    fn wrong_secret_fails() {
        let token = sign(SECRET, Purpose::Answer, 42);
        assert_eq!(verify(b"another secret", Purpose::Answer, &token), None);
        assert_eq!(verify(b"", Purpose::Answer, &token), None);
        // An empty secret still signs and verifies consistently (but must not be used).
        let weak = sign(b"", Purpose::Answer, 42);
        assert_eq!(verify(b"", Purpose::Answer, &weak), Some(42));
        assert_eq!(verify(SECRET, Purpose::Answer, &weak), None);
    }

    #[test]
    fn wrong_purpose_fails() {
        for signed in PURPOSES {
            let token = sign(SECRET, signed, 42);
            for checked in PURPOSES {
                let expected = (signed == checked).then_some(42);
                assert_eq!(verify(SECRET, checked, &token), expected);
            }
        }
    }

    #[test]
    fn tag_of_one_id_does_not_fit_another() {
        let token = sign(SECRET, Purpose::Answer, 42);
        let (_, tag) = token.split_once('.').unwrap();
        assert_eq!(verify(SECRET, Purpose::Answer, &format!("43.{tag}")), None);
    }

    #[test]
    fn negative_ids_never_verify() {
        let token = sign(SECRET, Purpose::Answer, -5);
        assert_eq!(verify(SECRET, Purpose::Answer, &token), None);
        let (_, tag) = token.split_once('.').unwrap();
        assert_eq!(verify(SECRET, Purpose::Answer, &format!("+5.{tag}")), None);
    }

    #[test]
    fn garbage_fails() {
        let long = "1".repeat(MAX_TOKEN_LEN + 1);
        let valid_tag = sign(SECRET, Purpose::Answer, 1);
        let padded = format!("{valid_tag}==");
        let inputs = [
            "",
            ".",
            "42",
            "42.",
            ".AAAAAAAAAAAAAAAAAAAAAA",
            "abc.AAAAAAAAAAAAAAAAAAAAAA",
            "42.AAAAAAAAAAAAAAAAAAAAAA",
            "42.AAAAAAAAAAAAAAAAAAAAA",
            "42.AAAAAAAAAAAAAAAAAAAAAAA",
            "42.!!!!!!!!!!!!!!!!!!!!!!",
            "42.AAAA.AAAAAAAAAAAAAAAAA",
            "99999999999999999999.AAAAAAAAAAAAAAAAAAAAAA",
            " 1.AAAAAAAAAAAAAAAAAAAAAA",
            "１.AAAAAAAAAAAAAAAAAAAAAA",
            "42.ÀAAAAAAAAAAAAAAAAAAAA",
            long.as_str(),
            padded.as_str(),
        ];
        for input in inputs {
            assert_eq!(verify(SECRET, Purpose::Answer, input), None, "{input:?}");
        }
        let overlong = format!("{valid_tag}{}", " ".repeat(MAX_TOKEN_LEN));
        assert_eq!(verify(SECRET, Purpose::Answer, &overlong), None);
    }

    #[test]
    fn domains_are_distinct() {
        for (i, a) in PURPOSES.iter().enumerate() {
            for b in &PURPOSES[i + 1..] {
                assert_ne!(a.domain(), b.domain());
            }
        }
    }

    proptest! {
        #[test]
        fn proptest_round_trip(
            secret in proptest::collection::vec(any::<u8>(), 0..80),
            id in 0..=i64::MAX,
            purpose in 0..3usize,
        ) {
            let purpose = PURPOSES[purpose];
            let token = sign(&secret, purpose, id);
            prop_assert!(token.len() <= MAX_TOKEN_LEN);
            prop_assert_eq!(verify(&secret, purpose, &token), Some(id));
        }

        #[test]
        fn proptest_arbitrary_text_never_panics(text in "\\PC{0,80}") {
            let _ = verify(SECRET, Purpose::Response, &text);
        }
    }
}
