//! The weekly digest e-mail: [`vouch_analytics::digest`]'s content put into words once
//! ([`DigestView`], shared by the text and HTML parts, the dashboard's preview and `vouch
//! digest preview`), rendered with askama, and sent over the [`Mailer`].
//!
//! Every figure is the analytics module's; this module only words and formats them. The HTML
//! part uses inline styles only and loads nothing (no image, no font, no stylesheet).

use askama::Template;
use jiff::Timestamp;
use jiff::tz::TimeZone;
use lettre::Message;
use lettre::message::{Mailbox, MultiPart};
use vouch_analytics::digest::{Digest, DigestSources, figures};
use vouch_analytics::rates::RatesSource;
use vouch_analytics::{ResponseIndex, sync};
use vouch_charts::{format_count, format_margin, format_nps, format_nps_change};
use vouch_core::Category;
use vouch_core::digest::DigestWeek;
use vouch_store::{Store, StoreResult, Workspace};

use crate::mailer::{Mailer, SendError};
use crate::{JobError, JobResult};

/// The dashboard page that previews the digest and turns it on or off.
pub const DIGEST_PATH: &str = "/app/digest";

/// The digest of `week` for a workspace, read from the store (an index of its own is built).
pub async fn compose(
    store: &dyn Store,
    workspace: &Workspace,
    week: DigestWeek,
) -> StoreResult<Digest> {
    let mut index = ResponseIndex::new(time_zone(workspace));
    sync::catch_up(store, workspace.id, None, &mut index).await?;
    let sources = DigestSources::load(store, workspace.id).await?;
    figures(&index, &sources, week)
        .read(store, workspace.id, &sources)
        .await
}

/// The workspace's time zone (UTC when its name is unknown to this build).
pub fn time_zone(workspace: &Workspace) -> TimeZone {
    TimeZone::get(&workspace.time_zone).unwrap_or(TimeZone::UTC)
}

/// The week a digest sent now reports: the last complete ISO week in the workspace's zone.
pub fn current_week(workspace: &Workspace, now: Timestamp) -> DigestWeek {
    DigestWeek::last_complete(now, &time_zone(workspace))
}

/// One quoted comment, worded.
#[derive(Debug, Clone, PartialEq)]
pub struct VerbatimView {
    /// `Detractor, 3/10`.
    pub label: String,
    /// The comment.
    pub comment: String,
    /// `Customers, Sun 6 Dec`.
    pub source: String,
}

/// The digest in words, as every part shows it.
#[derive(Debug, Clone, PartialEq)]
pub struct DigestView {
    /// The e-mail's subject.
    pub subject: String,
    /// Who it is from: the workspace's brand name, else "Vouch".
    pub brand: String,
    /// `Week 2026-W49: Monday 30 November – Sunday 6 December 2026 (Europe/Paris)`.
    pub period: String,
    /// What the week is compared with.
    pub comparison: String,
    /// True when the reported week has no answers.
    pub empty: bool,
    /// `NPS 50 ± 12, from 40 answers (25 promoters, 5 passives, 10 detractors)`, or that the
    /// week had none.
    pub headline: String,
    /// The change and whether it is significant.
    pub change: String,
    /// The largest parts of the change, by segment then by theme, one line each.
    pub movers: Vec<String>,
    /// The revenue-weighted NPS and the week before's, when contacts carry a value.
    pub weighted: Option<String>,
    /// The rising themes, one line each.
    pub themes: Vec<String>,
    /// The value at risk, when contacts carry a value.
    pub at_risk: Option<String>,
    /// Up to three comments.
    pub verbatims: Vec<VerbatimView>,
    /// Which surveys it covers, and that eNPS is left out.
    pub coverage: String,
    /// The dashboard's address.
    pub dashboard_url: String,
    /// The address of the page that turns the digest off.
    pub settings_url: String,
    /// How to stop receiving it.
    pub stop: String,
}

impl DigestView {
    /// Words `digest` for a workspace; links start at `public_url`.
    pub fn new(digest: &Digest, workspace: &Workspace, public_url: &str) -> DigestView {
        let base = public_url.trim_end_matches('/');
        let brand = workspace.brand_name().unwrap_or("Vouch").to_owned();
        let week = digest.week;
        let label = week.label();
        let current = &digest.current;
        let empty = current.responses == 0;
        let nps = current.nps.map(format_nps);
        let subject = match &nps {
            Some(nps) => match digest.change {
                Some(change) => format!(
                    "{brand} weekly digest {label}: NPS {nps} ({})",
                    format_nps_change(change.difference)
                ),
                None => format!("{brand} weekly digest {label}: NPS {nps}"),
            },
            None => format!("{brand} weekly digest {label}: no answers this week"),
        };
        let headline = match (&nps, current.margin_of_error) {
            (Some(nps), margin) => format!(
                "NPS {nps} {}, from {} (promoters {}, passives {}, detractors {})",
                margin.map_or_else(String::new, format_margin),
                answers(current.responses),
                format_count(current.promoters),
                format_count(current.passives),
                format_count(current.detractors),
            ),
            _ => "No answers this week to any NPS survey: nothing to report.".to_owned(),
        };
        DigestView {
            subject,
            period: format!(
                "Week {label}: {} – {} ({})",
                week.monday().strftime("%A %-d %B"),
                week.sunday().strftime("%A %-d %B %Y"),
                workspace.time_zone,
            ),
            comparison: "Compared with the ISO week before it, Monday to Sunday.".to_owned(),
            empty,
            headline,
            change: change_line(digest),
            movers: digest
                .movers
                .iter()
                .chain(&digest.theme_movers)
                .map(mover_line)
                .collect(),
            weighted: digest.revenue_weighted.as_ref().and_then(weighted_line),
            themes: digest.themes.iter().map(theme_line).collect(),
            at_risk: digest.at_risk.as_ref().map(at_risk_line),
            verbatims: digest
                .verbatims
                .iter()
                .map(|verbatim| verbatim_view(verbatim, &time_zone(workspace)))
                .collect(),
            coverage: coverage(&digest.surveys),
            dashboard_url: format!("{base}/app"),
            settings_url: format!("{base}{DIGEST_PATH}"),
            stop: "You receive this e-mail because you turned on the weekly digest. To stop \
                   receiving it, turn it off on the digest page:"
                .to_owned(),
            brand,
        }
    }

    /// The same digest sent once to an address on request (`vouch digest send --to`): its
    /// last line says that nothing more follows, rather than how to stop a subscription.
    pub fn sent_once(mut self) -> DigestView {
        self.stop = "This digest was sent once, on request: no other will follow unless the \
                     weekly digest is turned on, on the digest page:"
            .to_owned();
        self
    }

    /// The text part.
    pub fn text(&self) -> String {
        TextTemplate { view: self }
            .render()
            .unwrap_or_else(|error| format!("the digest could not be rendered: {error}"))
    }

    /// The HTML part.
    pub fn html(&self) -> String {
        HtmlTemplate { view: self }
            .render()
            .unwrap_or_else(|error| format!("the digest could not be rendered: {error}"))
    }

    /// The e-mail from `from` to `to`: text and HTML alternatives.
    pub fn message(&self, from: &Mailbox, to: &str) -> JobResult<Message> {
        let to: Mailbox = to.parse().map_err(|error| {
            JobError::Permanent(format!("invalid recipient address {to:?}: {error}"))
        })?;
        let from = match from.name {
            Some(_) => from.clone(),
            None => Mailbox::new(Some(self.brand.clone()), from.email.clone()),
        };
        Message::builder()
            .from(from)
            .to(to)
            .subject(self.subject.clone())
            .multipart(MultiPart::alternative_plain_html(self.text(), self.html()))
            .map_err(|error| JobError::Permanent(format!("cannot build the email: {error}")))
    }

    /// Sends it to `to`.
    pub async fn send(&self, mailer: &Mailer, to: &str) -> JobResult<()> {
        match mailer.send(self.message(mailer.from(), to)?).await {
            Ok(()) => Ok(()),
            Err(SendError::Bounce(reason)) => Err(JobError::Permanent(reason)),
            Err(SendError::Retry(reason)) => Err(JobError::Retry(reason)),
        }
    }
}

#[derive(Template)]
#[template(path = "digest.txt")]
struct TextTemplate<'a> {
    view: &'a DigestView,
}

#[derive(Template)]
#[template(path = "digest.html")]
struct HtmlTemplate<'a> {
    view: &'a DigestView,
}

fn answers(count: u64) -> String {
    match count {
        1 => "1 answer".to_owned(),
        _ => format!("{} answers", format_count(count)),
    }
}

fn change_line(digest: &Digest) -> String {
    let before = digest.previous.nps.map(format_nps);
    match (digest.change, &before) {
        (Some(change), Some(before)) => {
            let verdict = match change.significant {
                true => "a significant change (95 % two-sample test)",
                false => "not a significant change: it may be chance (95 % two-sample test)",
            };
            format!(
                "{} points from {before} the week before ({}): {verdict}.",
                format_nps_change(change.difference),
                answers(digest.previous.responses),
            )
        }
        _ if digest.current.responses == 0 => match before {
            Some(before) => format!("The week before: NPS {before}."),
            None => "The week before had no answers either.".to_owned(),
        },
        _ => "No answers the week before: no change to report.".to_owned(),
    }
}

fn mover_line(mover: &vouch_analytics::digest::Mover) -> String {
    let significant = match mover.significant {
        true => ", its own change significant",
        false => "",
    };
    format!(
        "{}: {} points of the change{significant}",
        mover.label(),
        format_nps_change(mover.points)
    )
}

fn weighted_line(weeks: &vouch_analytics::digest::WeightedWeeks) -> Option<String> {
    let now = format_nps(weeks.current?);
    let before = match weeks.previous {
        Some(before) => format!(", from {} the week before", format_nps(before)),
        None => String::new(),
    };
    Some(format!(
        "Revenue-weighted NPS {now} (each answer weighted by its contact's {}){before}.",
        weeks.attribute
    ))
}

fn theme_line(theme: &vouch_analytics::digest::RisingTheme) -> String {
    format!(
        "{}: {:.0} % of answers, up from {:.0} % ({})",
        theme.label,
        theme.share * 100.0,
        theme.previous_share * 100.0,
        answers(theme.responses),
    )
}

fn money(value: f64) -> String {
    format_count(value.max(0.0).round() as u64)
}

fn at_risk_line(at_risk: &vouch_analytics::digest::AtRisk) -> String {
    let rates = match at_risk.source {
        RatesSource::Saved => "the workspace's rates",
        RatesSource::Observed => "rates observed from churn",
        RatesSource::Default => "the default rates",
    };
    format!(
        "{} of {} at risk soon from {} detractors this week, {} more in the long run from \
         passives ({rates}).",
        money(at_risk.short),
        at_risk.attribute,
        format_count(at_risk.detractors),
        money(at_risk.long),
    )
}

fn verbatim_view(verbatim: &vouch_analytics::digest::Verbatim, zone: &TimeZone) -> VerbatimView {
    let category = match verbatim.category {
        Category::Detractor => "Detractor",
        Category::Passive => "Passive",
        Category::Promoter => "Promoter",
    };
    VerbatimView {
        label: format!("{category}, {}/10", verbatim.score),
        comment: verbatim.comment.clone(),
        source: format!(
            "{}, {}",
            verbatim.survey,
            verbatim.at.to_zoned(zone.clone()).strftime("%a %-d %b")
        ),
    }
}

fn coverage(surveys: &[String]) -> String {
    let named = match surveys.is_empty() {
        true => "no NPS survey yet".to_owned(),
        false => surveys.join(", "),
    };
    format!(
        "Covers the NPS surveys: {named}. eNPS surveys are left out: their answers are \
         anonymous."
    )
}

#[cfg(test)]
#[path = "digest_tests.rs"]
mod tests;
