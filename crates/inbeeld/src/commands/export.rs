use std::io::Write;
use std::path::PathBuf;

use anyhow::Context;
use domain::catalogue::write_catalogue_toml;
use domain::register::write_register_csv;
use store::{OrganisationFilter, Store, StoreError};

use crate::cli::{Export, Format};

pub async fn run(store: &Store, export: Export) -> anyhow::Result<()> {
    match export {
        Export::Register { date, format, output } => {
            let organisations = store.organisations(&OrganisationFilter { date, ..Default::default() }).await?;
            let text = match format {
                Format::Csv => write_register_csv(&organisations).context("writing CSV")?,
                Format::Json => serde_json::to_string_pretty(&organisations).context("writing JSON")? + "\n",
            };
            write(output, &text)
        }
        Export::Catalogue { id, version, output } => {
            let catalogue = match store.catalogue(&id, version.as_deref()).await {
                Err(StoreError::NotFound) => {
                    anyhow::bail!("there is no catalogue '{id}'{}", version.map(|v| format!(" version '{v}'")).unwrap_or_default())
                }
                other => other?,
            };
            write(output, &write_catalogue_toml(&catalogue).map_err(|e| anyhow::anyhow!("writing TOML: {e}"))?)
        }
    }
}

fn write(output: Option<PathBuf>, text: &str) -> anyhow::Result<()> {
    match output {
        Some(path) => std::fs::write(&path, text).with_context(|| format!("cannot write {}", path.display())),
        None => std::io::stdout().write_all(text.as_bytes()).context("cannot write to standard output"),
    }
}
