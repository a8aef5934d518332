//! Two-step sign-in for staff and the limits on guessing, over the real HTTP stack, on both databases: setting up
//! an authenticator app, codes that work once, recovery codes, throttling, a reset, and failures from elsewhere
//! that do not lock an owner out.

use crate::support;

use domain::account::{Email, Role, TotpSecret};
use domain::audit::{Actor, Change, Origin};
use reqwest::StatusCode;
use store::{Store, both_backends};
use support::{PASSWORD, SECOND_STEP, Site, add_user, fresh_code, get_as, post_as, second_step_response, session_cookie, sign_in_response};

const ADMIN: &str = "beheer@instituut.nl";

fn by_command_line(action: &'static str) -> Change {
    Change {
        actor: Actor::CommandLine { os_user: "test".into() },
        origin: Origin::default(),
        action,
        target: ADMIN.into(),
        before: None,
        after: None,
    }
}

/// A site with one admin who has not set up a second factor yet.
async fn site_with_new_admin(store: &Store) -> Site {
    let site = Site::start(store, false).await;
    add_user(store, ADMIN, Role::Admin, None).await;
    store.reset_second_factor(&Email::parse(ADMIN).unwrap(), &by_command_line("2fa.reset")).await.unwrap();
    site
}

async fn halfway(site: &Site, email: &str) -> String {
    let response = sign_in_response(site, email, PASSWORD, None).await;
    assert_eq!(response.headers()["location"], SECOND_STEP, "{email} gives a second factor next");
    session_cookie(&response).unwrap()
}

/// The key the set-up page shows for typing into an app by hand.
fn shown_secret(page: &str) -> TotpSecret {
    let start = page.find("id=\"sleutel\">").expect("the key is shown") + "id=\"sleutel\">".len();
    let end = start + page[start..].find('<').unwrap();
    TotpSecret::from_base32(&page[start..end].replace(' ', "")).unwrap()
}

fn code_now(secret: &TotpSecret) -> String {
    secret.code_at(chrono::Utc::now()).unwrap()
}

fn actions(entries: &[domain::audit::AuditEntry]) -> Vec<&str> {
    entries.iter().map(|entry| entry.action.as_str()).collect()
}

both_backends!(staff_set_up_an_app_before_anything_opens_and_then_give_a_code_once, async |store: Store| {
    let site = site_with_new_admin(&store).await;
    let cookie = halfway(&site, ADMIN).await;
    for path in ["/beheer", "/mijn", "/beheer/audit", "/invullen/eerste-meting/GM0363"] {
        let response = get_as(&site, path, Some(&cookie)).await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER, "{path}");
        assert_eq!(response.headers()["location"], SECOND_STEP, "{path}: nothing but the set-up opens");
    }
    assert_eq!(get_as(&site, "/gemeenten", Some(&cookie)).await.status(), StatusCode::OK, "public pages stay public");

    let set_up = get_as(&site, SECOND_STEP, Some(&cookie)).await;
    assert_eq!(set_up.status(), StatusCode::OK);
    assert_eq!(set_up.headers()["cache-control"], "no-store, private", "the secret stays out of caches");
    let page = set_up.text().await.unwrap();
    assert!(page.contains("<h1>Tweestapsverificatie instellen</h1>") && page.contains("<svg class=\"qr-code\""), "{page}");
    let secret = shown_secret(&page);
    let again = get_as(&site, SECOND_STEP, Some(&cookie)).await.text().await.unwrap();
    assert_eq!(shown_secret(&again), secret, "a reload shows the QR code already scanned");

    let wrong = if code_now(&secret) == "123456" { "654321" } else { "123456" };
    let refused = second_step_response(&site, &cookie, wrong).await;
    assert_eq!(refused.status(), StatusCode::UNAUTHORIZED);
    let refused = refused.text().await.unwrap();
    assert!(refused.contains("Deze code klopt niet.") && shown_secret(&refused) == secret, "the same key, with the error");

    let confirmed = second_step_response(&site, &cookie, &code_now(&secret)).await;
    assert_eq!(confirmed.status(), StatusCode::OK);
    assert_eq!(confirmed.headers()["cache-control"], "no-store, private");
    let signed_in = session_cookie(&confirmed).expect("signed in after the set-up");
    assert_ne!(signed_in, cookie);
    let codes_page = confirmed.text().await.unwrap();
    let recovery: Vec<String> = codes_page.split("<li><code>").skip(1).map(|rest| rest[..11].to_owned()).collect();
    assert_eq!(recovery.len(), 10, "ten recovery codes, shown once: {codes_page}");
    assert!(recovery.iter().all(|code| code.chars().nth(5) == Some('-')), "{recovery:?}");
    assert_eq!(get_as(&site, "/beheer", Some(&signed_in)).await.status(), StatusCode::OK);
    assert_eq!(get_as(&site, "/beheer", Some(&cookie)).await.status(), StatusCode::SEE_OTHER, "the halfway session is gone");
    let stored = store.second_factor(store.users().await.unwrap()[0].id).await.unwrap().unwrap();
    assert_eq!(stored.secret, secret);

    // The next sign-in asks for a code; the one used for the set-up does not work again.
    post_as(&site, "/uitloggen", Some(&signed_in)).await;
    let cookie = halfway(&site, ADMIN).await;
    let page = get_as(&site, SECOND_STEP, Some(&cookie)).await.text().await.unwrap();
    assert!(page.contains("<h1>Code invullen</h1>") && !page.contains("sleutel"), "no secret shown once set up");
    let replayed = second_step_response(&site, &cookie, &code_now(&secret)).await;
    assert_eq!(replayed.status(), StatusCode::UNAUTHORIZED, "a code works once");
    assert!(replayed.text().await.unwrap().contains("is al gebruikt"));

    // A recovery code opens once, typed in capitals without its dash.
    let by_recovery = second_step_response(&site, &cookie, &recovery[4].replace('-', "").to_uppercase()).await;
    assert_eq!(by_recovery.status(), StatusCode::SEE_OTHER);
    assert_eq!(by_recovery.headers()["location"], "/beheer");
    let cookie = halfway(&site, ADMIN).await;
    assert_eq!(second_step_response(&site, &cookie, &recovery[4]).await.status(), StatusCode::UNAUTHORIZED, "used up");
    assert_eq!(store.recovery_codes_left(stored_id(&store).await).await.unwrap(), 9);

    let entries = store.audit_entries(&Default::default()).await.unwrap();
    let recorded = actions(&entries);
    for action in ["login.password", "2fa.setup", "2fa.recovery_code", "login.second_factor_failed", "login"] {
        assert!(recorded.contains(&action), "{action} in the audit log: {recorded:?}");
    }
    assert!(entries.iter().all(|entry| !entry.target.contains(&secret.to_base32())), "the secret never reaches the log");
});

async fn stored_id(store: &Store) -> i64 {
    store.users().await.unwrap().into_iter().find(|user| user.email.as_str() == ADMIN).unwrap().id
}

both_backends!(wrong_codes_are_throttled_per_account_and_the_right_one_waits_too, async |store: Store| {
    let site = Site::start(&store, false).await;
    add_user(&store, ADMIN, Role::Admin, None).await;
    let cookie = halfway(&site, ADMIN).await;
    for _ in 0..5 {
        assert_eq!(second_step_response(&site, &cookie, "abcde-fghjk").await.status(), StatusCode::UNAUTHORIZED);
    }
    let limited = second_step_response(&site, &cookie, &fresh_code(&site, ADMIN).await).await;
    assert_eq!(limited.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(limited.headers().contains_key("retry-after"));
    assert!(limited.text().await.unwrap().contains("Te veel onjuiste codes. Probeer het over 15 minuten opnieuw."));
    let elsewhere = halfway(&site, ADMIN).await;
    let code = fresh_code(&site, ADMIN).await;
    assert_eq!(second_step_response(&site, &elsewhere, &code).await.status(), StatusCode::TOO_MANY_REQUESTS, "per account");
});

both_backends!(a_reset_of_the_second_factor_ends_the_sessions_and_asks_for_a_new_app, async |store: Store| {
    let site = Site::start(&store, false).await;
    add_user(&store, ADMIN, Role::Admin, None).await;
    let cookie = halfway(&site, ADMIN).await;
    let signed_in = session_cookie(&second_step_response(&site, &cookie, &fresh_code(&site, ADMIN).await).await).unwrap();
    assert_eq!(get_as(&site, "/beheer", Some(&signed_in)).await.status(), StatusCode::OK);
    store.reset_second_factor(&Email::parse(ADMIN).unwrap(), &by_command_line("2fa.reset")).await.unwrap();
    assert_eq!(get_as(&site, "/beheer", Some(&signed_in)).await.status(), StatusCode::SEE_OTHER, "its sessions ended");
    let cookie = halfway(&site, ADMIN).await;
    let page = get_as(&site, SECOND_STEP, Some(&cookie)).await.text().await.unwrap();
    assert!(page.contains("<h1>Tweestapsverificatie instellen</h1>"), "a new app is set up");
});

both_backends!(respondents_sign_in_with_a_password_alone, async |store: Store| {
    let site = Site::start(&store, false).await;
    add_user(&store, "respondent@amsterdam.nl", Role::Respondent, Some("GM0363")).await;
    let response = sign_in_response(&site, "respondent@amsterdam.nl", PASSWORD, None).await;
    assert_eq!(response.headers()["location"], "/mijn");
    let cookie = session_cookie(&response).unwrap();
    assert_eq!(get_as(&site, "/mijn", Some(&cookie)).await.status(), StatusCode::OK);
    let second = get_as(&site, SECOND_STEP, Some(&cookie)).await;
    assert_eq!(second.headers()["location"], "/mijn", "no second step to take");
});

both_backends!(failures_from_elsewhere_do_not_lock_the_owner_out, async |store: Store| {
    Site::start(&store, false).await;
    add_user(&store, ADMIN, Role::Admin, None).await;
    add_user(&store, "respondent@amsterdam.nl", Role::Respondent, Some("GM0363")).await;
    let trusting = inbeeld_web::AppState::new(store.clone()).trusting(vec!["127.0.0.1".parse().unwrap()]);
    let site = Site::serve(trusting).await;
    let sign_in_from = async |client: &str, email: &str, password: &str| {
        site.client
            .post(format!("{}/inloggen", site.base))
            .header("x-forwarded-for", client)
            .form(&[("email", email), ("wachtwoord", password), ("terug", "")])
            .send()
            .await
            .unwrap()
            .status()
    };
    for _ in 0..5 {
        assert_eq!(sign_in_from("203.0.113.7", ADMIN, "geraden wachtwoord").await, StatusCode::UNAUTHORIZED);
    }
    assert_eq!(sign_in_from("203.0.113.7", ADMIN, PASSWORD).await, StatusCode::TOO_MANY_REQUESTS, "the guesser waits");
    assert_eq!(sign_in_from("198.51.100.20", ADMIN, PASSWORD).await, StatusCode::SEE_OTHER, "the owner, elsewhere, does not");

    // Spraying guesses over many accounts from one address meets the limit per address.
    for attempt in 0..15 {
        let status = sign_in_from("192.0.2.99", &format!("gok{attempt}@instituut.nl"), "geraden wachtwoord").await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "attempt {attempt}");
    }
    for attempt in 15..20 {
        assert_eq!(sign_in_from("192.0.2.99", ADMIN, "geraden wachtwoord").await, StatusCode::UNAUTHORIZED, "attempt {attempt}");
    }
    assert_eq!(
        sign_in_from("192.0.2.99", "respondent@amsterdam.nl", PASSWORD).await,
        StatusCode::TOO_MANY_REQUESTS,
        "twenty failures from one address stop every account from there"
    );
    assert_eq!(sign_in_from("198.51.100.21", "respondent@amsterdam.nl", PASSWORD).await, StatusCode::SEE_OTHER);
});

both_backends!(an_admin_resets_a_colleagues_second_factor_in_the_browser, async |store: Store| {
    let site = Site::start(&store, false).await;
    add_user(&store, ADMIN, Role::Admin, None).await;
    add_user(&store, "analist@instituut.nl", Role::Analyst, None).await;
    let admin = support::sign_in(&site, ADMIN).await;
    let analyst = support::sign_in(&site, "analist@instituut.nl").await;
    let id = store.users().await.unwrap().into_iter().find(|user| user.email.as_str() == "analist@instituut.nl").unwrap().id;
    let page = get_as(&site, &format!("/beheer/gebruikers/{id}"), Some(&admin)).await.text().await.unwrap();
    assert!(page.contains("<h2>Tweestapsverificatie</h2>") && page.contains("Tweestapsverificatie opnieuw instellen"), "{page}");
    assert!(page.contains("<title>analist@instituut.nl · Accounts · inbeeld</title>"), "{page}");

    let post = async |form: &[(&str, &str)]| {
        let address = format!("{}/beheer/gebruikers/{id}/tweestaps", site.base);
        site.client.post(address).header("cookie", &admin).form(form).send().await.unwrap()
    };
    assert_eq!(post(&[("x", "")]).await.status(), StatusCode::BAD_REQUEST, "only when confirmed");
    assert!(store.second_factor(id).await.unwrap().is_some());
    let reset = post(&[("bevestig", "ja")]).await;
    assert_eq!(reset.status(), StatusCode::SEE_OTHER);
    assert_eq!(reset.headers()["location"].to_str().unwrap(), format!("/beheer/gebruikers/{id}?melding=tweestaps"));
    assert!(store.second_factor(id).await.unwrap().is_none());
    assert_eq!(get_as(&site, "/mijn", Some(&analyst)).await.status(), StatusCode::SEE_OTHER, "the colleague is signed out");
    let page = get_as(&site, &format!("/beheer/gebruikers/{id}?melding=tweestaps"), Some(&admin)).await.text().await.unwrap();
    assert!(page.contains("De tweestapsverificatie is verwijderd") && page.contains("Nog niet ingesteld"), "{page}");
    let entries = store.audit_entries(&store::AuditFilter { action: Some("2fa.reset".into()), ..Default::default() }).await.unwrap();
    assert!(entries.iter().any(|entry| entry.target == "analist@instituut.nl" && entry.actor.contains(ADMIN)), "by whom, for whom");
});
