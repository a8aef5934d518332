use std::error::Error as _;
use std::io;
use std::path::PathBuf;
use std::time::Duration;

use lettre::address::AddressError;

use crate::CONNECT_TIMEOUT;

/// Why a message did not go. Each message names the address, the folder or the server, for a person to act on.
///
/// What the caller does next depends on the variant: a bounce ([`MailError::is_bounce`]) or an invalid address is
/// about one recipient, so the run goes on with the next; [`MailError::Failed`] and [`MailError::Outbox`] are about
/// the way out, so the next message would fail alike and the run had better stop and be retried later.
#[derive(Debug, thiserror::Error)]
pub enum MailError {
    #[error("'{address}' is not an e-mail address: {reason}")]
    InvalidAddress { address: String, reason: String },

    /// A permanent (5xx) answer. Most are about the recipient (a bounce at send time), but a server also answers
    /// 5xx when it refuses the sender, the login or the relay.
    #[error("the mail server {server} refused the message to {recipient}: {code} {message}")]
    Rejected { recipient: String, server: String, code: u16, message: String },

    /// The server could not be reached, did not answer in time, or answered "try again later" (4xx).
    #[error("sending mail through {server} failed: {reason}")]
    Failed { server: String, reason: String },

    #[error("the message could not be written to the outbox folder {}: {reason}", dir.display())]
    Outbox { dir: PathBuf, reason: String },
}

impl MailError {
    /// True when the server refused the recipient for good: the address does not exist, is disabled or its mailbox
    /// is full. Refusals of the sender, the login or the relay (5.1.7, 5.1.8, 5.7.x, 530, 535) are not bounces: they
    /// are about our own configuration, and taking them for bounces would mark every organisation's address as bad.
    pub fn is_bounce(&self) -> bool {
        match self {
            MailError::Rejected { code, message, .. } => refuses_recipient(*code, message),
            _ => false,
        }
    }
}

/// RFC 3463 enhanced status codes say best: subject 1 (addressing) or 2 (mailbox), except 1.7 and 1.8, which are
/// about the sender. Servers that send no enhanced code are judged by the basic reply code (RFC 5321: 550 to 553 are
/// about the mailbox).
fn refuses_recipient(code: u16, message: &str) -> bool {
    match enhanced_status(message) {
        Some((subject, detail)) => subject == 2 || (subject == 1 && !matches!(detail, 7 | 8)),
        None => (550..=553).contains(&code),
    }
}

/// The subject and detail of an enhanced status code ("5.1.1 no such user" → (1, 1)) at the start of a reply.
fn enhanced_status(message: &str) -> Option<(u16, u16)> {
    let first = message.split_whitespace().next()?;
    let mut parts = first.split('.');
    let class = parts.next()?;
    let subject = parts.next()?.parse::<u16>().ok()?;
    let detail = parts.next()?.parse::<u16>().ok()?;
    (matches!(class, "2" | "4" | "5") && parts.next().is_none()).then_some((subject, detail))
}

pub(crate) fn invalid_address(address: &str, error: &AddressError) -> MailError {
    let reason = if address.trim().is_empty() {
        "no address was given"
    } else if !address.contains('@') {
        "it needs an @ with a name before it and a domain after it, as in naam@gemeente.nl"
    } else {
        match error {
            AddressError::MissingParts => "it needs an @ with a name before it and a domain after it, as in naam@gemeente.nl",
            AddressError::Unbalanced => "an angle bracket < or > is not closed",
            AddressError::InvalidUser => "the part before the @ is not valid",
            AddressError::InvalidDomain => "the part after the @ is not a valid domain",
            _ => "it contains characters an address may not have",
        }
    };
    MailError::InvalidAddress { address: address.to_owned(), reason: reason.to_owned() }
}

pub(crate) fn smtp(error: &lettre::transport::smtp::Error, recipient: &str, server: &str) -> MailError {
    let code = error.status().map(u16::from);
    let answer = error.source().map(ToString::to_string).unwrap_or_default();
    if let (true, Some(code)) = (error.is_permanent(), code) {
        return MailError::Rejected { recipient: recipient.to_owned(), server: server.to_owned(), code, message: answer };
    }
    let reason = if let (true, Some(code)) = (error.is_transient(), code) {
        format!("the server answered {code} {answer}, which means it may take the message later")
    } else if error.is_tls() {
        format!("the secure connection (TLS) could not be set up: {}", root_cause(error))
    } else {
        root_cause(error)
    };
    MailError::Failed { server: server.to_owned(), reason }
}

/// The innermost cause says what went wrong ("connection refused"); the layers around it only say where.
pub(crate) fn root_cause(error: &(dyn std::error::Error + 'static)) -> String {
    let mut cause = error;
    while let Some(inner) = cause.source() {
        cause = inner;
    }
    match cause.downcast_ref::<io::Error>().map(io::Error::kind) {
        Some(io::ErrorKind::ConnectionRefused) => "the connection was refused; is the mail server running on that port?".to_owned(),
        Some(io::ErrorKind::TimedOut) => format!("no connection within {}", duration(CONNECT_TIMEOUT)),
        Some(io::ErrorKind::PermissionDenied) => "permission denied".to_owned(),
        Some(io::ErrorKind::NotFound) => "the folder does not exist".to_owned(),
        _ => {
            let text = cause.to_string();
            // io::Error ends with " (os error N)", which says nothing to a person.
            match text.find(" (os error") {
                Some(end) => text[..end].to_owned(),
                None => text,
            }
        }
    }
}

/// "10 seconds", "1.5 seconds".
pub(crate) fn duration(duration: Duration) -> String {
    let seconds = duration.as_secs_f64();
    if seconds == 1.0 { "1 second".to_owned() } else { format!("{seconds} seconds") }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rejected(code: u16, message: &str) -> MailError {
        MailError::Rejected { recipient: "a@b.nl".into(), server: "smtp:25".into(), code, message: message.into() }
    }

    #[test]
    fn unknown_or_full_mailboxes_are_bounces() {
        assert!(rejected(550, "5.1.1 no such user").is_bounce());
        assert!(rejected(552, "5.2.2 mailbox full").is_bounce());
        assert!(rejected(550, "Requested action not taken: mailbox unavailable").is_bounce());
        assert!(rejected(553, "mailbox name not allowed").is_bounce());
    }

    #[test]
    fn refusals_of_the_sender_or_the_relay_are_not_bounces() {
        assert!(!rejected(550, "5.7.1 Relaying denied").is_bounce());
        assert!(!rejected(535, "5.7.8 Authentication credentials invalid").is_bounce());
        assert!(!rejected(530, "Authentication required").is_bounce());
        assert!(!rejected(554, "Transaction failed").is_bounce());
        assert!(!rejected(553, "5.1.8 Sender address rejected: domain not found").is_bounce());
        let failed = MailError::Failed { server: "smtp:25".into(), reason: "refused".into() };
        assert!(!failed.is_bounce());
    }

    #[test]
    fn messages_name_what_to_look_at() {
        assert_eq!(
            rejected(550, "5.1.1 no such user").to_string(),
            "the mail server smtp:25 refused the message to a@b.nl: 550 5.1.1 no such user"
        );
        let error = invalid_address("gemeente.nl", &AddressError::MissingParts);
        assert_eq!(
            error.to_string(),
            "'gemeente.nl' is not an e-mail address: it needs an @ with a name before it and a domain after it, as in naam@gemeente.nl"
        );
    }

    #[test]
    fn the_os_error_number_is_left_out() {
        let error = io::Error::from_raw_os_error(99);
        assert!(!root_cause(&error).contains("os error"), "{}", root_cause(&error));
    }
}
