//! `GET /app/surveys/{id}/customers/personas`: which attribute values over-index among
//! promoters (lift with its 95 % interval, NPS ± margin, contacts), strongest first; a sentence
//! naming the ideal customer from the rises beyond chance; the promoters' list in the inbox.

use std::sync::Arc;

use askama::Template;
use axum::Extension;
use axum::extract::{Path, RawQuery, State};
use axum::response::Response;
use vouch_analytics::personas::{DEFAULT_MIN_CONTACTS, PersonaReport, PersonaRow, personas};
use vouch_charts::{SegmentBar, format_count, segments};

use super::{Loaded, Tab};
use crate::layout::{DashboardError, Frame, NavItem, render};
use crate::pages::filter_bar::FilterBar;
use crate::pages::filters::one;
use crate::pages::fresh::Freshness;
use crate::pages::view::Headline;
use crate::session::Viewer;
use vouch_web::state::AppState;

/// The most value rows the chart draws (the table lists them all).
const CHART_ROWS: usize = 12;

/// One row of the personas table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct PersonaLine {
    /// The attribute.
    pub(crate) attribute: String,
    /// Its value or band.
    pub(crate) value: String,
    /// Contacts with it.
    pub(crate) contacts: String,
    /// Their promoter share, `42%`.
    pub(crate) share: String,
    /// `1.6×`.
    pub(crate) lift: String,
    /// `1.2–2.1×`.
    pub(crate) interval: String,
    /// True when the interval lies above 1.
    pub(crate) rises: bool,
    /// NPS ± margin.
    pub(crate) headline: Headline,
}

/// `templates/dashboard/customers/personas.html`.
#[derive(Debug, Template)]
#[template(path = "dashboard/customers/personas.html")]
pub(crate) struct PersonasPage {
    pub(crate) frame: Frame,
    pub(crate) tabs: Vec<NavItem>,
    pub(crate) survey_name: String,
    pub(crate) range_label: String,
    pub(crate) bar: FilterBar,
    /// "Promoters are most often …", when some value rises beyond chance.
    pub(crate) ideal: Option<String>,
    /// `1,234 contacts, 412 promoters (33%)`.
    pub(crate) summary: String,
    pub(crate) rows: Vec<PersonaLine>,
    /// The NPS of the strongest values (SVG).
    pub(crate) chart: String,
    /// The smallest group shown.
    pub(crate) min_contacts: u64,
    /// The inbox listing the promoters of the selection, with their comments.
    pub(crate) promoters_href: String,
}

/// `GET /app/surveys/{id}/customers/personas`.
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
        Tab::Personas,
    )
    .await?
    {
        Ok(loaded) => loaded,
        Err(page) => return Ok(page),
    };
    let min_contacts = match one(&loaded.pairs, "min") {
        None => DEFAULT_MIN_CONTACTS,
        Some(text) => match text.parse::<u64>() {
            Ok(min) if min >= 1 => min,
            _ => {
                let message = format!("{text:?} is not a whole number of contacts of 1 or more");
                return Ok(loaded.refuse("min", message));
            }
        },
    };
    let report = {
        let index = loaded.index.read();
        personas(&index, &loaded.query, min_contacts)
    };
    let report = match report {
        Ok(report) => report,
        Err(error) => return Ok(loaded.refuse("where", error.to_string())),
    };
    let mut promoters = loaded.filters.pinned(super::DEFAULT_RANGE);
    promoters.survey = Some(loaded.survey.id.0);
    promoters.category = Some(vouch_core::Category::Promoter);
    let bars: Vec<SegmentBar> = report
        .rows
        .iter()
        .take(CHART_ROWS)
        .map(|row| {
            SegmentBar::from_figures(format!("{}: {}", row.attribute, row.value), &row.figures)
        })
        .collect();
    let page = PersonasPage {
        bar: loaded.bar(&["min"]),
        tabs: loaded.tabs.clone(),
        survey_name: loaded.survey.name.clone(),
        range_label: loaded.range.label.clone(),
        ideal: ideal_sentence(&report),
        summary: summary(&report),
        rows: report.rows.iter().map(line).collect(),
        chart: segments(&bars),
        min_contacts,
        promoters_href: promoters.href("/app/inbox"),
        frame: loaded.frame,
    };
    Ok(render(&page))
}

fn summary(report: &PersonaReport) -> String {
    let share = report
        .promoter_share
        .map_or(String::new(), |share| format!(" ({:.0}%)", share * 100.0));
    format!(
        "{} contacts, {} promoters{share}",
        format_count(report.contacts),
        format_count(report.promoters)
    )
}

/// "Promoters are most often on plan enterprise (2.1× as likely) and in industry retail
/// (1.6×)." from the strongest rises beyond chance, one per attribute.
fn ideal_sentence(report: &PersonaReport) -> Option<String> {
    let strongest = report.ideal_customer(3);
    if strongest.is_empty() {
        return None;
    }
    let parts: Vec<String> = strongest
        .iter()
        .enumerate()
        .map(|(position, row)| {
            let times = if position == 0 {
                "× as likely as average"
            } else {
                "×"
            };
            format!(
                "{} {} ({:.1}{times})",
                row.attribute, row.value, row.lift.lift
            )
        })
        .collect();
    let joined = match parts.as_slice() {
        [only] => only.clone(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
        [] => return None,
    };
    Some(format!("Your ideal customer: {joined} to be a promoter."))
}

fn line(row: &PersonaRow) -> PersonaLine {
    PersonaLine {
        attribute: row.attribute.clone(),
        value: row.value.clone(),
        contacts: format_count(row.figures.responses),
        share: format!("{:.0}%", row.promoter_share * 100.0),
        lift: format!("{:.2}×", row.lift.lift),
        interval: format!("{:.2}–{:.2}×", row.lift.low, row.lift.high),
        rises: row.lift.low > 1.0,
        headline: Headline::new(&row.figures),
    }
}
