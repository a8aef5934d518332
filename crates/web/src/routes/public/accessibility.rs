use askama::Template;
use axum::response::Html;

use crate::error::{WebError, page as render};

#[derive(Template)]
#[template(path = "toegankelijkheid.html")]
struct Statement;

pub async fn page() -> Result<Html<String>, WebError> {
    render(Statement)
}
