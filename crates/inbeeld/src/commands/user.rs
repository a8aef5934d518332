//! `inbeeld user`: accounts from the command line, where the first admin is made. Every change is recorded in the
//! audit log with the operating-system account that made it.

use std::io::IsTerminal;

use anyhow::{Context, bail};
use domain::account::{Email, NewUser, Password, PasswordHash, Role};
use domain::audit::Change;
use domain::register::OrgCode;
use store::{Store, StoreError};

use crate::cli::{PasswordArg, UserCommand};

pub async fn run(store: &Store, command: UserCommand) -> anyhow::Result<()> {
    match command {
        UserCommand::Add { email, role, organisation, password } => {
            let email = Email::parse(&email)?;
            let organisation = organisation.map(|code| OrgCode::parse(&code).map_err(anyhow::Error::msg)).transpose()?;
            let new = NewUser::new(email.clone(), Role::parse(&role)?, organisation)?;
            if let Some(code) = &new.organisation {
                match store.organisation(code).await {
                    Err(StoreError::NotFound) => {
                        bail!("{code} is not in the register; import the register first (`inbeeld demo` loads it)")
                    }
                    other => other.map(|_| ())?,
                }
            }
            let hash = new_password_hash(&password, &email).await?;
            let after = serde_json::json!({"email": email, "role": new.role, "organisation": new.organisation, "disabled": false});
            match store.add_user(&new, &hash, &change("user.add", &email, None, Some(after))).await {
                Err(StoreError::Conflict(_)) => bail!("there is an account for {email} already"),
                other => other?,
            };
            println!("user: added {email} as {}", new.role.as_str());
        }
        UserCommand::List => {
            let users = store.users().await?;
            if users.is_empty() {
                println!("no accounts yet; make the first admin with: inbeeld user add --email E --role admin");
            }
            for user in users {
                let organisation = user.organisation.as_ref().map(OrgCode::as_str).unwrap_or("-");
                let status = if user.disabled { "disabled" } else { "active" };
                println!("{}\t{}\t{organisation}\t{status}\tsince {}", user.email, user.role.as_str(), user.created_at.format("%Y-%m-%d"));
            }
        }
        UserCommand::ResetPassword { email, password } => {
            let email = Email::parse(&email)?;
            ensure_exists(store, &email).await?;
            let hash = new_password_hash(&password, &email).await?;
            store.set_password(&email, &hash, &change("user.password", &email, None, None)).await?;
            println!("user: new password set for {email}; every session of the account has ended");
        }
        UserCommand::Disable { email } => {
            let email = Email::parse(&email)?;
            ensure_exists(store, &email).await?;
            store.set_disabled(&email, true, &super::command_line_author()).await?;
            println!("user: {email} is disabled and its sessions have ended");
        }
        UserCommand::ResetSecondFactor { email } => {
            let email = Email::parse(&email)?;
            match store.reset_second_factor(&email, &change("2fa.reset", &email, None, None)).await {
                Err(StoreError::NotFound) => bail!("there is no account for {email}; `inbeeld user list` shows them"),
                other => other?,
            }
            println!("user: the second factor of {email} is removed; it sets up a new one at its next sign-in");
        }
    }
    Ok(())
}

async fn ensure_exists(store: &Store, email: &Email) -> anyhow::Result<()> {
    match store.user_with_hash(email).await {
        Err(StoreError::NotFound) => bail!("there is no account for {email}; `inbeeld user list` shows them"),
        other => other.map(|_| ()).map_err(Into::into),
    }
}

fn change(action: &'static str, email: &Email, before: Option<serde_json::Value>, after: Option<serde_json::Value>) -> Change {
    super::command_line_author().change(action, email.to_string(), before, after)
}

/// The password from the flag or environment, or else asked twice on the terminal; checked and hashed.
async fn new_password_hash(given: &PasswordArg, email: &Email) -> anyhow::Result<PasswordHash> {
    let text = match &given.password {
        Some(text) => text.clone(),
        None if std::io::stdin().is_terminal() => {
            let first = rpassword::prompt_password(format!("Password for {email}: ")).context("reading the password")?;
            let second = rpassword::prompt_password("The same password again: ").context("reading the password")?;
            if first != second {
                bail!("the two passwords differ; nothing was changed");
            }
            first
        }
        None => bail!("no password given: run this in a terminal to be asked for it, or set INBEELD_PASSWORD"),
    };
    let password = Password::new(&text, email)?;
    tokio::task::spawn_blocking(move || password.hash()).await.context("hashing the password")?.map_err(Into::into)
}
