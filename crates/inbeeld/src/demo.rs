//! `inbeeld demo`: loads the data that the domain embeds (see `domain::demo`), the knowledge-base articles included,
//! into an empty database, and stores the simulated waves (the first, and a later one for trends) the way real
//! fieldwork would: a questionnaire, a wave opened, responses submitted, the wave closed and published. The waves
//! are marked simulated, so that every page showing them says so.

use anyhow::{Context, bail};
use domain::demo::SimulatedWave;
use domain::fieldwork::{Edit, WaveState};
use domain::questionnaire::Questionnaire;
use store::{SaveAnswers, Store};

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
    for article in &demo.articles {
        store.create_article(article, &author).await.with_context(|| format!("loading the knowledge-base article {}", article.slug))?;
    }

    let questionnaire = &demo.questionnaire;
    store
        .import_questionnaire(
            &questionnaire.id,
            &questionnaire.version,
            &questionnaire.title.nl,
            domain::demo::QUESTIONNAIRE_SOURCE,
            &author,
        )
        .await
        .context("loading the questionnaire")?;
    let first = demo.first_wave().map_err(anyhow::Error::msg).context("drawing the simulated first wave")?;
    store_simulated_wave(store, questionnaire, &first).await.context("storing the simulated first wave")?;
    let second = demo.second_wave().map_err(anyhow::Error::msg).context("drawing the simulated second wave")?;
    store_simulated_wave(store, questionnaire, &second).await.context("storing the simulated second wave")?;
    store_collaborations(store, &demo, &second).await.context("storing the demo's collaborations")?;
    Ok(true)
}

/// Reviews the stored answers as `domain::demo::demo_collaborations` draws it from the newest wave: the clusters
/// become collaborations, a handful of answers is left for the review page, the rest is not taken.
async fn store_collaborations(store: &Store, demo: &domain::demo::DemoData, newest: &SimulatedWave<'_>) -> anyhow::Result<()> {
    let author = crate::commands::command_line_author();
    let sizes = demo.size_drivers(&demo.municipalities_asked_on(newest.wave.closes_on));
    let drawn = domain::demo::demo_collaborations(&newest.responses, &demo.organisations, &sizes);
    for answer in store.answers_to_review().await? {
        if let Some(review) = drawn.decision(&answer, &newest.wave.id) {
            store.review_answer(&answer, &review, &author).await?;
        }
    }
    Ok(())
}

/// Stores a simulated wave as fieldwork would: opened, every response submitted, closed and published.
async fn store_simulated_wave(store: &Store, questionnaire: &Questionnaire, simulated: &SimulatedWave<'_>) -> anyhow::Result<()> {
    let author = crate::commands::command_line_author();
    let wave = store.create_wave(&simulated.wave, true, &author).await.context("creating the wave")?;
    store.set_wave_state(&wave, WaveState::Open, &author).await.context("opening the wave")?;
    for response in &simulated.responses {
        // Drawn answers pass the same check as a respondent's; one that does not is a fault in the simulation.
        if let Some(error) = questionnaire.validate_all(&response.answers, simulated.catalogue).first() {
            bail!(
                "the simulated answers of {} do not pass the questionnaire (question {}{}: {})",
                response.organisation,
                error.question,
                error.block.as_deref().map(|block| format!(", block {block}")).unwrap_or_default(),
                error.message
            );
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
        store.save_answers(&save, &author).await.with_context(|| format!("storing the simulated response of {}", response.organisation))?;
    }
    let open = store.wave(&wave.id).await?;
    store.set_wave_state(&open, WaveState::Closed, &author).await.context("closing the wave")?;
    let closed = store.wave(&wave.id).await?;
    store.set_wave_state(&closed, WaveState::Published, &author).await.context("publishing the wave")?;
    Ok(())
}
