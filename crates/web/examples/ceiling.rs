//! The ceiling of a load test: a bare axum handler that answers every request with the same 32 KB page, with none
//! of the site's layers. `bench/load.sh` runs it beside `inbeeld serve` so that the site's figures can be read
//! against what this machine can do at all.
//!
//! ```text
//! cargo run --release -p inbeeld-web --example ceiling -- 127.0.0.1:8788
//! ```

use axum::Router;
use axum::response::Html;
use axum::routing::get;

const PAGE_BYTES: usize = 32 * 1024;

#[tokio::main]
async fn main() -> std::io::Result<()> {
    let address = std::env::args().nth(1).unwrap_or_else(|| "127.0.0.1:8788".to_owned());
    let line = "<p>inbeeld: e-overheid in beeld bij gemeenten.</p>\n";
    let page: &'static str = Box::leak(line.repeat(PAGE_BYTES / line.len() + 1)[..PAGE_BYTES].to_owned().into_boxed_str());
    let app = Router::new().route("/", get(move || async move { Html(page) }));
    let listener = tokio::net::TcpListener::bind(&address).await?;
    axum::serve(listener, app).await
}
