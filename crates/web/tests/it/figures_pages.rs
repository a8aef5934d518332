//! The public figures pages over a real server: the national dashboard with the first wave's headline table, a
//! breakdown too small to publish, clear refusals, and two processes with their own figures cache that both serve
//! a correction within a second. The dashboard as a whole is compared with its reviewed snapshot in `snapshots`.

use crate::support;

use std::time::{Duration, Instant};

use domain::fieldwork::{Edit, Mode, WaveState};
use domain::questionnaire::Answer;
use reqwest::StatusCode;
use store::testing::author;
use store::{SaveAnswers, Store, both_backends};
use support::{Site, store_demo_wave};

/// The demo's simulated first wave, stored and published, beside a wave still in draft.
async fn published_first_wave(store: &Store) -> Site {
    let site = Site::start(store, false).await;
    let demo = domain::demo::data().unwrap();
    store_demo_wave(store, &demo.first_wave().unwrap(), WaveState::Published).await;
    let mut draft = demo.second_wave().unwrap().wave;
    draft.id = domain::fieldwork::WaveId::parse("concept").unwrap();
    store.create_wave(&draft, false, &author()).await.unwrap();
    site
}

both_backends!(the_dashboard_leads_with_the_headline_table_of_the_first_wave, async |store: Store| {
    let site = published_first_wave(&store).await;
    let list = site.page("/metingen").await;
    assert!(list.contains("href=\"/metingen/eerste-meting\""), "{list}");
    assert!(!list.contains("/metingen/concept"), "a wave in draft is not public");

    let page = site.page("/metingen/eerste-meting").await;
    let headline = &page[page.find("<caption>Kerncijfers</caption>").expect("a headline table")..];
    assert_eq!(page[..page.find("<caption>Kerncijfers").unwrap()].matches("<table").count(), 1, "the headline table comes first");
    for figure in ["380 (90,9% van alle 418)", "75,0%", "37,0%", "83,9%", "72,1%", "47,1%", "22,9%", "12,9%"] {
        assert!(headline[..headline.find("</table>").unwrap()].contains(figure), "the headline table lacks {figure}");
    }
    assert!(page.contains("Gesimuleerde gegevens"), "a simulated wave says so");

    assert!(page.contains("Er zijn geen gemeentegrenzen geïmporteerd"), "without boundaries the map is drawn from centroids");
    assert!(page.contains("<svg class=\"chart map\"") && page.contains("<circle"), "a map of centroids");

    // With boundaries imported for the wave's year, the map draws them.
    let map = r#"{"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"statcode": "GM0363"}, "geometry": {"type": "Polygon", "coordinates": [[[4.8, 52.3], [5.0, 52.3], [5.0, 52.4], [4.8, 52.3]]]}},
        {"type": "Feature", "properties": {"statcode": "GM0344"}, "geometry": {"type": "Polygon", "coordinates": [[[5.0, 52.0], [5.2, 52.0], [5.2, 52.1], [5.0, 52.0]]]}}
    ]}"#;
    store.import_boundaries(2011, &domain::geo::parse_boundaries(map).unwrap(), &author()).await.unwrap();
    let mut drawn = String::new();
    for _ in 0..40 {
        drawn = site.page("/metingen/eerste-meting").await;
        if drawn.contains("Gemeentegrenzen van 2011") {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert!(drawn.contains("Gemeentegrenzen van 2011") && drawn.contains("data-code=\"GM0363\""), "the imported boundaries are drawn");

    for (accept, encoding) in [("gzip, deflate, br", "br"), ("gzip", "gzip")] {
        let compressed =
            site.client.get(format!("{}/metingen/eerste-meting", site.base)).header("accept-encoding", accept).send().await.unwrap();
        assert_eq!(compressed.headers()["content-encoding"], encoding, "a browser gets the page compressed as it accepts");
        assert!(compressed.bytes().await.unwrap().len() * 5 < page.len());
    }

    let chosen = site.page("/metingen/eerste-meting?indeling=2011-03-31").await;
    assert!(chosen.contains("op de indeling van 31 maart 2011"), "the trend on the chosen division");
    let refused = site.get("/metingen/eerste-meting?indeling=2026-01-01").await.text().await.unwrap();
    assert!(refused.contains("kies een van: 2011-03-31"), "{refused}");

    let flevoland = site.page("/metingen/eerste-meting/provincies/PV24").await;
    assert!(flevoland.contains("Te weinig antwoorden om cijfers te publiceren"), "{flevoland}");
    assert!(!flevoland.contains("id=\"adoptie\""), "no figures from too small an n");
    let holland = site.page("/metingen/eerste-meting/provincies/PV27").await;
    assert!(holland.contains("id=\"adoptie\"") && holland.contains("Noord-Holland"));
    let digid = site.page("/metingen/eerste-meting/bouwstenen/digid").await;
    assert!(digid.contains("DigiD in gebruik per meting"), "the block page has its trend");

    for (path, status) in [
        ("/metingen/bestaat-niet", StatusCode::NOT_FOUND),
        ("/metingen/concept", StatusCode::NOT_FOUND),
        ("/metingen/eerste-meting/provincies/XX99", StatusCode::BAD_REQUEST),
        ("/metingen/eerste-meting/grootteklassen/9", StatusCode::BAD_REQUEST),
        ("/metingen/eerste-meting/bouwstenen/bestaat-niet", StatusCode::NOT_FOUND),
        ("/metingen/eerste-meting?indeling=2026-01-01", StatusCode::BAD_REQUEST),
        ("/metingen/eerste-meting?indeling=gisteren", StatusCode::BAD_REQUEST),
    ] {
        let response = site.get(path).await;
        assert_eq!(response.status(), status, "{path}");
        let body = response.text().await.unwrap();
        assert!(!body.contains("internal") && !body.contains("sqlx"), "{path}: {body}");
    }
});

both_backends!(a_correction_reaches_every_process_within_a_second, async |store: Store| {
    let first = published_first_wave(&store).await;
    let second = Site::serve(inbeeld_web::AppState::new(store.clone())).await;
    for site in [&first, &second] {
        assert!(site.page("/metingen/eerste-meting").await.contains("75,0%"));
    }

    // The monitor team corrects one municipality's leading theme: 285 of 380 becomes 284 of 380 (74,7%).
    let wave = domain::fieldwork::WaveId::parse("eerste-meting").unwrap();
    let progress = store.progress(&wave).await.unwrap();
    let mut corrected = None;
    for entry in progress {
        let response = store.response(&wave, &entry.organisation).await.unwrap().unwrap();
        if response.answers.get("leading_theme") == Some(&Answer::Text("dienstverlening".into())) {
            corrected = Some(response);
            break;
        }
    }
    let response = corrected.expect("a municipality with service delivery as its theme");
    let mut answers = response.answers.clone();
    answers.insert("leading_theme".into(), Answer::Text("bedrijfsvoering".into()));
    let save = SaveAnswers {
        wave: &wave,
        organisation: &response.organisation,
        questionnaire_id: &response.questionnaire_id,
        questionnaire_version: response.questionnaire_version,
        answers: &answers,
        mode: &Mode::Online,
        based_on: Some(response.revision),
        edit: Edit::Correction,
        submit: false,
    };
    store.save_answers(&save, &author()).await.unwrap();

    let changed = Instant::now();
    for site in [&second, &first] {
        loop {
            if site.page("/metingen/eerste-meting").await.contains("74,7%") {
                break;
            }
            assert!(changed.elapsed() < Duration::from_secs(1), "{} still serves the old figures after a second", site.base);
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
});
