//! The JSON of the teams' tools — personas, revenue, churn, at-risk accounts — shared by
//! `vouch personas|revenue|churn|accounts --json` and their `/api/v1` routes, and the one
//! choice of the revenue rates (saved, else observed from churn, else the defaults), which
//! `analytics::rates` makes.

use serde::Serialize;
use vouch_analytics::at_risk::{Account, AtRiskAccount};
use vouch_analytics::churn::ChurnReport;
use vouch_analytics::personas::{PersonaReport, PersonaRow};
use vouch_analytics::revenue::{CategoryValue, RevenueReport, ValueSplit};
use vouch_core::revenue::Rates;
use vouch_store::{Contact, ContactId, Survey};

/// Why per-person figures are not made for a survey, if they are not: an eNPS survey's
/// answers are anonymous, so nothing is counted per respondent or names one.
pub fn refuse_anonymous(survey: &Survey) -> Option<String> {
    survey.kind.is_anonymous().then(|| {
        format!(
            "{:?} is an eNPS survey: its answers are anonymous, so nothing is counted or listed \
             per respondent",
            survey.name
        )
    })
}

/// One attribute value of the personas.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct PersonaJson {
    /// The attribute.
    pub attribute: String,
    /// Its value; numbers and dates as a quartile band such as `[120, 480)`.
    pub value: String,
    /// Contacts whose latest answer carries the value.
    pub contacts: u64,
    /// Of which promoters.
    pub promoters: u64,
    /// Passives.
    pub passives: u64,
    /// Detractors.
    pub detractors: u64,
    /// `promoters / contacts`.
    pub promoter_share: f64,
    /// The value's promoter share ÷ the selection's.
    pub lift: f64,
    /// The lower end of the lift's 95 % interval.
    pub lift_low: f64,
    /// The upper end of the lift's 95 % interval.
    pub lift_high: f64,
    /// The NPS of these contacts.
    pub nps: Option<f64>,
    /// Its 95 % margin of error, in points.
    pub margin_of_error: Option<f64>,
}

impl From<&PersonaRow> for PersonaJson {
    fn from(row: &PersonaRow) -> PersonaJson {
        PersonaJson {
            attribute: row.attribute.clone(),
            value: row.value.clone(),
            contacts: row.figures.responses,
            promoters: row.figures.promoters,
            passives: row.figures.passives,
            detractors: row.figures.detractors,
            promoter_share: row.promoter_share,
            lift: row.lift.lift,
            lift_low: row.lift.low,
            lift_high: row.lift.high,
            nps: row.figures.nps,
            margin_of_error: row.figures.margin_of_error,
        }
    }
}

/// `vouch personas --json` and `GET /api/v1/surveys/{id}/personas`.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct PersonasJson {
    /// Contacts in the selection (each counted once, with its latest answer).
    pub contacts: u64,
    /// Of which promoters.
    pub promoters: u64,
    /// `promoters / contacts`; `null` without contacts.
    pub promoter_share: Option<f64>,
    /// One row per attribute value with enough contacts, highest lift first.
    pub attributes: Vec<PersonaJson>,
}

impl From<&PersonaReport> for PersonasJson {
    fn from(report: &PersonaReport) -> PersonasJson {
        PersonasJson {
            contacts: report.contacts,
            promoters: report.promoters,
            promoter_share: report.promoter_share,
            attributes: report.rows.iter().map(PersonaJson::from).collect(),
        }
    }
}

/// Contacts and summed value of one category.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, utoipa::ToSchema)]
pub struct CategoryValueJson {
    /// Contacts whose latest answer is in the category.
    pub contacts: u64,
    /// Their summed value.
    pub value: f64,
}

impl From<CategoryValue> for CategoryValueJson {
    fn from(part: CategoryValue) -> CategoryValueJson {
        CategoryValueJson {
            contacts: part.contacts,
            value: part.value,
        }
    }
}

/// The rates the revenue figures use, and where they come from.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct RatesJson {
    /// The share of detractors' value at risk soon.
    pub detractor: f64,
    /// The share of passives' value at risk in the long run.
    pub passive: f64,
    /// The share of promoters' value expected from their referrals.
    pub promoter: f64,
    /// `default`, `saved` (by the workspace) or `observed` (from contacts' `churned_at`).
    pub source: String,
}

pub use vouch_analytics::rates::{RatesSource, choose_between, choose_rates, observed_rates};

/// One group of the revenue figures.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct RevenueGroupJson {
    /// The group's value of the `by` attribute (a band for numbers and dates).
    pub key: String,
    /// Its contacts.
    pub contacts: u64,
    /// Its detractors and their value.
    pub detractors: CategoryValueJson,
    /// Its passives and their value.
    pub passives: CategoryValueJson,
    /// Its promoters and their value.
    pub promoters: CategoryValueJson,
    /// Detractor rate × detractors' value.
    pub at_risk_short: f64,
    /// Passive rate × passives' value.
    pub at_risk_long: f64,
    /// Promoter rate × promoters' value.
    pub potential: f64,
}

impl RevenueGroupJson {
    fn new(key: String, split: &ValueSplit, rates: &Rates) -> RevenueGroupJson {
        let figures = split.figures();
        RevenueGroupJson {
            key,
            contacts: split.contacts,
            detractors: split.detractors.into(),
            passives: split.passives.into(),
            promoters: split.promoters.into(),
            at_risk_short: figures.at_risk_short(rates),
            at_risk_long: figures.at_risk_long(rates),
            potential: figures.potential(rates),
        }
    }
}

/// `vouch revenue --json` and `GET /api/v1/surveys/{id}/revenue`.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct RevenueJson {
    /// The number attribute read as each contact's value.
    pub value_attribute: String,
    /// Contacts in the selection.
    pub contacts: u64,
    /// Detractors and their value.
    pub detractors: CategoryValueJson,
    /// Passives and their value.
    pub passives: CategoryValueJson,
    /// Promoters and their value.
    pub promoters: CategoryValueJson,
    /// The rates used.
    pub rates: RatesJson,
    /// Detractor rate × detractors' value: what may be lost soon.
    pub at_risk_short: f64,
    /// Passive rate × passives' value: what may drift away in the long run.
    pub at_risk_long: f64,
    /// Promoter rate × promoters' value: what referrals may bring.
    pub potential: f64,
    /// Per value of `by`, when asked.
    pub groups: Vec<RevenueGroupJson>,
}

impl RevenueJson {
    /// The JSON of a revenue report with these rates.
    pub fn new(
        report: &RevenueReport,
        value_attribute: &str,
        rates: Rates,
        source: RatesSource,
    ) -> RevenueJson {
        let total = RevenueGroupJson::new(String::new(), &report.total, &rates);
        RevenueJson {
            value_attribute: value_attribute.to_owned(),
            contacts: total.contacts,
            detractors: total.detractors,
            passives: total.passives,
            promoters: total.promoters,
            rates: RatesJson {
                detractor: rates.detractor,
                passive: rates.passive,
                promoter: rates.promoter,
                source: source.as_str().into(),
            },
            at_risk_short: total.at_risk_short,
            at_risk_long: total.at_risk_long,
            potential: total.potential,
            groups: report
                .groups
                .iter()
                .map(|(key, split)| RevenueGroupJson::new(key.clone(), split, &rates))
                .collect(),
        }
    }
}

/// One category of the churn report.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct ChurnCategoryJson {
    /// `promoter`, `passive` or `detractor`.
    pub category: String,
    /// Contacts whose latest answer is in it.
    pub contacts: u64,
    /// Of which churned within the window.
    pub churned: u64,
    /// `churned / contacts`; `null` without contacts.
    pub churn_rate: Option<f64>,
    /// The lower end of its 95 % (Wilson) interval.
    pub low: Option<f64>,
    /// The upper end of its 95 % interval.
    pub high: Option<f64>,
}

/// `vouch churn --json` and `GET /api/v1/surveys/{id}/churn`.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct ChurnJson {
    /// Days after the latest answer within which a `churned_at` counts.
    pub within_days: u32,
    /// Promoters, passives and detractors.
    pub categories: Vec<ChurnCategoryJson>,
    /// How well a low score ranks those who churned (0.5 = chance, 1 = perfectly).
    pub auc: Option<f64>,
}

impl From<&ChurnReport> for ChurnJson {
    fn from(report: &ChurnReport) -> ChurnJson {
        ChurnJson {
            within_days: report.within_days,
            categories: report
                .categories
                .iter()
                .map(|category| ChurnCategoryJson {
                    category: category.category.as_str().into(),
                    contacts: category.contacts,
                    churned: category.churned,
                    churn_rate: category.rate.map(|rate| rate.share),
                    low: category.rate.map(|rate| rate.low),
                    high: category.rate.map(|rate| rate.high),
                })
                .collect(),
            auc: report.auc,
        }
    }
}

/// One account at risk.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct AtRiskAccountJson {
    /// The contact's e-mail (else its external id), or the shared attribute value.
    pub account: String,
    /// Its latest answer's score.
    pub latest_score: u8,
    /// The score of the answer before; `null` for a first answer.
    pub previous_score: Option<u8>,
    /// Its value at its latest answer.
    pub value: f64,
    /// `detractor`, `fell` (down 3 or more) or `both`.
    pub reason: String,
    /// The latest answer's id, to open in the inbox.
    pub response_id: i64,
}

/// `vouch accounts at-risk --json` and `GET /api/v1/surveys/{id}/accounts/at-risk`.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct AtRiskJson {
    /// Accounts at risk in the selection, listed or not.
    pub total: u64,
    /// The most valuable first, up to the limit.
    pub accounts: Vec<AtRiskAccountJson>,
}

/// The contact ids the first `limit` accounts name, in id order, for [`AtRiskJson::new`].
pub fn contacts_named(accounts: &[AtRiskAccount], limit: usize) -> Vec<ContactId> {
    let mut ids: Vec<ContactId> = accounts[..limit.min(accounts.len())]
        .iter()
        .filter_map(|account| match account.account {
            Account::Contact(id) => Some(id),
            Account::Shared(_) => None,
        })
        .collect();
    ids.sort();
    ids
}

impl AtRiskJson {
    /// The JSON of the first `limit` accounts of `accounts`, naming contacts from `contacts`
    /// (in id order: see [`contacts_named`]).
    pub fn new(accounts: &[AtRiskAccount], limit: usize, contacts: &[Contact]) -> AtRiskJson {
        let name = |id: ContactId| {
            contacts
                .binary_search_by_key(&id, |contact| contact.id)
                .ok()
                .and_then(|at| {
                    let contact = &contacts[at];
                    contact
                        .email
                        .clone()
                        .or_else(|| contact.external_id.clone())
                })
                .unwrap_or_else(|| format!("contact {}", id.0))
        };
        AtRiskJson {
            total: accounts.len() as u64,
            accounts: accounts[..limit.min(accounts.len())]
                .iter()
                .map(|account| AtRiskAccountJson {
                    account: match &account.account {
                        Account::Contact(id) => name(*id),
                        Account::Shared(value) => value.clone(),
                    },
                    latest_score: account.latest_score,
                    previous_score: account.previous_score,
                    value: account.value,
                    reason: account.reason.as_str().into(),
                    response_id: account.latest_response.0,
                })
                .collect(),
        }
    }
}

/// One theme a segment's detractors name.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct ObjectionJson {
    /// The theme's label or the tag's name.
    pub label: String,
    /// True for a tag.
    pub is_tag: bool,
    /// The segment's detractors naming it.
    pub detractors: u64,
    /// Their share of the segment's detractors, 0–1.
    pub share: f64,
}

/// A segment and its likely objections.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct SegmentObjectionsJson {
    /// The attribute, e.g. `plan`.
    pub attribute: String,
    /// Its value.
    pub value: String,
    /// The segment's detractors in the selection.
    pub detractors: u64,
    /// The themes and tags its detractors name most, most named first.
    pub objections: Vec<ObjectionJson>,
}

/// Likely objections per segment.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct ObjectionsJson {
    /// Segments with at least 10 detractors and a theme named by two of them, the most
    /// detractors first.
    pub segments: Vec<SegmentObjectionsJson>,
}

impl From<&[vouch_analytics::objections::SegmentObjections]> for ObjectionsJson {
    fn from(found: &[vouch_analytics::objections::SegmentObjections]) -> ObjectionsJson {
        ObjectionsJson {
            segments: found
                .iter()
                .map(|segment| SegmentObjectionsJson {
                    attribute: segment.attribute.clone(),
                    value: segment.value.clone(),
                    detractors: segment.detractors,
                    objections: segment
                        .objections
                        .iter()
                        .map(|objection| ObjectionJson {
                            label: objection.label.clone(),
                            is_tag: objection.is_tag,
                            detractors: objection.detractors,
                            share: objection.share,
                        })
                        .collect(),
                })
                .collect(),
        }
    }
}
