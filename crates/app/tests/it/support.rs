//! What several tests start from.

use domain::catalogue::parse_catalogue_toml;
use domain::fieldwork::{NewWave, Wave, WaveId};
use store::Store;
use store::testing::author;

const CATALOGUE: &str = include_str!("../../../../data/catalogues/nup-2008.toml");

/// A wave of October 2010 to March 2011 in draft, with the NUP 2008 catalogue and a questionnaire `vragenlijst`.
pub async fn draft_wave(store: &Store) -> Wave {
    store.import_catalogue(&parse_catalogue_toml(CATALOGUE, "nup-2008.toml").unwrap(), &author()).await.unwrap();
    store.import_questionnaire("vragenlijst", "1", "Vragenlijst", "text", &author()).await.unwrap();
    let new = NewWave {
        id: WaveId::parse("eerste-meting").unwrap(),
        title: "Eerste meting".into(),
        catalogue_id: "nup-2008".into(),
        catalogue_version: "2008".into(),
        questionnaire_id: "vragenlijst".into(),
        opens_on: "2010-10-01".parse().unwrap(),
        closes_on: "2011-03-31".parse().unwrap(),
    };
    store.create_wave(&new, false, &author()).await.unwrap()
}
