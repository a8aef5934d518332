//! Personal API tokens: a secret with which an admin's or analyst's script reads what the token's scope allows (today
//! the raw exports) without a browser session. The secret is shown once and kept only as its hash (`Secret`).

use chrono::{DateTime, Duration, Utc};

use crate::FormError;
use crate::account::{Role, User};

/// What a token may be used for. One scope today; typed, so that the next is a new variant and not a new string.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenScope {
    /// Reading a wave's raw answers: the staff downloads and `/api/v1/metingen/{id}/antwoorden`.
    ReadExports,
}

impl TokenScope {
    pub const ALL: [TokenScope; 1] = [TokenScope::ReadExports];

    pub fn as_str(self) -> &'static str {
        match self {
            TokenScope::ReadExports => "exports:lezen",
        }
    }

    /// The Dutch name, for pages.
    pub fn label(self) -> &'static str {
        match self {
            TokenScope::ReadExports => "ruwe antwoorden downloaden",
        }
    }

    pub fn parse(text: &str) -> Option<TokenScope> {
        TokenScope::ALL.into_iter().find(|scope| scope.as_str() == text)
    }
}

/// Only the roles that download raw answers hold tokens: a token reads exports, and nobody else may.
pub fn may_hold_token(role: Role) -> bool {
    matches!(role, Role::Admin | Role::Analyst)
}

/// The name its owner gives a token, to tell it apart ("notebook").
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenName(String);

const NAME_FIELD: &str = "Naam";
const VALIDITY_FIELD: &str = "Geldig (dagen)";
const MAX_NAME_CHARS: usize = 100;

impl TokenName {
    pub fn parse(typed: &str) -> Result<Self, FormError> {
        let name = typed.trim();
        if name.is_empty() {
            return Err(FormError::new(NAME_FIELD, "Geef de sleutel een naam, zoals ‘notebook’, zodat u hem later herkent."));
        }
        if name.chars().count() > MAX_NAME_CHARS {
            return Err(FormError::new(NAME_FIELD, format!("Een naam is hoogstens {MAX_NAME_CHARS} tekens.")));
        }
        if name.chars().any(char::is_control) {
            return Err(FormError::new(NAME_FIELD, "Een naam is één regel tekst, zonder tabs of regeleinden."));
        }
        Ok(Self(name.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// How many days a new token works: chosen by its owner, at most a year.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TokenValidity(u32);

impl TokenValidity {
    pub const DEFAULT: TokenValidity = TokenValidity(90);
    pub const MAX_DAYS: u32 = 365;

    pub fn parse(typed: &str) -> Result<Self, FormError> {
        let typed = typed.trim();
        if typed.is_empty() {
            return Ok(Self::DEFAULT);
        }
        match typed.parse::<u32>() {
            Ok(days) if (1..=Self::MAX_DAYS).contains(&days) => Ok(Self(days)),
            _ => Err(FormError::new(VALIDITY_FIELD, format!("Geef een aantal dagen van 1 tot en met {}, niet ‘{typed}’.", Self::MAX_DAYS))),
        }
    }

    pub fn days(self) -> u32 {
        self.0
    }

    pub fn expires_at(self, from: DateTime<Utc>) -> DateTime<Utc> {
        from + Duration::days(i64::from(self.0))
    }
}

/// A token as its owner and the admins see it; never its secret.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiToken {
    pub id: i64,
    pub owner: User,
    pub name: String,
    pub scope: TokenScope,
    pub created_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    pub last_used_at: Option<DateTime<Utc>>,
    pub revoked_at: Option<DateTime<Utc>>,
}

/// Whether a token works now, and if not, why.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenState {
    Active,
    Expired,
    Revoked,
    /// Its owner is blocked, or no longer in a role that may hold a token.
    OwnerMayNot,
}

impl ApiToken {
    pub fn state(&self, now: DateTime<Utc>) -> TokenState {
        if self.revoked_at.is_some() {
            TokenState::Revoked
        } else if self.owner.disabled || !may_hold_token(self.owner.role) {
            TokenState::OwnerMayNot
        } else if self.expires_at <= now {
            TokenState::Expired
        } else {
            TokenState::Active
        }
    }

    /// The audit log's target: the owner and the token's name, never its secret.
    pub fn audit_target(&self) -> String {
        format!("{} / {} (#{})", self.owner.email, self.name, self.id)
    }
}

impl TokenState {
    pub fn label(self) -> &'static str {
        match self {
            TokenState::Active => "werkt",
            TokenState::Expired => "verlopen",
            TokenState::Revoked => "ingetrokken",
            TokenState::OwnerMayNot => "werkt niet (account geblokkeerd of andere rol)",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::account::Email;

    fn token(role: Role, disabled: bool, expires_in_days: i64, revoked: bool) -> ApiToken {
        let now = Utc::now();
        ApiToken {
            id: 1,
            owner: User { id: 1, email: Email::parse("a@example.nl").unwrap(), role, organisation: None, disabled, created_at: now },
            name: "notebook".into(),
            scope: TokenScope::ReadExports,
            created_at: now,
            expires_at: now + Duration::days(expires_in_days),
            last_used_at: None,
            revoked_at: revoked.then_some(now),
        }
    }

    #[test]
    fn a_token_works_only_unrevoked_unexpired_and_for_an_active_admin_or_analyst() {
        let now = Utc::now();
        assert_eq!(token(Role::Analyst, false, 1, false).state(now), TokenState::Active);
        assert_eq!(token(Role::Admin, false, 1, false).state(now), TokenState::Active);
        assert_eq!(token(Role::Admin, false, 1, true).state(now), TokenState::Revoked);
        assert_eq!(token(Role::Admin, false, -1, false).state(now), TokenState::Expired);
        assert_eq!(token(Role::Admin, true, 1, false).state(now), TokenState::OwnerMayNot);
        assert_eq!(token(Role::Interviewer, false, 1, false).state(now), TokenState::OwnerMayNot);
        assert_eq!(token(Role::Respondent, false, 1, false).state(now), TokenState::OwnerMayNot);
    }

    #[test]
    fn names_and_validity_are_checked_as_typed() {
        assert_eq!(TokenName::parse("  notebook ").unwrap().as_str(), "notebook");
        assert_eq!(TokenName::parse(" ").unwrap_err().field, "Naam");
        assert!(TokenName::parse(&"x".repeat(101)).is_err());
        assert!(TokenName::parse("a\nb").is_err());
        assert_eq!(TokenValidity::parse("").unwrap(), TokenValidity::DEFAULT);
        assert_eq!(TokenValidity::parse("365").unwrap().days(), 365);
        for refused in ["0", "366", "-1", "abc", "1.5"] {
            assert_eq!(TokenValidity::parse(refused).unwrap_err().field, "Geldig (dagen)", "{refused}");
        }
        assert_eq!(TokenScope::parse("exports:lezen"), Some(TokenScope::ReadExports));
        assert_eq!(TokenScope::parse("alles"), None);
    }
}
