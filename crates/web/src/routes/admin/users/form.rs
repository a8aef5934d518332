//! The fields of an account as an admin types them (address, role, municipality), checked by the domain's rules
//! into a `NewUser`, with a Dutch message at each field that is wrong and everything typed kept.

use domain::account::{AccountError, Email, NewUser, Role};
use domain::register::OrgCode;
use serde::Deserialize;
use store::StoreError;

use crate::AppState;
use crate::error::WebError;

#[derive(Deserialize, Default, Clone)]
pub struct AccountForm {
    #[serde(default)]
    pub email: String,
    #[serde(default)]
    pub rol: String,
    #[serde(default)]
    pub gemeente: String,
}

/// A problem at one field: its element id and the message.
pub struct Problem {
    pub id: &'static str,
    pub text: String,
}

/// A role in the form's list.
pub struct RoleChoice {
    pub value: &'static str,
    pub label: &'static str,
    pub selected: bool,
}

impl AccountForm {
    pub fn roles(&self) -> Vec<RoleChoice> {
        Role::ALL.iter().map(|r| RoleChoice { value: r.as_str(), label: r.label(), selected: self.rol == r.as_str() }).collect()
    }

    /// The account these fields describe, for the address `email` (typed, or the account's own when its role
    /// changes); every field's problem at once.
    pub async fn check(&self, state: &AppState, email: Result<Email, AccountError>) -> Result<Result<NewUser, Vec<Problem>>, WebError> {
        let mut problems = Vec::new();
        let email = email.map_err(|e| problems.push(Problem { id: "email", text: e.message_nl() })).ok();
        let role = if self.rol.trim().is_empty() {
            problems.push(Problem { id: "rol", text: "Kies een rol.".into() });
            None
        } else {
            Role::parse(&self.rol).map_err(|e| problems.push(Problem { id: "rol", text: e.message_nl() })).ok()
        };
        let typed = self.gemeente.trim();
        let organisation = if typed.is_empty() {
            None
        } else {
            match OrgCode::parse(typed) {
                Ok(code) => Some(code),
                Err(_) => {
                    let text = format!("‘{typed}’ is geen CBS-code; een gemeente heeft een code als GM0363.");
                    problems.push(Problem { id: "gemeente", text });
                    return Ok(Err(problems));
                }
            }
        };
        let (Some(email), Some(role)) = (email, role) else { return Ok(Err(problems)) };
        let new = match NewUser::new(email, role, organisation) {
            Ok(new) => new,
            Err(error) => return Ok(Err(vec![Problem { id: "gemeente", text: error.message_nl() }])),
        };
        if let Some(code) = &new.organisation {
            match state.store.organisation(code).await {
                Err(StoreError::NotFound) => {
                    let text = format!("{code} staat niet in het register van gemeenten.");
                    return Ok(Err(vec![Problem { id: "gemeente", text }]));
                }
                other => other.map(|_| ())?,
            }
        }
        Ok(Ok(new))
    }
}

/// The message at field `id`, for the templates.
pub fn at(problems: &[Problem], id: &str) -> Option<String> {
    problems.iter().find(|p| p.id == id).map(|p| p.text.clone())
}
