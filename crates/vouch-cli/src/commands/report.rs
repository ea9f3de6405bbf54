//! `vouch report`: the NPS of one survey, filtered, grouped and over time.

use crate::{out, outln};
use std::collections::BTreeMap;

use jiff::tz::TimeZone;
use vouch_analytics::explain::{explain, theme_parts};
use vouch_analytics::report::{Report, build_report};
use vouch_analytics::selection::RowFilter;
use vouch_analytics::themes::ThemeSources;
use vouch_analytics::{Query, ResponseIndex, sync};
use vouch_core::bands::{check_fits, parse_group_by};
use vouch_core::{AttributeKind, AttributeValue, Interval, NpsFigures};
use vouch_store::{AttributeDefinition, Store, Survey, Workspace};
use vouch_web::wire::ReportJson;
use vouch_web::wire_explain::ExplainJson;

use super::import_csv::parse_instant;
use super::survey_name::existing_survey;
use crate::bad_input;
use crate::cli::{IntervalArg, ReportArgs, SelectionArgs};
use crate::table;

/// Runs `vouch report`.
pub async fn report(
    store: &dyn Store,
    workspace: &Workspace,
    args: &ReportArgs,
) -> anyhow::Result<()> {
    let survey = existing_survey(store, workspace, &args.survey).await?;
    let definitions = store.attribute_definitions(workspace.id).await?;
    let mut query = query_of(args, &survey, &definitions)?;
    let mut index = ResponseIndex::new(workspace_time_zone(workspace)?);
    sync::catch_up(store, workspace.id, Some(survey.id), &mut index).await?;
    query.rows = tag_and_theme_filters(store, &index, workspace, &survey, &args.selection).await?;
    let plan = match index.plan(&query) {
        Ok(plan) => plan,
        Err(error) => bad_input!("{error}"),
    };
    let counts = index.run(&plan);
    let report = build_report(&index, &plan, &counts);
    let explained = match args.explain {
        false => None,
        true => match explain(&index, &query, jiff::Timestamp::now()) {
            Ok(mut explained) => {
                let themes = ThemeSources::load(store, workspace.id, survey.id).await?;
                theme_parts(&index, &query, &mut explained, &themes.entries(&index))?;
                Some(explained)
            }
            Err(error) => bad_input!("--explain: {error}"),
        },
    };
    let weighted = match survey.kind.is_anonymous() {
        true => None,
        false => {
            let value = value_attribute(None, &definitions)?;
            vouch_web::wire::WeightedNpsJson::of(&index, &query, value.as_deref())
        }
    };
    if args.json {
        let mut json = ReportJson::from(&report);
        json.explain = explained.as_ref().map(ExplainJson::from);
        json.revenue_weighted = weighted;
        outln!("{}", serde_json::to_string_pretty(&json)?);
    } else {
        out!("{}", render_table(&survey, &report));
        if let Some(weighted) = &weighted {
            outln!(
                "revenue-weighted NPS (each answer weighted by {}): {:.1}",
                weighted.value_attribute,
                weighted.nps
            );
        }
        if let Some(explained) = &explained {
            out!("{}", render_explanation(&ExplainJson::from(explained)));
        }
    }
    Ok(())
}

/// The rows `--tag` and `--theme` keep; bad input names the flag and the unknown value.
pub async fn tag_and_theme_filters(
    store: &dyn Store,
    index: &ResponseIndex,
    workspace: &Workspace,
    survey: &Survey,
    args: &SelectionArgs,
) -> anyhow::Result<Option<roaring::RoaringBitmap>> {
    let filter = load_row_filter(store, workspace, survey, args).await?;
    Ok(filter.rows(index))
}

/// The `--tag` and `--theme` filters read from the store; bad input names the flag and the
/// unknown value.
pub async fn load_row_filter(
    store: &dyn Store,
    workspace: &Workspace,
    survey: &Survey,
    args: &SelectionArgs,
) -> anyhow::Result<RowFilter> {
    let loaded = RowFilter::load(
        store,
        workspace.id,
        Some(survey.id),
        &args.tags,
        &args.themes,
    )
    .await;
    match loaded {
        Ok(filter) => Ok(filter),
        Err(error) => match error.field() {
            Some(field) => bad_input!("--{field}: {error}"),
            None => Err(error.into()),
        },
    }
}

/// The workspace's time zone, from the bundled time zone database.
pub fn workspace_time_zone(workspace: &Workspace) -> anyhow::Result<TimeZone> {
    TimeZone::get(&workspace.time_zone).map_err(|error| {
        anyhow::anyhow!(
            "workspace time zone {:?} is unknown: {error}",
            workspace.time_zone
        )
    })
}

/// Checks the flags and turns them into a query.
fn query_of(
    args: &ReportArgs,
    survey: &Survey,
    definitions: &[AttributeDefinition],
) -> anyhow::Result<Query> {
    let mut query = selection_query(&args.selection, survey, definitions)?;
    let groupings = match &args.by {
        None => Vec::new(),
        Some(list) => match parse_group_by(list) {
            Ok(groupings) => groupings,
            Err(reason) => bad_input!("--by: {reason}"),
        },
    };
    for (name, banding) in &groupings {
        let kind = known_attribute("--by", name, definitions)?;
        if let Some(banding) = banding {
            if let Err(reason) = check_fits(name, *banding, kind) {
                bad_input!("--by: {reason}");
            }
            query.bands.push((name.clone(), *banding));
        }
    }
    query.group_by = groupings.into_iter().map(|(name, _)| name).collect();
    query.interval = args.interval.map(|interval| match interval {
        IntervalArg::Week => Interval::Week,
        IntervalArg::Month => Interval::Month,
        IntervalArg::Quarter => Interval::Quarter,
    });
    Ok(query)
}

/// Checks the selecting flags and turns them into a query of one survey.
pub fn selection_query(
    args: &SelectionArgs,
    survey: &Survey,
    definitions: &[AttributeDefinition],
) -> anyhow::Result<Query> {
    let instant = |flag: &str, text: &Option<String>| match text {
        None => Ok(None),
        Some(text) => parse_instant(text.trim()).map(Some).map_err(|reason| {
            anyhow::Error::new(crate::input_error::InputError(format!(
                "--{flag}: {reason}"
            )))
        }),
    };
    let from = instant("from", &args.from)?;
    let to = instant("to", &args.to)?;
    let mut filters: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for filter in &args.filters {
        let Some((name, value)) = filter.split_once('=') else {
            bad_input!("--where: {filter:?} is not ATTR=VALUE");
        };
        let (name, value) = (name.trim(), value.trim());
        let kind = known_attribute("--where", name, definitions)?;
        if let Err(error) = AttributeValue::parse_as(value, kind) {
            bad_input!(
                "--where: {name} is a {} attribute, and {error}",
                kind.as_str()
            );
        }
        filters
            .entry(name.to_owned())
            .or_default()
            .push(value.to_owned());
    }
    if let Some(text) = &args.text
        && vouch_core::text::filter_term(text).is_none()
    {
        bad_input!("--text: {text:?} must be exactly one word, or the start of one (refund*)");
    }
    Ok(Query {
        surveys: vec![survey.id],
        from,
        to,
        filters: filters.into_iter().collect(),
        text: args.text.clone(),
        ..Query::default()
    })
}

/// The kind of a known attribute; an input error naming the attributes there are otherwise.
pub fn known_attribute(
    flag: &str,
    name: &str,
    definitions: &[AttributeDefinition],
) -> anyhow::Result<AttributeKind> {
    match definitions.iter().find(|d| d.name == name) {
        Some(definition) => Ok(definition.kind),
        None => {
            let known: Vec<&str> = definitions.iter().map(|d| d.name.as_str()).collect();
            let message = vouch_core::attribute::unknown_attribute_message(name, &known);
            bad_input!("{flag}: {message}")
        }
    }
}

/// The change and its three largest parts per attribute, as lines of text.
/// The number attribute that is a contact's value: `--value-attribute` (which must be a
/// number attribute), else `mrr` when the workspace has it as a number, else none
/// (`vouch_core::revenue::value_attribute`).
pub fn value_attribute(
    given: Option<&str>,
    definitions: &[AttributeDefinition],
) -> anyhow::Result<Option<String>> {
    let kind_of = |name: &str| definitions.iter().find(|d| d.name == name).map(|d| d.kind);
    match vouch_core::revenue::value_attribute(given, kind_of) {
        Ok(value) => Ok(value),
        Err(vouch_core::revenue::ValueAttributeError::Unknown(name)) => {
            known_attribute("--value-attribute", &name, definitions).map(|_| None)
        }
        Err(error) => bad_input!("--value-attribute: {error}"),
    }
}

fn render_explanation(json: &ExplainJson) -> String {
    let figure = |value: Option<f64>| value.map_or("–".to_owned(), |v| format!("{v:+.1}"));
    let mut out = format!(
        "\nchange from {} to {}: {} points ({})\n",
        json.previous.from,
        json.previous.to,
        figure(json.change),
        if json.significant {
            "significant"
        } else {
            "not significant"
        }
    );
    for attribute in &json.attributes {
        for segment in attribute.segments.iter().take(3) {
            out.push_str(&format!(
                "  {}={}: {} (own {}, mix {})\n",
                attribute.attribute,
                segment.value.as_deref().unwrap_or("(no value)"),
                figure(Some(segment.total)),
                figure(Some(segment.own)),
                figure(Some(segment.mix)),
            ));
        }
    }
    for theme in json.themes.iter().take(3) {
        out.push_str(&format!(
            "  {} \u{201c}{}\u{201d}: {} (own {}, mix {})\n",
            if theme.is_tag { "tag" } else { "theme" },
            theme.label,
            figure(Some(theme.part.total)),
            figure(Some(theme.part.own)),
            figure(Some(theme.part.mix)),
        ));
    }
    out
}

fn render_table(survey: &Survey, report: &Report) -> String {
    let mut out = format!("{} ({})\n", survey.name, survey.kind.as_str());
    let header = [
        "",
        "NPS",
        "± MOE",
        "n",
        "promoters",
        "passives",
        "detractors",
    ];
    let numeric = [false, true, true, true, true, true, true];
    let row = |label: String, figures: Option<&NpsFigures>| {
        let cell = |value: Option<String>| value.unwrap_or_else(|| "–".into());
        let mut cells = vec![label];
        cells.push(cell(
            figures.and_then(|f| f.nps).map(|nps| format!("{nps:+.0}")),
        ));
        cells.push(cell(
            figures
                .and_then(|f| f.margin_of_error)
                .map(|m| format!("{m:.1}")),
        ));
        for count in [
            figures.map(|f| f.responses),
            figures.map(|f| f.promoters),
            figures.map(|f| f.passives),
            figures.map(|f| f.detractors),
        ] {
            cells.push(cell(count.map(|c| c.to_string())));
        }
        cells
    };
    out.push_str(&table::render(
        &header,
        &[row("all".into(), report.overall.as_ref())],
        &numeric,
    ));
    if let Some(groups) = &report.groups {
        let rows: Vec<Vec<String>> = groups
            .iter()
            .map(|group| {
                let label: Vec<String> = group
                    .key
                    .iter()
                    .map(|value| value.as_ref().map_or("(none)".into(), |v| v.canonical()))
                    .collect();
                row(label.join(" × "), Some(&group.figures))
            })
            .collect();
        out.push('\n');
        out.push_str(&table::render(&header, &rows, &numeric));
    }
    if let Some(trend) = &report.trend {
        let rows: Vec<Vec<String>> = trend
            .iter()
            .map(|period| row(period.period.label(), Some(&period.figures)))
            .collect();
        out.push('\n');
        out.push_str(&table::render(&header, &rows, &numeric));
    }
    if let Some(suppressed) = report.suppressed.filter(|&n| n > 0) {
        out.push_str(&format!(
            "\n{suppressed} group(s) or period(s) hidden: fewer than {} responses (anonymity)\n",
            vouch_core::ANONYMITY_MIN_RESPONSES
        ));
    }
    if report
        .overall
        .is_some_and(|f| f.is_small_sample() && f.responses > 0)
    {
        out.push_str("\nFewer than 30 responses: the margin of error is wide; read with care.\n");
    }
    out
}
