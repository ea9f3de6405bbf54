//! `vouch personas`, `vouch revenue`, `vouch churn`, `vouch accounts at-risk` and `vouch leads
//! objections`: the teams' figures, each contact counted once with its latest answer in the
//! selection (objections count the selection's detractors).

use vouch_analytics::at_risk::at_risk as accounts_at_risk;
use vouch_analytics::churn::{check_window, churn as churn_report};
use vouch_analytics::objections::likely_objections;
use vouch_analytics::personas::personas as persona_report;
use vouch_analytics::revenue::revenue as revenue_report;
use vouch_analytics::themes::ThemeSources;
use vouch_analytics::{Query, QueryError, ResponseIndex, sync};
use vouch_core::revenue::{DEFAULT_VALUE_ATTRIBUTE, Rates};
use vouch_store::{AttributeDefinition, Store, Survey, Workspace};
use vouch_web::wire_teams::{
    AtRiskJson, ChurnJson, ObjectionsJson, PersonasJson, RevenueJson, choose_rates, contacts_named,
    refuse_anonymous,
};

use super::report::{
    known_attribute, selection_query, tag_and_theme_filters, value_attribute, workspace_time_zone,
};
use super::survey_name::existing_survey;
use crate::cli::SelectionArgs;
use crate::teams_cli::{AtRiskArgs, ChurnArgs, PersonasArgs, RevenueArgs, RevenueCommand};
use crate::{bad_input, out, outln, table};

/// The survey, its index and the selection's query, checked as every team command checks
/// them: a survey of customers (eNPS answers are anonymous), filters that exist.
pub(super) struct Selection {
    pub(super) survey: Survey,
    pub(super) definitions: Vec<AttributeDefinition>,
    pub(super) index: ResponseIndex,
    pub(super) query: Query,
}

impl Selection {
    /// Loads and checks the selection of `--survey` and the filters.
    pub(super) async fn load(
        store: &dyn Store,
        workspace: &Workspace,
        survey: &str,
        args: &SelectionArgs,
    ) -> anyhow::Result<Selection> {
        let survey = existing_survey(store, workspace, survey).await?;
        if let Some(reason) = refuse_anonymous(&survey) {
            bad_input!("--survey: {reason}");
        }
        let definitions = store.attribute_definitions(workspace.id).await?;
        let mut query = selection_query(args, &survey, &definitions)?;
        let mut index = ResponseIndex::new(workspace_time_zone(workspace)?);
        sync::catch_up(store, workspace.id, Some(survey.id), &mut index).await?;
        query.rows = tag_and_theme_filters(store, &index, workspace, &survey, args).await?;
        Ok(Selection {
            survey,
            definitions,
            index,
            query,
        })
    }

    /// The value attribute to read: the one named, else `mrr` (every value counts 0 when no
    /// contact carries it).
    fn value_attribute(&self, given: Option<&str>) -> anyhow::Result<String> {
        Ok(value_attribute(given, &self.definitions)?
            .unwrap_or_else(|| DEFAULT_VALUE_ATTRIBUTE.to_owned()))
    }
}

/// The message of a query error, naming the flag at fault.
fn query_failed(flag: &str, error: QueryError) -> anyhow::Error {
    anyhow::Error::new(crate::input_error::InputError(format!("{flag}: {error}")))
}

/// Runs `vouch personas`.
pub async fn personas(
    store: &dyn Store,
    workspace: &Workspace,
    args: &PersonasArgs,
) -> anyhow::Result<()> {
    let selection = Selection::load(store, workspace, &args.survey, &args.selection).await?;
    let report = persona_report(&selection.index, &selection.query, args.min_contacts)
        .map_err(|error| query_failed("--where", error))?;
    let json = PersonasJson::from(&report);
    if args.json {
        outln!("{}", serde_json::to_string_pretty(&json)?);
        return Ok(());
    }
    let rows: Vec<Vec<String>> = json
        .attributes
        .iter()
        .map(|row| {
            vec![
                row.attribute.clone(),
                row.value.clone(),
                row.contacts.to_string(),
                format!("{:.0}%", row.promoter_share * 100.0),
                format!("{:.2}", row.lift),
                format!("{:.2}–{:.2}", row.lift_low, row.lift_high),
                row.nps.map_or("–".into(), |nps| format!("{nps:.0}")),
            ]
        })
        .collect();
    let header = [
        "attribute",
        "value",
        "contacts",
        "promoters",
        "lift",
        "95 %",
        "NPS",
    ];
    outln!(
        "{}: {} contacts, {} promoters",
        selection.survey.name,
        json.contacts,
        json.promoters
    );
    out!(
        "{}",
        table::render(
            &header,
            &rows,
            &[false, false, true, true, true, true, true]
        )
    );
    Ok(())
}

/// Runs `vouch revenue` and `vouch revenue rates`.
pub async fn revenue(
    store: &dyn Store,
    workspace: &Workspace,
    args: &RevenueArgs,
) -> anyhow::Result<()> {
    if let Some(RevenueCommand::Rates {
        detractor,
        passive,
        promoter,
        reset,
    }) = &args.command
    {
        return save_rates(store, workspace, (*detractor, *passive, *promoter), *reset).await;
    }
    let Some(survey) = &args.survey else {
        bad_input!("--survey: which survey's revenue?");
    };
    let selection = Selection::load(store, workspace, survey, &args.selection).await?;
    let value = selection.value_attribute(args.value_attribute.as_deref())?;
    if let Some(by) = &args.by {
        known_attribute("--by", by, &selection.definitions)?;
    }
    let report = revenue_report(
        &selection.index,
        &selection.query,
        &value,
        args.by.as_deref(),
    )
    .map_err(|error| query_failed("--by", error))?;
    let saved = store.revenue_rates(workspace.id).await?;
    let (rates, source) = choose_rates(saved, &selection.index, &selection.query);
    let json = RevenueJson::new(&report, &value, rates, source);
    if args.json {
        outln!("{}", serde_json::to_string_pretty(&json)?);
        return Ok(());
    }
    outln!(
        "{}: {} contacts, value in {:?}; rates ({}) detractor {:.3}, passive {:.3}, promoter {:.3}",
        selection.survey.name,
        json.contacts,
        json.value_attribute,
        json.rates.source,
        json.rates.detractor,
        json.rates.passive,
        json.rates.promoter
    );
    let money = |value: f64| format!("{value:.0}");
    let mut rows = vec![vec![
        "all".to_owned(),
        json.contacts.to_string(),
        money(json.at_risk_short),
        money(json.at_risk_long),
        money(json.potential),
    ]];
    rows.extend(json.groups.iter().map(|group| {
        vec![
            group.key.clone(),
            group.contacts.to_string(),
            money(group.at_risk_short),
            money(group.at_risk_long),
            money(group.potential),
        ]
    }));
    let header = [
        "",
        "contacts",
        "at risk (short)",
        "at risk (long)",
        "potential",
    ];
    out!(
        "{}",
        table::render(&header, &rows, &[false, true, true, true, true])
    );
    Ok(())
}

/// Saves (or forgets) the workspace's revenue rates.
async fn save_rates(
    store: &dyn Store,
    workspace: &Workspace,
    given: (Option<f64>, Option<f64>, Option<f64>),
    reset: bool,
) -> anyhow::Result<()> {
    if reset {
        store.set_revenue_rates(workspace.id, None).await?;
        outln!("revenue rates forgotten: observed or default rates apply");
        return Ok(());
    }
    let (Some(detractor), Some(passive), Some(promoter)) = given else {
        bad_input!("give --detractor, --passive and --promoter, or --reset");
    };
    let rates = match Rates::new(detractor, passive, promoter) {
        Ok(rates) => rates,
        Err(error) => bad_input!("--{}: {error}", error.category),
    };
    store.set_revenue_rates(workspace.id, Some(rates)).await?;
    outln!(
        "revenue rates saved: detractor {}, passive {}, promoter {}",
        rates.detractor,
        rates.passive,
        rates.promoter
    );
    Ok(())
}

/// Runs `vouch churn`.
pub async fn churn(
    store: &dyn Store,
    workspace: &Workspace,
    args: &ChurnArgs,
) -> anyhow::Result<()> {
    let within_days = match check_window(args.within_days) {
        Ok(days) => days,
        Err(error) => bad_input!("--within-days: {error}"),
    };
    let selection = Selection::load(store, workspace, &args.survey, &args.selection).await?;
    let report = match churn_report(&selection.index, &selection.query, within_days) {
        Ok(report) => report,
        Err(error) => bad_input!("{error}"),
    };
    let json = ChurnJson::from(&report);
    if args.json {
        outln!("{}", serde_json::to_string_pretty(&json)?);
        return Ok(());
    }
    let share = |value: Option<f64>| value.map_or("–".into(), |v| format!("{:.1}%", v * 100.0));
    let rows: Vec<Vec<String>> = json
        .categories
        .iter()
        .map(|category| {
            vec![
                category.category.clone(),
                category.contacts.to_string(),
                category.churned.to_string(),
                share(category.churn_rate),
                format!("{}–{}", share(category.low), share(category.high)),
            ]
        })
        .collect();
    outln!(
        "{}: churned within {} days of the latest answer; AUC of the score {}",
        selection.survey.name,
        json.within_days,
        json.auc.map_or("–".into(), |auc| format!("{auc:.3}"))
    );
    let header = ["", "contacts", "churned", "churn rate", "95 %"];
    out!(
        "{}",
        table::render(&header, &rows, &[false, true, true, true, true])
    );
    Ok(())
}

/// Runs `vouch accounts at-risk`.
pub async fn at_risk(
    store: &dyn Store,
    workspace: &Workspace,
    args: &AtRiskArgs,
) -> anyhow::Result<()> {
    let selection = Selection::load(store, workspace, &args.survey, &args.selection).await?;
    let value = selection.value_attribute(args.value_attribute.as_deref())?;
    if let Some(attribute) = &args.account_attribute {
        known_attribute("--account-attribute", attribute, &selection.definitions)?;
    }
    let accounts = accounts_at_risk(
        &selection.index,
        &selection.query,
        args.account_attribute.as_deref(),
        &value,
    );
    let accounts = match accounts {
        Ok(accounts) => accounts,
        // An attribute defined but carried by no answer of the survey: no account.
        Err(QueryError::UnknownAttribute(_)) => Vec::new(),
        Err(error) => return Err(query_failed("--account-attribute", error)),
    };
    let named = contacts_named(&accounts, args.limit);
    let contacts = store.contacts_by_ids(workspace.id, &named).await?;
    let json = AtRiskJson::new(&accounts, args.limit, &contacts);
    if args.json {
        outln!("{}", serde_json::to_string_pretty(&json)?);
        return Ok(());
    }
    let rows: Vec<Vec<String>> = json
        .accounts
        .iter()
        .map(|account| {
            vec![
                account.account.clone(),
                account.latest_score.to_string(),
                account.previous_score.map_or("–".into(), |s| s.to_string()),
                format!("{:.0}", account.value),
                account.reason.clone(),
            ]
        })
        .collect();
    outln!("{}: {} accounts at risk", selection.survey.name, json.total);
    let header = ["account", "latest", "previous", "value", "reason"];
    out!(
        "{}",
        table::render(&header, &rows, &[false, true, true, true, false])
    );
    Ok(())
}

/// Runs `vouch leads objections`.
pub async fn objections(
    store: &dyn Store,
    workspace: &Workspace,
    args: &crate::teams_cli::LeadsObjectionsArgs,
) -> anyhow::Result<()> {
    let selection = Selection::load(store, workspace, &args.survey, &args.selection).await?;
    if let Some(by) = &args.by {
        known_attribute("--by", by, &selection.definitions)?;
    }
    let sources = ThemeSources::load(store, workspace.id, selection.survey.id).await?;
    let index = &selection.index;
    let attributes: Vec<&str> = match &args.by {
        Some(by) => vec![by.as_str()],
        None => index
            .carried_attributes(&[selection.survey.id])
            .into_iter()
            .map(|(name, ..)| name)
            .collect(),
    };
    let found = likely_objections(
        index,
        &selection.query,
        &attributes,
        &sources.entries(index),
        args.top as usize,
    )
    .map_err(|error| query_failed("--where", error))?;
    let json = ObjectionsJson::from(found.as_slice());
    if args.json {
        outln!("{}", serde_json::to_string_pretty(&json)?);
        return Ok(());
    }
    let rows: Vec<Vec<String>> = json
        .segments
        .iter()
        .map(|segment| {
            let themes: Vec<String> = segment
                .objections
                .iter()
                .map(|o| format!("{} ({}, {:.0}%)", o.label, o.detractors, o.share * 100.0))
                .collect();
            vec![
                format!("{} = {}", segment.attribute, segment.value),
                segment.detractors.to_string(),
                themes.join("; "),
            ]
        })
        .collect();
    outln!(
        "{}: likely objections (segments with {} detractors or more)",
        selection.survey.name,
        vouch_analytics::objections::MIN_DETRACTORS
    );
    out!(
        "{}",
        table::render(
            &["segment", "detractors", "likely objections"],
            &rows,
            &[false, true, false]
        )
    );
    Ok(())
}
