//! A submission that the site acknowledged survives the server process being killed right after: the real binary
//! serves a real SQLite file, a respondent answers and submits over HTTP, the process is killed without warning,
//! and the answers are read back from the file.

use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use domain::fieldwork::{ResponseState, WaveId};
use domain::register::OrgCode;
use store::Store;

fn inbeeld(database: &str, args: &[&str]) -> String {
    let output =
        Command::new(env!("CARGO_BIN_EXE_inbeeld")).args(args).env("DATABASE_URL", database).env("INBEELD_LOG", "warn").output().unwrap();
    assert!(output.status.success(), "inbeeld {args:?}: {}", String::from_utf8_lossy(&output.stderr));
    String::from_utf8(output.stdout).unwrap()
}

pub(crate) fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

/// Kills the server when the test ends, however it ends.
pub(crate) struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// `inbeeld serve` on `port` of loopback, with `more` arguments, once it is ready.
pub(crate) async fn start(database: &str, port: u16, more: &[&str]) -> Server {
    let child = Command::new(env!("CARGO_BIN_EXE_inbeeld"))
        .args(["serve", "--addr", &format!("127.0.0.1:{port}")])
        .args(more)
        .env("DATABASE_URL", database)
        .env("INBEELD_LOG", "warn")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let server = Server(child);
    let deadline = Instant::now() + Duration::from_secs(30);
    while Instant::now() < deadline {
        if reqwest::get(format!("http://127.0.0.1:{port}/health/ready")).await.is_ok_and(|r| r.status().is_success()) {
            return server;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("the server did not come up");
}

/// The revision the form carries, as the page shows it.
pub(crate) fn revision_on(page: &str) -> String {
    let start = page.find("name=\"revisie\" value=\"").expect("the form carries its revision") + "name=\"revisie\" value=\"".len();
    page[start..].chars().take_while(char::is_ascii_digit).collect()
}

/// The demo and an open wave `proef` of the first wave's questionnaire; returns Amsterdam's personal link on `base`.
pub(crate) fn demo_with_open_wave(database: &str, base: &str) -> String {
    inbeeld(database, &["demo"]);
    let opens = ["--opens", "2026-10-01", "--closes", "2027-03-31"];
    let create =
        ["wave", "create", "--id", "proef", "--title", "Proef", "--catalogue", "nup-2008", "--questionnaire", "eerste-meting-2010"];
    inbeeld(database, &[&create[..], &opens[..]].concat());
    inbeeld(database, &["wave", "open", "proef"]);
    inbeeld(database, &["invite", "--organisation", "GM0363", "--public-url", base]).trim().to_owned()
}

/// Follows a personal link; returns the session cookie it sets.
pub(crate) async fn signed_in(client: &reqwest::Client, link: &str) -> String {
    let opened = client.get(link).send().await.unwrap();
    assert_eq!(opened.status(), 303);
    opened.headers()["set-cookie"].to_str().unwrap().split(';').next().unwrap().to_owned()
}

#[tokio::test(flavor = "multi_thread")]
async fn an_acknowledged_submission_survives_killing_the_server() {
    let folder = tempfile::tempdir().unwrap();
    let database = format!("sqlite://{}", folder.path().join("durable.sqlite").display());
    let port = free_port();
    let base = format!("http://127.0.0.1:{port}");
    let link = demo_with_open_wave(&database, &base);

    let mut server = start(&database, port, &[]).await;
    let client = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
    let cookie = signed_in(&client, &link).await;

    let form = format!("{base}/invullen/proef/GM0363");
    let blocks = store_blocks(&database).await;
    let mut pages: Vec<(&str, Vec<(String, String)>)> = vec![
        ("thema", vec![("leading_theme".into(), "dienstverlening".into())]),
        ("bouwstenen", blocks.iter().map(|code| (format!("blocks.{code}.status"), "in_use".to_owned())).collect()),
        ("ondersteuning", vec![("collective_support".into(), "ja".into())]),
        ("samenwerking", vec![("collaborates".into(), "nee".into()), ("future_collaboration".into(), "nee".into())]),
        ("contact", vec![("contact_name".into(), "A. de Vries".into()), ("contact_email".into(), "a.devries@amsterdam.nl".into())]),
    ];
    for (name, fields) in &mut pages {
        let page = client.get(format!("{form}/pagina/{name}")).header("cookie", &cookie).send().await.unwrap().text().await.unwrap();
        fields.push(("revisie".into(), revision_on(&page)));
        fields.push(("actie".into(), "volgende".into()));
        let saved = client.post(format!("{form}/pagina/{name}")).header("cookie", &cookie).form(&fields).send().await.unwrap();
        assert_eq!(saved.status(), 303, "page {name} is complete");
    }
    let overview = client.get(&form).header("cookie", &cookie).send().await.unwrap().text().await.unwrap();
    let submitted = client
        .post(format!("{form}/indienen"))
        .header("cookie", &cookie)
        .form(&[("revisie", revision_on(&overview))])
        .send()
        .await
        .unwrap();
    assert_eq!(submitted.status(), 303, "the submission is acknowledged");
    assert!(submitted.headers()["location"].to_str().unwrap().ends_with("?ingediend=1"));

    server.0.kill().unwrap();
    server.0.wait().unwrap();

    let store = Store::connect(&database).await.unwrap();
    let response = store.response(&WaveId::parse("proef").unwrap(), &OrgCode::parse("GM0363").unwrap()).await.unwrap().unwrap();
    assert_eq!(response.state, ResponseState::Submitted, "what was acknowledged is in the file");
    assert!(response.answers.contains_key("contact_email"));
}

async fn store_blocks(database: &str) -> Vec<String> {
    let store = Store::connect(database).await.unwrap();
    let blocks = store.catalogue("nup-2008", None).await.unwrap().blocks.into_iter().map(|b| b.code).collect();
    store.close().await;
    blocks
}
