//! `inbeeld import`: files and CBS's API into the store. A file is checked whole before anything is stored:
//! every bad row is reported as "row N, column X: what is wrong", and then nothing is imported unless the user
//! asks to import the rest.

use std::collections::HashSet;
use std::path::Path;

use anyhow::{Context, bail};
use domain::RowError;
use domain::catalogue::parse_catalogue_toml;
use domain::fieldwork::contacts::parse_contacts_csv;
use domain::geo::parse_boundaries;
use domain::population::{
    CBS_POPULATION_FIELD, CBS_POPULATION_TABLE, PopulationFigure, cbs_period, parse_cbs_population, parse_population_csv,
};
use domain::questionnaire::parse_questionnaire_toml;
use domain::register::{Organisation, check_successions, parse_register_csv};
use store::{Contact, ImportReport, OrganisationFilter, Store};

use crate::cli::Import;
use crate::progress;

pub async fn run(store: &Store, import: Import) -> anyhow::Result<()> {
    match import {
        Import::Register { file, skip_invalid } => register(store, &file, skip_invalid).await,
        Import::Population { file: Some(file), skip_invalid, .. } => population_file(store, &file, skip_invalid).await,
        Import::Population { from_cbs: Some(year), cbs_url, .. } => population_from_cbs(store, year, &cbs_url).await,
        Import::Population { .. } => bail!("give a CSV file or --from-cbs YEAR"),
        Import::Catalogue { file } => catalogue(store, &file).await,
        Import::Questionnaire { file } => questionnaire(store, &file).await,
        Import::Contacts { file, skip_invalid } => contacts(store, &file, skip_invalid).await,
        Import::Boundaries { source, year } => boundaries(store, &source, year).await,
    }
}

fn read(file: &Path) -> anyhow::Result<String> {
    let bytes = std::fs::read(file).with_context(|| format!("cannot read {}", file.display()))?;
    String::from_utf8(bytes)
        .map_err(|e| anyhow::anyhow!("{} is not UTF-8 text (byte {} is not valid)", file.display(), e.utf8_error().valid_up_to()))
}

/// Refuses a file with errors, or with `skip_invalid` prints what is skipped.
fn judge(file: &Path, errors: &[RowError], skip_invalid: bool) -> anyhow::Result<()> {
    if errors.is_empty() {
        return Ok(());
    }
    let mut rows: Vec<usize> = errors.iter().map(|e| e.row).collect();
    rows.dedup();
    for error in errors {
        eprintln!("{}: {error}", file.display());
    }
    if skip_invalid {
        eprintln!("{}: skipping {} invalid row(s); importing the rest", file.display(), rows.len());
        Ok(())
    } else {
        bail!(
            "{}: {} row(s) are invalid, so nothing was imported; correct them, or import the valid rows with --skip-invalid",
            file.display(),
            rows.len()
        )
    }
}

/// The rows that `errors` refuse, to look up once per row: a file of 100,000 rows is not searched per row.
fn refused_rows(errors: &[RowError]) -> HashSet<usize> {
    errors.iter().map(|error| error.row).collect()
}

fn print_report(what: &str, report: ImportReport) {
    println!("{what}: {} added, {} updated, {} unchanged", report.added, report.updated, report.unchanged);
}

async fn register(store: &Store, file: &Path, skip_invalid: bool) -> anyhow::Result<()> {
    let parsed = parse_register_csv(&read(file)?);
    if parsed.errors.iter().any(|e| e.row == 1) {
        judge(file, &parsed.errors, false)?;
    }
    let stored = store.organisations(&OrganisationFilter::default()).await?;
    let mut rows = parsed.organisations;
    let mut errors = parsed.errors;
    // Skipping a row can orphan rows that name it as successor, so check again until nothing changes.
    loop {
        let found = check_successions(&rows, stored.iter().cloned());
        if found.is_empty() {
            break;
        }
        let refused = refused_rows(&found);
        rows.retain(|(row, _)| !refused.contains(row));
        errors.extend(found);
        if !skip_invalid {
            break;
        }
    }
    errors.sort_by_key(|e| e.row);
    judge(file, &errors, skip_invalid)?;
    let organisations: Vec<Organisation> = rows.into_iter().map(|(_, o)| o).collect();
    let bar = progress::bar(organisations.len(), "register");
    let report = store.import_register(&organisations, &super::command_line_author(), &mut |done| bar.set_position(done as u64)).await?;
    bar.finish_and_clear();
    print_report(&format!("{}: register", file.display()), report);
    Ok(())
}

/// Figures for codes the register does not know are refused: a population belongs to an organisation.
async fn unknown_codes(store: &Store, figures: &[(usize, PopulationFigure)]) -> anyhow::Result<Vec<RowError>> {
    let known: std::collections::BTreeSet<_> =
        store.organisations(&OrganisationFilter::default()).await?.into_iter().map(|o| o.code).collect();
    Ok(figures
        .iter()
        .filter(|(_, f)| !known.contains(&f.code))
        .map(|(row, f)| RowError::new(*row, "cbs_code", format!("{} is not in the register; import its division first", f.code)))
        .collect())
}

async fn population_file(store: &Store, file: &Path, skip_invalid: bool) -> anyhow::Result<()> {
    let source = format!("CBS, bestand {}", file.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default());
    let parsed = parse_population_csv(&read(file)?, &source);
    let mut errors = parsed.errors;
    errors.extend(unknown_codes(store, &parsed.figures).await?);
    errors.sort_by_key(|e| e.row);
    judge(file, &errors, skip_invalid)?;
    let refused = refused_rows(&errors);
    let figures: Vec<PopulationFigure> = parsed.figures.into_iter().filter(|(row, _)| !refused.contains(row)).map(|(_, f)| f).collect();
    let bar = progress::bar(figures.len(), "population");
    let report = store.import_population(&figures, &super::command_line_author(), &mut |done| bar.set_position(done as u64)).await?;
    bar.finish_and_clear();
    print_report(&format!("{}: population", file.display()), report);
    Ok(())
}

async fn population_from_cbs(store: &Store, year: i32, base_url: &str) -> anyhow::Result<()> {
    let client = reqwest::Client::builder().timeout(std::time::Duration::from_secs(60)).build()?;
    let first = format!("{}/{CBS_POPULATION_TABLE}/TypedDataSet", base_url.trim_end_matches('/'));
    let filter = format!("Perioden eq '{}' and startswith(RegioS,'GM')", cbs_period(year));
    let select = format!("RegioS,Perioden,{CBS_POPULATION_FIELD}");
    let mut request = client.get(&first).query(&[("$filter", filter.as_str()), ("$select", select.as_str())]);
    let (mut figures, mut without) = (Vec::new(), Vec::new());
    let bar = progress::bar(0, "CBS pages");
    for page_number in 1.. {
        let response = request.send().await.with_context(|| format!("cannot reach CBS at {first}"))?;
        let status = response.status();
        let body = response.text().await.context("reading CBS's answer")?;
        if !status.is_success() {
            bail!("CBS answered {status} for table {CBS_POPULATION_TABLE}, period {}", cbs_period(year));
        }
        let page = parse_cbs_population(&body, year).map_err(|e| anyhow::anyhow!("page {page_number}: {e}"))?;
        figures.extend(page.figures);
        without.extend(page.without_figure);
        bar.inc(1);
        match page.next_link {
            Some(next) => request = client.get(next),
            None => break,
        }
    }
    bar.finish_and_clear();
    if figures.is_empty() {
        bail!("CBS gave no municipal figures for {} in table {CBS_POPULATION_TABLE}", cbs_period(year));
    }
    let numbered: Vec<(usize, PopulationFigure)> = figures.into_iter().enumerate().collect();
    let unknown = unknown_codes(store, &numbered).await?;
    if !unknown.is_empty() {
        let codes: Vec<String> = unknown.iter().map(|e| numbered[e.row].1.code.to_string()).collect();
        eprintln!("CBS: {} code(s) are not in the register and were skipped: {}", codes.len(), codes.join(", "));
    }
    if !without.is_empty() {
        eprintln!(
            "CBS: {} municipality(ies) without a figure: {}",
            without.len(),
            without.iter().map(ToString::to_string).collect::<Vec<_>>().join(", ")
        );
    }
    let refused = refused_rows(&unknown);
    let figures: Vec<PopulationFigure> = numbered.into_iter().filter(|(index, _)| !refused.contains(index)).map(|(_, f)| f).collect();
    let report = store.import_population(&figures, &super::command_line_author(), &mut |_| {}).await?;
    print_report(&format!("CBS {CBS_POPULATION_TABLE} {}: population", cbs_period(year)), report);
    Ok(())
}

async fn catalogue(store: &Store, file: &Path) -> anyhow::Result<()> {
    let name = file.display().to_string();
    let catalogue = match parse_catalogue_toml(&read(file)?, &name) {
        Ok(catalogue) => catalogue,
        Err(errors) => {
            for error in &errors {
                eprintln!("{error}");
            }
            bail!("{name}: {} problem(s), so the catalogue was not imported", errors.len());
        }
    };
    let report = store.import_catalogue(&catalogue, &super::command_line_author()).await?;
    print_report(&format!("{name}: catalogue {} version {} ({} blocks)", catalogue.id, catalogue.version, catalogue.size()), report);
    Ok(())
}

async fn questionnaire(store: &Store, file: &Path) -> anyhow::Result<()> {
    let name = file.display().to_string();
    let text = read(file)?;
    let questionnaire = match parse_questionnaire_toml(&text, &name) {
        Ok(questionnaire) => questionnaire,
        Err(errors) => {
            for error in &errors {
                eprintln!("{error}");
            }
            bail!("{name}: {} problem(s), so the questionnaire was not imported", errors.len());
        }
    };
    let author = super::command_line_author();
    let stored = store.import_questionnaire(&questionnaire.id, &questionnaire.version, &questionnaire.title.nl, &text, &author).await?;
    let what = format!("{name}: questionnaire {}", questionnaire.id);
    if stored.unchanged {
        println!("{what}: unchanged (stored as version {})", stored.version);
    } else if stored.waves_moved.is_empty() {
        println!("{what}: stored as version {}", stored.version);
    } else {
        println!("{what}: stored as version {}; waves now asking it: {}", stored.version, stored.waves_moved.join(", "));
    }
    Ok(())
}

async fn contacts(store: &Store, file: &Path, skip_invalid: bool) -> anyhow::Result<()> {
    let parsed = parse_contacts_csv(&read(file)?);
    let municipalities: std::collections::BTreeSet<_> = store
        .organisations(&OrganisationFilter { kind: Some(domain::register::OrganisationKind::Gemeente), ..OrganisationFilter::default() })
        .await?
        .into_iter()
        .map(|o| o.code)
        .collect();
    let mut errors = parsed.errors;
    errors.extend(parsed.contacts.iter().filter(|(_, c)| !municipalities.contains(&c.organisation)).map(|(row, c)| {
        RowError::new(*row, "organisation_code", format!("{} is not in the register; import its division first", c.organisation))
    }));
    errors.sort_by_key(|e| e.row);
    judge(file, &errors, skip_invalid)?;
    let refused = refused_rows(&errors);
    let contacts: Vec<Contact> = parsed
        .contacts
        .into_iter()
        .filter(|(row, _)| !refused.contains(row))
        .map(|(_, c)| Contact { organisation: c.organisation, name: c.name, email: c.email.to_string() })
        .collect();
    let report = store.import_contacts(&contacts, &super::command_line_author()).await?;
    print_report(&format!("{}: contacts", file.display()), report);
    Ok(())
}

/// A boundary file is machine-made, so its first problem is reported and nothing is stored: one wrong
/// projection or a cut-off download would otherwise give a message for every feature.
async fn boundaries(store: &Store, source: &str, year: i32) -> anyhow::Result<()> {
    let text =
        if source.starts_with("http://") || source.starts_with("https://") { fetch(source).await? } else { read(Path::new(source))? };
    let boundaries = parse_boundaries(&text).map_err(|error| anyhow::anyhow!("{source}: {error}; nothing was imported"))?;
    let known: std::collections::BTreeSet<_> =
        store.organisations(&OrganisationFilter::default()).await?.into_iter().map(|o| o.code).collect();
    let unknown: Vec<String> = boundaries.shapes.iter().filter(|s| !known.contains(&s.code)).map(|s| s.code.to_string()).collect();
    if !unknown.is_empty() {
        const SHOWN: usize = 5;
        let more = if unknown.len() > SHOWN { format!(" and {} more", unknown.len() - SHOWN) } else { String::new() };
        eprintln!(
            "{source}: warning: {} of {} code(s) are not in the register, so their shapes are stored but have no name on the map: {}{more}",
            unknown.len(),
            boundaries.len(),
            unknown[..unknown.len().min(SHOWN)].join(", ")
        );
    }
    let report = store.import_boundaries(year, &boundaries, &super::command_line_author()).await?;
    println!(
        "{source}: boundaries {year}: {} shapes; {} added, {} updated, {} unchanged, {} removed",
        boundaries.len(),
        report.added,
        report.updated,
        report.unchanged,
        report.removed
    );
    Ok(())
}

async fn fetch(url: &str) -> anyhow::Result<String> {
    let client = reqwest::Client::builder().timeout(std::time::Duration::from_secs(120)).build()?;
    let response = client.get(url).send().await.with_context(|| format!("cannot fetch {url}"))?;
    let status = response.status();
    if !status.is_success() {
        bail!("{url} answered {status}; nothing was imported");
    }
    let bytes = response.bytes().await.with_context(|| format!("reading the answer of {url}"))?;
    String::from_utf8(bytes.to_vec())
        .map_err(|e| anyhow::anyhow!("{url} did not answer with UTF-8 text (byte {} is not valid)", e.utf8_error().valid_up_to()))
}
