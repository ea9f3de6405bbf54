//! The revenue calculator's rule: what the detractors, passives and promoters' value means in
//! money at risk and money to gain, with the rates that turn one into the other.

use crate::attribute::AttributeKind;
use crate::score::Category;

/// The attribute read as a contact's value when none is named.
pub const DEFAULT_VALUE_ATTRIBUTE: &str = "mrr";

/// A value attribute that cannot be one.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ValueAttributeError {
    /// No contact carries it.
    #[error("no attribute {0:?}")]
    Unknown(String),
    /// It holds something other than numbers.
    #[error("{name:?} is a {kind} attribute, not a number", kind = .kind.as_str())]
    NotANumber {
        /// The attribute.
        name: String,
        /// What it holds.
        kind: AttributeKind,
    },
}

/// The attribute that is each contact's value: the one `given`, which must be a number
/// attribute, else [`DEFAULT_VALUE_ATTRIBUTE`] when the workspace has it as a number; `None`
/// when neither (every value then counts 0). `kind_of` says what an attribute holds.
pub fn value_attribute(
    given: Option<&str>,
    kind_of: impl Fn(&str) -> Option<AttributeKind>,
) -> Result<Option<String>, ValueAttributeError> {
    let Some(name) = given else {
        let is_number = kind_of(DEFAULT_VALUE_ATTRIBUTE) == Some(AttributeKind::Number);
        return Ok(is_number.then(|| DEFAULT_VALUE_ATTRIBUTE.to_owned()));
    };
    match kind_of(name) {
        Some(AttributeKind::Number) => Ok(Some(name.to_owned())),
        Some(kind) => Err(ValueAttributeError::NotANumber {
            name: name.to_owned(),
            kind,
        }),
        None => Err(ValueAttributeError::Unknown(name.to_owned())),
    }
}

/// The share of value expected to move per category: the detractors' and passives' churn,
/// and the promoters' referral yield. Each in 0…1.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Rates {
    /// The share of detractors' value expected to churn soon.
    pub detractor: f64,
    /// The share of passives' value expected to churn in the long run.
    pub passive: f64,
    /// The share of promoters' value expected to come back as referred revenue.
    pub promoter: f64,
}

/// A rate that is not a share.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("the {category} rate must be a number from 0 to 1, not {value}")]
pub struct RateError {
    /// `detractor`, `passive` or `promoter`: the rate that was wrong.
    pub category: &'static str,
    /// What was given.
    pub value: f64,
}

impl Rates {
    /// The rates assumed until a workspace saves its own: half of detractors' value lost soon,
    /// 30 % of passives' in the long run, 30 % of promoters' value won again by referrals.
    pub const DEFAULT: Rates = Rates {
        detractor: 0.5,
        passive: 0.3,
        promoter: 0.3,
    };

    /// Rates checked to be shares in 0…1; the error names the first that is not.
    pub fn new(detractor: f64, passive: f64, promoter: f64) -> Result<Rates, RateError> {
        for (category, value) in [
            ("detractor", detractor),
            ("passive", passive),
            ("promoter", promoter),
        ] {
            if !(0.0..=1.0).contains(&value) {
                return Err(RateError { category, value });
            }
        }
        Ok(Rates {
            detractor,
            passive,
            promoter,
        })
    }

    /// The rate of a category.
    pub fn of(&self, category: Category) -> f64 {
        match category {
            Category::Detractor => self.detractor,
            Category::Passive => self.passive,
            Category::Promoter => self.promoter,
        }
    }
}

/// Summed value per category, and what the rates make of it.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct RevenueFigures {
    /// Detractors' summed value.
    pub detractor_value: f64,
    /// Passives' summed value.
    pub passive_value: f64,
    /// Promoters' summed value.
    pub promoter_value: f64,
}

impl RevenueFigures {
    /// Detractor rate × detractors' value: what may be lost soon.
    pub fn at_risk_short(&self, rates: &Rates) -> f64 {
        rates.detractor * self.detractor_value
    }

    /// Passive rate × passives' value: what may drift away in the long run.
    pub fn at_risk_long(&self, rates: &Rates) -> f64 {
        rates.passive * self.passive_value
    }

    /// Promoter rate × promoters' value: what their referrals may bring.
    pub fn potential(&self, rates: &Rates) -> f64 {
        rates.promoter * self.promoter_value
    }

    /// Adds one contact's value to its category.
    pub fn add(&mut self, category: Category, value: f64) {
        match category {
            Category::Detractor => self.detractor_value += value,
            Category::Passive => self.passive_value += value,
            Category::Promoter => self.promoter_value += value,
        }
    }
}

/// The revenue-weighted NPS: each answer weighted by its contact's value, 100 × (promoters'
/// value − detractors' value) / all answers' value. It says how much of the revenue, rather
/// than of the people, recommends you. `None` when the answers carry no value.
pub fn weighted_nps(promoter_value: f64, detractor_value: f64, total_value: f64) -> Option<f64> {
    (total_value > 0.0 && total_value.is_finite())
        .then(|| 100.0 * (promoter_value - detractor_value) / total_value)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rates_are_shares_and_the_error_names_the_rate() {
        assert!(Rates::new(0.0, 1.0, 0.25).is_ok());
        let error = Rates::new(0.5, 1.5, 0.3).expect_err("out of range");
        assert_eq!(error.category, "passive");
        assert!(error.to_string().contains("passive rate"));
        assert_eq!(
            Rates::new(0.5, 0.3, f64::NAN)
                .expect_err("not a number")
                .category,
            "promoter"
        );
        assert_eq!(
            Rates::new(-0.1, 0.3, 0.3).expect_err("negative").category,
            "detractor"
        );
    }

    #[test]
    fn the_value_attribute_is_the_one_named_or_mrr_when_it_is_a_number() {
        let kinds = |name: &str| match name {
            "mrr" | "arr" => Some(AttributeKind::Number),
            "plan" => Some(AttributeKind::String),
            _ => None,
        };
        assert_eq!(value_attribute(None, kinds), Ok(Some("mrr".into())));
        assert_eq!(value_attribute(Some("arr"), kinds), Ok(Some("arr".into())));
        assert_eq!(value_attribute(None, |_| None), Ok(None));
        let error = value_attribute(Some("plan"), kinds).expect_err("a text");
        assert_eq!(
            error.to_string(),
            "\"plan\" is a string attribute, not a number"
        );
        assert_eq!(
            value_attribute(Some("seats"), kinds),
            Err(ValueAttributeError::Unknown("seats".into()))
        );
    }

    #[test]
    fn the_formulas_apply_each_rate_to_its_category() {
        let mut figures = RevenueFigures::default();
        figures.add(Category::Detractor, 100.0);
        figures.add(Category::Detractor, 50.0);
        figures.add(Category::Passive, 200.0);
        figures.add(Category::Promoter, 1000.0);
        let rates = Rates::DEFAULT;
        assert_eq!(figures.at_risk_short(&rates), 75.0);
        assert_eq!(figures.at_risk_long(&rates), 60.0);
        assert_eq!(figures.potential(&rates), 300.0);
        assert_eq!(rates.of(Category::Passive), 0.3);
    }

    #[test]
    fn the_weighted_nps_counts_value_not_people() {
        // One promoter worth 900, two detractors worth 50 each, a passive worth 0.
        assert_eq!(weighted_nps(900.0, 100.0, 1000.0), Some(80.0));
        assert_eq!(weighted_nps(0.0, 0.0, 0.0), None);
        assert_eq!(weighted_nps(1.0, 0.0, f64::INFINITY), None);
    }
}
