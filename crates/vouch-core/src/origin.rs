//! Web origins, as browsers send them in `Origin`: the pages an in-app widget key may be used
//! from.

use thiserror::Error;

/// A text that is not an origin.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("{0:?} is not an origin like https://app.example.com (scheme, host, optional port)")]
pub struct OriginError(pub String);

/// Checks origins and normalises them: `scheme://host[:port]`, no path, lower-cased, a trailing
/// `/` dropped, duplicates removed (first kept).
pub fn check_origins<S: AsRef<str>>(origins: &[S]) -> Result<Vec<String>, OriginError> {
    let mut checked = Vec::new();
    for origin in origins {
        let origin = origin.as_ref().trim().trim_end_matches('/');
        let rest = origin
            .strip_prefix("https://")
            .or_else(|| origin.strip_prefix("http://"));
        let valid = rest.is_some_and(|host| {
            !host.is_empty()
                && !host.contains(['/', '?', '#', '@', ' '])
                && host.chars().all(|c| c.is_ascii_graphic())
        });
        if !valid {
            return Err(OriginError(origin.to_owned()));
        }
        let origin = origin.to_ascii_lowercase();
        if !checked.contains(&origin) {
            checked.push(origin);
        }
    }
    Ok(checked)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn origins_are_checked_and_normalised() {
        let origins = check_origins(&[
            "https://App.example.com/",
            "http://localhost:3000",
            "https://app.example.com",
        ])
        .unwrap();
        assert_eq!(
            origins,
            ["https://app.example.com", "http://localhost:3000"]
        );
        for bad in [
            "app.example.com",
            "https://",
            "https://a.example/path",
            "ftp://x",
        ] {
            assert!(check_origins(&[bad]).is_err(), "{bad}");
        }
    }
}
