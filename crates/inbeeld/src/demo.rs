//! `inbeeld demo`: loads the data that the domain embeds (see `domain::demo`) into an empty database, and stores the
//! simulated first wave the way real fieldwork would: a questionnaire, a wave opened, responses submitted, the wave
//! closed. The wave is marked simulated, so that every page showing it says so.

use anyhow::{Context, bail};
use domain::fieldwork::{Edit, WaveState};
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
    let wave = store.create_wave(&first.wave, true, &author).await.context("creating the simulated first wave")?;
    store.set_wave_state(&wave, WaveState::Open, &author).await.context("opening the simulated first wave")?;
    for response in &first.responses {
        // Drawn answers pass the same check as a respondent's; one that does not is a fault in the simulation.
        if let Some(error) = questionnaire.validate_all(&response.answers, first.catalogue).first() {
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
    store.set_wave_state(&open, WaveState::Closed, &author).await.context("closing the simulated first wave")?;
    Ok(true)
}
