use axum::Json;
use axum::extract::State;
use chrono::NaiveDate;
use domain::catalogue::Catalogue;
use serde::{Deserialize, Serialize};
use store::StoreError;
use utoipa::{IntoParams, ToSchema};

use crate::AppState;
use crate::error::{ApiError, Problem, WebError};
use crate::extract::{ApiPath, ApiQuery};

use super::params;

/// Een versie van een catalogus van bouwstenen.
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Catalogus {
    #[schema(example = "inup-2011")]
    id: String,
    versie: String,
    naam: String,
    omschrijving: String,
    bron: String,
    /// Waar: de lijst kon niet tegen een primaire bron worden gecontroleerd en is gereconstrueerd.
    reconstructie: bool,
    /// Het aantal bouwstenen: de noemer van elk aandeel in gebruik.
    aantal_bouwstenen: usize,
    groepen: Vec<Groep>,
}

#[derive(Serialize, ToSchema)]
pub struct Groep {
    code: String,
    naam: String,
}

#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Bouwsteen {
    code: String,
    naam: String,
    /// Code van de groep in de catalogus.
    groep: String,
    omschrijving: String,
    streefdatum: Option<NaiveDate>,
    /// Codes van bouwstenen uit dezelfde catalogus waarop deze steunt.
    steunt_op: Vec<String>,
}

#[derive(Serialize, ToSchema)]
pub struct CatalogusLijst {
    catalogi: Vec<Catalogus>,
}

#[derive(Serialize, ToSchema)]
pub struct BouwsteenLijst {
    catalogus: Catalogus,
    bouwstenen: Vec<Bouwsteen>,
}

#[derive(Deserialize, Serialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct VersionQuery {
    /// De versie van de catalogus; zonder versie de nieuwste.
    versie: Option<String>,
}

fn to_dto(catalogue: &Catalogue) -> Catalogus {
    Catalogus {
        id: catalogue.id.clone(),
        versie: catalogue.version.clone(),
        naam: catalogue.name.clone(),
        omschrijving: catalogue.description.clone(),
        bron: catalogue.source.clone(),
        reconstructie: catalogue.reconstruction,
        aantal_bouwstenen: catalogue.size(),
        groepen: catalogue.groups.iter().map(|g| Groep { code: g.code.clone(), naam: g.name.clone() }).collect(),
    }
}

/// Alle catalogi van bouwstenen, elke versie.
#[utoipa::path(
    get,
    path = "/catalogi",
    operation_id = "catalogiLijst",
    tag = "catalogi",
    responses((status = 200, description = "De catalogi, op id en versie.", body = CatalogusLijst))
)]
pub async fn list(State(state): State<AppState>) -> Result<Json<CatalogusLijst>, ApiError> {
    Ok(Json(CatalogusLijst { catalogi: state.store.catalogues().await?.iter().map(to_dto).collect() }))
}

/// De bouwstenen van één catalogus.
#[utoipa::path(
    get,
    path = "/catalogi/{id}/bouwstenen",
    operation_id = "bouwstenenLijst",
    tag = "catalogi",
    params(("id" = String, Path, description = "Id van de catalogus, bijvoorbeeld inup-2011"), VersionQuery),
    responses(
        (status = 200, description = "De catalogus en zijn bouwstenen, in volgorde.", body = BouwsteenLijst),
        (status = 400, description = "Het id is geen id van een catalogus (kleine letters, cijfers en koppeltekens), of de zoekvraag is niet te lezen (een parameter twee keer).", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "Geen catalogus met dit id (en deze versie).", body = Problem, content_type = "application/problem+json")
    )
)]
pub async fn blocks(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<String>,
    ApiQuery(query): ApiQuery<VersionQuery>,
) -> Result<Json<BouwsteenLijst>, ApiError> {
    params::slug("id", &id, "inup-2011")?;
    let catalogue = match state.store.catalogue(&id, query.versie.as_deref()).await {
        Err(StoreError::NotFound) => {
            let version = query.versie.as_deref().map(|v| format!(" met versie '{v}'")).unwrap_or_default();
            return Err(ApiError(WebError::NotFound(format!("er is geen catalogus '{id}'{version}"))));
        }
        other => other?,
    };
    Ok(Json(BouwsteenLijst {
        catalogus: to_dto(&catalogue),
        bouwstenen: catalogue
            .blocks
            .iter()
            .map(|b| Bouwsteen {
                code: b.code.clone(),
                naam: b.name.clone(),
                groep: b.group.clone(),
                omschrijving: b.description.clone(),
                streefdatum: b.target_date,
                steunt_op: b.depends_on.clone(),
            })
            .collect(),
    }))
}
