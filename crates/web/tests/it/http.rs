//! Every page and API route over the real HTTP stack (a real listener on loopback, a real client), on SQLite
//! and on PostgreSQL: each test exists as `name::sqlite` and `name::postgres`.

use crate::support;

use reqwest::StatusCode;
use serde_json::Value;
use store::{Store, both_backends};
use support::Site;

/// The number a page states as "<strong>N gemeenten</strong>" (or "1 gemeente").
fn stated_count(html: &str) -> usize {
    let at = html.find(" gemeenten</strong>").or_else(|| html.find(" gemeente</strong>")).expect("a stated count");
    let start = html[..at].rfind('>').unwrap() + 1;
    html[start..at].parse().unwrap()
}

both_backends!(home_page_states_the_register, async |store: Store| {
    let site = Site::start(&store, false).await;
    let html = site.page("/").await;
    assert!(html.contains("<html lang=\"nl\">"));
    assert!(html.contains("<strong>342</strong> gemeenten"), "today's division");
    assert!(html.contains("<strong>418</strong> gemeenten</a> op 1 januari 2011"));
    assert!(html.contains("<strong>2</strong> catalogi"));
});

both_backends!(register_shows_todays_division_with_population, async |store: Store| {
    let site = Site::start(&store, false).await;
    let html = site.page("/gemeenten").await;
    assert_eq!(stated_count(&html), 342);
    assert!(html.contains("<a href=\"/gemeenten/GM0363\">Amsterdam</a>"));
    assert!(html.contains("942.504 (1 januari 2026)"));
    assert!(!html.contains("Geen inwonertallen voor deze peildatum"));
    let hilversum = site.page("/gemeenten?zoek=hilversum").await;
    assert!(hilversum.contains("(1 januari 2023)"), "Hilversum has no 2026 figure, so its 2023 figure shows with its date");
});

both_backends!(register_on_2011_shows_418_and_says_population_is_missing, async |store: Store| {
    let site = Site::start(&store, false).await;
    let html = site.page("/gemeenten?datum=2011-01-01").await;
    assert_eq!(stated_count(&html), 418);
    assert!(html.contains("Geen inwonertallen voor deze peildatum"));
    assert!(html.contains("inbeeld import population --from-cbs 2011"));
    assert!(site.page("/gemeenten?datum=2011-01-01&zoek=weesp").await.contains(">Weesp</a>"));
    assert_eq!(stated_count(&site.page("/gemeenten?datum=2011-01-01&zoek=het+hogeland").await), 0, "founded in 2019");
});

both_backends!(register_filters_by_province_size_class_and_search, async |store: Store| {
    let site = Site::start(&store, false).await;
    assert_eq!(stated_count(&site.page("/gemeenten?provincie=PV26&datum=2026-01-01").await), 26);
    let largest = site.page("/gemeenten?grootteklasse=8&datum=2026-06-01").await;
    assert!(largest.contains(">Amsterdam</a>") && largest.contains(">Rotterdam</a>"));
    assert!(!largest.contains(">Almere</a>"), "Almere has fewer than 250 000 inhabitants");
    let found = site.page("/gemeenten?zoek=amster").await;
    assert!(found.contains("<strong>1 gemeente</strong>"), "one, in the singular");
    assert!(found.contains("value=\"amster\""));
});

both_backends!(a_bad_filter_is_named_and_keeps_the_rest_of_the_form, async |store: Store| {
    let site = Site::start(&store, false).await;
    let html = site.page("/gemeenten?zoek=amster&datum=2011-13-45&provincie=XX&grootteklasse=9").await;
    assert!(
        html.contains("Peildatum: &#39;2011-13-45&#39; is geen datum") || html.contains("Peildatum: &#x27;2011-13-45&#x27; is geen datum"),
        "{html}"
    );
    assert!(html.contains("Provincie: "));
    assert!(html.contains("Grootteklasse: "));
    assert!(html.contains("value=\"amster\""), "the search is kept");
    assert_eq!(stated_count(&html), 1);
});

/// The `href`s of a page's pagination, by their text.
fn pagination_link(html: &str, text: &str) -> Option<String> {
    let nav = &html[html.find("<nav class=\"pagination\"")?..];
    let nav = &nav[..nav.find("</nav>")?];
    let at = nav.find(&format!(">{text}"))?;
    let start = nav[..at].rfind("href=\"")? + "href=\"".len();
    let end = start + nav[start..].find('"')?;
    Some(nav[start..end].replace("&#38;", "&").replace("&amp;", "&"))
}

fn row_count(html: &str) -> usize {
    html.matches("<th scope=\"row\"><a href=\"/gemeenten/").count()
}

both_backends!(register_pages_link_to_each_other_and_keep_the_filters, async |store: Store| {
    let site = Site::start(&store, false).await;
    let first = site.page("/gemeenten?datum=2011-01-01").await;
    assert_eq!(stated_count(&first), 418, "the count is of every page together");
    assert_eq!(row_count(&first), 50, "a page renders only its own rows");
    assert!(first.contains("<nav class=\"pagination\" aria-label=\"Pagina's met gemeenten\">"), "{first}");
    assert!(first.contains("Pagina 1 van 9, 418 gemeenten"));
    assert!(first.contains("<span aria-current=\"page\">Pagina 1</span>"));
    assert_eq!(pagination_link(&first, "Vorige pagina"), None);
    let next = pagination_link(&first, "Volgende pagina").expect("a next page");
    assert_eq!(next, "/gemeenten?datum=2011-01-01&pagina=2", "the date is kept");

    let second = site.page(&next).await;
    assert!(second.contains("Pagina 2 van 9"));
    assert_eq!(pagination_link(&second, "Vorige pagina").as_deref(), Some("/gemeenten?datum=2011-01-01"));
    let last = site.page(&pagination_link(&second, "Laatste pagina").expect("a last page")).await;
    assert_eq!(row_count(&last), 18);
    assert_eq!(pagination_link(&last, "Volgende pagina"), None);

    let beyond = site.page("/gemeenten?datum=2011-01-01&pagina=99").await;
    assert!(beyond.contains("er is geen pagina 99 bij deze filters"), "{beyond}");
    assert!(beyond.contains("Pagina 9 van 9"), "a page beyond the last shows the last");
    let unreadable = site.page("/gemeenten?pagina=twee").await;
    assert!(unreadable.contains("is geen paginanummer") && unreadable.contains("Pagina 1 van 7"));

    let searched = site.page("/gemeenten?zoek=a&provincie=PV27&datum=2026-01-01").await;
    assert!(!searched.contains("<nav class=\"pagination\""), "one page needs no links to others");
});

both_backends!(a_municipality_page_shows_successors_and_predecessors, async |store: Store| {
    let site = Site::start(&store, false).await;
    let weesp = site.page("/gemeenten/GM0457").await;
    assert!(weesp.contains("bestaat sinds 24 maart 2022 niet meer en is opgegaan in Amsterdam"));
    assert!(weesp.contains("<a href=\"/gemeenten/GM0363\">Amsterdam</a>"));
    let amsterdam = site.page("/gemeenten/GM0363").await;
    assert!(amsterdam.contains("<a href=\"/gemeenten/GM0457\">Weesp</a>"));
    assert!(amsterdam.contains("942.504"));
    let haaren = site.page("/gemeenten/GM0788").await;
    for successor in ["GM0865", "GM0824", "GM0855", "GM0757"] {
        assert!(haaren.contains(&format!("/gemeenten/{successor}")), "Haaren's part in {successor}");
    }
    let graafstroom = site.page("/gemeenten/GM0693").await;
    assert!(graafstroom.contains(">Molenwaard</a>") && graafstroom.contains(">Molenlanden</a>"), "a merger, then a merger again");
});

both_backends!(an_unknown_page_is_a_404_page, async |store: Store| {
    let site = Site::start(&store, false).await;
    for path in ["/gemeenten/GM9999", "/gemeenten/hallo", "/bouwstenen/onbekend", "/bestaat-niet"] {
        let response = site.get(path).await;
        assert_eq!(response.status(), StatusCode::NOT_FOUND, "{path}");
        let html = response.text().await.unwrap();
        assert!(html.contains("<h1>Niet gevonden</h1>"), "{path}");
    }
});

both_backends!(catalogues_show_groups_dependencies_and_the_reconstruction, async |store: Store| {
    let site = Site::start(&store, false).await;
    let html = site.page("/bouwstenen").await;
    assert!(html.contains("i-NUP 2011") && html.contains("24 bouwstenen in 4 groepen"));
    assert!(html.contains("18 bouwstenen in 5 groepen"));
    assert!(html.contains("<span class=\"badge\">reconstructie</span>"));
    let machtigen = site.page("/bouwstenen/digid-machtigen?catalogus=inup-2011").await;
    assert!(machtigen.contains("<a href=\"/bouwstenen/digid?catalogus=inup-2011\">DigiD"), "depends on DigiD");
    let digid = site.page("/bouwstenen/digid").await;
    assert!(digid.contains("In i-NUP 2011") && digid.contains("In NUP 2008"), "the block in both catalogues");
    assert!(digid.contains("Nodig voor"));
});

both_backends!(an_empty_database_renders_and_says_what_to_do, async |store: Store| {
    let site = Site::start(&store, true).await;
    assert!(site.page("/bouwstenen").await.contains("inbeeld import catalogue"));
    assert_eq!(stated_count(&site.page("/gemeenten").await), 0);
    assert!(site.page("/").await.contains("<strong>0</strong> gemeenten"));
});

both_backends!(pages_carry_security_headers_and_a_request_id, async |store: Store| {
    let site = Site::start(&store, false).await;
    for path in ["/", "/api/v1/catalogi", "/bestaat-niet"] {
        let response = site.get(path).await;
        let headers = response.headers();
        let csp = headers["content-security-policy"].to_str().unwrap();
        assert!(csp.contains("script-src 'self'") && csp.contains("frame-ancestors 'none'"), "{path}");
        assert_eq!(headers["x-content-type-options"], "nosniff");
        assert_eq!(headers["referrer-policy"], "same-origin");
        assert_eq!(headers["x-request-id"].to_str().unwrap().len(), 36, "{path}: a uuid");
    }
    let css = site.get("/static/inbeeld.css").await;
    assert_eq!(css.headers()["content-type"], "text/css; charset=utf-8");
    assert!(css.text().await.unwrap().contains(".skip-link"));
    assert!(site.page("/toegankelijkheid").await.contains("<h1>Toegankelijkheidsverklaring</h1>"));
});

both_backends!(api_lists_organisations_by_date_province_and_kind, async |store: Store| {
    let site = Site::start(&store, false).await;
    let on_2011 = site.json("/api/v1/organisaties?datum=2011-01-01&soort=gemeente&paginaGrootte=1000").await;
    assert_eq!(on_2011["aantal"], 418);
    assert_eq!(on_2011["organisaties"].as_array().unwrap().len(), 418);
    let utrecht = site.json("/api/v1/organisaties?datum=2026-01-01&provincie=PV26").await;
    assert_eq!(utrecht["aantal"], 26);
    let provinces = site.json("/api/v1/organisaties?soort=provincie").await;
    assert_eq!(provinces["aantal"], 12);
    let all = site.json("/api/v1/organisaties").await;
    assert_eq!(all["aantal"], 457);
    assert_eq!(all["organisaties"].as_array().unwrap().len(), 100, "a page of 100 unless asked otherwise");
    let found = site.json("/api/v1/organisaties?zoek=weesp").await;
    let weesp = found["organisaties"].as_array().unwrap().iter().find(|o| o["code"] == "GM0457").unwrap();
    assert_eq!(weesp["geldigTot"], "2022-03-24");
    assert_eq!(weesp["opvolgers"], serde_json::json!(["GM0363"]));
});

both_backends!(api_pages_carry_links_and_the_total, async |store: Store| {
    let site = Site::start(&store, false).await;
    let path = "/api/v1/organisaties?soort=gemeente&datum=2011-01-01&paginaGrootte=100&pagina=2";
    let response = site.get(path).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()["x-total-count"], "418");
    let link_header = response.headers()["link"].to_str().unwrap().to_owned();
    let second: Value = response.json().await.unwrap();
    let base = "/api/v1/organisaties?datum=2011-01-01&soort=gemeente&paginaGrootte=100";
    assert_eq!(second["aantal"], 418);
    assert_eq!(
        (second["pagina"].clone(), second["paginaGrootte"].clone(), second["aantalPaginas"].clone()),
        (2.into(), 100.into(), 5.into())
    );
    assert_eq!(second["_links"]["self"]["href"], format!("{base}&pagina=2"));
    assert_eq!(second["_links"]["first"]["href"], base);
    assert_eq!(second["_links"]["prev"]["href"], base);
    assert_eq!(second["_links"]["next"]["href"], format!("{base}&pagina=3"));
    assert_eq!(second["_links"]["last"]["href"], format!("{base}&pagina=5"));
    assert_eq!(
        link_header,
        format!("<{base}>; rel=\"first\", <{base}>; rel=\"prev\", <{base}&pagina=3>; rel=\"next\", <{base}&pagina=5>; rel=\"last\"")
    );

    // Following `next` from the first page reads every organisation once.
    let mut codes = std::collections::BTreeSet::new();
    let mut next = Some(base.to_owned());
    let mut pages = 0;
    while let Some(href) = next {
        let page = site.json(&href).await;
        for organisation in page["organisaties"].as_array().unwrap() {
            assert!(codes.insert(organisation["code"].as_str().unwrap().to_owned()), "{organisation} twice");
        }
        next = page["_links"]["next"]["href"].as_str().map(str::to_owned);
        pages += 1;
    }
    assert_eq!((codes.len(), pages), (418, 5));

    let beyond = site.json(&format!("{base}&pagina=6")).await;
    assert!(beyond["organisaties"].as_array().unwrap().is_empty(), "a page beyond the last is empty");
    assert_eq!(beyond["_links"]["prev"]["href"], format!("{base}&pagina=5"), "and leads back to the last");
    assert!(beyond["_links"].get("next").is_none());
    for (query, parameter) in
        [("pagina=0", "pagina"), ("pagina=een", "pagina"), ("paginaGrootte=1001", "paginaGrootte"), ("paginaGrootte=0", "paginaGrootte")]
    {
        let problem = site.problem(&format!("/api/v1/organisaties?{query}"), StatusCode::BAD_REQUEST).await;
        assert!(problem["detail"].as_str().unwrap().starts_with(&format!("parameter {parameter}:")), "{problem}");
    }
});

both_backends!(api_gives_one_organisation_with_its_predecessors, async |store: Store| {
    let site = Site::start(&store, false).await;
    let amsterdam = site.json("/api/v1/organisaties/GM0363").await;
    assert_eq!(amsterdam["naam"], "Amsterdam");
    assert_eq!(amsterdam["voorgangers"], serde_json::json!(["GM0457"]));
    assert_eq!(amsterdam["inwoners"]["aantal"], 942_504);
    assert_eq!(amsterdam["inwoners"]["grootteklasse"], 8);
    let missing = site.problem("/api/v1/organisaties/GM9999", StatusCode::NOT_FOUND).await;
    assert_eq!(missing["status"], 404);
    assert!(missing["detail"].as_str().unwrap().contains("GM9999"));
});

both_backends!(api_refuses_bad_parameters_by_name, async |store: Store| {
    let site = Site::start(&store, false).await;
    for (query, parameter) in [("datum=2011-02-30", "datum"), ("provincie=GM0363", "provincie"), ("soort=waterschap", "soort")] {
        let problem = site.problem(&format!("/api/v1/organisaties?{query}"), StatusCode::BAD_REQUEST).await;
        assert!(problem["detail"].as_str().unwrap().starts_with(&format!("parameter {parameter}:")), "{problem}");
    }
    site.problem("/api/v1/bestaat-niet", StatusCode::NOT_FOUND).await;
    let twice = site.problem("/api/v1/organisaties?datum=2011-01-01&datum=2026-01-01", StatusCode::BAD_REQUEST).await;
    assert!(twice["detail"].as_str().unwrap().contains("elke parameter één keer"), "{twice}");
    site.problem("/api/v1/organisaties/%FF", StatusCode::BAD_REQUEST).await;
});

both_backends!(an_unreadable_address_is_answered_as_a_page, async |store: Store| {
    let site = Site::start(&store, false).await;
    let response = site.get("/gemeenten?zoek=a&zoek=b").await;
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    assert!(response.headers()["content-type"].to_str().unwrap().starts_with("text/html"));
    assert!(response.text().await.unwrap().contains("<h1>Ongeldige invoer</h1>"));
});

both_backends!(api_lists_catalogues_and_their_blocks, async |store: Store| {
    let site = Site::start(&store, false).await;
    let catalogues = site.json("/api/v1/catalogi").await;
    let sizes: Vec<(String, u64, bool)> = catalogues["catalogi"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| (c["id"].as_str().unwrap().to_owned(), c["aantalBouwstenen"].as_u64().unwrap(), c["reconstructie"].as_bool().unwrap()))
        .collect();
    assert_eq!(sizes, [("inup-2011".to_owned(), 24, false), ("nup-2008".to_owned(), 18, true)]);
    let blocks = site.json("/api/v1/catalogi/inup-2011/bouwstenen").await;
    assert_eq!(blocks["bouwstenen"].as_array().unwrap().len(), 24);
    assert_eq!(blocks["bouwstenen"][0]["naam"], "Webrichtlijnen");
    assert_eq!(blocks["bouwstenen"][0]["streefdatum"], "2015-01-01");
    site.json("/api/v1/catalogi/inup-2011/bouwstenen?versie=2011").await;
    site.problem("/api/v1/catalogi/inup-2011/bouwstenen?versie=9", StatusCode::NOT_FOUND).await;
    site.problem("/api/v1/catalogi/gdi/bouwstenen", StatusCode::NOT_FOUND).await;
});

both_backends!(readiness_reports_the_database_and_503_when_it_is_gone_while_the_process_lives, async |store: Store| {
    let site = Site::start(&store, true).await;
    let healthy = site.get("/health/ready").await;
    assert_eq!(healthy.status(), StatusCode::OK);
    let body: Value = healthy.json().await.unwrap();
    assert_eq!(body["database"]["backend"], store.backend().name());
    assert_eq!(body["database"]["status"], "bereikbaar");
    store.close().await;
    let down = site.get("/health/ready").await;
    assert_eq!(down.status(), StatusCode::SERVICE_UNAVAILABLE);
    let alive = site.get("/health").await;
    assert_eq!(alive.status(), StatusCode::OK, "the process itself lives: no restart for a database away");
    assert_eq!(alive.json::<Value>().await.unwrap()["status"], "ok");
    let body: Value = down.json().await.unwrap();
    assert_eq!(body["database"]["status"], "onbereikbaar");
    let page = site.get("/gemeenten").await;
    assert_eq!(page.status(), StatusCode::SERVICE_UNAVAILABLE, "pages say the database is down");
    assert!(page.text().await.unwrap().contains("tijdelijk niet bereikbaar"));
});

both_backends!(every_path_in_the_openapi_document_answers, async |store: Store| {
    let site = Site::start(&store, false).await;
    let document = site.json("/api/v1/openapi.json").await;
    assert!(document["openapi"].as_str().unwrap().starts_with("3."));
    let paths: Vec<&String> = document["paths"].as_object().unwrap().keys().collect();
    assert_eq!(
        paths,
        [
            "/catalogi",
            "/catalogi/{id}/bouwstenen",
            "/kennisbank",
            "/kennisbank/{slug}",
            "/metingen",
            "/metingen/{id}",
            "/metingen/{id}/antwoorden",
            "/metingen/{id}/indicatoren",
            "/metingen/{id}/organisaties/{code}",
            "/metingen/{id}/organisaties/{code}/profiel",
            "/openapi.json",
            "/organisaties",
            "/organisaties/{code}",
            "/samenwerkingen",
            "/samenwerkingen/{id}"
        ]
    );
    for path in paths {
        if path == "/metingen/{id}/antwoorden" {
            // The raw answers: staff only, by API token or session (tests/api_tokens.rs).
            site.problem("/api/v1/metingen/eerste-meting/antwoorden", StatusCode::UNAUTHORIZED).await;
            continue;
        }
        if path.starts_with("/metingen/") {
            // This site has no published wave: a wave's resources answer with a problem (tests/figures_api.rs has
            // a published one).
            site.problem(&format!("/api/v1{}", path.replace("{id}", "eerste-meting").replace("{code}", "GM0363")), StatusCode::NOT_FOUND)
                .await;
            continue;
        }
        if path == "/samenwerkingen/{id}" {
            // This site has no collaborations (tests/collaborations.rs has).
            site.problem("/api/v1/samenwerkingen/1", StatusCode::NOT_FOUND).await;
            continue;
        }
        if path == "/kennisbank/{slug}" {
            site.problem("/api/v1/kennisbank/onbekend", StatusCode::NOT_FOUND).await; // this site has no articles
            continue;
        }
        let concrete = path.replace("{id}", "inup-2011").replace("{code}", "GM0363");
        site.json(&format!("/api/v1{concrete}")).await;
    }
});

both_backends!(security_txt_names_the_contact_until_a_year_ahead, async |store: Store| {
    use inbeeld_web::security_txt::Contact;
    let state = inbeeld_web::AppState::with_public_url(store.clone(), "https://monitor.example.nl/")
        .with_security_contact(Contact::parse("https://monitor.example.nl/kwetsbaarheid-melden").unwrap());
    let site = Site::serve(state).await;
    let before = chrono::Utc::now();
    let response = site.get("/.well-known/security.txt").await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()["content-type"], "text/plain; charset=utf-8");
    let text = response.text().await.unwrap();
    let field = |name: &str| -> String {
        let values: Vec<&str> = text.lines().filter_map(|line| line.strip_prefix(&format!("{name}: "))).collect();
        assert_eq!(values.len(), 1, "{name} once in {text}");
        values[0].to_owned()
    };
    assert_eq!(field("Contact"), "https://monitor.example.nl/kwetsbaarheid-melden");
    assert_eq!(field("Preferred-Languages"), "nl, en");
    assert_eq!(field("Canonical"), "https://monitor.example.nl/.well-known/security.txt");
    let expires = chrono::DateTime::parse_from_rfc3339(&field("Expires")).unwrap();
    assert!(expires > before, "Expires lies ahead");
    assert!(expires <= chrono::Utc::now() + chrono::TimeDelta::days(365), "and at most a year ahead");
    // Every line is a comment or a field of RFC 9116.
    for line in text.lines() {
        assert!(line.starts_with("# ") || line.split_once(": ").is_some(), "{line}");
    }

    // Without a configured contact: security@ the public URL's host name.
    let site = Site::serve(inbeeld_web::AppState::with_public_url(store.clone(), "https://monitor.example.nl")).await;
    let text = site.get("/.well-known/security.txt").await.text().await.unwrap();
    assert!(text.contains("\nContact: mailto:security@monitor.example.nl\n"), "{text}");
});
