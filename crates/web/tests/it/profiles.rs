//! A municipality's profile over a real server, on SQLite and on PostgreSQL, from the demo's two simulated waves:
//! the public page and the API agree with the answers, the respondent sees its own profile before publication and
//! nobody else does, and bad requests are answered clearly. The page as a whole is compared with its reviewed
//! snapshot in `snapshots`.

use crate::support;

use std::collections::BTreeMap;

use domain::account::Role;
use domain::collaboration::{Area, CollaborationDraft};
use domain::demo::SimulatedResponse;
use domain::fieldwork::WaveState;
use domain::questionnaire::{Answer, BlockStatus};
use domain::register::OrgCode;
use reqwest::StatusCode;
use serde_json::Value;
use store::{Store, both_backends};
use support::{Site, add_user, get_as, sign_in, store_demo_wave};

const LATER: &str = "vervolgmeting";
const AMSTERDAM: &str = "GM0363";

fn statuses(response: &SimulatedResponse) -> BTreeMap<String, BlockStatus> {
    let Some(Answer::Matrix(matrix)) = response.answers.get("blocks") else { panic!("every simulated response has the matrix") };
    matrix.iter().filter_map(|(block, answer)| Some((block.clone(), answer.status?))).collect()
}

fn adoption(response: &SimulatedResponse, blocks: usize) -> f64 {
    statuses(response).values().filter(|s| **s == BlockStatus::InUse).count() as f64 / blocks as f64
}

both_backends!(the_profile_stands_on_the_answers_of_its_peers, async |store: Store| {
    let site = Site::start(&store, false).await;
    let demo = domain::demo::data().unwrap();
    store_demo_wave(&store, &demo.first_wave().unwrap(), WaveState::Published).await;
    let later = demo.second_wave().unwrap();
    store_demo_wave(&store, &later, WaveState::Published).await;
    let blocks = later.catalogue.blocks.len();
    let me = later.responses.iter().find(|r| r.organisation.as_str() == AMSTERDAM).expect("Amsterdam answers in the demo");
    // Amsterdam works with two neighbours in a registered collaboration: they are its partner group.
    let neighbours: Vec<OrgCode> = ["GM0362", "GM0384"].iter().map(|c| OrgCode::parse(c).unwrap()).collect();
    let draft = CollaborationDraft {
        name: "Samenwerking Amstelland".into(),
        members: neighbours.iter().cloned().chain([me.organisation.clone()]).collect(),
        areas: [Area::Technique].into(),
    };
    store.create_collaboration(&draft, &store::testing::author()).await.unwrap();

    let profile = site.json(&format!("/api/v1/metingen/{LATER}/organisaties/{AMSTERDAM}/profiel")).await;
    assert_eq!(profile["geantwoord"], true);
    assert!((profile["aandeelInGebruik"].as_f64().unwrap() - adoption(me, blocks)).abs() < 1e-12);
    for block in profile["bouwstenen"].as_array().unwrap() {
        let code = block["bouwsteen"].as_str().unwrap();
        assert_eq!(block["status"].as_str(), statuses(me).get(code).map(|s| s.code()), "{code}: its own status");
    }

    // The size-class group: every other respondent of Amsterdam's size class on the wave's date, counted here from
    // the populations and the responses.
    let populations = store.populations_on(later.wave.closes_on).await.unwrap();
    let class_of = |code: &OrgCode| populations.get(code).map(|p| p.size_class());
    let mine = class_of(&me.organisation).expect("Amsterdam has a population");
    let peers: Vec<&SimulatedResponse> =
        later.responses.iter().filter(|r| r.organisation != me.organisation && class_of(&r.organisation) == Some(mine)).collect();
    let group = &profile["groepen"][0];
    assert_eq!(group["soort"], "grootteklasse");
    assert_eq!(group["code"], mine.number().to_string());
    assert_eq!(group["n"].as_u64().unwrap() as usize, peers.len());
    let below = peers.iter().filter(|p| adoption(p, blocks) < adoption(me, blocks)).count() as f64;
    let ties = peers.iter().filter(|p| adoption(p, blocks) == adoption(me, blocks)).count() as f64;
    if peers.len() >= 10 {
        let expected = 100.0 * (below + ties / 2.0) / peers.len() as f64;
        assert!((group["percentiel"].as_f64().unwrap() - expected).abs() < 1e-9, "{group}");
    } else {
        assert_eq!(group["percentiel"], Value::Null, "a group below the minimum n gives no percentile");
    }
    let province = &profile["groepen"][1];
    assert_eq!((province["soort"].as_str(), province["code"].as_str()), (Some("provincie"), Some("PV27")));
    let partners = &profile["groepen"][2];
    let answered = neighbours.iter().filter(|n| later.responses.iter().any(|r| &r.organisation == *n)).count();
    assert_eq!(
        (partners["soort"].as_str(), partners["gevraagd"].as_u64(), partners["n"].as_u64()),
        (Some("partners"), Some(2), Some(answered as u64))
    );
    assert_eq!(
        (partners["gepubliceerd"].as_bool(), &partners["percentiel"]),
        (Some(false), &Value::Null),
        "two partners are too few for figures"
    );
    assert_eq!(profile["partners"], serde_json::json!(["GM0362", "GM0384"]));

    // Next steps are blocks it lacks; helpers have the block in use and come nearest first.
    for step in profile["volgendeStappen"].as_array().unwrap() {
        assert_ne!(statuses(me).get(step.as_str().unwrap()), Some(&BlockStatus::InUse), "{step} is already in use");
    }
    let by_code: BTreeMap<&str, &SimulatedResponse> = later.responses.iter().map(|r| (r.organisation.as_str(), r)).collect();
    for help in profile["wieKanHelpen"].as_array().unwrap() {
        let block = help["bouwsteen"].as_str().unwrap();
        let distances: Vec<f64> = help["gemeenten"].as_array().unwrap().iter().map(|g| g["afstandKm"].as_f64().unwrap()).collect();
        assert!(distances.windows(2).all(|w| w[0] <= w[1]), "nearest first: {distances:?}");
        for helper in help["gemeenten"].as_array().unwrap() {
            let answered = by_code[helper["code"].as_str().unwrap()];
            assert_eq!(statuses(answered).get(block), Some(&BlockStatus::InUse), "{helper} helps with {block}");
        }
    }

    // The public page shows the same profile, of the newest published wave.
    let page = site.page(&format!("/gemeenten/{AMSTERDAM}")).await;
    assert!(page.contains(&format!("Profiel in de meting ‘{}’", later.wave.title)), "the newest wave's profile");
    assert!(page.contains("Gesimuleerde gegevens"), "the demo's profile says it is simulated");
    let row = format!("<th scope=\"row\">Grootteklasse {}: {}</th>", mine.number(), mine.label());
    assert!(page.contains(&row), "the size-class row");
    let n = &page[page.find(&row).unwrap()..];
    assert!(n.contains(&format!("<td class=\"numeric\">{}</td>", peers.len())), "the page states the group's n");
    assert!(page.contains("<th scope=\"row\">Eerste meting"), "over time: the first wave too, on today's division");
    assert!(page.contains("<h3>Samenwerkingspartners</h3>") && page.contains("href=\"/gemeenten/GM0362\""), "its partners are named");
});

both_backends!(a_respondent_sees_its_profile_before_publication_and_nobody_else_does, async |store: Store| {
    let site = Site::start(&store, false).await;
    let demo = domain::demo::data().unwrap();
    store_demo_wave(&store, &demo.first_wave().unwrap(), WaveState::Published).await;
    store_demo_wave(&store, &demo.second_wave().unwrap(), WaveState::Closed).await;
    add_user(&store, "amsterdam@example.nl", Role::Respondent, Some(AMSTERDAM)).await;
    add_user(&store, "utrecht@example.nl", Role::Respondent, Some("GM0344")).await;
    let preview = format!("/invullen/{LATER}/{AMSTERDAM}/profiel");

    let own = sign_in(&site, "amsterdam@example.nl").await;
    let response = get_as(&site, &preview, Some(&own)).await;
    assert_eq!(response.status(), StatusCode::OK);
    let page = response.text().await.unwrap();
    assert!(page.contains("Voorlopig") && page.contains("nog niet gepubliceerd"), "the preview says it is not public yet");
    assert!(page.contains(&format!("Profiel in de meting ‘{}’", demo.second_wave().unwrap().wave.title)));

    let other = sign_in(&site, "utrecht@example.nl").await;
    assert_eq!(get_as(&site, &preview, Some(&other)).await.status(), StatusCode::FORBIDDEN, "another municipality's respondent");
    assert_eq!(get_as(&site, &preview, None).await.status(), StatusCode::SEE_OTHER, "anonymous visitors are sent to sign in");

    // The public sees the published wave's profile only.
    let public = site.page(&format!("/gemeenten/{AMSTERDAM}")).await;
    assert!(public.contains(&format!("Profiel in de meting ‘{}’", demo.first_wave().unwrap().wave.title)), "the published wave");
    assert!(!public.contains("Voorlopig"));
    site.problem(&format!("/api/v1/metingen/{LATER}/organisaties/{AMSTERDAM}/profiel"), StatusCode::NOT_FOUND).await;
});

both_backends!(bad_profile_requests_are_answered_clearly, async |store: Store| {
    let site = Site::start(&store, false).await;
    let demo = domain::demo::data().unwrap();
    store_demo_wave(&store, &demo.first_wave().unwrap(), WaveState::Published).await;
    let bad = site.problem("/api/v1/metingen/eerste-meting/organisaties/amsterdam/profiel", StatusCode::BAD_REQUEST).await;
    assert!(bad["detail"].as_str().unwrap().contains("geen CBS-code"), "{bad}");
    let unasked = site.problem("/api/v1/metingen/eerste-meting/organisaties/GM9999/profiel", StatusCode::NOT_FOUND).await;
    assert!(unasked["detail"].as_str().unwrap().contains("GM9999"), "{unasked}");
    site.problem("/api/v1/metingen/onbekend/organisaties/GM0363/profiel", StatusCode::NOT_FOUND).await;

    // A municipality that exists today but was not asked in the only published wave has no profile yet, and says so.
    let page = site.page("/gemeenten/GM1979").await;
    assert!(page.contains("Er is nog geen gepubliceerde meting waarin"), "{}", &page[..page.len().min(400)]);
});

both_backends!(a_preliminary_profile_shows_nothing_others_answered_in_the_unpublished_wave, async |store: Store| {
    let site = Site::start(&store, false).await;
    let demo = domain::demo::data().unwrap();
    let first = demo.first_wave().unwrap();
    store_demo_wave(&store, &first, WaveState::Published).await;
    // A municipality that answered the later wave only, held back until the first look at the preview.
    let mut later = demo.second_wave().unwrap();
    let newcomer_at = later.responses.iter().position(|r| !first.responses.iter().any(|f| f.organisation == r.organisation)).unwrap();
    let newcomer = later.responses.remove(newcomer_at);
    store_demo_wave(&store, &later, WaveState::Open).await;
    add_user(&store, "amsterdam@example.nl", Role::Respondent, Some(AMSTERDAM)).await;
    let own = sign_in(&site, "amsterdam@example.nl").await;
    let preview = format!("/invullen/{LATER}/{AMSTERDAM}/profiel");
    let before = get_as(&site, &preview, Some(&own)).await.text().await.unwrap();
    assert!(
        before.contains(&format!("komen daarom uit de gepubliceerde meting ‘{}’", first.wave.title)),
        "the comparison says where it comes from"
    );
    assert!(before.contains("<td>na publicatie</td>"), "no national figure of the unpublished wave");

    let wave = store.wave(&later.wave.id).await.unwrap();
    let save = store::SaveAnswers {
        wave: &wave.id,
        organisation: &newcomer.organisation,
        questionnaire_id: &wave.questionnaire_id,
        questionnaire_version: wave.questionnaire_version,
        answers: &newcomer.answers,
        mode: &newcomer.mode,
        based_on: None,
        edit: domain::fieldwork::Edit::Draft,
        submit: true,
    };
    store.save_answers(&save, &store::testing::author()).await.unwrap();
    let after = get_as(&site, &preview, Some(&own)).await.text().await.unwrap();
    assert_eq!(before, after, "another municipality's unpublished answer changes nothing in the preview");
    let name = store.organisation(&newcomer.organisation).await.unwrap().name;
    assert!(!after.contains(&name) && !after.contains(newcomer.organisation.as_str()), "{name} is not named");

    // Once the later wave is published, its profile is the public one, with every respondent.
    store.set_wave_state(&store.wave(&wave.id).await.unwrap(), WaveState::Closed, &store::testing::author()).await.unwrap();
    store.set_wave_state(&store.wave(&wave.id).await.unwrap(), WaveState::Published, &store::testing::author()).await.unwrap();
    let published = get_as(&site, &preview, Some(&own)).await.text().await.unwrap();
    assert!(!published.contains("Voorlopig") && !published.contains("na publicatie"));
});

both_backends!(without_a_published_wave_the_preview_says_when_it_fills, async |store: Store| {
    let site = Site::start(&store, false).await;
    let demo = domain::demo::data().unwrap();
    let later = demo.second_wave().unwrap();
    store_demo_wave(&store, &later, WaveState::Closed).await;
    add_user(&store, "amsterdam@example.nl", Role::Respondent, Some(AMSTERDAM)).await;
    let own = sign_in(&site, "amsterdam@example.nl").await;
    let page = get_as(&site, &format!("/invullen/{LATER}/{AMSTERDAM}/profiel"), Some(&own)).await.text().await.unwrap();
    assert!(page.contains(&format!("Wordt aangevuld zodra de meting ‘{}’ is gepubliceerd.", later.wave.title)), "{page}");
    assert!(!page.contains("In gebruik: Grootteklasse"), "no peer columns");
    let links = page.matches("href=\"/gemeenten/").count();
    assert_eq!(links, page.matches(&format!("href=\"/gemeenten/{AMSTERDAM}\"")).count(), "no other municipality is named");
});
