//! Accounts and the secure base over the real HTTP stack, on both databases: signing in and out, sessions,
//! invitation links, rate limits, CSRF, and every route of the route table tried by every kind of visitor against
//! a table of who may do what, written by hand from the design.

use crate::support;

use domain::access::Secret;
use domain::account::{Email, Role};
use domain::register::OrgCode;
use reqwest::{Response, StatusCode};
use store::{Store, both_backends};
use support::{
    PASSWORD, SECOND_STEP, Site, add_user, fresh_code, get_as, post_as, second_step_response, session_cookie, sign_in, sign_in_response,
};

/// A site with the demo register and one account per role; the respondent is Amsterdam's.
async fn site_with_accounts(store: &Store) -> Site {
    let site = Site::start(store, false).await;
    add_user(store, "beheer@instituut.nl", Role::Admin, None).await;
    add_user(store, "analist@instituut.nl", Role::Analyst, None).await;
    add_user(store, "interviewer@instituut.nl", Role::Interviewer, None).await;
    add_user(store, "respondent@amsterdam.nl", Role::Respondent, Some("GM0363")).await;
    site
}

async fn call(site: &Site, method: &str, path: &str, cookie: Option<&str>) -> Response {
    if method == "POST" { post_as(site, path, cookie).await } else { get_as(site, path, cookie).await }
}

both_backends!(signing_in_starts_a_fresh_session_on_the_roles_start_page, async |store: Store| {
    let site = site_with_accounts(&store).await;
    let planted = "inbeeld_sessie=gekozen-door-een-aanvaller";
    let response = sign_in_response(&site, "Beheer@Instituut.nl", PASSWORD, Some(planted)).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(response.headers()["location"], SECOND_STEP, "staff give a code from their app next");
    let set_cookie = response.headers()["set-cookie"].to_str().unwrap().to_owned();
    assert!(set_cookie.contains("HttpOnly") && set_cookie.contains("SameSite=Lax") && set_cookie.contains("Path=/"), "{set_cookie}");
    assert!(!set_cookie.contains("Secure"), "plain http on loopback: not Secure");
    let cookie = session_cookie(&response).unwrap();
    assert_ne!(cookie, planted, "a fresh session id, never the one the browser brought");
    assert_eq!(cookie.len(), "inbeeld_sessie=".len() + 43);
    let halfway = cookie;
    let response = second_step_response(&site, &halfway, &fresh_code(&site, "beheer@instituut.nl").await).await;
    assert_eq!(response.headers()["location"], "/beheer", "then on to the role's start page");
    let cookie = session_cookie(&response).unwrap();
    assert_ne!(cookie, halfway, "a fresh session id after the second step too");
    let beheer = get_as(&site, "/beheer", Some(&cookie)).await;
    assert_eq!(beheer.status(), StatusCode::OK);
    assert!(beheer.text().await.unwrap().contains("respondent@amsterdam.nl"));

    let respondent = sign_in(&site, "respondent@amsterdam.nl").await;
    let mine = get_as(&site, "/mijn", Some(&respondent)).await.text().await.unwrap();
    assert!(mine.contains("<a href=\"/gemeenten/GM0363\">Amsterdam</a>") && mine.contains("respondent"));

    let back = site
        .client
        .post(format!("{}/inloggen", site.base))
        .form(&[("email", "analist@instituut.nl"), ("wachtwoord", PASSWORD), ("terug", "/beheer/audit")])
        .send()
        .await
        .unwrap();
    assert_eq!(back.headers()["location"], format!("{SECOND_STEP}?terug=%2Fbeheer%2Faudit"), "back to where the visitor was sent from");
    let away = site
        .client
        .post(format!("{}/inloggen", site.base))
        .form(&[("email", "analist@instituut.nl"), ("wachtwoord", PASSWORD), ("terug", "//evil.example/")])
        .send()
        .await
        .unwrap();
    assert_eq!(away.headers()["location"], SECOND_STEP, "never on to another site");
});

both_backends!(a_wrong_password_is_refused_the_same_as_an_unknown_address, async |store: Store| {
    let site = site_with_accounts(&store).await;
    let wrong = sign_in_response(&site, "analist@instituut.nl", "een verkeerd wachtwoord", None).await;
    assert_eq!(wrong.status(), StatusCode::UNAUTHORIZED);
    assert!(session_cookie(&wrong).is_none());
    let wrong_page = wrong.text().await.unwrap();
    assert!(wrong_page.contains("Het e-mailadres of het wachtwoord klopt niet.") && wrong_page.contains("value=\"analist@instituut.nl\""));
    let unknown = sign_in_response(&site, "niemand@instituut.nl", PASSWORD, None).await;
    assert_eq!(unknown.status(), StatusCode::UNAUTHORIZED);
    assert!(unknown.text().await.unwrap().contains("Het e-mailadres of het wachtwoord klopt niet."));
    let failed = store.audit_entries(&store::AuditFilter { action: Some("login.failed".into()), ..Default::default() }).await.unwrap();
    assert_eq!(failed.len(), 2);
});

both_backends!(a_disabled_account_cannot_sign_in, async |store: Store| {
    let site = site_with_accounts(&store).await;
    let cookie = sign_in(&site, "analist@instituut.nl").await;
    let email = Email::parse("analist@instituut.nl").unwrap();
    store.set_disabled(&email, true, &store::testing::author()).await.unwrap();
    assert_eq!(sign_in_response(&site, "analist@instituut.nl", PASSWORD, None).await.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(get_as(&site, "/mijn", Some(&cookie)).await.status(), StatusCode::SEE_OTHER, "its open session stops too");
});

both_backends!(repeated_failures_are_limited_with_retry_after, async |store: Store| {
    let site = site_with_accounts(&store).await;
    for _ in 0..5 {
        assert_eq!(
            sign_in_response(&site, "analist@instituut.nl", "een verkeerd wachtwoord", None).await.status(),
            StatusCode::UNAUTHORIZED
        );
    }
    let limited = sign_in_response(&site, "analist@instituut.nl", PASSWORD, None).await;
    assert_eq!(limited.status(), StatusCode::TOO_MANY_REQUESTS, "even the right password waits");
    let wait: u64 = limited.headers()["retry-after"].to_str().unwrap().parse().unwrap();
    assert!((1..=900).contains(&wait), "{wait}");
    assert!(limited.text().await.unwrap().contains("Te veel mislukte pogingen. Probeer het over 15 minuten opnieuw."));
    assert_eq!(
        sign_in_response(&site, "beheer@instituut.nl", PASSWORD, None).await.status(),
        StatusCode::SEE_OTHER,
        "another account is not limited"
    );
});

both_backends!(signing_out_ends_the_session, async |store: Store| {
    let site = site_with_accounts(&store).await;
    let cookie = sign_in(&site, "interviewer@instituut.nl").await;
    assert_eq!(get_as(&site, "/mijn", Some(&cookie)).await.status(), StatusCode::OK);
    let out = post_as(&site, "/uitloggen", Some(&cookie)).await;
    assert_eq!(out.status(), StatusCode::SEE_OTHER);
    assert_eq!(out.headers()["location"], "/inloggen?uitgelogd=1");
    assert!(out.headers()["set-cookie"].to_str().unwrap().contains("Max-Age=0"), "the browser forgets the cookie");
    assert_eq!(get_as(&site, "/mijn", Some(&cookie)).await.status(), StatusCode::SEE_OTHER, "the server forgot the session");
    let entries = store.audit_entries(&Default::default()).await.unwrap();
    let actions: Vec<&str> = entries.iter().map(|e| e.action.as_str()).collect();
    assert_eq!(actions[..2], ["logout", "login"]);
    assert_eq!(entries[0].actor, "user 3 (interviewer@instituut.nl)");
    assert_eq!(entries[0].address.as_deref(), Some("127.0.0.1"), "where the request came from");
    assert_eq!(entries[0].request_id.as_deref().map(str::len), Some(36), "and which request it was, as in the logs");
});

both_backends!(cross_site_posts_are_refused, async |store: Store| {
    let site = site_with_accounts(&store).await;
    let cookie = sign_in(&site, "beheer@instituut.nl").await;
    let forged = site
        .client
        .post(format!("{}/uitloggen", site.base))
        .header("cookie", &cookie)
        .header("sec-fetch-site", "cross-site")
        .send()
        .await
        .unwrap();
    assert_eq!(forged.status(), StatusCode::FORBIDDEN);
    assert!(forged.text().await.unwrap().contains("kwam niet van deze site"));
    let other_origin = site
        .client
        .post(format!("{}/inloggen", site.base))
        .header("origin", "https://evil.example")
        .form(&[("email", "beheer@instituut.nl"), ("wachtwoord", PASSWORD)])
        .send()
        .await
        .unwrap();
    assert_eq!(other_origin.status(), StatusCode::FORBIDDEN);
    assert_eq!(get_as(&site, "/beheer", Some(&cookie)).await.status(), StatusCode::OK, "the forged sign-out did nothing");
    let same_origin = site
        .client
        .post(format!("{}/uitloggen", site.base))
        .header("cookie", &cookie)
        .header("sec-fetch-site", "same-origin")
        .send()
        .await
        .unwrap();
    assert_eq!(same_origin.status(), StatusCode::SEE_OTHER);
});

both_backends!(an_invitation_link_signs_in_once_for_its_organisation, async |store: Store| {
    let site = site_with_accounts(&store).await;
    let secret = Secret::generate().unwrap();
    store.add_invitation(&secret.hash, &OrgCode::parse("GM0457").unwrap(), chrono::Utc::now() + chrono::Duration::days(1)).await.unwrap();
    let path = format!("/uitnodiging/{}", secret.token);
    let used = get_as(&site, &path, None).await;
    assert_eq!(used.status(), StatusCode::SEE_OTHER);
    assert_eq!(used.headers()["location"], "/mijn", "on to a page without the token in its address");
    assert_eq!(used.headers()["referrer-policy"], "no-referrer");
    let cookie = session_cookie(&used).unwrap();
    let mine = get_as(&site, "/mijn", Some(&cookie)).await.text().await.unwrap();
    assert!(mine.contains(">Weesp</a>"));
    assert_eq!(get_as(&site, "/beheer", Some(&cookie)).await.status(), StatusCode::FORBIDDEN);

    let again = get_as(&site, &path, None).await;
    assert_eq!(again.status(), StatusCode::GONE);
    assert!(again.text().await.unwrap().contains("Deze uitnodiging is al gebruikt."));
    let expired = Secret::generate().unwrap();
    store
        .add_invitation(&expired.hash, &OrgCode::parse("GM0457").unwrap(), chrono::Utc::now() - chrono::Duration::minutes(1))
        .await
        .unwrap();
    let late = get_as(&site, &format!("/uitnodiging/{}", expired.token), None).await;
    assert_eq!(late.status(), StatusCode::GONE);
    assert!(late.text().await.unwrap().contains("Deze uitnodiging is verlopen."));
    assert!(
        store.audit_entries(&Default::default()).await.unwrap().iter().all(|e| !e.target.contains(&secret.token)),
        "tokens never reach the log"
    );
});

both_backends!(guessing_invitation_links_is_limited, async |store: Store| {
    let site = Site::start(&store, false).await;
    for attempt in 0..10 {
        assert_eq!(get_as(&site, &format!("/uitnodiging/geraden-{attempt}"), None).await.status(), StatusCode::GONE);
    }
    let limited = get_as(&site, "/uitnodiging/geraden-11", None).await;
    assert_eq!(limited.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(limited.headers().contains_key("retry-after"));
});

/// What a visitor gets from a route, as a browser would see it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Outcome {
    /// Let through to the page or action (which may still answer 400, 404 or 410 for the example's data).
    A,
    /// Sent to sign in (303 to `/inloggen?terug=` the address), with nothing of the page.
    S,
    /// Refused: 403, with nothing of the data.
    F,
    /// Sent to the second step of signing in first (303), with nothing of the page.
    T,
    /// Asked for credentials: 401 problem+json with `WWW-Authenticate: Bearer`, where a script brings an API token.
    U,
}
use Outcome::{A, F, S, T, U};

/// The column of `VISITORS` of staff halfway through signing in.
const HALFWAY: usize = 1;

/// The kinds of visitor, in the order of the columns of `WHO_MAY_DO_WHAT`. Every example path with a
/// municipality names Amsterdam (GM0363); the respondent of Utrecht stands for every other municipality.
const VISITORS: [&str; 7] = [
    "an anonymous visitor",
    "staff halfway through signing in",
    "an admin",
    "an analyst",
    "an interviewer",
    "Amsterdam's respondent",
    "Utrecht's respondent",
];

/// Who may do what, written by hand from the users' roles as the institute describes them, not from
/// the server's rules, so that a rule declared wrongly in the route table is caught here. One row per route of
/// the route table; the columns are `VISITORS`:
/// the monitor team (admin) runs the fieldwork, corrects answers, keeps registers and accounts and reads the audit
/// log; analysts read everything, export, plan support and write the knowledge base, but change no answers;
/// interviewers read every municipality's answers and enter interviews; a respondent answers for its own
/// municipality only; the public sees what is published. Staff give a second factor before anything not public.
#[rustfmt::skip]
const WHO_MAY_DO_WHAT: &[(&str, &str, [Outcome; 7])] = &[
    //                                                           anon halfway admin analyst interv. own  other
    // What is published, and signing in: anyone.
    ("GET",  "/",                                                    [A, A, A, A, A, A, A]),
    ("GET",  "/gemeenten",                                           [A, A, A, A, A, A, A]),
    ("GET",  "/gemeenten/{code}",                                    [A, A, A, A, A, A, A]),
    ("GET",  "/bouwstenen",                                          [A, A, A, A, A, A, A]),
    ("GET",  "/bouwstenen/{code}",                                   [A, A, A, A, A, A, A]),
    ("GET",  "/metingen",                                            [A, A, A, A, A, A, A]),
    ("GET",  "/metingen/{wave}",                                     [A, A, A, A, A, A, A]),
    ("GET",  "/metingen/{wave}/provincies/{group}",                  [A, A, A, A, A, A, A]),
    ("GET",  "/metingen/{wave}/grootteklassen/{group}",              [A, A, A, A, A, A, A]),
    ("GET",  "/metingen/{wave}/bouwstenen/{block}",                  [A, A, A, A, A, A, A]),
    ("GET",  "/metingen/{wave}/indicatoren.csv",                     [A, A, A, A, A, A, A]),
    ("GET",  "/metingen/{wave}/indicatoren.json",                    [A, A, A, A, A, A, A]),
    ("GET",  "/metingen/{wave}/indicatoren.xlsx",                    [A, A, A, A, A, A, A]),
    ("GET",  "/metingen/{wave}/indicatoren-codeboek.csv",            [A, A, A, A, A, A, A]),
    ("GET",  "/metingen/{wave}/antwoorden.csv",                      [A, A, A, A, A, A, A]),
    ("GET",  "/metingen/{wave}/antwoorden.json",                     [A, A, A, A, A, A, A]),
    ("GET",  "/metingen/{wave}/antwoorden.xlsx",                     [A, A, A, A, A, A, A]),
    ("GET",  "/metingen/{wave}/antwoorden-codeboek.csv",             [A, A, A, A, A, A, A]),
    ("GET",  "/open-data/catalogus.jsonld",                          [A, A, A, A, A, A, A]),
    ("GET",  "/metingen/{wave}/antwoorden.csv-metadata.json",        [A, A, A, A, A, A, A]),
    ("GET",  "/metingen/{wave}/indicatoren.csv-metadata.json",       [A, A, A, A, A, A, A]),
    ("GET",  "/samenwerkingen",                                      [A, A, A, A, A, A, A]),
    ("GET",  "/samenwerkingen/{id}",                                 [A, A, A, A, A, A, A]),
    ("GET",  "/kennisbank",                                          [A, A, A, A, A, A, A]),
    ("GET",  "/kennisbank/{slug}",                                   [A, A, A, A, A, A, A]),
    ("GET",  "/toegankelijkheid",                                    [A, A, A, A, A, A, A]),
    ("GET",  "/.well-known/security.txt",                            [A, A, A, A, A, A, A]),
    ("GET",  "/health",                                              [A, A, A, A, A, A, A]),
    ("GET",  "/health/ready",                                        [A, A, A, A, A, A, A]),
    ("GET",  "/static/inbeeld.css",                                  [A, A, A, A, A, A, A]),
    ("GET",  "/inloggen",                                            [A, A, A, A, A, A, A]),
    ("POST", "/inloggen",                                            [A, A, A, A, A, A, A]),
    ("POST", "/uitloggen",                                           [A, A, A, A, A, A, A]),
    ("GET",  "/uitnodiging/{token}",                                 [A, A, A, A, A, A, A]),
    ("GET",  "/wachtwoord-kiezen/{token}",                           [A, A, A, A, A, A, A]),
    ("POST", "/wachtwoord-kiezen/{token}",                           [A, A, A, A, A, A, A]),
    // The second step: for staff halfway; whoever is signed in already is sent on by the page itself.
    ("GET",  "/inloggen/tweede-stap",                                [S, A, A, A, A, A, A]),
    ("POST", "/inloggen/tweede-stap",                                [S, A, A, A, A, A, A]),
    // One's own account: anyone signed in.
    ("GET",  "/mijn",                                                [S, T, A, A, A, A, A]),
    ("GET",  "/mijn/wachtwoord",                                     [S, T, A, A, A, A, A]),
    ("POST", "/mijn/wachtwoord",                                     [S, T, A, A, A, A, A]),
    // One municipality's questionnaire: read by its respondents and all staff; answered by its respondents,
    // interviewers and the monitor team (who correct); an interview is recorded by interviewers and the monitor
    // team; only the monitor team reopens a submitted response.
    ("GET",  "/invullen/{wave}/{code}",                              [S, T, A, A, A, A, F]),
    ("GET",  "/invullen/{wave}/{code}/pagina/{page}",                [S, T, A, F, A, A, F]),
    ("POST", "/invullen/{wave}/{code}/pagina/{page}",                [S, T, A, F, A, A, F]),
    ("POST", "/invullen/{wave}/{code}/indienen",                     [S, T, A, F, A, A, F]),
    ("POST", "/invullen/{wave}/{code}/interview",                    [S, T, A, F, A, F, F]),
    ("GET",  "/invullen/{wave}/{code}/profiel",                      [S, T, A, A, A, A, F]),
    ("POST", "/invullen/{wave}/{code}/heropenen",                    [S, T, A, F, F, F, F]),
    // Fieldwork: staff follow it; the monitor team opens, moves and publishes waves and sends the letters.
    ("GET",  "/beheer",                                              [S, T, A, F, F, F, F]),
    ("GET",  "/beheer/metingen",                                     [S, T, A, A, A, F, F]),
    ("POST", "/beheer/metingen",                                     [S, T, A, F, F, F, F]),
    ("GET",  "/beheer/metingen/{wave}",                              [S, T, A, A, A, F, F]),
    ("POST", "/beheer/metingen/{wave}/status",                       [S, T, A, F, F, F, F]),
    ("POST", "/beheer/metingen/{wave}/brieven",                      [S, T, A, F, F, F, F]),
    ("GET",  "/beheer/metingen/{wave}/brieven/{job}",                [S, T, A, A, A, F, F]),
    ("POST", "/beheer/metingen/{wave}/brieven/{job}/twijfel",        [S, T, A, F, F, F, F]),
    // A wave's raw answers, downloaded: the monitor team and analysts.
    ("GET",  "/beheer/metingen/{wave}/antwoorden.csv",               [S, T, A, A, F, F, F]),
    ("GET",  "/beheer/metingen/{wave}/antwoorden.xlsx",              [S, T, A, A, F, F, F]),
    ("GET",  "/beheer/metingen/{wave}/antwoorden.json",              [S, T, A, A, F, F, F]),
    ("GET",  "/beheer/metingen/{wave}/codeboek.csv",                 [S, T, A, A, F, F, F]),
    ("GET",  "/beheer/metingen/{wave}/antwoorden.sps",               [S, T, A, A, F, F, F]),
    ("GET",  "/beheer/metingen/{wave}/antwoorden.do",                [S, T, A, A, F, F, F]),
    ("GET",  "/beheer/metingen/{wave}/antwoorden.r",                 [S, T, A, A, F, F, F]),
    ("GET",  "/beheer/metingen/{wave}/antwoorden.csv-metadata.json", [S, T, A, A, F, F, F]),
    ("GET",  "/api/v1/metingen/{id}/antwoorden",                     [U, U, A, A, F, F, F]),
    // Personal API tokens for those downloads: each admin and analyst their own.
    ("GET",  "/beheer/sleutels",                                     [S, T, A, A, F, F, F]),
    ("POST", "/beheer/sleutels",                                     [S, T, A, A, F, F, F]),
    ("POST", "/beheer/sleutels/{id}/intrekken",                      [S, T, A, A, F, F, F]),
    // The register of collaborations is kept by the monitor team.
    ("GET",  "/beheer/samenwerkingen",                               [S, T, A, F, F, F, F]),
    ("POST", "/beheer/samenwerkingen/antwoorden/{wave}/{code}",      [S, T, A, F, F, F, F]),
    ("GET",  "/beheer/samenwerkingen/nieuw",                         [S, T, A, F, F, F, F]),
    ("POST", "/beheer/samenwerkingen/nieuw",                         [S, T, A, F, F, F, F]),
    ("GET",  "/beheer/samenwerkingen/{id}",                          [S, T, A, F, F, F, F]),
    ("POST", "/beheer/samenwerkingen/{id}",                          [S, T, A, F, F, F, F]),
    // The knowledge base is written by the monitor team and analysts.
    ("GET",  "/beheer/kennisbank",                                   [S, T, A, A, F, F, F]),
    ("GET",  "/beheer/kennisbank/nieuw",                             [S, T, A, A, F, F, F]),
    ("POST", "/beheer/kennisbank/nieuw",                             [S, T, A, A, F, F, F]),
    ("GET",  "/beheer/kennisbank/{slug}/bewerken",                   [S, T, A, A, F, F, F]),
    ("POST", "/beheer/kennisbank/{slug}/bewerken",                   [S, T, A, A, F, F, F]),
    // Accounts and the audit log: the monitor team only.
    ("GET",  "/beheer/gebruikers",                                   [S, T, A, F, F, F, F]),
    ("GET",  "/beheer/gebruikers/nieuw",                             [S, T, A, F, F, F, F]),
    ("POST", "/beheer/gebruikers/nieuw",                             [S, T, A, F, F, F, F]),
    ("GET",  "/beheer/gebruikers/{id}",                              [S, T, A, F, F, F, F]),
    ("POST", "/beheer/gebruikers/{id}/rol",                          [S, T, A, F, F, F, F]),
    ("POST", "/beheer/gebruikers/{id}/status",                       [S, T, A, F, F, F, F]),
    ("POST", "/beheer/gebruikers/{id}/herstel",                      [S, T, A, F, F, F, F]),
    ("POST", "/beheer/gebruikers/{id}/tweestaps",                    [S, T, A, F, F, F, F]),
    ("GET",  "/beheer/audit",                                        [S, T, A, F, F, F, F]),
    ("GET",  "/beheer/audit.csv",                                    [S, T, A, F, F, F, F]),
    // Support planning: the monitor team and analysts.
    ("GET",  "/beheer/ondersteuning",                                [S, T, A, A, F, F, F]),
    ("POST", "/beheer/ondersteuning/voorstellen",                    [S, T, A, A, F, F, F]),
    ("GET",  "/beheer/ondersteuning/voorstellen/{id}",               [S, T, A, A, F, F, F]),
    ("POST", "/beheer/ondersteuning/voorstellen/{id}/aanpassing",    [S, T, A, A, F, F, F]),
    ("POST", "/beheer/ondersteuning/voorstellen/{id}/uitnodigingen", [S, T, A, A, F, F, F]),
    ("GET",  "/beheer/ondersteuning/voorstellen/{id}/genodigden.csv",  [S, T, A, A, F, F, F]),
    ("GET",  "/beheer/ondersteuning/voorstellen/{id}/genodigden.xlsx", [S, T, A, A, F, F, F]),
];

/// Where the server answers otherwise than `WHO_MAY_DO_WHAT` today, known and to be fixed in the route table:
/// (method, route, column of `VISITORS`, what the sweep sees, why). Listed so that the sweep passes while it is
/// so, and fails once it is fixed, to have the line removed.
const KNOWN_GAPS: &[(&str, &str, usize, Outcome, &str)] = &[];

fn expected_outcomes(method: &str, path: &str) -> Option<[Outcome; 7]> {
    WHO_MAY_DO_WHAT.iter().find(|(m, p, _)| *m == method && *p == path).map(|(_, _, outcomes)| *outcomes)
}

#[test]
fn every_route_has_a_row_in_the_table_of_who_may_do_what() {
    let routes: std::collections::BTreeSet<(&str, &str)> = inbeeld_web::route_table().iter().map(|rule| (rule.method, rule.path)).collect();
    let rows: Vec<(&str, &str)> = WHO_MAY_DO_WHAT.iter().map(|(method, path, _)| (*method, *path)).collect();
    let missing: Vec<_> = routes.iter().filter(|route| !rows.contains(route)).collect();
    assert!(missing.is_empty(), "routes without a row in WHO_MAY_DO_WHAT (add one, from who may do what by the design): {missing:?}");
    let unknown: Vec<_> = rows.iter().filter(|row| !routes.contains(row)).collect();
    assert!(unknown.is_empty(), "rows in WHO_MAY_DO_WHAT for routes that the route table lacks: {unknown:?}");
    assert_eq!(rows.len(), routes.len(), "one row per route, not two");
}

both_backends!(every_route_answers_each_kind_of_visitor_as_the_design_says, async |store: Store| {
    let site = site_with_accounts(&store).await;
    add_user(&store, "respondent@utrecht.nl", Role::Respondent, Some("GM0344")).await;
    // A staff account that gave its password but not yet its code, then one signed-in session per role.
    let mut cookies = vec![None, Some(session_cookie(&sign_in_response(&site, "analist@instituut.nl", PASSWORD, None).await).unwrap())];
    for email in
        ["beheer@instituut.nl", "analist@instituut.nl", "interviewer@instituut.nl", "respondent@amsterdam.nl", "respondent@utrecht.nl"]
    {
        cookies.push(Some(sign_in(&site, email).await));
    }
    let mut routes = inbeeld_web::route_table();
    // Signing out ends the visitor's session: last, so that every other route is tried with a live one.
    routes.sort_by_key(|rule| rule.path == "/uitloggen");
    let mut wrong = Vec::new();
    for rule in routes {
        let Some(expected) = expected_outcomes(rule.method, rule.path) else { continue }; // the test above says so
        for (visitor, cookie) in cookies.iter().enumerate() {
            let context = format!("{} {} by {}", rule.method, rule.example, VISITORS[visitor]);
            let response = call(&site, rule.method, rule.example, cookie.as_deref()).await;
            let status = response.status();
            let location = response.headers().get("location").map(|l| l.to_str().unwrap().to_owned());
            let cache = response.headers().get("cache-control").map(|c| c.to_str().unwrap().to_owned());
            let body = response.text().await.unwrap();
            let back: String = form_urlencoded::byte_serialize(rule.example.as_bytes()).collect();
            let outcome = match (status, location.as_deref()) {
                (StatusCode::FORBIDDEN, _) => F,
                (StatusCode::UNAUTHORIZED, _) => U,
                (StatusCode::SEE_OTHER, Some(SECOND_STEP)) => T,
                (StatusCode::SEE_OTHER, Some(to)) if to.starts_with("/inloggen?terug=") => {
                    assert_eq!(to, format!("/inloggen?terug={back}"), "{context}: sent to sign in, and back after");
                    S
                }
                _ => A,
            };
            match outcome {
                S | T => assert!(body.is_empty(), "{context}: nothing of the page goes out"),
                U => assert!(body.contains("\"status\":401"), "{context}: a problem, nothing of the data"),
                F => assert!(!body.contains("@instituut.nl") && !body.contains("<table"), "{context}: no data in the refusal"),
                A => {}
            }
            // Someone signed in may see their own name on any page; a halfway session opens nothing of its own.
            if (cookie.is_some() && visitor != HALFWAY) || expected != [A; 7] {
                assert_eq!(cache.as_deref(), Some("no-store, private"), "{context}: a private answer is kept by no cache");
            }
            let gap = KNOWN_GAPS.iter().find(|(m, p, v, _, _)| *m == rule.method && *p == rule.path && *v == visitor);
            match gap {
                Some((_, _, _, today, _)) if outcome == expected[visitor] => {
                    wrong.push(format!("{context}: {outcome:?} as the design says: remove it from KNOWN_GAPS (it was {today:?})"))
                }
                Some((_, _, _, today, why)) if outcome != *today => wrong.push(format!("{context}: {outcome:?}, not {today:?} ({why})")),
                Some(_) => {}
                None if outcome != expected[visitor] => {
                    wrong.push(format!("{context}: {outcome:?} ({status}), where the design says {:?}", expected[visitor]))
                }
                None => {}
            }
        }
    }
    assert!(wrong.is_empty(), "A: let through, S: sent to sign in, F: refused, T: sent to the second step\n{}", wrong.join("\n"));
});

both_backends!(a_signed_in_visitor_gets_nothing_a_cache_may_keep, async |store: Store| {
    let site = site_with_accounts(&store).await;
    let cookie = sign_in(&site, "analist@instituut.nl").await;
    for path in ["/", "/bestaat-niet", "/api/v1/catalogi", "/static/inbeeld.css", "/beheer/audit.csv"] {
        let response = get_as(&site, path, Some(&cookie)).await;
        assert_eq!(response.headers()["cache-control"], "no-store, private", "{path} signed in");
    }
    let public = site.get("/gemeenten").await;
    assert!(public.headers().get("cache-control").is_none_or(|c| !c.to_str().unwrap().contains("private")), "public pages stay cacheable");
    let signing_in = sign_in_response(&site, "analist@instituut.nl", PASSWORD, None).await;
    assert_eq!(signing_in.headers()["cache-control"], "no-store, private", "the answer that sets the session cookie");
});

both_backends!(the_audit_log_filters_and_exports_without_formulas, async |store: Store| {
    let site = site_with_accounts(&store).await;
    sign_in_response(&site, "=HYPERLINK(\"http://evil.example\")", "x", None).await;
    let cookie = sign_in(&site, "beheer@instituut.nl").await;
    let page = get_as(&site, "/beheer/audit?actie=login", Some(&cookie)).await.text().await.unwrap();
    assert!(page.contains("<td>login</td>") && !page.contains("<td>login.failed</td>"), "filtered on the action");
    let bad = get_as(&site, "/beheer/audit?van=gisteren", Some(&cookie)).await.text().await.unwrap();
    assert!(bad.contains("Van: &#39;gisteren&#39; is geen datum") || bad.contains("Van: &#x27;gisteren&#x27; is geen datum"), "{bad}");
    let export = get_as(&site, "/beheer/audit.csv", Some(&cookie)).await;
    assert_eq!(export.headers()["content-disposition"], "attachment; filename=\"inbeeld-audit.csv\"");
    let csv = export.text().await.unwrap();
    assert!(csv.starts_with("id,at,actor,action,target,before,after,address,request_id"));
    assert!(csv.contains("'=HYPERLINK"), "a formula is neutralised: {csv}");
    assert!(csv.contains(",login,beheer@instituut.nl,"));
});

both_backends!(over_tls_cookies_are_secure_and_hsts_is_sent, async |store: Store| {
    Site::start(&store, false).await;
    add_user(&store, "beheer@instituut.nl", Role::Admin, None).await;
    let site = Site::serve(inbeeld_web::AppState::with_public_url(store.clone(), "https://inbeeld.example")).await;
    let response = site
        .client
        .post(format!("{}/inloggen", site.base))
        .form(&[("email", "beheer@instituut.nl"), ("wachtwoord", PASSWORD), ("terug", "")])
        .send()
        .await
        .unwrap();
    let cookie = response.headers()["set-cookie"].to_str().unwrap();
    assert!(cookie.starts_with("__Host-inbeeld_sessie=") && cookie.contains("Secure"), "{cookie}");
    assert!(response.headers()["strict-transport-security"].to_str().unwrap().starts_with("max-age="));
});

both_backends!(behind_a_trusted_proxy_the_forwarded_client_is_limited, async |store: Store| {
    Site::start(&store, false).await;
    let trusting = inbeeld_web::AppState::new(store.clone()).trusting(vec!["127.0.0.1".parse().unwrap()]);
    let site = Site::serve(trusting).await;
    site.client
        .post(format!("{}/inloggen", site.base))
        .header("x-forwarded-for", "198.51.100.1, 203.0.113.7")
        .form(&[("email", "niemand@instituut.nl"), ("wachtwoord", "fout")])
        .send()
        .await
        .unwrap();
    let since = chrono::Utc::now() - chrono::Duration::minutes(1);
    assert_eq!(store.failures("address:203.0.113.7", since).await.unwrap().len(), 1, "the client the proxy saw");
    assert!(store.failures("address:127.0.0.1", since).await.unwrap().is_empty(), "not the proxy");
    assert!(store.failures("address:198.51.100.1", since).await.unwrap().is_empty(), "not what the client claimed");
});

/// Return paths that a browser would follow to another site, or that no header can carry.
const HOSTILE_RETURN_PATHS: [&str; 24] = [
    "//evil.example/",
    "///evil.example",
    "/\\evil.example",
    "\\\\evil.example",
    "/\t/evil.example/",
    "/\n/evil.example",
    "/\r\nSet-Cookie: x=1",
    "/\0",
    "/ /evil.example",
    "https://evil.example",
    "javascript:alert(1)",
    "/javascript:alert(1)",
    "evil.example",
    "/%09/evil.example/",
    "%2F%09%2Fevil.example%2F",
    "/%0A/evil.example",
    "/%00",
    "%2F%2Fevil.example",
    "/%2Fevil.example",
    "/%5Cevil.example",
    "/%252F%252Fevil.example",
    "/%E2%80%A8/evil.example",
    "/\u{2028}/evil.example",
    "https:%2F%2Fevil.example",
];

both_backends!(a_hostile_return_path_leads_to_the_start_page, async |store: Store| {
    let site = site_with_accounts(&store).await;
    let halfway = session_cookie(&sign_in_response(&site, "analist@instituut.nl", PASSWORD, None).await).unwrap();
    for hostile in HOSTILE_RETURN_PATHS {
        // As typed into the field, and once more percent-encoded, as a link could carry it.
        let encoded: String = form_urlencoded::byte_serialize(hostile.as_bytes()).collect();
        for value in [hostile, encoded.as_str()] {
            let form =
                site.get(&format!("/inloggen?terug={}", form_urlencoded::byte_serialize(value.as_bytes()).collect::<String>())).await;
            assert_eq!(form.status(), StatusCode::OK, "{value:?}");
            assert!(form.text().await.unwrap().contains("name=\"terug\" value=\"\""), "{value:?}: the form carries nothing of it");
            let response = site
                .client
                .post(format!("{}/inloggen", site.base))
                .form(&[("email", "respondent@amsterdam.nl"), ("wachtwoord", PASSWORD), ("terug", value)])
                .send()
                .await
                .unwrap();
            assert_eq!(response.status(), StatusCode::SEE_OTHER, "{value:?}");
            assert_eq!(response.headers()["location"], "/mijn", "{value:?}: the start page, never elsewhere");
            // Staff carry the return path through their second step, by the same rule.
            let second = get_as(&site, &format!("{SECOND_STEP}?terug={encoded}"), Some(&halfway)).await;
            assert!(second.text().await.unwrap().contains("name=\"terug\" value=\"\""), "{value:?}: the second step carries nothing");
        }
    }
    for kept in ["/beheer/audit", "/invullen/eerste-meting/GM0363?pagina=2"] {
        let response = site
            .client
            .post(format!("{}/inloggen", site.base))
            .form(&[("email", "respondent@amsterdam.nl"), ("wachtwoord", PASSWORD), ("terug", kept)])
            .send()
            .await
            .unwrap();
        assert_eq!(response.headers()["location"], kept);
        let address = format!("{SECOND_STEP}?terug={}", form_urlencoded::byte_serialize(kept.as_bytes()).collect::<String>());
        let second = get_as(&site, &address, Some(&halfway)).await.text().await.unwrap();
        assert!(second.contains(&format!("name=\"terug\" value=\"{kept}\"")), "{kept}: the second step carries it on");
    }
});

both_backends!(an_unreadable_form_gets_a_dutch_page, async |store: Store| {
    let site = site_with_accounts(&store).await;
    let admin = sign_in(&site, "beheer@instituut.nl").await;
    let respondent = sign_in(&site, "respondent@amsterdam.nl").await;
    // (path, who posts, whether the form has a field that must be there)
    let halfway = session_cookie(&sign_in_response(&site, "analist@instituut.nl", PASSWORD, None).await).unwrap();
    let posts: [(&str, Option<&str>, bool); 13] = [
        ("/inloggen", None, true),
        (SECOND_STEP, Some(&halfway), true),
        ("/mijn/wachtwoord", Some(&respondent), false),
        ("/wachtwoord-kiezen/een-token", None, false),
        ("/beheer/gebruikers/nieuw", Some(&admin), false),
        ("/beheer/gebruikers/1/tweestaps", Some(&admin), false),
        ("/beheer/metingen", Some(&admin), true),
        ("/beheer/metingen/eerste-meting/status", Some(&admin), true),
        ("/invullen/eerste-meting/GM0363/interview", Some(&admin), true),
        ("/invullen/eerste-meting/GM0363/indienen", Some(&respondent), true),
        ("/invullen/eerste-meting/GM0363/pagina/thema", Some(&respondent), false),
        ("/beheer/kennisbank/nieuw", Some(&admin), false),
        ("/beheer/ondersteuning/voorstellen", Some(&admin), false),
    ];
    for (path, cookie, required) in posts {
        // A body that is not a form at all, and a form without the fields it needs.
        let mut not_a_form = site.client.post(format!("{}{path}", site.base)).body("{\"id\": 1}");
        if let Some(cookie) = cookie {
            not_a_form = not_a_form.header("cookie", cookie);
        }
        let mut responses = vec![not_a_form.send().await.unwrap()];
        if required {
            responses.push(post_as(&site, path, cookie).await);
        }
        for response in responses {
            assert_eq!(response.status(), StatusCode::BAD_REQUEST, "{path}");
            assert!(response.headers()["content-type"].to_str().unwrap().starts_with("text/html"), "{path}");
            let body = response.text().await.unwrap();
            assert!(body.contains("Het formulier kwam onvolledig of onleesbaar bij ons aan"), "{path}: {body}");
            assert!(!body.contains("deserialize") && !body.contains("Content-Type"), "{path}: no parser's words");
        }
    }
});

both_backends!(a_clients_request_id_is_never_ours, async |store: Store| {
    let site = site_with_accounts(&store).await;
    let forged = "vervalst-id-12345";
    let response = site
        .client
        .post(format!("{}/inloggen", site.base))
        .header("x-request-id", forged)
        .form(&[("email", "beheer@instituut.nl"), ("wachtwoord", PASSWORD), ("terug", "")])
        .send()
        .await
        .unwrap();
    let ours = response.headers()["x-request-id"].to_str().unwrap().to_owned();
    assert_eq!(ours.len(), 36, "our own uuid, not {forged}");
    let login = &store.audit_entries(&store::AuditFilter { action: Some("login.password".into()), ..Default::default() }).await.unwrap()[0];
    let cookie = sign_in(&site, "beheer@instituut.nl").await;
    assert_eq!(login.request_id.as_deref(), Some(ours.as_str()), "the log has the id the response named");
    assert_eq!(login.upstream_request_id, None, "a client is no trusted proxy");
    let page = get_as(&site, "/beheer/audit", Some(&cookie)).await.text().await.unwrap();
    let csv = get_as(&site, "/beheer/audit.csv", Some(&cookie)).await.text().await.unwrap();
    assert!(csv.starts_with("id,at,actor,action,target,before,after,address,request_id,upstream_request_id\n"), "{csv}");
    assert!(page.contains(&ours) && csv.contains(&ours));
    assert!(!page.contains(forged) && !csv.contains(forged), "the forged id appears nowhere");
    let echoed = get_as(&site, "/", None).await;
    assert_ne!(echoed.headers()["x-request-id"], forged);

    let behind_proxy = Site::serve(inbeeld_web::AppState::new(store.clone()).trusting(vec!["127.0.0.1".parse().unwrap()])).await;
    let proxied = behind_proxy
        .client
        .post(format!("{}/inloggen", behind_proxy.base))
        .header("x-request-id", "lb-7f3a")
        .form(&[("email", "analist@instituut.nl"), ("wachtwoord", PASSWORD), ("terug", "")])
        .send()
        .await
        .unwrap();
    let ours = proxied.headers()["x-request-id"].to_str().unwrap().to_owned();
    assert_eq!(ours.len(), 36, "even behind a proxy the response names our own id");
    let login = &store.audit_entries(&store::AuditFilter { action: Some("login.password".into()), ..Default::default() }).await.unwrap()[0];
    assert_eq!((login.request_id.as_deref(), login.upstream_request_id.as_deref()), (Some(ours.as_str()), Some("lb-7f3a")));
    let csv = get_as(&site, "/beheer/audit.csv", Some(&cookie)).await.text().await.unwrap();
    assert!(csv.contains(&format!(",{ours},lb-7f3a\n")), "its own column: {csv}");
});

both_backends!(an_unreadable_session_asks_to_try_again_and_keeps_what_was_posted, async |store: Store| {
    let site = site_with_accounts(&store).await;
    let respondent = sign_in(&site, "respondent@amsterdam.nl").await;
    store.close().await; // the database is away

    let page = get_as(&site, "/mijn", Some(&respondent)).await;
    assert_eq!(page.status(), StatusCode::SERVICE_UNAVAILABLE, "not sent to sign in");
    assert_eq!(page.headers()["retry-after"], "5");
    assert_eq!(page.headers()["cache-control"], "no-store, private");
    let body = page.text().await.unwrap();
    assert!(
        body.contains("De database is even niet bereikbaar") && body.contains("<a class=\"button\" href=\"/mijn\">Opnieuw proberen</a>"),
        "{body}"
    );

    let path = "/invullen/eerste-meting/GM0363/pagina/thema";
    let posted = [("revisie", "3"), ("toelichting", "Jan & \"Piet\" <b>"), ("keuze", "a"), ("keuze", "b")];
    let save = site.client.post(format!("{}{path}", site.base)).header("cookie", &respondent).form(&posted).send().await.unwrap();
    assert_eq!(save.status(), StatusCode::SERVICE_UNAVAILABLE);
    let body = save.text().await.unwrap();
    assert!(body.contains(&format!("<form method=\"post\" action=\"{path}\">")), "{body}");
    let kept: Vec<&str> = body.lines().filter(|line| line.contains("type=\"hidden\"")).map(str::trim).collect();
    let toelichting = kept.iter().find(|line| line.contains("name=\"toelichting\"")).expect("the typed text is kept");
    assert!(toelichting.contains("value=\"Jan &#38; &#34;Piet&#34; &#60;b&#62;\""), "as typed, escaped: {toelichting}");
    assert_eq!(kept.iter().filter(|line| line.contains("name=\"keuze\"")).count(), 2, "repeated fields, both: {kept:?}");
    assert!(body.contains("Opnieuw versturen"));

    let api = get_as(&site, "/api/v1/metingen", Some(&respondent)).await;
    assert_eq!(api.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(api.headers()["content-type"], "application/problem+json");
});
