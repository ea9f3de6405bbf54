//! The JSON of "why it moved" (`vouch report --explain`, `explain=true` on the report
//! endpoint): the change from the period before, split per segment into own change and mix,
//! and per theme (its answers against all the others).

use serde::Serialize;
use vouch_analytics::explain::Explanation;
use vouch_core::NpsFigures;
use vouch_core::movement::SegmentMove;

/// One period of the comparison.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct PeriodSideJson {
    /// Its first instant (RFC 3339).
    pub from: String,
    /// The instant after its end.
    pub to: String,
    /// Its answers.
    pub responses: u64,
    /// Its NPS.
    pub nps: Option<f64>,
}

/// One segment's part of the change.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct SegmentMoveJson {
    /// The attribute's value; `null` for answers without one.
    pub value: Option<String>,
    /// NPS points from the segment's own change (its average share × its NPS change).
    pub own: f64,
    /// NPS points from the change of its share (its average NPS × its share's change).
    pub mix: f64,
    /// `own + mix`.
    pub total: f64,
    /// Whether its own NPS changed beyond chance (two-sample z-test, 95 %).
    pub own_significant: bool,
    /// Whether its share changed beyond chance (two-proportion z-test, 95 %).
    pub mix_significant: bool,
    /// Its share of the current period's answers.
    pub current_share: f64,
    /// Its share of the previous period's answers.
    pub previous_share: f64,
    /// Its NPS now.
    pub current_nps: Option<f64>,
    /// Its NPS before.
    pub previous_nps: Option<f64>,
}

/// One attribute's split.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct AttributeMoveJson {
    /// The attribute.
    pub attribute: String,
    /// Its values, the largest part first; their `total`s sum to the change.
    pub segments: Vec<SegmentMoveJson>,
}

/// One theme's (or tag's) part of the change: its answers against all the others.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct ThemeMoveJson {
    /// `"12"` for an automatic theme, `"tag:billing"` for a tag.
    pub id: String,
    /// Its label.
    pub label: String,
    /// True for a tag.
    pub is_tag: bool,
    /// Its part, as a segment's (with `value` its label): own change, mix, their sum and
    /// tests, shares and NPS.
    #[serde(flatten)]
    pub part: SegmentMoveJson,
}

/// Why the NPS moved from the previous period.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct ExplainJson {
    /// The period asked.
    pub current: PeriodSideJson,
    /// The period of the same length just before.
    pub previous: PeriodSideJson,
    /// Current NPS minus previous; `null` unless both have answers.
    pub change: Option<f64>,
    /// The z statistic of the change.
    pub z: Option<f64>,
    /// Whether the change is significant at 95 %.
    pub significant: bool,
    /// Per text or yes/no attribute, the one with the largest part first.
    pub attributes: Vec<AttributeMoveJson>,
    /// Per theme or tag of the survey with answers in either period, the largest part first.
    /// Themes overlap, so these parts do not sum to the change.
    pub themes: Vec<ThemeMoveJson>,
}

fn share(part: u64, whole: u64) -> f64 {
    if whole == 0 {
        0.0
    } else {
        part as f64 / whole as f64
    }
}

impl From<&Explanation> for ExplainJson {
    fn from(explained: &Explanation) -> ExplainJson {
        let side =
            |(from, to): (jiff::Timestamp, jiff::Timestamp), figures: NpsFigures| PeriodSideJson {
                from: from.to_string(),
                to: to.to_string(),
                responses: figures.responses,
                nps: figures.nps,
            };
        let (now_n, before_n) = (
            explained.current_total.responses(),
            explained.previous_total.responses(),
        );
        let segment = |(value, part): &(Option<String>, SegmentMove)| SegmentMoveJson {
            value: value.clone(),
            own: part.own,
            mix: part.mix,
            total: part.total(),
            own_significant: part.own_significant(),
            mix_significant: part.mix_significant(),
            current_share: share(part.current.responses(), now_n),
            previous_share: share(part.previous.responses(), before_n),
            current_nps: NpsFigures::from_histogram(&part.current).nps,
            previous_nps: NpsFigures::from_histogram(&part.previous).nps,
        };
        let theme = |theme: &vouch_analytics::explain::ThemeMovement| ThemeMoveJson {
            id: theme.id.clone(),
            label: theme.label.clone(),
            is_tag: theme.is_tag,
            part: SegmentMoveJson {
                value: Some(theme.label.clone()),
                ..segment(&(None, theme.part))
            },
        };
        let test = explained
            .movement
            .as_ref()
            .and_then(|movement| movement.test);
        ExplainJson {
            current: side(
                explained.current,
                NpsFigures::from_histogram(&explained.current_total),
            ),
            previous: side(
                explained.previous,
                NpsFigures::from_histogram(&explained.previous_total),
            ),
            change: explained.movement.as_ref().map(|movement| movement.change),
            z: test.and_then(|test| test.z),
            significant: test.is_some_and(|test| test.significant),
            attributes: explained
                .attributes
                .iter()
                .map(|attribute| AttributeMoveJson {
                    attribute: attribute.attribute.clone(),
                    segments: attribute.segments.iter().map(segment).collect(),
                })
                .collect(),
            themes: explained.themes.iter().map(theme).collect(),
        }
    }
}
