mod backup;
mod export;
mod import;
mod invite;
mod questionnaire;
mod serve;
mod user;
mod wave;

use anyhow::Context;
use store::{Store, StoreOptions};

use crate::cli::{Cli, Command};

pub async fn run(cli: Cli) -> anyhow::Result<()> {
    // Checking a file must not create a database file as a side effect.
    if let Command::Questionnaire(command) = &cli.command {
        return questionnaire::run(command);
    }
    // A restore copies a file into place before anything opens the database there.
    if let Command::Restore { file } = &cli.command {
        return backup::restore(&cli.database.url, file).await;
    }
    let store = open_with(&cli.database.url, store_options(&cli.command)).await?;
    match cli.command {
        Command::Serve {
            addr,
            demo,
            public_url,
            trusted_proxies,
            security_contact,
            metrics_addr,
            db_max_connections: _,
            cache_mb,
            mail,
        } => {
            let mut state = web::AppState::with_public_url(store.clone(), &public_url)
                .trusting(trusted_proxies)
                .with_cache_budget(cache_mb.saturating_mul(crate::cli::MEGABYTE));
            if let Some(contact) = security_contact {
                state = state.with_security_contact(contact);
            }
            serve::run(store, serve::Addresses { site: addr, metrics: metrics_addr }, demo, state, &mail).await
        }
        Command::Demo => {
            store.migrate().await?;
            if app::demo::fill(&store, &command_line_author()).await.context("cannot load the demo")? {
                println!(
                    "demo: the register (2011 and 2026 divisions), population figures, catalogues, the questionnaire and two simulated, published waves (eerste-meting and vervolgmeting: drawn answers, not real ones) and the collaborations drawn from them are loaded"
                );
            } else {
                println!("demo: the database already holds data; the demo fills only an empty database, so nothing was changed");
            }
            Ok(())
        }
        Command::Migrate => {
            let applied = store.migrate().await?;
            if applied.is_empty() {
                println!("migrate: the database was already at the current schema");
            } else {
                println!("migrate: applied {}", applied.iter().map(ToString::to_string).collect::<Vec<_>>().join(", "));
            }
            Ok(())
        }
        Command::Backup { out } => backup::backup(&store, &cli.database.url, &out).await,
        Command::Restore { file } => backup::restore(&cli.database.url, &file).await,
        Command::Import(import) => {
            store.migrate().await?;
            import::run(&store, import).await
        }
        Command::Export(export) => export::run(&store, export).await,
        Command::Questionnaire(command) => questionnaire::run(&command),
        Command::Invite { organisation, days, public_url } => {
            store.migrate().await?;
            invite::run(&store, &organisation, days, &public_url).await
        }
        Command::User(command) => {
            store.migrate().await?;
            user::run(&store, command).await
        }
        Command::Wave(command) => {
            store.migrate().await?;
            wave::run(&store, command).await
        }
    }
}

/// Only the server answers many requests at once, so only it is given a pool size.
fn store_options(command: &Command) -> StoreOptions {
    match command {
        Command::Serve { db_max_connections, .. } => StoreOptions { max_connections: *db_max_connections },
        _ => StoreOptions::default(),
    }
}

/// Opens the database and says which one, without printing a password.
async fn open(url: &str) -> anyhow::Result<Store> {
    open_with(url, StoreOptions::default()).await
}

async fn open_with(url: &str, options: StoreOptions) -> anyhow::Result<Store> {
    let shown = match url.split_once('@') {
        Some((before, after)) if before.contains("://") => format!("{}://…@{after}", before.split("://").next().unwrap_or_default()),
        _ => url.to_owned(),
    };
    Store::connect_with(url, options).await.with_context(|| format!("cannot open the database {shown}"))
}

/// The person at the command line, named by the operating-system account, as the audit log records them.
pub fn command_line_author() -> domain::audit::Author {
    let os_user = std::env::var("USER").or_else(|_| std::env::var("LOGNAME")).unwrap_or_else(|_| "unknown".into());
    domain::audit::Author::new(domain::audit::Actor::CommandLine { os_user }, domain::audit::Origin::default())
}
