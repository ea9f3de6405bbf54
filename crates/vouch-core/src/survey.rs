//! The two kinds of survey and what the method asks of each, and how a survey is found by
//! the name a person typed.

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

/// The most edits (letters added, removed, changed or swapped) between a typed name and a
/// survey's name for the survey to be offered as what was meant.
pub const NEAR_NAME_EDITS: usize = 2;

/// Whether a typed name names the survey called `name`: the same words ignoring case and the
/// spaces around them ("customer nps" names "Customer NPS").
pub fn same_name(typed: &str, name: &str) -> bool {
    typed.trim().to_lowercase() == name.trim().to_lowercase()
}

/// The name among `names` that `typed` most likely meant when it names none of them: at most
/// [`NEAR_NAME_EDITS`] edits away, ignoring case; the closest first, then the first given.
pub fn near_name<'a>(typed: &str, names: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let typed = typed.trim().to_lowercase();
    names
        .into_iter()
        .map(|name| {
            let edits = strsim::damerau_levenshtein(&typed, &name.trim().to_lowercase());
            (edits, name)
        })
        .filter(|(edits, _)| *edits <= NEAR_NAME_EDITS)
        .min_by_key(|(edits, _)| *edits)
        .map(|(_, name)| name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_match_ignoring_case_and_surrounding_space() {
        assert!(same_name(" customer nps ", "Customer NPS"));
        assert!(same_name("ÉQUIPE", "équipe"));
        assert!(!same_name("Customer NPS 2", "Customer NPS"));
    }

    #[test]
    fn a_typo_finds_the_name_it_was_meant_for() {
        let names = ["Customer NPS", "Employee eNPS", "Checkout"];
        assert_eq!(near_name("Custmer NPS", names), Some("Customer NPS"));
        assert_eq!(near_name("customer nsp", names), Some("Customer NPS"));
        assert_eq!(near_name("checkuot", names), Some("Checkout"));
        assert_eq!(near_name("Onboarding", names), None);
        assert_eq!(near_name("Custom", names), None);
    }
}
