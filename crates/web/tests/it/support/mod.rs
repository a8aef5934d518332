//! A real server on loopback over a fresh database, and a client that does not follow redirects, so that tests
//! see exactly what a browser would be told.

#![allow(clippy::unwrap_used, clippy::expect_used)] // a test that cannot go on should stop loudly

use domain::account::{Email, NewUser, Password, Role, TotpSecret};
use domain::audit::{Actor, Change, Origin};
use domain::register::OrgCode;
use reqwest::{Response, StatusCode};
use serde_json::Value;
use store::Store;
use store::testing::author;

pub const PASSWORD: &str = "een lange zin als wachtwoord";
/// The authenticator secret every staff account of the tests has (base32 of twenty bytes).
pub const TOTP_SECRET: &str = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP";
pub const SECOND_STEP: &str = "/inloggen/tweede-stap";

pub struct Site {
    pub base: String,
    pub client: reqwest::Client,
}

impl Site {
    /// Serves `store`, filled with the demo data unless `empty`, on a free port.
    pub async fn start(store: &Store, empty: bool) -> Site {
        if !empty {
            app::demo::store_reference_data(store, &domain::demo::data().unwrap(), &author()).await.unwrap();
        }
        Self::serve(inbeeld_web::AppState::new(store.clone())).await
    }

    /// As `start` with the demo data, with letters going to `mailer`.
    pub async fn start_mailing(store: &Store, mailer: mail::Mailer) -> Site {
        app::demo::store_reference_data(store, &domain::demo::data().unwrap(), &author()).await.unwrap();
        Self::serve(inbeeld_web::AppState::new(store.clone()).with_mailer(mailer)).await
    }

    /// As `start` with the demo data, on a site whose public URL is its own address, so that the absolute
    /// addresses it writes can be fetched.
    pub async fn start_at_own_url(store: &Store) -> Site {
        app::demo::store_reference_data(store, &domain::demo::data().unwrap(), &author()).await.unwrap();
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        Self::listen(listener, base.clone(), inbeeld_web::AppState::with_public_url(store.clone(), &base))
    }

    /// Serves the site with the given state on a free port.
    pub async fn serve(state: inbeeld_web::AppState) -> Site {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        Self::listen(listener, base, state)
    }

    fn listen(listener: tokio::net::TcpListener, base: String, state: inbeeld_web::AppState) -> Site {
        let app = inbeeld_web::router(state);
        tokio::spawn(async move { axum::serve(listener, app.into_make_service_with_connect_info::<std::net::SocketAddr>()).await });
        Site { base, client: reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap() }
    }

    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.client.get(format!("{}{path}", self.base)).send().await.unwrap()
    }

    pub async fn page(&self, path: &str) -> String {
        let response = self.get(path).await;
        assert_eq!(response.status(), StatusCode::OK, "{path}");
        assert!(response.headers()["content-type"].to_str().unwrap().starts_with("text/html"), "{path}");
        response.text().await.unwrap()
    }

    pub async fn json(&self, path: &str) -> Value {
        let response = self.get(path).await;
        assert_eq!(response.status(), StatusCode::OK, "{path}");
        assert_eq!(response.headers()["api-version"], "1.0.0");
        response.json().await.unwrap()
    }

    pub async fn problem(&self, path: &str, status: StatusCode) -> Value {
        let response = self.get(path).await;
        assert_eq!(response.status(), status, "{path}");
        assert_eq!(response.headers()["content-type"], "application/problem+json", "{path}");
        response.json().await.unwrap()
    }
}

pub async fn add_user(store: &Store, email: &str, role: Role, organisation: Option<&str>) {
    let email = Email::parse(email).unwrap();
    let hash = Password::new(PASSWORD, &email).unwrap().hash().unwrap();
    let new = NewUser::new(email.clone(), role, organisation.map(|c| OrgCode::parse(c).unwrap())).unwrap();
    let change = Change {
        actor: Actor::CommandLine { os_user: "test".into() },
        origin: Origin::default(),
        action: "user.add",
        target: email.to_string(),
        before: None,
        after: None,
    };
    let user = store.add_user(&new, &hash, &change).await.unwrap();
    if role.needs_second_factor() {
        let secret = TotpSecret::from_base32(TOTP_SECRET).unwrap();
        store.confirm_second_factor(user.id, &secret, 0, &[], &Change { action: "2fa.setup", ..change }).await.unwrap();
    }
}

/// A code of the test secret that the server has not seen yet for `email` on `site`. A code works once, so a
/// second sign-in of the same account within a time step takes the next step's code, and a third waits for it.
pub async fn fresh_code(site: &Site, email: &str) -> String {
    use std::collections::HashMap;
    use std::sync::{LazyLock, Mutex};
    static USED: LazyLock<Mutex<HashMap<String, i64>>> = LazyLock::new(Mutex::default);
    let key = format!("{} {}", site.base, email.to_lowercase());
    let secret = TotpSecret::from_base32(TOTP_SECRET).unwrap();
    loop {
        let now = chrono::Utc::now();
        let step = now.timestamp() / 30;
        // The step before is left out: by the time the server checks, it may be two steps old.
        let chosen = {
            let mut used = USED.lock().unwrap();
            let last = used.get(&key).copied().unwrap_or(0);
            let chosen = [step, step + 1].into_iter().find(|candidate| *candidate > last);
            if let Some(chosen) = chosen {
                used.insert(key.clone(), chosen);
            }
            chosen
        };
        if let Some(chosen) = chosen {
            return secret.code_at(chrono::DateTime::from_timestamp(chosen * 30, 0).unwrap()).unwrap();
        }
        tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    }
}

/// Gives the second step of a halfway session (`cookie`) for `email`; the response of that step.
pub async fn second_step_response(site: &Site, cookie: &str, code: &str) -> Response {
    site.client
        .post(format!("{}{SECOND_STEP}", site.base))
        .header("cookie", cookie)
        .form(&[("code", code), ("terug", "")])
        .send()
        .await
        .unwrap()
}

pub fn session_cookie(response: &Response) -> Option<String> {
    response
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with("inbeeld_sessie=") && !v.starts_with("inbeeld_sessie=;"))
        .map(|v| v.split(';').next().unwrap().to_owned())
}

pub async fn sign_in_response(site: &Site, email: &str, password: &str, cookie: Option<&str>) -> Response {
    let mut request =
        site.client.post(format!("{}/inloggen", site.base)).form(&[("email", email), ("wachtwoord", password), ("terug", "")]);
    if let Some(cookie) = cookie {
        request = request.header("cookie", cookie);
    }
    request.send().await.unwrap()
}

/// Signs in, with the second step where the account has one, and returns the session cookie (`name=value`).
pub async fn sign_in(site: &Site, email: &str) -> String {
    let response = sign_in_response(site, email, PASSWORD, None).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER, "{email} signs in");
    let cookie = session_cookie(&response).expect("a session cookie");
    if !response.headers()["location"].to_str().unwrap().starts_with(SECOND_STEP) {
        return cookie;
    }
    let code = fresh_code(site, email).await;
    let response = second_step_response(site, &cookie, &code).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER, "{email} gives the second step");
    session_cookie(&response).expect("a session cookie after the second step")
}

pub async fn get_as(site: &Site, path: &str, cookie: Option<&str>) -> Response {
    let mut request = site.client.get(format!("{}{path}", site.base));
    if let Some(cookie) = cookie {
        request = request.header("cookie", cookie);
    }
    request.send().await.unwrap()
}

pub async fn post_as(site: &Site, path: &str, cookie: Option<&str>) -> Response {
    let mut request = site.client.post(format!("{}{path}", site.base)).form(&[("x", "")]);
    if let Some(cookie) = cookie {
        request = request.header("cookie", cookie);
    }
    request.send().await.unwrap()
}

/// A download: its status, type and file name checked, its bytes returned.
pub async fn download(site: &Site, path: &str, content_type: &str, file_name: &str) -> Vec<u8> {
    let response = site.get(path).await;
    assert_eq!(response.status(), StatusCode::OK, "{path}");
    assert_eq!(response.headers()["content-type"], content_type, "{path}");
    assert_eq!(response.headers()["content-disposition"].to_str().unwrap(), format!("attachment; filename=\"{file_name}\""));
    response.bytes().await.unwrap().to_vec()
}

/// The CSV as a header and rows of cells, read by a CSV reader.
pub fn read_csv(bytes: &[u8]) -> (Vec<String>, Vec<std::collections::BTreeMap<String, String>>) {
    let mut reader = csv::Reader::from_reader(bytes);
    let header: Vec<String> = reader.headers().unwrap().iter().map(str::to_owned).collect();
    let rows = reader.records().map(|r| header.iter().cloned().zip(r.unwrap().iter().map(str::to_owned)).collect()).collect();
    (header, rows)
}

/// Stores one of the demo's simulated waves as `inbeeld demo` does (`app::demo::store_simulated_wave`: the
/// questionnaire, the wave, every response submitted) and moves it on to `state`. The demo's register and catalogues
/// must be there (`Site::start`).
pub async fn store_demo_wave(store: &Store, simulated: &domain::demo::SimulatedWave<'_>, state: domain::fieldwork::WaveState) {
    let demo = domain::demo::data().unwrap();
    app::demo::store_simulated_wave(store, &demo, simulated, state, &author()).await.unwrap();
}

/// Stores the demo's questionnaire, as `inbeeld demo` does.
pub async fn import_demo_questionnaire(store: &Store) {
    app::demo::store_questionnaire(store, &domain::demo::data().unwrap(), &author()).await.unwrap();
}

/// The shipped questionnaire and an open wave `eerste-meting` of October 2010 to March 2011 on the NUP 2008
/// catalogue (which the demo data holds).
pub async fn store_open_wave(store: &Store) {
    const QUESTIONNAIRE: &str = include_str!("../../../../../data/questionnaires/eerste-meting-2010.toml");
    let questionnaire = domain::questionnaire::parse_questionnaire_toml(QUESTIONNAIRE, "eerste-meting-2010.toml").unwrap();
    store.import_questionnaire(&questionnaire.id, &questionnaire.version, &questionnaire.title.nl, QUESTIONNAIRE, &author()).await.unwrap();
    let wave = domain::fieldwork::NewWave {
        id: domain::fieldwork::WaveId::parse("eerste-meting").unwrap(),
        title: "Eerste meting".into(),
        catalogue_id: "nup-2008".into(),
        catalogue_version: "2008".into(),
        questionnaire_id: questionnaire.id.clone(),
        opens_on: "2010-10-01".parse().unwrap(),
        closes_on: "2011-03-31".parse().unwrap(),
    };
    let draft = store.create_wave(&wave, false, &author()).await.unwrap();
    store.set_wave_state(&draft, domain::fieldwork::WaveState::Open, &author()).await.unwrap();
}

/// A custom document property of an XLSX file (`docProps/custom.xml`), as a spreadsheet's file information shows it.
pub fn xlsx_custom_property(bytes: &[u8], name: &str) -> Option<String> {
    use std::io::Read;
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let mut xml = String::new();
    archive.by_name("docProps/custom.xml").ok()?.read_to_string(&mut xml).unwrap();
    let pattern = format!("name=\"{name}\"><vt:lpwstr>");
    let start = xml.find(&pattern)? + pattern.len();
    let rest = &xml[start..];
    Some(rest[..rest.find('<')?].to_owned())
}
