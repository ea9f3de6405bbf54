//! The clap surface of `vouch webhooks` and `vouch alerts`.

use clap::{Args, Subcommand};

/// Whether targets may be private or loopback addresses (flag, environment or TOML
/// `[webhooks] allow_private`).
#[derive(Debug, Clone, Default, Args)]
pub struct PrivateTargetArgs {
    /// Allow webhooks and Slack alerts to private and loopback addresses (refused by default):
    /// true or false (also 1/0, yes/no, on/off).
    #[arg(
        long,
        env = "VOUCH_WEBHOOKS_ALLOW_PRIVATE",
        value_name = "BOOL",
        value_parser = clap::builder::BoolishValueParser::new()
    )]
    pub webhooks_allow_private: Option<bool>,
}

/// `vouch webhooks …`
#[derive(Debug, Subcommand)]
pub enum WebhooksCommand {
    /// Subscribe a URL to events; prints the signing secret (`whsec_…`) alone on its last line.
    Create {
        /// Where messages are posted (http:// or https://, a public address).
        #[arg(long)]
        url: String,
        /// Comma-separated events: response.created, response.updated, response.tagged,
        /// response.deleted, contact.unsubscribed.
        #[arg(long)]
        events: String,
        /// `standard` (Standard Webhooks v1, signed) or `slack`.
        #[arg(long, default_value = "standard")]
        format: String,
        /// Response events only for scores at least this.
        #[arg(long)]
        min_score: Option<i64>,
        /// Response events only for scores at most this.
        #[arg(long)]
        max_score: Option<i64>,
        #[command(flatten)]
        private: PrivateTargetArgs,
    },
    /// List the webhooks.
    List {
        /// Print JSON instead of a table.
        #[arg(long)]
        json: bool,
    },
    /// Delete a webhook with its messages and their log.
    Delete {
        /// The webhook's id.
        id: String,
    },
    /// Send a `webhook.test` message now, and print how it went.
    Test {
        /// The webhook's id.
        id: String,
        #[command(flatten)]
        private: PrivateTargetArgs,
    },
    /// The webhook's latest messages with every attempt (status, latency, error).
    Deliveries {
        /// The webhook's id.
        id: String,
        /// Print JSON instead of a table.
        #[arg(long)]
        json: bool,
    },
}

/// `vouch alerts …`
#[derive(Debug, Subcommand)]
pub enum AlertsCommand {
    /// E-mail and/or post to Slack each matching response as it arrives (never eNPS answers).
    Create {
        /// The alert's name.
        #[arg(long)]
        name: String,
        /// Only responses scoring at most this (6: detractors).
        #[arg(long)]
        max_score: Option<i64>,
        /// Only responses carrying this tag (sent when it is put on).
        #[arg(long)]
        tag: Option<String>,
        /// Only responses whose attribute has this value (ATTR=VALUE).
        #[arg(long = "where", value_name = "ATTR=VALUE")]
        filter: Option<String>,
        /// Comma-separated addresses to e-mail.
        #[arg(long)]
        email: Option<String>,
        /// A Slack incoming webhook to post to.
        #[arg(long)]
        slack_url: Option<String>,
        #[command(flatten)]
        private: PrivateTargetArgs,
    },
    /// List the alerts.
    List {
        /// Print JSON instead of a table.
        #[arg(long)]
        json: bool,
    },
    /// Delete an alert.
    Delete {
        /// The alert's id.
        id: String,
    },
}
