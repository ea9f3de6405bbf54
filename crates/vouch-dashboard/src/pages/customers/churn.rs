//! `GET /app/surveys/{id}/customers/churn`: score against churn. The churn rate of promoters,
//! passives and detractors (a contact churned when its `churned_at` falls within `days=` days,
//! 180 by default, of its latest answer), each with its 95 % interval, and how well the score
//! ranks who left (AUC), each explained in a sentence.

use std::sync::Arc;

use askama::Template;
use axum::Extension;
use axum::extract::{Path, RawQuery, State};
use axum::response::Response;
use vouch_analytics::churn::{CategoryChurn, DEFAULT_WITHIN_DAYS, check_window, churn};
use vouch_charts::format_count;

use super::{Loaded, Tab};
use crate::layout::{DashboardError, Frame, NavItem, render};
use crate::pages::filter_bar::FilterBar;
use crate::pages::filters::one;
use crate::pages::fresh::Freshness;
use crate::session::Viewer;
use vouch_web::state::AppState;

/// One category's row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ChurnLine {
    /// `Promoters`, `Passives`, `Detractors`.
    pub(crate) label: &'static str,
    /// `promoter`…
    pub(crate) category: &'static str,
    pub(crate) contacts: String,
    pub(crate) churned: String,
    /// `12.5 %`, or `—`.
    pub(crate) rate: String,
    /// `9.1–16.9 %`.
    pub(crate) interval: String,
}

/// `templates/dashboard/customers/churn.html`.
#[derive(Debug, Template)]
#[template(path = "dashboard/customers/churn.html")]
pub(crate) struct ChurnPage {
    pub(crate) frame: Frame,
    pub(crate) tabs: Vec<NavItem>,
    pub(crate) survey_name: String,
    pub(crate) range_label: String,
    pub(crate) bar: FilterBar,
    pub(crate) within_days: u32,
    pub(crate) rows: Vec<ChurnLine>,
    /// What the AUC says, in one sentence.
    pub(crate) auc_sentence: String,
    /// The comparison of detractors with promoters, in one sentence, when both churned.
    pub(crate) ratio_sentence: Option<String>,
    /// True when no contact carries a `churned_at` that counts.
    pub(crate) no_churn: bool,
}

fn percent(share: f64) -> String {
    format!("{:.1} %", share * 100.0)
}

fn churn_line(category: &CategoryChurn) -> ChurnLine {
    let (label, name) = match category.category {
        vouch_core::Category::Promoter => ("Promoters", "promoter"),
        vouch_core::Category::Passive => ("Passives", "passive"),
        vouch_core::Category::Detractor => ("Detractors", "detractor"),
    };
    ChurnLine {
        label,
        category: name,
        contacts: format_count(category.contacts),
        churned: format_count(category.churned),
        rate: category.rate.map_or("—".into(), |rate| percent(rate.share)),
        interval: category.rate.map_or(String::new(), |rate| {
            format!("{:.1}–{:.1} %", rate.low * 100.0, rate.high * 100.0)
        }),
    }
}

/// `GET /app/surveys/{id}/customers/churn`.
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
        Tab::Churn,
    )
    .await?
    {
        Ok(loaded) => loaded,
        Err(page) => return Ok(page),
    };
    let days = match one(&loaded.pairs, "days") {
        None => DEFAULT_WITHIN_DAYS,
        Some(text) => match text
            .parse::<i64>()
            .map_err(|_| ())
            .and_then(|d| check_window(d).map_err(|_| ()))
        {
            Ok(days) => days,
            Err(()) => {
                let message = format!("{text:?} is not a number of days from 1 to 3653");
                return Ok(loaded.refuse("days", message));
            }
        },
    };
    let report = {
        let index = loaded.index.read();
        churn(&index, &loaded.query, days)
    };
    let report = match report {
        Ok(report) => report,
        Err(error) => return Ok(loaded.refuse("churned_at", error.to_string())),
    };
    let [promoters, _, detractors] = report.categories;
    let churned: u64 = report.categories.iter().map(|c| c.churned).sum();
    let auc_sentence = match report.auc {
        Some(auc) => format!(
            "AUC {auc:.2}: pick one contact who left and one who stayed at random; {:.0} times in \
             100 the one who left gave the lower score (50 would be chance).",
            auc * 100.0
        ),
        None => "No AUC: it needs contacts who left and contacts who stayed.".to_owned(),
    };
    let ratio_sentence = match (detractors.rate, promoters.rate) {
        (Some(d), Some(p)) if p.share > 0.0 && d.share > 0.0 => Some(format!(
            "Detractors left {:.1} times as often as promoters.",
            d.share / p.share
        )),
        _ => None,
    };
    let page = ChurnPage {
        bar: loaded.bar(&["days"]),
        tabs: loaded.tabs.clone(),
        survey_name: loaded.survey.name.clone(),
        range_label: loaded.range.label.clone(),
        within_days: days,
        rows: report.categories.iter().map(churn_line).collect(),
        auc_sentence,
        ratio_sentence,
        no_churn: churned == 0,
        frame: loaded.frame,
    };
    Ok(render(&page))
}
