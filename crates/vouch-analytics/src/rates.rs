//! The revenue calculator's rates a report uses: the workspace's saved ones, else those
//! observed from contacts' `churned_at`, else the defaults — one rule for every surface and
//! the weekly digest.

use vouch_core::revenue::Rates;

use crate::churn::{CategoryChurn, DEFAULT_WITHIN_DAYS, churn};
use crate::{Query, ResponseIndex};

/// Where a set of rates comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RatesSource {
    /// [`Rates::DEFAULT`].
    Default,
    /// Saved by the workspace.
    Saved,
    /// Observed: the detractors' and passives' churn rates within
    /// [`DEFAULT_WITHIN_DAYS`] of their latest answer; the promoter rate stays the default.
    Observed,
}

impl RatesSource {
    /// `default`, `saved` or `observed`.
    pub fn as_str(self) -> &'static str {
        match self {
            RatesSource::Default => "default",
            RatesSource::Saved => "saved",
            RatesSource::Observed => "observed",
        }
    }
}

/// The rates observed in the selection: detractors' and passives' churn within
/// [`DEFAULT_WITHIN_DAYS`] days; `None` unless contacts carry `churned_at` and some churned.
pub fn observed_rates(index: &ResponseIndex, query: &Query) -> Option<Rates> {
    let report = churn(index, query, DEFAULT_WITHIN_DAYS).ok()?;
    let [_, passives, detractors] = report.categories;
    if passives.churned + detractors.churned == 0 {
        return None;
    }
    let rate = |category: CategoryChurn| category.rate.map_or(0.0, |share| share.share);
    Some(Rates {
        detractor: rate(detractors),
        passive: rate(passives),
        promoter: Rates::DEFAULT.promoter,
    })
}

/// The rates to use: the workspace's saved ones, else those observed in the selection, else
/// the defaults (the churn pass behind the observed ones runs only without saved rates).
pub fn choose_rates(
    saved: Option<Rates>,
    index: &ResponseIndex,
    query: &Query,
) -> (Rates, RatesSource) {
    match saved {
        Some(_) => choose_between(saved, None),
        None => choose_between(None, observed_rates(index, query)),
    }
}

/// [`choose_rates`]'s rule for a caller that has the observed rates already.
pub fn choose_between(saved: Option<Rates>, observed: Option<Rates>) -> (Rates, RatesSource) {
    match (saved, observed) {
        (Some(rates), _) => (rates, RatesSource::Saved),
        (None, Some(rates)) => (rates, RatesSource::Observed),
        (None, None) => (Rates::DEFAULT, RatesSource::Default),
    }
}
