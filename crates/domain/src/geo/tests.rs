//! Small hand-made files whose right answers are worked out in the comments, then bad files and the messages
//! they get.

use super::*;

fn code(text: &str) -> OrgCode {
    OrgCode::parse(text).unwrap()
}

/// Two squares sharing an edge, and a municipality of two triangles. On the grid (scale 0.5 × 0.25, translate
/// 4, 52): A(0,0) B(2,0) C(2,4) D(0,4) E(4,0) F(4,4) are, in degrees, A(4,52) B(5,52) C(5,53) D(4,53) E(6,52)
/// F(6,53).
///
/// arc 0: B→C, deltas (2,0) (0,4).
/// arc 1: C→D→A→B, deltas (2,4) (-2,0) (0,-4) (2,0).
/// arc 2: B→E→F→C, deltas (2,0) (2,0) (0,4) (-2,0).
/// arc 3: grid (10,0) (12,0) (10,2) (10,0): degrees (9,52) (10,52) (9,52.5) (9,52).
/// arc 4: grid (20,0) (20,2) (22,0) (20,0), used reversed as -5: (14,52) (15,52) (14,52.5) (14,52).
///
/// GM0001 = [0, 1]: B C D A B. GM0002 = [2, -1]: B E F C, then arc 0 backwards C→B. GM0003 = two triangles.
const TOPOLOGY: &str = r#"{
  "type": "Topology",
  "transform": {"scale": [0.5, 0.25], "translate": [4, 52]},
  "arcs": [
    [[2, 0], [0, 4]],
    [[2, 4], [-2, 0], [0, -4], [2, 0]],
    [[2, 0], [2, 0], [0, 4], [-2, 0]],
    [[10, 0], [2, 0], [-2, 2], [0, -2]],
    [[20, 0], [0, 2], [2, -2], [-2, 0]]
  ],
  "objects": {
    "gemeente_2011": {
      "type": "GeometryCollection",
      "geometries": [
        {"type": "Polygon", "arcs": [[0, 1]], "id": 143204, "properties": {"statcode": "GM0001", "statnaam": "Een"}},
        {"type": "Polygon", "arcs": [[2, -1]], "id": "GM0002"},
        {"type": "MultiPolygon", "arcs": [[[3]], [[-5]]], "properties": {"gemeentecode": "gm0003"}}
      ]
    }
  }
}"#;

#[test]
fn topojson_arcs_are_decoded_stitched_and_reversed() {
    let boundaries = parse_boundaries(TOPOLOGY).unwrap();
    assert_eq!(boundaries.shapes.iter().map(|s| s.code.as_str()).collect::<Vec<_>>(), ["GM0001", "GM0002", "GM0003"]);
    let ring = |code_text: &str, polygon: usize| boundaries.get(&code(code_text)).unwrap().polygons[polygon][0].clone();
    assert_eq!(ring("GM0001", 0), vec![[5.0, 52.0], [5.0, 53.0], [4.0, 53.0], [4.0, 52.0], [5.0, 52.0]]);
    assert_eq!(ring("GM0002", 0), vec![[5.0, 52.0], [6.0, 52.0], [6.0, 53.0], [5.0, 53.0], [5.0, 52.0]]);
    assert_eq!(ring("GM0003", 0), vec![[9.0, 52.0], [10.0, 52.0], [9.0, 52.5], [9.0, 52.0]]);
    assert_eq!(ring("GM0003", 1), vec![[14.0, 52.0], [15.0, 52.0], [14.0, 52.5], [14.0, 52.0]]);
    assert_eq!(boundaries.extent(), Some(Extent { west: 4.0, south: 52.0, east: 15.0, north: 53.0 }));
}

#[test]
fn topojson_without_a_transform_has_its_arcs_in_degrees() {
    let text = r#"{"type": "Topology", "arcs": [[[4.5, 52.5], [5.5, 52.5], [5, 53]], [[5, 53], [4.5, 52.5]]],
        "objects": {"one": {"type": "Polygon", "arcs": [[0, 1]], "properties": {"code": "GM0363"}}}}"#;
    let boundaries = parse_boundaries(text).unwrap();
    assert_eq!(
        boundaries.shapes,
        vec![Boundary { code: code("GM0363"), polygons: vec![vec![vec![[4.5, 52.5], [5.5, 52.5], [5.0, 53.0], [4.5, 52.5]]]] }]
    );
}

/// A square with a square hole, and a municipality of two islands whose first ring is left open and whose
/// positions carry a height.
const FEATURES: &str = r#"{
  "type": "FeatureCollection",
  "features": [
    {"type": "Feature", "id": "GM0363", "properties": {"statnaam": "Amsterdam"},
     "geometry": {"type": "Polygon", "coordinates": [
        [[4, 52], [5, 52], [5, 53], [4, 53], [4, 52]],
        [[4.25, 52.25], [4.25, 52.75], [4.75, 52.75], [4.25, 52.25]]]}},
    {"type": "Feature", "properties": {"code": "GM0088", "statnaam": "Schiermonnikoog"},
     "geometry": {"type": "MultiPolygon", "coordinates": [
        [[[6, 53], [6.5, 53, 0], [6.5, 53.5, 2]]],
        [[[7, 53], [7.5, 53], [7, 53.5], [7, 53]]]]}}
  ]
}"#;

#[test]
fn geojson_polygons_and_multipolygons_are_read_and_open_rings_closed() {
    let boundaries = parse_boundaries(FEATURES).unwrap();
    assert_eq!(boundaries.len(), 2);
    let amsterdam = boundaries.get(&code("GM0363")).unwrap();
    assert_eq!(amsterdam.polygons.len(), 1);
    assert_eq!(amsterdam.polygons[0].len(), 2, "outer ring and hole");
    assert_eq!(amsterdam.polygons[0][1], vec![[4.25, 52.25], [4.25, 52.75], [4.75, 52.75], [4.25, 52.25]]);
    let island = boundaries.get(&code("GM0088")).unwrap();
    assert_eq!(island.polygons[0][0], vec![[6.0, 53.0], [6.5, 53.0], [6.5, 53.5], [6.0, 53.0]], "closed, heights dropped");
    assert_eq!(island.polygons[1][0].len(), 4);
}

#[test]
fn a_single_feature_and_a_byte_order_mark_are_accepted() {
    let text = "\u{feff}{\"type\": \"Feature\", \"properties\": {\"statcode\": \"PV27\"},
        \"geometry\": {\"type\": \"Polygon\", \"coordinates\": [[[4, 52], [5, 52], [5, 53], [4, 52]]]}}";
    assert_eq!(parse_boundaries(text).unwrap().shapes[0].code, code("PV27"));
}

fn refused(text: &str) -> String {
    parse_boundaries(text).unwrap_err().to_string()
}

/// A FeatureCollection of one feature with the given properties, id and geometry.
fn one_feature(properties: &str, geometry: &str) -> String {
    format!(r#"{{"type": "FeatureCollection", "features": [{{"type": "Feature", "properties": {properties}, "geometry": {geometry}}}]}}"#)
}

const SQUARE: &str = r#"{"type": "Polygon", "coordinates": [[[4, 52], [5, 52], [5, 53], [4, 53], [4, 52]]]}"#;

#[test]
fn files_that_are_not_boundaries_are_refused_by_what_they_are() {
    assert!(refused("GM0363;Amsterdam").starts_with("not GeoJSON or TopoJSON: the text is not JSON (expected value at line 1"));
    assert_eq!(refused("[1, 2]"), "not GeoJSON or TopoJSON: the text is a list, not an object with a \"type\"");
    assert_eq!(
        refused(r#"{"type": "Point", "coordinates": [4, 52]}"#),
        "not GeoJSON or TopoJSON: the file is a Point; expected a FeatureCollection (GeoJSON) or a Topology (TopoJSON)"
    );
    assert_eq!(refused(r#"{"type": "FeatureCollection"}"#), "not GeoJSON or TopoJSON: the FeatureCollection has no \"features\" list");
    assert_eq!(parse_boundaries(r#"{"type": "FeatureCollection", "features": []}"#), Err(BoundaryError::Empty));
    assert_eq!(refused(r#"{"type": "Topology", "objects": {}}"#), "not GeoJSON or TopoJSON: the Topology has no \"arcs\" list");
}

#[test]
fn a_feature_without_a_usable_code_is_named() {
    let features = |properties: &str| refused(&one_feature(properties, SQUARE));
    assert_eq!(
        features(r#"{"statnaam": "Ergens"}"#),
        "feature 1: no organisation code: give the feature a property statcode, code or gemeentecode, or an id such as \"GM0363\""
    );
    assert_eq!(
        features(r#"{"statcode": "GM14"}"#),
        "feature 1 (id GM14): property statcode: 'GM14' is not a CBS or LAU code: a municipality is GM with four digits (GM0363), \
         a province PV with two (PV27), a European municipality its country, a hyphen and its LAU code (DE-09162000)"
    );
    assert_eq!(
        features(r#"{"gemeentecode": 363}"#),
        "feature 1: property gemeentecode is the number 363, not a code in quotes such as \"GM0363\""
    );
}

#[test]
fn geometries_that_are_not_areas_in_degrees_are_refused_with_their_place() {
    let with = |geometry: &str| refused(&one_feature(r#"{"statcode": "GM0014"}"#, geometry));
    assert_eq!(
        with(r#"{"type": "LineString", "coordinates": [[4, 52], [5, 53]]}"#),
        "feature 1 (id GM0014): the geometry is a LineString; boundaries are Polygon or MultiPolygon"
    );
    assert_eq!(with("null"), "feature 1 (id GM0014): has no geometry");
    assert_eq!(
        with(r#"{"type": "Polygon", "coordinates": [[[121000, 487000], [122000, 487000], [122000, 488000], [121000, 487000]]]}"#),
        "feature 1 (id GM0014): ring 1, point 1: (121000, 487000) is not a longitude and latitude in degrees; convert the file to WGS84 (EPSG:4326) first, it may be in another projection such as RD New"
    );
    assert_eq!(
        with(r#"{"type": "MultiPolygon", "coordinates": [[[[4, 52], [5, 52], [5, 53], [4, 52]]], [[[4, 52], [5, 52], [4, 52]]]]}"#),
        "feature 1 (id GM0014): polygon 2, ring 1: a ring needs at least three different points, this one has 2"
    );
    assert_eq!(
        with(r#"{"type": "Polygon", "coordinates": [[[4, 52], [5, "52"], [5, 53], [4, 52]]]}"#),
        "feature 1 (id GM0014): ring 1, point 2: [5,\"52\"] is not a pair of numbers"
    );
    assert_eq!(with(r#"{"type": "MultiPolygon", "coordinates": []}"#), "feature 1 (id GM0014): the MultiPolygon is empty");
}

#[test]
fn a_code_twice_is_refused_naming_both_features() {
    let text = format!(
        r#"{{"type": "FeatureCollection", "features": [
            {{"type": "Feature", "properties": {{"statcode": "GM0014"}}, "geometry": {SQUARE}}},
            {{"type": "Feature", "properties": {{"statcode": "GM0015"}}, "geometry": {SQUARE}}},
            {{"type": "Feature", "id": "gm0014", "properties": {{}}, "geometry": {SQUARE}}}]}}"#
    );
    assert_eq!(
        refused(&text),
        "feature 1 (id GM0014) and feature 3 (id gm0014) both have the code GM0014; a file may hold each organisation only once"
    );
}

#[test]
fn a_missing_arc_is_named_as_the_file_numbers_it() {
    let missing = TOPOLOGY.replace("[[2, -1]]", "[[532, -1]]");
    assert_eq!(
        refused(&missing),
        "object gemeente_2011, feature 2 (id GM0002): ring 1: arc 532 does not exist: the topology has 5 arcs, numbered from 0"
    );
    let reversed = TOPOLOGY.replace("[[2, -1]]", "[[2, -533]]");
    assert_eq!(
        refused(&reversed),
        "object gemeente_2011, feature 2 (id GM0002): ring 1: arc 532 does not exist (as -533, reversed): the topology has 5 arcs, numbered from 0"
    );
    let in_multipolygon = TOPOLOGY.replace("[[[3]], [[-5]]]", "[[[3]], [[-6]]]");
    assert!(refused(&in_multipolygon).starts_with("object gemeente_2011, feature 3 (id gm0003): polygon 2, ring 1: arc 5 does not exist"));
}

#[test]
fn malformed_arcs_and_transforms_are_named() {
    assert_eq!(
        refused(&TOPOLOGY.replace("[[2, 0], [0, 4]],", "[[2, 0], [0]],")),
        "arc 0: point 2: [0] is not a position: a position is a list of two numbers, [longitude, latitude]"
    );
    assert_eq!(refused(&TOPOLOGY.replace("[[2, 0], [0, 4]],", "[[2, 0]],")), "arc 0: an arc needs at least two points, this one has 1");
    assert_eq!(
        refused(&TOPOLOGY.replace("\"scale\": [0.5, 0.25]", "\"scale\": [0, 0.25]")),
        "the topology's transform: a scale of 0 would put every point in one place"
    );
    assert_eq!(
        refused(&TOPOLOGY.replace("\"translate\": [4, 52]", "\"translate\": [155000, 463000]")),
        "arc 0: point 1: (155001, 463000) is not a longitude and latitude in degrees; convert the file to WGS84 (EPSG:4326) first, it may be in another projection such as RD New"
    );
    assert_eq!(
        refused(&TOPOLOGY.replace("\"arcs\": [[0, 1]]", "\"arcs\": [[0, 1.5]]")),
        "object gemeente_2011, feature 1 (id 143204): ring 1: the number 1.5 is not an arc number"
    );
    assert_eq!(
        refused(&TOPOLOGY.replace("{\"type\": \"Polygon\", \"arcs\": [[2, -1]]", "{\"type\": \"Point\", \"coordinates\": [0, 0]")),
        "object gemeente_2011, feature 2 (id GM0002): the geometry is a Point; boundaries are Polygon or MultiPolygon"
    );
}

/// A map in ../shared/data/nl, beside the repository; the tests above do not need it.
fn shared_map(name: &str) -> String {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data/nl").join(name);
    std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("{}: {e}; this test needs the reference data beside the repository", path.display()))
}

#[test]
#[ignore = "needs ../shared/data/nl beside the repository; .ci/run runs it with --include-ignored"]
fn the_cbs_maps_of_2011_and_2026_read_whole() {
    for (name, count) in [("gemeente_2011.topojson", 418), ("gemeente_2026.topojson", 342), ("provincie_2026.topojson", 12)] {
        let text = shared_map(name);
        let boundaries = parse_boundaries(&text).unwrap();
        assert_eq!(boundaries.len(), count, "{name}");
        let extent = boundaries.extent().unwrap();
        assert!(extent.west > 3.3 && extent.east < 7.3 && extent.south > 50.7 && extent.north < 53.6, "{name}: {extent:?}");
        for shape in &boundaries.shapes {
            for ring in shape.polygons.iter().flatten() {
                assert!(ring.len() >= 4 && ring.first() == ring.last(), "{name} {}: a closed ring", shape.code);
            }
        }
    }
}
