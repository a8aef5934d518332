//! The published figures of a wave, computed once per version of the data they show and then served from memory.
//! Every change writes an entry to the audit log in its own transaction, scoped to the part of the data it
//! touched (`domain::data_version`); a wave's figures are kept for the versions of its register, catalogues,
//! collaborations and trend, which every `inbeeld serve` process sharing the database reads through its
//! `VersionWatch`, so each serves the new figures within a second of a correction anywhere.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::{Arc, Mutex, PoisonError};

use chrono::NaiveDate;
use domain::analysis::indicators::{Asked, Group, Indicators, WaveInput, compute, compute_group, group_response, groups};
use domain::analysis::trend::{Division, Trend, TrendWave, trend};
use domain::analysis::{IN_USE_BYTE, Proportion, status_byte};
use domain::benchmark::{Comparison, Profile, Standing, preliminary_profile, profile, standings};
use domain::catalogue::Catalogue;
use domain::data_version::{Data, Shows, WavesShown};
use domain::fieldwork::follow_up::asked;
use domain::fieldwork::{Wave, WaveId, WaveState};
use domain::geo::Boundaries;
use domain::questionnaire::{Answer, Answers, Questionnaire};
use domain::register::{Centroid, OrgCode, Organisation, OrganisationKind, Register};
use store::{OrganisationFilter, Store};

use tokio::sync::OnceCell;

use crate::data_versions::VersionWatch;
use crate::error::WebError;
use crate::metrics::{Cache, cache_lookup};

/// What a wave's figures show: names, sizes, places and boundaries from the register, its catalogue, the partners
/// in each profile, and the trend over the published waves up to it.
pub const WAVE_FIGURES: Shows = Shows { data: &[Data::Register, Data::Catalogues, Data::Collaborations], waves: WavesShown::Named };

/// Everything the public pages, downloads and API show of one published wave.
#[derive(Debug)]
pub struct WaveFigures {
    pub wave: Wave,
    pub catalogue: Catalogue,
    pub national: Indicators,
    pub groups: Vec<GroupFigures>,
    /// The names of the organisations in the register, for labels.
    pub names: BTreeMap<OrgCode, String>,
    /// Each responding municipality's share of blocks in use, for the map.
    pub adoption_by_organisation: BTreeMap<OrgCode, f64>,
    /// The organisations the wave asked, for the map.
    pub asked: Vec<Organisation>,
    /// The published waves up to this one, oldest first, mapped onto this wave's division.
    pub trend: Trend,
    /// The same waves mapped onto the division of each earlier wave in the trend, oldest first, for a reader who
    /// chooses those boundaries.
    pub earlier_divisions: Vec<(NaiveDate, Trend)>,
    /// The same waves, each with the municipalities it asked.
    pub trend_as_it_was: Trend,
    /// Titles of the waves in the trend, by id.
    pub trend_titles: BTreeMap<String, String>,
    /// The municipal boundaries of the newest year on or before the wave's date, when any are imported.
    pub boundaries: Option<(i32, Boundaries)>,
    /// The organisations the wave asked, as the indicators and profiles group them.
    pub asked_by_group: Vec<Asked>,
    /// Each respondent's standing, for the profiles.
    pub standings: Vec<Standing>,
    /// For each municipality, those it shares a registered collaboration with.
    pub partners: BTreeMap<OrgCode, BTreeSet<OrgCode>>,
}

#[derive(Debug)]
pub struct GroupFigures {
    pub group: Group,
    pub response: Proportion,
    /// `None` below the minimum n: then only the response is published.
    pub indicators: Option<Indicators>,
}

impl WaveFigures {
    pub fn block_name(&self, code: &str) -> String {
        self.catalogue.block(code).map_or_else(|| code.to_owned(), |b| b.name.clone())
    }

    pub fn name(&self, code: &OrgCode) -> String {
        self.names.get(code).cloned().unwrap_or_else(|| code.to_string())
    }

    /// The divisions a reader can choose for the trend, oldest first: each wave's register date.
    pub fn divisions(&self) -> impl Iterator<Item = NaiveDate> + '_ {
        self.earlier_divisions.iter().map(|(date, _)| *date).chain([self.wave.register_date()])
    }

    /// The trend on the division of `date`, when it is one of `divisions`.
    pub fn trend_on(&self, date: NaiveDate) -> Option<&Trend> {
        if date == self.wave.register_date() {
            return Some(&self.trend);
        }
        self.earlier_divisions.iter().find(|(d, _)| *d == date).map(|(_, trend)| trend)
    }

    /// Every trend a reader can choose on the dashboard, as the open data publishes them: on each division of
    /// `divisions`, then as each wave asked.
    pub fn trends(&self) -> Vec<&Trend> {
        self.divisions().filter_map(|date| self.trend_on(date)).chain([&self.trend_as_it_was]).collect()
    }

    /// A wave's title for its id, for the trend.
    pub fn trend_title(&self, id: &str) -> String {
        self.trend_titles.get(id).cloned().unwrap_or_else(|| id.to_owned())
    }

    /// Where `code` stands among its peers in this wave; `None` when the wave did not ask it.
    pub fn profile(&self, code: &OrgCode) -> Option<Profile> {
        let partners = self.partners.get(code).cloned().unwrap_or_default();
        profile(code, &self.asked_by_group, &self.standings, &partners, &self.catalogue)
    }

    /// Where `code` stands in this wave before it is published (these figures from `load_own`), against the
    /// respondents of `published`, when there is a published wave to compare with.
    pub fn preliminary_profile(&self, code: &OrgCode, published: Option<&WaveFigures>) -> Option<Profile> {
        let partners = self.partners.get(code).cloned().unwrap_or_default();
        let own = self.standings.iter().find(|s| &s.code == code);
        let comparison = published.map(|p| Comparison { asked: &p.asked_by_group, standings: &p.standings });
        preliminary_profile(code, &self.asked_by_group, own, comparison, &partners, &self.catalogue)
    }

    pub fn group(&self, group: &Group) -> Option<&GroupFigures> {
        self.groups.iter().find(|g| &g.group == group)
    }
}

/// The figures of the published waves, each kept for the versions it was computed for.
#[derive(Debug)]
pub struct FiguresCache {
    versions: Arc<VersionWatch>,
    waves: Mutex<HashMap<String, Kept>>,
}

/// A wave's figures for one list of versions: computed by the first request that needs them, while the others
/// that need them meanwhile wait for that one computation.
#[derive(Debug)]
struct Kept {
    versions: Vec<i64>,
    figures: Arc<OnceCell<Arc<WaveFigures>>>,
}

impl FiguresCache {
    pub fn new(versions: Arc<VersionWatch>) -> Self {
        Self { versions, waves: Mutex::default() }
    }

    /// The newest published wave with the same catalogue as `wave`, to compare a profile with before `wave` is
    /// published; `None` when there is none.
    pub async fn comparison_for(&self, store: &Store, wave: &Wave) -> Result<Option<Arc<WaveFigures>>, WebError> {
        let same = published_waves(store)
            .await?
            .into_iter()
            .find(|w| w.id != wave.id && w.catalogue_id == wave.catalogue_id && w.catalogue_version == wave.catalogue_version);
        match same {
            Some(published) => Ok(Some(self.wave(store, published.id.as_str()).await?)),
            None => Ok(None),
        }
    }

    /// Computes the figures of every published wave that are not computed for the current versions.
    pub async fn warm(&self, store: &Store) -> Result<(), WebError> {
        let versions = self.versions.current(store).await?;
        for wave in &versions.published {
            self.wave(store, wave.id.as_str()).await?;
        }
        Ok(())
    }

    /// The versions the figures of `id` are computed for, when they are, without computing them.
    #[cfg(test)]
    fn computed_for(&self, id: &str) -> Option<Vec<i64>> {
        let waves = self.waves.lock().unwrap_or_else(PoisonError::into_inner);
        waves.get(id).filter(|kept| kept.figures.initialized()).map(|kept| kept.versions.clone())
    }

    /// The figures of a published wave; a wave that does not exist or is not published is not found.
    pub async fn wave(&self, store: &Store, id: &str) -> Result<Arc<WaveFigures>, WebError> {
        let versions = self.versions.current(store).await?;
        let Some(shown) = versions.of(&WAVE_FIGURES, Some(id)) else {
            return Err(not_published());
        };
        let cell = {
            let mut waves = self.waves.lock().unwrap_or_else(PoisonError::into_inner);
            // Figures of a wave no longer published are not kept for the day it is published again; they are let go
            // when another wave's are first kept, as waves are published and withdrawn only now and then.
            if !waves.contains_key(id) {
                waves.retain(|kept, _| versions.published.iter().any(|w| w.id.as_str() == kept));
            }
            let kept = waves.entry(id.to_owned()).or_insert_with(|| Kept { versions: shown.clone(), figures: Arc::default() });
            if kept.versions != shown {
                *kept = Kept { versions: shown, figures: Arc::default() };
            }
            Arc::clone(&kept.figures)
        };
        if let Some(figures) = cell.get() {
            cache_lookup(Cache::Figures, true);
            return Ok(Arc::clone(figures));
        }
        cache_lookup(Cache::Figures, false);
        // Read after the versions were, so the figures are never older than the versions they are kept for.
        let figures = cell.get_or_try_init(|| async { load(store, id).await.map(Arc::new) }).await?;
        Ok(Arc::clone(figures))
    }
}

/// How often a process looks whether a published wave's figures must be computed again.
const WARM_EVERY: std::time::Duration = std::time::Duration::from_millis(250);

/// Computes the figures of the published waves again as soon as the data they show changes, until `stop` says
/// so, so that the first visitor after a change finds them ready and waits only for the page to be written.
pub async fn keep_figures_warm(state: crate::AppState, mut stop: tokio::sync::watch::Receiver<bool>) {
    loop {
        if let Err(error) = state.figures.warm(&state.store).await {
            // A database away for a moment: the next visitor computes them, as without warming.
            tracing::warn!(error = %error, "the figures could not be computed ahead of the visitors");
        }
        tokio::select! {
            _ = tokio::time::sleep(WARM_EVERY) => {}
            _ = stop.changed() => return,
        }
    }
}

/// The published waves, newest first.
pub async fn published_waves(store: &Store) -> Result<Vec<Wave>, WebError> {
    Ok(store.waves().await?.into_iter().filter(|w| w.state == WaveState::Published).collect())
}

pub(crate) fn not_published() -> WebError {
    WebError::NotFound("Deze meting bestaat niet of is (nog) niet gepubliceerd. Op /metingen staan de gepubliceerde metingen.".into())
}

/// One wave's data, read from the store.
pub(crate) struct WaveData {
    pub(crate) wave: Wave,
    pub(crate) catalogue: Catalogue,
    pub(crate) blocks: Vec<String>,
    pub(crate) questionnaire: Questionnaire,
    pub(crate) asked: Vec<Asked>,
    pub(crate) asked_organisations: Vec<Organisation>,
    pub(crate) responses: Vec<(OrgCode, Answers)>,
}

impl WaveData {
    pub(crate) fn input(&self) -> WaveInput<'_> {
        WaveInput { asked: &self.asked, responses: &self.responses, blocks: &self.blocks, questionnaire: &self.questionnaire }
    }
}

pub(crate) async fn wave_data(store: &Store, wave: Wave, register: &[Organisation]) -> Result<WaveData, WebError> {
    let catalogue = store.catalogue(&wave.catalogue_id, Some(&wave.catalogue_version)).await?;
    let stored = store.questionnaire(&wave.questionnaire_id, wave.questionnaire_version).await?;
    let questionnaire = stored.parse()?;
    let date = wave.register_date();
    let populations = store.populations_on(date).await?;
    let asked_organisations: Vec<Organisation> = asked(register, date).into_iter().cloned().collect();
    let asked = asked_organisations
        .iter()
        .map(|o| Asked { code: o.code.clone(), province: o.province.clone(), size_class: populations.get(&o.code).map(|p| p.size_class()) })
        .collect();
    let responses = store.submitted_answers(&wave.id).await?;
    let blocks = catalogue.blocks.iter().map(|b| b.code.clone()).collect();
    Ok(WaveData { wave, catalogue, blocks, questionnaire, asked, asked_organisations, responses })
}

async fn load(store: &Store, id: &str) -> Result<WaveFigures, WebError> {
    let id = WaveId::parse(id).map_err(|_| not_published())?;
    let wave = store.wave(&id).await.map_err(|_| not_published())?;
    if wave.state != WaveState::Published {
        return Err(not_published());
    }
    load_wave(store, wave, None).await
}

/// The figures of a wave that is not published, for the profile its municipality `code` may see before
/// publication: read afresh with that municipality's own answers only, since the others' are not public yet, and
/// never kept, so that nothing unpublished reaches the cache the public reads.
pub async fn load_own(store: &Store, wave: Wave, code: &OrgCode) -> Result<WaveFigures, WebError> {
    load_wave(store, wave, Some(code)).await
}

/// The figures of `wave`, of the answers of `only` when given, or of all.
async fn load_wave(store: &Store, wave: Wave, only: Option<&OrgCode>) -> Result<WaveFigures, WebError> {
    let register = store.organisations(&OrganisationFilter::default()).await?;
    let names = register.iter().map(|o| (o.code.clone(), o.name.clone())).collect();

    // The trend runs over the published waves up to this one, oldest first.
    let mut earlier: Vec<Wave> =
        published_waves(store).await?.into_iter().filter(|w| w.closes_on <= wave.closes_on && w.id != wave.id).collect();
    earlier.sort_by_key(|w| w.closes_on);
    let mut series = Vec::new();
    for other in earlier {
        series.push(wave_data(store, other, &register).await?);
    }
    let mut data = wave_data(store, wave, &register).await?;
    if let Some(code) = only {
        data.responses.retain(|(respondent, _)| respondent == code);
    }
    let input = data.input();
    let national = compute(&input);
    let groups = groups(&input)
        .into_iter()
        .map(|group| GroupFigures { response: group_response(&input, &group), indicators: compute_group(&input, &group), group })
        .collect();
    let adoption_by_organisation = adoption_by_organisation(&data);
    let centroids: BTreeMap<OrgCode, Centroid> = register.iter().filter_map(|o| Some((o.code.clone(), o.centroid?))).collect();
    let partners = store.partners_by_organisation().await?;
    let standings = standings(&input, &centroids, &partners);
    let boundaries = store.boundaries_for(data.wave.register_date(), OrganisationKind::Gemeente).await?;

    let register_index = Register::new(register.iter().filter(|o| o.kind() == OrganisationKind::Gemeente).cloned());
    let trend_waves: Vec<TrendWave> =
        series.iter().chain([&data]).map(|d| TrendWave { id: d.wave.id.as_str(), input: d.input() }).collect();
    let trend_titles = series.iter().chain([&data]).map(|d| (d.wave.id.to_string(), d.wave.title.clone())).collect();
    let mapped = trend(&trend_waves, &register_index, Division::On(data.wave.register_date()));
    let mut earlier_dates: Vec<NaiveDate> =
        series.iter().map(|d| d.wave.register_date()).filter(|date| *date != data.wave.register_date()).collect();
    earlier_dates.dedup();
    let earlier_divisions =
        earlier_dates.into_iter().map(|date| (date, trend(&trend_waves, &register_index, Division::On(date)))).collect();
    let as_it_was = trend(&trend_waves, &register_index, Division::AsItWas);
    drop(trend_waves);
    Ok(WaveFigures {
        national,
        groups,
        names,
        adoption_by_organisation,
        asked: data.asked_organisations,
        trend: mapped,
        earlier_divisions,
        trend_as_it_was: as_it_was,
        trend_titles,
        boundaries,
        asked_by_group: data.asked,
        standings,
        partners,
        catalogue: data.catalogue,
        wave: data.wave,
    })
}

fn adoption_by_organisation(data: &WaveData) -> BTreeMap<OrgCode, f64> {
    if data.blocks.is_empty() {
        return BTreeMap::new();
    }
    data.responses
        .iter()
        .filter_map(|(code, answers)| {
            let Some(Answer::Matrix(matrix)) = answers.get(domain::analysis::indicators::questions::BLOCKS) else { return None };
            let in_use = data.blocks.iter().filter(|b| status_byte(matrix.get(*b).and_then(|a| a.status)) == IN_USE_BYTE).count();
            Some((code.clone(), in_use as f64 / data.blocks.len() as f64))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use domain::audit::{Actor, Author, Origin};
    use store::testing::fresh;

    use super::*;

    #[tokio::test]
    async fn a_change_a_wave_shows_has_its_figures_computed_again_before_anyone_asks() {
        let (store, _database) = fresh(store::Backend::Sqlite).await.unwrap_or_else(|e| panic!("{e}"));
        let author = Author::new(Actor::CommandLine { os_user: "test".into() }, Origin::default());
        app::demo::fill(&store, &author).await.unwrap_or_else(|e| panic!("{e}"));
        let cache = FiguresCache::new(Arc::default());
        cache.warm(&store).await.unwrap_or_else(|e| panic!("{e}"));
        let first = cache.computed_for("eerste-meting").expect("computed ahead of any visitor");
        assert!(cache.computed_for("vervolgmeting").is_some(), "every published wave");
        let after = |action: &'static str, target: &str| {
            let (cache, store, author) = (&cache, &store, &author);
            let change = author.change(action, target.to_owned(), None, None);
            async move {
                store.record(&change).await.unwrap_or_else(|e| panic!("{e}"));
                tokio::time::sleep(Duration::from_millis(300)).await;
                cache.warm(store).await.unwrap_or_else(|e| panic!("{e}"));
                cache.computed_for("eerste-meting").expect("computed")
            }
        };
        assert_eq!(after("login.password", "iemand@inbeeld.example").await, first, "nothing the figures show changed");
        assert_eq!(after("response.save", "proef/GM0363").await, first, "a wave that is not published is not shown");
        assert_ne!(after("response.correct", "eerste-meting/GM0363").await, first, "a correction in the wave is");
    }
}
