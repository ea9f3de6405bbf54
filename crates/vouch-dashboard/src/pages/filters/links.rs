//! Filters written back into URLs: their query pairs, links, and the chips that remove one.

use vouch_core::Interval;
use vouch_store::ResponseStatus;

use super::Filters;

impl Filters {
    /// The filters as URL pairs, in a fixed order; only what was given (see [`Filters::pinned`]).
    pub(crate) fn pairs(&self) -> Vec<(String, String)> {
        let mut pairs: Vec<(String, String)> = Vec::new();
        let mut push = |name: &str, value: String| pairs.push((name.to_owned(), value));
        if let Some(survey) = self.survey {
            push("survey", survey.to_string());
        }
        if self.from.is_none()
            && self.to.is_none()
            && let Some(period) = self.period
        {
            push("period", period.as_str().to_owned());
        }
        if let Some(from) = &self.from {
            push("from", from.text.clone());
        }
        if let Some(to) = &self.to {
            push("to", to.text.clone());
        }
        if let Some(interval) = self.interval {
            push("interval", interval_name(interval).to_owned());
        }
        for (name, value) in &self.wheres {
            push("where", format!("{name}={value}"));
        }
        if let Some(channel) = &self.channel {
            push("channel", channel.clone());
        }
        if let Some(category) = self.category {
            push("category", category.as_str().to_owned());
        }
        if let Some(text) = &self.text {
            push("text", text.clone());
        }
        if let Some(status) = self.status {
            push("status", status.as_str().to_owned());
        }
        if let Some(assignee) = self.assignee {
            push("assignee", assignee.0.to_string());
        }
        for tag in &self.tags {
            push("tag", tag.clone());
        }
        for theme in &self.themes {
            push("theme", theme.clone());
        }
        pairs
    }

    /// `path` with these filters as its query string.
    pub(crate) fn href(&self, path: &str) -> String {
        with_query(path, &self.pairs())
    }

    /// The active filters as chips, each with a link that removes it from `path`.
    pub(crate) fn chips(&self, path: &str, names: &ChipNames) -> Vec<FilterChip> {
        let mut chips = Vec::new();
        let mut chip = |label: String, remove: &dyn Fn(&mut Filters)| {
            let mut without = self.clone();
            remove(&mut without);
            chips.push(FilterChip {
                label,
                remove_href: without.href(path),
            });
        };
        if let Some(survey) = self.survey {
            let name = names
                .survey
                .clone()
                .unwrap_or_else(|| format!("survey {survey}"));
            chip(format!("survey: {name}"), &|f| f.survey = None);
        }
        for (position, (name, value)) in self.wheres.iter().enumerate() {
            chip(format!("{name} = {value}"), &|f| {
                f.wheres.remove(position);
            });
        }
        if let Some(channel) = &self.channel {
            chip(format!("channel: {channel}"), &|f| f.channel = None);
        }
        if let Some(category) = self.category {
            chip(format!("{}s", category.as_str()), &|f| f.category = None);
        }
        if let Some(text) = &self.text {
            chip(format!("“{text}”"), &|f| f.text = None);
        }
        if let Some(status) = self.status {
            let label = format!("status: {}", status_label(status));
            chip(label, &|f| f.status = None);
        }
        if self.assignee.is_some() {
            let name = names
                .assignee
                .clone()
                .unwrap_or_else(|| "someone".to_owned());
            chip(format!("assigned to {name}"), &|f| f.assignee = None);
        }
        for (position, tag) in self.tags.iter().enumerate() {
            chip(format!("tag: {tag}"), &|f| {
                f.tags.remove(position);
            });
        }
        for (position, theme) in self.themes.iter().enumerate() {
            let label = names
                .themes
                .iter()
                .find(|(id, _)| id == theme)
                .map_or_else(|| theme.clone(), |(_, label)| label.clone());
            chip(format!("theme: {label}"), &|f| {
                f.themes.remove(position);
            });
        }
        chips
    }
}

/// Names the chips show for ids.
#[derive(Debug, Clone, Default)]
pub(crate) struct ChipNames {
    /// The name of the survey filtered on.
    pub(crate) survey: Option<String>,
    /// The name of the assignee filtered on.
    pub(crate) assignee: Option<String>,
    /// The labels of the themes filtered on, by id.
    pub(crate) themes: Vec<(String, String)>,
}

/// One active filter, shown in the filter bar with a link that removes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct FilterChip {
    /// What it reads ("plan = pro").
    pub(crate) label: String,
    /// The same page without it.
    pub(crate) remove_href: String,
}

/// `week`, `month` or `quarter`.
pub(crate) fn interval_name(interval: Interval) -> &'static str {
    match interval {
        Interval::Week => "week",
        Interval::Month => "month",
        Interval::Quarter => "quarter",
    }
}

/// The text of a follow-up status for people.
pub(crate) fn status_label(status: ResponseStatus) -> &'static str {
    match status {
        ResponseStatus::Open => "Open",
        ResponseStatus::InProgress => "In progress",
        ResponseStatus::Closed => "Closed",
    }
}

/// `path?query` (or `path` without filters).
pub(crate) fn with_query(path: &str, pairs: &[(String, String)]) -> String {
    if pairs.is_empty() {
        return path.to_owned();
    }
    match serde_urlencoded::to_string(pairs) {
        Ok(query) => format!("{path}?{query}"),
        Err(_) => path.to_owned(),
    }
}
