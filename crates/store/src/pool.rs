//! How busy the connection pool is, for the operator's metrics. Read when the metrics are scraped, since the pool
//! knows it at every moment and nothing needs to poll it.

use metrics::{Unit, describe_gauge, gauge};

use crate::Store;
use crate::connect::with_pool;

pub const DB_CONNECTIONS: &str = "inbeeld_db_connections";
pub const DB_CONNECTIONS_MAX: &str = "inbeeld_db_connections_max";

/// The pool's connections at one moment.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PoolStatus {
    /// Lent to a query or transaction now.
    pub in_use: u32,
    /// Open and waiting for work.
    pub idle: u32,
    /// The most the pool opens (`--db-max-connections`).
    pub max: u32,
}

impl Store {
    pub fn pool_status(&self) -> PoolStatus {
        with_pool!(self, |pool| {
            let open = pool.size();
            // The two counts are read one after the other, so a connection given back in between could be counted
            // idle and not open.
            let idle = u32::try_from(pool.num_idle()).unwrap_or(u32::MAX).min(open);
            PoolStatus { in_use: open - idle, idle, max: pool.options().get_max_connections() }
        })
    }

    /// Sets the pool's gauges to how it is now.
    pub fn record_pool_status(&self) {
        let status = self.pool_status();
        gauge!(DB_CONNECTIONS, "state" => "in_use").set(status.in_use);
        gauge!(DB_CONNECTIONS, "state" => "idle").set(status.idle);
        gauge!(DB_CONNECTIONS_MAX).set(status.max);
    }
}

/// Gives the store's metrics their help text, once, after a recorder is installed. sqlx does not say how many
/// requests wait for a connection, so there is no such gauge: `in_use` at `max` for long is the sign of it.
pub fn describe_metrics() {
    crate::jobs::describe_metrics();
    describe_gauge!(DB_CONNECTIONS, Unit::Count, "Database connections of this process, by state: in_use (lent to a query) or idle.");
    describe_gauge!(DB_CONNECTIONS_MAX, Unit::Count, "The most database connections this process opens (--db-max-connections).");
}
