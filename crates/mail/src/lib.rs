//! E-mail for inbeeld: the invitations and reminders of the fieldwork leave through here.
//!
//! A [`Mailer`] sends one [`Envelope`] (one recipient, a subject, a plain-text body) at a time, through one of two
//! transports chosen by [`MailerConfig`]:
//!
//! - **outbox**: every message is written as an `.eml` file into a folder, and nothing leaves the machine;
//! - **SMTP**: the message goes to a mail server, in the clear, with STARTTLS or over TLS (rustls), with or without
//!   a login.
//!
//! The outbox is the default. A fresh installation, a demo or a test run must never mail real municipalities by
//! accident, and a message in a folder can be read and checked (or opened in any mail client) before anyone
//! configures a server; switching to SMTP is a deliberate act.
//!
//! The letters themselves are written by `domain::fieldwork::letters`; this crate knows nothing of waves or
//! organisations. Every failure is a [`MailError`], whose [`MailError::is_bounce`] tells a refused recipient from a
//! server that could not be reached.

mod error;
#[cfg(feature = "testing")]
pub mod testing;

use std::fmt;
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::time::Duration;

use lettre::message::Mailbox;
use lettre::message::header::ContentType;
use lettre::transport::smtp::PoolConfig;
use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::client::{Tls, TlsParameters};
use lettre::{Address, AsyncFileTransport, AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

pub use error::MailError;

/// How long the server may take to accept the connection. Short, so that a run over hundreds of municipalities stops
/// soon when the server is down instead of hanging on each message.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// How long one message may take, connecting included. lettre bounds only the connection, so without this a server
/// that accepts and then stays silent would hold a send for ever. Generous, because a server may scan a message for
/// a while before it answers the end of DATA.
const SEND_TIMEOUT: Duration = Duration::from_secs(60);

/// One message to one recipient.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Envelope {
    /// The address alone, e.g. `info@gemeente.nl`.
    pub to: String,
    /// Shown beside the address, e.g. "Gemeente Súdwest-Fryslân".
    pub to_name: Option<String>,
    pub subject: String,
    /// Plain text; sent as UTF-8.
    pub body: String,
}

/// Where a message went.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Delivery {
    /// The Message-ID header, angle brackets included (`<…@domain>`), which replies and bounces refer to.
    pub message_id: String,
    /// The file in the outbox (`outbox/….eml`) or the server (`smtp host:port`).
    pub where_to: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SmtpSecurity {
    /// Plain text: only for a relay on the same machine or network.
    None,
    /// Starts in plain text and must switch to TLS before anything else is said; refuses a server that cannot.
    StartTls,
    /// TLS from the first byte ("SMTPS").
    Tls,
}

impl SmtpSecurity {
    /// The port that goes with it: 25, 587 or 465.
    pub fn default_port(self) -> u16 {
        match self {
            SmtpSecurity::None => 25,
            SmtpSecurity::StartTls => 587,
            SmtpSecurity::Tls => 465,
        }
    }
}

impl FromStr for SmtpSecurity {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        match text.trim().to_ascii_lowercase().as_str() {
            "none" => Ok(SmtpSecurity::None),
            "starttls" => Ok(SmtpSecurity::StartTls),
            "tls" => Ok(SmtpSecurity::Tls),
            _ => Err(format!("'{text}' is not a kind of SMTP security; choose none, starttls or tls")),
        }
    }
}

impl fmt::Display for SmtpSecurity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            SmtpSecurity::None => "none",
            SmtpSecurity::StartTls => "starttls",
            SmtpSecurity::Tls => "tls",
        })
    }
}

/// Which way messages leave. `Debug` leaves the password out, so the configuration may be logged as it is.
#[derive(Clone, PartialEq, Eq)]
pub enum MailerConfig {
    Outbox { dir: PathBuf },
    Smtp { host: String, port: u16, security: SmtpSecurity, username: Option<String>, password: Option<String> },
}

impl Default for MailerConfig {
    fn default() -> Self {
        MailerConfig::Outbox { dir: PathBuf::from("outbox") }
    }
}

impl fmt::Debug for MailerConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&config_summary(self))
    }
}

/// One line for a log: where messages go and how, never the password.
pub fn config_summary(config: &MailerConfig) -> String {
    match config {
        MailerConfig::Outbox { dir } => format!("outbox folder {}", dir.display()),
        MailerConfig::Smtp { host, port, security, username, password } => {
            let security = match security {
                SmtpSecurity::None => "without encryption",
                SmtpSecurity::StartTls => "with STARTTLS",
                SmtpSecurity::Tls => "over TLS",
            };
            let login = match (username, password) {
                (None, _) => "no login".to_owned(),
                (Some(user), Some(_)) => format!("login as {user} with a password"),
                (Some(user), None) => format!("login as {user} without a password"),
            };
            format!("SMTP {host}:{port} {security}, {login}")
        }
    }
}

/// Who letters come from: the monitor team, with its name when one is given. The site names it as its contact too
/// (the API document's `info.contact`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Sender {
    pub name: Option<String>,
    pub address: String,
}

impl Sender {
    /// The sender when none is configured (`--mail-from`).
    pub fn fallback() -> Sender {
        Sender { name: Some("Monitorteam inbeeld".to_owned()), address: "monitor@inbeeld.invalid".to_owned() }
    }
}

/// As a From header writes it: `Monitorteam inbeeld <monitor@inbeeld.invalid>`, or the address alone.
impl fmt::Display for Sender {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.name {
            Some(name) => write!(f, "{name} <{}>", self.address),
            None => f.write_str(&self.address),
        }
    }
}

/// Sends messages through the transport its configuration chose. Cheap to share. Over SMTP, a connection is kept
/// open after a message and used for the next (lettre's pool, checked with NOOP before reuse, closed after a minute
/// idle), so that a wave's letters do not each pay for a new connection, TLS handshake and login.
pub struct Mailer {
    from: Mailbox,
    transport: Transport,
    timeout: Duration,
}

enum Transport {
    Outbox { dir: PathBuf, files: AsyncFileTransport<Tokio1Executor> },
    Smtp { server: String, client: AsyncSmtpTransport<Tokio1Executor> },
}

impl fmt::Debug for Mailer {
    // lettre's own Debug of a transport would print the login.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let to = match &self.transport {
            Transport::Outbox { dir, .. } => format!("outbox folder {}", dir.display()),
            Transport::Smtp { server, .. } => format!("SMTP {server}"),
        };
        f.debug_struct("Mailer").field("from", &self.from.to_string()).field("to", &to).finish()
    }
}

impl Mailer {
    /// `from` is an address, or a name and an address: `Het monitorteam <monitor@inbeeld.nl>`. The outbox folder is
    /// created here, so that a folder that cannot be written shows at start-up rather than at the first letter; an
    /// SMTP server is not contacted until the first message.
    pub fn new(config: &MailerConfig, from: &str) -> Result<Mailer, MailError> {
        Mailer::build(config, from, PoolConfig::new())
    }

    /// As `new`, but every message over SMTP opens a connection of its own and closes it after: for a relay that
    /// accepts one message per connection, and to measure what reusing them saves.
    pub fn one_connection_per_message(config: &MailerConfig, from: &str) -> Result<Mailer, MailError> {
        Mailer::build(config, from, PoolConfig::new().max_size(0))
    }

    fn build(config: &MailerConfig, from: &str, pool: PoolConfig) -> Result<Mailer, MailError> {
        let from: Mailbox = from.trim().parse().map_err(|error| error::invalid_address(from, &error))?;
        let transport = match config {
            MailerConfig::Outbox { dir } => {
                std::fs::create_dir_all(dir).map_err(|error| outbox_error(dir, &error))?;
                Transport::Outbox { dir: dir.clone(), files: AsyncFileTransport::new(dir) }
            }
            MailerConfig::Smtp { host, port, security, username, password } => {
                let server = format!("{host}:{port}");
                if host.trim().is_empty() {
                    return Err(MailError::Failed { server, reason: "no host name was given for the mail server".to_owned() });
                }
                let tls_for = |host: &str| {
                    TlsParameters::new(host.to_owned()).map_err(|error| MailError::Failed {
                        server: server.clone(),
                        reason: format!("TLS could not be prepared: {}", error::root_cause(&error)),
                    })
                };
                let tls = match security {
                    SmtpSecurity::None => Tls::None,
                    SmtpSecurity::StartTls => Tls::Required(tls_for(host)?),
                    SmtpSecurity::Tls => Tls::Wrapper(tls_for(host)?),
                };
                let mut builder = AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(host.as_str())
                    .port(*port)
                    .tls(tls)
                    .timeout(Some(CONNECT_TIMEOUT))
                    .pool_config(pool);
                if let Some(username) = username {
                    builder = builder.credentials(Credentials::new(username.clone(), password.clone().unwrap_or_default()));
                }
                Transport::Smtp { server, client: builder.build() }
            }
        };
        Ok(Mailer { from, transport, timeout: SEND_TIMEOUT })
    }

    /// How long one message may take before it counts as failed; 60 seconds unless set.
    pub fn with_timeout(mut self, timeout: Duration) -> Mailer {
        self.timeout = timeout;
        self
    }

    /// The sender as it appears in the From header.
    pub fn sender(&self) -> String {
        self.from.to_string()
    }

    /// The sender's name, when the configuration gave one, and address.
    pub fn sender_parts(&self) -> Sender {
        Sender { name: self.from.name.clone().filter(|name| !name.trim().is_empty()), address: self.from.email.to_string() }
    }

    /// Sends one message, and says where it went. Nothing is retried here: whether to try again is the caller's
    /// choice, made on the kind of [`MailError`].
    pub async fn send(&self, envelope: &Envelope) -> Result<Delivery, MailError> {
        let address: Address = envelope.to.trim().parse().map_err(|error| error::invalid_address(&envelope.to, &error))?;
        let recipient = address.to_string();
        let message_id = format!("<{}@{}>", uuid::Uuid::new_v4(), self.from.email.domain());
        let message = Message::builder()
            .from(self.from.clone())
            .to(Mailbox::new(envelope.to_name.as_deref().map(one_line), address))
            .subject(one_line(&envelope.subject))
            .message_id(Some(message_id.clone()))
            .date_now()
            .header(ContentType::TEXT_PLAIN)
            .body(envelope.body.clone())
            .map_err(|error| MailError::InvalidAddress { address: recipient.clone(), reason: error.to_string() })?;

        match &self.transport {
            Transport::Outbox { dir, files } => {
                // The folder may have been cleared away since start-up; an outbox that is emptied by hand is normal.
                tokio::fs::create_dir_all(dir).await.map_err(|error| outbox_error(dir, &error))?;
                let id = files.send(message).await.map_err(|error| outbox_error(dir, &error))?;
                Ok(Delivery { message_id, where_to: dir.join(format!("{id}.eml")).display().to_string() })
            }
            Transport::Smtp { server, client } => match tokio::time::timeout(self.timeout, client.send(message)).await {
                Ok(Ok(_)) => Ok(Delivery { message_id, where_to: format!("smtp {server}") }),
                Ok(Err(error)) => Err(error::smtp(&error, &recipient, server)),
                Err(_) => Err(MailError::Failed {
                    server: server.clone(),
                    reason: format!("the message was not accepted within {}", error::duration(self.timeout)),
                }),
            },
        }
    }
}

/// A header holds one line. lettre panics on a line break in a subject or a name, and a break that got through would
/// let the text add headers of its own (a Bcc, say), so every control character becomes a space.
fn one_line(text: &str) -> String {
    text.split(char::is_control).filter(|part| !part.trim().is_empty()).map(str::trim).collect::<Vec<_>>().join(" ")
}

fn outbox_error(dir: &Path, error: &(dyn std::error::Error + 'static)) -> MailError {
    MailError::Outbox { dir: dir.to_owned(), reason: error::root_cause(error) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_summary_never_shows_the_password() {
        let config = MailerConfig::Smtp {
            host: "smtp.example.nl".into(),
            port: 587,
            security: SmtpSecurity::StartTls,
            username: Some("monitor".into()),
            password: Some("geheim-wachtwoord".into()),
        };
        let summary = config_summary(&config);
        assert_eq!(summary, "SMTP smtp.example.nl:587 with STARTTLS, login as monitor with a password");
        assert!(!format!("{config:?}").contains("geheim"));
        assert_eq!(config_summary(&MailerConfig::default()), "outbox folder outbox");
    }

    #[test]
    fn security_reads_from_configuration() {
        assert_eq!("STARTTLS".parse::<SmtpSecurity>(), Ok(SmtpSecurity::StartTls));
        assert_eq!(" tls ".parse::<SmtpSecurity>(), Ok(SmtpSecurity::Tls));
        assert_eq!("none".parse::<SmtpSecurity>().map(SmtpSecurity::default_port), Ok(25));
        assert!("ssl".parse::<SmtpSecurity>().unwrap_err().contains("none, starttls or tls"));
    }

    #[test]
    fn a_mailer_can_be_shared_between_tasks() {
        fn send_and_sync<T: Send + Sync>(_: &T) {}
        fn send<T: Send>(_: T) {}
        let temp = tempfile::tempdir().unwrap();
        let mailer = Mailer::new(&MailerConfig::Outbox { dir: temp.path().to_owned() }, "monitor@inbeeld.example").unwrap();
        send_and_sync(&mailer);
        let envelope = Envelope { to: "a@b.example".into(), to_name: None, subject: String::new(), body: String::new() };
        send(mailer.send(&envelope));
    }

    #[test]
    fn the_sender_reads_back_as_configured_and_the_fallback_as_the_default_sender() {
        let temp = tempfile::tempdir().unwrap();
        let outbox = MailerConfig::Outbox { dir: temp.path().to_owned() };
        let fallback = Mailer::new(&outbox, &Sender::fallback().to_string()).unwrap();
        assert_eq!(fallback.sender_parts(), Sender::fallback());
        let bare = Mailer::new(&outbox, " monitor@gemeenten.example ").unwrap();
        assert_eq!(bare.sender_parts(), Sender { name: None, address: "monitor@gemeenten.example".into() });
        assert_eq!(bare.sender_parts().to_string(), "monitor@gemeenten.example");
    }

    #[test]
    fn headers_stay_on_one_line() {
        assert_eq!(one_line("Uitnodiging\r\nBcc: x@example.org"), "Uitnodiging Bcc: x@example.org");
        assert_eq!(one_line("Gemeente\tSúdwest-Fryslân\n"), "Gemeente Súdwest-Fryslân");
        assert_eq!(one_line("Herinnering: één vragenlijst"), "Herinnering: één vragenlijst");
    }

    // A pooled SMTP transport starts its idle-connection keeper on the runtime it is made in.
    #[tokio::test]
    async fn a_bad_sender_is_refused_at_once() {
        let config =
            MailerConfig::Smtp { host: "localhost".into(), port: 25, security: SmtpSecurity::None, username: None, password: None };
        let error = Mailer::new(&config, "het monitorteam").unwrap_err();
        assert!(matches!(error, MailError::InvalidAddress { .. }), "{error}");
        assert!(Mailer::new(&config, "Het monitorteam <monitor@inbeeld.nl>").is_ok());
    }
}
