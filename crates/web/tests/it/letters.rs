//! The monitor team sends a wave's letters from its page: the request queues a job and leads to the job's page,
//! which asks the browser to load it again every few seconds (no script) until a worker has sent every letter; a
//! paused job says why, and when it goes on.

use std::sync::Arc;

use app::outreach::{DeliverySettings, Left, Worker};
use chrono::{TimeDelta, Utc};
use domain::account::Role;
use domain::fieldwork::delivery::Pace;
use domain::register::OrgCode;
use mail::{Mailer, MailerConfig};
use reqwest::StatusCode;
use store::testing::author;
use store::{Contact, JobId, Store, both_backends};

use crate::support::{self, Site, add_user, get_as, sign_in};

const JOB_PAGE: &str = "/beheer/metingen/eerste-meting/brieven/1";

fn outbox_mailer(dir: &std::path::Path) -> Mailer {
    Mailer::new(&MailerConfig::Outbox { dir: dir.to_owned() }, "Monitorteam inbeeld <monitor@inbeeld.example>").unwrap()
}

async fn post_form(site: &Site, path: &str, cookie: &str, form: &[(&str, &str)]) -> reqwest::Response {
    site.client.post(format!("{}{path}", site.base)).header("cookie", cookie).form(form).send().await.unwrap()
}

both_backends!(the_team_queues_letters_and_follows_the_job_until_they_are_sent, async |store: Store| {
    let outbox = tempfile::tempdir().unwrap();
    let site = Site::start_mailing(&store, outbox_mailer(outbox.path())).await;
    support::store_open_wave(&store).await;
    let contacts = [
        Contact { organisation: OrgCode::parse("GM0363").unwrap(), name: String::new(), email: "info@amsterdam.example".into() },
        Contact { organisation: OrgCode::parse("GM0457").unwrap(), name: String::new(), email: "info@weesp.example".into() },
    ];
    store.import_contacts(&contacts, &author()).await.unwrap();
    add_user(&store, "beheer@instituut.nl", Role::Admin, None).await;
    let admin = sign_in(&site, "beheer@instituut.nl").await;

    let queued = post_form(&site, "/beheer/metingen/eerste-meting/brieven", &admin, &[("soort", "uitnodiging")]).await;
    assert_eq!(queued.status(), StatusCode::SEE_OTHER);
    assert_eq!(queued.headers()["location"], JOB_PAGE, "the request returns at once, to the job's page");
    assert_eq!(std::fs::read_dir(outbox.path()).unwrap().count(), 0, "nothing is sent inside the request");

    let waiting = get_as(&site, JOB_PAGE, Some(&admin)).await;
    assert_eq!(waiting.status(), StatusCode::OK);
    assert_eq!(waiting.headers()["refresh"], "5", "the page loads itself again while the job is not done");
    let page = waiting.text().await.unwrap();
    assert!(page.contains("Verzending 1: uitnodigingen"), "{page}");
    assert!(page.contains("Staat klaar; de server begint zo."), "{page}");
    assert!(page.contains("<dt>Wachtend</dt><dd>2</dd>"), "{page}");
    assert!(page.contains("href=\"?verversen=nee\""), "the reader can stop the refreshing: {page}");
    let still = get_as(&site, &format!("{JOB_PAGE}?verversen=nee"), Some(&admin)).await;
    assert!(still.headers().get("refresh").is_none(), "not once it is turned off");

    let settings = DeliverySettings { pace: Pace::FASTEST, ..DeliverySettings::new("https://inbeeld.example") };
    let worker = Worker::new(store.clone(), Arc::new(outbox_mailer(outbox.path())), settings);
    let (_keep, stop) = tokio::sync::watch::channel(false);
    let job = worker.claim(None).await.unwrap().expect("the queued job");
    assert_eq!(worker.work(&job, &stop, &mut |_| {}).await.unwrap(), Left::Done);

    let done = get_as(&site, JOB_PAGE, Some(&admin)).await;
    assert!(done.headers().get("refresh").is_none(), "a job that is done needs no refreshing");
    let page = done.text().await.unwrap();
    assert!(page.contains("Klaar sinds"), "{page}");
    assert!(page.contains("<dt>Verstuurd</dt><dd>2</dd>"), "{page}");
    assert_eq!(std::fs::read_dir(outbox.path()).unwrap().count(), 2);
    let wave_page = get_as(&site, "/beheer/metingen/eerste-meting", Some(&admin)).await.text().await.unwrap();
    assert!(wave_page.contains(&format!("href=\"{JOB_PAGE}\">Verzending 1</a>")), "the wave's page links its jobs");

    let again = post_form(&site, "/beheer/metingen/eerste-meting/brieven", &admin, &[("soort", "uitnodiging")]).await;
    assert_eq!(again.status(), StatusCode::OK, "nothing to queue: the wave's page says why");
    let page = again.text().await.unwrap();
    assert!(page.contains("Er zijn geen uitnodigingen klaargezet. 2 gemeenten zijn al uitgenodigd."), "{page}");

    // Reminders whose mail server refuses for now: the job pauses and its page says until when.
    let reminders = post_form(&site, "/beheer/metingen/eerste-meting/brieven", &admin, &[("soort", "herinnering"), ("dagen", "0")]).await;
    assert_eq!(reminders.headers()["location"], "/beheer/metingen/eerste-meting/brieven/2");
    let lease = Utc::now() + TimeDelta::seconds(60);
    let held = store.claim_job("a worker", Some(JobId(2)), lease).await.unwrap().unwrap();
    let note = "De mailserver weigert op dit moment of is onbereikbaar (451 4.7.1 rate limit exceeded).";
    store.release_job(held.id, "a worker", Utc::now() + TimeDelta::minutes(10), note, true).await.unwrap();
    let paused = get_as(&site, "/beheer/metingen/eerste-meting/brieven/2", Some(&admin)).await;
    assert_eq!(paused.headers()["refresh"], "5");
    let page = paused.text().await.unwrap();
    assert!(page.contains("Verzending 2: herinneringen"), "{page}");
    assert!(page.contains("Gepauzeerd (pauze 1); volgende poging om"), "{page}");
    assert!(page.contains("451 4.7.1 rate limit exceeded"), "{page}");

    let elsewhere = get_as(&site, "/beheer/metingen/vervolgmeting/brieven/1", Some(&admin)).await;
    assert_eq!(elsewhere.status(), StatusCode::NOT_FOUND, "a job is found under its own wave only");
});
