//! `inbeeld invite`: a personal invitation link for one municipality. Only its hash is stored; the link is shown
//! once, here.

use anyhow::bail;
use domain::access::Secret;
use domain::register::{OrgCode, OrganisationKind};
use store::{Store, StoreError};

pub async fn run(store: &Store, organisation: &str, days: u32, public_url: &str) -> anyhow::Result<()> {
    let code = OrgCode::parse(organisation).map_err(anyhow::Error::msg)?;
    if code.kind() != OrganisationKind::Gemeente {
        bail!("{code} is not a municipality; an invitation is for a municipality");
    }
    let municipality = match store.organisation(&code).await {
        Err(StoreError::NotFound) => bail!("{code} is not in the register; import the register first (`inbeeld demo` loads it)"),
        other => other?,
    };
    if !(1..=365).contains(&days) {
        bail!("--days must be between 1 and 365");
    }
    let secret = Secret::generate().map_err(anyhow::Error::msg)?;
    let expires_at = chrono::Utc::now() + chrono::Duration::days(i64::from(days));
    store.add_invitation(&secret.hash, &code, expires_at).await?;
    let author = super::command_line_author();
    let change = author.change("invitation.add", code.to_string(), None, Some(serde_json::json!({"expires_at": expires_at})));
    store.record(&change).await?;
    println!("{}/uitnodiging/{}", public_url.trim_end_matches('/'), secret.token);
    eprintln!("invitation for {} ({code}), valid once until {}", municipality.name, expires_at.format("%Y-%m-%d %H:%M UTC"));
    Ok(())
}
