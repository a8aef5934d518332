//! What this process knows of the data's versions (`domain::data_version`): read from the database at most every
//! `RECHECK`, so that a change made through any process sharing the database reaches this one's kept pages and
//! figures within a second.

use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use domain::data_version::DataVersions;
use store::Store;

use crate::error::WebError;

/// How long a process trusts the versions it read before it reads them again.
const RECHECK: Duration = Duration::from_millis(250);

#[derive(Debug, Default)]
pub struct VersionWatch {
    known: Mutex<Option<(Instant, Arc<DataVersions>)>>,
    /// Held by the one request that reads the versions again; the others go on with the versions known.
    reading: tokio::sync::Mutex<()>,
}

impl VersionWatch {
    /// The versions, read again when those known are older than `RECHECK`.
    pub async fn current(&self, store: &Store) -> Result<Arc<DataVersions>, WebError> {
        let known = self.known();
        if let Some((at, versions)) = &known
            && at.elapsed() < RECHECK
        {
            return Ok(Arc::clone(versions));
        }
        // While one request reads, the others answer from what is known, at most a read's time older.
        let _reading = match (self.reading.try_lock(), known) {
            (Ok(guard), _) => guard,
            (Err(_), Some((_, versions))) => return Ok(versions),
            (Err(_), None) => self.reading.lock().await,
        };
        if let Some((at, versions)) = self.known()
            && at.elapsed() < RECHECK
        {
            return Ok(versions);
        }
        let versions = Arc::new(store.data_versions().await?);
        *self.known.lock().unwrap_or_else(PoisonError::into_inner) = Some((Instant::now(), Arc::clone(&versions)));
        Ok(versions)
    }

    /// Forgets the versions known, so that the next request reads them: after a change made through this process,
    /// whoever made it sees it on the next page at once.
    pub fn expire(&self) {
        *self.known.lock().unwrap_or_else(PoisonError::into_inner) = None;
    }

    fn known(&self) -> Option<(Instant, Arc<DataVersions>)> {
        // A panic while holding the lock leaves only a copy of the database's versions behind: safe to go on.
        self.known.lock().unwrap_or_else(PoisonError::into_inner).clone()
    }
}
