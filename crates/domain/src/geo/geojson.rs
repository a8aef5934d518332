//! GeoJSON (RFC 7946): a FeatureCollection of Polygon and MultiPolygon features with coordinates in place.

use serde_json::{Map, Value};

use super::{BoundaryError, Located, ParsedFeature, Polygon, Ring, closed_ring, degrees, describe, organisation_code, pair, place};

pub(super) fn features(collection: &Map<String, Value>) -> Result<Vec<ParsedFeature>, BoundaryError> {
    let Some(features) = collection.get("features").and_then(Value::as_array) else {
        return Err(BoundaryError::NotBoundaries("the FeatureCollection has no \"features\" list".into()));
    };
    features.iter().enumerate().map(|(index, value)| feature(value, index + 1)).collect()
}

/// Feature `number` (from 1) of the file.
pub(super) fn feature(value: &Value, number: usize) -> Result<ParsedFeature, BoundaryError> {
    let Some(object) = value.as_object() else {
        let place = super::FeaturePlace { object: None, number, id: None };
        return Err(BoundaryError::Feature { place, problem: format!("is {}, not a Feature object", describe(value)) });
    };
    let place = place(None, number, object);
    let refuse = |problem: String| BoundaryError::Feature { place: place.clone(), problem };
    match object.get("type").and_then(Value::as_str) {
        Some("Feature") => {}
        Some(other) => return Err(refuse(format!("is a {other}, not a Feature"))),
        None => return Err(refuse("has no \"type\"; a feature is {\"type\": \"Feature\", \"geometry\": …, \"properties\": …}".into())),
    }
    let code = organisation_code(object).map_err(refuse)?;
    let polygons = match object.get("geometry") {
        None | Some(Value::Null) => return Err(refuse("has no geometry".into())),
        Some(geometry) => polygons(geometry).map_err(|problem| refuse(problem.render()))?,
    };
    Ok(ParsedFeature { place, code, polygons })
}

fn polygons(geometry: &Value) -> Result<Vec<Polygon>, Located> {
    let kind = geometry.get("type").and_then(Value::as_str).unwrap_or("geometry without a type");
    let coordinates = geometry.get("coordinates").and_then(Value::as_array);
    let polygons = match (kind, coordinates) {
        ("Polygon", Some(rings)) => vec![polygon(rings)?],
        ("MultiPolygon", Some(polygons)) => polygons
            .iter()
            .enumerate()
            .map(|(index, rings)| match rings.as_array() {
                Some(rings) => polygon(rings).map_err(|problem| problem.at("polygon", index + 1)),
                None => Err(Located::new("is not a list of rings").at("polygon", index + 1)),
            })
            .collect::<Result<_, _>>()?,
        ("Polygon" | "MultiPolygon", None) => return Err(Located::new(format!("the {kind} has no \"coordinates\" list"))),
        (other, _) => return Err(Located::new(format!("the geometry is a {other}; boundaries are Polygon or MultiPolygon"))),
    };
    if polygons.is_empty() {
        return Err(Located::new(format!("the {kind} is empty")));
    }
    Ok(polygons)
}

fn polygon(rings: &[Value]) -> Result<Polygon, Located> {
    if rings.is_empty() {
        return Err(Located::new("a polygon needs an outer ring, this one has no rings"));
    }
    rings.iter().enumerate().map(|(index, positions)| ring(positions).map_err(|problem| problem.at("ring", index + 1))).collect()
}

fn ring(value: &Value) -> Result<Ring, Located> {
    let Some(positions) = value.as_array() else {
        return Err(Located::new(format!("is {}, not a list of positions", describe(value))));
    };
    let points = positions
        .iter()
        .enumerate()
        .map(|(index, position)| pair(position).and_then(degrees).map_err(|message| Located::new(message).at("point", index + 1)))
        .collect::<Result<Vec<_>, _>>()?;
    closed_ring(points).map_err(Located::new)
}
