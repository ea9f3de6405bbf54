//! `GET /app/surveys/{id}/customers/at-risk`: the accounts whose latest answer is a
//! detractor's or fell by 3 or more from the one before, most valuable first; an account is a
//! contact, or every contact sharing `account=` (such as `company`). Each links to its latest
//! answer in the inbox.

use std::sync::Arc;

use askama::Template;
use axum::Extension;
use axum::extract::{Path, RawQuery, State};
use axum::response::Response;
use vouch_analytics::QueryError;
use vouch_analytics::at_risk::at_risk;
use vouch_charts::format_count;
use vouch_core::revenue::DEFAULT_VALUE_ATTRIBUTE;
use vouch_web::wire_teams::{AtRiskJson, contacts_named};

use super::{Loaded, Tab};
use crate::layout::{DashboardError, Frame, NavItem, render};
use crate::pages::filter_bar::FilterBar;
use crate::pages::filters::one;
use crate::pages::fresh::Freshness;
use crate::pages::theme_rows::money;
use crate::session::Viewer;
use vouch_web::state::AppState;

/// The most accounts the page lists.
const LISTED: usize = 200;

/// One account's row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct AccountLine {
    pub(crate) account: String,
    pub(crate) latest: u8,
    /// `—` for a first answer.
    pub(crate) previous: String,
    pub(crate) value: String,
    /// `Detractor`, `Fell`, `Detractor, fell`.
    pub(crate) reason: &'static str,
    /// The latest answer in the inbox.
    pub(crate) href: String,
}

/// `templates/dashboard/customers/at_risk.html`.
#[derive(Debug, Template)]
#[template(path = "dashboard/customers/at_risk.html")]
pub(crate) struct AtRiskPage {
    pub(crate) frame: Frame,
    pub(crate) tabs: Vec<NavItem>,
    pub(crate) survey_name: String,
    pub(crate) range_label: String,
    pub(crate) bar: FilterBar,
    /// `37 accounts at risk, 1,250 of value`.
    pub(crate) summary: String,
    pub(crate) rows: Vec<AccountLine>,
    /// The account attribute, if contacts are grouped.
    pub(crate) account: Option<String>,
    /// The text attributes contacts may be grouped by.
    pub(crate) account_choices: Vec<String>,
    /// The inbox's detractors of the selection.
    pub(crate) inbox_href: String,
}

/// `GET /app/surveys/{id}/customers/at-risk`.
pub(crate) async fn page(
    viewer: Viewer,
    State(state): State<AppState>,
    Extension(freshness): Extension<Arc<Freshness>>,
    Path(id): Path<String>,
    RawQuery(query): RawQuery,
) -> Result<Response, DashboardError> {
    let loaded = match Loaded::load(
        &viewer,
        &state,
        &freshness,
        &id,
        query.as_deref(),
        Tab::AtRisk,
    )
    .await?
    {
        Ok(loaded) => loaded,
        Err(page) => return Ok(page),
    };
    let value = match loaded.value_attribute() {
        Ok(value) => value.unwrap_or_else(|| DEFAULT_VALUE_ATTRIBUTE.to_owned()),
        Err(error) => return Ok(loaded.refuse(error.field, error.message)),
    };
    let account = one(&loaded.pairs, "account").map(str::to_owned);
    if let Some(name) = &account
        && !loaded.definitions.iter().any(|d| &d.name == name)
    {
        let message = format!("{name:?} is not an attribute of this workspace");
        return Ok(loaded.refuse("account", message));
    }
    let accounts = {
        let index = loaded.index.read();
        at_risk(&index, &loaded.query, account.as_deref(), &value)
    };
    let accounts = match accounts {
        Ok(accounts) => accounts,
        Err(QueryError::UnknownAttribute(_)) => Vec::new(),
        Err(error) => return Ok(loaded.refuse("account", error.to_string())),
    };
    let named = contacts_named(&accounts, LISTED);
    let contacts = state
        .store()
        .contacts_by_ids(viewer.workspace(), &named)
        .await?;
    let listed = AtRiskJson::new(&accounts, LISTED, &contacts);
    let total_value: f64 = accounts.iter().map(|account| account.value).sum();
    let rows = listed
        .accounts
        .iter()
        .map(|account| AccountLine {
            account: account.account.clone(),
            latest: account.latest_score,
            previous: account
                .previous_score
                .map_or("—".into(), |score| score.to_string()),
            value: money(account.value),
            reason: match account.reason.as_str() {
                "both" => "Detractor, fell",
                "fell" => "Fell",
                _ => "Detractor",
            },
            href: format!("/app/inbox/{}", account.response_id),
        })
        .collect();
    let mut detractors = loaded.filters.pinned(super::DEFAULT_RANGE);
    detractors.survey = Some(loaded.survey.id.0);
    detractors.category = Some(vouch_core::Category::Detractor);
    let page = AtRiskPage {
        bar: loaded.bar(&["account", "value"]),
        tabs: loaded.tabs.clone(),
        survey_name: loaded.survey.name.clone(),
        range_label: loaded.range.label.clone(),
        summary: format!(
            "{} accounts at risk, {} of value",
            format_count(listed.total),
            money(total_value)
        ),
        rows,
        account_choices: loaded
            .definitions
            .iter()
            .filter(|d| d.kind == vouch_core::AttributeKind::String)
            .map(|d| d.name.clone())
            .collect(),
        account,
        inbox_href: detractors.href("/app/inbox"),
        frame: loaded.frame,
    };
    Ok(render(&page))
}
