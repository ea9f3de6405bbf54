//! The command line as clap sees it: raw flags, validated by each command.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

/// The default database: a SQLite file in the current directory.
pub const DEFAULT_DATABASE_URL: &str = "sqlite://vouch.db";

/// Vouch: self-hosted Net Promoter Score.
#[derive(Debug, Parser)]
#[command(name = "vouch", version, about)]
pub struct Cli {
    /// Where data lives: `sqlite://FILE` or `postgres://USER@HOST/DB`.
    #[arg(long, global = true, env = "VOUCH_DATABASE_URL")]
    pub database_url: Option<String>,
    /// The workspace to act on (created on first use).
    #[arg(
        long,
        global = true,
        env = "VOUCH_WORKSPACE",
        default_value = "default"
    )]
    pub workspace: String,
    /// A TOML settings file (see `vouch default-config`); flags and environment win over it.
    #[arg(long, global = true, env = "VOUCH_CONFIG")]
    pub config: Option<std::path::PathBuf>,
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Import data from CSV files.
    #[command(subcommand)]
    Import(ImportCommand),
    /// Print the NPS of a survey, optionally filtered, grouped and over time.
    Report(ReportArgs),
    /// Manage surveys.
    #[command(subcommand)]
    Surveys(SurveysCommand),
    /// Manage contacts.
    #[command(subcommand)]
    Contacts(ContactsCommand),
    /// Manage the workspace's settings.
    #[command(subcommand)]
    Workspace(WorkspaceCommand),
    /// Serve the API (and background work) until SIGINT or SIGTERM.
    Serve(ServeArgs),
    /// Build a fresh demo database full of realistic data, print its reports, and serve it.
    Demo(DemoArgs),
    /// Manage API keys.
    #[command(subcommand)]
    Keys(KeysCommand),
    /// Manage the dashboard's users of the workspace.
    #[command(subcommand)]
    Users(UsersCommand),
    /// Email a survey to contacts now (and on a schedule with --every).
    Send(SendArgs),
    /// List email campaigns and their numbers.
    #[command(subcommand)]
    Campaigns(CampaignsCommand),
    /// Inspect the background job queue.
    #[command(subcommand)]
    Jobs(JobsCommand),
    /// The weekly digest e-mail: print it, or send it now.
    #[command(subcommand)]
    Digest(DigestCommand),
    /// Manage in-app widget keys.
    #[command(subcommand)]
    Widget(WidgetCommand),
    /// Tag responses by the words of their comments.
    #[command(subcommand)]
    Rules(crate::feedback_cli::RulesCommand),
    /// Manage the workspace's tags.
    #[command(subcommand)]
    Tags(crate::feedback_cli::TagsCommand),
    /// Print the themes of a survey's comments, with what each costs or earns the NPS.
    Themes(crate::feedback_cli::ThemesArgs),
    /// Print which attribute values over-index among promoters (marketing's personas).
    Personas(crate::teams_cli::PersonasArgs),
    /// Learn who looks like a promoter, and score leads with it (sales' lead scoring).
    #[command(subcommand)]
    Leads(crate::teams_cli::LeadsCommand),
    /// Print the revenue at risk and the referral potential (or save the rates used).
    Revenue(crate::teams_cli::RevenueArgs),
    /// Print the churn of promoters, passives and detractors (contacts with `churned_at`).
    Churn(crate::teams_cli::ChurnArgs),
    /// Accounts: the at-risk list.
    #[command(subcommand)]
    Accounts(crate::teams_cli::AccountsCommand),
    /// Export a survey's responses or the contacts as CSV, JSON lines or Parquet.
    #[command(subcommand)]
    Export(crate::export_cli::ExportCommand),
    /// Signed webhooks: subscribe URLs to events, test them, read their delivery log.
    #[command(subcommand)]
    Webhooks(crate::hooks_cli::WebhooksCommand),
    /// Detractor alerts by e-mail and Slack.
    #[command(subcommand)]
    Alerts(crate::hooks_cli::AlertsCommand),
    /// Print a documented settings file with every default.
    DefaultConfig,
    /// Measure the analytics engine on the data in the database.
    Bench(BenchArgs),
}

/// `vouch import …`
#[derive(Debug, Subcommand)]
pub enum ImportCommand {
    /// Import responses: columns `email` or `external_id`, `score`, optional `comment` and
    /// `created_at`; every other column is a contact attribute.
    Responses(ImportResponsesArgs),
}

/// Flags of `vouch import responses`.
#[derive(Debug, Args)]
pub struct ImportResponsesArgs {
    /// The CSV file.
    pub file: PathBuf,
    /// The survey the responses answer, matched ignoring case; created when missing, except
    /// that a name a typo away from an existing survey's needs `--create`.
    #[arg(long)]
    pub survey: String,
    /// Create the survey even though its name is close to an existing one's.
    #[arg(long)]
    pub create: bool,
    /// The kind of survey to create when it is missing (default nps); checked against the
    /// survey when it exists.
    #[arg(long, value_enum)]
    pub kind: Option<KindArg>,
    /// Import the valid rows and report the others, instead of importing nothing.
    #[arg(long)]
    pub skip_invalid: bool,
}

/// Survey kinds on the command line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum KindArg {
    /// Customer NPS.
    Nps,
    /// Employee NPS (anonymous).
    Enps,
}

/// Flags of `vouch report`.
#[derive(Debug, Args)]
pub struct ReportArgs {
    /// The survey to report on.
    #[arg(long)]
    pub survey: String,
    /// Print one JSON object instead of a table.
    #[arg(long)]
    pub json: bool,
    /// Group by one or two attributes, comma-separated; `ATTR:quartiles` bands a number
    /// (`[120, 480)`), `ATTR:month` or `ATTR:quarter` a date.
    #[arg(long)]
    pub by: Option<String>,
    /// Also show the trend per week, month or quarter.
    #[arg(long, value_enum)]
    pub interval: Option<IntervalArg>,
    /// Also say why the NPS moved from the period before (of the same length): the change
    /// split per segment of each text attribute into its own change and the shift in mix.
    #[arg(long)]
    pub explain: bool,
    /// Which responses count.
    #[command(flatten)]
    pub selection: SelectionArgs,
}

/// The flags that select responses, shared by `vouch report` and `vouch themes`.
#[derive(Debug, Clone, Default, Args)]
pub struct SelectionArgs {
    /// Only responses from this instant on (RFC 3339, or a date meaning midnight UTC).
    #[arg(long)]
    pub from: Option<String>,
    /// Only responses before this instant (RFC 3339, or a date meaning midnight UTC).
    #[arg(long)]
    pub to: Option<String>,
    /// Keep responses whose attribute has this value (ATTR=VALUE); repeatable.
    #[arg(long = "where", value_name = "ATTR=VALUE")]
    pub filters: Vec<String>,
    /// Keep responses whose comment contains this word.
    #[arg(long)]
    pub text: Option<String>,
    /// Only responses carrying this tag (repeatable: any of them).
    #[arg(long = "tag")]
    pub tags: Vec<String>,
    /// Only responses in this theme, by the id `vouch themes` shows (repeatable: any of them).
    #[arg(long = "theme")]
    pub themes: Vec<String>,
}

/// Trend intervals on the command line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum IntervalArg {
    /// ISO 8601 weeks.
    Week,
    /// Calendar months.
    Month,
    /// Calendar quarters.
    Quarter,
}

/// `vouch surveys …`
#[derive(Debug, Subcommand)]
pub enum SurveysCommand {
    /// List the surveys of the workspace with their response counts.
    List {
        /// Print JSON instead of a table.
        #[arg(long)]
        json: bool,
    },
}

/// `vouch contacts …`
#[derive(Debug, Subcommand)]
pub enum ContactsCommand {
    /// Create or update contacts from a CSV file: columns `email` and/or `external_id`; every
    /// other column is an attribute.
    Import(ImportContactsArgs),
    /// Erase a contact and every response it gave (GDPR).
    Delete {
        /// The contact's external id.
        #[arg(long, conflicts_with = "email", required_unless_present = "email")]
        external_id: Option<String>,
        /// The contact's email.
        #[arg(long)]
        email: Option<String>,
    },
}

/// Flags of `vouch contacts import`.
#[derive(Debug, Args)]
pub struct ImportContactsArgs {
    /// The CSV file.
    pub file: PathBuf,
    /// Import the valid rows and report the others, instead of importing nothing.
    #[arg(long)]
    pub skip_invalid: bool,
}

/// Where emails and links go: shared by `serve`, `demo` and `send`.
#[derive(Debug, Args, Clone, Default)]
pub struct OutboundArgs {
    /// The base of every link the server hands out, e.g. https://nps.example.com.
    #[arg(long, env = "VOUCH_PUBLIC_URL")]
    pub public_url: Option<String>,
    /// The SMTP server: smtp://HOST:PORT, smtp://USER:PASS@HOST:587?tls=starttls or
    /// smtps://USER:PASS@HOST:465.
    #[arg(long, env = "VOUCH_SMTP_URL")]
    pub smtp_url: Option<String>,
    /// The sender of survey emails, e.g. "Acme <nps@acme.example>".
    #[arg(long, env = "VOUCH_SMTP_FROM")]
    pub smtp_from: Option<String>,
    #[command(flatten)]
    pub private: crate::hooks_cli::PrivateTargetArgs,
}

/// Flags of `vouch send`.
#[derive(Debug, Args)]
pub struct SendArgs {
    /// The survey to send.
    #[arg(long)]
    pub survey: String,
    /// Only contacts whose attribute has this value (ATTR=VALUE); repeatable: AND across
    /// attributes, OR between values of the same attribute.
    #[arg(long = "filter", value_name = "ATTR=VALUE")]
    pub filters: Vec<String>,
    /// The share of eligible contacts to ask, in (0, 1].
    #[arg(long, default_value_t = 1.0)]
    pub sample: f64,
    /// Skip contacts asked anything within this many days.
    #[arg(long)]
    pub throttle_days: Option<u32>,
    /// Remind non-responders once, this many days after the email.
    #[arg(long)]
    pub reminder_days: Option<u32>,
    /// Send again every this many days (each contact once per cycle); later cycles are sent
    /// by `vouch serve`.
    #[arg(long, value_name = "DAYS")]
    pub every: Option<u32>,
    /// With --every: spread each cycle's contacts over its weekdays.
    #[arg(long, requires = "every")]
    pub spread: bool,
    /// A name for the campaign (default: the survey and the date).
    #[arg(long)]
    pub name: Option<String>,
    /// Only print how many contacts would be asked; write nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Links and SMTP.
    #[command(flatten)]
    pub outbound: OutboundArgs,
}

/// `vouch campaigns …`
#[derive(Debug, Subcommand)]
pub enum CampaignsCommand {
    /// List the workspace's campaigns, newest first, with their numbers.
    List {
        /// Print JSON instead of a table.
        #[arg(long)]
        json: bool,
    },
}

/// `vouch jobs …`
#[derive(Debug, Subcommand)]
pub enum JobsCommand {
    /// List the workspace's jobs, newest first, with attempts and last error.
    List {
        /// Only jobs in this status.
        #[arg(long, value_enum)]
        status: Option<JobStatusArg>,
        /// Only jobs of this kind (send_email, run_campaign, campaign_reminders,
        /// send_password_reset).
        #[arg(long)]
        kind: Option<String>,
        /// At most this many.
        #[arg(long, default_value_t = 50)]
        limit: usize,
        /// Print JSON instead of a table.
        #[arg(long)]
        json: bool,
    },
}

/// `vouch digest …`
#[derive(Debug, Subcommand)]
pub enum DigestCommand {
    /// Send the workspace's digest of the last complete week now, to one address.
    Send {
        /// The address to send it to.
        #[arg(long)]
        to: String,
        /// Where the SMTP server is and who sends.
        #[command(flatten)]
        outbound: OutboundArgs,
    },
    /// Print the text of the workspace's digest of the last complete week.
    Preview {
        /// The base of the links it carries, e.g. https://nps.example.com.
        #[arg(long, env = "VOUCH_PUBLIC_URL")]
        public_url: Option<String>,
    },
}

/// Job statuses on the command line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum JobStatusArg {
    /// Waiting to run.
    Queued,
    /// Claimed by a worker.
    Running,
    /// Finished.
    Done,
    /// Failed for good.
    Failed,
}

/// `vouch widget …`
#[derive(Debug, Subcommand)]
pub enum WidgetCommand {
    /// Create a widget key; prints the embed snippet, then the key alone on the last line.
    Create {
        /// The survey the widget asks.
        #[arg(long)]
        survey: String,
        /// The origins (https://app.example.com) whose pages may use it; repeatable.
        #[arg(long = "origin", required = true, num_args = 1..)]
        origins: Vec<String>,
        /// The share of eligible visitors shown the survey, in (0, 1].
        #[arg(long, default_value_t = 1.0)]
        sample: f64,
        /// Do not ask visitors whose account is younger than this many days.
        #[arg(long, default_value_t = 0)]
        min_age_days: u32,
        /// The base of the snippet's script URL.
        #[arg(long, env = "VOUCH_PUBLIC_URL")]
        public_url: Option<String>,
    },
    /// List the workspace's widget keys.
    List {
        /// Print JSON instead of a table.
        #[arg(long)]
        json: bool,
    },
    /// Revoke a widget key: the widget stops showing at once.
    Revoke {
        /// The key (pk_…).
        key: String,
    },
}

/// `vouch workspace …`
#[derive(Debug, Subcommand)]
pub enum WorkspaceCommand {
    /// Set the IANA time zone that reports bucket weeks, months and quarters in.
    SetTimeZone {
        /// For example `Europe/Paris`.
        time_zone: String,
    },
    /// Set the name, colour and logo respondents see (in the question, the email and the
    /// survey page) where a survey sets none of its own. A flag left out keeps its value; an
    /// empty one clears it.
    SetBrand {
        /// The company or product name, e.g. "Acme Analytics".
        #[arg(long)]
        name: Option<String>,
        /// The accent colour, #RRGGBB.
        #[arg(long)]
        color: Option<String>,
        /// An absolute http(s):// URL of the logo.
        #[arg(long)]
        logo_url: Option<String>,
    },
    /// Print the workspace's settings: slug, time zone and brand.
    Show {
        /// Print JSON instead of text.
        #[arg(long)]
        json: bool,
    },
}

/// Flags of `vouch serve`.
#[derive(Debug, Args, Clone, Default)]
pub struct ServeArgs {
    /// The address to listen on (default 127.0.0.1:8080).
    #[arg(long, env = "VOUCH_ADDR")]
    pub addr: Option<String>,
    /// Links and SMTP.
    #[command(flatten)]
    pub outbound: OutboundArgs,
    /// Log one JSON object per line instead of text.
    #[arg(long, env = "VOUCH_LOG_JSON")]
    pub log_json: bool,
}

/// `vouch keys …`
#[derive(Debug, Subcommand)]
pub enum KeysCommand {
    /// Create an API key; the key is printed once, alone on the last line.
    Create {
        /// A name to recognise the key by.
        #[arg(long)]
        name: String,
        /// What the key may do.
        #[arg(long, value_enum, default_value_t = ScopeArg::Write)]
        scope: ScopeArg,
    },
    /// List the workspace's keys (never the keys themselves).
    List {
        /// Print JSON instead of a table.
        #[arg(long)]
        json: bool,
    },
    /// Revoke a key by name: it stops working at once.
    Revoke {
        /// The key's name.
        name: String,
    },
}

/// `vouch users …`
#[derive(Debug, Subcommand)]
pub enum UsersCommand {
    /// Create a dashboard user and make them a member of the workspace (an admin with
    /// `--admin`). Without `--password-stdin`, a password is generated and printed once, alone
    /// on the last line.
    Create {
        /// Their email, which they sign in with.
        #[arg(long)]
        email: String,
        /// Their name as colleagues see it.
        #[arg(long)]
        name: String,
        /// Make them an admin (members, API keys, settings) instead of a member.
        #[arg(long)]
        admin: bool,
        /// Give them the HR permission (employee eNPS surveys).
        #[arg(long)]
        hr: bool,
        /// Read the password from the first line of standard input (at least 10 characters).
        #[arg(long)]
        password_stdin: bool,
    },
    /// List the workspace's users with their roles.
    List {
        /// Print JSON instead of a table.
        #[arg(long)]
        json: bool,
    },
}

/// API key scopes on the command line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ScopeArg {
    /// Read only.
    Read,
    /// Read and write.
    Write,
}

/// Flags of `vouch demo`.
#[derive(Debug, Args)]
pub struct DemoArgs {
    /// Serving flags (address, public URL, logs).
    #[command(flatten)]
    pub serve: ServeArgs,
    /// Write the demo database and print its reports, but do not serve it.
    #[arg(long)]
    pub no_serve: bool,
    /// Customers in the demo company.
    #[arg(long, default_value_t = 3_000)]
    pub customers: usize,
    /// Random seed, for reproducible data.
    #[arg(long, default_value_t = 7)]
    pub seed: u64,
}

/// Flags of `vouch bench`.
#[derive(Debug, Args)]
pub struct BenchArgs {
    /// Timed repetitions per query (the median is reported), after one warm-up.
    #[arg(long, default_value_t = 5)]
    pub repetitions: usize,
    /// Print one JSON object instead of a table.
    #[arg(long)]
    pub json: bool,
    /// Also time the work on comments: a rule's dry run, themes from scratch (they replace
    /// the largest survey's themes), its themes report and a ranked search.
    #[arg(long)]
    pub feedback: bool,
    /// Also time the per-contact figures: personas, revenue by plan, churn and the at-risk
    /// list, over every survey and over the largest.
    #[arg(long)]
    pub teams: bool,
}
