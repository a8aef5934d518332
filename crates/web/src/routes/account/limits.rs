//! Rate limits on sign-in and invitation links, as both apply them: count the recent failures under each key,
//! say how long to wait, and record a new failure.

use std::time::Duration;

use chrono::{DateTime, Utc};
use domain::access::RateLimit;
use store::{Store, StoreError};

/// The key under which failures from one address count, whatever they tried: passwords and second-step codes alike.
pub fn address_key(address: &str) -> String {
    format!("address:{address}")
}

/// How long until another attempt may be made under every one of `limits`; `None` if now.
pub async fn wait(store: &Store, limits: &[(&str, RateLimit)], now: DateTime<Utc>) -> Result<Option<Duration>, StoreError> {
    let mut longest = None;
    for (key, limit) in limits {
        let failures = store.failures(key, limit.since(now)).await?;
        longest = longest.max(limit.retry_after(&failures, now));
    }
    Ok(longest)
}

/// Records a failed attempt under each key of `limits`.
pub async fn record_failure(store: &Store, limits: &[(&str, RateLimit)], now: DateTime<Utc>) -> Result<(), StoreError> {
    for (key, limit) in limits {
        store.record_failure(key, limit.since(now)).await?;
    }
    Ok(())
}

/// The wait in whole minutes, in Dutch: "1 minuut", "15 minuten".
pub fn in_words(wait: Duration) -> String {
    let minutes = wait.as_secs().div_ceil(60);
    format!("{minutes} {}", if minutes == 1 { "minuut" } else { "minuten" })
}
