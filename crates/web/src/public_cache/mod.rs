//! One cache for every public answer (pages, API documents, open-data files): each is a function of its address
//! and the versions of the data it shows (`domain::data_version`), so it is written once per change of that data
//! and kept, as it is and compressed, within a byte budget. A route declares what it shows when the route table
//! adds it (`Cached`); `serve` then answers from memory, says `304 Not Modified` to a client that holds the same
//! version, and lets one request write an answer that many ask for at once while the others wait for it.
//! Answers to signed-in visitors are never kept: they are written for them alone.

mod encoded;
mod key;

use std::sync::Arc;

use axum::RequestPartsExt;
use axum::body::{Body, Bytes};
use axum::extract::{OriginalUri, RawPathParams, Request, State};
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::MethodRouter;
use domain::data_version::Shows;
use futures_util::{StreamExt, stream};
use moka::future::Cache as Moka;
use moka::ops::compute::{CompResult, Op};
use serde::Serialize;
use serde::de::DeserializeOwned;
use store::Store;
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

use crate::AppState;
use crate::data_versions::VersionWatch;
use crate::error::WebError;
use crate::metrics::{Cache, cache_bytes_changed, cache_lookup};
use crate::session::has_session;
use encoded::Encoded;

/// The budget when none is given: 64 MB holds every page of a national wave many times over.
pub const DEFAULT_BUDGET_BYTES: u64 = 64 * 1024 * 1024;
/// Public answers may be kept by browsers and proxies, but must be checked with us before each use.
const PUBLIC: HeaderValue = HeaderValue::from_static("public, no-cache");
/// The path parameters that name a wave, for what a route shows of it.
const WAVE_PARAMETERS: [&str; 2] = ["wave", "id"];

/// What a route shows, and how it reads its query: the handler's own query type (`NoQuery` for none).
#[derive(Clone, Copy, Debug)]
pub struct Cached {
    pub shows: Shows,
    normalise: fn(Option<&str>) -> Option<String>,
}

impl Cached {
    pub fn new<Q: DeserializeOwned + Serialize>(shows: Shows) -> Self {
        Self { shows, normalise: key::normalised_query::<Q> }
    }

    /// A route that reads no query: any query gives the same answer.
    pub fn without_query(shows: Shows) -> Self {
        Self::new::<NoQuery>(shows)
    }
}

/// The query of a route that reads none.
#[derive(serde::Deserialize, Serialize)]
struct NoQuery {}

#[derive(Debug)]
pub struct PublicCache {
    versions: Arc<VersionWatch>,
    answers: Moka<String, Arc<Kept>>,
    /// The largest answer kept: a larger one (a very large download) is streamed to the client instead.
    largest: usize,
    /// Answers being written at once, at most one core's fewer than the machine has: a client asking for many pages
    /// nobody asked before (a crawler, or a flood of made-up addresses) waits its turn, and every answer already kept
    /// is still sent at once, from the core left free.
    writings: Semaphore,
    /// One answer is compressed at a time: a flood of new pages must not start a compressor (and its window) for
    /// each. An answer that finds the compressor busy is compressed when it is asked for again.
    compressing: Arc<Semaphore>,
}

/// An answer, written for these versions of the data it shows.
#[derive(Debug)]
struct Kept {
    versions: Vec<i64>,
    tag: HeaderValue,
    encoded: Encoded,
}

/// What an entry costs beside its key and bytes: moka's entry and its bookkeeping, the versions, the tag.
const ENTRY_OVERHEAD: usize = 512;

impl Kept {
    fn weight(&self, key: &str) -> u32 {
        let versions = self.versions.len() * size_of::<i64>();
        u32::try_from(ENTRY_OVERHEAD + key.len() + versions + self.tag.len() + self.encoded.size()).unwrap_or(u32::MAX)
    }

    fn respond(&self, request: &axum::http::HeaderMap) -> Response {
        let mut response = self.encoded.respond(request);
        response.headers_mut().insert(header::ETAG, self.tag.clone());
        response.headers_mut().insert(header::CACHE_CONTROL, PUBLIC);
        response
    }
}

impl PublicCache {
    /// A cache that keeps at most `budget` bytes of answers (plain and compressed together).
    pub fn new(versions: Arc<VersionWatch>, budget: u64) -> Self {
        let answers = Moka::builder()
            .max_capacity(budget)
            .weigher(|key: &String, kept: &Arc<Kept>| kept.weight(key))
            .eviction_listener(|key: Arc<String>, kept: Arc<Kept>, _| cache_bytes_changed(Cache::Responses, -f64::from(kept.weight(&key))))
            .build();
        let largest = usize::try_from(budget / 16).unwrap_or(usize::MAX);
        let cores = std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get);
        Self {
            versions,
            answers,
            largest,
            writings: Semaphore::new(cores.saturating_sub(1).max(1)),
            compressing: Arc::new(Semaphore::new(1)),
        }
    }

    /// Has `kept` compressed in the background and kept so, when that is worth it and no other answer is being
    /// compressed.
    fn compress_soon(&self, key: &str, kept: &Arc<Kept>) {
        if !kept.encoded.worth_compressing() {
            return;
        }
        if let Ok(turn) = Arc::clone(&self.compressing).try_acquire_owned() {
            tokio::spawn(compress_kept(self.answers.clone(), key.to_owned(), Arc::clone(kept), turn));
        }
    }

    /// Runs the handler for a request that is not answered from memory, when it is its turn to be written.
    async fn write(&self, request: Request, next: Next) -> Response {
        // The semaphore is never closed, so a permit always comes; without one the answer is written all the same.
        let _turn = self.writings.acquire().await;
        next.run(request).await
    }
}

/// What `serve` needs of the application, handed to each request by `provide`.
#[derive(Clone)]
struct Serving {
    store: Store,
    cache: Arc<PublicCache>,
}

/// Gives every request what the routes' `serve` layers need (the route table's layers cannot hold the state), and
/// after a request that may have changed the data, has the next one read the versions: a visitor who changed
/// something sees it on the next page, also in the first quarter second.
pub async fn provide(State(state): State<AppState>, mut request: Request, next: Next) -> Response {
    let reads_only = request.method() == Method::GET || request.method() == Method::HEAD;
    request.extensions_mut().insert(Serving { store: state.store.clone(), cache: Arc::clone(&state.public_cache) });
    let response = next.run(request).await;
    if !reads_only {
        state.public_cache.versions.expire();
    }
    response
}

/// `handler` with its answers kept as `cached` says.
pub fn keep(cached: Cached, handler: MethodRouter<AppState>) -> MethodRouter<AppState> {
    handler.route_layer(axum::middleware::from_fn(move |request: Request, next: Next| serve(cached, request, next)))
}

/// Answers a public route's request from the cache, or writes the answer and keeps it.
async fn serve(cached: Cached, request: Request, next: Next) -> Response {
    let signed_in = has_session(&request);
    let method = request.method().clone();
    let serving = request.extensions().get::<Serving>().cloned();
    let (Some(serving), false, true) = (serving, signed_in, method == Method::GET || method == Method::HEAD) else {
        return next.run(request).await;
    };
    let Some(query) = (cached.normalise)(request.uri().query()) else {
        return next.run(request).await;
    };
    let (mut parts, body) = request.into_parts();
    let wave = match parts.extract::<RawPathParams>().await {
        Ok(params) => params.iter().find(|(name, _)| WAVE_PARAMETERS.contains(name)).map(|(_, value)| value.to_owned()),
        Err(_) => None,
    };
    let request = Request::from_parts(parts, body);
    // Without the versions nothing can be kept; the handler answers as it would without a cache.
    let Ok(versions) = serving.cache.versions.current(&serving.store).await else {
        return next.run(request).await;
    };
    let Some(shown) = versions.of(&cached.shows, wave.as_deref()) else {
        return next.run(request).await;
    };
    // A nested router (the API's) sees its path without the prefix; the key is the address as asked.
    let address = request.extensions().get::<OriginalUri>().map_or_else(|| request.uri().clone(), |original| original.0.clone());
    let key = key::key(&address, &query);
    let kept = serving.cache.answers.get(&key).await.filter(|kept| kept.versions == shown);
    // A kept answer holds its tag: most requests need not compute it.
    let tag = kept.as_ref().map_or_else(|| key::entity_tag(&key, &shown), |kept| kept.tag.clone());
    if key::not_modified(request.headers(), &tag) {
        return not_modified(tag);
    }
    if let Some(kept) = kept {
        cache_lookup(Cache::Responses, true);
        serving.cache.compress_soon(&key, &kept);
        return kept.respond(request.headers());
    }
    // A HEAD request's answer has no body to keep: it is answered, and the next GET writes the answer.
    if method == Method::HEAD {
        return serving.cache.write(request, next).await;
    }
    write_once(&serving.cache, key, (shown, tag), request, next).await
}

/// Writes the answer for `key` for the versions `shown` (tagged `tag`), while other requests for it wait and then
/// take what it wrote: one writing per change of the data, however many ask at once.
async fn write_once(cache: &PublicCache, key: String, (shown, tag): (Vec<i64>, HeaderValue), request: Request, next: Next) -> Response {
    let headers = request.headers().clone();
    let mut not_kept: Option<Response> = None;
    let largest = cache.largest;
    let not_kept_slot = &mut not_kept;
    let outcome = cache
        .answers
        .entry(key.clone())
        .and_compute_with(|existing| async move {
            if existing.is_some_and(|kept| kept.value().versions == shown) {
                return Op::Nop;
            }
            cache_lookup(Cache::Responses, false);
            match keepable(cache.write(request, next).await, largest).await {
                Ok((response_headers, body)) => {
                    Op::Put(Arc::new(Kept { versions: shown, tag, encoded: Encoded::plain(response_headers, &body) }))
                }
                Err(response) => {
                    *not_kept_slot = Some(response);
                    Op::Nop
                }
            }
        })
        .await;
    if let Some(response) = not_kept {
        return response;
    }
    match outcome {
        CompResult::Inserted(entry) | CompResult::ReplacedWith(entry) => {
            let kept = entry.into_value();
            cache_bytes_changed(Cache::Responses, f64::from(kept.weight(&key)));
            cache.compress_soon(&key, &kept);
            // Until the compressed bytes are kept, the answer is compressed as it is sent (`middleware::wrap`).
            kept.respond(&headers)
        }
        CompResult::Unchanged(entry) => entry.into_value().respond(&headers),
        CompResult::StillNone(_) | CompResult::Removed(_) => {
            WebError::Internal(format!("the public answer for {key} was neither written nor kept")).into_response()
        }
    }
}

/// Replaces the plain answer `kept` under `key` with the same answer compressed (on a thread for blocking work,
/// off the runtime's), unless it was replaced meanwhile. `_turn` is held until then.
async fn compress_kept(answers: Moka<String, Arc<Kept>>, key: String, kept: Arc<Kept>, _turn: OwnedSemaphorePermit) {
    // An answer let go while it waited (a flood pushes many out) is not worth the work.
    if !answers.get(&key).await.is_some_and(|current| Arc::ptr_eq(&current, &kept)) {
        return;
    }
    let plain = Arc::clone(&kept);
    let Ok(encoded) = tokio::task::spawn_blocking(move || plain.encoded.compressed()).await else {
        return; // The plain answer stays kept, and is compressed as it is sent.
    };
    let compressed = Arc::new(Kept { versions: kept.versions.clone(), tag: kept.tag.clone(), encoded });
    let weight = compressed.weight(&key);
    let outcome = answers
        .entry(key)
        .and_compute_with(|existing| {
            let same = existing.is_some_and(|existing| Arc::ptr_eq(existing.value(), &kept));
            std::future::ready(if same { Op::Put(compressed) } else { Op::Nop })
        })
        .await;
    if matches!(outcome, CompResult::ReplacedWith(_)) {
        cache_bytes_changed(Cache::Responses, f64::from(weight));
    }
}

/// The headers and body of an answer that may be kept: a whole `200 OK` that sets no cookie, no larger than
/// `largest`, and that its handler did not mark private. Any other answer is given back to be sent as it is.
async fn keepable(response: Response, largest: usize) -> Result<(axum::http::HeaderMap, Bytes), Response> {
    let private = response
        .headers()
        .get(header::CACHE_CONTROL)
        .and_then(|value| value.to_str().ok())
        .is_some_and(|value| value.contains("no-store") || value.contains("private"));
    if response.status() != StatusCode::OK || response.headers().contains_key(header::SET_COOKIE) || private {
        return Err(response);
    }
    let (parts, body) = response.into_parts();
    match collect(body, largest).await {
        Ok(bytes) => Ok((parts.headers, bytes)),
        Err(body) => Err(Response::from_parts(parts, body)),
    }
}

/// The whole body, or, when it grows past `largest` or fails on the way, a body that sends what was read and
/// then the rest as it comes.
async fn collect(body: Body, largest: usize) -> Result<Bytes, Body> {
    let mut chunks = body.into_data_stream();
    let mut read: Vec<Bytes> = Vec::new();
    let mut size = 0;
    while let Some(chunk) = chunks.next().await {
        match chunk {
            Ok(chunk) if size + chunk.len() <= largest => {
                size += chunk.len();
                read.push(chunk);
            }
            other => {
                let already = stream::iter(read.into_iter().map(Ok)).chain(stream::iter([other]));
                return Err(Body::from_stream(already.chain(chunks)));
            }
        }
    }
    Ok(match read.len() {
        1 => read.remove(0),
        _ => Bytes::from(read.concat()),
    })
}

fn not_modified(tag: HeaderValue) -> Response {
    let mut response = StatusCode::NOT_MODIFIED.into_response();
    let headers = response.headers_mut();
    headers.insert(header::ETAG, tag);
    headers.insert(header::CACHE_CONTROL, PUBLIC);
    headers.insert(header::VARY, HeaderValue::from_static("accept-encoding"));
    response
}

#[cfg(test)]
mod tests;
