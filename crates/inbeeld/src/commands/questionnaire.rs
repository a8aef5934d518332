//! `inbeeld questionnaire check`: reads a questionnaire file and reports every problem as "file, line N, field X:
//! what is wrong", so the monitor team can fix a questionnaire before a wave uses it. No database is involved.

use std::path::Path;

use anyhow::{Context, bail};
use domain::catalogue::parse_catalogue_toml;
use domain::questionnaire::parse_questionnaire_toml;

use crate::cli::QuestionnaireCommand;

pub fn run(command: &QuestionnaireCommand) -> anyhow::Result<()> {
    match command {
        QuestionnaireCommand::Check { file, catalogue } => check(file, catalogue.as_deref()),
    }
}

fn read(file: &Path) -> anyhow::Result<String> {
    let bytes = std::fs::read(file).with_context(|| format!("cannot read {}", file.display()))?;
    String::from_utf8(bytes)
        .map_err(|e| anyhow::anyhow!("{} is not UTF-8 text (byte {} is not valid)", file.display(), e.utf8_error().valid_up_to()))
}

fn check(file: &Path, catalogue_file: Option<&Path>) -> anyhow::Result<()> {
    let name = file.display().to_string();
    let questionnaire = match parse_questionnaire_toml(&read(file)?, &name) {
        Ok(questionnaire) => questionnaire,
        Err(errors) => {
            for error in &errors {
                eprintln!("{error}");
            }
            bail!("{name}: {} problem(s), so the questionnaire is not valid", errors.len());
        }
    };
    let matrix = if questionnaire.block_matrices().next().is_some() {
        format!("block matrix over catalogue {}", questionnaire.catalogue)
    } else {
        format!("no block matrix (catalogue {})", questionnaire.catalogue)
    };
    let checked = match catalogue_file {
        None => String::new(),
        Some(catalogue_file) => {
            let catalogue_name = catalogue_file.display().to_string();
            let catalogue = match parse_catalogue_toml(&read(catalogue_file)?, &catalogue_name) {
                Ok(catalogue) => catalogue,
                Err(errors) => {
                    for error in &errors {
                        eprintln!("{error}");
                    }
                    bail!("{catalogue_name}: {} problem(s), so the questionnaire could not be checked against it", errors.len());
                }
            };
            questionnaire.check_catalogue(&catalogue).map_err(|message| anyhow::anyhow!("{name}: {message} ({catalogue_name})"))?;
            format!(", checked against {catalogue_name} ({} blocks)", catalogue.size())
        }
    };
    println!(
        "{name}: questionnaire {} version {} is valid: {} pages, {} questions, {matrix}{checked}.",
        questionnaire.id,
        questionnaire.version,
        questionnaire.pages().len(),
        questionnaire.questions().count()
    );
    Ok(())
}
