//! Accounts over the real HTTP stack, on both databases: a new password, a reset or a disabled account ends every
//! session; admins add accounts whose owners choose a password through a one-time link sent by mail; roles change;
//! the last active admin stays; and every change is in the audit log.

use crate::support;

use domain::account::{Email, Password, Role};
use domain::audit::{Actor, Change, Origin};
use mail::{Mailer, MailerConfig};
use reqwest::{Response, StatusCode};
use store::testing::author;
use store::{AccountChange, AuditFilter, Store, StoreError, both_backends};
use support::{PASSWORD, Site, add_user, get_as, session_cookie, sign_in, sign_in_response};

const ADMIN: &str = "beheer@instituut.nl";

/// The demo register, an admin, an analyst and Amsterdam's respondent, served with an outbox for mail.
async fn site(store: &Store) -> (Site, std::path::PathBuf) {
    Site::start(store, false).await; // fills the register and catalogues; this first server is not used
    add_user(store, ADMIN, Role::Admin, None).await;
    add_user(store, "analist@instituut.nl", Role::Analyst, None).await;
    add_user(store, "respondent@amsterdam.nl", Role::Respondent, Some("GM0363")).await;
    let dir = std::env::temp_dir().join(format!("inbeeld-accounts-{}", uuid::Uuid::new_v4()));
    let mailer = Mailer::new(&MailerConfig::Outbox { dir: dir.clone() }, "Het monitorteam <monitor@inbeeld.example>").unwrap();
    let state = inbeeld_web::AppState::with_public_url(store.clone(), "http://127.0.0.1:8080").with_mailer(mailer);
    (Site::serve(state).await, dir)
}

async fn post_form(site: &Site, path: &str, cookie: Option<&str>, form: &[(&str, &str)]) -> Response {
    let mut request = site.client.post(format!("{}{path}", site.base)).form(form);
    if let Some(cookie) = cookie {
        request = request.header("cookie", cookie);
    }
    request.send().await.unwrap()
}

fn cli_change(action: &'static str, email: &Email) -> Change {
    Change {
        actor: Actor::CommandLine { os_user: "test".into() },
        origin: Origin::default(),
        action,
        target: email.to_string(),
        before: None,
        after: None,
    }
}

/// The path of the one-time link in a letter as the outbox keeps it (quoted-printable may break a long line).
fn link_in(letter: &str) -> String {
    let joined = letter.replace("=\r\n", "").replace("=\n", "");
    let start = joined.find("/wachtwoord-kiezen/").expect("a link");
    joined[start..start + "/wachtwoord-kiezen/".len() + 43].to_owned()
}

fn letters(dir: &std::path::Path) -> Vec<String> {
    std::fs::read_dir(dir).map_or_else(|_| Vec::new(), |d| d.map(|e| std::fs::read_to_string(e.unwrap().path()).unwrap()).collect())
}

async fn user_id(store: &Store, email: &str) -> i64 {
    store.user_with_hash(&Email::parse(email).unwrap()).await.unwrap().0.id
}

fn signed_out(response: &Response) -> bool {
    response.status() == StatusCode::SEE_OTHER && response.headers()["location"].to_str().unwrap().starts_with("/inloggen?terug=")
}

both_backends!(a_password_reset_ends_every_session_of_the_account, async |store: Store| {
    let (site, _) = site(&store).await;
    let cookie = sign_in(&site, "analist@instituut.nl").await;
    let other = sign_in(&site, "analist@instituut.nl").await;
    let email = Email::parse("analist@instituut.nl").unwrap();
    let hash = Password::new("een heel ander wachtwoord", &email).unwrap().hash().unwrap();
    // The store method that `inbeeld user reset-password` calls.
    store.set_password(&email, &hash, &cli_change("user.password", &email)).await.unwrap();
    assert!(signed_out(&get_as(&site, "/mijn", Some(&cookie)).await), "the open session ends with the old password");
    assert!(signed_out(&get_as(&site, "/mijn", Some(&other)).await), "every one of them");
    assert_eq!(sign_in_response(&site, "analist@instituut.nl", "een heel ander wachtwoord", None).await.status(), StatusCode::SEE_OTHER);
});

both_backends!(disabling_an_account_ends_its_sessions, async |store: Store| {
    let (site, _) = site(&store).await;
    let admin = sign_in(&site, ADMIN).await;
    let analyst = sign_in(&site, "analist@instituut.nl").await;
    let id = user_id(&store, "analist@instituut.nl").await;
    let disabled = post_form(&site, &format!("/beheer/gebruikers/{id}/status"), Some(&admin), &[("actie", "uitschakelen")]).await;
    assert_eq!(disabled.status(), StatusCode::SEE_OTHER);
    assert!(signed_out(&get_as(&site, "/mijn", Some(&analyst)).await));
    assert_eq!(sign_in_response(&site, "analist@instituut.nl", PASSWORD, None).await.status(), StatusCode::UNAUTHORIZED);
    let page = site.client.get(format!("{}/beheer/gebruikers/{id}", site.base)).header("cookie", &admin).send().await.unwrap();
    assert!(page.text().await.unwrap().contains("uitgeschakeld"));
    let enabled = post_form(&site, &format!("/beheer/gebruikers/{id}/status"), Some(&admin), &[("actie", "inschakelen")]).await;
    assert_eq!(enabled.status(), StatusCode::SEE_OTHER);
    assert_eq!(sign_in_response(&site, "analist@instituut.nl", PASSWORD, None).await.status(), StatusCode::SEE_OTHER);
    assert!(signed_out(&get_as(&site, "/mijn", Some(&analyst)).await), "enabled again, the old session stays ended");
    let actions: Vec<String> = store.audit_entries(&AuditFilter::default()).await.unwrap().into_iter().map(|e| e.action).collect();
    assert!(actions.contains(&"user.disable".to_owned()) && actions.contains(&"user.enable".to_owned()), "{actions:?}");
});

both_backends!(changing_ones_own_password_ends_the_other_sessions_and_keeps_this_one, async |store: Store| {
    let (site, _) = site(&store).await;
    let here = sign_in(&site, "respondent@amsterdam.nl").await;
    let elsewhere = sign_in(&site, "respondent@amsterdam.nl").await;
    let page = get_as(&site, "/mijn/wachtwoord", Some(&here)).await.text().await.unwrap();
    assert!(page.contains("<h1>Wachtwoord wijzigen</h1>") && page.contains("<label for=\"huidig\">"));

    let wrong = post_form(
        &site,
        "/mijn/wachtwoord",
        Some(&here),
        &[("huidig", "niet het wachtwoord"), ("wachtwoord", "een nieuwe lange zin"), ("herhaling", "een nieuwe lange zin")],
    )
    .await;
    assert_eq!(wrong.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body = wrong.text().await.unwrap();
    assert!(body.contains("Het huidige wachtwoord klopt niet.") && !body.contains("een nieuwe lange zin"), "no password is shown again");
    let short =
        post_form(&site, "/mijn/wachtwoord", Some(&here), &[("huidig", PASSWORD), ("wachtwoord", "kort"), ("herhaling", "kort")]).await;
    assert!(short.text().await.unwrap().contains("Het wachtwoord is te kort"));
    let differ = post_form(
        &site,
        "/mijn/wachtwoord",
        Some(&here),
        &[("huidig", PASSWORD), ("wachtwoord", "een nieuwe lange zin"), ("herhaling", "een andere lange zin")],
    )
    .await;
    assert!(differ.text().await.unwrap().contains("De herhaling is niet gelijk"));

    let changed = post_form(
        &site,
        "/mijn/wachtwoord",
        Some(&here),
        &[("huidig", PASSWORD), ("wachtwoord", "een nieuwe lange zin"), ("herhaling", "een nieuwe lange zin")],
    )
    .await;
    assert_eq!(changed.status(), StatusCode::SEE_OTHER);
    assert_eq!(changed.headers()["location"], "/mijn?wachtwoord=gewijzigd");
    let fresh = session_cookie(&changed).expect("a fresh session for this browser");
    assert_ne!(fresh, here);
    assert!(signed_out(&get_as(&site, "/mijn", Some(&elsewhere)).await), "the other session ends");
    assert!(signed_out(&get_as(&site, "/mijn", Some(&here)).await), "and so does the old id of this one");
    let mine = get_as(&site, "/mijn?wachtwoord=gewijzigd", Some(&fresh)).await;
    assert_eq!(mine.status(), StatusCode::OK);
    assert!(mine.text().await.unwrap().contains("Uw wachtwoord is gewijzigd."));
    assert_eq!(sign_in_response(&site, "respondent@amsterdam.nl", PASSWORD, None).await.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(sign_in_response(&site, "respondent@amsterdam.nl", "een nieuwe lange zin", None).await.status(), StatusCode::SEE_OTHER);
});

both_backends!(an_added_account_chooses_its_password_through_a_link_that_works_once, async |store: Store| {
    let (site, outbox) = site(&store).await;
    let admin = sign_in(&site, ADMIN).await;
    let form = get_as(&site, "/beheer/gebruikers/nieuw", Some(&admin)).await.text().await.unwrap();
    assert!(form.contains("<label for=\"email\">") && form.contains("<select id=\"rol\" name=\"rol\""));

    let refused = post_form(
        &site,
        "/beheer/gebruikers/nieuw",
        Some(&admin),
        &[("email", "nieuw@gemeente"), ("rol", "respondent"), ("gemeente", "GM0363")],
    )
    .await;
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body = refused.text().await.unwrap();
    assert!(
        body.contains("is geen e-mailadres") && body.contains("value=\"nieuw@gemeente\"") && body.contains("value=\"GM0363\""),
        "{body}"
    );
    let no_municipality = post_form(
        &site,
        "/beheer/gebruikers/nieuw",
        Some(&admin),
        &[("email", "nieuw@utrecht.nl"), ("rol", "respondent"), ("gemeente", "")],
    )
    .await;
    assert!(no_municipality.text().await.unwrap().contains("Een respondent antwoordt voor één gemeente"));
    let taken = post_form(&site, "/beheer/gebruikers/nieuw", Some(&admin), &[("email", "Analist@Instituut.nl"), ("rol", "analyst")]).await;
    assert_eq!(taken.status(), StatusCode::CONFLICT);
    assert!(taken.text().await.unwrap().contains("Er is al een account voor analist@instituut.nl."));
    assert!(letters(&outbox).is_empty(), "nothing sent for what was refused");

    let added = post_form(
        &site,
        "/beheer/gebruikers/nieuw",
        Some(&admin),
        &[("email", "nieuw@utrecht.nl"), ("rol", "respondent"), ("gemeente", "GM0344")],
    )
    .await;
    assert_eq!(added.status(), StatusCode::SEE_OTHER);
    assert!(added.headers()["location"].to_str().unwrap().ends_with("?melding=toegevoegd"));
    let sent = letters(&outbox);
    assert_eq!(sent.len(), 1, "one letter");
    assert!(sent[0].contains("nieuw@utrecht.nl"));
    let link = link_in(&sent[0]);
    let list = get_as(&site, "/beheer/gebruikers", Some(&admin)).await.text().await.unwrap();
    assert!(list.contains(">nieuw@utrecht.nl</a></th><td>respondent</td><td>GM0344</td><td>actief</td>"), "{list}");

    let before = sign_in_response(&site, "nieuw@utrecht.nl", "!no password chosen yet", None).await;
    assert_eq!(before.status(), StatusCode::UNAUTHORIZED, "no password works before one is chosen");
    let page = get_as(&site, &link, None).await;
    assert_eq!(page.status(), StatusCode::OK);
    assert_eq!(page.headers()["referrer-policy"], "no-referrer");
    assert!(page.text().await.unwrap().contains("value=\"nieuw@utrecht.nl\""));
    let weak = post_form(&site, &link, None, &[("wachtwoord", "wachtwoord123"), ("herhaling", "wachtwoord123")]).await;
    assert_eq!(weak.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(weak.text().await.unwrap().contains("een van de meest gebruikte"));
    let chosen = post_form(&site, &link, None, &[("wachtwoord", "mijn eigen lange zin"), ("herhaling", "mijn eigen lange zin")]).await;
    assert_eq!(chosen.status(), StatusCode::SEE_OTHER);
    assert_eq!(chosen.headers()["location"], "/inloggen?wachtwoord=gekozen");
    assert_eq!(chosen.headers()["referrer-policy"], "no-referrer");
    assert_eq!(sign_in_response(&site, "nieuw@utrecht.nl", "mijn eigen lange zin", None).await.status(), StatusCode::SEE_OTHER);

    let again = get_as(&site, &link, None).await;
    assert_eq!(again.status(), StatusCode::GONE);
    assert!(again.text().await.unwrap().contains("Deze link is al gebruikt"));
    let twice = post_form(&site, &link, None, &[("wachtwoord", "nog een andere zin hoor"), ("herhaling", "nog een andere zin hoor")]).await;
    assert_eq!(twice.status(), StatusCode::GONE);
    assert_eq!(sign_in_response(&site, "nieuw@utrecht.nl", "nog een andere zin hoor", None).await.status(), StatusCode::UNAUTHORIZED);
    let log = store.audit_entries(&AuditFilter::default()).await.unwrap();
    assert!(log.iter().all(|e| !format!("{e:?}").contains(&link[19..])), "the token never reaches the log");
    assert!(log.iter().any(|e| e.action == "user.add" && e.target == "nieuw@utrecht.nl" && e.actor.contains(ADMIN)));
    assert!(log.iter().any(|e| e.action == "user.password_chosen" && e.target == "nieuw@utrecht.nl"));
});

both_backends!(a_reset_sends_a_new_link_makes_the_old_password_useless_and_ends_sessions, async |store: Store| {
    let (site, outbox) = site(&store).await;
    let admin = sign_in(&site, ADMIN).await;
    let analyst = sign_in(&site, "analist@instituut.nl").await;
    let id = user_id(&store, "analist@instituut.nl").await;
    assert_eq!(post_form(&site, &format!("/beheer/gebruikers/{id}/herstel"), Some(&admin), &[]).await.status(), StatusCode::BAD_REQUEST);
    let reset = post_form(&site, &format!("/beheer/gebruikers/{id}/herstel"), Some(&admin), &[("bevestig", "ja")]).await;
    assert_eq!(reset.status(), StatusCode::SEE_OTHER);
    assert!(signed_out(&get_as(&site, "/mijn", Some(&analyst)).await));
    assert_eq!(sign_in_response(&site, "analist@instituut.nl", PASSWORD, None).await.status(), StatusCode::UNAUTHORIZED);
    let first = link_in(&letters(&outbox)[0]);
    post_form(&site, &format!("/beheer/gebruikers/{id}/herstel"), Some(&admin), &[("bevestig", "ja")]).await;
    let second = letters(&outbox).iter().map(|l| link_in(l)).find(|l| *l != first).unwrap();
    assert_eq!(get_as(&site, &first, None).await.status(), StatusCode::GONE, "a new reset makes the earlier link useless");
    let chosen = post_form(&site, &second, None, &[("wachtwoord", "weer een lange zin"), ("herhaling", "weer een lange zin")]).await;
    assert_eq!(chosen.status(), StatusCode::SEE_OTHER);
    assert_eq!(sign_in_response(&site, "analist@instituut.nl", "weer een lange zin", None).await.status(), StatusCode::SEE_OTHER);
    assert!(store.audit_entries(&AuditFilter::default()).await.unwrap().iter().any(|e| e.action == "user.reset"));
});

both_backends!(roles_change_and_the_last_admin_stays, async |store: Store| {
    let (site, _) = site(&store).await;
    let admin = sign_in(&site, ADMIN).await;
    let analyst = user_id(&store, "analist@instituut.nl").await;
    let me = user_id(&store, ADMIN).await;
    let path = |id: i64, what: &str| format!("/beheer/gebruikers/{id}/{what}");

    let missing = post_form(&site, &path(analyst, "rol"), Some(&admin), &[("rol", "respondent"), ("gemeente", "")]).await;
    assert_eq!(missing.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(missing.text().await.unwrap().contains("Een respondent antwoordt voor één gemeente"));
    let staff_with_municipality =
        post_form(&site, &path(analyst, "rol"), Some(&admin), &[("rol", "interviewer"), ("gemeente", "GM0363")]).await;
    assert!(staff_with_municipality.text().await.unwrap().contains("Alleen een respondent hoort bij een gemeente"));
    let to_respondent = post_form(&site, &path(analyst, "rol"), Some(&admin), &[("rol", "respondent"), ("gemeente", "GM0363")]).await;
    assert_eq!(to_respondent.status(), StatusCode::SEE_OTHER);
    assert_eq!(store.user_by_id(analyst).await.unwrap().unwrap().role, Role::Respondent);

    let demote = post_form(&site, &path(me, "rol"), Some(&admin), &[("rol", "analyst"), ("gemeente", "")]).await;
    assert_eq!(demote.status(), StatusCode::CONFLICT);
    assert!(demote.text().await.unwrap().contains("Dit is de laatste actieve beheerder"));
    let disable = post_form(&site, &path(me, "status"), Some(&admin), &[("actie", "uitschakelen")]).await;
    assert_eq!(disable.status(), StatusCode::CONFLICT);
    assert!(disable.text().await.unwrap().contains("Dit is de laatste actieve beheerder"));
    assert_eq!(get_as(&site, "/beheer", Some(&admin)).await.status(), StatusCode::OK, "still an admin, still signed in");

    let to_admin = post_form(&site, &path(analyst, "rol"), Some(&admin), &[("rol", "admin"), ("gemeente", "")]).await;
    assert_eq!(to_admin.status(), StatusCode::SEE_OTHER);
    let demoted = post_form(&site, &path(me, "rol"), Some(&admin), &[("rol", "analyst"), ("gemeente", "")]).await;
    assert_eq!(demoted.status(), StatusCode::SEE_OTHER, "with another admin, one may go");
    assert_eq!(get_as(&site, "/beheer/gebruikers", Some(&admin)).await.status(), StatusCode::FORBIDDEN, "a role takes effect at once");

    let log = store.audit_entries(&AuditFilter { action: Some("user.role".into()), ..Default::default() }).await.unwrap();
    assert_eq!(log.len(), 3, "the refused changes left no entry");
    assert!(log[0].before.as_deref().unwrap().contains("\"admin\"") && log[0].after.as_deref().unwrap().contains("\"analyst\""));
    assert!(log.iter().all(|e| e.actor.contains(ADMIN) && e.address.is_some()));
});

both_backends!(two_admins_demoting_each_other_at_once_cannot_both_succeed, async |store: Store| {
    Site::start(&store, true).await;
    add_user(&store, "een@instituut.nl", Role::Admin, None).await;
    add_user(&store, "twee@instituut.nl", Role::Admin, None).await;
    let demote = AccountChange::Role { role: Role::Analyst, organisation: None };
    for _ in 0..3 {
        let (one, two) = (Email::parse("een@instituut.nl").unwrap(), Email::parse("twee@instituut.nl").unwrap());
        let who = author();
        let (a, b) = tokio::join!(store.change_account(&one, &demote, &who), store.change_account(&two, &demote, &who));
        let refused = [&a, &b].iter().filter(|r| matches!(r, Err(StoreError::Refused(_)))).count();
        assert_eq!(refused, 1, "exactly one is refused: {a:?} {b:?}");
        let admins = store.users().await.unwrap().into_iter().filter(|u| u.role == Role::Admin && !u.disabled).count();
        assert_eq!(admins, 1);
        let promote = AccountChange::Role { role: Role::Admin, organisation: None };
        for email in [&one, &two] {
            store.change_account(email, &promote, &author()).await.unwrap();
        }
    }
});
