//! The register of collaborations over a real server, on both databases: the public list with its network and
//! the table of the same facts, one collaboration, the review of survey answers by the monitor team, entering
//! and editing by hand with bad input and an outdated version, who may reach what, and the API.

use crate::support;

use std::collections::BTreeSet;

use domain::account::Role;
use domain::collaboration::{Area, CollaborationDraft};
use domain::fieldwork::{Edit, Mode, WaveId, WaveState};
use domain::questionnaire::{Answer, Answers};
use domain::register::OrgCode;
use reqwest::{Response, StatusCode};
use store::testing::author;
use store::{SaveAnswers, Store, both_backends};
use support::{Site, add_user, get_as, import_demo_questionnaire, sign_in};

fn code(text: &str) -> OrgCode {
    OrgCode::parse(text).unwrap()
}

fn draft(name: &str, members: &[&str], areas: &[Area]) -> CollaborationDraft {
    CollaborationDraft { name: name.into(), members: members.iter().map(|m| code(m)).collect(), areas: areas.iter().copied().collect() }
}

/// Two collaborations entered by the team: Zwolle with Kampen and Dronten (Overijssel and Flevoland) on technique,
/// and Zwolle with Deventer on strategy.
async fn with_register(store: &Store) -> (i64, i64) {
    let ijssel = store
        .create_collaboration(&draft("Regio IJssel-Vecht", &["GM0193", "GM0166", "GM0303"], &[Area::Technique]), &author())
        .await
        .unwrap();
    let deventer =
        store.create_collaboration(&draft("Zwolle–Deventer", &["GM0193", "GM0150"], &[Area::Strategy]), &author()).await.unwrap();
    (ijssel, deventer)
}

async fn post_form(site: &Site, path: &str, cookie: Option<&str>, fields: &[(&str, &str)]) -> Response {
    let mut request = site.client.post(format!("{}{path}", site.base)).form(fields);
    if let Some(cookie) = cookie {
        request = request.header("cookie", cookie);
    }
    request.send().await.unwrap()
}

async fn as_admin(store: &Store, site: &Site) -> String {
    add_user(store, "beheer@instituut.nl", Role::Admin, None).await;
    sign_in(site, "beheer@instituut.nl").await
}

async fn save(store: &Store, wave: &WaveId, organisation: &str, partners: &str, based_on: Option<i64>) {
    let mut answers = Answers::new();
    answers.insert("collaborates".into(), Answer::Text("ja".into()));
    answers.insert("partners".into(), Answer::Text(partners.into()));
    answers.insert("collaboration_areas".into(), Answer::Many(vec!["techniek".into(), "strategie-en-beleid".into()]));
    let save = SaveAnswers {
        wave,
        organisation: &code(organisation),
        questionnaire_id: "eerste-meting-2010",
        questionnaire_version: 1,
        answers: &answers,
        mode: &Mode::Online,
        based_on,
        edit: if based_on.is_some() { Edit::Correction } else { Edit::Draft },
        submit: true,
    };
    store.save_answers(&save, &author()).await.unwrap();
}

/// An open wave (not simulated) in which Kampen and Zwolle answered with partners.
async fn with_answers(store: &Store) -> WaveId {
    let demo = domain::demo::data().unwrap();
    import_demo_questionnaire(store).await;
    let wave = store.create_wave(&demo.second_wave().unwrap().wave, false, &author()).await.unwrap();
    store.set_wave_state(&wave, WaveState::Open, &author()).await.unwrap();
    save(store, &wave.id, "GM0166", "Regio IJssel-Vecht\nGemeente Dronten", None).await;
    save(store, &wave.id, "GM0193", "Veiligheidsregio IJsselland", None).await;
    wave.id
}

fn rows_of<'a>(html: &'a str, caption: &str) -> Vec<&'a str> {
    let table = &html[html.find(caption).unwrap_or_else(|| panic!("no table {caption}"))..];
    let body = &table[table.find("<tbody>").unwrap()..table.find("</tbody>").unwrap()];
    body.split("<tr>").skip(1).collect()
}

both_backends!(the_list_shows_the_register_and_a_network_whose_table_matches_it, async |store: Store| {
    let site = Site::start(&store, false).await;
    let (ijssel, _) = with_register(&store).await;
    let page = site.page("/samenwerkingen").await;
    assert!(page.contains(&format!("<a href=\"/samenwerkingen/{ijssel}\">Regio IJssel-Vecht</a>")), "{page}");
    assert!(page.contains("<a href=\"/gemeenten/GM0150\">Deventer</a>") && page.contains("Strategie en beleid"));
    assert!(page.contains("ingevoerd door het monitorteam"));
    assert!(!page.contains("Gesimuleerde gegevens"), "nothing here is simulated");

    // The picture: four municipalities, and a line for each pair that shares a collaboration.
    let svg = &page[page.find("<svg class=\"chart map network\"").expect("a network picture")..];
    let svg = &svg[..svg.find("</svg>").unwrap()];
    assert!(svg.contains("aria-label=\"Netwerk van samenwerkende gemeenten: 4 gemeenten, 4 verbindingen\""), "{svg}");
    assert_eq!(svg.matches("<line ").count(), 4);
    assert!(svg.contains("data-from=\"GM0150\" data-to=\"GM0193\""));
    assert!(page.contains("Er zijn geen gemeentegrenzen geïmporteerd"), "drawn over the centroids");

    // The table beside it says the same as the register: each municipality with its partners.
    let rows = rows_of(&page, "<caption>Partners per gemeente");
    let partners = store.partners_by_organisation().await.unwrap();
    assert_eq!(rows.len(), partners.len());
    let zwolle = rows.iter().find(|r| r.contains("/gemeenten/GM0193")).unwrap();
    assert!(zwolle.contains("<td class=\"numeric\">3</td>"), "{zwolle}");
    assert!(zwolle.contains("Deventer, Dronten, Kampen"), "{zwolle}");
    let deventer = rows.iter().find(|r| r.contains("/gemeenten/GM0150")).unwrap();
    assert!(deventer.contains("<td>Zwolle</td>"), "{deventer}");

    // Filters: strategy leaves Zwolle–Deventer; Flevoland leaves the one with Dronten.
    let strategy = site.page("/samenwerkingen?gebied=strategie-en-beleid").await;
    assert!(strategy.contains("Zwolle–Deventer") && !strategy.contains(">Regio IJssel-Vecht<"), "filtered on the area");
    assert!(strategy.contains("1 van de 2 samenwerkingen"));
    let flevoland = site.page("/samenwerkingen?provincie=PV24").await;
    assert!(flevoland.contains(">Regio IJssel-Vecht<") && !flevoland.contains(">Zwolle–Deventer<"));
    let bad = site.page("/samenwerkingen?gebied=bestuur&provincie=PV24").await;
    assert!(bad.contains("Gebied: ‘bestuur’ is geen gebied"), "{bad}");
    assert!(bad.contains("<option value=\"PV24\" selected>"), "the rest of the choice is kept");
});

both_backends!(one_collaboration_shows_its_members_areas_source_and_a_small_map, async |store: Store| {
    let site = Site::start(&store, false).await;
    let (ijssel, _) = with_register(&store).await;
    let page = site.page(&format!("/samenwerkingen/{ijssel}")).await;
    assert!(page.contains("<h1>Regio IJssel-Vecht</h1>"), "{page}");
    for (code, name) in [("GM0193", "Zwolle"), ("GM0166", "Kampen"), ("GM0303", "Dronten")] {
        assert!(page.contains(&format!("<a href=\"/gemeenten/{code}\">{name}</a>")), "{name}");
    }
    assert!(page.contains("Techniek") && page.contains("ingevoerd door het monitorteam"));
    let svg = &page[page.find("<g class=\"network__nodes\"").expect("the members on a map")..];
    assert_eq!(svg.matches("<circle data-code=").count(), 3);
    for missing in ["/samenwerkingen/999", "/samenwerkingen/abc"] {
        let response = site.get(missing).await;
        assert_eq!(response.status(), StatusCode::NOT_FOUND, "{missing}");
        assert!(response.text().await.unwrap().contains("Er is geen samenwerking met nummer"));
    }
});

both_backends!(the_team_reviews_answers_and_a_decided_one_comes_back_only_when_changed, async |store: Store| {
    let site = Site::start(&store, false).await;
    let (ijssel, _) = with_register(&store).await;
    let wave = with_answers(&store).await;
    let cookie = as_admin(&store, &site).await;
    let review = |cookie: String| {
        let site = &site;
        async move { get_as(site, "/beheer/samenwerkingen", Some(&cookie)).await.text().await.unwrap() }
    };
    let page = review(cookie.clone()).await;
    assert!(page.contains("Te beoordelen (2)"), "{page}");
    assert!(page.contains("‘Regio IJssel-Vecht’: Kampen is al lid van ‘Regio IJssel-Vecht’"), "matched by name: {page}");
    assert!(
        page.contains("‘Veiligheidsregio IJsselland’: een nieuwe samenwerking ‘Veiligheidsregio IJsselland’ met Zwolle als eerste lid")
    );
    let kampen_form = format!("/beheer/samenwerkingen/antwoorden/{wave}/GM0166");
    assert!(page.contains(&kampen_form));

    // Nothing chosen: refused at the answer, which stays.
    let nothing = post_form(&site, &kampen_form, Some(&cookie), &[("revisie", "1"), ("besluit", "overnemen")]).await;
    assert_eq!(nothing.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(nothing.text().await.unwrap().contains("Kies ten minste één regel om over te nemen"));
    // An outdated revision: refused.
    let stale = post_form(&site, &kampen_form, Some(&cookie), &[("revisie", "0"), ("regel", "1"), ("besluit", "overnemen")]).await;
    assert_eq!(stale.status(), StatusCode::CONFLICT);

    // Accepting Zwolle's answer makes a collaboration from it.
    let zwolle_form = format!("/beheer/samenwerkingen/antwoorden/{wave}/GM0193");
    let accepted = post_form(&site, &zwolle_form, Some(&cookie), &[("revisie", "1"), ("regel", "0"), ("besluit", "overnemen")]).await;
    assert_eq!(accepted.status(), StatusCode::SEE_OTHER);
    let created = store.collaborations().await.unwrap().into_iter().find(|c| c.name == "Veiligheidsregio IJsselland").unwrap();
    assert_eq!(created.members, BTreeSet::from([code("GM0193")]));
    assert_eq!(created.areas, BTreeSet::from([Area::Technique, Area::Strategy]), "the areas of the answer");
    let shown = site.page(&format!("/samenwerkingen/{}", created.id)).await;
    assert!(shown.contains("antwoord van Zwolle in de meting ‘Vervolgmeting"), "{shown}");

    // Kampen's second line names Dronten, with whom it is in a collaboration already; rejecting the answer
    // changes nothing, and it does not come back.
    let rejected = post_form(&site, &kampen_form, Some(&cookie), &[("revisie", "1"), ("besluit", "afwijzen")]).await;
    assert_eq!(rejected.status(), StatusCode::SEE_OTHER);
    let page = review(cookie.clone()).await;
    assert!(page.contains("Te beoordelen (0)") && page.contains("Er zijn geen antwoorden te beoordelen."), "{page}");
    assert_eq!(store.collaboration(ijssel).await.unwrap().revision, 1);
    let again = post_form(&site, &kampen_form, Some(&cookie), &[("revisie", "1"), ("besluit", "afwijzen")]).await;
    assert_eq!(again.status(), StatusCode::NOT_FOUND, "decided once");

    // Kampen changes its answer: it comes back with what it now proposes.
    save(&store, &wave, "GM0166", "Zwolle–Deventer", Some(1)).await;
    let page = review(cookie.clone()).await;
    assert!(
        page.contains("Te beoordelen (1)") && page.contains("Kampen toevoegen aan de bestaande samenwerking ‘Zwolle–Deventer’"),
        "{page}"
    );
    let joined = post_form(&site, &kampen_form, Some(&cookie), &[("revisie", "2"), ("regel", "0"), ("besluit", "overnemen")]).await;
    assert_eq!(joined.status(), StatusCode::SEE_OTHER);
    let partners = store.partners_by_organisation().await.unwrap();
    assert!(partners[&code("GM0166")].contains(&code("GM0150")), "Kampen now works with Deventer");
});

both_backends!(the_team_enters_and_edits_by_hand_and_bad_input_is_named_and_kept, async |store: Store| {
    let site = Site::start(&store, false).await;
    let cookie = as_admin(&store, &site).await;
    let form = get_as(&site, "/beheer/samenwerkingen/nieuw", Some(&cookie)).await.text().await.unwrap();
    assert!(form.contains("<label for=\"leden\">"));

    let bad = post_form(
        &site,
        "/beheer/samenwerkingen/nieuw",
        Some(&cookie),
        &[("naam", " "), ("leden", "GM9999, Zwolle"), ("gebied", "techniek")],
    )
    .await;
    assert_eq!(bad.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = bad.text().await.unwrap();
    for message in ["Naam: geef de samenwerking een naam.", "Leden: GM9999 staat niet in het register.", "Leden: ‘Zwolle’ is geen CBS-code"]
    {
        assert!(html.contains(message), "{message}: {html}");
    }
    assert!(html.contains(">GM9999, Zwolle</textarea>"), "what was typed is kept");
    assert!(html.contains("value=\"techniek\" checked"));
    let empty = post_form(&site, "/beheer/samenwerkingen/nieuw", Some(&cookie), &[("naam", "Regio"), ("leden", "")]).await;
    assert!(empty.text().await.unwrap().contains("Leden: noem ten minste één gemeente"));
    assert!(store.collaborations().await.unwrap().is_empty(), "nothing stored");

    let good = post_form(
        &site,
        "/beheer/samenwerkingen/nieuw",
        Some(&cookie),
        &[("naam", "Regio Zwolle"), ("leden", "gm0193 GM0166"), ("gebied", "techniek")],
    )
    .await;
    assert_eq!(good.status(), StatusCode::SEE_OTHER);
    let id = store.collaborations().await.unwrap()[0].id;
    assert_eq!(good.headers()["location"], format!("/samenwerkingen/{id}"));

    // Two edits from the same version: the second is refused with the newer version shown and its input kept.
    let edit = format!("/beheer/samenwerkingen/{id}");
    let page = get_as(&site, &edit, Some(&cookie)).await.text().await.unwrap();
    assert!(
        page.contains("value=\"Regio Zwolle\"")
            && page.contains(">GM0166 GM0193</textarea>")
            && page.contains("name=\"revisie\" value=\"1\"")
    );
    let first =
        post_form(&site, &edit, Some(&cookie), &[("revisie", "1"), ("naam", "Regio Zwolle-Kampen"), ("leden", "GM0193 GM0166")]).await;
    assert_eq!(first.status(), StatusCode::SEE_OTHER);
    let second =
        post_form(&site, &edit, Some(&cookie), &[("revisie", "1"), ("naam", "Regio Zwolle en Dronten"), ("leden", "GM0193 GM0303")]).await;
    assert_eq!(second.status(), StatusCode::CONFLICT);
    let html = second.text().await.unwrap();
    assert!(html.contains("intussen gewijzigd") && html.contains("<dd>Regio Zwolle-Kampen</dd>"), "the newer version: {html}");
    assert!(html.contains("value=\"Regio Zwolle en Dronten\"") && html.contains("name=\"revisie\" value=\"2\""), "the input is kept");
    assert_eq!(store.collaboration(id).await.unwrap().name, "Regio Zwolle-Kampen");
    let bad_edit = post_form(&site, &edit, Some(&cookie), &[("revisie", "2"), ("naam", "Regio"), ("leden", "PV23")]).await;
    assert_eq!(bad_edit.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad_edit.text().await.unwrap().contains("Leden: PV23 is een provincie"));

    let audit =
        store.audit_entries(&store::AuditFilter { target: Some(format!("samenwerking {id}")), ..Default::default() }).await.unwrap();
    assert_eq!(audit.len(), 2, "a creation and one edit");
});

both_backends!(the_public_and_respondents_cannot_reach_the_team_pages, async |store: Store| {
    let site = Site::start(&store, false).await;
    let (ijssel, _) = with_register(&store).await;
    add_user(&store, "respondent@zwolle.nl", Role::Respondent, Some("GM0193")).await;
    let respondent = sign_in(&site, "respondent@zwolle.nl").await;
    let edit = format!("/beheer/samenwerkingen/{ijssel}");
    for path in ["/beheer/samenwerkingen", "/beheer/samenwerkingen/nieuw", edit.as_str()] {
        let public = get_as(&site, path, None).await;
        assert_eq!(public.status(), StatusCode::SEE_OTHER, "{path}");
        assert!(public.headers()["location"].to_str().unwrap().starts_with("/inloggen?terug="));
        assert_eq!(get_as(&site, path, Some(&respondent)).await.status(), StatusCode::FORBIDDEN, "{path}");
    }
    let post = post_form(&site, &edit, Some(&respondent), &[("revisie", "1"), ("naam", "Overgenomen"), ("leden", "GM0193")]).await;
    assert_eq!(post.status(), StatusCode::FORBIDDEN);
    assert_eq!(store.collaboration(ijssel).await.unwrap().name, "Regio IJssel-Vecht", "nothing changed");
});

both_backends!(the_api_lists_collaborations_and_answers_one, async |store: Store| {
    let site = Site::start(&store, false).await;
    let (ijssel, _) = with_register(&store).await;
    let all = site.json("/api/v1/samenwerkingen").await;
    assert_eq!(all["aantal"], 2);
    let kampen = site.json("/api/v1/samenwerkingen?gemeente=GM0166").await;
    assert_eq!(kampen["aantal"], 1);
    let one = &kampen["samenwerkingen"][0];
    assert_eq!(one["naam"], "Regio IJssel-Vecht");
    assert_eq!(one["gebieden"], serde_json::json!(["techniek"]));
    assert_eq!(one["bron"]["soort"], "monitorteam");
    assert_eq!(one["leden"].as_array().unwrap().len(), 3);
    assert_eq!(site.json(&format!("/api/v1/samenwerkingen/{ijssel}")).await, *one);
    let problem = site.problem("/api/v1/samenwerkingen?gemeente=PV27", StatusCode::BAD_REQUEST).await;
    assert!(problem["detail"].as_str().unwrap().contains("parameter gemeente"));
    site.problem("/api/v1/samenwerkingen/999", StatusCode::NOT_FOUND).await;
    site.problem("/api/v1/samenwerkingen/abc", StatusCode::BAD_REQUEST).await;
});
