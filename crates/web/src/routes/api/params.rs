//! Reading the API's parameters: a value that cannot be what its parameter names is answered with 400 and a
//! problem that names the parameter, before anything is looked up; a well-formed value that names nothing is 404.

use domain::catalogue::is_slug;
use domain::fieldwork::WaveId;
use domain::register::OrgCode;

use crate::error::{ApiError, WebError};

/// 400, naming the parameter and what is wrong with its value.
pub fn bad(parameter: &str, message: String) -> ApiError {
    ApiError(WebError::BadRequest(format!("parameter {parameter}: {message}")))
}

/// An id or address written as a slug (a catalogue's id, an article's address, a block's code): lower-case
/// letters, digits and hyphens.
pub fn slug<'a>(parameter: &str, value: &'a str, example: &str) -> Result<&'a str, ApiError> {
    if is_slug(value) {
        Ok(value)
    } else {
        Err(bad(parameter, format!("'{value}' kan het niet zijn: gebruik kleine letters, cijfers en koppeltekens, bijvoorbeeld {example}")))
    }
}

/// A wave's id.
pub fn wave_id(value: &str) -> Result<WaveId, ApiError> {
    WaveId::parse(value).map_err(|_| {
        bad(
            "id",
            format!("'{value}' is geen id van een meting: gebruik kleine letters, cijfers en koppeltekens, bijvoorbeeld eerste-meting"),
        )
    })
}

/// An organisation's code, CBS (`GM0363`, `PV27`) or LAU (`DE-09162000`).
pub fn org_code(value: &str) -> Result<OrgCode, ApiError> {
    OrgCode::parse(value).map_err(|_| {
        bad("code", format!("'{value}' is geen code van een organisatie: een CBS-code (GM0363, PV27) of een LAU-code (DE-09162000)"))
    })
}

/// A whole number from 1, such as a collaboration's.
pub fn number(parameter: &str, value: &str) -> Result<i64, ApiError> {
    value
        .trim()
        .parse::<i64>()
        .ok()
        .filter(|n| *n > 0)
        .ok_or_else(|| bad(parameter, format!("'{value}' is geen nummer; gebruik een heel getal vanaf 1")))
}
