use std::net::SocketAddr;
use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

/// inbeeld: e-government at municipalities, measured and published.
#[derive(Debug, Parser)]
#[command(name = "inbeeld", version, about, long_about = None)]
pub struct Cli {
    #[command(flatten)]
    pub database: DatabaseArgs,

    /// Log format: human-readable text, or JSON lines for log collectors.
    #[arg(long, env = "INBEELD_LOG_FORMAT", value_enum, default_value_t = LogFormat::Text, global = true)]
    pub log_format: LogFormat,

    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Args)]
pub struct DatabaseArgs {
    /// The database: a sqlite:// file (created on first start) or a postgres:// URL.
    #[arg(long = "database", env = "DATABASE_URL", default_value = "sqlite://inbeeld.sqlite", global = true)]
    pub url: String,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum LogFormat {
    Text,
    Json,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Serve the web site and the API.
    Serve {
        /// Address to listen on.
        #[arg(long, env = "INBEELD_ADDR", default_value = "127.0.0.1:8080")]
        addr: SocketAddr,
        /// Fill an empty database with the demo data first.
        #[arg(long)]
        demo: bool,
        /// The address visitors use. When it starts with https://, cookies are Secure and responses carry HSTS
        /// (put a TLS-terminating proxy in front).
        #[arg(long, env = "INBEELD_PUBLIC_URL", default_value = "http://127.0.0.1:8080")]
        public_url: String,
        /// Address of a proxy or load balancer in front of the site whose X-Forwarded-For names the client (for
        /// rate limits and the audit log). Give it once per proxy, or comma-separated in the variable.
        #[arg(long = "trusted-proxy", env = "INBEELD_TRUSTED_PROXIES", value_delimiter = ',')]
        trusted_proxies: Vec<std::net::IpAddr>,
    },
    /// Fill an empty database with the demo data: the register of 2011 and 2026, population and catalogues.
    Demo,
    /// Bring the database to the current schema (safe to run again).
    Migrate,
    /// Load data into the database.
    #[command(subcommand)]
    Import(Import),
    /// Write data from the database.
    #[command(subcommand)]
    Export(Export),
    /// Manage accounts. The first admin can only be made here.
    #[command(subcommand)]
    User(UserCommand),
    /// Make a personal invitation link that signs a respondent in for one municipality, once. Prints the link.
    Invite {
        /// The municipality (CBS code, e.g. GM0363).
        #[arg(long)]
        organisation: String,
        /// How many days the link works.
        #[arg(long, default_value_t = domain::access::INVITATION_VALIDITY_DAYS)]
        days: u32,
        /// The address visitors use, to build the link.
        #[arg(long, env = "INBEELD_PUBLIC_URL", default_value = "http://127.0.0.1:8080")]
        public_url: String,
    },
}

#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// Make an account. Without --password, the password is asked for on the terminal.
    Add {
        #[arg(long)]
        email: String,
        /// admin, analyst, interviewer or respondent.
        #[arg(long)]
        role: String,
        /// The municipality a respondent answers for (CBS code, e.g. GM0363).
        #[arg(long)]
        organisation: Option<String>,
        #[command(flatten)]
        password: PasswordArg,
    },
    /// List the accounts.
    List,
    /// Give an account a new password.
    ResetPassword {
        #[arg(long)]
        email: String,
        #[command(flatten)]
        password: PasswordArg,
    },
    /// Disable an account: it can no longer sign in. Its history stays.
    Disable {
        #[arg(long)]
        email: String,
    },
}

#[derive(Debug, Args)]
pub struct PasswordArg {
    /// The password (at least 12 characters). Prefer the prompt, or INBEELD_PASSWORD, over this flag: a flag
    /// stays in the shell's history.
    #[arg(long, env = "INBEELD_PASSWORD", hide_env_values = true)]
    pub password: Option<String>,
}

#[derive(Debug, Subcommand)]
pub enum Import {
    /// Load organisations from a register CSV file (code,name,province_code,valid_from,valid_to,successors,...).
    ///
    /// All rows or none: a bad row is reported as "row N, column X: what is wrong" and nothing is imported,
    /// unless --skip-invalid is given. Re-importing the same file changes nothing.
    Register {
        file: PathBuf,
        /// Import the valid rows and list the skipped ones.
        #[arg(long)]
        skip_invalid: bool,
    },
    /// Load population figures: a CSV file of cbs_code,population,reference_date, or CBS's open-data API.
    Population {
        /// The CSV file (omit with --from-cbs).
        #[arg(required_unless_present = "from_cbs", conflicts_with = "from_cbs")]
        file: Option<PathBuf>,
        /// Read the population on 1 January of YEAR from CBS table 37230ned.
        #[arg(long, value_name = "YEAR")]
        from_cbs: Option<i32>,
        /// Base URL of CBS's OData API.
        #[arg(long, env = "INBEELD_CBS_ODATA_URL", default_value = "https://opendata.cbs.nl/ODataApi/odata")]
        cbs_url: String,
        /// Import the valid rows and list the skipped ones.
        #[arg(long)]
        skip_invalid: bool,
    },
    /// Add or update a building-block catalogue from its TOML file.
    Catalogue { file: PathBuf },
}

#[derive(Debug, Subcommand)]
pub enum Export {
    /// Write the register as CSV (the form `import register` reads) or JSON.
    Register {
        /// Only organisations that exist on this date (YYYY-MM-DD).
        #[arg(long)]
        date: Option<chrono::NaiveDate>,
        #[arg(long, value_enum, default_value_t = Format::Csv)]
        format: Format,
        /// Write to this file instead of standard output.
        #[arg(long, short)]
        output: Option<PathBuf>,
    },
    /// Write a catalogue as TOML (the form `import catalogue` reads).
    Catalogue {
        id: String,
        /// The version; the latest when omitted.
        #[arg(long)]
        version: Option<String>,
        #[arg(long, short)]
        output: Option<PathBuf>,
    },
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum Format {
    Csv,
    Json,
}

pub fn init_logging(cli: &Cli) {
    let filter = tracing_subscriber::EnvFilter::try_from_env("INBEELD_LOG").unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let builder = tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr);
    match cli.log_format {
        LogFormat::Json => builder.json().init(),
        LogFormat::Text => builder.init(),
    }
}
