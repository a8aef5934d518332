//! Support planning over a real server, on both databases: the demand page's figures come from the stored
//! answers, the planner stores a proposal that the team adjusts (and an outdated edit is refused), impossible
//! settings are named and keep what was typed, the downloads read back, the invitations go to the outbox once,
//! and respondents and the public do not get in.

use crate::support;

use std::collections::BTreeSet;

use app::outreach::{DeliverySettings, Left, Worker};
use domain::account::Role;
use domain::fieldwork::delivery::Pace;
use domain::fieldwork::{Edit, NewWave, WaveId, WaveState};
use domain::questionnaire::{Answer, Answers};
use domain::register::OrgCode;
use domain::support::{Grouping, Region};
use mail::{Mailer, MailerConfig};
use reqwest::{Response, StatusCode};
use store::testing::author;
use store::{Contact, SaveAnswers, Store, both_backends};
use support::{Site, add_user, get_as, import_demo_questionnaire, read_csv, sign_in};

const ADMIN: &str = "beheer@instituut.nl";
const ANALYST: &str = "analist@instituut.nl";

/// The demo's simulated first wave, submitted, with the contact e-mail left out of the answers of `unreachable`;
/// and a wave without answers. Stored here rather than by `app::demo::store_simulated_wave`, which refuses answers
/// that lack a required one, as those of `unreachable` do. Served with `mailer`, with an admin and an analyst.
async fn planning_site(store: &Store, mailer: Option<Mailer>, unreachable: &[&str]) -> Site {
    Site::start(store, false).await;
    let demo = domain::demo::data().unwrap();
    import_demo_questionnaire(store).await;
    let questionnaire = &demo.questionnaire;
    let first = demo.first_wave().unwrap();
    let wave = store.create_wave(&first.wave, true, &author()).await.unwrap();
    store.set_wave_state(&wave, WaveState::Open, &author()).await.unwrap();
    for response in &first.responses {
        let mut answers = questionnaire.without_hidden(&response.answers);
        if unreachable.contains(&response.organisation.as_str()) {
            answers.remove("contact_email");
        }
        let save = SaveAnswers {
            wave: &wave.id,
            organisation: &response.organisation,
            questionnaire_id: &wave.questionnaire_id,
            questionnaire_version: wave.questionnaire_version,
            answers: &answers,
            mode: &response.mode,
            based_on: None,
            edit: Edit::Draft,
            submit: true,
        };
        store.save_answers(&save, &author()).await.unwrap();
    }
    let empty = NewWave { id: WaveId::parse("lege-meting").unwrap(), title: "Lege meting".into(), ..first.wave.clone() };
    store.create_wave(&empty, false, &author()).await.unwrap();
    add_user(store, ADMIN, Role::Admin, None).await;
    add_user(store, ANALYST, Role::Analyst, None).await;
    add_user(store, "respondent@amsterdam.nl", Role::Respondent, Some("GM0363")).await;
    let state = inbeeld_web::AppState::new(store.clone());
    Site::serve(match mailer {
        Some(mailer) => state.with_mailer(mailer),
        None => state,
    })
    .await
}

async fn post_form(site: &Site, path: &str, cookie: &str, fields: &[(&str, &str)]) -> Response {
    site.client.post(format!("{}{path}", site.base)).header("cookie", cookie).form(fields).send().await.unwrap()
}

async fn text(site: &Site, path: &str, cookie: &str) -> String {
    let response = get_as(site, path, Some(cookie)).await;
    assert_eq!(response.status(), StatusCode::OK, "{path}");
    response.text().await.unwrap()
}

/// Runs the planner with the form's defaults but `fields`, and returns the new proposal's id.
async fn run(site: &Site, cookie: &str, fields: &[(&str, &str)]) -> i64 {
    let mut form = vec![
        ("meting", "eerste-meting"),
        ("indeling", "regio"),
        ("bijeenkomsten", "3"),
        ("afstand", "25"),
        ("groepsgrootte", "10"),
        ("vorm", "regional_meetings"),
    ];
    for (name, value) in fields {
        form.retain(|(n, _)| n != name);
        form.push((name, value));
    }
    let response = post_form(site, "/beheer/ondersteuning/voorstellen", cookie, &form).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER, "{}", response.text().await.unwrap());
    let location = response.headers()["location"].to_str().unwrap().to_owned();
    location.trim_start_matches("/beheer/ondersteuning/voorstellen/").parse().unwrap()
}

fn code(text: &str) -> OrgCode {
    OrgCode::parse(text).unwrap()
}

both_backends!(the_demand_page_counts_the_stored_answers, async |store: Store| {
    let site = planning_site(&store, None, &[]).await;
    let cookie = sign_in(&site, ANALYST).await;
    let page = text(&site, "/beheer/ondersteuning", &cookie).await;
    assert!(page.contains("<option value=\"eerste-meting\" selected>"), "the newest wave with answers is shown");
    assert!(page.contains("Gesimuleerde gegevens"));

    // Counted here from the answers as stored, independently of the domain's code.
    let answers = store.submitted_answers(&WaveId::parse("eerste-meting").unwrap()).await.unwrap();
    let matrix = |a: &Answers| match a.get("blocks") {
        Some(Answer::Matrix(m)) => Some(m.clone()),
        _ => None,
    };
    let answered: Vec<_> = answers.iter().filter_map(|(_, a)| matrix(a)).collect();
    let needing = answered.iter().filter(|m| m.values().any(|b| b.support_needed == Some(true))).count();
    assert!(page.contains(&format!("<strong>{needing} van de {} gemeenten</strong>", answered.len())), "{needing}");
    let digid_said = answered.iter().filter(|m| m.get("digid").is_some_and(|b| b.support_needed.is_some())).count();
    let digid_needs = answered.iter().filter(|m| m.get("digid").is_some_and(|b| b.support_needed == Some(true))).count();
    let row = format!("<tr><th scope=\"row\">DigiD</th><td class=\"numeric\">{digid_needs}</td><td class=\"numeric\">{digid_said}</td>");
    assert!(page.contains(&row), "the DigiD row with its count and base: {row}");
    assert!(page.contains("95%-interval") && page.contains("Regionale bijeenkomsten"));
    let utrecht = page.find("<tr><th scope=\"row\">Utrecht</th>").expect("a row for the province of Utrecht");
    assert!(page[utrecht..].starts_with("<tr><th scope=\"row\">Utrecht</th><td class=\"numeric\">"));
    assert!(page.contains("Hoe het voorstel wordt gemaakt") && page.contains("gretige werkwijze"), "the method is stated");

    let empty = text(&site, "/beheer/ondersteuning?meting=lege-meting", &cookie).await;
    assert!(empty.contains("Geen enkele gemeente vroeg in deze meting om ondersteuning"));
    assert_eq!(get_as(&site, "/beheer/ondersteuning?meting=bestaat-niet", Some(&cookie)).await.status(), StatusCode::NOT_FOUND);
});

both_backends!(the_planner_stores_a_proposal_that_the_team_adjusts, async |store: Store| {
    let site = planning_site(&store, None, &[]).await;
    let cookie = sign_in(&site, ADMIN).await;
    let id = run(&site, &cookie, &[]).await;
    let stored = store.support_plan(id).await.unwrap();
    let proposal = &stored.proposal;
    assert_eq!((stored.revision, stored.wave.as_str()), (1, "eerste-meting"));
    assert!(stored.author.contains(ADMIN));
    assert_eq!(proposal.settings.grouping, Grouping::PerRegion { meetings: 3 });
    assert!(proposal.meetings.len() <= 3 * 12 && !proposal.meetings.is_empty());
    assert!(proposal.meetings.iter().all(|m| matches!(m.region, Region::Province(_)) && m.invitees.len() <= 10));

    let page = text(&site, &format!("/beheer/ondersteuning/voorstellen/{id}"), &cookie).await;
    let first = &proposal.meetings[0];
    assert!(page.contains("<h2 id=\"bijeenkomst-1\" tabindex=\"-1\">Bijeenkomst 1: "));
    assert!(page.contains(&format!("{} van de {} aanvragen", proposal.covered(), proposal.demand())));
    assert!(page.contains(&format!("({})", first.host)), "the host is listed by code");
    let listing = text(&site, "/beheer/ondersteuning", &cookie).await;
    assert!(listing.contains(&format!("href=\"/beheer/ondersteuning/voorstellen/{id}\">Voorstel {id}</a>")));

    // Remove the first meeting's second invitee.
    let gone = first.invitees[1].organisation.to_string();
    let path = format!("/beheer/ondersteuning/voorstellen/{id}/aanpassing");
    let removed =
        post_form(&site, &path, &cookie, &[("revisie", "1"), ("actie", "verwijderen"), ("bijeenkomst", "1"), ("gemeente", &gone)]).await;
    assert_eq!(removed.status(), StatusCode::SEE_OTHER);
    assert_eq!(removed.headers()["location"], format!("/beheer/ondersteuning/voorstellen/{id}#bijeenkomst-1"));
    let after = store.support_plan(id).await.unwrap();
    assert_eq!(after.revision, 2);
    assert!(!after.proposal.meetings[0].invites(&code(&gone)));
    assert!(after.proposal.candidates(1).contains(&&code(&gone)), "back among those who may be added");

    // The same edit from the page of revision 1 is refused, with the newest version shown.
    let stale = post_form(&site, &path, &cookie, &[("revisie", "1"), ("actie", "schrappen"), ("bijeenkomst", "1")]).await;
    assert_eq!(stale.status(), StatusCode::CONFLICT);
    let body = stale.text().await.unwrap();
    assert!(body.contains("intussen door iemand anders aangepast (nu versie 2)") && body.contains("<dd>2</dd>"), "{body}");
    assert_eq!(store.support_plan(id).await.unwrap().proposal.meetings.len(), proposal.meetings.len(), "nothing dropped");

    // Adding someone already invited, or to a full meeting, is refused with a message; adding a candidate works.
    let host = after.proposal.meetings[0].host.to_string();
    let twice =
        post_form(&site, &path, &cookie, &[("revisie", "2"), ("actie", "toevoegen"), ("bijeenkomst", "1"), ("gemeente", &host)]).await;
    assert_eq!(twice.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(twice.text().await.unwrap().contains("staat al op de lijst van bijeenkomst 1"));
    let added =
        post_form(&site, &path, &cookie, &[("revisie", "2"), ("actie", "toevoegen"), ("bijeenkomst", "1"), ("gemeente", &gone)]).await;
    assert_eq!(added.status(), StatusCode::SEE_OTHER);
    let full = store.support_plan(id).await.unwrap();
    assert!(full.proposal.meetings[0].invites(&code(&gone)));
    if let Some(meeting) = full.proposal.meetings.iter().find(|m| m.invitees.len() == 10) {
        let outsider = full.proposal.candidates(meeting.number).first().map(|c| c.to_string());
        if let Some(outsider) = outsider {
            let number = meeting.number.to_string();
            let refused = post_form(
                &site,
                &path,
                &cookie,
                &[("revisie", "3"), ("actie", "toevoegen"), ("bijeenkomst", &number), ("gemeente", &outsider)],
            )
            .await;
            assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
            assert!(refused.text().await.unwrap().contains("is vol"));
        }
    }
    let dropped = post_form(&site, &path, &cookie, &[("revisie", "3"), ("actie", "schrappen"), ("bijeenkomst", "1")]).await;
    assert_eq!(dropped.status(), StatusCode::SEE_OTHER);
    let last = store.support_plan(id).await.unwrap();
    assert_eq!((last.revision, last.proposal.meeting(1)), (4, None));
    assert_eq!(last.proposal.demand(), proposal.demand(), "what the meeting covered is listed as uncovered");

    let audit =
        store.audit_entries(&store::AuditFilter { target: Some(format!("support_plan:{id}")), ..Default::default() }).await.unwrap();
    let actions: Vec<&str> = audit.iter().rev().map(|e| e.action.as_str()).collect();
    assert_eq!(actions, ["support_plan.create", "support_plan.remove_invitee", "support_plan.add_invitee", "support_plan.drop_meeting"]);
});

both_backends!(impossible_settings_say_why_and_keep_what_was_typed, async |store: Store| {
    let site = planning_site(&store, None, &[]).await;
    let cookie = sign_in(&site, ANALYST).await;
    let form = |fields: Vec<(&'static str, &'static str)>| {
        let mut all = vec![
            ("meting", "eerste-meting"),
            ("indeling", "regio"),
            ("bijeenkomsten", "3"),
            ("afstand", "25"),
            ("groepsgrootte", "10"),
            ("vorm", "alle"),
        ];
        for (name, value) in fields {
            all.retain(|(n, _)| *n != name);
            all.push((name, value));
        }
        all
    };
    let zero =
        post_form(&site, "/beheer/ondersteuning/voorstellen", &cookie, &form(vec![("groepsgrootte", "0"), ("bijeenkomsten", "0")])).await;
    assert_eq!(zero.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body = zero.text().await.unwrap();
    assert!(body.contains("<a href=\"#groepsgrootte\">Groepsgrootte: een bijeenkomst brengt minstens 2 gemeenten samen"), "{body}");
    assert!(body.contains("Bijeenkomsten per provincie: met 0 bijeenkomsten valt er niets te plannen"));
    assert!(
        body.contains("id=\"groepsgrootte\" name=\"groepsgrootte\" type=\"text\" inputmode=\"numeric\" class=\"input--short\" value=\"0\"")
    );
    assert!(body.contains("<option value=\"alle\" selected>"), "the chosen form is kept");

    let far = post_form(&site, "/beheer/ondersteuning/voorstellen", &cookie, &form(vec![("indeling", "afstand"), ("afstand", "-5")])).await;
    assert_eq!(far.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body = far.text().await.unwrap();
    assert!(body.contains("Afstand: een afstand kan niet negatief zijn") && body.contains("value=\"-5\""));
    assert!(body.contains("id=\"indeling-afstand\" name=\"indeling\" value=\"afstand\" checked"));
    let absurd =
        post_form(&site, "/beheer/ondersteuning/voorstellen", &cookie, &form(vec![("indeling", "afstand"), ("afstand", "10000")])).await;
    assert!(absurd.text().await.unwrap().contains("hoogstens 500 km"));

    let nothing = post_form(&site, "/beheer/ondersteuning/voorstellen", &cookie, &form(vec![("meting", "lege-meting")])).await;
    assert_eq!(nothing.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(nothing.text().await.unwrap().contains("Geen enkele gemeente vroeg in deze meting om ondersteuning"));
    assert!(store.support_plans(&WaveId::parse("eerste-meting").unwrap()).await.unwrap().is_empty(), "nothing was stored");
});

both_backends!(a_proposal_downloads_as_csv_and_xlsx, async |store: Store| {
    let site = planning_site(&store, None, &[]).await;
    let cookie = sign_in(&site, ANALYST).await;
    let id = run(&site, &cookie, &[("indeling", "afstand"), ("afstand", "20"), ("groepsgrootte", "6")]).await;
    let proposal = store.support_plan(id).await.unwrap().proposal;
    assert!(proposal.meetings.iter().all(|m| m.invitees.iter().all(|i| i.distance_km.is_some_and(|d| d <= 20.0))));

    let csv = get_as(&site, &format!("/beheer/ondersteuning/voorstellen/{id}/genodigden.csv"), Some(&cookie)).await;
    assert_eq!(csv.headers()["content-disposition"], format!("attachment; filename=\"inbeeld-voorstel-{id}-genodigden.csv\""));
    let (header, rows) = read_csv(&csv.bytes().await.unwrap());
    assert_eq!(
        header,
        ["bijeenkomst", "bouwsteen", "onderwerp", "regio", "gastgemeente_code", "gastgemeente", "gemeente_code", "gemeente", "afstand_km"]
    );
    assert_eq!(rows.len(), proposal.covered(), "one row per invitee");
    let first = &proposal.meetings[0];
    assert_eq!(rows[0]["bijeenkomst"], "1");
    assert_eq!(rows[0]["bouwsteen"], first.block);
    assert_eq!(rows[0]["gemeente_code"], first.invitees[0].organisation.as_str());
    assert_eq!(rows[0]["gastgemeente_code"], first.host.as_str());
    assert!(rows[0]["regio"].starts_with("binnen 20 km van "), "{}", rows[0]["regio"]);
    assert!(rows.iter().all(|r| r["afstand_km"].parse::<f64>().is_ok_and(|d| d <= 20.0)));

    let xlsx = get_as(&site, &format!("/beheer/ondersteuning/voorstellen/{id}/genodigden.xlsx"), Some(&cookie)).await;
    assert_eq!(xlsx.status(), StatusCode::OK);
    let bytes = xlsx.bytes().await.unwrap().to_vec();
    let mut workbook: calamine::Xlsx<_> = calamine::open_workbook_from_rs(std::io::Cursor::new(bytes)).unwrap();
    let sheet = calamine::Reader::worksheet_range(&mut workbook, "genodigden").unwrap();
    assert_eq!(sheet.height(), rows.len() + 1);
    assert_eq!(sheet.get((1, 0)), Some(&calamine::Data::Float(1.0)), "the meeting is a number");
    assert_eq!(sheet.get((1, 6)).map(ToString::to_string), Some(rows[0]["gemeente_code"].clone()));
});

fn mailer_for_worker(dir: &std::path::Path) -> std::sync::Arc<Mailer> {
    std::sync::Arc::new(Mailer::new(&MailerConfig::Outbox { dir: dir.to_owned() }, "Het monitorteam <monitor@inbeeld.example>").unwrap())
}

both_backends!(invitations_go_to_the_outbox_once_and_those_without_an_address_are_listed, async |store: Store| {
    let dir = std::env::temp_dir().join(format!("inbeeld-meetings-{}", uuid::Uuid::new_v4()));
    let mailer = Mailer::new(&MailerConfig::Outbox { dir: dir.clone() }, "Het monitorteam <monitor@inbeeld.example>").unwrap();
    // Nobody in the province of Utrecht gave an address in the answers; Utrecht itself has an imported contact.
    let utrecht_province: Vec<String> = domain::demo::data()
        .unwrap()
        .organisations
        .iter()
        .filter(|o| o.province.as_ref().is_some_and(|p| p.as_str() == "PV26"))
        .map(|o| o.code.to_string())
        .collect();
    let unreachable: Vec<&str> = utrecht_province.iter().map(String::as_str).collect();
    let site = planning_site(&store, Some(mailer), &unreachable).await;
    let contact = Contact { organisation: code("GM0344"), name: "E-coördinator".into(), email: "e-coordinator@utrecht.example".into() };
    store.import_contacts(&[contact], &author()).await.unwrap();
    let cookie = sign_in(&site, ADMIN).await;
    let id = run(&site, &cookie, &[("vorm", "alle")]).await;
    let proposal = store.support_plan(id).await.unwrap().proposal;
    let invitees: Vec<(u32, OrgCode)> =
        proposal.meetings.iter().flat_map(|m| m.invitees.iter().map(move |i| (m.number, i.organisation.clone()))).collect();
    let without: BTreeSet<&OrgCode> =
        invitees.iter().map(|(_, c)| c).filter(|c| unreachable.contains(&c.as_str()) && c.as_str() != "GM0344").collect();
    assert!(!without.is_empty(), "the proposal invites municipalities of Utrecht");

    let path = format!("/beheer/ondersteuning/voorstellen/{id}/uitnodigingen");
    let queued = post_form(&site, &path, &cookie, &[("revisie", "1")]).await;
    assert_eq!(queued.status(), StatusCode::SEE_OTHER, "queued, and on to the job that sends them");
    assert_eq!(queued.headers()["location"], "/beheer/metingen/eerste-meting/brieven/1");
    assert_eq!(std::fs::read_dir(&dir).map(|files| files.count()).unwrap_or(0), 0, "nothing is sent inside the request");
    let job_page = text(&site, "/beheer/metingen/eerste-meting/brieven/1", &cookie).await;
    assert!(job_page.contains("Verzending 1: uitnodigingen voor bijeenkomsten"), "{job_page}");
    let reached = invitees.iter().filter(|(_, c)| !without.contains(c)).count();
    assert!(job_page.contains(&format!("<dt>Wachtend</dt><dd>{reached}</dd>")), "{job_page}");

    // The worker that `inbeeld serve` runs, here in the test; the wave is published, which holds back no meeting.
    let settings = DeliverySettings { pace: Pace::FASTEST, ..DeliverySettings::new("https://inbeeld.example") };
    let worker = Worker::new(store.clone(), mailer_for_worker(&dir), settings);
    let (_keep, stop) = tokio::sync::watch::channel(false);
    let job = worker.claim(None).await.unwrap().expect("the queued job");
    assert_eq!(worker.work(&job, &stop, &mut |_| {}).await.unwrap(), Left::Done);
    let letters: Vec<String> =
        std::fs::read_dir(&dir).unwrap().map(|e| std::fs::read_to_string(e.unwrap().path()).unwrap().replace("=\r\n", "")).collect();
    assert_eq!(letters.len(), reached, "one letter per reachable invitee");
    if invitees.iter().any(|(_, c)| c.as_str() == "GM0344") {
        assert!(letters.iter().any(|l| l.contains("e-coordinator@utrecht.example")), "Utrecht's imported contact is used");
    }
    let letter = letters.iter().find(|l| l.contains("regionale bijeenkomst over")).expect("an invitation to a meeting");
    assert!(letter.contains("(bijeenkomst ") && letter.contains("regio ") && letter.contains("Met vriendelijke groet"), "{letter}");
    assert!(letters.iter().any(|l| l.contains("Ook uitgenodigd zijn: ") || l.contains(" is uitgenodigd.")), "the others are named");

    let records = store.meeting_invitations(id).await.unwrap();
    assert_eq!(records.len(), invitees.len(), "every invitee's outcome is recorded, those without an address too");

    let proposal_page = text(&site, &format!("/beheer/ondersteuning/voorstellen/{id}"), &cookie).await;
    assert!(proposal_page.contains(&format!("{reached} genodigde(n) kregen hun uitnodiging per e-mail.")), "{proposal_page}");

    let again = post_form(&site, &path, &cookie, &[("revisie", "1")]).await;
    assert_eq!(again.status(), StatusCode::OK);
    let page = again.text().await.unwrap();
    assert!(page.contains("Er zijn geen uitnodigingen klaargezet."), "{page}");
    assert!(page.contains(&format!("{reached} genodigde(n) hebben hun uitnodiging al, of die is onderweg.")), "{page}");
    assert!(page.contains("zonder e-mailadres kregen niets"), "{page}");
    assert_eq!(std::fs::read_dir(&dir).unwrap().count(), reached, "nothing is sent twice");
    std::fs::remove_dir_all(dir).unwrap();
});

both_backends!(respondents_and_the_public_do_not_get_in, async |store: Store| {
    let site = planning_site(&store, None, &[]).await;
    let respondent = sign_in(&site, "respondent@amsterdam.nl").await;
    for path in ["/beheer/ondersteuning", "/beheer/ondersteuning/voorstellen/1", "/beheer/ondersteuning/voorstellen/1/genodigden.csv"] {
        assert_eq!(get_as(&site, path, Some(&respondent)).await.status(), StatusCode::FORBIDDEN, "{path}");
        let public = get_as(&site, path, None).await;
        assert_eq!(public.status(), StatusCode::SEE_OTHER, "{path}");
        assert!(public.headers()["location"].to_str().unwrap().starts_with("/inloggen?terug="));
    }
    let posted =
        post_form(&site, "/beheer/ondersteuning/voorstellen", &respondent, &[("meting", "eerste-meting"), ("groepsgrootte", "5")]).await;
    assert_eq!(posted.status(), StatusCode::FORBIDDEN);
    assert!(store.support_plans(&WaveId::parse("eerste-meting").unwrap()).await.unwrap().is_empty());
    let analyst = sign_in(&site, ANALYST).await;
    assert!(text(&site, "/mijn", &analyst).await.contains("href=\"/beheer/ondersteuning\""), "analysts find the page");
});
