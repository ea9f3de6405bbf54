//! Slugs of public survey links (`/l/{slug}`).

use rand::Rng;

use crate::{StoreError, StoreResult};

/// The longest slug accepted.
pub const MAX_SLUG_CHARS: usize = 64;

/// A slug for a new survey: its name in lower-case ASCII words joined by `-` (at most 40
/// characters), then `-` and six random hex digits, so a link cannot be guessed from the
/// survey's name alone.
pub fn generate_slug(name: &str) -> String {
    let mut base = String::new();
    for word in name
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|word| !word.is_empty())
    {
        if base.len() + word.len() + 1 > 40 {
            break;
        }
        if !base.is_empty() {
            base.push('-');
        }
        base.push_str(&word.to_ascii_lowercase());
    }
    if base.is_empty() {
        base.push_str("survey");
    }
    let suffix: u32 = rand::rng().random_range(0..0x100_0000);
    format!("{base}-{suffix:06x}")
}

/// True for 1 to [`MAX_SLUG_CHARS`] characters of `a-z`, `0-9` and inner `-`.
pub fn is_valid_slug(slug: &str) -> bool {
    !slug.is_empty()
        && slug.len() <= MAX_SLUG_CHARS
        && !slug.starts_with('-')
        && !slug.ends_with('-')
        && slug
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

/// Fails unless `slug` may be a survey's slug ([`is_valid_slug`]), with the one message both
/// backends give.
pub fn check_slug(slug: &str) -> StoreResult<()> {
    if is_valid_slug(slug) {
        Ok(())
    } else {
        Err(StoreError::Other(anyhow::Error::msg(format!(
            "{slug:?} is not a valid slug: 1 to {MAX_SLUG_CHARS} characters of a-z, 0-9 and \
             inner hyphens"
        ))))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_are_valid_and_differ() {
        let first = generate_slug("Customer NPS — Q3 (Europe)");
        assert!(first.starts_with("customer-nps-q3-europe-"), "{first}");
        assert!(is_valid_slug(&first));
        assert_ne!(first, generate_slug("Customer NPS — Q3 (Europe)"));
        assert!(generate_slug("???").starts_with("survey-"));
        assert!(generate_slug(&"word ".repeat(40)).len() <= 48);
    }

    #[test]
    fn validity() {
        assert!(is_valid_slug("nps-2026"));
        for bad in ["", "-a", "a-", "A", "a b", "é", &"a".repeat(65)] {
            assert!(!is_valid_slug(bad), "{bad}");
            let message = check_slug(bad).unwrap_err().to_string();
            assert!(message.contains("is not a valid slug"), "{message}");
        }
        assert!(check_slug("nps-2026").is_ok());
    }
}
