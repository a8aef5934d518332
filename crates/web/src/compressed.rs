//! Answers written once and served many times (the figures pages and documents), kept both as they are and
//! gzip-compressed, so that a browser that accepts gzip gets a tenth of the bytes without the server compressing
//! on every request.

use std::io::Write;

use axum::body::Bytes;
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{IntoResponse, Response};
use flate2::Compression;
use flate2::write::GzEncoder;

#[derive(Clone, Debug)]
pub struct Compressed {
    content_type: &'static str,
    plain: Bytes,
    /// `None` when compressing failed: the plain bytes are served instead.
    gzip: Option<Bytes>,
}

impl Compressed {
    pub fn new(content_type: &'static str, plain: Bytes) -> Self {
        let mut encoder = GzEncoder::new(Vec::with_capacity(plain.len() / 4), Compression::default());
        let gzip = encoder.write_all(&plain).and_then(|()| encoder.finish()).ok().map(Bytes::from);
        Self { content_type, plain, gzip }
    }

    /// The bytes kept: plain and compressed together.
    pub fn size(&self) -> usize {
        self.plain.len() + self.gzip.as_ref().map_or(0, Bytes::len)
    }

    /// The answer for a request with these headers: compressed when the client accepts gzip.
    pub fn respond(&self, request: &HeaderMap) -> Response {
        let (body, encoding) = match &self.gzip {
            Some(gzip) if accepts_gzip(request) => (gzip.clone(), Some(HeaderValue::from_static("gzip"))),
            _ => (self.plain.clone(), None),
        };
        let mut response = ([(header::CONTENT_TYPE, self.content_type), (header::VARY, "accept-encoding")], body).into_response();
        if let Some(encoding) = encoding {
            response.headers_mut().insert(header::CONTENT_ENCODING, encoding);
        }
        response
    }
}

/// Whether `Accept-Encoding` names gzip (or any encoding) without refusing it with `q=0`.
fn accepts_gzip(request: &HeaderMap) -> bool {
    request.get_all(header::ACCEPT_ENCODING).iter().filter_map(|value| value.to_str().ok()).flat_map(|value| value.split(',')).any(|part| {
        let mut pieces = part.split(';').map(str::trim);
        let name = pieces.next().unwrap_or_default();
        let refused = pieces.any(|p| p.strip_prefix("q=").and_then(|q| q.parse::<f32>().ok()).is_some_and(|q| q == 0.0));
        (name.eq_ignore_ascii_case("gzip") || name == "*") && !refused
    })
}

#[cfg(test)]
mod tests {
    use std::io::Read;

    use super::*;

    fn headers(accept: &str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(header::ACCEPT_ENCODING, HeaderValue::from_str(accept).unwrap_or_else(|e| panic!("{e}")));
        headers
    }

    #[test]
    fn a_client_that_accepts_gzip_gets_the_same_page_compressed_and_others_get_it_plain() {
        let page = Bytes::from("<p>inbeeld</p>".repeat(1000));
        let compressed = Compressed::new("text/html; charset=utf-8", page.clone());
        for accept in ["gzip, deflate, br", "br;q=1.0, GZIP;q=0.5", "*"] {
            let response = compressed.respond(&headers(accept));
            assert_eq!(response.headers()[header::CONTENT_ENCODING], "gzip", "{accept}");
            assert_eq!(response.headers()[header::VARY], "accept-encoding");
        }
        for accept in ["br", "gzip;q=0", "identity"] {
            assert!(compressed.respond(&headers(accept)).headers().get(header::CONTENT_ENCODING).is_none(), "{accept}");
        }
        assert!(compressed.respond(&HeaderMap::new()).headers().get(header::CONTENT_ENCODING).is_none());

        let gzip = compressed.gzip.clone().unwrap_or_else(|| panic!("compressed"));
        assert!(gzip.len() * 10 < page.len());
        let mut unpacked = String::new();
        flate2::read::GzDecoder::new(&gzip[..]).read_to_string(&mut unpacked).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(unpacked.as_bytes(), &page[..]);
    }
}
