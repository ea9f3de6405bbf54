//! A dashboard account's display name.

use std::fmt;

use crate::limits::MAX_USER_NAME_CHARS;

/// A user's name as stored: trimmed, 1 to [`MAX_USER_NAME_CHARS`] characters, no control
/// characters.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct UserName(String);

/// Why a text cannot be a user's name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum UserNameError {
    /// Empty or blank.
    #[error("the name is empty")]
    Empty,
    /// More than [`MAX_USER_NAME_CHARS`] characters once trimmed.
    #[error("longer than {MAX_USER_NAME_CHARS} characters")]
    TooLong,
    /// A control character (a line break, a tab, …) inside the name.
    #[error("the name contains a control character")]
    ControlCharacter,
}

impl UserName {
    /// Checks and trims a name.
    pub fn parse(text: &str) -> Result<UserName, UserNameError> {
        let name = text.trim();
        if name.is_empty() {
            Err(UserNameError::Empty)
        } else if name.chars().count() > MAX_USER_NAME_CHARS {
            Err(UserNameError::TooLong)
        } else if name.contains(char::is_control) {
            Err(UserNameError::ControlCharacter)
        } else {
            Ok(UserName(name.to_owned()))
        }
    }

    /// The name, trimmed.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The name, trimmed, as an owned string (for the store's row types).
    pub fn into_string(self) -> String {
        self.0
    }
}

impl fmt::Display for UserName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_trimmed_and_bounded() {
        assert_eq!(UserName::parse("  Mia  ").unwrap().as_str(), "Mia");
        assert_eq!(
            UserName::parse(&"x".repeat(100)).map(|n| n.as_str().len()),
            Ok(100)
        );
        let cases = [
            ("", UserNameError::Empty),
            ("   ", UserNameError::Empty),
            ("Mia\nRoss", UserNameError::ControlCharacter),
        ];
        for (input, expected) in cases {
            assert_eq!(UserName::parse(input), Err(expected), "{input:?}");
        }
        assert_eq!(
            UserName::parse(&"x".repeat(101)),
            Err(UserNameError::TooLong)
        );
    }
}
