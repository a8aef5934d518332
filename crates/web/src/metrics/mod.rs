//! The operator's metrics that the site records as things happen: requests (`http`), the caches of written
//! figures, and answers saved and submitted through the site; and the router that serves them on an address of
//! their own (`scrape`). Which recorder keeps them is the binary's choice; without one, recording does nothing.

mod http;
mod scrape;

use domain::fieldwork::{Edit, Mode};
use metrics::{Unit, counter, describe_counter, describe_gauge, describe_histogram, gauge};

pub(crate) use http::record_request;
pub use scrape::router;

pub const HTTP_REQUESTS: &str = "inbeeld_http_requests_total";
pub const HTTP_REQUEST_DURATION: &str = "inbeeld_http_request_duration_seconds";
const CACHE_HITS: &str = "inbeeld_cache_hits_total";
const CACHE_MISSES: &str = "inbeeld_cache_misses_total";
const CACHE_BYTES: &str = "inbeeld_cache_bytes";
const ANSWERS_SAVED: &str = "inbeeld_answers_saved_total";
const SUBMISSIONS: &str = "inbeeld_submissions_total";

/// The upper bounds of `HTTP_REQUEST_DURATION`'s buckets, in seconds: from a page served from memory (under a
/// millisecond) to 10 seconds; a request slower than that is a problem whatever it did, and is counted in +Inf.
pub const DURATION_BUCKETS: [f64; 14] = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0];

/// Gives every metric of the site its unit and help text, once, after a recorder is installed.
pub fn describe() {
    describe_counter!(HTTP_REQUESTS, Unit::Count, "HTTP requests answered, by route template (unmatched for no route), method and status.");
    describe_histogram!(
        HTTP_REQUEST_DURATION,
        Unit::Seconds,
        "Time from a request's arrival until its response's headers are ready (a streamed body not included), by route template and method."
    );
    describe_counter!(
        CACHE_HITS,
        Unit::Count,
        "Answers served from memory: figures (a published wave's figures) or responses (public pages, API documents and open-data files)."
    );
    describe_counter!(CACHE_MISSES, Unit::Count, "Answers that had to be computed or written first, by cache (figures, responses).");
    describe_gauge!(CACHE_BYTES, Unit::Bytes, "Bytes of public responses held in memory, plain and compressed together, with their keys.");
    describe_counter!(
        ANSWERS_SAVED,
        Unit::Count,
        "Questionnaire pages and interview details saved through the site, by edit (draft, or correction by the monitor team)."
    );
    describe_counter!(SUBMISSIONS, Unit::Count, "Responses submitted through the site, by mode (online, interview).");
}

/// The caches the site keeps in memory.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Cache {
    /// A published wave's figures, computed once per change of the data.
    Figures,
    /// Public answers: pages, API documents and open-data files.
    Responses,
}

impl Cache {
    fn label(self) -> &'static str {
        match self {
            Cache::Figures => "figures",
            Cache::Responses => "responses",
        }
    }
}

pub(crate) fn cache_lookup(cache: Cache, hit: bool) {
    let name = if hit { CACHE_HITS } else { CACHE_MISSES };
    counter!(name, "cache" => cache.label()).increment(1);
}

/// `bytes` more (or, negative, fewer) are held by `cache`.
pub(crate) fn cache_bytes_changed(cache: Cache, bytes: f64) {
    gauge!(CACHE_BYTES, "cache" => cache.label()).increment(bytes);
}

pub(crate) fn answers_saved(edit: Edit) {
    let edit = match edit {
        Edit::Draft => "draft",
        Edit::Correction => "correction",
    };
    counter!(ANSWERS_SAVED, "edit" => edit).increment(1);
}

pub(crate) fn submitted(mode: &Mode) {
    counter!(SUBMISSIONS, "mode" => mode.code()).increment(1);
}
