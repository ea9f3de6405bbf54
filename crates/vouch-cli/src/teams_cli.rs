//! The clap surface of the teams' tools: `vouch personas`, `vouch leads`, `vouch revenue`,
//! `vouch churn` and `vouch accounts at-risk`. Each counts a contact once, with its latest answer.

use clap::{Args, Subcommand};

use crate::cli::SelectionArgs;

/// Flags of `vouch personas`.
#[derive(Debug, Args)]
pub struct PersonasArgs {
    /// The survey.
    #[arg(long)]
    pub survey: String,
    /// Print one JSON object instead of a table.
    #[arg(long)]
    pub json: bool,
    /// Leave out values held by fewer contacts than this.
    #[arg(long, default_value_t = vouch_analytics::personas::DEFAULT_MIN_CONTACTS)]
    pub min_contacts: u64,
    /// Which responses count.
    #[command(flatten)]
    pub selection: SelectionArgs,
}

/// `vouch revenue …`: the figures, or `vouch revenue rates` to save the rates.
#[derive(Debug, Args)]
#[command(args_conflicts_with_subcommands = true, subcommand_negates_reqs = true)]
pub struct RevenueArgs {
    /// Save the rates the figures use.
    #[command(subcommand)]
    pub command: Option<RevenueCommand>,
    /// The survey.
    #[arg(long, required = true)]
    pub survey: Option<String>,
    /// Print one JSON object instead of a table.
    #[arg(long)]
    pub json: bool,
    /// Also per value of this attribute (numbers and dates in quartile bands).
    #[arg(long)]
    pub by: Option<String>,
    /// The number attribute that is each contact's value (0 for a contact without it);
    /// `mrr` by default.
    #[arg(long)]
    pub value_attribute: Option<String>,
    /// Which responses count.
    #[command(flatten)]
    pub selection: SelectionArgs,
}

/// `vouch revenue rates`
#[derive(Debug, Subcommand)]
pub enum RevenueCommand {
    /// Save the workspace's rates (each from 0 to 1), or forget them with --reset.
    Rates {
        /// The share of detractors' value expected to churn soon.
        #[arg(long, required_unless_present = "reset", allow_negative_numbers = true)]
        detractor: Option<f64>,
        /// The share of passives' value expected to churn in the long run.
        #[arg(long, required_unless_present = "reset", allow_negative_numbers = true)]
        passive: Option<f64>,
        /// The share of promoters' value expected back from their referrals.
        #[arg(long, required_unless_present = "reset", allow_negative_numbers = true)]
        promoter: Option<f64>,
        /// Forget the saved rates: observed or default ones are used again.
        #[arg(long, conflicts_with_all = ["detractor", "passive", "promoter"])]
        reset: bool,
    },
}

/// Flags of `vouch churn`.
#[derive(Debug, Args)]
pub struct ChurnArgs {
    /// The survey.
    #[arg(long)]
    pub survey: String,
    /// Print one JSON object instead of a table.
    #[arg(long)]
    pub json: bool,
    /// A contact churned if its `churned_at` falls within this many days of its latest answer.
    #[arg(long, default_value_t = i64::from(vouch_analytics::churn::DEFAULT_WITHIN_DAYS), allow_negative_numbers = true)]
    pub within_days: i64,
    /// Which responses count.
    #[command(flatten)]
    pub selection: SelectionArgs,
}

/// `vouch accounts …`
#[derive(Debug, Subcommand)]
pub enum AccountsCommand {
    /// The accounts whose latest answer is a detractor's or fell by 3 or more, most valuable
    /// first.
    AtRisk(AtRiskArgs),
}

/// Flags of `vouch accounts at-risk`.
#[derive(Debug, Args)]
pub struct AtRiskArgs {
    /// The survey.
    #[arg(long)]
    pub survey: String,
    /// Print one JSON object instead of a table.
    #[arg(long)]
    pub json: bool,
    /// Group contacts sharing this attribute (such as `company`) into one account.
    #[arg(long)]
    pub account_attribute: Option<String>,
    /// The number attribute that is each account's value; `mrr` by default.
    #[arg(long)]
    pub value_attribute: Option<String>,
    /// List at most this many accounts (the total is always given).
    #[arg(long, default_value_t = 1000)]
    pub limit: usize,
    /// Which responses count.
    #[command(flatten)]
    pub selection: SelectionArgs,
}

/// `vouch leads …`
#[derive(Debug, Subcommand)]
pub enum LeadsCommand {
    /// Learn the survey's lead model from who answered 9–10, judge it by cross-validation and
    /// save it.
    Train(LeadsTrainArgs),
    /// Score a CSV file of leads with the survey's saved model.
    Score(LeadsScoreArgs),
    /// Print the likely objections: per segment, the themes its detractors name most.
    Objections(LeadsObjectionsArgs),
}

/// Flags of `vouch leads objections`.
#[derive(Debug, Args)]
pub struct LeadsObjectionsArgs {
    /// The survey.
    #[arg(long)]
    pub survey: String,
    /// Only the segments of this attribute (default: every text or yes/no attribute).
    #[arg(long)]
    pub by: Option<String>,
    /// Themes listed per segment, 1 to 20.
    #[arg(long, default_value_t = 3, value_parser = clap::value_parser!(u32).range(1..=20))]
    pub top: u32,
    /// Print one JSON object instead of a table.
    #[arg(long)]
    pub json: bool,
    /// Which responses count.
    #[command(flatten)]
    pub selection: SelectionArgs,
}

/// Flags of `vouch leads train`.
#[derive(Debug, Args)]
pub struct LeadsTrainArgs {
    /// The survey.
    #[arg(long)]
    pub survey: String,
    /// Print one JSON object instead of tables.
    #[arg(long)]
    pub json: bool,
    /// Which responses count.
    #[command(flatten)]
    pub selection: SelectionArgs,
}

/// Flags of `vouch leads score`.
#[derive(Debug, Args)]
pub struct LeadsScoreArgs {
    /// The CSV file of leads: one column per attribute (and `email`, `external_id`, `name` or
    /// `id`, passed through).
    pub file: std::path::PathBuf,
    /// The survey whose model scores them.
    #[arg(long)]
    pub survey: String,
    /// Write the scored file here instead of printing it.
    #[arg(long)]
    pub output: Option<std::path::PathBuf>,
}
