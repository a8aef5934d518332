//! What the NL API Design Rules ask of the API beyond its document, over a real listener on SQLite and
//! PostgreSQL: a 400 problem for a bad parameter of every operation that takes one, reading from other sites
//! (CORS) but never with a session, and the document as this site serves it (its address and contact).

use crate::support;

use domain::account::Role;
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
        // One that asks for an API token answers 401 before it reads a parameter; tests/api_tokens.rs tries it with one.
        let secured = item.get.as_ref().is_some_and(|get| get.security.is_some());
        if takes_parameters && !secured {
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

async fn cross_origin(site: &Site, method: reqwest::Method, path: &str, cookie: Option<&str>) -> reqwest::Response {
    let mut request = site.client.request(method, format!("{}{path}", site.base)).header("origin", "https://notebook.example");
    if let Some(cookie) = cookie {
        request = request.header("cookie", cookie);
    }
    request.send().await.unwrap()
}

both_backends!(other_sites_may_read_the_api_but_never_with_a_session, async |store: Store| {
    let site = Site::start(&store, false).await;
    let list = "/api/v1/organisaties?soort=provincie";
    for attempt in ["first, written", "second, kept"] {
        let response = cross_origin(&site, reqwest::Method::GET, list, None).await;
        assert_eq!(response.status(), StatusCode::OK, "{attempt}");
        let headers = response.headers();
        assert_eq!(headers["access-control-allow-origin"], "*", "{attempt}");
        assert!(headers.get("access-control-allow-credentials").is_none(), "{attempt}: never with credentials");
        let exposed = headers["access-control-expose-headers"].to_str().unwrap().to_lowercase();
        assert!(exposed.contains("x-total-count") && exposed.contains("link") && exposed.contains("api-version"), "{attempt}: {exposed}");
        assert_eq!(response.json::<Value>().await.unwrap()["aantal"], 12, "{attempt}: the twelve provinces");
    }
    let head = cross_origin(&site, reqwest::Method::HEAD, "/api/v1/catalogi", None).await;
    assert_eq!((head.status(), &head.headers()["access-control-allow-origin"]), (StatusCode::OK, &"*".parse().unwrap()));
    let problem = cross_origin(&site, reqwest::Method::GET, "/api/v1/organisaties/GM9999", None).await;
    assert_eq!(problem.status(), StatusCode::NOT_FOUND);
    assert_eq!(problem.headers()["access-control-allow-origin"], "*", "a problem is readable too");

    let preflight = site
        .client
        .request(reqwest::Method::OPTIONS, format!("{}{list}", site.base))
        .header("origin", "https://notebook.example")
        .header("access-control-request-method", "GET")
        .send()
        .await
        .unwrap();
    assert!(preflight.status().is_success(), "{}", preflight.status());
    assert_eq!(preflight.headers()["access-control-allow-origin"], "*");
    let methods = preflight.headers()["access-control-allow-methods"].to_str().unwrap();
    assert!(methods.contains("GET") && !methods.contains("POST"), "{methods}");
    assert!(preflight.headers().get("access-control-allow-credentials").is_none());

    for page in ["/gemeenten", "/metingen", "/beheer"] {
        let response = cross_origin(&site, reqwest::Method::GET, page, None).await;
        assert!(response.headers().get("access-control-allow-origin").is_none(), "{page} is the site's own, not the API");
    }
    support::add_user(&store, "respondent@gemeente.example", Role::Respondent, Some("GM0363")).await;
    let cookie = support::sign_in(&site, "respondent@gemeente.example").await;
    let signed_in = cross_origin(&site, reqwest::Method::GET, list, Some(&cookie)).await;
    assert_eq!(signed_in.status(), StatusCode::OK);
    assert!(signed_in.headers().get("access-control-allow-origin").is_none(), "an answer to a session is that visitor's own");
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
    let again = cross_origin(&site, reqwest::Method::GET, "/api/v1/openapi.json", None).await;
    assert_eq!(again.headers()["access-control-allow-origin"], "*", "the document is read by other sites' tools too");
    assert_eq!(again.json::<Value>().await.unwrap(), served, "kept as written");

    // Apart from the site, it is the reviewed document, which describes itself too.
    let mut reviewed = serde_json::to_value(inbeeld_web::openapi()).unwrap();
    assert_eq!(reviewed["servers"], serde_json::json!([{"url": "/api/v1"}]));
    reviewed["servers"] = served["servers"].clone();
    reviewed["info"]["contact"] = served["info"]["contact"].clone();
    assert_eq!(reviewed, served);
    assert_eq!(served["paths"]["/openapi.json"]["get"]["operationId"], "openapiDocument");
});
