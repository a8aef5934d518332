//! A municipality answers its questionnaire over the real HTTP stack, on both databases: it opens its personal
//! link, answers over two sittings, fails validation and fixes it, checks the summary and submits; then the
//! monitor team corrects and reopens, and nobody else gets in.

use crate::support;

use domain::access::Secret;
use domain::account::Role;
use domain::fieldwork::{ResponseState, WaveId};
use domain::questionnaire::{Answer, parse_questionnaire_toml};
use domain::register::OrgCode;
use reqwest::{Response, StatusCode};
use store::testing::author;
use store::{AuditFilter, Store, both_backends};
use support::{Site, add_user, session_cookie, sign_in};

const QUESTIONNAIRE: &str = include_str!("../../../../data/questionnaires/eerste-meting-2010.toml");
const BASE: &str = "/invullen/eerste-meting/GM0363";

/// The demo's register and catalogues, the shipped questionnaire, and an open wave.
async fn open_wave(store: &Store) -> Site {
    let site = Site::start(store, false).await;
    support::store_open_wave(store).await;
    site
}

/// Opens a personal invitation link for Amsterdam and returns the session it starts.
async fn open_link(site: &Site, store: &Store) -> String {
    let secret = Secret::generate().unwrap();
    let expires = chrono::Utc::now() + chrono::Duration::days(30);
    store.add_invitation(&secret.hash, &OrgCode::parse("GM0363").unwrap(), expires).await.unwrap();
    let response = site.get(&format!("/uitnodiging/{}", secret.token)).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    session_cookie(&response).expect("the link starts a session")
}

async fn get(site: &Site, path: &str, cookie: &str) -> Response {
    site.client.get(format!("{}{path}", site.base)).header("cookie", cookie).send().await.unwrap()
}

async fn post(site: &Site, path: &str, cookie: &str, fields: &[(&str, &str)]) -> Response {
    site.client.post(format!("{}{path}", site.base)).header("cookie", cookie).form(fields).send().await.unwrap()
}

async fn revision(store: &Store) -> String {
    let response = store.response(&WaveId::parse("eerste-meting").unwrap(), &OrgCode::parse("GM0363").unwrap()).await.unwrap();
    response.map_or(0, |r| r.revision).to_string()
}

fn location(response: &Response) -> &str {
    response.headers()["location"].to_str().unwrap()
}

/// The status of every block of the NUP catalogue: the first `in_use` ones in use, the rest planned.
fn matrix_fields(store_blocks: &[String], in_use: usize) -> Vec<(String, String)> {
    store_blocks
        .iter()
        .enumerate()
        .flat_map(|(index, code)| {
            let status = if index < in_use { "in_use" } else { "planned" };
            let mut fields = vec![(format!("blocks.{code}.status"), status.to_owned())];
            if index >= in_use {
                fields.push((format!("blocks.{code}.support"), "yes".to_owned()));
                fields.push((format!("blocks.{code}.forms"), "regional_meetings".to_owned()));
            }
            fields
        })
        .collect()
}

both_backends!(a_municipality_answers_in_two_sittings_fixes_its_mistakes_and_submits, async |store: Store| {
    let site = open_wave(&store).await;
    let first_sitting = open_link(&site, &store).await;
    let overview = get(&site, BASE, &first_sitting).await.text().await.unwrap();
    assert!(overview.contains("Nog niet begonnen."), "{overview}");

    // Page one, forgotten: saved as a draft all the same, and the message stands beside the question.
    let empty = post(&site, &format!("{BASE}/pagina/thema"), &first_sitting, &[("revisie", "0"), ("actie", "volgende")]).await;
    assert_eq!(empty.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = empty.text().await.unwrap();
    assert!(page.contains("id=\"fout-leading_theme\"") && page.contains("Kies een antwoord"), "{page}");
    assert!(page.contains("href=\"#v-leading_theme-dienstverlening\""), "the summary links to the field");

    let chosen = post(
        &site,
        &format!("{BASE}/pagina/thema"),
        &first_sitting,
        &[("revisie", &revision(&store).await), ("actie", "volgende"), ("leading_theme", "dienstverlening")],
    )
    .await;
    assert_eq!(chosen.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&chosen), format!("{BASE}/pagina/bouwstenen"));

    // The second sitting, later, with a new session: what was saved is there.
    let second_sitting = open_link(&site, &store).await;
    let page = get(&site, &format!("{BASE}/pagina/thema"), &second_sitting).await.text().await.unwrap();
    assert!(page.contains("value=\"dienstverlening\" checked"), "the first sitting's answer is kept");

    let blocks: Vec<String> = store.catalogue("nup-2008", None).await.unwrap().blocks.into_iter().map(|b| b.code).collect();
    let mut half = matrix_fields(&blocks[..9], 5);
    half.extend([("revisie".to_owned(), revision(&store).await), ("actie".to_owned(), "volgende".to_owned())]);
    let half_done = site
        .client
        .post(format!("{}{BASE}/pagina/bouwstenen", site.base))
        .header("cookie", &second_sitting)
        .form(&half)
        .send()
        .await
        .unwrap();
    assert_eq!(half_done.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = half_done.text().await.unwrap();
    assert!(page.contains("Er zijn 9 antwoorden die u nog moet verbeteren"), "nine blocks without a status");
    assert!(page.contains(&format!("name=\"blocks.{}.status\" value=\"in_use\" checked", blocks[0])), "what was ticked stays ticked");

    let mut all = matrix_fields(&blocks, 7);
    all.extend([("revisie".to_owned(), revision(&store).await), ("actie".to_owned(), "volgende".to_owned())]);
    let done = site
        .client
        .post(format!("{}{BASE}/pagina/bouwstenen", site.base))
        .header("cookie", &second_sitting)
        .form(&all)
        .send()
        .await
        .unwrap();
    assert_eq!(done.status(), StatusCode::SEE_OTHER);

    let rev = revision(&store).await;
    let support = post(
        &site,
        &format!("{BASE}/pagina/ondersteuning"),
        &second_sitting,
        &[("revisie", &rev), ("actie", "volgende"), ("collective_support", "ja")],
    )
    .await;
    assert_eq!(support.status(), StatusCode::SEE_OTHER);

    let rev = revision(&store).await;
    let collaboration = [
        ("revisie", rev.as_str()),
        ("actie", "volgende"),
        ("collaborates", "ja"),
        ("partners", "Diemen\nOuder-Amstel"),
        ("collaboration_areas", "techniek"),
        ("collaboration_areas", "strategie-en-beleid"),
        ("future_collaboration", "nee"),
        ("ict_staff", "twaalf"),
    ];
    let wrong = post(&site, &format!("{BASE}/pagina/samenwerking"), &second_sitting, &collaboration).await;
    assert_eq!(wrong.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = wrong.text().await.unwrap();
    assert!(page.contains("value=\"twaalf\""), "what was typed is shown again, not lost");
    assert!(page.contains("id=\"fout-ict_staff\""), "{page}");
    let rev = revision(&store).await;
    let mut fixed = collaboration.to_vec();
    fixed[0] = ("revisie", rev.as_str());
    fixed[7] = ("ict_staff", "12,5");
    let fixed = post(&site, &format!("{BASE}/pagina/samenwerking"), &second_sitting, &fixed).await;
    assert_eq!(fixed.status(), StatusCode::UNPROCESSABLE_ENTITY, "12,5 is not a whole number of people");
    let rev = revision(&store).await;
    let mut whole = collaboration.to_vec();
    whole[0] = ("revisie", rev.as_str());
    whole[7] = ("ict_staff", "12");
    assert_eq!(post(&site, &format!("{BASE}/pagina/samenwerking"), &second_sitting, &whole).await.status(), StatusCode::SEE_OTHER);

    // Submitting before the last page is done is refused, and says why.
    let early = post(&site, &format!("{BASE}/indienen"), &second_sitting, &[("revisie", &revision(&store).await)]).await;
    assert_eq!(early.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(early.text().await.unwrap().contains("nog niet ingediend"));

    let rev = revision(&store).await;
    let contact =
        [("revisie", rev.as_str()), ("actie", "volgende"), ("contact_name", "A. de Vries"), ("contact_email", "a.devries@amsterdam")];
    let bad_mail = post(&site, &format!("{BASE}/pagina/contact"), &second_sitting, &contact).await;
    assert_eq!(bad_mail.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let rev = revision(&store).await;
    let contact =
        [("revisie", rev.as_str()), ("actie", "volgende"), ("contact_name", "A. de Vries"), ("contact_email", "a.devries@amsterdam.nl")];
    let to_overview = post(&site, &format!("{BASE}/pagina/contact"), &second_sitting, &contact).await;
    assert_eq!((to_overview.status(), location(&to_overview)), (StatusCode::SEE_OTHER, BASE));

    let summary = get(&site, BASE, &second_sitting).await.text().await.unwrap();
    assert!(summary.contains("Dienstverlening aan burgers en bedrijven") && summary.contains("Techniek, Strategie en beleid"), "{summary}");
    assert!(summary.contains("Antwoorden indienen"));

    let submitted = post(&site, &format!("{BASE}/indienen"), &second_sitting, &[("revisie", &revision(&store).await)]).await;
    assert_eq!((submitted.status(), location(&submitted)), (StatusCode::SEE_OTHER, format!("{BASE}?ingediend=1").as_str()));
    let thanks = get(&site, &format!("{BASE}?ingediend=1"), &second_sitting).await.text().await.unwrap();
    assert!(thanks.contains("Uw antwoorden zijn ontvangen op"), "{thanks}");
    let stored = store.response(&WaveId::parse("eerste-meting").unwrap(), &OrgCode::parse("GM0363").unwrap()).await.unwrap().unwrap();
    assert_eq!(stored.state, ResponseState::Submitted);
    assert_eq!(stored.answers.get("ict_staff"), Some(&Answer::Number(12.0)));

    // Read-only for the respondent now.
    let again = post(
        &site,
        &format!("{BASE}/pagina/thema"),
        &second_sitting,
        &[("revisie", &revision(&store).await), ("actie", "volgende"), ("leading_theme", "anders")],
    )
    .await;
    assert_eq!((again.status(), location(&again)), (StatusCode::SEE_OTHER, BASE), "sent to the read-only overview");
    assert_eq!(
        post(&site, &format!("{BASE}/indienen"), &second_sitting, &[("revisie", &revision(&store).await)]).await.status(),
        StatusCode::FORBIDDEN
    );
    let unchanged = store.response(&stored.wave, &stored.organisation).await.unwrap().unwrap();
    assert_eq!(unchanged.answers, stored.answers);

    // The monitor team corrects the submitted answers; the correction is logged with its before and after.
    add_user(&store, "beheer@instituut.nl", Role::Admin, None).await;
    let admin = sign_in(&site, "beheer@instituut.nl").await;
    let corrected = post(
        &site,
        &format!("{BASE}/pagina/thema"),
        &admin,
        &[("revisie", &revision(&store).await), ("actie", "opslaan"), ("leading_theme", "bedrijfsvoering")],
    )
    .await;
    assert_eq!(corrected.status(), StatusCode::SEE_OTHER);
    let after = store.response(&stored.wave, &stored.organisation).await.unwrap().unwrap();
    assert_eq!(
        (after.state, after.answers.get("leading_theme")),
        (ResponseState::Submitted, Some(&Answer::Text("bedrijfsvoering".into())))
    );
    let log = store.audit_entries(&AuditFilter::default()).await.unwrap();
    let correction = log.iter().find(|e| e.action == "response.correct").unwrap();
    assert!(
        correction.before.as_deref().unwrap().contains("dienstverlening")
            && correction.after.as_deref().unwrap().contains("bedrijfsvoering")
    );
    let export = get(&site, "/beheer/metingen/eerste-meting/antwoorden.csv", &admin).await.text().await.unwrap();
    assert!(
        export.lines().any(|line| line.contains("GM0363") && line.contains("bedrijfsvoering") && line.contains("submitted")),
        "{export}"
    );
});

both_backends!(the_monitor_team_corrects_with_an_audit_trail_and_others_stay_out, async |store: Store| {
    let site = open_wave(&store).await;
    add_user(&store, "beheer@instituut.nl", Role::Admin, None).await;
    add_user(&store, "analist@instituut.nl", Role::Analyst, None).await;
    add_user(&store, "respondent@utrecht.nl", Role::Respondent, Some("GM0344")).await;
    let respondent = open_link(&site, &store).await;
    let saved = post(
        &site,
        &format!("{BASE}/pagina/thema"),
        &respondent,
        &[("revisie", "0"), ("actie", "opslaan"), ("leading_theme", "bedrijfsvoering")],
    )
    .await;
    assert_eq!(saved.status(), StatusCode::SEE_OTHER);

    let utrecht = sign_in(&site, "respondent@utrecht.nl").await;
    let refused = get(&site, BASE, &utrecht).await;
    assert_eq!(refused.status(), StatusCode::FORBIDDEN);
    let body = refused.text().await.unwrap();
    assert!(!body.contains("Bedrijfsvoering") && !body.contains("Amsterdam"), "nothing of Amsterdam's answers: {body}");
    let analyst = sign_in(&site, "analist@instituut.nl").await;
    assert_eq!(get(&site, BASE, &analyst).await.status(), StatusCode::OK, "an analyst reads");
    let write = post(&site, &format!("{BASE}/pagina/thema"), &analyst, &[("revisie", "1"), ("leading_theme", "anders")]).await;
    assert_eq!(write.status(), StatusCode::FORBIDDEN, "but does not change");

    let admin = sign_in(&site, "beheer@instituut.nl").await;
    let corrected = post(
        &site,
        &format!("{BASE}/pagina/thema"),
        &admin,
        &[("revisie", &revision(&store).await), ("actie", "opslaan"), ("leading_theme", "dienstverlening")],
    )
    .await;
    assert_eq!(corrected.status(), StatusCode::SEE_OTHER);
    let stale =
        post(&site, &format!("{BASE}/pagina/thema"), &respondent, &[("revisie", "1"), ("actie", "opslaan"), ("leading_theme", "anders")])
            .await;
    assert_eq!(stale.status(), StatusCode::CONFLICT, "the respondent's older page does not overwrite the correction");
    assert!(stale.text().await.unwrap().contains("value=\"anders\" checked"), "and what they typed is still shown");

    // The raw answers, for the monitor team and analysts only.
    let csv = get(&site, "/beheer/metingen/eerste-meting/antwoorden.csv", &analyst).await;
    assert_eq!(csv.status(), StatusCode::OK);
    assert!(csv.headers()["content-disposition"].to_str().unwrap().contains("inbeeld-eerste-meting-responses.csv"));
    let csv = csv.text().await.unwrap();
    let amsterdam = csv.lines().find(|line| line.contains("GM0363")).unwrap();
    assert!(amsterdam.contains("dienstverlening") && amsterdam.contains("draft"), "{amsterdam}");
    let codebook = get(&site, "/beheer/metingen/eerste-meting/codeboek.csv", &admin).await.text().await.unwrap();
    assert!(codebook.lines().any(|line| line.starts_with("leading_theme,")), "{codebook}");
    let xlsx = get(&site, "/beheer/metingen/eerste-meting/antwoorden.xlsx", &admin).await.bytes().await.unwrap();
    assert!(xlsx.starts_with(b"PK"), "a spreadsheet is a zip");
    let json: serde_json::Value = get(&site, "/beheer/metingen/eerste-meting/antwoorden.json", &admin).await.json().await.unwrap();
    assert!(json.to_string().contains("dienstverlening"));
    assert_eq!(get(&site, "/beheer/metingen/eerste-meting/antwoorden.csv", &respondent).await.status(), StatusCode::FORBIDDEN);

    // The SPSS, Stata and R files read the CSV download by its name and label its columns; the CSVW metadata
    // describes them; none of it says the raw answers are open data.
    let header: Vec<&str> = csv.lines().next().unwrap().split(',').collect();
    for (ending, file, reads) in [
        ("sps", "inbeeld-eerste-meting-responses.sps", "/FILE='inbeeld-eerste-meting-responses.csv'"),
        ("do", "inbeeld-eerste-meting-responses.do", "import delimited using `\"inbeeld-eerste-meting-responses.csv\"'"),
        ("r", "inbeeld-eerste-meting-responses.R", "utils::read.csv(\"inbeeld-eerste-meting-responses.csv\""),
    ] {
        let response = get(&site, &format!("/beheer/metingen/eerste-meting/antwoorden.{ending}"), &analyst).await;
        assert_eq!(response.status(), StatusCode::OK, "{ending}");
        assert!(response.headers()["content-disposition"].to_str().unwrap().contains(file), "{ending}");
        let text = response.text().await.unwrap();
        assert!(text.contains(reads), "{ending} reads the CSV download: {text}");
        assert!(text.contains("leading_theme"), "{ending} names the question's column");
    }
    let csvw: serde_json::Value =
        get(&site, "/beheer/metingen/eerste-meting/antwoorden.csv-metadata.json", &analyst).await.json().await.unwrap();
    let titles: Vec<&str> = csvw["tableSchema"]["columns"].as_array().unwrap().iter().map(|c| c["titles"].as_str().unwrap()).collect();
    assert_eq!(titles, header, "every column of the CSV, in order");
    assert!(csvw.get("dc:license").is_none(), "the raw answers are not open data");
    assert_eq!(get(&site, "/beheer/metingen/eerste-meting/antwoorden.sps", &respondent).await.status(), StatusCode::FORBIDDEN);

    let log = store.audit_entries(&AuditFilter::default()).await.unwrap();
    let change = log.iter().find(|e| e.action == "response.save" && e.actor.contains("beheer@instituut.nl")).unwrap();
    assert_eq!(change.target, "eerste-meting/GM0363");
    assert!(change.before.as_deref().unwrap().contains("bedrijfsvoering") && change.after.as_deref().unwrap().contains("dienstverlening"));
});

both_backends!(the_monitor_team_makes_a_wave_opens_it_and_follows_the_response, async |store: Store| {
    let site = Site::start(&store, false).await;
    let questionnaire = parse_questionnaire_toml(QUESTIONNAIRE, "eerste-meting-2010.toml").unwrap();
    store.import_questionnaire(&questionnaire.id, &questionnaire.version, &questionnaire.title.nl, QUESTIONNAIRE, &author()).await.unwrap();
    add_user(&store, "beheer@instituut.nl", Role::Admin, None).await;
    add_user(&store, "interviewer@instituut.nl", Role::Interviewer, None).await;
    let admin = sign_in(&site, "beheer@instituut.nl").await;

    let mut form = vec![
        ("id", "eerste-meting"),
        ("titel", "Eerste meting"),
        ("catalogus", "nup-2008@2008"),
        ("vragenlijst", "eerste-meting-2010"),
        ("van", "1 oktober 2010"),
        ("tot", "2011-03-31"),
    ];
    let refused = post(&site, "/beheer/metingen", &admin, &form).await;
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = refused.text().await.unwrap();
    assert!(page.contains("Van: vul een datum in als jjjj-mm-dd"), "{page}");
    assert!(page.contains("value=\"Eerste meting\""), "what was typed is kept");
    form[4] = ("van", "2010-10-01");
    let created = post(&site, "/beheer/metingen", &admin, &form).await;
    assert_eq!((created.status(), location(&created)), (StatusCode::SEE_OTHER, "/beheer/metingen/eerste-meting"));
    let published = post(&site, "/beheer/metingen/eerste-meting/status", &admin, &[("naar", "published")]).await;
    assert_eq!(published.status(), StatusCode::CONFLICT, "a wave in preparation cannot be published");
    let opened = post(&site, "/beheer/metingen/eerste-meting/status", &admin, &[("naar", "open")]).await;
    assert_eq!(opened.status(), StatusCode::SEE_OTHER);

    // An interviewer records the interview first, then answers with the same form.
    let interviewer = sign_in(&site, "interviewer@instituut.nl").await;
    let too_early =
        post(&site, &format!("{BASE}/interview"), &interviewer, &[("revisie", "0"), ("datum", "2010-09-01"), ("geinterviewden", "x")])
            .await;
    assert_eq!(too_early.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(too_early.text().await.unwrap().contains("kies een datum in de meetperiode"));
    let page_first = get(&site, &format!("{BASE}/pagina/thema"), &interviewer).await;
    assert_eq!((page_first.status(), location(&page_first)), (StatusCode::SEE_OTHER, BASE), "the interview comes first");
    let recorded = post(
        &site,
        &format!("{BASE}/interview"),
        &interviewer,
        &[("revisie", "0"), ("datum", "2010-11-15"), ("geinterviewden", "J. Jansen, e-coördinator")],
    )
    .await;
    assert_eq!(recorded.status(), StatusCode::SEE_OTHER);
    let saved = post(
        &site,
        &format!("{BASE}/pagina/thema"),
        &interviewer,
        &[("revisie", &revision(&store).await), ("actie", "opslaan"), ("leading_theme", "dienstverlening")],
    )
    .await;
    assert_eq!(saved.status(), StatusCode::SEE_OTHER);
    let response = store.response(&WaveId::parse("eerste-meting").unwrap(), &OrgCode::parse("GM0363").unwrap()).await.unwrap().unwrap();
    assert!(matches!(response.mode, domain::fieldwork::Mode::Interview { .. }), "marked as an interview");

    let follow_up = get(&site, "/beheer/metingen/eerste-meting", &interviewer).await.text().await.unwrap();
    assert!(follow_up.contains("<strong>0 van de 418 gemeenten</strong>"), "the 2011 division is asked: {follow_up}");
    assert!(follow_up.contains("href=\"/invullen/eerste-meting/GM0363\">Amsterdam</a> (GM0363)</th><td>concept</td>"));
    assert!(!follow_up.contains("Veldwerk sluiten"), "only the monitor team moves a wave");
    let admin_view = get(&site, "/beheer/metingen/eerste-meting", &admin).await.text().await.unwrap();
    assert!(admin_view.contains("Veldwerk sluiten"));
});

both_backends!(only_interviewers_and_the_monitor_team_record_an_interview, async |store: Store| {
    let site = open_wave(&store).await;
    let respondent = open_link(&site, &store).await;
    let interview = [("revisie", "0"), ("datum", "2010-11-15"), ("geinterviewden", "J. Jansen, e-coördinator")];
    let refused = post(&site, &format!("{BASE}/interview"), &respondent, &interview).await;
    assert_eq!(refused.status(), StatusCode::FORBIDDEN, "a municipality answers online, not as an interview");
    assert_eq!(revision(&store).await, "0", "nothing was recorded");

    add_user(&store, "beheer@instituut.nl", Role::Admin, None).await;
    let admin = sign_in(&site, "beheer@instituut.nl").await;
    let recorded = post(&site, &format!("{BASE}/interview"), &admin, &interview).await;
    assert_eq!(recorded.status(), StatusCode::SEE_OTHER);
});

both_backends!(a_reminder_waits_at_most_a_year_and_a_refusal_sends_nothing, async |store: Store| {
    let site = open_wave(&store).await;
    add_user(&store, "beheer@instituut.nl", Role::Admin, None).await;
    let admin = sign_in(&site, "beheer@instituut.nl").await;
    let refused = post(&site, "/beheer/metingen/eerste-meting/brieven", &admin, &[("soort", "herinnering"), ("dagen", "400")]).await;
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = refused.text().await.unwrap();
    assert!(page.contains("Dagen: ‘400’ is geen aantal dagen van 0 tot 365; er is niets verstuurd."), "{page}");
    assert!(page.contains("Veldwerk sluiten"), "the fieldwork page itself, shown again");
    assert!(store.messages(&WaveId::parse("eerste-meting").unwrap()).await.unwrap().is_empty());
});
