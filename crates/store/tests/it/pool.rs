//! The pool's size as configured, and its connections as the metrics read them, on both backends.

use std::num::NonZeroU32;

use inbeeld_store::testing::fresh;
use inbeeld_store::{Backend, POSTGRES_MAX_CONNECTIONS, SQLITE_MAX_CONNECTIONS, Store, StoreOptions};

async fn the_pool_has_the_size_asked_for_and_counts_its_connections(backend: Backend, default: u32) {
    let (store, database) = fresh(backend).await.unwrap();
    assert_eq!(store.pool_status().max, default, "without options, today's default");

    let options = StoreOptions { max_connections: NonZeroU32::new(2) };
    let small = Store::connect_with(&database.url, options).await.unwrap();
    small.health().await.unwrap();
    // sqlx gives a connection back to the pool in a task of its own, a moment after the query.
    let mut status = small.pool_status();
    for _ in 0..200 {
        if status.in_use == 0 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
        status = small.pool_status();
    }
    assert_eq!(status.max, 2);
    assert_eq!(status.in_use, 0, "nothing runs any more: {status:?}");
    assert!((1..=2).contains(&status.idle), "the connection of the query waits for the next: {status:?}");
    small.close().await;
    store.close().await;
}

#[tokio::test]
async fn sqlite() {
    the_pool_has_the_size_asked_for_and_counts_its_connections(Backend::Sqlite, SQLITE_MAX_CONNECTIONS).await;
}

#[tokio::test]
async fn postgres() {
    the_pool_has_the_size_asked_for_and_counts_its_connections(Backend::Postgres, POSTGRES_MAX_CONNECTIONS).await;
}
