//! A response body kept as it is and, once compressed off the request's way, with brotli and gzip too, so that a
//! browser gets a tenth of the bytes without the server compressing on every request; with the headers its
//! handler set.

use std::io::Write;

use axum::body::Bytes;
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{IntoResponse, Response};
use flate2::Compression;
use flate2::write::GzEncoder;

/// Below this a body is not worth compressing: the encodings' own overhead would be most of it.
const WORTH_COMPRESSING: usize = 512;
/// Brotli's quality 5 compresses a page better than gzip's default at about its speed; 11 takes ten times longer.
const BROTLI_QUALITY: u32 = 5;
const BROTLI_WINDOW_BITS: u32 = 22;
const BROTLI_SMALLEST_WINDOW_BITS: u32 = 10;
/// Media types that are compressed already (spreadsheets are zip files, pictures have their own).
const COMPRESSED_ALREADY: [&str; 4] = ["application/vnd.openxmlformats", "application/zip", "image/png", "image/jpeg"];
/// What a header costs a `HeaderMap` beside its name and value.
const HEADER_OVERHEAD: usize = 64;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Encoding {
    Brotli,
    Gzip,
    Identity,
}

impl Encoding {
    fn token(self) -> &'static str {
        match self {
            Encoding::Brotli => "br",
            Encoding::Gzip => "gzip",
            Encoding::Identity => "identity",
        }
    }

    /// The best encoding the request's `Accept-Encoding` allows: brotli, else gzip, else none. An encoding the
    /// client refuses with `q=0` is never chosen, also when `*` would allow it.
    pub(super) fn preferred(request: &HeaderMap) -> Encoding {
        let offers: Vec<(String, bool)> = request
            .get_all(header::ACCEPT_ENCODING)
            .iter()
            .filter_map(|value| value.to_str().ok())
            .flat_map(|value| value.split(','))
            .map(|part| {
                let mut pieces = part.split(';').map(str::trim);
                let name = pieces.next().unwrap_or_default().to_ascii_lowercase();
                let refused = pieces.any(|p| p.strip_prefix("q=").and_then(|q| q.parse::<f32>().ok()).is_some_and(|q| q == 0.0));
                (name, !refused)
            })
            .collect();
        let accepts = |encoding: Encoding| match offers.iter().find(|(name, _)| name == encoding.token()) {
            Some((_, accepted)) => *accepted,
            None => offers.iter().any(|(name, accepted)| name == "*" && *accepted),
        };
        [Encoding::Brotli, Encoding::Gzip].into_iter().find(|encoding| accepts(*encoding)).unwrap_or(Encoding::Identity)
    }
}

#[derive(Clone, Debug)]
pub(super) struct Encoded {
    /// What the handler said of the body (its type, a file name), without what depends on the encoding.
    headers: HeaderMap,
    plain: Bytes,
    /// `None` when the body is not worth compressing, or compressing failed: the plain bytes are served instead.
    brotli: Option<Bytes>,
    gzip: Option<Bytes>,
}

impl Encoded {
    /// The body as it is, to be served at once; `compressed` gives the same with its compressed bytes.
    pub(super) fn plain(mut headers: HeaderMap, plain: &[u8]) -> Self {
        for name in
            [header::CONTENT_LENGTH, header::CONTENT_ENCODING, header::TRANSFER_ENCODING, header::VARY, header::ETAG, header::CACHE_CONTROL]
        {
            headers.remove(name);
        }
        // A rendered page's buffer is larger than the page: keep only the page, so that the budget counts what is held.
        Self { headers, plain: Bytes::copy_from_slice(plain), brotli: None, gzip: None }
    }

    /// Whether compressing the body is worth it: it is large enough, not compressed already, and not kept
    /// compressed yet.
    pub(super) fn worth_compressing(&self) -> bool {
        let content_type = self.headers.get(header::CONTENT_TYPE).and_then(|value| value.to_str().ok()).unwrap_or_default();
        let kept_compressed = self.brotli.is_some() || self.gzip.is_some();
        self.plain.len() >= WORTH_COMPRESSING && !kept_compressed && !COMPRESSED_ALREADY.iter().any(|t| content_type.starts_with(t))
    }

    /// The same answer with its brotli and gzip bytes. This takes milliseconds for a large page: not on the way of
    /// a request.
    pub(super) fn compressed(&self) -> Self {
        Self { brotli: brotli(&self.plain), gzip: gzip(&self.plain), ..self.clone() }
    }

    /// The bytes kept: plain and compressed together, with the headers.
    pub(super) fn size(&self) -> usize {
        let headers: usize = self.headers.iter().map(|(name, value)| name.as_str().len() + value.len() + HEADER_OVERHEAD).sum();
        headers + self.plain.len() + self.brotli.as_ref().map_or(0, Bytes::len) + self.gzip.as_ref().map_or(0, Bytes::len)
    }

    /// The answer for a request with these headers, in the best encoding it accepts.
    pub(super) fn respond(&self, request: &HeaderMap) -> Response {
        let (body, encoding) = match Encoding::preferred(request) {
            Encoding::Brotli if self.brotli.is_some() => (self.brotli.clone(), Encoding::Brotli),
            Encoding::Brotli | Encoding::Gzip if self.gzip.is_some() => (self.gzip.clone(), Encoding::Gzip),
            _ => (None, Encoding::Identity),
        };
        let mut response = body.unwrap_or_else(|| self.plain.clone()).into_response();
        let headers = response.headers_mut();
        headers.extend(self.headers.clone());
        headers.insert(header::VARY, HeaderValue::from_static("accept-encoding"));
        if encoding != Encoding::Identity {
            headers.insert(header::CONTENT_ENCODING, HeaderValue::from_static(encoding.token()));
        }
        response
    }
}

fn gzip(plain: &[u8]) -> Option<Bytes> {
    let mut encoder = GzEncoder::new(Vec::with_capacity(plain.len() / 4), Compression::default());
    encoder.write_all(plain).and_then(|()| encoder.finish()).ok().map(exact)
}

fn brotli(plain: &[u8]) -> Option<Bytes> {
    // A window no larger than the body: the encoder's memory grows with its window, and a page is rarely 4 MB.
    let window = (usize::BITS - plain.len().leading_zeros()).clamp(BROTLI_SMALLEST_WINDOW_BITS, BROTLI_WINDOW_BITS);
    let mut encoder = brotli::CompressorWriter::new(Vec::with_capacity(plain.len() / 4), 4096, BROTLI_QUALITY, window);
    encoder.write_all(plain).ok()?;
    // Finishes the stream; writing into memory cannot fail.
    Some(exact(encoder.into_inner()))
}

/// The bytes without the spare room the buffer grew, which `Bytes::from` would keep.
fn exact(mut buffer: Vec<u8>) -> Bytes {
    buffer.shrink_to_fit();
    Bytes::from(buffer)
}

#[cfg(test)]
mod tests {
    use std::io::Read;

    use super::*;

    fn request(accept: &str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(header::ACCEPT_ENCODING, HeaderValue::from_str(accept).unwrap_or_else(|e| panic!("{e}")));
        headers
    }

    fn page() -> (Bytes, Encoded) {
        let page = Bytes::from("<p>inbeeld</p>".repeat(1000));
        let mut headers = HeaderMap::new();
        headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("text/html; charset=utf-8"));
        headers.insert(header::CONTENT_LENGTH, HeaderValue::from_static("14000"));
        (page.clone(), Encoded::plain(headers, &page).compressed())
    }

    async fn body(response: Response) -> Vec<u8> {
        axum::body::to_bytes(response.into_body(), usize::MAX).await.unwrap_or_else(|e| panic!("{e}")).to_vec()
    }

    #[test]
    fn the_best_encoding_the_client_accepts_is_chosen() {
        for (accept, expected) in [
            ("gzip, deflate, br", Encoding::Brotli),
            ("br;q=1.0, GZIP;q=0.5", Encoding::Brotli),
            ("gzip, deflate", Encoding::Gzip),
            ("br;q=0, gzip", Encoding::Gzip),
            ("*", Encoding::Brotli),
            ("*, br;q=0", Encoding::Gzip),
            ("gzip;q=0", Encoding::Identity),
            ("identity", Encoding::Identity),
            ("deflate", Encoding::Identity),
        ] {
            assert_eq!(Encoding::preferred(&request(accept)), expected, "{accept}");
        }
        assert_eq!(Encoding::preferred(&HeaderMap::new()), Encoding::Identity);
    }

    #[tokio::test]
    async fn a_client_gets_the_same_page_in_the_encoding_it_accepts() {
        let (page, encoded) = page();
        let brotli = encoded.respond(&request("gzip, br"));
        assert_eq!(brotli.headers()[header::CONTENT_ENCODING], "br");
        assert_eq!(brotli.headers()[header::VARY], "accept-encoding");
        assert_eq!(brotli.headers()[header::CONTENT_TYPE], "text/html; charset=utf-8");
        let packed = body(brotli).await;
        assert!(packed.len() * 10 < page.len());
        let mut unpacked = Vec::new();
        brotli::Decompressor::new(&packed[..], 4096).read_to_end(&mut unpacked).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(unpacked, page);

        let gzip = encoded.respond(&request("gzip"));
        assert_eq!(gzip.headers()[header::CONTENT_ENCODING], "gzip");
        let mut unpacked = Vec::new();
        flate2::read::GzDecoder::new(&body(gzip).await[..]).read_to_end(&mut unpacked).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(unpacked, page);

        let plain = encoded.respond(&HeaderMap::new());
        assert!(plain.headers().get(header::CONTENT_ENCODING).is_none());
        assert_eq!(body(plain).await, page);
    }

    #[tokio::test]
    async fn a_spreadsheet_or_a_tiny_body_is_not_worth_compressing() {
        let mut headers = HeaderMap::new();
        headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"));
        let sheet = Encoded::plain(headers, &[b'x'; 10_000]);
        assert!(!sheet.worth_compressing());
        assert_eq!(sheet.size(), 10_000 + "content-type".len() + 65 + HEADER_OVERHEAD);
        assert!(sheet.respond(&request("br, gzip")).headers().get(header::CONTENT_ENCODING).is_none());
        let tiny = Encoded::plain(HeaderMap::new(), b"{}");
        assert!(!tiny.worth_compressing());
        assert_eq!(tiny.size(), 2);
        assert!(tiny.respond(&request("br, gzip")).headers().get(header::CONTENT_ENCODING).is_none());
        let page = Encoded::plain(HeaderMap::new(), "<p>Gemeente</p>".repeat(100).as_bytes());
        assert!(page.worth_compressing());
        assert!(!page.compressed().worth_compressing(), "compressed once, not again");
    }
}
