//! What the NL API Design Rules ask of the API beyond its document, over a real listener on SQLite and
//! PostgreSQL: a 400 problem for a bad parameter of every operation that takes one, and the document as this site
//! serves it (its address and contact).

use crate::support;

use reqwest::StatusCode;
use serde_json::Value;
use store::{Store, both_backends};
use support::Site;

/// A request with a bad value for each operation that takes parameters, and the value the problem must name.
const BAD_PARAMETERS: [(&str, &str, &str); 11] = [
    ("/catalogi/{id}/bouwstenen", "/catalogi/iNUP_2011/bouwstenen", "iNUP_2011"),
    ("/kennisbank", "/kennisbank?bouwsteen=DigiD!", "DigiD!"),
    ("/kennisbank/{slug}", "/kennisbank/Over%20DigiD", "Over DigiD"),
    ("/metingen/{id}", "/metingen/Eerste_Meting", "Eerste_Meting"),
    ("/metingen/{id}/indicatoren", "/metingen/eerste-meting/indicatoren?groep=land", "land"),
    ("/metingen/{id}/organisaties/{code}", "/metingen/eerste-meting/organisaties/AMS", "AMS"),
    ("/metingen/{id}/organisaties/{code}/profiel", "/metingen/eerste-meting/organisaties/0363/profiel", "0363"),
    ("/organisaties", "/organisaties?pagina=nul", "nul"),
    ("/organisaties/{code}", "/organisaties/Amsterdam", "Amsterdam"),
    ("/samenwerkingen", "/samenwerkingen?gemeente=PV27", "PV27"),
    ("/samenwerkingen/{id}", "/samenwerkingen/een", "een"),
];

both_backends!(every_operation_with_parameters_answers_a_bad_one_with_a_400_problem, async |store: Store| {
    let site = Site::start(&store, false).await;
    let document = inbeeld_web::openapi();
    let mut with_parameters: Vec<&str> = Vec::new();
    for (path, item) in document.paths.paths.iter() {
        let takes_parameters = item.get.as_ref().and_then(|get| get.parameters.as_ref()).is_some_and(|p| !p.is_empty());
        if takes_parameters {
            with_parameters.push(path.as_str());
        }
    }
    let tried: Vec<&str> = BAD_PARAMETERS.iter().map(|(path, _, _)| *path).collect();
    assert_eq!(with_parameters, tried, "every operation with parameters has a bad request here");
    for (_, request, value) in BAD_PARAMETERS {
        let response = site.get(&format!("/api/v1{request}")).await;
        assert_eq!(response.status(), StatusCode::BAD_REQUEST, "{request}");
        assert_eq!(response.headers()["content-type"], "application/problem+json", "{request}");
        assert_eq!(response.headers()["api-version"], "1.0.0", "{request}");
        let problem: Value = response.json().await.unwrap();
        assert_eq!(problem["status"], 400, "{request}");
        assert_eq!(problem["title"], "Ongeldige invoer", "{request}");
        assert!(problem["detail"].as_str().unwrap().contains(value), "{request}: the problem names what was given: {problem}");
    }
    // Asked twice, a parameter cannot be read: 400 too, also where every value is allowed.
    for request in ["/kennisbank?zoek=digid&zoek=bag", "/catalogi/inup-2011/bouwstenen?versie=2011&versie=2008"] {
        site.problem(&format!("/api/v1{request}"), StatusCode::BAD_REQUEST).await;
    }
});

both_backends!(the_served_document_names_this_sites_address_and_contact, async |store: Store| {
    let outbox = tempfile::tempdir().unwrap();
    let mailer = mail::Mailer::new(
        &mail::MailerConfig::Outbox { dir: outbox.path().to_owned() },
        "Monitorteam e-overheid <monitor@gemeenten.example>",
    )
    .unwrap();
    let state = inbeeld_web::AppState::with_public_url(store.clone(), "https://monitor.gemeenten.example/").with_mailer(mailer);
    let site = Site::serve(state).await;
    let served = site.json("/api/v1/openapi.json").await;
    assert_eq!(served["servers"], serde_json::json!([{"url": "https://monitor.gemeenten.example/api/v1"}]));
    assert_eq!(
        served["info"]["contact"],
        serde_json::json!({"name": "Monitorteam e-overheid", "email": "monitor@gemeenten.example", "url": "https://monitor.gemeenten.example"})
    );
    assert_eq!(site.json("/api/v1/openapi.json").await, served, "kept as written");

    // Apart from the site, it is the reviewed document, which describes itself too.
    let mut reviewed = serde_json::to_value(inbeeld_web::openapi()).unwrap();
    assert_eq!(reviewed["servers"], serde_json::json!([{"url": "/api/v1"}]));
    reviewed["servers"] = served["servers"].clone();
    reviewed["info"]["contact"] = served["info"]["contact"].clone();
    assert_eq!(reviewed, served);
    assert_eq!(served["paths"]["/openapi.json"]["get"]["operationId"], "openapiDocument");
});
