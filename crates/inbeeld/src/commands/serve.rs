use std::net::SocketAddr;
use std::time::Instant;

use anyhow::Context;
use store::Store;
use web::AppState;

use crate::cli::MailArgs;

pub async fn run(store: Store, addr: SocketAddr, demo: bool, state: AppState, mail_settings: &MailArgs) -> anyhow::Result<()> {
    let started = Instant::now();
    let state = state.with_mailer(mail_settings.mailer()?);
    tracing::info!(mail = %mail::config_summary(&mail_settings.config()), "letters to municipalities go out through this mail configuration");
    store.migrate().await?;
    if demo && app::demo::fill(&store, &super::command_line_author()).await.context("cannot load the demo")? {
        tracing::info!("the empty database was filled with the demo");
    }
    let listener = tokio::net::TcpListener::bind(addr).await.with_context(|| format!("cannot listen on {addr}"))?;
    let app = web::router(state);
    tracing::info!(address = %format!("http://{addr}"), backend = store.backend().name(), ready_after_ms = started.elapsed().as_millis() as u64, "serving");
    axum::serve(listener, app.into_make_service_with_connect_info::<SocketAddr>())
        .with_graceful_shutdown(shutdown())
        .await
        .context("the server stopped")?;
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
