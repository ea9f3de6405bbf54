//! The clap surface of `vouch export`.

use std::path::PathBuf;

use clap::{Args, Subcommand, ValueEnum};

use crate::cli::SelectionArgs;

/// `vouch export …`
#[derive(Debug, Subcommand)]
pub enum ExportCommand {
    /// Export a survey's responses: `id, survey, created_at, score, category, comment, channel,
    /// external_id, email, tags, themes, sentiment, sentiment_score`, then one column per
    /// attribute (eNPS: no identity column).
    Responses(ExportResponsesArgs),
    /// Export the workspace's contacts: `id, external_id, email`, then one column per
    /// attribute.
    Contacts(ExportContactsArgs),
}

/// The export formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FormatArg {
    /// Comma-separated values with a header line.
    Csv,
    /// One JSON object per line.
    Jsonl,
    /// Apache Parquet (needs --output).
    Parquet,
}

impl From<FormatArg> for vouch_export::Format {
    fn from(format: FormatArg) -> vouch_export::Format {
        match format {
            FormatArg::Csv => vouch_export::Format::Csv,
            FormatArg::Jsonl => vouch_export::Format::Jsonl,
            FormatArg::Parquet => vouch_export::Format::Parquet,
        }
    }
}

/// Flags of `vouch export responses`.
#[derive(Debug, Args)]
pub struct ExportResponsesArgs {
    /// The survey whose responses to export.
    #[arg(long)]
    pub survey: String,
    /// The format.
    #[arg(long, value_enum)]
    pub format: FormatArg,
    /// The file to write (written whole, then renamed into place); `-` or none: stdout.
    #[arg(long)]
    pub output: Option<PathBuf>,
    /// Only responses given at or after this instant (RFC 3339, or a date meaning midnight
    /// UTC).
    #[arg(long)]
    pub since: Option<String>,
    /// The same filters as `vouch report`.
    #[command(flatten)]
    pub selection: SelectionArgs,
}

/// Flags of `vouch export contacts`.
#[derive(Debug, Args)]
pub struct ExportContactsArgs {
    /// The format.
    #[arg(long, value_enum)]
    pub format: FormatArg,
    /// The file to write (written whole, then renamed into place); `-` or none: stdout.
    #[arg(long)]
    pub output: Option<PathBuf>,
}
