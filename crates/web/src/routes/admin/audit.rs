//! `/beheer/audit`: the audit log with filters, and `/beheer/audit.csv`: the same selection as a file.

use app::export::neutralise;
use askama::Template;
use axum::extract::State;
use axum::http::header;
use axum::response::{Html, IntoResponse, Response};
use chrono::{NaiveDate, TimeZone, Utc};
use domain::audit::AuditEntry;
use serde::Deserialize;
use store::AuditFilter;

use crate::AppState;
use crate::error::{WebError, page};
use crate::extract::Query;

/// The most entries one page shows; the export has them all.
const PAGE_LIMIT: i64 = 500;

#[derive(Deserialize, Default)]
pub struct AuditQuery {
    actie: Option<String>,
    wie: Option<String>,
    doel: Option<String>,
    van: Option<String>,
    tot: Option<String>,
}

struct Row {
    at: String,
    actor: String,
    action: String,
    target: String,
    before: String,
    after: String,
    address: String,
    request_id: String,
    upstream_request_id: String,
}

#[derive(Template)]
#[template(path = "audit.html")]
struct AuditPage {
    errors: Vec<String>,
    action: String,
    actor: String,
    target: String,
    from: String,
    until: String,
    export_query: String,
    rows: Vec<Row>,
    limited: bool,
}

fn text(value: &Option<String>) -> Option<String> {
    value.as_deref().map(str::trim).filter(|v| !v.is_empty()).map(str::to_owned)
}

/// The filter the query asks for, and a message per field that could not be read.
fn filter_of(query: &AuditQuery) -> (AuditFilter, Vec<String>) {
    let mut errors = Vec::new();
    let mut day = |field: &str, value: &Option<String>, next_day: bool| {
        text(value).and_then(|v| match NaiveDate::parse_from_str(&v, "%Y-%m-%d") {
            Ok(date) => {
                let date = if next_day { date.succ_opt().unwrap_or(date) } else { date };
                date.and_hms_opt(0, 0, 0).map(|t| Utc.from_utc_datetime(&t))
            }
            Err(_) => {
                errors.push(format!("{field}: '{v}' is geen datum in de vorm JJJJ-MM-DD."));
                None
            }
        })
    };
    let from = day("Van", &query.van, false);
    let until = day("Tot en met", &query.tot, true);
    (AuditFilter { action: text(&query.actie), actor: text(&query.wie), target: text(&query.doel), from, until, limit: None }, errors)
}

pub async fn list(State(state): State<AppState>, Query(query): Query<AuditQuery>) -> Result<Html<String>, WebError> {
    let (filter, errors) = filter_of(&query);
    let entries = state.store.audit_entries(&AuditFilter { limit: Some(PAGE_LIMIT + 1), ..filter }).await?;
    let limited = entries.len() as i64 > PAGE_LIMIT;
    let pairs = [("actie", &query.actie), ("wie", &query.wie), ("doel", &query.doel), ("van", &query.van), ("tot", &query.tot)];
    let mut export_query = form_urlencoded::Serializer::new(String::new());
    for (name, value) in pairs {
        if let Some(value) = text(value) {
            export_query.append_pair(name, &value);
        }
    }
    let export_query = export_query.finish();
    page(AuditPage {
        errors,
        action: text(&query.actie).unwrap_or_default(),
        actor: text(&query.wie).unwrap_or_default(),
        target: text(&query.doel).unwrap_or_default(),
        from: text(&query.van).unwrap_or_default(),
        until: text(&query.tot).unwrap_or_default(),
        export_query,
        limited,
        rows: entries.into_iter().take(PAGE_LIMIT as usize).map(row).collect(),
    })
}

fn row(entry: AuditEntry) -> Row {
    Row {
        at: entry.at.format("%Y-%m-%d %H:%M:%S UTC").to_string(),
        actor: entry.actor,
        action: entry.action,
        target: entry.target,
        before: entry.before.unwrap_or_default(),
        after: entry.after.unwrap_or_default(),
        address: entry.address.unwrap_or_default(),
        request_id: entry.request_id.unwrap_or_default(),
        upstream_request_id: entry.upstream_request_id.unwrap_or_default(),
    }
}

pub async fn export(State(state): State<AppState>, Query(query): Query<AuditQuery>) -> Result<Response, WebError> {
    let (filter, errors) = filter_of(&query);
    if let Some(error) = errors.into_iter().next() {
        return Err(WebError::BadRequest(error));
    }
    let entries = state.store.audit_entries(&filter).await?;
    let mut writer = csv::Writer::from_writer(Vec::new());
    let write = |writer: &mut csv::Writer<Vec<u8>>, cells: [String; 10]| writer.write_record(cells.iter().map(|c| neutralise(c)));
    write(
        &mut writer,
        ["id", "at", "actor", "action", "target", "before", "after", "address", "request_id", "upstream_request_id"].map(String::from),
    )
    .map_err(|e| WebError::Internal(e.to_string()))?;
    for e in entries {
        let cells = [
            e.id.to_string(),
            e.at.to_rfc3339(),
            e.actor,
            e.action,
            e.target,
            e.before.unwrap_or_default(),
            e.after.unwrap_or_default(),
            e.address.unwrap_or_default(),
            e.request_id.unwrap_or_default(),
            e.upstream_request_id.unwrap_or_default(),
        ];
        write(&mut writer, cells).map_err(|e| WebError::Internal(e.to_string()))?;
    }
    let body = writer.into_inner().map_err(|e| WebError::Internal(e.to_string()))?;
    Ok((
        [(header::CONTENT_TYPE, "text/csv; charset=utf-8"), (header::CONTENT_DISPOSITION, "attachment; filename=\"inbeeld-audit.csv\"")],
        body,
    )
        .into_response())
}
