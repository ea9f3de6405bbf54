//! The two kinds of survey and what the method asks of each.

/// The follow-up asked after the score when a survey does not set its own.
pub const DEFAULT_FOLLOW_UP: &str = "What is the main reason for your score?";

/// Customer NPS or employee NPS. eNPS reports protect anonymity (see [`crate::suppression`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SurveyKind {
    /// Net Promoter Score of customers.
    Nps,
    /// Employee Net Promoter Score: anonymous by construction.
    Enps,
}

impl SurveyKind {
    /// `nps` or `enps`.
    pub fn as_str(self) -> &'static str {
        match self {
            SurveyKind::Nps => "nps",
            SurveyKind::Enps => "enps",
        }
    }

    /// Parses `nps` or `enps`.
    pub fn parse(text: &str) -> Option<SurveyKind> {
        match text {
            "nps" => Some(SurveyKind::Nps),
            "enps" => Some(SurveyKind::Enps),
            _ => None,
        }
    }

    /// The question asked when a survey does not set its own, in English. `brand` is the company
    /// or product name; without one the question says "us" or "here". Other languages:
    /// [`crate::language::default_question`].
    pub fn default_question(self, brand: Option<&str>) -> String {
        crate::language::default_question(self, crate::language::Language::En, brand)
    }

    /// True when reports must apply the anonymity rules.
    pub fn is_anonymous(self) -> bool {
        self == SurveyKind::Enps
    }
}
