//! The two fields of a new password (typed twice), shared by choosing one through a link and changing one's own:
//! checked against the domain's policy, with a Dutch message at the field. A password is never shown again.

use domain::account::{Email, Password, PasswordHash};
use serde::Deserialize;

use crate::error::WebError;

#[derive(Deserialize, Default)]
pub struct NewPassword {
    #[serde(default)]
    pub wachtwoord: String,
    #[serde(default)]
    pub herhaling: String,
}

/// A problem at one field: its element id and the message.
pub struct FieldError {
    pub id: &'static str,
    pub text: String,
}

impl NewPassword {
    /// The new password for the account of `email`, or why not.
    pub fn check(&self, email: &Email) -> Result<Password, FieldError> {
        let password = Password::new(&self.wachtwoord, email).map_err(|e| FieldError { id: "wachtwoord", text: e.message_nl() })?;
        if self.herhaling != self.wachtwoord {
            return Err(FieldError {
                id: "herhaling",
                text: "De herhaling is niet gelijk aan het nieuwe wachtwoord. Typ het wachtwoord twee keer hetzelfde.".into(),
            });
        }
        Ok(password)
    }
}

/// Hashes on a blocking thread: argon2id takes tens of milliseconds and about 19 MiB.
pub async fn hash(password: Password) -> Result<PasswordHash, WebError> {
    tokio::task::spawn_blocking(move || password.hash())
        .await
        .map_err(|e| WebError::Internal(e.to_string()))?
        .map_err(|e| WebError::Internal(e.to_string()))
}

/// The message at field `id`, for the templates.
pub fn at(errors: &[FieldError], id: &str) -> Option<String> {
    errors.iter().find(|e| e.id == id).map(|e| e.text.clone())
}
