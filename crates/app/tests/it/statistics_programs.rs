//! The SPSS syntax and the R script of an export, run by the real programs, GNU PSPP and R, on the CSV export of a
//! simulated wave and on a questionnaire whose labels hold quotes; the Stata do-file's grammar, since Stata
//! cannot be installed here; and the CSV export checked against its CSVW metadata by Python's csvw validator.

use std::collections::{HashMap, HashSet};
use std::fs;
use std::path::Path;
use std::process::Command;

use domain::fieldwork::WaveState;
use domain::fieldwork::export::{Column, ExportedVersion, Layout, Scope, Storage};
use domain::questionnaire::parse_questionnaire_toml;
use futures_util::stream;
use inbeeld_app::demo::{store_reference_data, store_simulated_wave};
use inbeeld_app::export::{Export, OPEN_DATA_LICENCE, responses_csvw, write_csv, write_do, write_r, write_sps};
use store::Backend;
use store::testing::{author, fresh};

const CSV: &str = "responses.csv";

/// The first simulated wave exported as CSV into `folder`; its layout and how many responses.
async fn simulated_wave(folder: &Path) -> (Layout, u64) {
    let (store, _database) = fresh(Backend::Sqlite).await.unwrap();
    let demo = domain::demo::data().unwrap();
    store_reference_data(&store, &demo, &author()).await.unwrap();
    let wave = store_simulated_wave(&store, &demo, &demo.first_wave().unwrap(), WaveState::Closed, &author()).await.unwrap();
    let export = Export::prepare(&store, wave).await.unwrap();
    let count = write_csv(&export.layout, export.responses(&store), fs::File::create(folder.join(CSV)).unwrap()).await.unwrap();
    assert!(count > 100, "the simulated wave has responses");
    (export.layout, count)
}

/// A questionnaire whose texts and labels hold both quotes, `$`, a backtick and a comma, exported without
/// responses (the CSV is its header).
async fn quoted_labels(folder: &Path) -> Layout {
    let text = r#"id = "citaten"
version = "1"
catalogue = "nup-2008"
title = { nl = "Citaten", en = "Quotes" }

[[pages]]
name = "een"
title = { nl = "Een", en = "One" }

[[pages.questions]]
name = "plan"
type = "single_choice"
text = { nl = "Heeft 's-Hertogenbosch een \"plan\"? Kost $10, `niet' veel", en = "A 'plan' or a \"plan\"?" }
choices = [{ code = "ja", nl = "Ja, 't \"plan\" is er", en = "Yes" }, { code = "nee", nl = "Nee, \"'geen'\"", en = "No" }]

[[pages.questions]]
name = "in"
type = "scale"
text = { nl = "Tevreden?", en = "Satisfied?" }
min = 1
max = 5
min_label = { nl = "'Helemaal' niet", en = "Not at all" }
max_label = { nl = "Zeer \"tevreden\"", en = "Very" }
"#;
    let questionnaire = parse_questionnaire_toml(text, "citaten.toml").unwrap();
    let demo = domain::demo::data().unwrap();
    let layout = Layout::new(&[ExportedVersion { version: 1, questionnaire }], &demo.catalogues[0]);
    write_csv(&layout, stream::empty(), fs::File::create(folder.join(CSV)).unwrap()).await.unwrap();
    layout
}

fn run(folder: &Path, program: &str, arguments: &[&str]) -> String {
    let output = Command::new(program)
        .args(arguments)
        .current_dir(folder)
        .env("LC_ALL", "C.UTF-8")
        .output()
        .unwrap_or_else(|e| panic!("{program} cannot be started ({e}); install it (see .ci/run)"));
    let printed = format!("{}{}", String::from_utf8_lossy(&output.stdout), String::from_utf8_lossy(&output.stderr));
    assert!(output.status.success(), "{program} failed:\n{printed}");
    printed
}

/// Every field of a CSV file, whatever its shape (PSPP writes its tables to CSV one after another).
fn fields(path: &Path) -> HashSet<String> {
    let mut reader = csv::ReaderBuilder::new().has_headers(false).flexible(true).from_path(path).unwrap();
    reader.records().flat_map(|record| record.unwrap().iter().map(str::to_owned).collect::<Vec<_>>()).collect()
}

fn rows(path: &Path) -> Vec<Vec<String>> {
    let mut reader = csv::ReaderBuilder::new().has_headers(false).from_path(path).unwrap();
    reader.records().map(|record| record.unwrap().iter().map(str::to_owned).collect()).collect()
}

/// The label as a program keeps it: SPSS keeps 255 bytes of a variable label and 120 of a value label.
fn kept(label: &str, bytes: usize) -> &str {
    let mut end = bytes.min(label.len());
    while !label.is_char_boundary(end) {
        end -= 1;
    }
    &label[..end]
}

/// Checks that `labelled`, the responses written back by a program with a coded column's label in place of its code,
/// agrees with the CSV export, `exported`, row for row and column for column.
fn labels_agree_with_codes(layout: &Layout, exported: &[Vec<String>], labelled: &[Vec<String>]) {
    assert_eq!(labelled.len(), exported.len(), "every response is read, each as one case");
    for (index, column) in layout.columns().iter().enumerate().filter(|(_, c)| c.storage == Storage::Text && !c.value_labels.is_empty()) {
        let meaning: HashMap<&str, &str> = column.value_labels.iter().map(|l| (l.code.as_str(), l.label_nl.as_str())).collect();
        for (row, (code, label)) in exported.iter().zip(labelled).skip(1).map(|(e, l)| (&e[index], &l[index])).enumerate() {
            let expected = if code.is_empty() { "" } else { meaning[code.as_str()] };
            assert_eq!(label, expected, "row {row}, column {}: code '{code}'", column.column);
        }
    }
}

fn value_labelled(layout: &Layout) -> impl Iterator<Item = &Column> {
    layout.columns().iter().filter(|c| !c.value_labels.is_empty())
}

#[tokio::test]
#[ignore = "needs pspp and Rscript (installed by .ci/run)"]
async fn pspp_reads_the_csv_export_with_the_labels_of_the_codebook() {
    let folder = tempfile::tempdir().unwrap();
    let (layout, count) = simulated_wave(folder.path()).await;
    let mut syntax = write_sps(&layout, CSV, Vec::new()).unwrap();
    syntax
        .extend_from_slice(b"DISPLAY DICTIONARY.\nSAVE TRANSLATE /OUTFILE='labelled.csv' /TYPE=CSV /FIELDNAMES /CELLS=LABELS /REPLACE.\n");
    fs::write(folder.path().join("responses.sps"), syntax).unwrap();
    let printed = run(folder.path(), "pspp", &["responses.sps", "-o", "output.csv"]);
    let output = fs::read_to_string(folder.path().join("output.csv")).unwrap();
    assert!(!format!("{printed}{output}").contains("warning"), "PSPP read every cell as its type:\n{printed}{output}");

    let listed = fields(&folder.path().join("output.csv"));
    for column in layout.columns() {
        assert!(listed.contains(kept(&column.label_nl, 255)), "the variable label of {} is listed", column.column);
    }
    for column in value_labelled(&layout) {
        for label in &column.value_labels {
            assert!(listed.contains(kept(&label.label_nl, 120)), "the value label '{}' of {} is listed", label.label_nl, column.column);
        }
    }
    let exported = rows(&folder.path().join(CSV));
    let labelled = rows(&folder.path().join("labelled.csv"));
    assert_eq!(exported.len() as u64, count + 1);
    labels_agree_with_codes(&layout, &exported, &labelled);
}

#[tokio::test]
#[ignore = "needs pspp and Rscript (installed by .ci/run)"]
async fn r_reads_the_csv_export_into_factors_whose_levels_are_the_codebooks_labels() {
    let folder = tempfile::tempdir().unwrap();
    let (layout, count) = simulated_wave(folder.path()).await;
    let script = write_r(&layout, CSV, Vec::new()).unwrap();
    fs::write(folder.path().join("responses.R"), script).unwrap();
    let levels = r_levels(folder.path());
    let factors: Vec<&Column> = layout.columns().iter().filter(|c| c.storage == Storage::Text && !c.value_labels.is_empty()).collect();
    assert!(factors.iter().any(|c| c.kind == "single_choice"), "the wave has a single choice question");
    for column in &factors {
        let expected: Vec<&str> = column.value_labels.iter().map(|l| l.label_nl.as_str()).collect();
        assert_eq!(levels[&column.column], expected, "the levels of {}", column.column);
    }
    let exported = rows(&folder.path().join(CSV));
    assert_eq!(exported.len() as u64, count + 1);
    labels_agree_with_codes(&layout, &exported, &rows(&folder.path().join("labelled.csv")));
    let labels = rows(&folder.path().join("variable_labels.csv"));
    let expected: Vec<Vec<String>> = layout.columns().iter().map(|c| vec![c.column.clone(), c.label_nl.clone()]).collect();
    assert_eq!(labels, expected, "every column keeps its name and has its label");
}

/// Runs `responses.R` in `folder`, then writes what it read: the factors' levels (returned), the responses with
/// labels for codes (`labelled.csv`), and each column's name and label (`variable_labels.csv`).
fn r_levels(folder: &Path) -> HashMap<String, Vec<String>> {
    let check = r#"source("responses.R")
utils::write.csv(responses, "labelled.csv", row.names = FALSE, na = "", fileEncoding = "UTF-8")
labels <- vapply(responses, function(column) attr(column, "label"), "")
utils::write.table(data.frame(names(responses), labels), "variable_labels.csv", sep = ",", row.names = FALSE,
  col.names = FALSE, qmethod = "double", fileEncoding = "UTF-8")
for (name in names(responses)) if (is.factor(responses[[name]])) {
  utils::write.table(t(c(name, levels(responses[[name]]))), "levels.csv", sep = ",", append = TRUE, row.names = FALSE,
    col.names = FALSE, qmethod = "double", fileEncoding = "UTF-8")
}
"#;
    fs::write(folder.join("check.R"), check).unwrap();
    let _ = fs::remove_file(folder.join("levels.csv"));
    run(folder, "Rscript", &["check.R"]);
    let mut reader = csv::ReaderBuilder::new().has_headers(false).flexible(true).from_path(folder.join("levels.csv")).unwrap();
    reader
        .records()
        .map(|record| {
            let record = record.unwrap();
            (record[0].to_owned(), record.iter().skip(1).map(str::to_owned).collect())
        })
        .collect()
}

#[tokio::test]
#[ignore = "needs pspp and Rscript (installed by .ci/run)"]
async fn labels_with_quotes_do_not_break_the_spss_syntax_or_the_r_script() {
    let folder = tempfile::tempdir().unwrap();
    let layout = quoted_labels(folder.path()).await;
    let mut syntax = write_sps(&layout, CSV, Vec::new()).unwrap();
    syntax.extend_from_slice(b"DISPLAY DICTIONARY.\n");
    fs::write(folder.path().join("responses.sps"), syntax).unwrap();
    run(folder.path(), "pspp", &["responses.sps", "-o", "output.csv"]);
    let listed = fields(&folder.path().join("output.csv"));
    for column in layout.columns() {
        assert!(listed.contains(&column.label_nl), "PSPP lists the label {}", column.label_nl);
    }
    for label in value_labelled(&layout).flat_map(|c| &c.value_labels) {
        assert!(listed.contains(&label.label_nl), "PSPP lists the value label {}", label.label_nl);
    }

    fs::write(folder.path().join("responses.R"), write_r(&layout, CSV, Vec::new()).unwrap()).unwrap();
    let levels = r_levels(folder.path());
    assert_eq!(levels["plan"], ["Ja, 't \"plan\" is er", "Nee, \"'geen'\""]);
    let labels = rows(&folder.path().join("variable_labels.csv"));
    assert!(labels.contains(&vec!["plan".to_owned(), "Heeft 's-Hertogenbosch een \"plan\"? Kost $10, `niet' veel".to_owned()]));
}

/// What the do-file check needs to know of Stata: the commands inbeeld writes, the first word of each.
const STATA_COMMANDS: [&str; 11] =
    ["version", "import", "rename", "generate", "replace", "order", "drop", "destring", "format", "label", "char"];

/// Checks a do-file's grammar as far as inbeeld writes it: every command known, every string closed with no macro
/// in it, every value label defined used by a variable, and every one of `columns` renamed from Stata's `v1`, `v2`,
/// … to a name that gets a variable label. Returns the names.
fn check_do_file(text: &str, columns: usize) -> Vec<String> {
    let joined = text.replace(" ///\n", " ");
    let mut defined = HashSet::new();
    let mut used = HashSet::new();
    let mut labelled = HashSet::new();
    let mut names = Vec::new();
    for (number, line) in joined.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('*') {
            continue;
        }
        let words = outside_strings(line, number);
        let command = words.first().map(String::as_str).unwrap_or_default();
        assert!(STATA_COMMANDS.contains(&command), "line {number}: unknown command '{command}' in: {line}");
        match (command, words.get(1).map(String::as_str)) {
            ("label", Some("define")) => assert!(defined.insert(words[2].clone()), "line {number}: defined twice"),
            ("label", Some("values")) => {
                used.insert(words[3].clone());
            }
            ("label", Some("variable")) => {
                labelled.insert(words[2].clone());
            }
            ("label", other) => panic!("line {number}: unknown label command {other:?}"),
            ("rename", _) if line.starts_with("rename (") => {
                let lists: Vec<&str> = line.split(['(', ')']).map(str::trim).filter(|part| !part.is_empty()).skip(1).collect();
                assert_eq!(lists.len(), 2, "line {number}: rename (old) (new)");
                let old: Vec<&str> = lists[0].split_whitespace().collect();
                assert_eq!(old, (1..=columns).map(|n| format!("v{n}")).collect::<Vec<_>>(), "every column of the CSV");
                names = lists[1].split_whitespace().map(str::to_owned).collect();
            }
            _ => {}
        }
    }
    assert_eq!(names.len(), columns, "every column of the CSV gets a name");
    for name in &names {
        assert!(name.len() <= 32 && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'), "a Stata name: {name}");
        assert!(labelled.contains(name), "{name} has a variable label");
    }
    assert_eq!(names.iter().collect::<HashSet<_>>().len(), names.len(), "the names are unique");
    assert_eq!(defined, used, "every value label defined is used, and every one used is defined");
    names
}

/// The words of a line with each string left out; panics on a string that is not closed or holds a macro.
fn outside_strings(line: &str, number: usize) -> Vec<String> {
    let mut words = String::new();
    let mut characters = line.chars().peekable();
    while let Some(character) = characters.next() {
        match character {
            '`' if characters.peek() == Some(&'"') => {
                characters.next();
                // A compound string ends at the first "' that is not escaped; a macro inside would expand.
                let mut previous = ' ';
                loop {
                    let Some(inside) = characters.next() else { panic!("line {number}: a compound string is not closed: {line}") };
                    if (inside == '`' || inside == '$') && previous != '\\' {
                        panic!("line {number}: an unescaped macro character in a string: {line}");
                    }
                    if inside == '"' && characters.peek() == Some(&'\'') {
                        characters.next();
                        break;
                    }
                    previous = inside;
                }
                words.push_str(" \"\" ");
            }
            '"' => {
                loop {
                    match characters.next() {
                        Some('"') => break,
                        Some('`' | '$') => panic!("line {number}: a macro character in a string: {line}"),
                        Some(_) => {}
                        None => panic!("line {number}: a string is not closed: {line}"),
                    }
                }
                words.push_str(" \"\" ");
            }
            '`' | '$' => panic!("line {number}: a macro outside a string: {line}"),
            other => words.push(other),
        }
    }
    words.split_whitespace().map(str::to_owned).collect()
}

#[tokio::test]
async fn the_stata_do_file_labels_every_column_of_the_csv_in_a_grammar_stata_reads() {
    let folder = tempfile::tempdir().unwrap();
    let (layout, _) = simulated_wave(folder.path()).await;
    let text = String::from_utf8(write_do(&layout, CSV, Vec::new()).unwrap()).unwrap();
    let names = check_do_file(&text, layout.columns().len());
    assert_eq!(names[..3], ["wave", "organisation_code", "organisation_name"]);
    assert!(text.contains("label define state ///\n    1 `\"concept, nog niet ingediend\"' ///\n    2 `\"ingediend\"'\n"));
    assert!(text.contains("replace _inbeeld_converted = 2 if state == `\"submitted\"'\n"));

    let layout = quoted_labels(folder.path()).await;
    let text = String::from_utf8(write_do(&layout, CSV, Vec::new()).unwrap()).unwrap();
    let names = check_do_file(&text, layout.columns().len());
    assert!(names.contains(&"in_".to_owned()), "a reserved word is no name: {names:?}");
    assert!(text.contains("label variable plan `\"Heeft 's-Hertogenbosch een \"plan\"? Kost \\$10, \\`niet' veel\"'\n"), "{text}");
}

/// Runs Python csvw's validator on the CSVW metadata `metadata` in `folder`: every column of the CSV described, in
/// order, and every cell of the declared datatype. Returns whether it passed, and what it said.
fn csvw_valid(folder: &Path, metadata: &str) -> (bool, String) {
    let output = Command::new("csvwvalidate")
        .args(["-v", metadata])
        .current_dir(folder)
        .output()
        .unwrap_or_else(|e| panic!("csvwvalidate cannot be started ({e}); python3 -m pip install csvw (see .ci/run)"));
    let said = format!("{}{}", String::from_utf8_lossy(&output.stdout), String::from_utf8_lossy(&output.stderr));
    (output.status.success() && said.trim_start().starts_with("OK"), said)
}

#[tokio::test]
#[ignore = "needs csvwvalidate (Python's csvw, installed by .ci/run)"]
async fn the_csv_export_is_valid_against_its_csvw_metadata() {
    let folder = tempfile::tempdir().unwrap();
    let (store, _database) = fresh(Backend::Sqlite).await.unwrap();
    let demo = domain::demo::data().unwrap();
    store_reference_data(&store, &demo, &author()).await.unwrap();
    let wave = store_simulated_wave(&store, &demo, &demo.first_wave().unwrap(), WaveState::Published, &author()).await.unwrap();
    for export in [Export::prepare(&store, wave.clone()).await.unwrap(), Export::prepare_public(&store, wave.clone()).await.unwrap()] {
        let csv = export.file_name(".csv");
        write_csv(&export.layout, export.responses(&store), fs::File::create(folder.path().join(&csv)).unwrap()).await.unwrap();
        let metadata = responses_csvw(&export, &csv);
        let name = format!("{csv}-metadata.json");
        fs::write(folder.path().join(&name), metadata.to_string()).unwrap();

        let described: Vec<&str> =
            metadata["tableSchema"]["columns"].as_array().unwrap().iter().map(|c| c["titles"].as_str().unwrap()).collect();
        let header = rows(&folder.path().join(&csv)).remove(0);
        assert_eq!(described, header, "every column of {csv} is described, in order");
        let licence = metadata.get("dc:license").map(|l| l["@id"].as_str().unwrap());
        match export.layout.scope() {
            Scope::Public => assert_eq!(licence, Some(OPEN_DATA_LICENCE), "open data states its licence"),
            Scope::Team => assert_eq!(licence, None, "the raw responses are not open data"),
        }
        let (valid, said) = csvw_valid(folder.path(), &name);
        assert!(valid, "{csv} is valid against its metadata:\n{said}");

        // The validator is not one that passes anything: a version that is no number fails.
        let mut changed = rows(&folder.path().join(&csv));
        let version = export.layout.columns().iter().position(|c| c.column == "questionnaire_version").unwrap();
        changed[1][version] = "twee".to_owned();
        let mut writer = csv::Writer::from_path(folder.path().join(&csv)).unwrap();
        for row in &changed {
            writer.write_record(row).unwrap();
        }
        writer.flush().unwrap();
        let (valid, said) = csvw_valid(folder.path(), &name);
        assert!(!valid && said.contains("twee"), "a version that is no number is found:\n{said}");
    }
}
