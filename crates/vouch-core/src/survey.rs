//! The two kinds of survey and what the method asks of each.

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

    /// The question asked when a survey does not set its own; `{name}` is the brand.
    pub fn default_question(self, name: &str) -> String {
        match self {
            SurveyKind::Nps => {
                format!("How likely are you to recommend {name} to a friend or colleague?")
            }
            SurveyKind::Enps => {
                format!("How likely are you to recommend working at {name} to a friend?")
            }
        }
    }

    /// True when reports must apply the anonymity rules.
    pub fn is_anonymous(self) -> bool {
        self == SurveyKind::Enps
    }
}
