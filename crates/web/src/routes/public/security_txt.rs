use axum::extract::State;
use axum::http::header;
use axum::response::IntoResponse;

use crate::AppState;

/// `/.well-known/security.txt`, as plain text.
pub async fn file(State(state): State<AppState>) -> impl IntoResponse {
    let text = crate::security_txt::text(&state.security_contact, state.security_expires, &state.public_url);
    ([(header::CONTENT_TYPE, "text/plain; charset=utf-8")], text)
}
