//! Personal API tokens over the real HTTP stack, on both databases: made on `/beheer/sleutels` and shown once, used
//! by a script on the staff downloads and `/api/v1/metingen/{id}/antwoorden`, every use in the audit log, and
//! refused with 401 problem+json once revoked or expired; never a session, and never stored as typed.

use crate::support;

use domain::access::Secret;
use domain::access::api_token::{TokenName, TokenScope};
use domain::account::{Email, Role};
use reqwest::{Response, StatusCode};
use store::testing::{author, rows_as_text};
use store::{AccountChange, AuditFilter, Store, both_backends};
use support::{Site, add_user, sign_in};

const CSV: &str = "/beheer/metingen/eerste-meting/antwoorden.csv";
const RAW: &str = "/api/v1/metingen/eerste-meting/antwoorden";

async fn with_token(site: &Site, path: &str, token: &str) -> Response {
    site.client.get(format!("{}{path}", site.base)).bearer_auth(token).header("origin", "https://notebook.example").send().await.unwrap()
}

async fn post(site: &Site, path: &str, cookie: &str, fields: &[(&str, &str)]) -> Response {
    site.client.post(format!("{}{path}", site.base)).header("cookie", cookie).form(fields).send().await.unwrap()
}

/// The secret on the page that answers the form, in its read-only field.
fn shown_secret(page: &str) -> String {
    let field = page.split("id=\"nieuwe-sleutel\"").nth(1).expect("the new token is shown");
    field.split("value=\"").nth(1).and_then(|rest| rest.split('"').next()).expect("with its value").to_owned()
}

async fn assert_refused(response: Response, context: &str) {
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED, "{context}");
    assert_eq!(response.headers()["content-type"], "application/problem+json", "{context}");
    assert!(response.headers()["www-authenticate"].to_str().unwrap().starts_with("Bearer"), "{context}");
    let problem: serde_json::Value = response.json().await.unwrap();
    assert_eq!(problem["status"], 401, "{context}");
    assert!(problem["detail"].as_str().unwrap().contains("API-sleutel"), "{context}: {problem}");
}

both_backends!(a_script_reads_raw_answers_with_a_token_until_it_is_revoked, async |store: Store| {
    let site = Site::start(&store, false).await;
    support::store_open_wave(&store).await;
    add_user(&store, "analist@instituut.nl", Role::Analyst, None).await;
    add_user(&store, "beheer@instituut.nl", Role::Admin, None).await;
    let analyst = sign_in(&site, "analist@instituut.nl").await;

    let made = post(&site, "/beheer/sleutels", &analyst, &[("naam", "notebook"), ("dagen", "30"), ("scope", "exports:lezen")]).await;
    assert_eq!(made.status(), StatusCode::OK);
    assert_eq!(made.headers()["cache-control"], "no-store, private", "the secret is kept by no cache");
    let page = made.text().await.unwrap();
    assert!(page.contains("Hij wordt niet opnieuw getoond"), "{page}");
    let token = shown_secret(&page);
    assert!(page.contains(&format!("Authorization: Bearer {token}&#34; http://127.0.0.1:8080{RAW}")), "with how to use it: {page}");
    let again = support::get_as(&site, "/beheer/sleutels", Some(&analyst)).await.text().await.unwrap();
    assert!(again.contains("notebook") && !again.contains(&token), "listed, but the secret is never shown again");

    let csv = with_token(&site, CSV, &token).await;
    assert_eq!(csv.status(), StatusCode::OK);
    assert!(csv.text().await.unwrap().lines().next().unwrap().contains("organisation_code"), "the export's header row");
    let spss = with_token(&site, "/beheer/metingen/eerste-meting/antwoorden.sps", &token).await;
    assert_eq!(spss.status(), StatusCode::OK, "the statistics programs' files too");
    assert!(spss.text().await.unwrap().contains("VALUE LABELS"));
    let raw = with_token(&site, RAW, &token).await;
    assert_eq!(raw.status(), StatusCode::OK);
    assert_eq!(raw.headers()["content-type"], "application/json");
    assert!(raw.headers()["cache-control"].to_str().unwrap().contains("no-store"));
    assert!(raw.headers().get("access-control-allow-origin").is_none(), "no other site reads the raw answers");
    assert!(raw.headers().get("content-disposition").is_none(), "a resource, not a file");
    let raw: serde_json::Value = raw.json().await.unwrap();
    assert!(raw.to_string().contains("eerste-meting"), "{raw}");

    let bad = with_token(&site, "/api/v1/metingen/Eerste_Meting/antwoorden", &token).await;
    assert_eq!(bad.status(), StatusCode::BAD_REQUEST);
    assert_eq!(bad.headers()["api-version"], "1.0.0");
    assert!(bad.text().await.unwrap().contains("Eerste_Meting"), "the problem names what was given");

    // A token is not a session: it opens no page and no form.
    for path in ["/beheer/sleutels", "/beheer/metingen", "/mijn"] {
        let page = with_token(&site, path, &token).await;
        assert_eq!(page.status(), StatusCode::SEE_OTHER, "{path}");
        assert!(page.headers()["location"].to_str().unwrap().starts_with("/inloggen"), "{path}");
    }
    let form = site.client.post(format!("{}/beheer/sleutels", site.base)).bearer_auth(&token).form(&[("naam", "x")]).send().await.unwrap();
    assert_eq!(form.status(), StatusCode::SEE_OTHER, "a form posted with a token is sent to sign in");

    let uses = store.audit_entries(&AuditFilter { action: Some("api_token.use".into()), ..Default::default() }).await.unwrap();
    assert_eq!(uses.len(), 4, "every use, the one with a bad id too: {uses:?}");
    assert!(uses.iter().all(|entry| entry.actor.contains("analist@instituut.nl") && entry.target.contains("notebook")));
    assert!(uses.iter().any(|entry| entry.after.as_deref().unwrap().contains(RAW)), "with what was read");
    let made = store.audit_entries(&AuditFilter { action: Some("api_token.create".into()), ..Default::default() }).await.unwrap();
    assert_eq!(made.len(), 1);
    for table in ["api_tokens", "audit_log", "sessions"] {
        let rows = rows_as_text(&store, table).await.unwrap();
        assert!(!rows.iter().any(|row| row.contains(&token)), "the secret is not in {table}");
    }
    let listed = support::get_as(&site, "/beheer/sleutels", Some(&analyst)).await.text().await.unwrap();
    assert!(!listed.contains(">nog niet<"), "its last use is shown");

    // Someone else's token is not theirs to revoke; an admin sees and may revoke it.
    let id = store.api_tokens(None).await.unwrap()[0].id;
    add_user(&store, "tweede@instituut.nl", Role::Analyst, None).await;
    let other = sign_in(&site, "tweede@instituut.nl").await;
    assert_eq!(post(&site, &format!("/beheer/sleutels/{id}/intrekken"), &other, &[]).await.status(), StatusCode::NOT_FOUND);
    let admin = sign_in(&site, "beheer@instituut.nl").await;
    let admin_page = support::get_as(&site, "/beheer/sleutels", Some(&admin)).await.text().await.unwrap();
    assert!(admin_page.contains("Sleutels van anderen") && admin_page.contains("analist@instituut.nl"));

    let revoked = post(&site, &format!("/beheer/sleutels/{id}/intrekken"), &analyst, &[]).await;
    assert_eq!(revoked.status(), StatusCode::SEE_OTHER);
    assert_refused(with_token(&site, CSV, &token).await, "revoked, on the download").await;
    assert_refused(with_token(&site, RAW, &token).await, "revoked, on the API").await;
    let revocations = store.audit_entries(&AuditFilter { action: Some("api_token.revoke".into()), ..Default::default() }).await.unwrap();
    assert_eq!(revocations.len(), 1);
    assert_refused(with_token(&site, RAW, "geen-echte-sleutel").await, "unknown").await;
    let anonymous = site.client.get(format!("{}{RAW}", site.base)).send().await.unwrap();
    assert_eq!(anonymous.status(), StatusCode::UNAUTHORIZED, "the API route without a token or session");
    assert_eq!(anonymous.headers()["www-authenticate"], "Bearer realm=\"inbeeld\"");
});

both_backends!(an_expired_token_or_one_of_a_blocked_role_is_refused_and_respondents_make_none, async |store: Store| {
    let site = Site::start(&store, false).await;
    support::store_open_wave(&store).await;
    add_user(&store, "analist@instituut.nl", Role::Analyst, None).await;
    add_user(&store, "respondent@amsterdam.nl", Role::Respondent, Some("GM0363")).await;
    add_user(&store, "interviewer@instituut.nl", Role::Interviewer, None).await;
    let (analyst, _) = store.user_with_hash(&Email::parse("analist@instituut.nl").unwrap()).await.unwrap();
    let name = TokenName::parse("oud").unwrap();
    let expired = Secret::generate().unwrap();
    let past = chrono::Utc::now() - chrono::Duration::minutes(1);
    store.create_api_token(&analyst, &expired.hash, &name, TokenScope::ReadExports, past, &author()).await.unwrap();
    assert_refused(with_token(&site, CSV, &expired.token).await, "expired").await;
    let refused = store.audit_entries(&AuditFilter { action: Some("api_token.refused".into()), ..Default::default() }).await.unwrap();
    assert_eq!(refused.len(), 1, "a refused use is in the log too");

    // A working token stops when its owner is blocked, and when the owner gets a role that holds none.
    let email = Email::parse("analist@instituut.nl").unwrap();
    let working = Secret::generate().unwrap();
    let later = chrono::Utc::now() + chrono::Duration::days(30);
    store.create_api_token(&analyst, &working.hash, &name, TokenScope::ReadExports, later, &author()).await.unwrap();
    assert_eq!(with_token(&site, CSV, &working.token).await.status(), StatusCode::OK);
    store.change_account(&email, &AccountChange::Disabled(true), &author()).await.unwrap();
    assert_refused(with_token(&site, CSV, &working.token).await, "owner blocked").await;
    store.change_account(&email, &AccountChange::Disabled(false), &author()).await.unwrap();
    assert_eq!(with_token(&site, CSV, &working.token).await.status(), StatusCode::OK, "and works again when unblocked");
    store.change_account(&email, &AccountChange::Role { role: Role::Interviewer, organisation: None }, &author()).await.unwrap();
    assert_refused(with_token(&site, CSV, &working.token).await, "owner no longer an analyst").await;
    store.change_account(&email, &AccountChange::Role { role: Role::Analyst, organisation: None }, &author()).await.unwrap();

    for email in ["respondent@amsterdam.nl", "interviewer@instituut.nl"] {
        let cookie = sign_in(&site, email).await;
        let made = post(&site, "/beheer/sleutels", &cookie, &[("naam", "notebook"), ("dagen", "30"), ("scope", "exports:lezen")]).await;
        assert_eq!(made.status(), StatusCode::FORBIDDEN, "{email}");
    }
    assert_eq!(store.api_tokens(None).await.unwrap().len(), 2, "no token was made");

    let cookie = sign_in(&site, "analist@instituut.nl").await;
    let wrong = post(&site, "/beheer/sleutels", &cookie, &[("naam", " "), ("dagen", "366"), ("scope", "exports:lezen")]).await;
    assert_eq!(wrong.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = wrong.text().await.unwrap();
    assert!(page.contains("Geef de sleutel een naam") && page.contains("van 1 tot en met 365"), "{page}");
});
