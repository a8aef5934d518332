use askama::Template;
use axum::extract::State;
use axum::response::Html;
use chrono::NaiveDate;
use domain::register::OrganisationKind;
use store::OrganisationFilter;

use crate::AppState;
use crate::error::{WebError, page as render};
use crate::format;
use crate::routes::register_view::today;

#[derive(Template)]
#[template(path = "home.html")]
struct Home {
    today: String,
    municipalities_today: usize,
    municipalities_2011: usize,
    catalogues: usize,
}

pub async fn page(State(state): State<AppState>) -> Result<Html<String>, WebError> {
    let count_on = |date: NaiveDate| {
        let filter = OrganisationFilter { date: Some(date), kind: Some(OrganisationKind::Gemeente), ..Default::default() };
        let store = state.store.clone();
        async move { store.count_organisations(&filter).await }
    };
    let first_division = NaiveDate::from_ymd_opt(2011, 1, 1).unwrap_or_default();
    render(Home {
        today: format::date(today()),
        municipalities_today: count_on(today()).await?,
        municipalities_2011: count_on(first_division).await?,
        catalogues: state.store.catalogues().await?.len(),
    })
}
