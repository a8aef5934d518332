use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use clap::{Args, Parser, Subcommand, ValueEnum};
use domain::fieldwork::delivery::{Pace, RetrySchedule};

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

pub const MEGABYTE: u64 = 1024 * 1024;

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
        /// Where to report a vulnerability, for /.well-known/security.txt: a mailto: address or an https:// URI.
        /// Without it, mailto:security@ the public URL's host name (mailto:security@inbeeld.example when that is an
        /// IP address or localhost).
        #[arg(long, env = "INBEELD_SECURITY_CONTACT", value_parser = web::security_txt::Contact::parse)]
        security_contact: Option<web::security_txt::Contact>,
        /// Serve the operator's metrics (Prometheus text format) at http://ADDR/metrics: requests, durations,
        /// caches, database connections, saves and submissions. Off when not given. Never a public address: bind
        /// loopback or an internal network that only the monitoring reaches; the site itself answers /metrics with
        /// 404.
        #[arg(long, env = "INBEELD_METRICS_ADDR")]
        metrics_addr: Option<SocketAddr>,
        /// The most database connections this process holds at once [default: 4 for SQLite, 10 for PostgreSQL].
        /// With several processes on one PostgreSQL, keep their sum below the server's max_connections.
        #[arg(long, env = "INBEELD_DB_MAX_CONNECTIONS")]
        db_max_connections: Option<std::num::NonZeroU32>,
        /// Megabytes of public pages, API documents and open-data files this process keeps in memory, plain and
        /// compressed together; beyond it the least used are dropped. Each is written again only when the data it
        /// shows changes.
        #[arg(long, env = "INBEELD_CACHE_MB", default_value_t = web::DEFAULT_BUDGET_BYTES / MEGABYTE)]
        cache_mb: u64,
        #[command(flatten)]
        mail: MailArgs,
    },
    /// Fill an empty database with the demo data: the register of 2011 and 2026, population and catalogues.
    Demo,
    /// Bring the database to the current schema (safe to run again).
    Migrate,
    /// Copy the whole database to a file while the server runs: SQLite online with VACUUM INTO, PostgreSQL with
    /// pg_dump (custom format). Never overwrites a file.
    Backup {
        /// The file to write.
        #[arg(long)]
        out: std::path::PathBuf,
    },
    /// Restore a backup made by `inbeeld backup` into an empty database of the same kind, then bring it to the
    /// current schema.
    Restore {
        /// The backup file.
        file: std::path::PathBuf,
    },
    /// Load data into the database.
    #[command(subcommand)]
    Import(Import),
    /// Write data from the database.
    #[command(subcommand)]
    Export(Export),
    /// Work with questionnaire files. Needs no database.
    #[command(subcommand)]
    Questionnaire(QuestionnaireCommand),
    /// Manage accounts. The first admin can only be made here.
    #[command(subcommand)]
    User(UserCommand),
    /// Manage the waves of the survey.
    #[command(subcommand)]
    Wave(WaveCommand),
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
pub enum WaveCommand {
    /// Make a wave in draft: its catalogue version, questionnaire and period.
    Create {
        /// The wave's id, a slug that appears in addresses (e.g. eerste-meting).
        #[arg(long)]
        id: String,
        #[arg(long)]
        title: String,
        /// The catalogue the wave measures against, as ID or ID@VERSION (the latest version when omitted).
        #[arg(long)]
        catalogue: String,
        /// The questionnaire id; the wave asks its newest imported version.
        #[arg(long)]
        questionnaire: String,
        /// First day of the fieldwork (YYYY-MM-DD).
        #[arg(long)]
        opens: chrono::NaiveDate,
        /// Last day of the fieldwork (YYYY-MM-DD); the municipalities of the register on this day are asked.
        #[arg(long)]
        closes: chrono::NaiveDate,
    },
    /// List the waves with their state.
    List,
    /// Start the fieldwork: respondents can answer.
    Open { id: String },
    /// End the fieldwork: answers are final, except for corrections by the monitor team.
    Close { id: String },
    /// Make the results of a closed wave public.
    Publish { id: String },
    /// Mail each municipality of an open wave its personal link, once. Every letter is recorded; one that failed
    /// goes again on the next run, one that bounced once its address has been corrected, one that arrived never.
    /// The letters are queued as a job and sent at once with a progress bar (with every letter of the wave that
    /// waits for a later try), or by a running `inbeeld serve` with --detach.
    Invite {
        /// The wave's id.
        id: String,
        /// Only queue the letters, for a running `inbeeld serve` to send; return at once.
        #[arg(long)]
        detach: bool,
        /// The address visitors use, to build the links.
        #[arg(long, env = "INBEELD_PUBLIC_URL", default_value = "http://127.0.0.1:8080")]
        public_url: String,
        #[command(flatten)]
        mail: MailArgs,
    },
    /// Mail a reminder, with a fresh link, to each invited municipality of an open wave that has not submitted.
    Remind {
        /// The wave's id.
        id: String,
        /// Only to municipalities whose last letter is at least this many days old.
        #[arg(long, default_value_t = 7)]
        every_days: u32,
        /// Only queue the letters, for a running `inbeeld serve` to send; return at once.
        #[arg(long)]
        detach: bool,
        /// The address visitors use, to build the links.
        #[arg(long, env = "INBEELD_PUBLIC_URL", default_value = "http://127.0.0.1:8080")]
        public_url: String,
        #[command(flatten)]
        mail: MailArgs,
    },
}

/// How letters leave: files in an outbox folder (the default, so that nothing is mailed by accident), or an SMTP
/// server when --smtp-host is given.
#[derive(Debug, Args)]
pub struct MailArgs {
    /// The folder letters are written to as .eml files when no SMTP server is given.
    #[arg(long, env = "INBEELD_OUTBOX", default_value = "outbox")]
    pub outbox: PathBuf,
    /// The SMTP server; when given, letters go there instead of to the outbox.
    #[arg(long, env = "INBEELD_SMTP_HOST")]
    pub smtp_host: Option<String>,
    /// The SMTP port [default: 25, 587 or 465, after --smtp-security].
    #[arg(long, env = "INBEELD_SMTP_PORT")]
    pub smtp_port: Option<u16>,
    /// none (only for a relay on this machine or network), starttls, or tls (SMTPS).
    #[arg(long, env = "INBEELD_SMTP_SECURITY", default_value = "starttls")]
    pub smtp_security: mail::SmtpSecurity,
    #[arg(long, env = "INBEELD_SMTP_USERNAME", hide_env_values = true)]
    pub smtp_username: Option<String>,
    /// Prefer INBEELD_SMTP_PASSWORD over this flag: a flag stays in the shell's history.
    #[arg(long, env = "INBEELD_SMTP_PASSWORD", hide_env_values = true)]
    pub smtp_password: Option<String>,
    /// The sender of the letters; its name signs them. The API's description names it as its contact, with the
    /// public URL.
    #[arg(long, env = "INBEELD_MAIL_FROM", default_value_t = mail::Sender::fallback().to_string())]
    pub mail_from: String,
    /// How many letters a minute the SMTP server accepts from us; the letters of a job are spaced to stay within it.
    /// The outbox folder takes them as fast as they come.
    #[arg(long, env = "INBEELD_LETTERS_PER_MINUTE", default_value = "60")]
    pub letters_per_minute: Pace,
    /// Seconds before a letter that the mail server refused for the time being is tried again; twice as long at
    /// each next try, up to an hour, and given up after eight tries.
    #[arg(long, env = "INBEELD_LETTERS_RETRY_AFTER", default_value_t = 60)]
    pub letters_retry_after: u64,
    /// Seconds that a process holds a letter job without renewing its claim: a job whose process died is taken over
    /// by another process (or the restarted one) after this. Keep it above the minute one letter may take.
    #[arg(long, env = "INBEELD_JOB_LEASE", default_value_t = 120)]
    pub job_lease: u64,
}

impl MailArgs {
    pub fn config(&self) -> mail::MailerConfig {
        match &self.smtp_host {
            None => mail::MailerConfig::Outbox { dir: self.outbox.clone() },
            Some(host) => mail::MailerConfig::Smtp {
                host: host.trim().to_owned(),
                port: self.smtp_port.unwrap_or(self.smtp_security.default_port()),
                security: self.smtp_security,
                username: self.smtp_username.clone(),
                password: self.smtp_password.clone(),
            },
        }
    }

    /// How this process carries out letter jobs, with links on `public_url`.
    pub fn delivery(&self, public_url: &str) -> app::outreach::DeliverySettings {
        let pace = match self.smtp_host {
            Some(_) => self.letters_per_minute,
            None => Pace::FASTEST,
        };
        app::outreach::DeliverySettings {
            pace,
            retry: RetrySchedule::new(Duration::from_secs(self.letters_retry_after), RetrySchedule::DEFAULT_TRIES),
            lease: Duration::from_secs(self.job_lease.max(1)),
            ..app::outreach::DeliverySettings::new(public_url)
        }
    }

    /// The mailer this configuration describes; a bad sender or an outbox that cannot be made is refused here.
    pub fn mailer(&self) -> anyhow::Result<mail::Mailer> {
        mail::Mailer::new(&self.config(), &self.mail_from).map_err(|error| anyhow::anyhow!("the mail settings are not usable: {error}"))
    }
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
    /// Remove a staff account's second factor (a lost phone): its sessions end, its recovery codes stop working,
    /// and it sets up an authenticator app again at its next sign-in.
    #[command(name = "reset-2fa")]
    ResetSecondFactor {
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
    /// Add a questionnaire from its TOML file. A changed text becomes the next version, which waves in draft or
    /// open then ask; a text already stored changes nothing.
    Questionnaire { file: PathBuf },
    /// Load the municipal boundaries of one year from a GeoJSON or TopoJSON file or URL, for the maps.
    ///
    /// The file replaces that year's boundaries of the kinds it holds (municipalities, provinces): all of them
    /// or, on any problem, none. Each feature names its organisation by a property statcode, code or
    /// gemeentecode, or by its id; coordinates are longitude and latitude (WGS84). A map is drawn with the
    /// newest year on or before its date; without any, from the register's centroids. Re-importing the same
    /// file changes nothing.
    Boundaries {
        /// The file, or an http:// or https:// URL to fetch it from.
        source: String,
        /// The year of the division the boundaries show (1800 to 2100).
        #[arg(long, value_parser = clap::value_parser!(i32).range(1800..=2100))]
        year: i32,
    },
    /// Set where each municipality's invitation goes, from a CSV file of organisation_code,name,email.
    ///
    /// All rows or none: a bad row is reported as "row N, column X: what is wrong" and nothing is imported,
    /// unless --skip-invalid is given. A municipality that has a contact already gets the one in the file.
    Contacts {
        file: PathBuf,
        /// Import the valid rows and list the skipped ones.
        #[arg(long)]
        skip_invalid: bool,
    },
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
    /// Write the raw responses of a wave, one row per organisation that started, drafts included.
    ///
    /// The columns are the fixed ones (wave, organisation, state, mode, times), then one per question of every
    /// questionnaire version the wave's responses answered; the codebook describes each. The responses are read
    /// and written one at a time, so memory stays flat however many there are.
    ///
    /// csv: with --out FILE, the codebook is written beside it as FILE's name with `.codebook.csv` for its
    /// extension (responses.csv → responses.codebook.csv), and its CSVW metadata as FILE's name with
    /// `-metadata.json` after it (responses.csv-metadata.json); to standard output only the responses go (use
    /// `export codebook`). xlsx: a sheet `responses` and a sheet `codebook`; without --out it goes to standard
    /// output only when that is redirected, never onto a terminal. json: one document {"wave", "codebook",
    /// "responses": [...]}, one response per line, the answers nested as stored.
    ///
    /// sps, do, r: SPSS (and PSPP) syntax, a Stata do-file or an R script that reads the CSV export and labels
    /// every variable and coded value from the codebook. With --out FILE, the CSV and its codebook are written
    /// beside it as FILE's name with `.csv` (responses.sps → responses.csv), and the file reads that; to standard
    /// output only the file goes, reading the name the CSV download has (inbeeld-<wave>-responses.csv).
    Responses {
        /// The wave's id; the latest wave (by opening date) when omitted.
        #[arg(long)]
        wave: Option<String>,
        #[arg(long, value_enum)]
        format: ExportFormat,
        /// Write to this file instead of standard output.
        #[arg(long, short, visible_alias = "output")]
        out: Option<PathBuf>,
    },
    /// Write the codebook of a wave's responses as CSV: column, question, type, label_nl, label_en, values and
    /// the questionnaire versions that had the question, one row per column of `export responses`.
    Codebook {
        /// The wave's id; the latest wave (by opening date) when omitted.
        #[arg(long)]
        wave: Option<String>,
        /// Write to this file instead of standard output.
        #[arg(long, short, visible_alias = "output")]
        out: Option<PathBuf>,
    },
}

/// The formats of `export responses`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ExportFormat {
    Csv,
    Xlsx,
    Json,
    /// SPSS syntax that reads the CSV (runs in GNU PSPP too).
    Sps,
    /// A Stata do-file that reads the CSV.
    Do,
    /// An R script that reads the CSV.
    R,
}

impl ExportFormat {
    /// The program whose file this is, for a format that reads the CSV export.
    pub fn reader_of_csv(self) -> Option<&'static str> {
        match self {
            ExportFormat::Sps => Some("SPSS syntax"),
            ExportFormat::Do => Some("Stata do-file"),
            ExportFormat::R => Some("R script"),
            ExportFormat::Csv | ExportFormat::Xlsx | ExportFormat::Json => None,
        }
    }
}

#[derive(Debug, Subcommand)]
pub enum QuestionnaireCommand {
    /// Check a questionnaire's TOML file; every problem is reported as "file, line N, field X: what is wrong".
    Check {
        file: PathBuf,
        /// Also check that the block matrix is written for this catalogue file.
        #[arg(long, value_name = "FILE")]
        catalogue: Option<PathBuf>,
    },
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum Format {
    Csv,
    Json,
}

pub fn init_logging(cli: &Cli) {
    let filter = tracing_subscriber::EnvFilter::try_from_env("INBEELD_LOG").unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    // Colour codes only for a person at a terminal: in journald or a log file they are noise.
    let to_a_terminal = std::io::IsTerminal::is_terminal(&std::io::stderr());
    let builder = tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr).with_ansi(to_a_terminal);
    match cli.log_format {
        LogFormat::Json => builder.json().init(),
        LogFormat::Text => builder.init(),
    }
}
