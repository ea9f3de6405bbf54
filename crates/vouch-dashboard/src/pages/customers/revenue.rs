//! `GET /app/surveys/{id}/customers/revenue`: the revenue calculator. Each contact's value
//! (`value=`, `mrr` by default) summed by the category of its latest answer, times the rates:
//! revenue at risk soon (detractors), in the long run (passives), and the referral potential
//! (promoters) — overall, per value of `by=`, and per theme. Every figure is explained in one
//! sentence. `POST …/revenue/rates` saves the rates (or forgets them), members and admins only.

use std::sync::Arc;

use askama::Template;
use axum::Extension;
use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::response::{IntoResponse, Redirect, Response};
use vouch_analytics::revenue::{ValueSplit, revenue};
use vouch_analytics::themes::ThemeSources;
use vouch_analytics::{Query, ResponseIndex};
use vouch_charts::format_count;
use vouch_core::revenue::DEFAULT_VALUE_ATTRIBUTE;
use vouch_core::revenue::Rates;
use vouch_web::wire_teams::{RatesSource, choose_between, observed_rates};

use super::{Loaded, Tab};
use crate::layout::{DashboardError, Frame, NavItem, render};
use crate::pages::filter_bar::{Choice, FilterBar};
use crate::pages::filters::{one, with_query};
use crate::pages::fresh::Freshness;
use crate::pages::tag_forms::Fields;
use crate::pages::theme_rows::money;
use crate::pages::visible_survey;
use crate::session::{Viewer, Writer};
use vouch_web::state::AppState;

/// The most themes the per-theme table shows (the largest).
const MAX_THEMES: usize = 10;

/// One row of a revenue table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct RevenueLine {
    /// The segment or theme.
    pub(crate) label: String,
    /// Its contacts.
    pub(crate) contacts: String,
    /// Detractors' value.
    pub(crate) detractor_value: String,
    /// At risk soon.
    pub(crate) short: String,
    /// At risk in the long run.
    pub(crate) long: String,
    /// Referral potential.
    pub(crate) potential: String,
}

/// `templates/dashboard/customers/revenue.html`.
#[derive(Debug, Template)]
#[template(path = "dashboard/customers/revenue.html")]
pub(crate) struct RevenuePage {
    pub(crate) frame: Frame,
    pub(crate) tabs: Vec<NavItem>,
    pub(crate) survey_name: String,
    pub(crate) range_label: String,
    pub(crate) bar: FilterBar,
    /// The value attribute, if the workspace has one.
    pub(crate) value_name: Option<String>,
    /// The whole selection.
    pub(crate) total: RevenueLine,
    /// The one-sentence explanations of the three figures.
    pub(crate) explain_short: String,
    pub(crate) explain_long: String,
    pub(crate) explain_potential: String,
    /// The rates used, as percentages, and where they come from.
    pub(crate) rates: (String, String, String),
    pub(crate) rates_note: String,
    /// Observed rates, offered when contacts carry `churned_at` and no rates are observed in
    /// use: `(detractor, passive)` as shares.
    pub(crate) observed: Option<(String, String)>,
    /// True when the workspace saved rates (a "forget" button shows).
    pub(crate) saved: bool,
    /// Where the rates form posts.
    pub(crate) rates_action: String,
    /// The attributes to break down by (each a link to the page broken down so).
    pub(crate) by_choices: Vec<Choice>,
    /// The attribute broken down by.
    pub(crate) by: Option<String>,
    pub(crate) groups: Vec<RevenueLine>,
    pub(crate) themes: Vec<RevenueLine>,
    /// A notice after saving rates.
    pub(crate) notice: Option<&'static str>,
}

/// `GET /app/surveys/{id}/customers/revenue`.
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
        Tab::Revenue,
    )
    .await?
    {
        Ok(loaded) => loaded,
        Err(page) => return Ok(page),
    };
    let value = match loaded.value_attribute() {
        Ok(value) => value,
        Err(error) => return Ok(loaded.refuse(error.field, error.message)),
    };
    let by = one(&loaded.pairs, "by").map(str::to_owned);
    if let Some(by) = &by
        && !loaded.definitions.iter().any(|d| &d.name == by)
    {
        let message = format!("{by:?} is not an attribute of this workspace");
        return Ok(loaded.refuse("by", message));
    }
    let store = state.store();
    let saved = store.revenue_rates(viewer.workspace()).await?;
    let sources = ThemeSources::load(store, viewer.workspace(), loaded.survey.id).await?;
    let value_name = value
        .clone()
        .unwrap_or_else(|| DEFAULT_VALUE_ATTRIBUTE.to_owned());
    let figures = {
        let index = loaded.index.read();
        figures(
            &index,
            &loaded.query,
            &value_name,
            by.as_deref(),
            &sources,
            saved,
        )
    };
    let Ok(figures) = figures else {
        return Ok(loaded.refuse("by", "this breakdown cannot be counted".to_owned()));
    };
    let page = revenue_page(&loaded, value, by, figures, saved.is_some());
    Ok(render(&page))
}

/// What the page computes under the index's lock.
struct Figures {
    rates: Rates,
    source: RatesSource,
    observed: Option<Rates>,
    total: ValueSplit,
    groups: Vec<(String, ValueSplit)>,
    themes: Vec<(String, ValueSplit)>,
}

fn figures(
    index: &ResponseIndex,
    query: &Query,
    value: &str,
    by: Option<&str>,
    sources: &ThemeSources,
    saved: Option<Rates>,
) -> Result<Figures, vouch_analytics::QueryError> {
    let report = match revenue(index, query, value, by) {
        Err(vouch_analytics::QueryError::UnknownAttribute(_)) => {
            revenue(index, query, value, None)?
        }
        other => other?,
    };
    let observed = observed_rates(index, query);
    let (rates, source) = choose_between(saved, observed);
    let mut entries = sources.entries(index);
    entries.sort_by_key(|entry| std::cmp::Reverse(entry.rows.len()));
    let mut themes = Vec::new();
    for entry in entries.into_iter().take(MAX_THEMES) {
        let mut narrowed = query.clone();
        narrowed.rows = Some(match &query.rows {
            Some(rows) => rows & &entry.rows,
            None => entry.rows.clone(),
        });
        let part = revenue(index, &narrowed, value, None)?;
        if part.total.contacts > 0 {
            themes.push((entry.label, part.total));
        }
    }
    Ok(Figures {
        rates,
        source,
        observed,
        total: report.total,
        groups: report.groups,
        themes,
    })
}

fn line(label: String, split: &ValueSplit, rates: &Rates) -> RevenueLine {
    let figures = split.figures();
    RevenueLine {
        label,
        contacts: format_count(split.contacts),
        detractor_value: money(split.detractors.value),
        short: money(figures.at_risk_short(rates)),
        long: money(figures.at_risk_long(rates)),
        potential: money(figures.potential(rates)),
    }
}

fn percent(share: f64) -> String {
    let text = format!("{:.1}", share * 100.0);
    text.trim_end_matches(".0").to_owned()
}

fn revenue_page(
    loaded: &Loaded,
    value: Option<String>,
    by: Option<String>,
    figures: Figures,
    saved: bool,
) -> RevenuePage {
    let rates = figures.rates;
    let total = line(String::new(), &figures.total, &rates);
    let value_word = value.clone().unwrap_or_else(|| "value".to_owned());
    let explain_short = format!(
        "{} of the {} of the {} detractors ({}), expected to leave soon.",
        percent(rates.detractor) + " %",
        value_word,
        format_count(figures.total.detractors.contacts),
        total.detractor_value
    );
    let explain_long = format!(
        "{} % of the {} of the {} passives ({}), who drift away in the long run.",
        percent(rates.passive),
        value_word,
        format_count(figures.total.passives.contacts),
        money(figures.total.passives.value)
    );
    let explain_potential = format!(
        "{} % of the {} of the {} promoters ({}), what their referrals may bring.",
        percent(rates.promoter),
        value_word,
        format_count(figures.total.promoters.contacts),
        money(figures.total.promoters.value)
    );
    let rates_note = match figures.source {
        RatesSource::Saved => "Rates saved for this workspace.",
        RatesSource::Observed => {
            "Rates observed: the share of detractors and passives whose churned_at fell within \
             180 days of their latest answer (the promoter rate is the default)."
        }
        RatesSource::Default => "Default rates: change them to your own.",
    }
    .to_owned();
    let by_href = |name: Option<&str>| {
        let mut pairs: Vec<(String, String)> = loaded
            .pairs
            .iter()
            .filter(|(key, _)| key != "by" && key != "rates")
            .cloned()
            .collect();
        if let Some(name) = name {
            pairs.push(("by".to_owned(), name.to_owned()));
        }
        with_query(&loaded.path, &pairs)
    };
    let mut by_choices = vec![Choice {
        value: by_href(None),
        label: "none".into(),
        selected: by.is_none(),
    }];
    by_choices.extend(loaded.definitions.iter().map(|definition| Choice {
        value: by_href(Some(&definition.name)),
        label: definition.name.clone(),
        selected: by.as_deref() == Some(definition.name.as_str()),
    }));
    RevenuePage {
        frame: loaded.frame.clone(),
        tabs: loaded.tabs.clone(),
        survey_name: loaded.survey.name.clone(),
        range_label: loaded.range.label.clone(),
        bar: loaded.bar(&["by", "value"]),
        value_name: value,
        explain_short,
        explain_long,
        explain_potential,
        rates: (
            percent(rates.detractor),
            percent(rates.passive),
            percent(rates.promoter),
        ),
        rates_note,
        observed: figures
            .observed
            .filter(|_| figures.source != RatesSource::Observed)
            .map(|observed| {
                (
                    format!("{:.3}", observed.detractor),
                    format!("{:.3}", observed.passive),
                )
            }),
        saved,
        rates_action: format!("{}/rates", loaded.path),
        by_choices,
        groups: figures
            .groups
            .iter()
            .map(|(key, split)| line(key.clone(), split, &rates))
            .collect(),
        themes: figures
            .themes
            .iter()
            .map(|(label, split)| line(label.clone(), split, &rates))
            .collect(),
        notice: match one(&loaded.pairs, "rates") {
            Some("saved") => Some("Rates saved."),
            Some("forgotten") => Some("Saved rates forgotten: observed or default rates apply."),
            _ => None,
        },
        by,
        total,
    }
}

/// `POST /app/surveys/{id}/customers/revenue/rates`: saves the three rates (each 0–100 %),
/// or forgets them (`forget=1`).
pub(crate) async fn save_rates(
    Writer(viewer): Writer,
    State(state): State<AppState>,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Response, DashboardError> {
    let survey = visible_survey(&state, &viewer, &id).await?;
    let path = Tab::Revenue.path(&survey);
    let fields = Fields::read(&body);
    let store = state.store();
    if fields.get("forget") == "1" {
        store.set_revenue_rates(viewer.workspace(), None).await?;
        let pairs = [("rates".to_owned(), "forgotten".to_owned())];
        return Ok(Redirect::to(&with_query(&path, &pairs)).into_response());
    }
    let share = |name: &str| {
        fields
            .get(name)
            .trim()
            .trim_end_matches('%')
            .trim()
            .parse::<f64>()
            .map(|p| p / 100.0)
    };
    let checked = match (share("detractor"), share("passive"), share("promoter")) {
        (Ok(d), Ok(p), Ok(r)) => Rates::new(d, p, r).map_err(|error| {
            (
                error.category,
                format!("the {} rate must be from 0 to 100 %", error.category),
            )
        }),
        (Err(_), _, _) => Err((
            "detractor",
            "the detractor rate must be a number of percent".into(),
        )),
        (_, Err(_), _) => Err((
            "passive",
            "the passive rate must be a number of percent".into(),
        )),
        (_, _, Err(_)) => Err((
            "promoter",
            "the promoter rate must be a number of percent".into(),
        )),
    };
    match checked {
        Ok(rates) => {
            store
                .set_revenue_rates(viewer.workspace(), Some(rates))
                .await?;
            let pairs = [("rates".to_owned(), "saved".to_owned())];
            Ok(Redirect::to(&with_query(&path, &pairs)).into_response())
        }
        Err((field, message)) => {
            let frame = Frame::new(&viewer, "Revenue rates", crate::layout::Nav::Customers)
                .for_survey(survey.id);
            let error = crate::pages::filters::FilterError { field, message };
            Ok(crate::pages::filter_bar::bad_filter(frame, &path, error))
        }
    }
}
