//! At-risk accounts: the contacts (or accounts sharing an attribute, such as `company`) whose
//! latest answer is a detractor's or fell by [`FALL`] points or more from the one before, the
//! most valuable first.

use vouch_core::Category;

use crate::index::ResponseIndex;
use crate::query::{Query, QueryError};

/// How far a score must drop from the account's previous answer to count as a fall.
pub const FALL: u8 = 3;

/// Why an account is at risk.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RiskReason {
    /// Its latest answer is a detractor's.
    Detractor,
    /// Its latest answer fell by [`FALL`] or more from its previous one.
    Fell,
    /// Both.
    Both,
}

impl RiskReason {
    /// `detractor`, `fell` or `both`.
    pub fn as_str(self) -> &'static str {
        match self {
            RiskReason::Detractor => "detractor",
            RiskReason::Fell => "fell",
            RiskReason::Both => "both",
        }
    }
}

/// Who an account is.
#[derive(Debug, Clone, PartialEq)]
pub enum Account {
    /// One contact (the surface shows its e-mail or external id).
    Contact(vouch_store::ContactId),
    /// Every contact sharing this value of the account attribute.
    Shared(String),
}

/// One account at risk.
#[derive(Debug, Clone, PartialEq)]
pub struct AtRiskAccount {
    /// Who.
    pub account: Account,
    /// Its latest answer's score.
    pub latest_score: u8,
    /// The score of its answer before that, if any.
    pub previous_score: Option<u8>,
    /// Its value at its latest answer (0 without one).
    pub value: f64,
    /// Why it is listed.
    pub reason: RiskReason,
    /// The latest answer, to open in the inbox.
    pub latest_response: vouch_store::ResponseId,
}

/// The accounts at risk in `query`'s selection, highest value first (then lowest score,
/// then latest answer first). `account_attribute` groups contacts into accounts;
/// `value_attribute` gives each its value.
pub fn at_risk(
    index: &ResponseIndex,
    query: &Query,
    account_attribute: Option<&str>,
    value_attribute: &str,
) -> Result<Vec<AtRiskAccount>, QueryError> {
    let plan = index.plan(query)?;
    let value_column = match index.number_column(value_attribute) {
        Ok(column) => Some(column),
        Err(QueryError::UnknownAttribute(_)) => None,
        Err(error) => return Err(error),
    };
    let (answers, account_column) = match account_attribute {
        Some(name) => (
            index.latest_per_value(&plan, name)?,
            Some(index.attribute_column(name)?),
        ),
        None => (index.latest_per_contact(&plan), None),
    };
    let mut accounts = Vec::new();
    for (&row, previous) in answers.latest.iter().zip(&answers.previous) {
        let latest_score = index.score_at(row).value();
        let previous_score = previous.map(|row| index.score_at(row).value());
        let detractor = index.score_at(row).category() == Category::Detractor;
        let fell = previous_score.is_some_and(|before| latest_score + FALL <= before);
        let reason = match (detractor, fell) {
            (true, true) => RiskReason::Both,
            (true, false) => RiskReason::Detractor,
            (false, true) => RiskReason::Fell,
            (false, false) => continue,
        };
        let account = match account_column {
            Some(column) => Account::Shared(
                index
                    .value_at(column, row)
                    .map(|value| value.canonical())
                    .unwrap_or_default(),
            ),
            None => Account::Contact(index.contact_at(row)),
        };
        accounts.push((
            index.answered_ms_at(row),
            AtRiskAccount {
                account,
                latest_score,
                previous_score,
                value: value_column.map_or(0.0, |column| index.number_at(column, row)),
                reason,
                latest_response: index.response_id_at(row),
            },
        ));
    }
    accounts.sort_by(|(a_ms, a), (b_ms, b)| {
        b.value
            .total_cmp(&a.value)
            .then_with(|| a.latest_score.cmp(&b.latest_score))
            .then_with(|| b_ms.cmp(a_ms))
            .then_with(|| b.latest_response.cmp(&a.latest_response))
    });
    Ok(accounts.into_iter().map(|(_, account)| account).collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_rows::{answer, index_of};
    use vouch_store::ContactId;

    #[test]
    fn detractors_and_falls_are_listed_by_value() {
        let index = index_of(&[
            answer(
                1,
                1,
                10,
                "2025-06-01",
                &[("mrr", "100"), ("company", "Acme")],
            ),
            answer(
                2,
                1,
                7,
                "2026-01-01",
                &[("mrr", "100"), ("company", "Acme")],
            ),
            answer(
                3,
                2,
                4,
                "2026-01-01",
                &[("mrr", "500"), ("company", "Beta")],
            ),
            answer(
                4,
                3,
                9,
                "2026-01-01",
                &[("mrr", "900"), ("company", "Beta")],
            ),
            answer(5, 4, 8, "2025-01-01", &[("mrr", "50")]),
            answer(6, 4, 6, "2026-01-01", &[("mrr", "50")]),
        ]);
        let listed = at_risk(&index, &Query::default(), None, "mrr").expect("accounts");
        let summary: Vec<(i64, u8, Option<u8>, &str)> = listed
            .iter()
            .map(|account| match account.account {
                Account::Contact(ContactId(id)) => (
                    id,
                    account.latest_score,
                    account.previous_score,
                    account.reason.as_str(),
                ),
                Account::Shared(_) => unreachable!("contacts were asked"),
            })
            .collect();
        assert_eq!(
            summary,
            vec![
                (2, 4, None, "detractor"),
                (1, 7, Some(10), "fell"),
                (4, 6, Some(8), "detractor")
            ]
        );
        let companies =
            at_risk(&index, &Query::default(), Some("company"), "mrr").expect("accounts");
        // Beta's two answers came the same day: the later id, contact 3's 9, is its latest, so
        // only Acme, which fell from 10 to 7, is at risk.
        assert_eq!(companies.len(), 1);
        assert_eq!(companies[0].account, Account::Shared("Acme".into()));
        assert_eq!(companies[0].reason, RiskReason::Fell);
    }
}
