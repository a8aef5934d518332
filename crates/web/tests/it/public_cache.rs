//! The public answers kept in memory, over a real server on both databases: tagged with the version of the data
//! they show so that a browser that holds them is told `304 Not Modified`, sent compressed as the browser accepts,
//! never kept for a signed-in visitor, made new only by a change to what they show, and made new in every
//! process within a second of a change through another, for every kind of public data.

use crate::support;

use std::time::{Duration, Instant};

use domain::collaboration::{Area, CollaborationDraft};
use domain::fieldwork::{Edit, Mode, WaveId, WaveState};
use domain::questionnaire::Answer;
use domain::register::OrgCode;
use reqwest::StatusCode;
use store::testing::author;
use store::{OrganisationFilter, SaveAnswers, Store, both_backends};
use support::{Site, get_as, sign_in, store_demo_wave};

/// The demo's reference data and articles, its first wave published and its second still open.
async fn site_with_waves(store: &Store) -> Site {
    let site = Site::start(store, false).await;
    let demo = domain::demo::data().unwrap();
    for article in &demo.articles {
        store.create_article(article, &author()).await.unwrap();
    }
    store_demo_wave(store, &demo.first_wave().unwrap(), WaveState::Published).await;
    store_demo_wave(store, &demo.second_wave().unwrap(), WaveState::Open).await;
    site
}

async fn tag(site: &Site, path: &str) -> String {
    let response = site.get(path).await;
    assert_eq!(response.status(), StatusCode::OK, "{path}");
    response.headers().get("etag").unwrap_or_else(|| panic!("{path} has no entity tag")).to_str().unwrap().to_owned()
}

/// Saves `organisation`'s answers in `wave` again with one answer changed: a correction once submitted.
async fn change_answer(store: &Store, wave: &str, organisation: &str, edit: Edit) {
    let wave = WaveId::parse(wave).unwrap();
    let organisation = OrgCode::parse(organisation).unwrap();
    let response = store.response(&wave, &organisation).await.unwrap().expect("a response to change");
    let mut answers = response.answers.clone();
    let theme =
        if answers.get("leading_theme") == Some(&Answer::Text("bedrijfsvoering".into())) { "dienstverlening" } else { "bedrijfsvoering" };
    answers.insert("leading_theme".into(), Answer::Text(theme.into()));
    let save = SaveAnswers {
        wave: &wave,
        organisation: &organisation,
        questionnaire_id: &response.questionnaire_id,
        questionnaire_version: response.questionnaire_version,
        answers: &answers,
        mode: &Mode::Online,
        based_on: Some(response.revision),
        edit,
        submit: false,
    };
    store.save_answers(&save, &author()).await.unwrap();
}

/// A municipality that answered `wave`.
async fn respondent(store: &Store, wave: &str) -> String {
    let wave = WaveId::parse(wave).unwrap();
    store
        .progress(&wave)
        .await
        .unwrap()
        .into_iter()
        .find(|entry| entry.submitted_at.is_some())
        .expect("a respondent")
        .organisation
        .to_string()
}

both_backends!(a_public_page_is_tagged_compressed_and_not_sent_again_to_a_browser_that_holds_it, async |store: Store| {
    let site = Site::start(&store, false).await;
    let first = site.get("/gemeenten").await;
    assert_eq!(first.headers()["cache-control"], "public, no-cache", "kept by browsers, checked before each use");
    let etag = first.headers()["etag"].to_str().unwrap().to_owned();
    assert!(etag.starts_with("W/\""), "one tag for the page in every encoding: {etag}");
    let page = first.text().await.unwrap();
    assert!(page.contains("Amsterdam"));

    let again = site.client.get(format!("{}/gemeenten", site.base)).header("if-none-match", &etag).send().await.unwrap();
    assert_eq!(again.status(), StatusCode::NOT_MODIFIED);
    assert_eq!(again.headers()["etag"], etag.as_str());
    assert!(again.bytes().await.unwrap().is_empty());
    assert_eq!(tag(&site, "/gemeenten?utm_source=nieuwsbrief").await, etag, "an unknown parameter is the same page");
    assert_ne!(tag(&site, "/gemeenten?zoek=amster").await, etag, "a search is another page");

    for (accept, encoding) in [("gzip, deflate, br", "br"), ("gzip", "gzip")] {
        let compressed = site.client.get(format!("{}/gemeenten", site.base)).header("accept-encoding", accept).send().await.unwrap();
        assert_eq!(compressed.headers()["content-encoding"], encoding, "{accept}");
        assert_eq!(compressed.headers()["vary"], "accept-encoding");
        assert!(compressed.bytes().await.unwrap().len() * 5 < page.len(), "{encoding} is a fraction of the page");
    }

    // The API's resources have the same paths under /api/v1 as pages of the site: each keeps its own answer.
    for _ in 0..2 {
        for (path, content_type) in [
            ("/samenwerkingen", "text/html"),
            ("/api/v1/samenwerkingen", "application/json"),
            ("/kennisbank", "text/html"),
            ("/api/v1/kennisbank", "application/json"),
        ] {
            let response = site.get(path).await;
            assert!(response.headers()["content-type"].to_str().unwrap().starts_with(content_type), "{path}");
        }
    }

    // What is written for one visitor is compressed as it is sent: the sign-in form is never kept.
    let form = site.client.get(format!("{}/inloggen", site.base)).header("accept-encoding", "gzip").send().await.unwrap();
    assert!(form.headers().get("etag").is_none(), "a form is not kept");
    assert_eq!(form.headers()["content-encoding"], "gzip");
});

both_backends!(a_signed_in_visitor_gets_pages_written_for_them_alone, async |store: Store| {
    let site = Site::start(&store, false).await;
    support::add_user(&store, "analist@inbeeld.example", domain::account::Role::Analyst, None).await;
    let before = tag(&site, "/gemeenten").await;
    // Signing in, with a password and a code from the app, is not something the public sees.
    let cookie = sign_in(&site, "analist@inbeeld.example").await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    let anonymous = tag(&site, "/gemeenten").await;
    assert_eq!(anonymous, before, "signing in made the public page new");
    let signed_in = get_as(&site, "/gemeenten", Some(&cookie)).await;
    assert_eq!(signed_in.status(), StatusCode::OK);
    assert!(signed_in.headers().get("etag").is_none(), "nothing kept");
    assert_eq!(signed_in.headers()["cache-control"], "no-store, private");
    let told = site
        .client
        .get(format!("{}/gemeenten", site.base))
        .header("cookie", &cookie)
        .header("if-none-match", &anonymous)
        .send()
        .await
        .unwrap();
    assert_eq!(told.status(), StatusCode::OK, "a signed-in visitor is never answered from what anonymous visitors hold");
    // A private page may hold a secret beside text from the address (BREACH): it is sent as it is.
    let private = site
        .client
        .get(format!("{}/mijn", site.base))
        .header("cookie", &cookie)
        .header("accept-encoding", "gzip, br")
        .send()
        .await
        .unwrap();
    assert_eq!(private.status(), StatusCode::OK);
    assert!(private.headers().get("content-encoding").is_none(), "a private page is not compressed");
});

both_backends!(only_a_change_to_what_a_page_shows_makes_it_new, async |store: Store| {
    let site = site_with_waves(&store).await;
    let pages = [
        "/metingen/eerste-meting",
        "/api/v1/metingen/eerste-meting/indicatoren",
        "/gemeenten",
        "/kennisbank",
        "/samenwerkingen",
        "/bouwstenen",
    ];
    let mut tags = Vec::new();
    for path in pages {
        tags.push(tag(&site, path).await);
    }
    let unchanged = |tags: &[String], now: &[String], except: &[&str]| {
        for ((path, before), after) in pages.iter().zip(tags).zip(now) {
            assert_eq!(before == after, !except.contains(path), "{path}");
        }
    };
    let wait = || tokio::time::sleep(Duration::from_millis(300));

    // A municipality saves a page in the open wave: nothing public shows it.
    change_answer(&store, "vervolgmeting", &respondent(&store, "vervolgmeting").await, Edit::Draft).await;
    wait().await;
    let mut now = Vec::new();
    for path in pages {
        now.push(tag(&site, path).await);
    }
    unchanged(&tags, &now, &[]);

    // The monitor team corrects an answer in the published wave: its figures change, nothing else.
    change_answer(&store, "eerste-meting", &respondent(&store, "eerste-meting").await, Edit::Correction).await;
    wait().await;
    let mut corrected = Vec::new();
    for path in pages {
        corrected.push(tag(&site, path).await);
    }
    unchanged(&now, &corrected, &["/metingen/eerste-meting", "/api/v1/metingen/eerste-meting/indicatoren"]);

    // An article is edited: the knowledge base changes, the figures do not.
    let article = store.articles(None).await.unwrap().remove(0);
    let mut text = domain::demo::data().unwrap().articles.into_iter().find(|a| a.slug == article.slug).unwrap();
    text.title = format!("{} (bijgewerkt)", text.title);
    store.edit_article(&article.slug, article.revision, &text, &author()).await.unwrap();
    wait().await;
    let mut edited = Vec::new();
    for path in pages {
        edited.push(tag(&site, path).await);
    }
    unchanged(&corrected, &edited, &["/kennisbank"]);
});

/// Polls `path` on `site` until it contains `expected`, failing after a second from `since`.
async fn reaches(site: &Site, path: &str, expected: &str, since: Instant) {
    loop {
        if site.page(path).await.contains(expected) {
            return;
        }
        assert!(since.elapsed() < Duration::from_secs(1), "{}{path} does not show ‘{expected}’ a second after the change", site.base);
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

both_backends!(every_kind_of_change_reaches_the_kept_pages_of_another_process_within_a_second, async |store: Store| {
    let writer = site_with_waves(&store).await;
    let reader = Site::serve(inbeeld_web::AppState::new(store.clone())).await;
    let pages = ["/gemeenten/GM0363", "/gemeenten?zoek=amster", "/bouwstenen", "/kennisbank", "/samenwerkingen", "/metingen/eerste-meting"];
    for path in pages {
        for site in [&writer, &reader] {
            site.page(path).await;
        }
    }

    // The register: a municipality is renamed.
    let mut amsterdam = store.organisation(&OrgCode::parse("GM0363").unwrap()).await.unwrap();
    amsterdam.name = "Amsterdam-Nieuw".into();
    store.import_register(&[amsterdam], &author(), &mut |_| {}).await.unwrap();
    let changed = Instant::now();
    reaches(&reader, "/gemeenten/GM0363", "Amsterdam-Nieuw", changed).await;
    reaches(&reader, "/gemeenten?zoek=amster", "Amsterdam-Nieuw", changed).await;

    // A catalogue: a block is renamed in a new import of the same version.
    let mut catalogue = store.catalogues().await.unwrap().remove(0);
    catalogue.blocks[0].name = "Bouwsteen met een nieuwe naam".into();
    store.import_catalogue(&catalogue, &author()).await.unwrap();
    reaches(&reader, "/bouwstenen", "Bouwsteen met een nieuwe naam", Instant::now()).await;

    // An article.
    let mut article = domain::demo::data().unwrap().articles.remove(0);
    article.slug = "nieuw-artikel".into();
    article.title = "Een nieuw artikel".into();
    store.create_article(&article, &author()).await.unwrap();
    reaches(&reader, "/kennisbank", "Een nieuw artikel", Instant::now()).await;

    // A collaboration.
    let members = store.organisations(&OrganisationFilter::default()).await.unwrap();
    let members: std::collections::BTreeSet<OrgCode> =
        members.iter().filter(|o| o.code.as_str().starts_with("GM")).take(2).map(|o| o.code.clone()).collect();
    let draft = CollaborationDraft { name: "Samenwerking van de test".into(), members, areas: [Area::Technique].into_iter().collect() };
    store.create_collaboration(&draft, &author()).await.unwrap();
    reaches(&reader, "/samenwerkingen", "Samenwerking van de test", Instant::now()).await;

    // A wave's figures: the correction of an answer in the published wave.
    let before = tag(&reader, "/metingen/eerste-meting").await;
    change_answer(&store, "eerste-meting", &respondent(&store, "eerste-meting").await, Edit::Correction).await;
    let corrected = Instant::now();
    while tag(&reader, "/metingen/eerste-meting").await == before {
        assert!(corrected.elapsed() < Duration::from_secs(1), "the dashboard is not written again a second after a correction");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
});
