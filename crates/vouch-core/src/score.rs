//! A score on the 0–10 scale and its category.

use std::fmt;

/// An answer to the NPS question: an integer from 0 to 10. It cannot hold anything else.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Score(u8);

/// Why a value is not a score.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ScoreError {
    /// The text was empty or blank.
    #[error("score is empty")]
    Empty,
    /// The text had a fractional part, such as `7.5`.
    #[error("score {0:?} is not a whole number")]
    Fractional(String),
    /// The text was not a number at all.
    #[error("score {0:?} is not a number")]
    NotANumber(String),
    /// The number was outside 0–10.
    #[error("score {0} is outside 0–10")]
    OutOfRange(i64),
}

impl Score {
    /// The largest score.
    pub const MAX: u8 = 10;

    /// A score from an integer, if it lies within 0–10.
    pub fn new(value: i64) -> Result<Score, ScoreError> {
        if 0 <= value && value <= i64::from(Self::MAX) {
            Ok(Score(value as u8))
        } else {
            Err(ScoreError::OutOfRange(value))
        }
    }

    /// A score from text as found in a CSV cell or a form field (`"9"`, `" 10 "`, `"7.0"`).
    ///
    /// `"7.0"` is accepted because spreadsheets write whole numbers that way; `"7.5"` is not.
    pub fn parse(text: &str) -> Result<Score, ScoreError> {
        let trimmed = text.trim();
        if trimmed.is_empty() {
            return Err(ScoreError::Empty);
        }
        if let Ok(whole) = trimmed.parse::<i64>() {
            return Score::new(whole);
        }
        match trimmed.parse::<f64>() {
            Ok(number) if number.is_finite() && number.fract() == 0.0 => {
                if number < -1e15 || number > 1e15 {
                    return Err(ScoreError::NotANumber(trimmed.to_owned()));
                }
                Score::new(number as i64)
            }
            Ok(number) if number.is_finite() => Err(ScoreError::Fractional(trimmed.to_owned())),
            _ => Err(ScoreError::NotANumber(trimmed.to_owned())),
        }
    }

    /// The score as a number.
    pub fn value(self) -> u8 {
        self.0
    }

    /// Promoter (9–10), passive (7–8) or detractor (0–6).
    pub fn category(self) -> Category {
        match self.0 {
            9..=10 => Category::Promoter,
            7..=8 => Category::Passive,
            _ => Category::Detractor,
        }
    }
}

impl fmt::Display for Score {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

/// Where a score puts a respondent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Category {
    /// Scores 9 and 10.
    Promoter,
    /// Scores 7 and 8.
    Passive,
    /// Scores 0 to 6.
    Detractor,
}

impl Category {
    /// The lower-case name used in URLs and exports.
    pub fn as_str(self) -> &'static str {
        match self {
            Category::Promoter => "promoter",
            Category::Passive => "passive",
            Category::Detractor => "detractor",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_score_from_0_to_10_is_accepted_and_categorised() {
        let categories: Vec<_> = (0..=10)
            .map(|v| Score::new(v).unwrap().category())
            .collect();
        assert_eq!(categories[..7], [Category::Detractor; 7]);
        assert_eq!(categories[7..9], [Category::Passive; 2]);
        assert_eq!(categories[9..], [Category::Promoter; 2]);
    }

    #[test]
    fn a_score_of_11_or_minus_1_is_rejected() {
        assert_eq!(Score::new(11), Err(ScoreError::OutOfRange(11)));
        assert_eq!(Score::new(-1), Err(ScoreError::OutOfRange(-1)));
        assert_eq!(Score::parse("11"), Err(ScoreError::OutOfRange(11)));
    }

    #[test]
    fn text_scores_are_parsed_strictly() {
        assert_eq!(Score::parse(" 9 ").unwrap().value(), 9);
        assert_eq!(Score::parse("7.0").unwrap().value(), 7);
        assert_eq!(
            Score::parse("7.5"),
            Err(ScoreError::Fractional("7.5".into()))
        );
        assert_eq!(Score::parse(""), Err(ScoreError::Empty));
        assert_eq!(
            Score::parse("ten"),
            Err(ScoreError::NotANumber("ten".into()))
        );
        assert_eq!(
            Score::parse("NaN"),
            Err(ScoreError::NotANumber("NaN".into()))
        );
        assert_eq!(
            Score::parse("1e300"),
            Err(ScoreError::NotANumber("1e300".into()))
        );
    }
}
