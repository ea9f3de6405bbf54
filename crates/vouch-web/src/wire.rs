//! JSON shapes of the contract (see the command-line and HTTP contracts in the README).

use serde::Serialize;
use serde_json::Value;
use vouch_analytics::report::{GroupFigures, PeriodFigures, Report};
use vouch_core::{AttributeValue, NpsFigures};

/// The six figures every element of a report carries. All `null` when anonymity hides them.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct FiguresJson {
    /// 100 × (promoters − detractors) / responses, unrounded.
    pub nps: Option<f64>,
    /// Number of responses.
    pub responses: Option<u64>,
    /// Responses scoring 9–10.
    pub promoters: Option<u64>,
    /// Responses scoring 7–8.
    pub passives: Option<u64>,
    /// Responses scoring 0–6.
    pub detractors: Option<u64>,
    /// 95 % margin of error in NPS points.
    pub margin_of_error: Option<f64>,
}

impl From<Option<&NpsFigures>> for FiguresJson {
    fn from(figures: Option<&NpsFigures>) -> FiguresJson {
        FiguresJson {
            nps: figures.and_then(|f| f.nps),
            responses: figures.map(|f| f.responses),
            promoters: figures.map(|f| f.promoters),
            passives: figures.map(|f| f.passives),
            detractors: figures.map(|f| f.detractors),
            margin_of_error: figures.and_then(|f| f.margin_of_error),
        }
    }
}

/// One group of a breakdown: `key` is the attribute's value, or an array of two values when
/// grouped by two attributes; `null` stands for "no value".
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct GroupJson {
    /// The group's value(s).
    pub key: Value,
    /// Its figures.
    #[serde(flatten)]
    pub figures: FiguresJson,
}

/// One period of a trend.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct PeriodJson {
    /// `2026-W09`, `2026-03` or `2026-Q1`.
    pub period: String,
    /// Its figures.
    #[serde(flatten)]
    pub figures: FiguresJson,
}

/// The report object of `vouch report --json` and `GET /api/v1/surveys/{id}/report`.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct ReportJson {
    /// The selection's figures.
    #[serde(flatten)]
    pub figures: FiguresJson,
    /// With a grouping: one element per group.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub groups: Option<Vec<GroupJson>>,
    /// With an interval: one element per period that has responses, oldest first.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub trend: Option<Vec<PeriodJson>>,
    /// eNPS only: how many groups and periods anonymity left out.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub suppressed: Option<u64>,
    /// When asked: why the NPS moved from the period before.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub explain: Option<crate::wire_explain::ExplainJson>,
    /// Where answers carry a value (`mrr`): the NPS with each answer weighted by it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub revenue_weighted: Option<WeightedNpsJson>,
}

/// The revenue-weighted NPS: 100 × (promoters' value − detractors' value) / all answers'
/// value, each answer weighted by the value its contact carried then.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct WeightedNpsJson {
    /// The number attribute that weighs each answer.
    pub value_attribute: String,
    /// The weighted NPS, unrounded.
    pub nps: f64,
}

impl WeightedNpsJson {
    /// The weighted NPS of a selection, when its answers carry `value_attribute` (chosen by
    /// `vouch_core::revenue::value_attribute`); never for an anonymous (eNPS) selection.
    pub fn of(
        index: &vouch_analytics::ResponseIndex,
        query: &vouch_analytics::Query,
        value_attribute: Option<&str>,
    ) -> Option<WeightedNpsJson> {
        let value_attribute = value_attribute?;
        if index.plan(query).ok()?.is_anonymous() {
            return None;
        }
        let nps = vouch_analytics::revenue::revenue_weighted_nps(index, query, value_attribute)
            .ok()??;
        Some(WeightedNpsJson {
            value_attribute: value_attribute.to_owned(),
            nps,
        })
    }
}

impl From<&Report> for ReportJson {
    fn from(report: &Report) -> ReportJson {
        ReportJson {
            figures: FiguresJson::from(report.overall.as_ref()),
            groups: report
                .groups
                .as_ref()
                .map(|groups| groups.iter().map(group_json).collect()),
            trend: report
                .trend
                .as_ref()
                .map(|trend| trend.iter().map(period_json).collect()),
            suppressed: report.suppressed,
            explain: None,
            revenue_weighted: None,
        }
    }
}

fn group_json(group: &GroupFigures) -> GroupJson {
    let mut values: Vec<Value> = group
        .key
        .iter()
        .map(|v| attribute_json(v.as_ref()))
        .collect();
    let key = if values.len() == 1 {
        values.remove(0)
    } else {
        Value::Array(values)
    };
    GroupJson {
        key,
        figures: FiguresJson::from(Some(&group.figures)),
    }
}

fn period_json(period: &PeriodFigures) -> PeriodJson {
    PeriodJson {
        period: period.period.label(),
        figures: FiguresJson::from(Some(&period.figures)),
    }
}

/// An attribute value as JSON: numbers as numbers, booleans as booleans, dates as
/// `YYYY-MM-DD`, missing as `null`.
pub fn attribute_json(value: Option<&AttributeValue>) -> Value {
    match value {
        None => Value::Null,
        Some(AttributeValue::String(text)) => Value::from(text.as_str()),
        Some(AttributeValue::Number(number)) => {
            if number.fract() == 0.0 && number.abs() < 9e15 {
                Value::from(*number as i64)
            } else {
                Value::from(*number)
            }
        }
        Some(AttributeValue::Boolean(flag)) => Value::from(*flag),
        Some(AttributeValue::Date(date)) => Value::from(date.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use vouch_core::Histogram;

    #[test]
    fn an_empty_selection_has_null_nps_and_zero_counts() {
        let report = Report {
            overall: Some(NpsFigures::from_histogram(&Histogram::default())),
            histogram: Some(Histogram::default()),
            groups: None,
            trend: None,
            suppressed: None,
        };
        let json = serde_json::to_value(ReportJson::from(&report)).unwrap();
        assert_eq!(
            json,
            serde_json::json!({"nps": null, "responses": 0, "promoters": 0, "passives": 0,
                "detractors": 0, "margin_of_error": null})
        );
    }
}
