//! Who works with whom, drawn as SVG on the server: municipalities at their centroids over the outline of the map
//! (imported boundaries, or the register's centroids as faint dots when none are imported), and a line between
//! two municipalities that share a collaboration, thicker when they share more. The table beside the picture
//! carries the same facts (each municipality with its partners), so the picture is an image with a summary label.

use std::collections::BTreeMap;
use std::fmt::Write;

use domain::collaboration::Edge;
use domain::geo::{Boundaries, Extent, Projection};
use domain::register::{Centroid, OrgCode};

use super::bars::escape;
use super::map::{MARGIN, STROKE, WIDTH, drawing_height, path_data, tenths};

/// What the picture is drawn over.
pub enum Outline {
    Boundaries(Boundaries),
    /// The centroids of the municipalities of the division, drawn as faint dots.
    Centroids(Vec<Centroid>),
}

/// A municipality in the network, with where it is drawn.
pub struct Node {
    pub code: OrgCode,
    pub name: String,
    pub centroid: Centroid,
}

const OUTLINE_FILL: &str = "#f3f3f3";
const OUTLINE_STROKE: &str = "#b4b4b4";
/// The lines and nodes: 8.9:1 and 13.6:1 against the outline's fill (WCAG 1.4.11 asks 3:1).
const EDGE: &str = "#1764ab";
const NODE: &str = "#08306b";

/// Draws `nodes` and the `edges` between them over `outline`. `label` says what the picture shows; the count of
/// municipalities and lines is added to it.
pub fn network(outline: &Outline, nodes: &[Node], edges: &[Edge], label: &str) -> String {
    let extent = match outline {
        Outline::Boundaries(boundaries) => boundaries.extent(),
        Outline::Centroids(centroids) => Extent::of(centroids.iter().map(|c| [c.lon, c.lat])),
    }
    .or_else(|| Extent::of(nodes.iter().map(|n| [n.centroid.lon, n.centroid.lat])));
    let summary = format!("{label}: {} gemeenten, {} verbindingen", nodes.len(), edges.len());
    let Some(extent) = extent else {
        return format!(
            r#"<svg class="chart map network" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} 100" width="100%" role="img" aria-label="{label}"><text x="300" y="55" text-anchor="middle" font-size="18" fill="{STROKE}">Geen gemeenten om te tonen</text></svg>"#,
            label = escape(&summary)
        );
    };
    let height = drawing_height(extent);
    let projection = Projection::fit(extent, WIDTH, height, MARGIN);
    let mut svg = format!(
        r#"<svg class="chart map network" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" width="100%" role="img" aria-label="{label}">"#,
        label = escape(&summary)
    );
    let _ = write!(svg, r#"<g class="network__outline" fill="{OUTLINE_FILL}" stroke="{OUTLINE_STROKE}" stroke-width="0.5">"#);
    match outline {
        Outline::Boundaries(boundaries) => {
            for shape in &boundaries.shapes {
                let path = path_data(&shape.polygons, &projection);
                if !path.is_empty() {
                    let _ = write!(svg, r#"<path fill-rule="evenodd" d="{path}"/>"#);
                }
            }
        }
        Outline::Centroids(centroids) => {
            for centroid in centroids {
                let [x, y] = projection.project([centroid.lon, centroid.lat]);
                let _ = write!(svg, r#"<circle cx="{}" cy="{}" r="2"/>"#, tenths(x), tenths(y));
            }
        }
    }
    svg.push_str("</g>");
    let at: BTreeMap<&OrgCode, [f64; 2]> = nodes.iter().map(|n| (&n.code, projection.project([n.centroid.lon, n.centroid.lat]))).collect();
    let _ = write!(svg, r#"<g class="network__edges" stroke="{EDGE}" stroke-linecap="round">"#);
    for edge in edges {
        if let (Some([x1, y1]), Some([x2, y2])) = (at.get(&edge.from), at.get(&edge.to)) {
            let _ = write!(
                svg,
                r#"<line data-from="{}" data-to="{}" x1="{}" y1="{}" x2="{}" y2="{}" stroke-width="{}"/>"#,
                edge.from.as_str(),
                edge.to.as_str(),
                tenths(*x1),
                tenths(*y1),
                tenths(*x2),
                tenths(*y2),
                1.5 + (edge.shared.min(4) - 1) as f64
            );
        }
    }
    svg.push_str("</g>");
    let _ = write!(svg, r##"<g class="network__nodes" fill="{NODE}" stroke="#ffffff" stroke-width="1">"##);
    for node in nodes {
        let Some([x, y]) = at.get(&node.code).copied() else { continue };
        let _ = write!(
            svg,
            r#"<circle data-code="{}" cx="{}" cy="{}" r="4.5"><title>{}</title></circle>"#,
            node.code.as_str(),
            tenths(x),
            tenths(y),
            escape(&node.name)
        );
    }
    svg.push_str("</g></svg>");
    svg
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    fn code(text: &str) -> OrgCode {
        OrgCode::parse(text).unwrap()
    }

    #[test]
    fn nodes_and_edges_are_drawn_over_the_centroids_of_the_division() {
        let outline =
            Outline::Centroids(vec![Centroid { lat: 52.0, lon: 5.0 }, Centroid { lat: 53.0, lon: 6.0 }, Centroid { lat: 52.5, lon: 5.5 }]);
        let nodes = vec![
            Node { code: code("GM0193"), name: "Zwolle".into(), centroid: Centroid { lat: 52.5, lon: 6.0 } },
            Node { code: code("GM0166"), name: "Kampen & co".into(), centroid: Centroid { lat: 52.55, lon: 5.9 } },
        ];
        let edges = vec![Edge { from: code("GM0166"), to: code("GM0193"), shared: 2 }];
        let svg = network(&outline, &nodes, &edges, "Samenwerkingen");
        assert!(svg.starts_with("<svg ") && svg.ends_with("</svg>"));
        assert!(svg.contains(r#"role="img" aria-label="Samenwerkingen: 2 gemeenten, 1 verbindingen""#), "{svg}");
        assert_eq!(svg.matches("<circle").count(), 3 + 2, "three dots of the outline, two municipalities");
        assert_eq!(svg.matches("<line ").count(), 1);
        assert!(svg.contains(r#"data-from="GM0166" data-to="GM0193""#) && svg.contains(r#"stroke-width="2.5""#), "{svg}");
        assert!(svg.contains("<title>Kampen &amp; co</title>"));
        assert!(!svg.contains("style"), "the Content-Security-Policy forbids inline style");
    }

    #[test]
    fn without_anything_to_place_the_picture_says_so() {
        let svg = network(&Outline::Centroids(Vec::new()), &[], &[], "Samenwerkingen");
        assert!(svg.contains("Geen gemeenten om te tonen") && svg.contains(r#"aria-label="Samenwerkingen: 0 gemeenten, 0 verbindingen""#));
    }
}
