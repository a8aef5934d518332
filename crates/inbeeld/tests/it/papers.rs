//! The project's own papers agree with the code: `publiccode.yml` with the workspace's Cargo.toml (licence,
//! repository, version) and with the standard's rules that a schema alone cannot say, `LICENSE` with the licence
//! Cargo.toml names. The whole file is validated against the publiccode.yml schema by hand (README.md, "Code").

use serde_yaml_ng::Value;

fn root_file(name: &str) -> String {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../..").join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|error| panic!("{}: {error}", path.display()))
}

fn workspace_package() -> toml::Table {
    let manifest: toml::Table = root_file("Cargo.toml").parse().unwrap();
    manifest["workspace"]["package"].as_table().unwrap().clone()
}

fn publiccode() -> Value {
    serde_yaml_ng::from_str(&root_file("publiccode.yml")).unwrap()
}

fn text<'a>(value: &'a Value, path: &[&str]) -> &'a str {
    let mut at = value;
    for key in path {
        at = at.get(*key).unwrap_or_else(|| panic!("publiccode.yml has no {}", path.join(".")));
    }
    at.as_str().unwrap_or_else(|| panic!("publiccode.yml: {} is not text", path.join(".")))
}

fn texts(value: &Value, path: &[&str]) -> Vec<String> {
    let mut at = value;
    for key in path {
        at = at.get(*key).unwrap_or_else(|| panic!("publiccode.yml has no {}", path.join(".")));
    }
    at.as_sequence().unwrap().iter().map(|item| item.as_str().unwrap().to_owned()).collect()
}

#[test]
fn publiccode_agrees_with_cargo_toml() {
    let package = workspace_package();
    let code = publiccode();
    assert_eq!(text(&code, &["publiccodeYmlVersion"]), "0.4");
    assert_eq!(text(&code, &["name"]), "inbeeld");
    assert_eq!(text(&code, &["legal", "license"]), package["license"].as_str().unwrap());
    assert_eq!(text(&code, &["url"]), package["repository"].as_str().unwrap());
    // A version is named only once released, with its date, and then it is the workspace's.
    if let Some(version) = code.get("softwareVersion") {
        assert_eq!(version.as_str(), package["version"].as_str());
        assert!(code.get("releaseDate").is_some(), "a released version has a date");
    }
}

#[test]
fn publiccode_keeps_the_standards_rules() {
    let code = publiccode();
    assert_eq!(texts(&code, &["platforms"]), ["web"]);
    assert_eq!(text(&code, &["softwareType"]), "standalone/web");
    assert!(["concept", "development", "beta", "stable", "obsolete"].contains(&text(&code, &["developmentStatus"])));
    for language in ["nl", "en"] {
        let short = text(&code, &["description", language, "shortDescription"]);
        let long = text(&code, &["description", language, "longDescription"]);
        assert!(short.chars().count() <= 150, "{language}: shortDescription is at most 150 characters");
        assert!((150..=10_000).contains(&long.chars().count()), "{language}: longDescription is 150 to 10,000 characters");
        assert!(!texts(&code, &["description", language, "features"]).is_empty(), "{language}: features");
    }
    assert_eq!(texts(&code, &["localisation", "availableLanguages"]), ["nl", "en"]);
    assert!(code["localisation"]["localisationReady"].is_bool());
    let maintenance = text(&code, &["maintenance", "type"]);
    assert!(["internal", "contract", "community", "none"].contains(&maintenance));
    if maintenance == "internal" || maintenance == "community" {
        assert!(!code["maintenance"]["contacts"].as_sequence().unwrap().is_empty(), "internal or community maintenance names contacts");
    }
    let databases: Vec<&str> =
        code["dependsOn"]["open"].as_sequence().unwrap().iter().map(|dependency| dependency["name"].as_str().unwrap()).collect();
    assert_eq!(databases, ["PostgreSQL", "SQLite"]);
}

#[test]
fn the_licence_file_is_the_licence_cargo_toml_names() {
    assert_eq!(workspace_package()["license"].as_str(), Some("EUPL-1.2"));
    let licence = root_file("LICENSE");
    assert!(licence.starts_with("EUROPEAN UNION PUBLIC LICENCE v. 1.2\nEUPL © the European Union 2007, 2016\n"));
    assert!(licence.contains("15.Applicable Law"));
    assert!(licence.trim_end().ends_with("All other changes or additions to this Appendix require the production of a new EUPL version."));
}
