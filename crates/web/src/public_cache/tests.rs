//! The cache between a route and its handler, on a real SQLite database: a handler that counts how often it is
//! asked shows how often an answer is written.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode};
use axum::routing::get;
use domain::audit::{Actor, Author, Origin};
use domain::data_version::{Data, Shows, WavesShown};
use serde::{Deserialize, Serialize};
use store::Store;
use store::testing::{TestDatabase, fresh};
use tower::ServiceExt;

use super::{Cached, keep, provide};
use crate::AppState;

const REGISTER: Shows = Shows { data: &[Data::Register], waves: WavesShown::None };

#[derive(Deserialize, Serialize)]
struct SearchQuery {
    zoek: Option<String>,
}

struct Counted {
    app: Router,
    written: Arc<AtomicUsize>,
    /// The most answers that were being written at the same moment.
    most_at_once: Arc<AtomicUsize>,
    store: Store,
    _database: TestDatabase,
}

/// A route that shows the register, whose handler takes a moment and answers `size` bytes.
async fn counted(budget: u64, size: usize) -> Counted {
    let (store, database) = fresh(store::Backend::Sqlite).await.unwrap_or_else(|e| panic!("{e}"));
    let written = Arc::new(AtomicUsize::new(0));
    let most_at_once = Arc::new(AtomicUsize::new(0));
    let writing = Arc::new(AtomicUsize::new(0));
    let (counter, most) = (Arc::clone(&written), Arc::clone(&most_at_once));
    let handler = get(move || {
        let (counter, most, writing) = (Arc::clone(&counter), Arc::clone(&most), Arc::clone(&writing));
        async move {
            counter.fetch_add(1, Ordering::SeqCst);
            most.fetch_max(writing.fetch_add(1, Ordering::SeqCst) + 1, Ordering::SeqCst);
            tokio::time::sleep(Duration::from_millis(20)).await;
            writing.fetch_sub(1, Ordering::SeqCst);
            "x".repeat(size)
        }
    });
    let state = AppState::new(store.clone()).with_cache_budget(budget);
    let renaming = store.clone();
    let rename = axum::routing::post(move || {
        let store = renaming.clone();
        async move {
            store.record(&author().change("organisation.update", "GM0363".into(), None, None)).await.unwrap_or_else(|e| panic!("{e}"));
            StatusCode::SEE_OTHER
        }
    });
    let app = Router::new()
        .route("/gemeenten", keep(Cached::new::<SearchQuery>(REGISTER), handler))
        .route("/beheer/hernoemen", rename)
        .layer(axum::middleware::from_fn_with_state(state.clone(), provide))
        .with_state(state);
    Counted { app, written, most_at_once, store, _database: database }
}

fn author() -> Author {
    Author::new(Actor::CommandLine { os_user: "test".into() }, Origin::default())
}

async fn get_body(app: &Router, uri: &str) -> String {
    let request = Request::get(uri).body(Body::empty()).unwrap_or_else(|e| panic!("{e}"));
    let response = app.clone().oneshot(request).await.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(response.status(), StatusCode::OK, "{uri}");
    let bytes = axum::body::to_bytes(response.into_body(), usize::MAX).await.unwrap_or_else(|e| panic!("{e}"));
    String::from_utf8_lossy(&bytes).into_owned()
}

#[tokio::test]
async fn many_requests_at_once_for_one_page_write_it_once() {
    let site = counted(super::DEFAULT_BUDGET_BYTES, 1000).await;
    let requests: Vec<_> = (0..50)
        .map(|_| {
            tokio::spawn({
                let app = site.app.clone();
                async move { get_body(&app, "/gemeenten").await }
            })
        })
        .collect();
    for request in requests {
        assert_eq!(request.await.unwrap_or_else(|e| panic!("{e}")).len(), 1000);
    }
    assert_eq!(site.written.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn unknown_parameters_make_no_new_pages_and_known_ones_do() {
    let site = counted(super::DEFAULT_BUDGET_BYTES, 1000).await;
    for n in 0..200 {
        get_body(&site.app, &format!("/gemeenten?utm_source={n}&r={}", n * 7)).await;
    }
    assert_eq!(site.written.load(Ordering::SeqCst), 1, "one page for every query the route does not read");
    for n in 0..5 {
        get_body(&site.app, &format!("/gemeenten?zoek=plaats{n}")).await;
        get_body(&site.app, &format!("/gemeenten?zoek=plaats{n}&utm_source=x")).await;
    }
    assert_eq!(site.written.load(Ordering::SeqCst), 6, "one page per search");
}

#[tokio::test]
async fn a_page_is_written_again_after_a_change_to_what_it_shows_only() {
    let site = counted(super::DEFAULT_BUDGET_BYTES, 1000).await;
    get_body(&site.app, "/gemeenten").await;
    let author = author();
    let recheck = || tokio::time::sleep(Duration::from_millis(300));

    site.store
        .record(&author.change("login.password", "iemand@inbeeld.example".into(), None, None))
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    site.store.record(&author.change("article.edit", "digid".into(), None, None)).await.unwrap_or_else(|e| panic!("{e}"));
    recheck().await;
    get_body(&site.app, "/gemeenten").await;
    assert_eq!(site.written.load(Ordering::SeqCst), 1, "signing in and an article are not what the register shows");

    site.store.record(&author.change("organisation.update", "GM0363".into(), None, None)).await.unwrap_or_else(|e| panic!("{e}"));
    recheck().await;
    get_body(&site.app, "/gemeenten").await;
    get_body(&site.app, "/gemeenten").await;
    assert_eq!(site.written.load(Ordering::SeqCst), 2, "the register changed: written again, once");
}

#[tokio::test]
async fn an_answer_too_large_to_keep_is_sent_whole_and_not_kept() {
    // A budget of 16 kB keeps answers up to 1 kB.
    let site = counted(16 * 1024, 5000).await;
    for _ in 0..3 {
        assert_eq!(get_body(&site.app, "/gemeenten").await.len(), 5000);
    }
    assert_eq!(site.written.load(Ordering::SeqCst), 3);
}

#[tokio::test]
async fn whoever_changes_something_through_the_site_sees_it_on_the_next_page_at_once() {
    let site = counted(super::DEFAULT_BUDGET_BYTES, 1000).await;
    get_body(&site.app, "/gemeenten").await;
    let request = Request::post("/beheer/hernoemen").body(Body::empty()).unwrap_or_else(|e| panic!("{e}"));
    let renamed = site.app.clone().oneshot(request).await.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(renamed.status(), StatusCode::SEE_OTHER);
    get_body(&site.app, "/gemeenten").await;
    assert_eq!(site.written.load(Ordering::SeqCst), 2, "written again without waiting for the next look at the versions");
}

#[tokio::test]
async fn the_first_answer_is_sent_at_once_and_kept_compressed_afterwards() {
    let site = counted(super::DEFAULT_BUDGET_BYTES, 100_000).await;
    let encoding = |app: Router| async move {
        let request =
            Request::get("/gemeenten").header("accept-encoding", "br, gzip").body(Body::empty()).unwrap_or_else(|e| panic!("{e}"));
        let response = app.oneshot(request).await.unwrap_or_else(|e| panic!("{e}"));
        response.headers().get("content-encoding").map(|value| value.to_str().unwrap_or_default().to_owned())
    };
    // This router has no compression layer of its own: the first answer arrives as it was written.
    assert_eq!(encoding(site.app.clone()).await, None, "not kept compressed before it was first sent");
    let mut waited = 0;
    while encoding(site.app.clone()).await.is_none() {
        assert!(waited < 200, "the kept answer was never compressed");
        waited += 1;
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(encoding(site.app.clone()).await.as_deref(), Some("br"));
    assert_eq!(site.written.load(Ordering::SeqCst), 1, "compressing does not write the answer again");
}

#[tokio::test]
async fn new_pages_wait_their_turn_and_a_kept_page_does_not_wait_for_them() {
    let site = counted(super::DEFAULT_BUDGET_BYTES, 1000).await;
    get_body(&site.app, "/gemeenten").await;
    let searches: Vec<_> = (0..20)
        .map(|n| {
            let app = site.app.clone();
            tokio::spawn(async move { get_body(&app, &format!("/gemeenten?zoek=plaats{n}")).await })
        })
        .collect();
    tokio::time::sleep(Duration::from_millis(5)).await;
    get_body(&site.app, "/gemeenten").await;
    let written_meanwhile = site.written.load(Ordering::SeqCst) - 1;
    assert!(written_meanwhile < 20, "the kept page waited for all {written_meanwhile} new ones");
    for search in searches {
        search.await.unwrap_or_else(|e| panic!("{e}"));
    }
    let cores = std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get);
    let most = site.most_at_once.load(Ordering::SeqCst);
    assert!(most <= cores.saturating_sub(1).max(1), "{most} answers were written at once on {cores} cores");
    assert_eq!(site.written.load(Ordering::SeqCst), 21);
}
