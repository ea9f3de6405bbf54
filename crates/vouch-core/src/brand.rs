//! How a company shows itself to respondents: its name, its colour and its logo, checked once
//! for workspaces and surveys alike.

use thiserror::Error;

/// The longest brand name, in characters.
pub const MAX_BRAND_NAME_CHARS: usize = 100;

/// The longest logo URL, in characters.
pub const MAX_LOGO_URL_CHARS: usize = 2_048;

/// Why a brand field was refused.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum BrandError {
    /// The name is longer than [`MAX_BRAND_NAME_CHARS`] or holds control characters.
    #[error("the name must be 1 to {MAX_BRAND_NAME_CHARS} characters, without control characters")]
    Name,
    /// The colour is not `#RRGGBB`.
    #[error("{0:?} is not a colour written #RRGGBB")]
    Color(String),
    /// The logo is not an absolute web address.
    #[error(
        "the logo must be an absolute http:// or https:// URL of at most {MAX_LOGO_URL_CHARS} characters"
    )]
    LogoUrl,
}

/// True for `#RRGGBB` (either case).
pub fn is_hex_color(text: &str) -> bool {
    text.len() == 7
        && text.starts_with('#')
        && text[1..].bytes().all(|byte| byte.is_ascii_hexdigit())
}

/// True for an absolute `http(s)://` URL without spaces, quotes or angle brackets.
pub fn is_logo_url(text: &str) -> bool {
    let lower = text.to_ascii_lowercase();
    let rest = lower
        .strip_prefix("https://")
        .or_else(|| lower.strip_prefix("http://"));
    rest.is_some_and(|rest| !rest.is_empty() && !rest.starts_with('/'))
        && text.chars().count() <= MAX_LOGO_URL_CHARS
        && !text
            .chars()
            .any(|c| c.is_whitespace() || c.is_control() || "\"'<>\\`".contains(c))
}

/// A brand name as given, trimmed; `None` for an empty one (no name: "us" in the question).
pub fn brand_name(text: &str) -> Result<Option<String>, BrandError> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(None);
    }
    if text.chars().count() > MAX_BRAND_NAME_CHARS || text.chars().any(char::is_control) {
        return Err(BrandError::Name);
    }
    Ok(Some(text.to_owned()))
}

/// A colour as given, trimmed; `None` for an empty one.
pub fn brand_color(text: &str) -> Result<Option<String>, BrandError> {
    match text.trim() {
        "" => Ok(None),
        color if is_hex_color(color) => Ok(Some(color.to_owned())),
        other => Err(BrandError::Color(other.to_owned())),
    }
}

/// A logo URL as given, trimmed; `None` for an empty one.
pub fn logo_url(text: &str) -> Result<Option<String>, BrandError> {
    match text.trim() {
        "" => Ok(None),
        url if is_logo_url(url) => Ok(Some(url.to_owned())),
        _ => Err(BrandError::LogoUrl),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_trimmed_and_bounded() {
        assert_eq!(brand_name("  Acme  "), Ok(Some("Acme".into())));
        assert_eq!(brand_name("   "), Ok(None));
        assert_eq!(brand_name(&"x".repeat(101)), Err(BrandError::Name));
        assert_eq!(brand_name("A\u{7}cme"), Err(BrandError::Name));
    }

    #[test]
    fn colours_and_logos_are_checked() {
        assert_eq!(brand_color(" #1D4ed8 "), Ok(Some("#1D4ed8".into())));
        assert!(brand_color("blue").is_err());
        assert!(brand_color("#12345").is_err());
        assert_eq!(brand_color(""), Ok(None));
        assert_eq!(
            logo_url("https://acme.example/logo.png"),
            Ok(Some("https://acme.example/logo.png".into()))
        );
        for bad in [
            "ftp://x",
            "https://",
            "https:///x",
            "https://a b",
            "javascript:alert(1)",
        ] {
            assert_eq!(logo_url(bad), Err(BrandError::LogoUrl), "{bad}");
        }
    }
}
