//! TopoJSON: a Topology whose objects refer to shared arcs by number. With a `transform`, the arcs are quantised
//! (whole numbers on a grid) and delta-encoded (each point is the step from the one before, within its arc).
//! A negative reference `-n` is arc `n - 1` (its ones' complement) walked backwards.

use serde_json::{Map, Value};

use super::{
    BoundaryError, Located, ParsedFeature, Polygon, Position, Ring, closed_ring, degrees, describe, organisation_code, pair, place,
};

/// Grid coordinates to degrees: `x * scale + translate` for each axis.
#[derive(Clone, Copy, Debug)]
struct Transform {
    scale: [f64; 2],
    translate: [f64; 2],
}

pub(super) fn features(topology: &Map<String, Value>) -> Result<Vec<ParsedFeature>, BoundaryError> {
    let transform = match topology.get("transform") {
        None | Some(Value::Null) => None,
        Some(value) => Some(transform(value)?),
    };
    let Some(arcs) = topology.get("arcs").and_then(Value::as_array) else {
        return Err(BoundaryError::NotBoundaries("the Topology has no \"arcs\" list".into()));
    };
    let arcs = arcs.iter().enumerate().map(|(index, arc)| decode_arc(arc, transform, index)).collect::<Result<Vec<_>, _>>()?;
    let Some(objects) = topology.get("objects").and_then(Value::as_object) else {
        return Err(BoundaryError::NotBoundaries("the Topology has no \"objects\"".into()));
    };
    let mut features = Vec::new();
    for (name, object) in objects {
        // An object is a collection of features, or a single geometry standing for one feature.
        let members: Vec<&Value> = match object.get("type").and_then(Value::as_str) {
            Some("GeometryCollection") => match object.get("geometries").and_then(Value::as_array) {
                Some(geometries) => geometries.iter().collect(),
                None => return Err(BoundaryError::NotBoundaries(format!("object {name} has no \"geometries\" list"))),
            },
            _ => vec![object],
        };
        for (index, member) in members.into_iter().enumerate() {
            features.push(feature(name, index + 1, member, &arcs)?);
        }
    }
    Ok(features)
}

fn transform(value: &Value) -> Result<Transform, BoundaryError> {
    let axis_pair = |key: &str| -> Result<[f64; 2], BoundaryError> {
        let value = value.get(key).ok_or_else(|| BoundaryError::Transform(format!("it has no \"{key}\"")))?;
        let [x, y] = pair(value).map_err(|problem| BoundaryError::Transform(format!("{key}: {problem}")))?;
        Ok([x, y])
    };
    let scale = axis_pair("scale")?;
    if scale.contains(&0.0) {
        return Err(BoundaryError::Transform("a scale of 0 would put every point in one place".into()));
    }
    Ok(Transform { scale, translate: axis_pair("translate")? })
}

/// Arc `index` as positions in degrees.
fn decode_arc(arc: &Value, transform: Option<Transform>, index: usize) -> Result<Vec<Position>, BoundaryError> {
    let refuse = |problem: String| BoundaryError::Arc { index, problem };
    let Some(points) = arc.as_array() else {
        return Err(refuse(format!("is {}, not a list of positions", describe(arc))));
    };
    if points.len() < 2 {
        return Err(refuse(format!("an arc needs at least two points, this one has {}", points.len())));
    }
    let mut grid = [0.0, 0.0];
    let mut positions = Vec::with_capacity(points.len());
    for (number, point) in points.iter().enumerate() {
        let at_point = |problem: String| refuse(Located::new(problem).at("point", number + 1).render());
        let [x, y] = pair(point).map_err(at_point)?;
        let position = match transform {
            None => [x, y],
            Some(Transform { scale, translate }) => {
                grid = [grid[0] + x, grid[1] + y];
                [grid[0] * scale[0] + translate[0], grid[1] * scale[1] + translate[1]]
            }
        };
        positions.push(degrees(position).map_err(at_point)?);
    }
    Ok(positions)
}

/// Member `number` (from 1) of object `name`.
fn feature(name: &str, number: usize, value: &Value, arcs: &[Vec<Position>]) -> Result<ParsedFeature, BoundaryError> {
    let Some(geometry) = value.as_object() else {
        let place = super::FeaturePlace { object: Some(name.to_owned()), number, id: None };
        return Err(BoundaryError::Feature { place, problem: format!("is {}, not a geometry object", describe(value)) });
    };
    let place = place(Some(name), number, geometry);
    let refuse = |problem: String| BoundaryError::Feature { place: place.clone(), problem };
    let kind = match geometry.get("type") {
        Some(Value::String(kind)) => kind.as_str(),
        None | Some(Value::Null) => return Err(refuse("has no geometry".into())),
        Some(other) => return Err(refuse(format!("has {} as its type", describe(other)))),
    };
    let code = organisation_code(geometry).map_err(refuse)?;
    let references = geometry.get("arcs").and_then(Value::as_array);
    let polygons: Vec<Polygon> = match (kind, references) {
        ("Polygon", Some(rings)) => vec![polygon(rings, arcs).map_err(|problem| refuse(problem.render()))?],
        ("MultiPolygon", Some(polygons)) => polygons
            .iter()
            .enumerate()
            .map(|(index, rings)| match rings.as_array() {
                Some(rings) => polygon(rings, arcs).map_err(|problem| problem.at("polygon", index + 1)),
                None => Err(Located::new("is not a list of rings").at("polygon", index + 1)),
            })
            .collect::<Result<_, _>>()
            .map_err(|problem| refuse(problem.render()))?,
        ("Polygon" | "MultiPolygon", None) => return Err(refuse(format!("the {kind} has no \"arcs\" list"))),
        (other, _) => return Err(refuse(format!("the geometry is a {other}; boundaries are Polygon or MultiPolygon"))),
    };
    if polygons.is_empty() {
        return Err(refuse(format!("the {kind} is empty")));
    }
    Ok(ParsedFeature { place, code, polygons })
}

fn polygon(rings: &[Value], arcs: &[Vec<Position>]) -> Result<Polygon, Located> {
    if rings.is_empty() {
        return Err(Located::new("a polygon needs an outer ring, this one has no rings"));
    }
    rings.iter().enumerate().map(|(index, references)| ring(references, arcs).map_err(|problem| problem.at("ring", index + 1))).collect()
}

/// A ring from its arcs, in order. Consecutive arcs share their meeting point, so it is kept once.
fn ring(references: &Value, arcs: &[Vec<Position>]) -> Result<Ring, Located> {
    let Some(references) = references.as_array() else {
        return Err(Located::new(format!("is {}, not a list of arc numbers", describe(references))));
    };
    let mut points: Vec<Position> = Vec::new();
    for reference in references {
        let Some(reference) = reference.as_i64() else {
            return Err(Located::new(format!("{} is not an arc number", describe(reference))));
        };
        // -1 is arc 0 reversed, -2 arc 1, and so on: the ones' complement.
        let (index, reversed) = if reference >= 0 { (reference, false) } else { (!reference, true) };
        let Some(arc) = usize::try_from(index).ok().and_then(|index| arcs.get(index)) else {
            let named = if reversed { format!(" (as {reference}, reversed)") } else { String::new() };
            return Err(Located::new(format!("arc {index} does not exist{named}: the topology has {} arcs, numbered from 0", arcs.len())));
        };
        points.pop();
        if reversed {
            points.extend(arc.iter().rev());
        } else {
            points.extend(arc.iter());
        }
    }
    closed_ring(points).map_err(Located::new)
}
