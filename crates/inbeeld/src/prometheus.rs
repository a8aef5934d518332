//! The operator's metrics: the Prometheus recorder, installed only when `serve` is given `--metrics-addr` (so that
//! no other command keeps figures nobody reads), and `/metrics` served on that address alone.

use std::net::SocketAddr;
use std::time::Duration;

use anyhow::Context;
use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};
use store::Store;
use tokio::task::JoinHandle;

/// How often the durations recorded since the last time are folded into their buckets: without it they pile up in
/// memory until the next scrape, however long Prometheus stays away.
const UPKEEP: Duration = Duration::from_secs(5);

/// Installs the recorder and serves `/metrics` on `addr` until the returned task is aborted.
pub async fn serve(addr: SocketAddr, store: &Store) -> anyhow::Result<JoinHandle<()>> {
    let listener = tokio::net::TcpListener::bind(addr).await.with_context(|| format!("cannot listen for metrics on {addr}"))?;
    let bound = listener.local_addr().with_context(|| format!("cannot listen for metrics on {addr}"))?;
    let handle = install()?;
    let router = web::metrics::router(store.clone(), move || handle.render());
    tracing::info!(address = %format!("http://{bound}/metrics"), "serving the metrics");
    Ok(tokio::spawn(async move {
        if let Err(error) = axum::serve(listener, router).await {
            tracing::error!(%error, "the metrics address stopped serving");
        }
    }))
}

fn install() -> anyhow::Result<PrometheusHandle> {
    let handle = PrometheusBuilder::new()
        .set_buckets_for_metric(Matcher::Full(web::metrics::HTTP_REQUEST_DURATION.to_owned()), &web::metrics::DURATION_BUCKETS)?
        .install_recorder()
        .context("cannot keep metrics")?;
    web::metrics::describe();
    store::describe_metrics();
    let upkeep = handle.clone();
    tokio::spawn(async move {
        let mut every = tokio::time::interval(UPKEEP);
        loop {
            every.tick().await;
            upkeep.run_upkeep();
        }
    });
    Ok(handle)
}
