use std::fs::File;
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};

use anyhow::{Context, bail};
use app::export::{
    Export as WaveExport, responses_csvw, write_codebook_csv, write_csv, write_do, write_json, write_r, write_sps, write_xlsx,
};
use domain::catalogue::write_catalogue_toml;
use domain::fieldwork::export::ResponseRecord;
use domain::fieldwork::{Wave, WaveId};
use domain::register::write_register_csv;
use futures_util::{Stream, StreamExt};
use store::{OrganisationFilter, Store, StoreError};

use crate::cli::{Export, ExportFormat, Format};

pub async fn run(store: &Store, export: Export) -> anyhow::Result<()> {
    match export {
        Export::Register { date, format, output } => {
            let organisations = store.organisations(&OrganisationFilter { date, ..Default::default() }).await?;
            let text = match format {
                Format::Csv => write_register_csv(&organisations).context("writing CSV")?,
                Format::Json => serde_json::to_string_pretty(&organisations).context("writing JSON")? + "\n",
            };
            write(output, &text)
        }
        Export::Catalogue { id, version, output } => {
            let catalogue = match store.catalogue(&id, version.as_deref()).await {
                Err(StoreError::NotFound) => {
                    anyhow::bail!("there is no catalogue '{id}'{}", version.map(|v| format!(" version '{v}'")).unwrap_or_default())
                }
                other => other?,
            };
            write(output, &write_catalogue_toml(&catalogue).map_err(|e| anyhow::anyhow!("writing TOML: {e}"))?)
        }
        Export::Responses { wave, format, out } => responses(store, wave.as_deref(), format, out.as_deref()).await,
        Export::Codebook { wave, out } => {
            let export = prepare(store, wave.as_deref()).await?;
            let codebook = write_codebook_csv(&export.layout, Vec::new())?;
            write(out, &String::from_utf8_lossy(&codebook))
        }
    }
}

/// The wave asked for, or the latest one.
async fn chosen_wave(store: &Store, wave: Option<&str>) -> anyhow::Result<Wave> {
    match wave {
        Some(id) => {
            let id = WaveId::parse(id).map_err(anyhow::Error::msg)?;
            match store.wave(&id).await {
                Err(StoreError::NotFound) => bail!("there is no wave '{id}'; `inbeeld wave list` shows them"),
                other => Ok(other?),
            }
        }
        None => match store.waves().await?.into_iter().next() {
            Some(latest) => Ok(latest),
            None => bail!("there are no waves yet, so there is nothing to export; make one with `inbeeld wave create`"),
        },
    }
}

async fn prepare(store: &Store, wave: Option<&str>) -> anyhow::Result<WaveExport> {
    let wave = chosen_wave(store, wave).await?;
    let id = wave.id.clone();
    WaveExport::prepare(store, wave).await.with_context(|| format!("cannot prepare the export of wave {id}"))
}

async fn responses(store: &Store, wave: Option<&str>, format: ExportFormat, out: Option<&Path>) -> anyhow::Result<()> {
    let export = prepare(store, wave).await?;
    let progress = if std::io::stderr().is_terminal() {
        let total = store.response_count(&export.wave.id).await?;
        Some(crate::progress::bar(usize::try_from(total).unwrap_or(usize::MAX), "export"))
    } else {
        None
    };
    let counted = progress.clone();
    let responses = export.responses(store).inspect(move |_| {
        if let Some(bar) = &counted {
            bar.inc(1);
        }
    });
    let written = match out {
        Some(path) => to_file(&export, responses, format, path).await.map(Some),
        None => to_stdout(&export, responses, format).await,
    };
    if let Some(bar) = progress {
        bar.finish_and_clear();
    }
    let Some(count) = written? else { return Ok(()) };
    let wave = &export.wave.id;
    match (out, format.reader_of_csv()) {
        (Some(path), Some(reader)) => println!(
            "export: {count} response(s) of wave {wave} written to {}, the codebook to {}, its CSVW metadata to {}, and the {reader} that reads them to {}",
            csv_beside(path).display(),
            codebook_beside(&csv_beside(path)).display(),
            csvw_beside(&csv_beside(path)).display(),
            path.display()
        ),
        (Some(path), None) if format == ExportFormat::Csv => println!(
            "export: {count} response(s) of wave {wave} written to {}, the codebook to {}, its CSVW metadata to {}",
            path.display(),
            codebook_beside(path).display(),
            csvw_beside(path).display()
        ),
        (Some(path), _) => println!("export: {count} response(s) of wave {wave} written to {}", path.display()),
        (None, _) => eprintln!("export: {count} response(s) of wave {wave} written"),
    }
    Ok(())
}

async fn to_file<S>(export: &WaveExport, responses: S, format: ExportFormat, path: &Path) -> anyhow::Result<u64>
where
    S: Stream<Item = Result<ResponseRecord, StoreError>>,
{
    let written = match format {
        ExportFormat::Csv => return csv_with_codebook(export, responses, path).await,
        ExportFormat::Sps | ExportFormat::Do | ExportFormat::R => return reader_with_csv(export, responses, format, path).await,
        ExportFormat::Json => write_json(export, responses, create(path)?).await,
        ExportFormat::Xlsx => write_xlsx(export, responses, create(path)?).await,
    };
    removed_on_error(written, path)
}

/// The CSV at `path`, and beside it its codebook and its CSVW metadata.
async fn csv_with_codebook<S>(export: &WaveExport, responses: S, path: &Path) -> anyhow::Result<u64>
where
    S: Stream<Item = Result<ResponseRecord, StoreError>>,
{
    let written = match write_csv(&export.layout, responses, create(path)?).await {
        Ok(count) => write_codebook_csv(&export.layout, create(&codebook_beside(path))?).map(|_| count),
        Err(error) => Err(error),
    };
    let count = removed_on_error(written, path)?;
    let name = path.file_name().map(|name| name.to_string_lossy().into_owned()).unwrap_or_default();
    let metadata = serde_json::to_string_pretty(&responses_csvw(export, &name)).context("writing the CSVW metadata")?;
    let beside = csvw_beside(path);
    std::fs::write(&beside, metadata + "\n").with_context(|| format!("cannot write {}", beside.display()))?;
    Ok(count)
}

/// Where the CSVW metadata of a CSV goes: beside it, its name with `-metadata.json` after it, where a CSVW reader
/// looks first (responses.csv → responses.csv-metadata.json).
fn csvw_beside(path: &Path) -> PathBuf {
    let mut name = path.file_name().unwrap_or_default().to_os_string();
    name.push("-metadata.json");
    path.with_file_name(name)
}

/// An SPSS, Stata or R file at `path`, and beside it the CSV it reads with its codebook.
async fn reader_with_csv<S>(export: &WaveExport, responses: S, format: ExportFormat, path: &Path) -> anyhow::Result<u64>
where
    S: Stream<Item = Result<ResponseRecord, StoreError>>,
{
    let csv = csv_beside(path);
    if csv == path {
        bail!("{} is where the CSV goes that the file reads; give --out a name ending in .{}", path.display(), ending(format));
    }
    let count = csv_with_codebook(export, responses, &csv).await?;
    let name = csv.file_name().map(|name| name.to_string_lossy().into_owned()).unwrap_or_default();
    let written = write_reader(export, format, &name, create(path)?);
    removed_on_error(written.map(|()| count), path)
}

/// The SPSS, Stata or R file of a format that reads the CSV export named `csv_name`; nothing for another format.
fn write_reader<W: Write>(export: &WaveExport, format: ExportFormat, csv_name: &str, out: W) -> Result<(), app::AppError> {
    match format {
        ExportFormat::Sps => write_sps(&export.layout, csv_name, out).map(drop),
        ExportFormat::Do => write_do(&export.layout, csv_name, out).map(drop),
        ExportFormat::R => write_r(&export.layout, csv_name, out).map(drop),
        ExportFormat::Csv | ExportFormat::Xlsx | ExportFormat::Json => Ok(()),
    }
}

fn create(path: &Path) -> anyhow::Result<File> {
    File::create(path).with_context(|| format!("cannot write {}", path.display()))
}

fn removed_on_error<T>(written: Result<T, app::AppError>, path: &Path) -> anyhow::Result<T> {
    written.or_else(|error| {
        // Half a file looks like a whole one to the next person who opens it.
        let _ = std::fs::remove_file(path);
        Err(error).with_context(|| format!("the export to {} failed and the file was removed", path.display()))
    })
}

/// The file name ending of a format's file.
fn ending(format: ExportFormat) -> &'static str {
    match format {
        ExportFormat::Csv => "csv",
        ExportFormat::Xlsx => "xlsx",
        ExportFormat::Json => "json",
        ExportFormat::Sps => "sps",
        ExportFormat::Do => "do",
        ExportFormat::R => "R",
    }
}

/// Where the CSV goes that an SPSS, Stata or R file reads: beside it, with `.csv` for its extension.
fn csv_beside(path: &Path) -> PathBuf {
    path.with_extension("csv")
}

/// How many responses went out; none when the reader stopped reading early.
async fn to_stdout<S>(export: &WaveExport, responses: S, format: ExportFormat) -> anyhow::Result<Option<u64>>
where
    S: Stream<Item = Result<ResponseRecord, StoreError>>,
{
    let stdout = std::io::stdout();
    let written = match format {
        ExportFormat::Csv => write_csv(&export.layout, responses, stdout).await,
        ExportFormat::Json => write_json(export, responses, stdout).await,
        ExportFormat::Xlsx if stdout.is_terminal() => {
            bail!("an XLSX file is not for a terminal: give --out FILE.xlsx, or redirect standard output to a file")
        }
        ExportFormat::Xlsx => write_xlsx(export, responses, stdout).await,
        // Only the file, and no count of responses: the CSV it reads is the download of that name.
        ExportFormat::Sps | ExportFormat::Do | ExportFormat::R => {
            return match write_reader(export, format, &export.file_name(".csv"), stdout) {
                Err(error) if !error.is_broken_pipe() => Err(error.into()),
                _ => Ok(None),
            };
        }
    };
    match written {
        // A reader that stops early (`| head`) is not a failure of the export.
        Err(error) if error.is_broken_pipe() => Ok(None),
        other => Ok(Some(other?)),
    }
}

/// Where the codebook of a CSV export goes: beside it, its name with `.codebook.csv` in place of the extension.
fn codebook_beside(path: &Path) -> PathBuf {
    let stem = path.file_stem().map(|stem| stem.to_string_lossy().into_owned()).unwrap_or_else(|| "responses".to_owned());
    path.with_file_name(format!("{stem}.codebook.csv"))
}

fn write(output: Option<PathBuf>, text: &str) -> anyhow::Result<()> {
    match output {
        Some(path) => std::fs::write(&path, text).with_context(|| format!("cannot write {}", path.display())),
        None => std::io::stdout().write_all(text.as_bytes()).context("cannot write to standard output"),
    }
}
