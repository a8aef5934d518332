//! The API's OpenAPI document: generated from the handlers' annotations, with what holds for every answer
//! declared once here (the `API-Version` header), and the site it is served by: its absolute address under
//! `--public-url` and its contact, the monitor team of `--mail-from`.
//!
//! The reviewed copy (`crates/web/openapi.json`, which CI lints against the NL API Design Rules) is the document
//! of `inbeeld serve` without those settings, with the server written relative (`/api/v1`), so that it is the same
//! on every machine.

use std::sync::LazyLock;

use utoipa::openapi::schema::{ObjectBuilder, Type};
use utoipa::openapi::{ContactBuilder, HeaderBuilder, OpenApi, RefOr, Server};

use super::{API_VERSION, router};
use crate::AppState;
use crate::state::{ApiContact, LOCAL_URL};

/// Where the API lives on a site, below its public URL.
pub const BASE_PATH: &str = "/api/v1";

/// The header that `router` puts on every answer of the API.
const VERSION_HEADER: &str = "API-Version";

static GENERATED: LazyLock<OpenApi> = LazyLock::new(|| {
    let mut document = router().split_for_parts().1;
    declare_version_header(&mut document);
    document
});

/// The document as `/api/v1/openapi.json` serves it on this site.
pub fn served(state: &AppState) -> OpenApi {
    for_site(format!("{}{BASE_PATH}", state.public_url), &state.api_contact, &state.public_url)
}

/// The reviewed copy: the document of a site with `inbeeld serve`'s defaults, its server relative.
pub fn reviewed() -> OpenApi {
    for_site(BASE_PATH.to_owned(), &ApiContact::fallback(), LOCAL_URL)
}

fn for_site(server: String, contact: &ApiContact, site: &str) -> OpenApi {
    let mut document = GENERATED.clone();
    document.servers = Some(vec![Server::new(server)]);
    document.info.contact =
        Some(ContactBuilder::new().name(Some(contact.name.clone())).email(Some(contact.email.clone())).url(Some(site.to_owned())).build());
    document
}

/// Every response of every operation names the version header, since every answer carries it.
fn declare_version_header(document: &mut OpenApi) {
    for item in document.paths.paths.values_mut() {
        let operations = [
            &mut item.get,
            &mut item.put,
            &mut item.post,
            &mut item.delete,
            &mut item.options,
            &mut item.head,
            &mut item.patch,
            &mut item.trace,
        ];
        for operation in operations.into_iter().flatten() {
            for response in operation.responses.responses.values_mut() {
                if let RefOr::T(response) = response {
                    response.headers.insert(VERSION_HEADER.to_owned(), RefOr::T(version_header()));
                }
            }
        }
    }
}

fn version_header() -> utoipa::openapi::Header {
    HeaderBuilder::new()
        .schema(Some(ObjectBuilder::new().schema_type(Type::String)))
        .description(Some("De volledige versie van de API die antwoordde (major.minor.patch), dezelfde als info.version."))
        .example(Some(serde_json::Value::from(API_VERSION)))
        .build()
}
