//! The OpenAPI document is generated from the handlers; this test keeps a reviewed copy in
//! `crates/web/openapi.json`, so that every change to the API shows up in review. After a deliberate change, run
//! `UPDATE_OPENAPI=1 cargo test -p inbeeld-web --test it openapi` and commit the new file.

#[test]
fn the_openapi_document_matches_the_reviewed_copy() {
    let generated = inbeeld_web::openapi().to_pretty_json().unwrap() + "\n";
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("openapi.json");
    if std::env::var_os("UPDATE_OPENAPI").is_some() {
        std::fs::write(&path, &generated).unwrap();
    }
    let reviewed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(generated == reviewed, "the API's OpenAPI document changed; review it, then run with UPDATE_OPENAPI=1 to accept it");
    let document: serde_json::Value = serde_json::from_str(&generated).unwrap();
    let mut operations: Vec<&str> = document["paths"]
        .as_object()
        .unwrap()
        .values()
        .flat_map(|item| item.as_object().unwrap().values().map(|operation| operation["operationId"].as_str().unwrap()))
        .collect();
    let count = operations.len();
    operations.sort();
    operations.dedup();
    assert_eq!(operations.len(), count, "operationIds are unique");
    // Every answer carries the version (a layer of the API's router sets it), and every response says so.
    for (path, item) in document["paths"].as_object().unwrap() {
        for (method, operation) in item.as_object().unwrap() {
            for (status, response) in operation["responses"].as_object().unwrap() {
                assert!(response["headers"]["API-Version"].is_object(), "{method} {path} {status} declares API-Version");
            }
        }
    }
    let contact = &document["info"]["contact"];
    assert_eq!(contact["email"], "monitor@inbeeld.invalid", "the sender of `inbeeld serve` without --mail-from");
    assert_eq!(contact["url"], "http://127.0.0.1:8080", "its public URL without --public-url");
    for schema in ["Organisatie", "OrganisatieLijst", "OrganisatieDetail", "Catalogus", "Bouwsteen", "Problem"] {
        assert!(document["components"]["schemas"][schema].is_object(), "{schema} is described");
    }
}
