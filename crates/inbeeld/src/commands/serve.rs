use std::net::SocketAddr;
use std::time::Instant;

use anyhow::Context;
use store::Store;
use web::AppState;

use crate::cli::MailArgs;

/// Where the server listens: the site, and the operator's metrics when asked for.
pub struct Addresses {
    pub site: SocketAddr,
    pub metrics: Option<SocketAddr>,
}

pub async fn run(store: Store, addresses: Addresses, demo: bool, state: AppState, mail_settings: &MailArgs) -> anyhow::Result<()> {
    let started = Instant::now();
    let state = state.with_mailer(mail_settings.mailer()?);
    tracing::info!(mail = %mail::config_summary(&mail_settings.config()), "letters to municipalities go out through this mail configuration");
    store.migrate().await?;
    if demo && app::demo::fill(&store, &super::command_line_author()).await.context("cannot load the demo")? {
        tracing::info!("the empty database was filled with the demo");
    }
    let (stopping, stop) = tokio::sync::watch::channel(false);
    // The letters of every wave are sent by a worker beside the web server: a request only queues them.
    let worker = state.mailer.clone().map(|mailer| {
        let worker = app::outreach::Worker::new(store.clone(), mailer, mail_settings.delivery(&state.public_url));
        let stop = stop.clone();
        tokio::spawn(async move { worker.run(stop).await })
    });
    let warming = tokio::spawn(web::keep_figures_warm(state.clone(), stop.clone()));
    let addr = addresses.site;
    let listener = tokio::net::TcpListener::bind(addr).await.with_context(|| format!("cannot listen on {addr}"))?;
    let bound = listener.local_addr().with_context(|| format!("cannot listen on {addr}"))?;
    let metrics = match addresses.metrics {
        Some(metrics_addr) => Some(crate::prometheus::serve(metrics_addr, &store).await?),
        None => None,
    };
    let app = web::router(state);
    tracing::info!(address = %format!("http://{bound}"), backend = store.backend().name(), ready_after_ms = started.elapsed().as_millis() as u64, "serving");
    let served = axum::serve(listener, app.into_make_service_with_connect_info::<SocketAddr>()).with_graceful_shutdown(shutdown()).await;
    if let Some(metrics) = metrics {
        metrics.abort();
    }
    // The letter at hand is finished and its job left for the next process, rather than cut off halfway.
    let _ = stopping.send(true);
    let _ = warming.await;
    if let Some(worker) = worker {
        let _ = worker.await;
    }
    served.context("the server stopped")?;
    store.close().await;
    Ok(())
}

async fn shutdown() {
    let interrupt = tokio::signal::ctrl_c();
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        _ = interrupt => {},
        _ = terminate => {},
    }
    tracing::info!("shutting down");
}
