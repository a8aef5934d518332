//! The answers written from one wave's figures (a page, a JSON document), by what was asked: they are the same
//! until the data changes, and are then dropped with the figures. What they hold is counted in the metrics for as
//! long as they hold it.

use std::collections::HashMap;
use std::sync::Mutex;

use axum::body::Bytes;

use crate::compressed::Compressed;
use crate::metrics::{Cache, cache_bytes_changed, cache_lookup};

#[derive(Debug, Default)]
pub struct Written {
    answers: Mutex<HashMap<String, Compressed>>,
}

impl Written {
    /// The answer written for `key`, writing it the first time. `key` must name everything the answer depends on
    /// besides the figures, and come from a request that was checked (so the keys are few).
    pub fn get_or_write<E>(
        &self,
        key: String,
        content_type: &'static str,
        write: impl FnOnce() -> Result<Bytes, E>,
    ) -> Result<Compressed, E> {
        if let Some(answer) = self.lock().get(&key) {
            cache_lookup(Cache::Documents, true);
            return Ok(answer.clone());
        }
        cache_lookup(Cache::Documents, false);
        let answer = Compressed::new(content_type, write()?);
        cache_bytes_changed(Cache::Documents, answer.size() as f64);
        // Two requests may write the same answer at once; the one replaced is no longer held.
        if let Some(replaced) = self.lock().insert(key, answer.clone()) {
            cache_bytes_changed(Cache::Documents, -(replaced.size() as f64));
        }
        Ok(answer)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, Compressed>> {
        // A panic while holding the lock leaves only a cache behind: it is safe to go on with it.
        self.answers.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

impl Drop for Written {
    fn drop(&mut self) {
        let held: usize = self.lock().values().map(Compressed::size).sum();
        cache_bytes_changed(Cache::Documents, -(held as f64));
    }
}
