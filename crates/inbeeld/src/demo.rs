//! The demo: the shipped register, population figures and catalogues, embedded in the binary so that
//! `inbeeld demo` works from any folder. Later issues add a simulated wave here, marked as simulated.

use anyhow::{Context, bail};
use domain::catalogue::parse_catalogue_toml;
use domain::population::parse_population_csv;
use domain::register::parse_register_csv;
use store::Store;

const REGISTER: &str = include_str!("../../../data/register/register.csv");
const POPULATIONS: [(&str, &str); 2] = [
    (include_str!("../../../data/population/population_2023.csv"), "CBS StatLine 37259eng, 1 januari 2023"),
    (include_str!("../../../data/population/population_2026.csv"), "CBS StatLine 37230ned, 1 januari 2026 (voorlopig)"),
];
const CATALOGUES: [(&str, &str); 2] = [
    (include_str!("../../../data/catalogues/nup-2008.toml"), "data/catalogues/nup-2008.toml"),
    (include_str!("../../../data/catalogues/inup-2011.toml"), "data/catalogues/inup-2011.toml"),
];

/// Fills an empty database with the demo; leaves a database with data alone. Returns whether it filled.
pub async fn fill(store: &Store) -> anyhow::Result<bool> {
    if !store.is_empty().await? {
        return Ok(false);
    }
    let register = parse_register_csv(REGISTER);
    if let Some(error) = register.errors.first() {
        bail!("the embedded register is invalid: {error}");
    }
    let organisations: Vec<_> = register.organisations.into_iter().map(|(_, o)| o).collect();
    store.import_register(&organisations, &mut |_| {}).await.context("loading the register")?;
    for (text, source) in POPULATIONS {
        let file = parse_population_csv(text, source);
        if let Some(error) = file.errors.first() {
            bail!("the embedded population file ({source}) is invalid: {error}");
        }
        let figures: Vec<_> = file.figures.into_iter().map(|(_, f)| f).collect();
        store.import_population(&figures, &mut |_| {}).await.context("loading population figures")?;
    }
    for (text, name) in CATALOGUES {
        let catalogue =
            parse_catalogue_toml(text, name).map_err(|errors| anyhow::anyhow!("the embedded catalogue is invalid: {}", errors[0]))?;
        store.import_catalogue(&catalogue).await.context("loading a catalogue")?;
    }
    Ok(true)
}
