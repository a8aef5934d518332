//! The demo: loads the data that the domain embeds (see `domain::demo`), the knowledge-base articles included, into
//! an empty database, and stores the simulated waves (the first, and a later one for trends) the way real fieldwork
//! would: a questionnaire, a wave opened, responses submitted, the wave closed and published. The waves are marked
//! simulated, so that every page showing them says so. `inbeeld demo` and `serve --demo` fill a database with it,
//! and the tests store the same waves through the same functions.

use domain::audit::Author;
use domain::demo::{DemoData, SimulatedWave};
use domain::fieldwork::{Edit, Wave, WaveState};
use store::{SaveAnswers, Store};

use crate::AppError;
use crate::waves::move_wave;

/// Fills an empty database with the demo; leaves a database with data alone. Returns whether it filled.
pub async fn fill(store: &Store, author: &Author) -> Result<bool, AppError> {
    if !store.is_empty().await? {
        return Ok(false);
    }
    let demo = domain::demo::data().map_err(AppError::DemoData)?;
    store_reference_data(store, &demo, author).await?;
    for article in &demo.articles {
        store.create_article(article, author).await?;
    }
    let first = demo.first_wave().map_err(AppError::DemoData)?;
    store_simulated_wave(store, &demo, &first, WaveState::Published, author).await?;
    let second = demo.second_wave().map_err(AppError::DemoData)?;
    store_simulated_wave(store, &demo, &second, WaveState::Published, author).await?;
    store_collaborations(store, &demo, &second, author).await?;
    Ok(true)
}

/// The register, the population figures and the catalogues: what every wave refers to.
pub async fn store_reference_data(store: &Store, demo: &DemoData, author: &Author) -> Result<(), AppError> {
    store.import_register(&demo.organisations, author, &mut |_| {}).await?;
    store.import_population(&demo.populations, author, &mut |_| {}).await?;
    for catalogue in &demo.catalogues {
        store.import_catalogue(catalogue, author).await?;
    }
    Ok(())
}

/// The demo's questionnaire, which both simulated waves ask; storing it again changes nothing.
pub async fn store_questionnaire(store: &Store, demo: &DemoData, author: &Author) -> Result<(), AppError> {
    let questionnaire = &demo.questionnaire;
    let source = domain::demo::QUESTIONNAIRE_SOURCE;
    store.import_questionnaire(&questionnaire.id, &questionnaire.version, &questionnaire.title.nl, source, author).await?;
    Ok(())
}

/// Stores one of the demo's simulated waves as fieldwork would: the questionnaire (unchanged if it is there), the
/// wave opened, every response submitted, then moved on to `state` (open, closed or published) by the same moves
/// the monitor team makes. The register and catalogues must be there (`store_reference_data`). Returns the wave
/// as stored.
pub async fn store_simulated_wave(
    store: &Store,
    demo: &DemoData,
    simulated: &SimulatedWave<'_>,
    state: WaveState,
    author: &Author,
) -> Result<Wave, AppError> {
    store_questionnaire(store, demo, author).await?;
    let questionnaire = &demo.questionnaire;
    let draft = store.create_wave(&simulated.wave, true, author).await?;
    move_wave(store, &draft, WaveState::Open, author).await?;
    let wave = store.wave(&draft.id).await?;
    for response in &simulated.responses {
        // Drawn answers pass the same check as a respondent's; one that does not is a fault in the simulation.
        if let Some(error) = questionnaire.validate_all(&response.answers, simulated.catalogue).first() {
            let block = error.block.as_deref().map(|block| format!(", block {block}")).unwrap_or_default();
            let problem = format!("question {}{block}: {}", error.question, error.message);
            return Err(AppError::SimulatedAnswers { organisation: response.organisation.clone(), problem });
        }
        let answers = questionnaire.without_hidden(&response.answers);
        let save = SaveAnswers {
            wave: &wave.id,
            organisation: &response.organisation,
            questionnaire_id: &wave.questionnaire_id,
            questionnaire_version: wave.questionnaire_version,
            answers: &answers,
            mode: &response.mode,
            based_on: None,
            edit: Edit::Draft,
            submit: true,
        };
        store.save_answers(&save, author).await?;
    }
    let moves: &[WaveState] = match state {
        WaveState::Open => &[],
        WaveState::Closed => &[WaveState::Closed],
        WaveState::Published => &[WaveState::Closed, WaveState::Published],
        // Refused by the wave's life: an open wave does not go back to draft.
        WaveState::Draft => &[WaveState::Draft],
    };
    for next in moves {
        move_wave(store, &store.wave(&wave.id).await?, *next, author).await?;
    }
    Ok(store.wave(&wave.id).await?)
}

/// Reviews the stored answers as `domain::demo::demo_collaborations` draws it from the newest wave: the clusters
/// become collaborations, a handful of answers is left for the review page, the rest is not taken.
async fn store_collaborations(store: &Store, demo: &DemoData, newest: &SimulatedWave<'_>, author: &Author) -> Result<(), AppError> {
    let sizes = demo.size_drivers(&demo.municipalities_asked_on(newest.wave.closes_on));
    let drawn = domain::demo::demo_collaborations(&newest.responses, &demo.organisations, &sizes);
    for answer in store.answers_to_review().await? {
        if let Some(review) = drawn.decision(&answer, &newest.wave.id) {
            store.review_answer(&answer, &review, author).await?;
        }
    }
    Ok(())
}
