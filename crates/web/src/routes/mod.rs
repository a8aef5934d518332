//! The routes, per area, each added to the route table with its access rule. `router` wires them; `openapi`
//! describes the API part; `route_table` lists every route with its rule.

mod access;
mod account;
mod admin;
mod api;
mod assets;
mod health;
mod knowledge_view;
mod public;
mod register_view;
mod respondent;

use axum::Router;
use axum::routing::{get, post};
use domain::access::Access;
use domain::access::api_token::TokenScope;
use domain::data_version::{Data, Shows, WavesShown};

use access::Table;
pub use access::{RouteRule, own_address};
pub use api::API_VERSION;

use crate::AppState;
use crate::bearer::TokenRoute;
use crate::error::WebError;
use crate::figures::WAVE_FIGURES;
use crate::public_cache::Cached;

const fn rule(method: &'static str, path: &'static str, example: &'static str, access: Access) -> RouteRule {
    RouteRule { method, path, example, access, shows: None, token: None }
}

// What the public routes show, and so which changes make their kept answers stale.
const REGISTER: Shows = Shows { data: &[Data::Register], waves: WavesShown::None };
const CATALOGUES: Shows = Shows { data: &[Data::Catalogues], waves: WavesShown::None };
const HOME: Shows = Shows { data: &[Data::Register, Data::Catalogues], waves: WavesShown::None };
/// Articles name the blocks they are about.
const KNOWLEDGE: Shows = Shows { data: &[Data::Knowledge, Data::Catalogues], waves: WavesShown::None };
/// A block's page lists its articles.
const BLOCK: Shows = KNOWLEDGE;
/// Members are named from the register and drawn at their centroids.
const COLLABORATIONS: Shows = Shows { data: &[Data::Register, Data::Collaborations], waves: WavesShown::None };
/// A wave's pages, downloads and API documents: its figures.
const WAVE: Shows = WAVE_FIGURES;
/// A wave's public answers, with the names of those who gave them.
const ANSWERS: Shows = Shows { data: &[Data::Register], waves: WavesShown::Named };
/// What draws on every published wave's figures: their list, and a municipality's profile from the newest wave
/// that asked it.
const PUBLISHED: Shows = Shows { data: WAVE_FIGURES.data, waves: WavesShown::Published };

// One municipality's questionnaire in one wave; `{code}` is the organisation the access rule checks.
const QUESTIONNAIRE: &str = "/invullen/{wave}/{code}";
const EXAMPLE: &str = "/invullen/eerste-meting/GM0363";
const QUESTIONNAIRE_PAGE: &str = "/invullen/{wave}/{code}/pagina/{page}";
const EXAMPLE_PAGE: &str = "/invullen/eerste-meting/GM0363/pagina/thema";
const SUBMIT: &str = "/invullen/{wave}/{code}/indienen";
const EXAMPLE_SUBMIT: &str = "/invullen/eerste-meting/GM0363/indienen";
const INTERVIEW: &str = "/invullen/{wave}/{code}/interview";
const EXAMPLE_INTERVIEW: &str = "/invullen/eerste-meting/GM0363/interview";
const PROFILE: &str = "/invullen/{wave}/{code}/profiel";
const EXAMPLE_PROFILE: &str = "/invullen/eerste-meting/GM0363/profiel";
const REOPEN: &str = "/invullen/{wave}/{code}/heropenen";
const EXAMPLE_REOPEN: &str = "/invullen/eerste-meting/GM0363/heropenen";

const DOWNLOAD_CSV: &str = "/beheer/metingen/eerste-meting/antwoorden.csv";
const DOWNLOAD_XLSX: &str = "/beheer/metingen/eerste-meting/antwoorden.xlsx";
const DOWNLOAD_JSON: &str = "/beheer/metingen/eerste-meting/antwoorden.json";
const DOWNLOAD_CODEBOOK: &str = "/beheer/metingen/eerste-meting/codeboek.csv";
const DOWNLOAD_SPSS: &str = "/beheer/metingen/eerste-meting/antwoorden.sps";
const DOWNLOAD_STATA: &str = "/beheer/metingen/eerste-meting/antwoorden.do";
const DOWNLOAD_R: &str = "/beheer/metingen/eerste-meting/antwoorden.r";
const DOWNLOAD_CSVW: &str = "/beheer/metingen/eerste-meting/antwoorden.csv-metadata.json";

// The knowledge base; the example is the demo's article on DigiD.
const ARTICLE: &str = "/kennisbank/digid-aansluiten-inloggen-voor-burgers";
const NEW_ARTICLE: &str = "/beheer/kennisbank/nieuw";
const EDIT_ARTICLE: &str = "/beheer/kennisbank/{slug}/bewerken";
const EXAMPLE_EDIT_ARTICLE: &str = "/beheer/kennisbank/digid-aansluiten-inloggen-voor-burgers/bewerken";

/// Where to report a vulnerability (RFC 9116).
const SECURITY_TXT: &str = "/.well-known/security.txt";

/// The second step of signing in, for staff: a code from the authenticator app, or setting one up.
pub const SECOND_STEP: &str = "/inloggen/tweede-stap";

/// Every route of the site with its rule. The JSON API under `/api/v1` is open data and public as a whole.
fn table() -> Table {
    Table::new()
        .cached(rule("GET", "/", "/", Access::Public), Cached::without_query(HOME), get(public::home::page))
        .cached(
            rule("GET", "/gemeenten", "/gemeenten", Access::Public),
            Cached::new::<public::register::ListQuery>(REGISTER),
            get(public::register::list),
        )
        .cached(
            rule("GET", "/gemeenten/{code}", "/gemeenten/GM0363", Access::Public),
            Cached::without_query(PUBLISHED),
            get(public::register::detail),
        )
        .cached(rule("GET", "/bouwstenen", "/bouwstenen", Access::Public), Cached::without_query(CATALOGUES), get(public::catalogue::list))
        .cached(
            rule("GET", "/bouwstenen/{code}", "/bouwstenen/digid", Access::Public),
            Cached::new::<public::catalogue::BlockQuery>(BLOCK),
            get(public::catalogue::block),
        )
        .cached(rule("GET", "/metingen", "/metingen", Access::Public), Cached::without_query(PUBLISHED), get(public::figures::list))
        .cached(
            rule("GET", "/metingen/{wave}", "/metingen/eerste-meting", Access::Public),
            Cached::new::<public::figures::DashboardQuery>(WAVE),
            get(public::figures::dashboard),
        )
        .cached(
            rule("GET", "/metingen/{wave}/provincies/{group}", "/metingen/eerste-meting/provincies/PV27", Access::Public),
            Cached::without_query(WAVE),
            get(public::figures::province),
        )
        .cached(
            rule("GET", "/metingen/{wave}/grootteklassen/{group}", "/metingen/eerste-meting/grootteklassen/onbekend", Access::Public),
            Cached::without_query(WAVE),
            get(public::figures::size_class),
        )
        .cached(
            rule("GET", "/metingen/{wave}/bouwstenen/{block}", "/metingen/eerste-meting/bouwstenen/digid", Access::Public),
            Cached::without_query(WAVE),
            get(public::figures::block),
        )
        .cached(
            rule("GET", "/metingen/{wave}/indicatoren.csv", "/metingen/eerste-meting/indicatoren.csv", Access::Public),
            Cached::without_query(WAVE),
            get(public::open_data::csv),
        )
        .cached(
            rule("GET", "/metingen/{wave}/indicatoren.json", "/metingen/eerste-meting/indicatoren.json", Access::Public),
            Cached::without_query(WAVE),
            get(public::open_data::json),
        )
        .cached(
            rule("GET", "/metingen/{wave}/indicatoren.xlsx", "/metingen/eerste-meting/indicatoren.xlsx", Access::Public),
            Cached::without_query(WAVE),
            get(public::open_data::xlsx),
        )
        .cached(
            rule("GET", "/metingen/{wave}/indicatoren-codeboek.csv", "/metingen/eerste-meting/indicatoren-codeboek.csv", Access::Public),
            Cached::without_query(WAVE),
            get(public::open_data::codebook),
        )
        .cached(
            rule(
                "GET",
                "/metingen/{wave}/indicatoren.csv-metadata.json",
                "/metingen/eerste-meting/indicatoren.csv-metadata.json",
                Access::Public,
            ),
            Cached::without_query(WAVE),
            get(public::open_data::csvw),
        )
        .cached(
            rule(
                "GET",
                "/metingen/{wave}/antwoorden.csv-metadata.json",
                "/metingen/eerste-meting/antwoorden.csv-metadata.json",
                Access::Public,
            ),
            Cached::without_query(ANSWERS),
            get(public::answers::csvw),
        )
        .cached(
            rule("GET", "/metingen/{wave}/antwoorden.csv", "/metingen/eerste-meting/antwoorden.csv", Access::Public),
            Cached::without_query(ANSWERS),
            get(public::answers::csv),
        )
        .cached(
            rule("GET", "/metingen/{wave}/antwoorden.json", "/metingen/eerste-meting/antwoorden.json", Access::Public),
            Cached::without_query(ANSWERS),
            get(public::answers::json),
        )
        .cached(
            rule("GET", "/metingen/{wave}/antwoorden.xlsx", "/metingen/eerste-meting/antwoorden.xlsx", Access::Public),
            Cached::without_query(ANSWERS),
            get(public::answers::xlsx),
        )
        .cached(
            rule("GET", "/metingen/{wave}/antwoorden-codeboek.csv", "/metingen/eerste-meting/antwoorden-codeboek.csv", Access::Public),
            Cached::without_query(ANSWERS),
            get(public::answers::codebook),
        )
        .cached(
            rule("GET", public::data_catalogue::PATH, public::data_catalogue::PATH, Access::Public),
            Cached::without_query(PUBLISHED),
            get(public::data_catalogue::document),
        )
        .cached(
            rule("GET", "/samenwerkingen", "/samenwerkingen", Access::Public),
            Cached::new::<public::collaborations::ListQuery>(COLLABORATIONS),
            get(public::collaborations::list),
        )
        .cached(
            rule("GET", "/samenwerkingen/{id}", "/samenwerkingen/1", Access::Public),
            Cached::without_query(COLLABORATIONS),
            get(public::collaborations::detail),
        )
        .route(rule("GET", "/beheer/samenwerkingen", "/beheer/samenwerkingen", Access::ADMIN), get(admin::collaborations::review))
        .route(
            rule(
                "POST",
                "/beheer/samenwerkingen/antwoorden/{wave}/{code}",
                "/beheer/samenwerkingen/antwoorden/eerste-meting/GM0363",
                Access::ADMIN,
            ),
            post(admin::collaborations::decide),
        )
        .route(
            rule("GET", "/beheer/samenwerkingen/nieuw", "/beheer/samenwerkingen/nieuw", Access::ADMIN),
            get(admin::collaborations::new_form),
        )
        .route(
            rule("POST", "/beheer/samenwerkingen/nieuw", "/beheer/samenwerkingen/nieuw", Access::ADMIN),
            post(admin::collaborations::create),
        )
        .route(rule("GET", "/beheer/samenwerkingen/{id}", "/beheer/samenwerkingen/1", Access::ADMIN), get(admin::collaborations::edit_form))
        .route(rule("POST", "/beheer/samenwerkingen/{id}", "/beheer/samenwerkingen/1", Access::ADMIN), post(admin::collaborations::update))
        .cached(
            rule("GET", "/toegankelijkheid", "/toegankelijkheid", Access::Public),
            Cached::without_query(Shows::FIXED),
            get(public::accessibility::page),
        )
        .route(rule("GET", SECURITY_TXT, SECURITY_TXT, Access::Public), get(public::security_txt::file))
        .route(rule("GET", "/health", "/health", Access::Public), get(health::live))
        .route(rule("GET", "/health/ready", "/health/ready", Access::Public), get(health::ready))
        .route(rule("GET", "/static/inbeeld.css", "/static/inbeeld.css", Access::Public), get(assets::stylesheet))
        .route(rule("GET", "/inloggen", "/inloggen", Access::Public), get(account::sign_in::form))
        .route(rule("POST", "/inloggen", "/inloggen", Access::Public), post(account::sign_in::submit))
        .route(rule("GET", SECOND_STEP, SECOND_STEP, Access::SecondStep), get(account::second_step::form))
        .route(rule("POST", SECOND_STEP, SECOND_STEP, Access::SecondStep), post(account::second_step::submit))
        // Anyone may end their own session, also halfway through signing in.
        .route(rule("POST", "/uitloggen", "/uitloggen", Access::Public), post(account::sign_in::sign_out))
        .route(rule("GET", "/uitnodiging/{token}", "/uitnodiging/onbekend", Access::Public), get(account::invitation::redeem))
        .route(rule("GET", "/mijn", "/mijn", Access::SignedIn), get(account::mine::page_for))
        .route(rule("GET", "/mijn/wachtwoord", "/mijn/wachtwoord", Access::SignedIn), get(account::own_password::form))
        .route(rule("POST", "/mijn/wachtwoord", "/mijn/wachtwoord", Access::SignedIn), post(account::own_password::submit))
        .route(rule("GET", CHOOSE_PASSWORD, EXAMPLE_CHOOSE_PASSWORD, Access::Public), get(account::choose_password::form))
        .route(rule("POST", CHOOSE_PASSWORD, EXAMPLE_CHOOSE_PASSWORD, Access::Public), post(account::choose_password::submit))
        .route(rule("GET", QUESTIONNAIRE, EXAMPLE, Access::ORGANISATION_READ), get(respondent::overview::show))
        .route(rule("GET", QUESTIONNAIRE_PAGE, EXAMPLE_PAGE, Access::ORGANISATION_WRITE), get(respondent::form::show))
        .route(rule("POST", QUESTIONNAIRE_PAGE, EXAMPLE_PAGE, Access::ORGANISATION_WRITE), post(respondent::form::save))
        .route(rule("POST", SUBMIT, EXAMPLE_SUBMIT, Access::ORGANISATION_WRITE), post(respondent::overview::submit))
        .route(rule("POST", INTERVIEW, EXAMPLE_INTERVIEW, Access::INTERVIEWS), post(respondent::overview::interview))
        .route(rule("GET", PROFILE, EXAMPLE_PROFILE, Access::ORGANISATION_READ), get(respondent::profile::show))
        .route(rule("POST", REOPEN, EXAMPLE_REOPEN, Access::ADMIN), post(respondent::overview::reopen))
        .route(rule("GET", "/beheer", "/beheer", Access::ADMIN), get(admin::home))
        .route(rule("GET", "/beheer/metingen", "/beheer/metingen", Access::STAFF), get(admin::waves::list))
        .route(rule("POST", "/beheer/metingen", "/beheer/metingen", Access::ADMIN), post(admin::waves::create))
        .route(rule("GET", "/beheer/metingen/{wave}", "/beheer/metingen/eerste-meting", Access::STAFF), get(admin::waves::follow_up))
        .route(
            rule("POST", "/beheer/metingen/{wave}/status", "/beheer/metingen/eerste-meting/status", Access::ADMIN),
            post(admin::waves::change_state),
        )
        .route(
            rule("POST", "/beheer/metingen/{wave}/brieven", "/beheer/metingen/eerste-meting/brieven", Access::ADMIN),
            post(admin::letters::queue),
        )
        .route(rule("GET", LETTERS_JOB, EXAMPLE_LETTERS_JOB, Access::STAFF), get(admin::letters::progress))
        .route(rule("POST", LETTERS_IN_DOUBT, EXAMPLE_LETTERS_IN_DOUBT, Access::ADMIN), post(admin::letters::retry_in_doubt))
        // The raw answers: also for a script with a personal API token (`bearer`), and as a resource of the API.
        .with_token(
            rule("GET", "/beheer/metingen/{wave}/antwoorden.csv", DOWNLOAD_CSV, Access::EXPORT),
            EXPORTS,
            DOWNLOAD,
            get(admin::downloads::csv),
        )
        .with_token(
            rule("GET", "/beheer/metingen/{wave}/antwoorden.xlsx", DOWNLOAD_XLSX, Access::EXPORT),
            EXPORTS,
            DOWNLOAD,
            get(admin::downloads::xlsx),
        )
        .with_token(
            rule("GET", "/beheer/metingen/{wave}/antwoorden.json", DOWNLOAD_JSON, Access::EXPORT),
            EXPORTS,
            DOWNLOAD,
            get(admin::downloads::json),
        )
        .with_token(
            rule("GET", "/beheer/metingen/{wave}/codeboek.csv", DOWNLOAD_CODEBOOK, Access::EXPORT),
            EXPORTS,
            DOWNLOAD,
            get(admin::downloads::codebook),
        )
        .with_token(
            rule("GET", "/beheer/metingen/{wave}/antwoorden.sps", DOWNLOAD_SPSS, Access::EXPORT),
            EXPORTS,
            DOWNLOAD,
            get(admin::downloads::spss),
        )
        .with_token(
            rule("GET", "/beheer/metingen/{wave}/antwoorden.do", DOWNLOAD_STATA, Access::EXPORT),
            EXPORTS,
            DOWNLOAD,
            get(admin::downloads::stata),
        )
        .with_token(
            rule("GET", "/beheer/metingen/{wave}/antwoorden.r", DOWNLOAD_R, Access::EXPORT),
            EXPORTS,
            DOWNLOAD,
            get(admin::downloads::r),
        )
        .with_token(
            rule("GET", "/beheer/metingen/{wave}/antwoorden.csv-metadata.json", DOWNLOAD_CSVW, Access::EXPORT),
            EXPORTS,
            DOWNLOAD,
            get(admin::downloads::csvw),
        )
        .with_token(rule("GET", RAW_ANSWERS, EXAMPLE_RAW_ANSWERS, Access::EXPORT), EXPORTS, TokenRoute::Api, get(api::raw_answers::list))
        // Personal API tokens: each admin and analyst their own; an admin sees and revokes everyone's.
        .route(rule("GET", TOKENS, TOKENS, Access::EXPORT), get(admin::tokens::list))
        .route(rule("POST", TOKENS, TOKENS, Access::EXPORT), post(admin::tokens::create))
        .route(rule("POST", REVOKE_TOKEN, EXAMPLE_REVOKE_TOKEN, Access::EXPORT), post(admin::tokens::revoke))
        .cached(
            rule("GET", "/kennisbank", "/kennisbank", Access::Public),
            Cached::new::<public::knowledge::ListQuery>(KNOWLEDGE),
            get(public::knowledge::list),
        )
        .cached(
            rule("GET", "/kennisbank/{slug}", ARTICLE, Access::Public),
            Cached::without_query(KNOWLEDGE),
            get(public::knowledge::article),
        )
        .route(rule("GET", "/beheer/kennisbank", "/beheer/kennisbank", Access::ARTICLE_EDITORS), get(admin::knowledge::list))
        .route(rule("GET", NEW_ARTICLE, NEW_ARTICLE, Access::ARTICLE_EDITORS), get(admin::knowledge::new))
        .route(rule("POST", NEW_ARTICLE, NEW_ARTICLE, Access::ARTICLE_EDITORS), post(admin::knowledge::create))
        .route(rule("GET", EDIT_ARTICLE, EXAMPLE_EDIT_ARTICLE, Access::ARTICLE_EDITORS), get(admin::knowledge::edit))
        .route(rule("POST", EDIT_ARTICLE, EXAMPLE_EDIT_ARTICLE, Access::ARTICLE_EDITORS), post(admin::knowledge::save))
        // Accounts: listed, added with a one-time link, and changed by admins.
        .route(rule("GET", "/beheer/gebruikers", "/beheer/gebruikers", Access::ADMIN), get(admin::users::list))
        .route(rule("GET", NEW_USER, NEW_USER, Access::ADMIN), get(admin::users::new_form))
        .route(rule("POST", NEW_USER, NEW_USER, Access::ADMIN), post(admin::users::create))
        .route(rule("GET", USER, EXAMPLE_USER, Access::ADMIN), get(admin::users::show))
        .route(rule("POST", USER_ROLE, EXAMPLE_USER_ROLE, Access::ADMIN), post(admin::users::change_role))
        .route(rule("POST", USER_STATUS, EXAMPLE_USER_STATUS, Access::ADMIN), post(admin::users::change_status))
        .route(rule("POST", USER_RESET, EXAMPLE_USER_RESET, Access::ADMIN), post(admin::users::reset))
        .route(rule("POST", USER_SECOND_FACTOR, EXAMPLE_USER_SECOND_FACTOR, Access::ADMIN), post(admin::users::reset_second_factor))
        .route(rule("GET", "/beheer/audit", "/beheer/audit", Access::ADMIN), get(admin::audit::list))
        .route(rule("GET", "/beheer/audit.csv", "/beheer/audit.csv", Access::ADMIN), get(admin::audit::export))
        // Support planning: demand, proposals of meetings, their adjustments, downloads and invitations.
        .route(rule("GET", "/beheer/ondersteuning", "/beheer/ondersteuning", Access::SUPPORT_PLANNING), get(admin::support::page_for))
        .route(rule("POST", PROPOSALS, PROPOSALS, Access::SUPPORT_PLANNING), post(admin::support::run))
        .route(rule("GET", PROPOSAL, EXAMPLE_PROPOSAL, Access::SUPPORT_PLANNING), get(admin::support::proposal::show))
        .route(rule("POST", PROPOSAL_ADJUST, EXAMPLE_PROPOSAL_ADJUST, Access::SUPPORT_PLANNING), post(admin::support::proposal::adjust))
        .route(rule("POST", PROPOSAL_MAIL, EXAMPLE_PROPOSAL_MAIL, Access::SUPPORT_PLANNING), post(admin::support::proposal::send))
        .route(rule("GET", PROPOSAL_CSV, EXAMPLE_PROPOSAL_CSV, Access::SUPPORT_PLANNING), get(admin::support::proposal::csv))
        .route(rule("GET", PROPOSAL_XLSX, EXAMPLE_PROPOSAL_XLSX, Access::SUPPORT_PLANNING), get(admin::support::proposal::xlsx))
}

const EXPORTS: TokenScope = TokenScope::ReadExports;
const DOWNLOAD: TokenRoute = TokenRoute::Download;
/// The raw answers of a wave in the API: staff only, so in this table and not in the API's public router.
const RAW_ANSWERS: &str = "/api/v1/metingen/{id}/antwoorden";
const EXAMPLE_RAW_ANSWERS: &str = "/api/v1/metingen/eerste-meting/antwoorden";
const TOKENS: &str = "/beheer/sleutels";
const REVOKE_TOKEN: &str = "/beheer/sleutels/{id}/intrekken";
const EXAMPLE_REVOKE_TOKEN: &str = "/beheer/sleutels/1/intrekken";

const PROPOSALS: &str = "/beheer/ondersteuning/voorstellen";
const PROPOSAL: &str = "/beheer/ondersteuning/voorstellen/{id}";
const EXAMPLE_PROPOSAL: &str = "/beheer/ondersteuning/voorstellen/1";
const PROPOSAL_ADJUST: &str = "/beheer/ondersteuning/voorstellen/{id}/aanpassing";
const EXAMPLE_PROPOSAL_ADJUST: &str = "/beheer/ondersteuning/voorstellen/1/aanpassing";
const LETTERS_JOB: &str = "/beheer/metingen/{wave}/brieven/{job}";
const EXAMPLE_LETTERS_JOB: &str = "/beheer/metingen/eerste-meting/brieven/1";
const LETTERS_IN_DOUBT: &str = "/beheer/metingen/{wave}/brieven/{job}/twijfel";
const EXAMPLE_LETTERS_IN_DOUBT: &str = "/beheer/metingen/eerste-meting/brieven/1/twijfel";
const PROPOSAL_MAIL: &str = "/beheer/ondersteuning/voorstellen/{id}/uitnodigingen";
const EXAMPLE_PROPOSAL_MAIL: &str = "/beheer/ondersteuning/voorstellen/1/uitnodigingen";
const PROPOSAL_CSV: &str = "/beheer/ondersteuning/voorstellen/{id}/genodigden.csv";
const EXAMPLE_PROPOSAL_CSV: &str = "/beheer/ondersteuning/voorstellen/1/genodigden.csv";
const PROPOSAL_XLSX: &str = "/beheer/ondersteuning/voorstellen/{id}/genodigden.xlsx";
const EXAMPLE_PROPOSAL_XLSX: &str = "/beheer/ondersteuning/voorstellen/1/genodigden.xlsx";

// A one-time link to choose a password; the example is a token that does not exist.
const CHOOSE_PASSWORD: &str = "/wachtwoord-kiezen/{token}";
const EXAMPLE_CHOOSE_PASSWORD: &str = "/wachtwoord-kiezen/onbekend";
// Accounts; the example is the first account, which the route table's tests make an admin.
const NEW_USER: &str = "/beheer/gebruikers/nieuw";
const USER: &str = "/beheer/gebruikers/{id}";
const EXAMPLE_USER: &str = "/beheer/gebruikers/1";
const USER_ROLE: &str = "/beheer/gebruikers/{id}/rol";
const EXAMPLE_USER_ROLE: &str = "/beheer/gebruikers/1/rol";
const USER_STATUS: &str = "/beheer/gebruikers/{id}/status";
const EXAMPLE_USER_STATUS: &str = "/beheer/gebruikers/1/status";
const USER_RESET: &str = "/beheer/gebruikers/{id}/herstel";
const EXAMPLE_USER_RESET: &str = "/beheer/gebruikers/1/herstel";
const USER_SECOND_FACTOR: &str = "/beheer/gebruikers/{id}/tweestaps";
const EXAMPLE_USER_SECOND_FACTOR: &str = "/beheer/gebruikers/1/tweestaps";

/// Every route with its access rule, for the tests that try each route as every kind of visitor.
pub fn route_table() -> Vec<RouteRule> {
    table().rules
}

/// The whole site: pages, API, health and assets, wrapped in the common layers.
pub fn router(state: AppState) -> Router {
    let (api, _) = api::router().split_for_parts();
    let site = table()
        .router
        .nest("/api/v1", api.fallback(api::not_found))
        .fallback(not_found)
        .layer(axum::middleware::from_fn(crate::middleware::keep_private))
        .layer(axum::middleware::from_fn_with_state(state.clone(), crate::public_cache::provide))
        .layer(axum::middleware::from_fn_with_state(state.clone(), crate::session::load));
    crate::middleware::wrap(site.with_state(state.clone()), state.secure_cookies, &state.trusted_proxies)
}

/// The OpenAPI document of `/api/v1`, generated from the handlers' annotations, as reviewed in `openapi.json`:
/// for a site with `inbeeld serve`'s defaults, its server relative.
pub fn openapi() -> utoipa::openapi::OpenApi {
    api::document::reviewed()
}

async fn not_found() -> WebError {
    WebError::NotFound("Deze pagina bestaat niet. Misschien is het adres verkeerd getypt, of is de pagina verplaatst.".into())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The public pages that are written for each request, and why.
    const NOT_KEPT: [(&str, &str); 7] = [
        (SECURITY_TXT, "its Expires is a year after this process started, so processes differ"),
        ("/health", "it reports this process, now"),
        ("/health/ready", "it reports the database, now"),
        ("/static/inbeeld.css", "one file built into the program, which browsers keep an hour by its own header"),
        ("/inloggen", "a form, whose refusals and return address are the visitor's own"),
        ("/uitnodiging/{token}", "a one-time link, redeemed once"),
        (CHOOSE_PASSWORD, "a form behind a one-time link"),
    ];

    #[test]
    fn every_public_page_is_kept_by_the_one_cache_unless_listed_with_a_reason() {
        for rule in route_table().iter().filter(|rule| rule.method == "GET") {
            let listed = NOT_KEPT.iter().any(|(path, _)| *path == rule.path);
            if rule.access == Access::Public {
                assert_eq!(rule.shows.is_some(), !listed, "{}: kept, or listed with why not", rule.path);
            } else {
                assert!(rule.shows.is_none(), "{} is not public: its answers are never kept", rule.path);
            }
        }
    }
}
