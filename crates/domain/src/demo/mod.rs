//! The data that `inbeeld demo` loads, embedded so that it works from any folder: the shipped register, CBS
//! population figures, catalogues and questionnaire (see data/README.md for their sources), and a simulated first
//! wave whose answers are drawn (`simulation`), which every page showing it marks as simulated.

mod collaborations;
mod simulation;

pub use collaborations::{DemoCollaboration, DemoCollaborations, REGIONAL_ICT_PARTNERSHIP, demo_collaborations};

pub use simulation::{FIRST_WAVE_TARGETS, SimulatedResponse, Targets, simulate_wave};

use std::collections::BTreeMap;

use chrono::NaiveDate;

use crate::catalogue::{Catalogue, parse_catalogue_toml};
use crate::fieldwork::{NewWave, WaveId};
use crate::knowledge::{ArticleText, BlockDirectory, parse_article_file};
use crate::population::{PopulationFigure, latest_on, parse_population_csv};
use crate::questionnaire::{Questionnaire, parse_questionnaire_toml};
use crate::register::{OrgCode, Organisation, Register, parse_register_csv};

const REGISTER: &str = include_str!("../../../../data/register/register.csv");
const POPULATIONS: [(&str, &str); 2] = [
    (include_str!("../../../../data/population/population_2023.csv"), "CBS StatLine 37259eng, 1 januari 2023"),
    (include_str!("../../../../data/population/population_2026.csv"), "CBS StatLine 37230ned, 1 januari 2026 (voorlopig)"),
];
const CATALOGUES: [(&str, &str); 2] = [
    (include_str!("../../../../data/catalogues/nup-2008.toml"), "data/catalogues/nup-2008.toml"),
    (include_str!("../../../../data/catalogues/inup-2011.toml"), "data/catalogues/inup-2011.toml"),
];
/// Knowledge-base articles written for the demo, each about one or more blocks of the shipped catalogues.
const ARTICLES: [(&str, &str); 5] = [
    (include_str!("../../../../data/knowledge/digid.md"), "data/knowledge/digid.md"),
    (include_str!("../../../../data/knowledge/eherkenning.md"), "data/knowledge/eherkenning.md"),
    (include_str!("../../../../data/knowledge/mijnoverheid.md"), "data/knowledge/mijnoverheid.md"),
    (include_str!("../../../../data/knowledge/basisregistraties.md"), "data/knowledge/basisregistraties.md"),
    (include_str!("../../../../data/knowledge/digikoppeling.md"), "data/knowledge/digikoppeling.md"),
];
/// The questionnaire of the first wave, as text: the store keeps the text itself, so that answers can always be
/// read with the questions they answered.
pub const QUESTIONNAIRE_SOURCE: &str = include_str!("../../../../data/questionnaires/eerste-meting-2010.toml");
const QUESTIONNAIRE_FILE: &str = "data/questionnaires/eerste-meting-2010.toml";

/// The first wave as the institute held it: October 2010 to March 2011, against the NUP 2008 catalogue.
pub const FIRST_WAVE_ID: &str = "eerste-meting";
pub const FIRST_WAVE_TITLE: &str = "Eerste meting e-overheid bij gemeenten 2010–2011";
pub const FIRST_WAVE_CATALOGUE: &str = "nup-2008";
pub const FIRST_WAVE_OPENS: NaiveDate = date(2010, 10, 1);
pub const FIRST_WAVE_CLOSES: NaiveDate = date(2011, 3, 31);
/// The seed of the simulated answers (the opening date, 2010-10-01, as a number): changing it changes every drawn
/// answer, though not the headline figures.
pub const FIRST_WAVE_SEED: u64 = 20_101_001;

/// A later wave, simulated so that trends can be seen: the same questionnaire and catalogue (so that the blocks
/// compare), asked of the municipalities of 2026, further along and with less need for collective support.
pub const SECOND_WAVE_ID: &str = "vervolgmeting";
pub const SECOND_WAVE_TITLE: &str = "Vervolgmeting e-overheid bij gemeenten 2025–2026";
pub const SECOND_WAVE_SEED: u64 = 20_251_001;
pub const SECOND_WAVE_TARGETS: Targets = Targets {
    response_rate: 0.93,
    mean_in_use: 0.81,
    service_delivery: 0.62,
    collective_support: 0.58,
    collaborates: 0.88,
    plans: 0.80,
    focus: [0.38, 0.41, 0.27],
    opens: date(2025, 10, 1),
    closes: date(2026, 3, 31),
};
/// The division whose population drives the simulation: the newest the register knows.
pub const SIZE_DIVISION: NaiveDate = date(2026, 1, 1);

const fn date(year: i32, month: u32, day: u32) -> NaiveDate {
    match NaiveDate::from_ymd_opt(year, month, day) {
        Some(date) => date,
        None => panic!("not a date"),
    }
}

pub struct DemoData {
    pub organisations: Vec<Organisation>,
    pub populations: Vec<PopulationFigure>,
    pub catalogues: Vec<Catalogue>,
    pub questionnaire: Questionnaire,
    pub articles: Vec<ArticleText>,
}

/// The simulated first wave: the wave to create, its catalogue and the responses to store in it.
pub struct SimulatedWave<'a> {
    pub wave: NewWave,
    pub catalogue: &'a Catalogue,
    /// The municipalities asked, in code order.
    pub asked: Vec<OrgCode>,
    /// The responses, in code order; fewer than `asked`, as in the real survey.
    pub responses: Vec<SimulatedResponse>,
}

/// Parses the embedded files. An error here means a shipped file is broken, which the tests catch.
pub fn data() -> Result<DemoData, String> {
    let register = parse_register_csv(REGISTER);
    if let Some(error) = register.errors.first() {
        return Err(format!("the shipped register is invalid: {error}"));
    }
    let mut populations = Vec::new();
    for (text, source) in POPULATIONS {
        let file = parse_population_csv(text, source);
        if let Some(error) = file.errors.first() {
            return Err(format!("the shipped population file ({source}) is invalid: {error}"));
        }
        populations.extend(file.figures.into_iter().map(|(_, f)| f));
    }
    let catalogues: Vec<Catalogue> = CATALOGUES
        .iter()
        .map(|(text, name)| parse_catalogue_toml(text, name).map_err(|errors| format!("the shipped catalogue is invalid: {}", errors[0])))
        .collect::<Result<_, _>>()?;
    let questionnaire = parse_questionnaire_toml(QUESTIONNAIRE_SOURCE, QUESTIONNAIRE_FILE).map_err(|errors| {
        let first = errors.first().map(ToString::to_string).unwrap_or_default();
        format!("the shipped questionnaire is invalid: {first}")
    })?;
    let blocks = BlockDirectory::new(&catalogues);
    let articles = ARTICLES
        .iter()
        .map(|(text, name)| {
            parse_article_file(text, name, &blocks).map_err(|errors| {
                let first = errors.first().map(ToString::to_string).unwrap_or_default();
                format!("a shipped knowledge-base article is invalid: {first}")
            })
        })
        .collect::<Result<_, _>>()?;
    Ok(DemoData {
        organisations: register.organisations.into_iter().map(|(_, o)| o).collect(),
        populations,
        catalogues,
        questionnaire,
        articles,
    })
}

impl DemoData {
    /// The municipalities a wave whose register date (the end of its fieldwork, see `Wave::register_date`) is
    /// `date` asks, by code: for the first wave, the 418 municipalities of 2011.
    pub fn municipalities_asked_on(&self, date: NaiveDate) -> Vec<&Organisation> {
        let mut asked = crate::fieldwork::follow_up::asked(&self.organisations, date);
        asked.sort_by(|a, b| a.code.cmp(&b.code));
        asked
    }

    pub fn size_drivers(&self, asked: &[&Organisation]) -> Vec<(OrgCode, u64)> {
        let register = Register::new(self.organisations.iter().cloned());
        let figures = latest_on(self.populations.iter().cloned(), SIZE_DIVISION);
        let today: Vec<Option<OrgCode>> = asked.iter().map(|o| register.on_date(&o.code, SIZE_DIVISION).into_iter().next()).collect();
        let mut sharing: BTreeMap<&OrgCode, u64> = BTreeMap::new();
        for code in today.iter().flatten() {
            *sharing.entry(code).or_default() += 1;
        }
        asked
            .iter()
            .zip(&today)
            .map(|(organisation, successor)| {
                let driver = successor
                    .as_ref()
                    .and_then(|code| Some(figures.get(code)?.population / sharing.get(code).copied().unwrap_or(1).max(1)))
                    .unwrap_or(0);
                (organisation.code.clone(), driver)
            })
            .collect()
    }

    /// Draws the first wave with the demo's seed. The answers still have to pass the questionnaire's validation
    /// before they are stored, like any other answers.
    /// The simulated first wave (2010–2011), drawn to reach the published headline figures.
    pub fn first_wave(&self) -> Result<SimulatedWave<'_>, String> {
        self.simulated_wave(FIRST_WAVE_ID, FIRST_WAVE_TITLE, &FIRST_WAVE_TARGETS, FIRST_WAVE_SEED)
    }

    /// The simulated later wave (2025–2026), so that the demo shows trends.
    pub fn second_wave(&self) -> Result<SimulatedWave<'_>, String> {
        self.simulated_wave(SECOND_WAVE_ID, SECOND_WAVE_TITLE, &SECOND_WAVE_TARGETS, SECOND_WAVE_SEED)
    }

    fn simulated_wave(&self, id: &str, title: &str, targets: &Targets, seed: u64) -> Result<SimulatedWave<'_>, String> {
        let catalogue = self
            .catalogues
            .iter()
            .rfind(|c| c.id == FIRST_WAVE_CATALOGUE)
            .ok_or_else(|| format!("the demo has no catalogue {FIRST_WAVE_CATALOGUE}"))?;
        self.questionnaire.check_catalogue(catalogue)?;
        let wave = NewWave {
            id: WaveId::parse(id)?,
            title: title.to_owned(),
            catalogue_id: catalogue.id.clone(),
            catalogue_version: catalogue.version.clone(),
            questionnaire_id: self.questionnaire.id.clone(),
            opens_on: targets.opens,
            closes_on: targets.closes,
        };
        wave.check()?;
        let asked = self.municipalities_asked_on(targets.closes);
        let drivers = self.size_drivers(&asked);
        let responses = simulate_wave(&self.questionnaire, catalogue, &drivers, targets, seed);
        Ok(SimulatedWave { wave, catalogue, asked: asked.iter().map(|o| o.code.clone()).collect(), responses })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::register::{OrganisationKind, check_successions};

    #[test]
    fn the_shipped_data_is_valid_and_complete() {
        let demo = data().unwrap();
        let rows: Vec<_> = demo.organisations.iter().cloned().enumerate().collect();
        assert!(check_successions(&rows, []).is_empty());
        let municipalities_on = |date: &str| {
            let date = date.parse().unwrap();
            demo.organisations.iter().filter(|o| o.kind() == OrganisationKind::Gemeente && o.is_valid_on(date)).count()
        };
        assert_eq!(municipalities_on("2011-01-01"), 418);
        assert_eq!(municipalities_on("2026-01-01"), 342);
        assert_eq!(demo.populations.len(), 342 + 340);
        assert_eq!(demo.catalogues.len(), 2);
        assert_eq!(demo.questionnaire.id, "eerste-meting-2010");
        let slugs: Vec<&str> = demo.articles.iter().map(|a| a.slug.as_str()).collect();
        assert_eq!(slugs.len(), 5);
        assert!(slugs.contains(&"digid-aansluiten-inloggen-voor-burgers"), "{slugs:?}");
        assert!(demo.articles.iter().all(|a| !a.blocks.is_empty()), "every demo article is about a block");
    }

    #[test]
    fn the_first_wave_asks_the_418_municipalities_of_2011_and_each_has_a_size_driver() {
        let demo = data().unwrap();
        let asked = demo.municipalities_asked_on(FIRST_WAVE_CLOSES);
        assert_eq!(asked.len(), 418);
        let drivers = demo.size_drivers(&asked);
        assert_eq!(drivers.len(), 418);
        assert!(drivers.iter().all(|(_, size)| *size > 0), "every 2011 municipality lies in one with a figure today");
        let driver = |code: &str| drivers.iter().find(|(c, _)| c.as_str() == code).map(|(_, size)| *size).unwrap();
        // Amsterdam took in Weesp (2022): the two share Amsterdam's figure, and neither is shown as its population.
        assert_eq!(driver("GM0363"), driver("GM0457"));
        assert!(driver("GM0363") > 400_000);
        // Haaren was split in four (2021); the largest part, listed first, drives it, not Tilburg's size.
        assert!(driver("GM0788") < driver("GM0855"));
        // Utrecht stayed itself: its own figure.
        let utrecht = latest_on(demo.populations.iter().cloned(), SIZE_DIVISION)[&OrgCode::parse("GM0344").unwrap()].population;
        assert_eq!(driver("GM0344"), utrecht);
    }

    #[test]
    fn the_first_wave_is_simulated_with_the_shipped_questionnaire_and_catalogue() {
        let demo = data().unwrap();
        let first = demo.first_wave().unwrap();
        assert_eq!(first.wave.id.as_str(), "eerste-meting");
        assert_eq!((first.wave.catalogue_id.as_str(), first.wave.catalogue_version.as_str()), ("nup-2008", "2008"));
        assert_eq!(first.wave.questionnaire_id, "eerste-meting-2010");
        assert_eq!(first.asked.len(), 418);
        assert_eq!(first.responses.len(), 380);
        for response in &first.responses {
            assert!(first.asked.contains(&response.organisation));
            assert_eq!(demo.questionnaire.validate_all(&response.answers, first.catalogue), []);
        }
    }

    #[test]
    fn the_second_wave_asks_the_342_municipalities_of_2026_and_is_further_along() {
        use crate::questionnaire::{Answer, BlockStatus};
        let demo = data().unwrap();
        let second = demo.second_wave().unwrap();
        assert_eq!(second.wave.id.as_str(), SECOND_WAVE_ID);
        assert_eq!(second.asked.len(), 342);
        assert_eq!(second.responses.len(), (342.0 * SECOND_WAVE_TARGETS.response_rate).round() as usize);
        let in_use = |wave: &SimulatedWave| {
            let count: usize = wave
                .responses
                .iter()
                .filter_map(|r| match r.answers.get("blocks") {
                    Some(Answer::Matrix(m)) => Some(m.values().filter(|b| b.status == Some(BlockStatus::InUse)).count()),
                    _ => None,
                })
                .sum();
            count as f64 / (wave.responses.len() * wave.catalogue.blocks.len()) as f64
        };
        let first = demo.first_wave().unwrap();
        assert!(in_use(&second) > in_use(&first) + 0.3, "{} against {}", in_use(&second), in_use(&first));
        for response in &second.responses {
            assert_eq!(demo.questionnaire.validate_all(&response.answers, second.catalogue), []);
        }
    }
}
