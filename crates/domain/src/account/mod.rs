//! Accounts: who may sign in, in which role, for which organisation, and how passwords are kept.

mod admins;
mod email;
mod link;
mod password;
mod role;
mod second_factor;

pub use admins::{is_active_admin, keep_an_admin};
pub use email::Email;
pub use link::{LinkReason, PASSWORD_LINK_VALIDITY_DAYS, password_letter};
pub use password::{ARGON2_ITERATIONS, ARGON2_MEMORY_KIB, ARGON2_PARALLELISM, Password, PasswordHash};
pub use role::Role;
pub use second_factor::{ISSUER, RECOVERY_CODES, RecoveryCode, SecondFactorCode, SecondFactorError, TotpSecret, recovery_hash};

use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::register::{OrgCode, OrganisationKind};

/// Why an account cannot be made or changed as asked. The messages are for the person who asked.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AccountError {
    #[error("'{0}' is not an e-mail address")]
    InvalidEmail(String),
    #[error("'{0}' is not a role; the roles are admin, analyst, interviewer and respondent")]
    UnknownRole(String),
    #[error("a respondent answers for one municipality: give its CBS code with --organisation (e.g. GM0363)")]
    OrganisationRequired,
    #[error("only a respondent belongs to an organisation; a(n) {0} works for all")]
    OrganisationNotAllowed(&'static str),
    #[error("{0} is not a municipality; a respondent answers for a municipality")]
    NotAMunicipality(OrgCode),
    #[error("the password is too short: use at least {0} characters (a sentence is easiest to remember)")]
    PasswordTooShort(usize),
    #[error("the password is too long: use at most {0} characters")]
    PasswordTooLong(usize),
    #[error("this password is among the most common ones; choose another")]
    PasswordTooCommon,
    #[error("the password must not contain the e-mail address")]
    PasswordContainsEmail,
    #[error("the password could not be hashed: {0}")]
    Hashing(String),
    #[error("the last active admin cannot be disabled or given another role; make another admin first")]
    LastAdmin,
}

impl AccountError {
    /// The same refusal in Dutch, for the pages. A password is never part of it.
    pub fn message_nl(&self) -> String {
        match self {
            AccountError::InvalidEmail(typed) => format!("‘{typed}’ is geen e-mailadres. Vul een adres in zoals naam@gemeente.nl."),
            AccountError::UnknownRole(typed) => {
                format!("‘{typed}’ is geen rol; kies beheerder, analist, interviewer of respondent.")
            }
            AccountError::OrganisationRequired => {
                "Een respondent antwoordt voor één gemeente: vul de CBS-code van de gemeente in (bijvoorbeeld GM0363).".into()
            }
            AccountError::OrganisationNotAllowed(_) => {
                "Alleen een respondent hoort bij een gemeente; laat de gemeente leeg voor deze rol.".into()
            }
            AccountError::NotAMunicipality(code) => format!("{code} is geen gemeente; een respondent antwoordt voor een gemeente."),
            AccountError::PasswordTooShort(n) => {
                format!("Het wachtwoord is te kort: gebruik minstens {n} tekens (een zin onthoudt u het makkelijkst).")
            }
            AccountError::PasswordTooLong(n) => format!("Het wachtwoord is te lang: gebruik hoogstens {n} tekens."),
            AccountError::PasswordTooCommon => "Dit wachtwoord is een van de meest gebruikte; kies een ander.".into(),
            AccountError::PasswordContainsEmail => "Het wachtwoord mag het e-mailadres niet bevatten.".into(),
            AccountError::Hashing(_) => "Het wachtwoord kon niet worden opgeslagen. Probeer het later opnieuw.".into(),
            AccountError::LastAdmin => {
                "Dit is de laatste actieve beheerder: die kan niet worden uitgeschakeld of een andere rol krijgen. Maak eerst een andere beheerder.".into()
            }
        }
    }
}

/// An account as stored, without its password hash.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct User {
    pub id: i64,
    pub email: Email,
    pub role: Role,
    /// The one organisation a respondent answers for; `None` for the other roles.
    pub organisation: Option<OrgCode>,
    pub disabled: bool,
    pub created_at: DateTime<Utc>,
}

impl User {
    /// The account as the audit log records it before and after a change: never a password hash.
    pub fn audit_state(&self) -> serde_json::Value {
        serde_json::json!({"email": self.email, "role": self.role, "organisation": self.organisation, "disabled": self.disabled})
    }
}

/// An account to be made: role and organisation checked against each other.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NewUser {
    pub email: Email,
    pub role: Role,
    pub organisation: Option<OrgCode>,
}

impl NewUser {
    pub fn new(email: Email, role: Role, organisation: Option<OrgCode>) -> Result<Self, AccountError> {
        match (role, &organisation) {
            (Role::Respondent, None) => Err(AccountError::OrganisationRequired),
            (Role::Respondent, Some(code)) if code.kind() != OrganisationKind::Gemeente => {
                Err(AccountError::NotAMunicipality(code.clone()))
            }
            (Role::Respondent, Some(_)) | (_, None) => Ok(Self { email, role, organisation }),
            (other, Some(_)) => Err(AccountError::OrganisationNotAllowed(other.as_str())),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn email() -> Email {
        Email::parse("monitor@example.nl").unwrap()
    }

    #[test]
    fn a_respondent_belongs_to_one_municipality_and_only_a_respondent_does() {
        let amsterdam = OrgCode::parse("GM0363").unwrap();
        assert!(NewUser::new(email(), Role::Respondent, Some(amsterdam.clone())).is_ok());
        assert_eq!(NewUser::new(email(), Role::Respondent, None), Err(AccountError::OrganisationRequired));
        assert_eq!(NewUser::new(email(), Role::Admin, Some(amsterdam)), Err(AccountError::OrganisationNotAllowed("admin")));
        let province = OrgCode::parse("PV27").unwrap();
        assert_eq!(NewUser::new(email(), Role::Respondent, Some(province.clone())), Err(AccountError::NotAMunicipality(province)));
        assert!(NewUser::new(email(), Role::Analyst, None).is_ok());
    }
}
