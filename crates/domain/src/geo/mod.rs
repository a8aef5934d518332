//! Municipal boundaries: GeoJSON and TopoJSON files read into polygons of longitude/latitude points, and the
//! projection that lays them out on a page.
//!
//! Boundary files are imported at run time (`inbeeld import boundaries`) and never shipped; without them the map
//! is drawn from the register's centroids. Both formats are read with serde_json alone: the `topojson` crate
//! indexes arcs without checking them (a bad file panics) and ties itself to an old `geojson`, and walking
//! GeoJSON's nested lists is less code than adapting `geojson`'s types and errors to messages that name the
//! feature.

mod geojson;
mod projection;
mod topojson;

use std::fmt;

use serde_json::{Map, Value};

pub use projection::{Extent, Projection};

use crate::register::OrgCode;

/// Longitude and latitude in degrees (WGS84), in that order, as GeoJSON and TopoJSON write them.
pub type Position = [f64; 2];
/// A closed ring: the first position is repeated at the end.
pub type Ring = Vec<Position>;
/// The outer ring first, then its holes.
pub type Polygon = Vec<Ring>;

/// The boundaries of one file: at most one shape per organisation, in the file's order.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Boundaries {
    pub shapes: Vec<Boundary>,
}

/// One organisation's territory: one polygon, or several for islands and exclaves.
#[derive(Clone, Debug, PartialEq)]
pub struct Boundary {
    pub code: OrgCode,
    pub polygons: Vec<Polygon>,
}

impl Boundaries {
    pub fn get(&self, code: &OrgCode) -> Option<&Boundary> {
        self.shapes.iter().find(|shape| &shape.code == code)
    }

    pub fn len(&self) -> usize {
        self.shapes.len()
    }

    pub fn is_empty(&self) -> bool {
        self.shapes.is_empty()
    }

    /// The smallest box around every outer ring (holes lie inside them); `None` when there are no shapes.
    pub fn extent(&self) -> Option<Extent> {
        Extent::of(self.shapes.iter().flat_map(|shape| shape.polygons.iter().filter_map(|polygon| polygon.first())).flatten().copied())
    }
}

/// Why a boundary file is refused. Each message is one sentence that says what is wrong and where.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum BoundaryError {
    /// The text is not JSON, or not a FeatureCollection, Feature or Topology.
    #[error("not GeoJSON or TopoJSON: {0}")]
    NotBoundaries(String),
    /// One feature (a GeometryCollection member in TopoJSON) is refused.
    #[error("{place}: {problem}")]
    Feature { place: FeaturePlace, problem: String },
    /// One of a topology's arcs is malformed; `index` is the number the file refers to it by (from 0).
    #[error("arc {index}: {problem}")]
    Arc { index: usize, problem: String },
    #[error("the topology's transform: {0}")]
    Transform(String),
    /// A file holds each organisation once: two features with one code would be two territories for it. (The
    /// places are boxed to keep every `Result` of this error small.)
    #[error("{first} and {second} both have the code {code}; a file may hold each organisation only once")]
    DuplicateCode { code: OrgCode, first: Box<FeaturePlace>, second: Box<FeaturePlace> },
    #[error("the file holds no boundaries: it has no Polygon or MultiPolygon features")]
    Empty,
}

/// Where a feature is in its file, for messages: "object gemeente_2011, feature 12 (id GM0014)". Features are
/// counted from 1, like rows; the id is the file's own, or the code property when the feature has no id.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FeaturePlace {
    /// The TopoJSON object the feature belongs to; `None` in GeoJSON.
    pub object: Option<String>,
    pub number: usize,
    pub id: Option<String>,
}

impl fmt::Display for FeaturePlace {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(object) = &self.object {
            write!(f, "object {object}, ")?;
        }
        write!(f, "feature {}", self.number)?;
        if let Some(id) = &self.id {
            write!(f, " (id {id})")?;
        }
        Ok(())
    }
}

/// Reads a GeoJSON FeatureCollection (or a single Feature) or a TopoJSON Topology of Polygon and MultiPolygon
/// features. Each feature names its organisation by a property `statcode`, `code` or `gemeentecode`, or else by
/// its id. Coordinates must be longitude/latitude in degrees.
pub fn parse_boundaries(text: &str) -> Result<Boundaries, BoundaryError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let json: Value =
        serde_json::from_str(text).map_err(|error| BoundaryError::NotBoundaries(format!("the text is not JSON ({error})")))?;
    let Value::Object(top) = json else {
        return Err(BoundaryError::NotBoundaries(format!("the text is {}, not an object with a \"type\"", describe(&json))));
    };
    let features = match top.get("type").and_then(Value::as_str) {
        Some("FeatureCollection") => geojson::features(&top)?,
        Some("Feature") => vec![geojson::feature(&Value::Object(top.clone()), 1)?],
        Some("Topology") => topojson::features(&top)?,
        Some(other) => {
            return Err(BoundaryError::NotBoundaries(format!(
                "the file is a {other}; expected a FeatureCollection (GeoJSON) or a Topology (TopoJSON)"
            )));
        }
        None => return Err(BoundaryError::NotBoundaries("the top-level object has no \"type\"".into())),
    };
    collect(features)
}

/// A feature read from either format, before the file as a whole is checked.
struct ParsedFeature {
    place: FeaturePlace,
    code: OrgCode,
    polygons: Vec<Polygon>,
}

fn collect(features: Vec<ParsedFeature>) -> Result<Boundaries, BoundaryError> {
    let mut seen: std::collections::HashMap<OrgCode, FeaturePlace> = std::collections::HashMap::new();
    let mut shapes = Vec::with_capacity(features.len());
    for feature in features {
        if let Some(first) = seen.get(&feature.code) {
            return Err(BoundaryError::DuplicateCode {
                code: feature.code,
                first: Box::new(first.clone()),
                second: Box::new(feature.place),
            });
        }
        seen.insert(feature.code.clone(), feature.place);
        shapes.push(Boundary { code: feature.code, polygons: feature.polygons });
    }
    if shapes.is_empty() {
        return Err(BoundaryError::Empty);
    }
    Ok(Boundaries { shapes })
}

/// Properties that may hold the organisation's code, in the order they are tried: CBS's own maps use `statcode`.
const CODE_PROPERTIES: [&str; 3] = ["statcode", "code", "gemeentecode"];

/// The place of a feature for messages, named by its id or, lacking one, by its code property.
fn place(object: Option<&str>, number: usize, feature: &Map<String, Value>) -> FeaturePlace {
    let id = match feature.get("id") {
        Some(Value::String(id)) => Some(id.clone()),
        Some(Value::Number(id)) => Some(id.to_string()),
        _ => properties(feature)
            .and_then(|properties| CODE_PROPERTIES.iter().find_map(|key| properties.get(*key).and_then(Value::as_str)))
            .map(str::to_owned),
    };
    FeaturePlace { object: object.map(str::to_owned), number, id }
}

fn properties(feature: &Map<String, Value>) -> Option<&Map<String, Value>> {
    feature.get("properties").and_then(Value::as_object)
}

/// The organisation a feature belongs to. A code property that is present but wrong is an error, not a reason to
/// look further: falling back to the id could put a territory under another organisation without a word.
fn organisation_code(feature: &Map<String, Value>) -> Result<OrgCode, String> {
    if let Some(properties) = properties(feature) {
        for key in CODE_PROPERTIES {
            match properties.get(key) {
                None | Some(Value::Null) => continue,
                Some(Value::String(value)) => return OrgCode::parse(value).map_err(|error| format!("property {key}: {error}")),
                Some(other) => return Err(format!("property {key} is {}, not a code in quotes such as \"GM0363\"", describe(other))),
            }
        }
    }
    match feature.get("id") {
        Some(Value::String(id)) => OrgCode::parse(id).map_err(|error| format!("id: {error}")),
        _ => Err("no organisation code: give the feature a property statcode, code or gemeentecode, or an id such as \"GM0363\"".into()),
    }
}

/// A position from a JSON list of two or more numbers (a third, the height, is ignored).
fn pair(value: &Value) -> Result<[f64; 2], String> {
    match value.as_array().map(Vec::as_slice) {
        Some([x, y, ..]) => match (x.as_f64(), y.as_f64()) {
            (Some(x), Some(y)) => Ok([x, y]),
            _ => Err(format!("{value} is not a pair of numbers")),
        },
        _ => Err(format!("{} is not a position: a position is a list of two numbers, [longitude, latitude]", short(value))),
    }
}

/// Longitude/latitude in degrees, or a message that says the file is probably in another projection.
fn degrees(position: Position) -> Result<Position, String> {
    let [lon, lat] = position;
    if (-180.0..=180.0).contains(&lon) && (-90.0..=90.0).contains(&lat) {
        Ok(position)
    } else {
        Err(format!(
            "({lon}, {lat}) is not a longitude and latitude in degrees; convert the file to WGS84 (EPSG:4326) first, it may be in another projection such as RD New"
        ))
    }
}

/// Closes a ring that was left open and checks that it encloses something.
fn closed_ring(mut points: Vec<Position>) -> Result<Ring, String> {
    if let (Some(first), Some(last)) = (points.first().copied(), points.last())
        && first != *last
    {
        points.push(first);
    }
    if points.len() < 4 {
        return Err(format!("a ring needs at least three different points, this one has {}", points.len().saturating_sub(1)));
    }
    Ok(points)
}

/// "the number 3", "a list", for messages about JSON of the wrong kind.
fn describe(value: &Value) -> String {
    match value {
        Value::Null => "null".into(),
        Value::Bool(b) => format!("the value {b}"),
        Value::Number(n) => format!("the number {n}"),
        Value::String(s) => format!("the text \"{}\"", s.chars().take(40).collect::<String>()),
        Value::Array(_) => "a list".into(),
        Value::Object(_) => "an object".into(),
    }
}

/// A JSON value cut short for a message.
fn short(value: &Value) -> String {
    let text = value.to_string();
    if text.chars().count() > 60 { format!("{}…", text.chars().take(60).collect::<String>()) } else { text }
}

/// A problem inside a geometry and where it is, from the outside in: "polygon 2, ring 1, point 5: …" (each
/// counted from 1).
struct Located {
    path: Vec<String>,
    message: String,
}

impl Located {
    fn new(message: impl Into<String>) -> Self {
        Self { path: Vec::new(), message: message.into() }
    }

    fn at(mut self, what: &str, number: usize) -> Self {
        self.path.insert(0, format!("{what} {number}"));
        self
    }

    fn render(self) -> String {
        if self.path.is_empty() { self.message } else { format!("{}: {}", self.path.join(", "), self.message) }
    }
}

#[cfg(test)]
mod tests;
