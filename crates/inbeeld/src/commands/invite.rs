//! `inbeeld invite`: a personal invitation link for one municipality (`app::outreach::personal_link`). Only its hash
//! is stored; the link is shown once, here.

use domain::register::OrgCode;
use store::Store;

pub async fn run(store: &Store, organisation: &str, days: u32, public_url: &str) -> anyhow::Result<()> {
    let code = OrgCode::parse(organisation).map_err(anyhow::Error::msg)?;
    let made = match app::outreach::personal_link(store, &code, days, public_url, chrono::Utc::now(), &super::command_line_author()).await {
        Err(app::AppError::NotInRegister(code)) => {
            anyhow::bail!("{code} is not in the register; import the register first (`inbeeld demo` loads it)")
        }
        Err(app::AppError::LinkValidity(_)) => anyhow::bail!("--days must be between 1 and 365"),
        other => other?,
    };
    println!("{}", made.link);
    eprintln!("invitation for {} ({code}), valid once until {}", made.municipality.name, made.expires_at.format("%Y-%m-%d %H:%M UTC"));
    Ok(())
}
