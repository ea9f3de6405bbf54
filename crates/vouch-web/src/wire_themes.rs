//! The themes report's JSON, shared by `vouch themes --json` and
//! `GET /api/v1/surveys/{id}/themes`, and the per-response `themes` and `sentiment` fields.

use serde::Serialize;
use vouch_analytics::SentimentMix;
use vouch_analytics::theme_report::{ThemeFigures, ThemesReport};
use vouch_insight::sentiment::Sentiment;

/// How many comments feel each way.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct SentimentMixJson {
    /// Positive comments.
    pub positive: u64,
    /// Negative comments.
    pub negative: u64,
    /// Comments with no clear feeling.
    pub neutral: u64,
    /// Comments both positive and negative.
    pub mixed: u64,
}

impl From<&SentimentMix> for SentimentMixJson {
    fn from(mix: &SentimentMix) -> SentimentMixJson {
        SentimentMixJson {
            positive: mix.positive,
            negative: mix.negative,
            neutral: mix.neutral,
            mixed: mix.mixed,
        }
    }
}

/// One theme (found automatically, or a tag) with its figures.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct ThemeJson {
    /// `"12"` for an automatic theme (the same from one run to the next), `"tag:NAME"` for a
    /// tag; what `--theme` and `theme=` take.
    pub id: String,
    /// Its readable label.
    pub label: String,
    /// Its keywords, most telling first (none for a tag).
    pub keywords: Vec<String>,
    /// `auto` or `tag`.
    pub source: String,
    /// Its responses in the selection.
    pub responses: u64,
    /// Of which promoters (9–10).
    pub promoters: u64,
    /// Passives (7–8).
    pub passives: u64,
    /// Detractors (0–6).
    pub detractors: u64,
    /// Its NPS.
    pub nps: Option<f64>,
    /// 95 % margin of error of its NPS, in points.
    pub margin_of_error: Option<f64>,
    /// NPS of the selection minus NPS of the selection without this theme's responses: the
    /// points it costs (negative) or earns (positive).
    pub impact: Option<f64>,
    /// The summed value attribute of its detractors (`null` without a value attribute).
    pub detractor_value: Option<f64>,
    /// How its comments feel.
    pub sentiment: SentimentMixJson,
}

impl From<&ThemeFigures> for ThemeJson {
    fn from(theme: &ThemeFigures) -> ThemeJson {
        ThemeJson {
            id: theme.entry.id.clone(),
            label: theme.entry.label.clone(),
            keywords: theme.entry.keywords.clone(),
            source: if theme.entry.is_tag { "tag" } else { "auto" }.into(),
            responses: theme.figures.responses,
            promoters: theme.figures.promoters,
            passives: theme.figures.passives,
            detractors: theme.figures.detractors,
            nps: theme.figures.nps,
            margin_of_error: theme.figures.margin_of_error,
            impact: theme.impact,
            detractor_value: theme.detractor_value,
            sentiment: SentimentMixJson::from(&theme.sentiment),
        }
    }
}

/// The themes report of `vouch themes --json` and `GET /api/v1/surveys/{id}/themes`.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct ThemesJson {
    /// Responses in the selection.
    pub responses: u64,
    /// The selection's NPS.
    pub nps: Option<f64>,
    /// The themes and tags with a response in the selection, most responses first.
    pub themes: Vec<ThemeJson>,
}

impl From<&ThemesReport> for ThemesJson {
    fn from(report: &ThemesReport) -> ThemesJson {
        ThemesJson {
            responses: report.figures.responses,
            nps: report.figures.nps,
            themes: report.themes.iter().map(ThemeJson::from).collect(),
        }
    }
}

/// A theme a response belongs to.
#[derive(Debug, Clone, PartialEq, Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct ThemeRefJson {
    /// The theme's id.
    pub id: String,
    /// Its label.
    pub label: String,
}

/// How a comment feels.
#[derive(Debug, Clone, PartialEq, Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct SentimentJson {
    /// `positive`, `negative`, `neutral` or `mixed`.
    pub label: String,
    /// From −1 (most negative) to 1 (most positive).
    pub score: f32,
}

impl From<Sentiment> for SentimentJson {
    fn from(sentiment: Sentiment) -> SentimentJson {
        SentimentJson {
            label: sentiment.label.as_str().to_owned(),
            score: sentiment.score,
        }
    }
}
