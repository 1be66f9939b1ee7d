//! The command line, defined with clap. `tolbooth --help` and
//! `tolbooth COMMAND --help` describe every command and option.

use clap::{Args, Parser, Subcommand};
use std::path::PathBuf;
use tolbooth_domain::staff::role::Role;

#[derive(Debug, Parser)]
#[command(
    name = "tolbooth",
    version,
    about = "Tolbooth: live chat, chatbot and records that keep their privacy promises",
    long_about = "Tolbooth is a self-hosted contact platform for public bodies. With no \
                  configuration it keeps its data in ./tolbooth-data (SQLite); set \
                  --config, TOLBOOTH_DATA_DIR or TOLBOOTH_DATABASE_URL to change that."
)]
pub struct Cli {
    /// Configuration file (TOML). Settings can also come from TOLBOOTH_*
    /// environment variables, which take precedence.
    #[arg(long, global = true, env = "TOLBOOTH_CONFIG", value_name = "FILE")]
    pub config: Option<PathBuf>,

    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the server.
    Serve(ServeArgs),
    /// Set up a demo organisation with an administrator and an operator,
    /// print their one-time passwords, and run the server.
    Demo(ServeArgs),
    /// Apply database migrations (also done at every start).
    Migrate,
    /// Manage staff accounts.
    #[command(subcommand)]
    User(UserCommand),
    /// Check and export the tamper-evident audit log.
    #[command(subcommand)]
    Audit(AuditCommand),
    /// Check configuration.
    #[command(subcommand)]
    Config(ConfigCommand),
    /// Remove contact details and special category data from text on
    /// standard input, keeping names.
    Redact(RedactArgs),
    /// Check a policy file, print the privacy notice it generates, its
    /// schema and the shipped presets.
    #[command(subcommand)]
    Policy(PolicyCommand),
    /// Run a retention sweep by hand, or see what is held and due.
    #[command(subcommand)]
    Retention(RetentionCommand),
    /// Produce a chat's disclosure package for the police and record the
    /// disclosure.
    #[command(subcommand)]
    Disclosure(DisclosureCommand),
    /// The chatbot's knowledge base: import the organisation's pages, list
    /// and remove them, and manage staff phrasings.
    #[command(subcommand)]
    Kb(KbCommand),
    /// Ask the chatbot questions, to test a knowledge base.
    #[command(subcommand)]
    Bot(BotCommand),
}

#[derive(Debug, Subcommand)]
pub enum KbCommand {
    /// Import HTML pages (files or folders: a mirror of the site), Markdown
    /// pages and FAQ files, or sitemap.xml files that list such files.
    /// Importing the same path again updates changed pages and removes
    /// the ones that have gone.
    Import {
        #[arg(required = true, value_name = "PATH")]
        paths: Vec<PathBuf>,
        /// The site's address, for pages without a canonical link
        /// [default: chatbot.site_url].
        #[arg(long, value_name = "URL")]
        site_url: Option<String>,
        /// Read and report; store nothing.
        #[arg(long)]
        dry_run: bool,
        #[arg(long)]
        json: bool,
    },
    /// List the pages in the knowledge base.
    List {
        #[arg(long)]
        json: bool,
    },
    /// Remove pages by URL.
    Remove {
        #[arg(required = true, value_name = "URL")]
        urls: Vec<String>,
    },
    /// Add another way a citizen might ask for a page.
    AddPhrasing {
        /// The page's URL, as `tolbooth kb list` shows it.
        url: String,
        /// The phrasing, e.g. "when do the binmen come".
        text: String,
        /// Who added it, as shown in the console.
        #[arg(long, value_name = "NAME")]
        by: String,
        /// For one answer on the page rather than the whole page: its
        /// heading (an FAQ question), e.g. "Can I pay in instalments?".
        #[arg(long, value_name = "HEADING")]
        answer: Option<String>,
    },
    /// Remove a phrasing by its number.
    RemovePhrasing { id: i64 },
    /// List the staff phrasings.
    Phrasings {
        #[arg(long)]
        json: bool,
    },
}

#[derive(Debug, Subcommand)]
pub enum BotCommand {
    /// Ask one question and print the answer; with --jsonl, read
    /// {"id": ..., "question": ...} per line from standard input and write
    /// {"id", "answered", "answer", "sources", "confidence", "reason"} per
    /// line.
    Ask {
        #[arg(required_unless_present = "jsonl", conflicts_with = "jsonl")]
        question: Option<String>,
        #[arg(long)]
        jsonl: bool,
        /// Print the one answer as JSON.
        #[arg(long)]
        json: bool,
    },
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum NoticeFormat {
    Md,
    Html,
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum SchemaFormat {
    Json,
    Md,
}

#[derive(Debug, Subcommand)]
pub enum PolicyCommand {
    /// Validate a policy file (or preset:NAME) and summarise its rules.
    Check { file: PathBuf },
    /// Print the privacy notice generated from a policy: by default the
    /// running policy's (the version in force), or a draft for --policy.
    Notice {
        /// A policy file or preset:NAME to draft the notice of.
        #[arg(long, value_name = "FILE")]
        policy: Option<String>,
        #[arg(long, value_enum, default_value = "md")]
        format: NoticeFormat,
    },
    /// Print the policy file's schema (JSON Schema, or the Markdown
    /// reference in docs/policy.md).
    Schema {
        #[arg(long, value_enum, default_value = "json")]
        format: SchemaFormat,
    },
    /// List the shipped presets.
    Presets,
    /// Print a preset, to start a policy file from.
    Preset { name: String },
}

#[derive(Debug, Subcommand)]
pub enum RetentionCommand {
    /// Run one sweep now: extract, delete and anonymise what the policy
    /// says is due. Every step is audited with counts.
    Run {
        /// Count what would happen; change nothing.
        #[arg(long)]
        dry_run: bool,
        /// Sweep even though the clock seems to have jumped forward.
        #[arg(long)]
        force: bool,
        /// Print the counts as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Show the rules, what is due now, legal holds and the last sweeps.
    Status {
        #[arg(long)]
        json: bool,
    },
}

#[derive(Debug, Subcommand)]
pub enum DisclosureCommand {
    /// Write a chat's full record (transcript, metadata, IP address, flags,
    /// hold and audit trail) as HTML and JSON, and log the disclosure.
    Export {
        /// The Chat ID, e.g. TB-7K3M-9QXD.
        chat: String,
        /// Who receives it, e.g. "Police Scotland, Edinburgh division".
        #[arg(long, value_name = "RECIPIENT")]
        to: String,
        /// The lawful basis, e.g. "UK GDPR Art. 6(1)(f); DPA 2018 Sch. 2
        /// para. 2 (crime and taxation)".
        #[arg(long)]
        basis: String,
        /// The governance officer's username making the disclosure.
        #[arg(long, value_name = "USERNAME")]
        by: String,
        /// Directory to write the package to.
        #[arg(long, value_name = "DIR")]
        out: PathBuf,
    },
}

#[derive(Debug, Args)]
pub struct RedactArgs {
    /// Read one JSON object per line, {"id": ..., "text": ...}, and write
    /// one per line with the redacted text and the findings (offsets in
    /// Unicode code points into the original text, end exclusive).
    #[arg(long, conflicts_with = "evaluate")]
    pub jsonl: bool,
    /// Instead of redacting, score the engine against labelled corpus files
    /// (see corpus/redaction/README.md): precision, recall and F2 per
    /// category, names kept, and every leaked span.
    #[arg(long, value_name = "FILE", num_args = 1..)]
    pub evaluate: Vec<PathBuf>,
    /// Use the fast path (patterns and lexicon) instead of the thorough
    /// one (which adds the model that finds special category data however
    /// it is phrased; the retention sweep and the chatbot's reports use
    /// the thorough path).
    #[arg(long)]
    pub fast: bool,
}

#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Address and port to listen on [default: server.listen, 127.0.0.1:8080].
    #[arg(long, value_name = "ADDR")]
    pub listen: Option<String>,
}

#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// Add a member of staff and print their one-time password.
    Add {
        /// Sign-in name: lower-case letters, digits, '.', '_' or '-'.
        username: String,
        /// Name shown to colleagues and visitors.
        #[arg(long)]
        name: String,
        #[arg(long, value_parser = parse_role, default_value = "operator")]
        role: Role,
    },
    /// List staff accounts.
    List {
        /// Print JSON instead of a table.
        #[arg(long)]
        json: bool,
    },
    /// Disable an account and end its sessions.
    Disable { username: String },
    /// Enable a disabled account.
    Enable { username: String },
    /// Change an account's role (ends its sessions).
    SetRole {
        username: String,
        #[arg(value_parser = parse_role)]
        role: Role,
    },
    /// Give an account a new one-time password (ends its sessions).
    ResetPassword {
        username: String,
        /// Also remove the authenticator, for a lost device.
        #[arg(long)]
        reset_second_factor: bool,
    },
}

#[derive(Debug, Subcommand)]
pub enum AuditCommand {
    /// Check every entry of the audit log, and optionally that the log still
    /// contains a signed checkpoint exported earlier.
    Verify {
        /// A checkpoint file written by `tolbooth audit checkpoint`.
        #[arg(long, value_name = "FILE")]
        checkpoint: Option<PathBuf>,
    },
    /// Sign the current head of the audit log and write it as JSON. Keep
    /// the file away from this server.
    Checkpoint {
        /// Write here instead of standard output.
        #[arg(long, value_name = "FILE")]
        out: Option<PathBuf>,
    },
}

#[derive(Debug, Subcommand)]
pub enum ConfigCommand {
    /// Validate the configuration (the --config file and TOLBOOTH_*
    /// variables) without starting anything, and print it with secrets
    /// redacted.
    Check {
        /// The file to check [default: --config].
        file: Option<PathBuf>,
    },
}

fn parse_role(s: &str) -> Result<Role, String> {
    s.parse::<Role>().map_err(|e| e.to_string())
}
