//! The clap surface of the commands about what comments say: `vouch rules`, `vouch tags` and
//! `vouch themes`.

use clap::{Args, Subcommand};

/// `vouch rules …`
#[derive(Debug, Subcommand)]
pub enum RulesCommand {
    /// Save a keyword rule: every response whose comment holds one of the terms gets the tag,
    /// the past ones now and new ones as they arrive. The last line is `matched N`.
    Add {
        /// The tag to put on.
        #[arg(long)]
        tag: String,
        /// Comma-separated terms: words (`refund`), prefixes (`refund*`), phrases (`"money
        /// back"`), matched ignoring case and accents.
        #[arg(long = "match")]
        terms: String,
        /// Only this survey's responses.
        #[arg(long)]
        survey: Option<String>,
        /// Count the responses it would tag, and save nothing.
        #[arg(long)]
        dry_run: bool,
    },
    /// List the rules with how many responses each tagged.
    List {
        /// Print JSON instead of a table.
        #[arg(long)]
        json: bool,
    },
    /// Delete a rule; the tags it put on stay.
    Delete {
        /// The rule's id.
        id: String,
    },
}

/// `vouch tags …`
#[derive(Debug, Subcommand)]
pub enum TagsCommand {
    /// List the workspace's tags with how many responses and rules use each.
    List {
        /// Print JSON instead of a table.
        #[arg(long)]
        json: bool,
    },
    /// Add a tag to the set.
    Create {
        /// Its name.
        name: String,
    },
    /// Rename a tag on every response and rule.
    Rename {
        /// The tag.
        from: String,
        /// Its new name.
        to: String,
    },
    /// Merge tags into one: their responses and rules carry it instead.
    Merge {
        /// The tags to merge.
        #[arg(required = true, num_args = 1..)]
        from: Vec<String>,
        /// The tag they become (created if missing).
        #[arg(long)]
        into: String,
    },
    /// Delete a tag from every response; its rules go with it.
    Delete {
        /// The tag.
        name: String,
    },
}

/// Flags of `vouch themes`.
#[derive(Debug, Args)]
pub struct ThemesArgs {
    /// The survey whose comments to group.
    #[arg(long)]
    pub survey: String,
    /// Print one JSON object instead of a table.
    #[arg(long)]
    pub json: bool,
    /// The number attribute whose sum over each theme's detractors is its value at risk
    /// (`mrr` when contacts carry it).
    #[arg(long)]
    pub value_attribute: Option<String>,
    /// Find the themes again from every comment now (they are found on first use and kept;
    /// a theme found again keeps its id).
    #[arg(long)]
    pub refresh: bool,
    /// Turn this theme (its id) into a tag: a keyword rule of its stems tags its responses,
    /// past and new. The last line is `matched N`.
    #[arg(long, value_name = "ID")]
    pub promote: Option<String>,
    /// The tag a promoted theme becomes (its label by default).
    #[arg(long = "as", value_name = "TAG", requires = "promote")]
    pub as_tag: Option<String>,
    /// Which responses count.
    #[command(flatten)]
    pub selection: crate::cli::SelectionArgs,
}
