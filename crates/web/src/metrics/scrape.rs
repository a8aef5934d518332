//! `/metrics` for Prometheus, on an address of its own that the binary binds (`--metrics-addr`): the figures of
//! a process are for its operator, never for the public site, so this router shares nothing with the site's.

use axum::Router;
use axum::http::header;
use axum::routing::get;
use store::Store;

/// The Prometheus text format's media type.
const TEXT_FORMAT: &str = "text/plain; version=0.0.4; charset=utf-8";

/// Serves `GET /metrics`: the gauges read at scrape time are set from `store`, then `render` writes every metric
/// in the Prometheus text format. Any other path is not found.
pub fn router<R>(store: Store, render: R) -> Router
where
    R: Fn() -> String + Clone + Send + Sync + 'static,
{
    let scrape = move || {
        let (store, render) = (store.clone(), render.clone());
        async move {
            read_at_scrape(&store).await;
            ([(header::CONTENT_TYPE, TEXT_FORMAT)], render())
        }
    };
    Router::new().route("/metrics", get(scrape))
}

/// Sets what is read when the metrics are scraped rather than counted as it happens. It takes the store so that
/// each further reading is one more line here.
async fn read_at_scrape(store: &Store) {
    store.record_pool_status();
    if let Err(error) = store.record_job_counts().await {
        // The scrape still answers with the rest: a database that does not answer shows in the pool's gauges.
        tracing::warn!(error = %error, "the job counts could not be read for the metrics");
    }
}
