//! Settings layered as defaults → TOML file → environment → flags.
//!
//! clap reads flags and `VOUCH_…` variables; this module reads the optional file and fills in
//! whatever neither gave.

use std::path::Path;
use std::time::Duration;

use serde::Deserialize;
use vouch_http::{Limits, ServerConfig};

use vouch_jobs::JobsConfig;

use crate::bad_input;
use crate::cli::{OutboundArgs, ServeArgs};
use crate::hooks_cli::PrivateTargetArgs;

/// The documented settings file `vouch default-config` prints.
pub const DEFAULT_CONFIG: &str = include_str!("default-config.toml");

/// The settings file, every field optional.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FileSettings {
    /// Where data lives.
    pub database_url: Option<String>,
    /// `[server]`.
    #[serde(default)]
    pub server: ServerSection,
    /// `[limits]`.
    #[serde(default)]
    pub limits: LimitsSection,
    /// `[email]`.
    #[serde(default)]
    pub email: EmailSection,
    /// `[jobs]`.
    #[serde(default)]
    pub jobs: JobsSection,
    #[serde(default)]
    pub webhooks: WebhooksSection,
}

/// `[webhooks]`: where webhooks and Slack alerts may post.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WebhooksSection {
    allow_private: Option<bool>,
}

/// `webhooks_allow_private`: the flag or environment, else the file, else false.
pub fn allow_private(args: &PrivateTargetArgs, file: &FileSettings) -> bool {
    args.webhooks_allow_private
        .or(file.webhooks.allow_private)
        .unwrap_or(false)
}

/// `[email]` of the settings file.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EmailSection {
    smtp_url: Option<String>,
    smtp_from: Option<String>,
}

/// `[jobs]` of the settings file.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct JobsSection {
    concurrency: Option<usize>,
    lease_seconds: Option<u64>,
}

/// `[server]` of the settings file.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ServerSection {
    addr: Option<String>,
    public_url: Option<String>,
    index_refresh_ms: Option<u64>,
    ingest_batch: Option<usize>,
    ingest_writers: Option<usize>,
}

/// `[limits]` of the settings file.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LimitsSection {
    body_bytes: Option<usize>,
    form_body_bytes: Option<usize>,
    max_connections: Option<usize>,
    header_read_seconds: Option<u64>,
    body_read_seconds: Option<u64>,
    comment_chars: Option<usize>,
    attributes: Option<usize>,
    attribute_name_chars: Option<usize>,
    attribute_value_chars: Option<usize>,
    key_chars: Option<usize>,
    wording_chars: Option<usize>,
    default_page_size: Option<usize>,
    max_page_size: Option<usize>,
    idempotency_key_chars: Option<usize>,
    widget_requests_per_minute_per_ip: Option<u32>,
    widget_requests_per_minute_per_contact: Option<u32>,
    page_posts_per_minute_per_ip: Option<u32>,
    page_posts_per_minute_per_contact: Option<u32>,
}

/// Reads the settings file, if one was given.
pub fn load_file(path: Option<&Path>) -> anyhow::Result<FileSettings> {
    let Some(path) = path else {
        return Ok(FileSettings::default());
    };
    let text = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(error) => bad_input!("--config {}: cannot read: {error}", path.display()),
    };
    match toml::from_str(&text) {
        Ok(settings) => Ok(settings),
        Err(error) => bad_input!("--config {}: {error}", path.display()),
    }
}

/// What `vouch serve` runs with, once every layer is applied.
#[derive(Debug, Clone)]
pub struct ServeSettings {
    /// The address to listen on.
    pub addr: String,
    /// The server's configuration.
    pub server: ServerConfig,
    /// The background worker's configuration.
    pub jobs: JobsConfig,
}

/// Applies flags and environment over the file over the defaults.
pub fn serve_settings(args: &ServeArgs, file: &FileSettings) -> anyhow::Result<ServeSettings> {
    let defaults = ServerConfig::default();
    let limits = limits(&file.limits);
    if limits.default_page_size == 0 || limits.default_page_size > limits.max_page_size {
        bad_input!("limits.default_page_size must be between 1 and limits.max_page_size");
    }
    if limits.max_connections == 0 {
        bad_input!("limits.max_connections must be at least 1");
    }
    if limits.header_read_seconds == 0 || limits.body_read_seconds == 0 {
        bad_input!("limits.header_read_seconds and limits.body_read_seconds must be at least 1");
    }
    let refresh_ms = file.server.index_refresh_ms.unwrap_or(1_000);
    if refresh_ms == 0 {
        bad_input!("server.index_refresh_ms must be at least 1");
    }
    let server = ServerConfig {
        limits,
        index_refresh: Duration::from_millis(refresh_ms),
        ingest_batch: file
            .server
            .ingest_batch
            .unwrap_or(defaults.ingest_batch)
            .max(1),
        // 0 means "what suits the database": decided once the store is open.
        ingest_writers: file.server.ingest_writers.unwrap_or(0),
        public_url: public_url(&args.outbound, file)?,
        smtp_from: None,
        webhooks_allow_private: allow_private(&args.outbound.private, file),
    };
    let addr = args
        .addr
        .clone()
        .or_else(|| file.server.addr.clone())
        .unwrap_or_else(|| "127.0.0.1:8080".into());
    let mut server = server;
    let mut jobs = jobs_config(&args.outbound, file)?;
    server.smtp_from = Some(jobs.smtp_from.clone());
    // Without a public URL, links point at the address the server listens on.
    if args.outbound.public_url.is_none() && file.server.public_url.is_none() {
        server.public_url = format!("http://{addr}");
        jobs.public_url = server.public_url.clone();
    }
    Ok(ServeSettings { jobs, addr, server })
}

/// The base of every link: flag or `VOUCH_PUBLIC_URL`, then `[server] public_url`, then the
/// default address.
pub fn public_url(args: &OutboundArgs, file: &FileSettings) -> anyhow::Result<String> {
    let url = args
        .public_url
        .clone()
        .or_else(|| file.server.public_url.clone())
        .unwrap_or_else(|| ServerConfig::default().public_url);
    if !(url.starts_with("http://") || url.starts_with("https://")) || url.len() <= "http://".len()
    {
        bad_input!("public_url {url:?}: must start with http:// or https://");
    }
    Ok(url.trim_end_matches('/').to_owned())
}

/// The worker's settings: links, SMTP server and sender, concurrency.
pub fn jobs_config(args: &OutboundArgs, file: &FileSettings) -> anyhow::Result<JobsConfig> {
    let defaults = JobsConfig::default();
    let smtp_url = args
        .smtp_url
        .clone()
        .or_else(|| file.email.smtp_url.clone())
        .filter(|url| !url.trim().is_empty());
    if let Some(url) = &smtp_url
        && !(url.starts_with("smtp://") || url.starts_with("smtps://"))
    {
        bad_input!(
            "smtp_url {:?}: must be smtp://HOST:PORT or smtps://USER:PASS@HOST:465",
            vouch_jobs::mailer::redact(url)
        );
    }
    let concurrency = file.jobs.concurrency.unwrap_or(defaults.concurrency);
    if concurrency == 0 || concurrency > 256 {
        bad_input!("jobs.concurrency must be between 1 and 256");
    }
    let lease = match file.jobs.lease_seconds {
        Some(0) => bad_input!("jobs.lease_seconds must be at least 1"),
        Some(seconds) => Duration::from_secs(seconds),
        None => defaults.lease,
    };
    Ok(JobsConfig {
        public_url: public_url(args, file)?,
        smtp_url,
        smtp_from: args
            .smtp_from
            .clone()
            .or_else(|| file.email.smtp_from.clone())
            .unwrap_or(defaults.smtp_from),
        concurrency,
        lease,
        webhooks_allow_private: allow_private(&args.private, file),
    })
}

fn limits(section: &LimitsSection) -> Limits {
    let d = Limits::default();
    Limits {
        body_bytes: section.body_bytes.unwrap_or(d.body_bytes),
        form_body_bytes: section.form_body_bytes.unwrap_or(d.form_body_bytes),
        max_connections: section.max_connections.unwrap_or(d.max_connections),
        header_read_seconds: section.header_read_seconds.unwrap_or(d.header_read_seconds),
        body_read_seconds: section.body_read_seconds.unwrap_or(d.body_read_seconds),
        comment_chars: section.comment_chars.unwrap_or(d.comment_chars),
        attributes: section.attributes.unwrap_or(d.attributes),
        attribute_name_chars: section
            .attribute_name_chars
            .unwrap_or(d.attribute_name_chars),
        attribute_value_chars: section
            .attribute_value_chars
            .unwrap_or(d.attribute_value_chars),
        key_chars: section.key_chars.unwrap_or(d.key_chars),
        wording_chars: section.wording_chars.unwrap_or(d.wording_chars),
        default_page_size: section.default_page_size.unwrap_or(d.default_page_size),
        max_page_size: section.max_page_size.unwrap_or(d.max_page_size),
        idempotency_key_chars: section
            .idempotency_key_chars
            .unwrap_or(d.idempotency_key_chars),
        widget_requests_per_minute_per_ip: section
            .widget_requests_per_minute_per_ip
            .unwrap_or(d.widget_requests_per_minute_per_ip),
        widget_requests_per_minute_per_contact: section
            .widget_requests_per_minute_per_contact
            .unwrap_or(d.widget_requests_per_minute_per_contact),
        page_posts_per_minute_per_ip: section
            .page_posts_per_minute_per_ip
            .unwrap_or(d.page_posts_per_minute_per_ip),
        page_posts_per_minute_per_contact: section
            .page_posts_per_minute_per_contact
            .unwrap_or(d.page_posts_per_minute_per_contact),
        ..d
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_config_parses_to_the_defaults() {
        let file: FileSettings = toml::from_str(DEFAULT_CONFIG).unwrap();
        let settings = serve_settings(&ServeArgs::default(), &file).unwrap();
        assert_eq!(settings.server.limits, Limits::default());
        assert_eq!(settings.addr, "127.0.0.1:8080");
        assert_eq!(settings.jobs, JobsConfig::default());
        assert_eq!(
            file.database_url.as_deref(),
            Some(crate::cli::DEFAULT_DATABASE_URL)
        );
    }

    #[test]
    fn flags_win_over_the_file() {
        let file: FileSettings = toml::from_str("[server]\naddr = \"0.0.0.0:9000\"\n").unwrap();
        let args = ServeArgs {
            addr: Some("127.0.0.1:1".into()),
            ..ServeArgs::default()
        };
        assert_eq!(serve_settings(&args, &file).unwrap().addr, "127.0.0.1:1");
        assert_eq!(
            serve_settings(&ServeArgs::default(), &file).unwrap().addr,
            "0.0.0.0:9000"
        );
    }

    #[test]
    fn email_settings_come_from_flags_then_the_file() {
        let file: FileSettings = toml::from_str(
            "[email]\nsmtp_url = \"smtp://127.0.0.1:2525\"\nsmtp_from = \"nps@acme.example\"\n",
        )
        .unwrap();
        let jobs = jobs_config(&OutboundArgs::default(), &file).unwrap();
        assert_eq!(jobs.smtp_url.as_deref(), Some("smtp://127.0.0.1:2525"));
        assert_eq!(jobs.smtp_from, "nps@acme.example");
        let args = OutboundArgs {
            smtp_url: Some("smtps://u:p@mail.example.com:465".into()),
            public_url: Some("https://nps.example.com/".into()),
            ..OutboundArgs::default()
        };
        let jobs = jobs_config(&args, &file).unwrap();
        assert_eq!(
            jobs.smtp_url.as_deref(),
            Some("smtps://u:p@mail.example.com:465")
        );
        assert_eq!(jobs.public_url, "https://nps.example.com");
        let bad = OutboundArgs {
            smtp_url: Some("mail.example.com".into()),
            ..OutboundArgs::default()
        };
        assert!(jobs_config(&bad, &file).is_err());
    }

    #[test]
    fn unknown_settings_are_refused() {
        assert!(toml::from_str::<FileSettings>("[server]\nadress = \"x\"\n").is_err());
    }
}
