//! Making and mailing the one-time link with which someone chooses their own password, for a new account and for
//! a reset. Only the hash of the token is stored (by the caller's store method); the token travels in the letter
//! alone.

use chrono::{DateTime, Duration, Utc};
use domain::access::Secret;
use domain::account::{Email, LinkReason, PASSWORD_LINK_VALIDITY_DAYS, password_letter};
use mail::Envelope;

use crate::AppState;
use crate::error::WebError;

/// A fresh link: the secret and when it stops working.
pub struct NewLink {
    pub secret: Secret,
    pub expires_at: DateTime<Utc>,
}

impl NewLink {
    pub fn generate() -> Result<Self, WebError> {
        let secret = Secret::generate().map_err(WebError::Internal)?;
        Ok(Self { secret, expires_at: Utc::now() + Duration::days(PASSWORD_LINK_VALIDITY_DAYS) })
    }

    /// Sends the letter with the link to `email`. A failure is returned as the reason, for the page to show: the
    /// account is made or reset already, and a new reset sends a new link.
    pub async fn send(&self, state: &AppState, email: &Email, reason: LinkReason) -> Result<(), String> {
        let Some(mailer) = state.mailer.as_ref() else { return Err("deze site verstuurt geen e-mail".to_owned()) };
        let link = format!("{}/wachtwoord-kiezen/{}", state.public_url, self.secret.token);
        let (subject, body) = password_letter(email, &link, self.expires_at, reason);
        let envelope = Envelope { to: email.to_string(), to_name: None, subject, body };
        match mailer.send(&envelope).await {
            Ok(_) => Ok(()),
            Err(error) => {
                tracing::warn!(%error, "a password link could not be sent");
                Err(error.to_string())
            }
        }
    }
}
