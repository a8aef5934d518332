use serde::Serialize;

use super::AccountError;

/// What a signed-in user may do; the public has no account and no role.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// The monitor team: keeps the register and catalogues, manages users and waves, publishes.
    Admin,
    /// Reads everything, changes nothing.
    Analyst,
    /// Records interviews for any municipality.
    Interviewer,
    /// Answers for its own municipality only.
    Respondent,
}

impl Role {
    pub const ALL: [Role; 4] = [Role::Admin, Role::Analyst, Role::Interviewer, Role::Respondent];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Analyst => "analyst",
            Role::Interviewer => "interviewer",
            Role::Respondent => "respondent",
        }
    }

    /// The Dutch name, for pages.
    pub fn label(self) -> &'static str {
        match self {
            Role::Admin => "beheerder",
            Role::Analyst => "analist",
            Role::Interviewer => "interviewer",
            Role::Respondent => "respondent",
        }
    }

    /// Staff who can read every municipality's answers and contact details sign in with a second factor.
    pub fn needs_second_factor(self) -> bool {
        matches!(self, Role::Admin | Role::Analyst | Role::Interviewer)
    }

    pub fn parse(value: &str) -> Result<Self, AccountError> {
        let wanted = value.trim().to_lowercase();
        Self::ALL
            .into_iter()
            .find(|role| role.as_str() == wanted || role.label() == wanted)
            .ok_or(AccountError::UnknownRole(value.trim().to_owned()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_parse_in_english_and_dutch() {
        assert_eq!(Role::parse("Admin"), Ok(Role::Admin));
        assert_eq!(Role::parse("beheerder"), Ok(Role::Admin));
        assert_eq!(Role::parse("analist"), Ok(Role::Analyst));
        assert_eq!(Role::parse("root"), Err(AccountError::UnknownRole("root".into())));
    }
}
