//! The one-time link with which someone chooses their own password: sent when an admin makes an account in the
//! browser or resets one, so that no admin ever types or knows someone else's password.

use chrono::{DateTime, Utc};

use super::Email;

/// How many days a link to choose a password works: long enough for a holiday, short enough that an old mail
/// in someone's inbox opens nothing.
pub const PASSWORD_LINK_VALIDITY_DAYS: i64 = 7;

/// Why the link was sent, which the letter says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LinkReason {
    NewAccount,
    Reset,
}

/// The letter with the link: a subject and a plain-text body, in Dutch.
pub fn password_letter(email: &Email, link: &str, expires_at: DateTime<Utc>, reason: LinkReason) -> (String, String) {
    let expires = expires_at.format("%d-%m-%Y %H:%M UTC");
    let (subject, opening) = match reason {
        LinkReason::NewAccount => (
            "Uw account voor inbeeld",
            format!("Het monitorteam heeft voor u een account gemaakt op inbeeld, met het e-mailadres {email}."),
        ),
        LinkReason::Reset => (
            "Kies een nieuw wachtwoord voor inbeeld",
            format!("Het monitorteam heeft het wachtwoord van uw account ({email}) op inbeeld ongeldig gemaakt."),
        ),
    };
    let body = format!(
        "Beste gebruiker,\n\n{opening}\n\nKies uw wachtwoord met deze persoonlijke link:\n\n{link}\n\n\
         De link werkt één keer, tot {expires}. Daarna logt u in met uw e-mailadres en het wachtwoord dat u koos.\n\n\
         Hebt u dit niet verwacht? Gebruik de link dan niet en laat het het monitorteam weten.\n\n\
         Met vriendelijke groet,\nHet monitorteam\n"
    );
    (subject.to_owned(), body)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_letter_names_the_address_the_link_and_when_it_expires() {
        let email = Email::parse("nieuw@instituut.nl").unwrap();
        let at = DateTime::parse_from_rfc3339("2026-03-01T09:30:00Z").unwrap().with_timezone(&Utc);
        let (subject, body) = password_letter(&email, "https://inbeeld.example/wachtwoord-kiezen/abc", at, LinkReason::NewAccount);
        assert_eq!(subject, "Uw account voor inbeeld");
        assert!(body.contains("nieuw@instituut.nl") && body.contains("/wachtwoord-kiezen/abc") && body.contains("01-03-2026 09:30"));
        let (subject, _) = password_letter(&email, "x", at, LinkReason::Reset);
        assert!(subject.contains("nieuw wachtwoord"));
    }
}
