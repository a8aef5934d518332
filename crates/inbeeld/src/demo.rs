//! `inbeeld demo`: loads the data that the domain embeds (see `domain::demo`) into an empty database.

use anyhow::Context;
use store::Store;

/// Fills an empty database with the demo; leaves a database with data alone. Returns whether it filled.
pub async fn fill(store: &Store) -> anyhow::Result<bool> {
    if !store.is_empty().await? {
        return Ok(false);
    }
    let demo = domain::demo::data().map_err(anyhow::Error::msg)?;
    let author = crate::commands::command_line_author();
    store.import_register(&demo.organisations, &author, &mut |_| {}).await.context("loading the register")?;
    store.import_population(&demo.populations, &author, &mut |_| {}).await.context("loading population figures")?;
    for catalogue in &demo.catalogues {
        store.import_catalogue(catalogue, &author).await.context("loading a catalogue")?;
    }
    Ok(true)
}
