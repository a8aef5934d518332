//! The map of municipalities coloured by a figure (a choropleth), drawn as SVG on the server.
//!
//! Shapes come from imported boundaries, or, when none are imported, from the register's centroids as circles.
//! Colours are set as attributes (`fill`, `stroke`), never as inline styles, because the Content-Security-Policy
//! forbids those. The legend is HTML beside the SVG, so that it stays readable when the map is drawn small. The
//! table beside the map carries the same figures for those who cannot see it.

use std::collections::BTreeMap;
use std::fmt::Write;

use domain::geo::{Boundaries, Extent, Position, Projection};
use domain::register::{OrgCode, Organisation};

use super::bars::escape;
use crate::format;

/// What the map draws each organisation as.
pub enum MapShapes<'a> {
    /// Imported boundaries, named from the register: a code without a name is titled by its code.
    Boundaries { boundaries: &'a Boundaries, names: &'a BTreeMap<OrgCode, String> },
    /// The register's centroids, drawn as circles, for when no boundaries are imported.
    Centroids(Vec<CentroidMark>),
}

/// An organisation drawn as a circle at its centroid.
#[derive(Clone, Debug, PartialEq)]
pub struct CentroidMark {
    pub code: OrgCode,
    pub name: String,
    pub lat: f64,
    pub lon: f64,
}

impl MapShapes<'static> {
    /// The centroids of those `organisations` that have one.
    pub fn centroids(organisations: &[Organisation]) -> Self {
        MapShapes::Centroids(
            organisations
                .iter()
                .filter_map(|o| o.centroid.map(|c| CentroidMark { code: o.code.clone(), name: o.name.clone(), lat: c.lat, lon: c.lon }))
                .collect(),
        )
    }
}

/// One organisation's figure, or why it has none. An organisation missing from the values is drawn as having no
/// figure ("geen gegevens").
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum MapValue {
    /// In the legend's unit: a share of 0..=1 for `ValueFormat::Percent`.
    Figure(f64),
    /// Asked, but it did not answer.
    NoAnswer,
    /// Not asked: not in the wave.
    NotAsked,
}

/// How figures read in titles and the legend.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ValueFormat {
    /// A share of 0..=1 written as a percentage: 0.374 with 0 places is "37%".
    Percent { places: usize },
    /// A number as it is: 12.5 with 1 place is "12,5". For maps of counts, which no page draws yet.
    #[cfg_attr(not(test), allow(dead_code))]
    Number { places: usize },
}

/// The five classes the figures are coloured in, and what the map shows.
#[derive(Clone, Debug, PartialEq)]
pub struct Legend {
    title: String,
    edges: [f64; CLASSES + 1],
    format: ValueFormat,
}

/// Five classes: more are hard to tell apart on a map.
const CLASSES: usize = 5;

/// A sequential blue palette, light to dark, with steps of 1.4:1 or more in contrast between neighbours. The
/// lightest still differs from the white-and-grey hatching of "no figure".
const PALETTE: [&str; CLASSES] = ["#cfe1f2", "#93c4de", "#4a98c9", "#1764ab", "#08306b"];
/// Outlines: 8.5:1 against white (WCAG 1.4.11 asks 3:1 of graphical objects).
pub(super) const STROKE: &str = "#4d4d4d";
/// The lines of the "no figure" hatching: 4.5:1 against white.
const HATCH: &str = "#767676";

pub(super) const WIDTH: f64 = 600.0;
pub(super) const MARGIN: f64 = 10.0;
const CIRCLE_RADIUS: f64 = 5.0;

impl Legend {
    /// `edges` are the six bounds of the five classes, ascending: class 1 runs from `edges[0]` up to (not
    /// including) `edges[1]`, class 5 from `edges[4]` up to and including `edges[5]`. Figures beyond the ends
    /// fall in the first or last class. For maps of other figures than shares, which no page draws yet.
    #[cfg_attr(not(test), allow(dead_code))]
    pub fn new(title: impl Into<String>, edges: [f64; CLASSES + 1], format: ValueFormat) -> Result<Legend, String> {
        if edges.iter().any(|edge| !edge.is_finite()) || edges.windows(2).any(|pair| pair[0] >= pair[1]) {
            return Err(format!("the class bounds {edges:?} must be numbers that rise from each to the next"));
        }
        Ok(Legend { title: title.into(), edges, format })
    }

    /// Shares (0..=1) in five classes of 20 percentage points.
    pub fn shares(title: impl Into<String>) -> Legend {
        Legend { title: title.into(), edges: [0.0, 0.2, 0.4, 0.6, 0.8, 1.0], format: ValueFormat::Percent { places: 0 } }
    }

    /// The class of a figure, from 0.
    pub fn class_of(&self, figure: f64) -> usize {
        self.edges[1..CLASSES].iter().filter(|edge| figure >= **edge).count()
    }

    /// "20% tot 40%"; the last class says "tot en met", because it includes its upper bound.
    pub fn label(&self, class: usize) -> String {
        let class = class.min(CLASSES - 1);
        let upto = if class == CLASSES - 1 { "tot en met" } else { "tot" };
        format!("{} {upto} {}", self.format(self.edges[class]), self.format(self.edges[class + 1]))
    }

    /// A figure as the legend writes it: "37%".
    pub fn format(&self, figure: f64) -> String {
        match self.format {
            ValueFormat::Percent { places } => format!("{}%", format::decimal(figure * 100.0, places)),
            ValueFormat::Number { places } => format::decimal(figure, places),
        }
    }

    fn describe(&self, value: Option<&MapValue>) -> String {
        match value {
            Some(MapValue::Figure(figure)) if figure.is_finite() => self.format(*figure),
            Some(MapValue::NoAnswer) => "geen antwoord".into(),
            Some(MapValue::NotAsked) => "niet gevraagd".into(),
            Some(MapValue::Figure(_)) | None => "geen gegevens".into(),
        }
    }

    /// The fill and class of a shape with `value`.
    fn paint(&self, value: Option<&MapValue>, no_figure: &str) -> (String, String) {
        match value {
            Some(MapValue::Figure(figure)) if figure.is_finite() => {
                let class = self.class_of(*figure);
                (PALETTE[class].to_owned(), format!("map__area--class-{}", class + 1))
            }
            _ => (format!("url(#{no_figure})"), "map__area--none".to_owned()),
        }
    }

    /// An id for this map's elements that differs between maps of different titles on one page.
    fn id(&self) -> String {
        // FNV-1a: stable across runs and builds, unlike the standard library's hasher.
        let hash = self.title.bytes().fold(0x811c_9dc5_u32, |hash, byte| (hash ^ u32::from(byte)).wrapping_mul(0x0100_0193));
        format!("map-{hash:08x}")
    }
}

/// The map and its legend.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MapDrawing {
    /// An `<svg role="img">` labelled with the legend's title.
    pub svg: String,
    /// A `<ul class="map-legend">` of the five classes and "no figure", each with a swatch; empty when the map
    /// has nothing to show.
    pub legend_html: String,
}

/// Draws `shapes` coloured by `values` in the classes of `legend`.
pub fn choropleth(shapes: &MapShapes<'_>, values: &BTreeMap<OrgCode, MapValue>, legend: &Legend) -> MapDrawing {
    let (extent, count) = match shapes {
        MapShapes::Boundaries { boundaries, .. } => (boundaries.extent(), boundaries.len()),
        MapShapes::Centroids(marks) => (Extent::of(marks.iter().map(|m| [m.lon, m.lat])), marks.len()),
    };
    let Some(extent) = extent else {
        return MapDrawing { svg: empty_map(legend), legend_html: String::new() };
    };
    let height = drawing_height(extent);
    let projection = Projection::fit(extent, WIDTH, height, MARGIN);
    let id = legend.id();
    let no_figure = format!("{id}-none");
    let mut svg = format!(
        r#"<svg class="chart map" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" width="100%" role="img" aria-label="{label}"><defs>{pattern}</defs><g stroke="{STROKE}" stroke-linejoin="round">"#,
        label = escape(&format!("Kaart: {}, per gemeente ({count} gebieden)", legend.title)),
        pattern = hatch_pattern(&no_figure),
    );
    let title =
        |code: &OrgCode, name: Option<&str>| escape(&format!("{}: {}", name.unwrap_or(code.as_str()), legend.describe(values.get(code))));
    match shapes {
        MapShapes::Boundaries { boundaries, names } => {
            for shape in &boundaries.shapes {
                let (fill, class) = legend.paint(values.get(&shape.code), &no_figure);
                let title = title(&shape.code, names.get(&shape.code).map(String::as_str));
                let code = shape.code.as_str();
                let path = path_data(&shape.polygons, &projection);
                if path.is_empty() {
                    // Smaller than the rounding at this scale: a dot keeps it on the map, with its title.
                    let [x, y] = shape
                        .polygons
                        .first()
                        .and_then(|p| p.first())
                        .and_then(|r| r.first())
                        .map_or([0.0, 0.0], |p| projection.project(*p));
                    let _ = write!(
                        svg,
                        r#"<circle class="map__area {class}" data-code="{code}" cx="{}" cy="{}" r="1.5" fill="{fill}" stroke-width="0.5"><title>{title}</title></circle>"#,
                        tenths(x),
                        tenths(y)
                    );
                } else {
                    let _ = write!(
                        svg,
                        r#"<path class="map__area {class}" data-code="{code}" fill="{fill}" fill-rule="evenodd" stroke-width="0.5" d="{path}"><title>{title}</title></path>"#
                    );
                }
            }
        }
        MapShapes::Centroids(marks) => {
            for mark in marks {
                let (fill, class) = legend.paint(values.get(&mark.code), &no_figure);
                let [x, y] = projection.project([mark.lon, mark.lat]);
                let _ = write!(
                    svg,
                    r#"<circle class="map__area {class}" data-code="{code}" cx="{x}" cy="{y}" r="{CIRCLE_RADIUS}" fill="{fill}" stroke-width="0.75"><title>{title}</title></circle>"#,
                    code = mark.code.as_str(),
                    x = tenths(x),
                    y = tenths(y),
                    title = title(&mark.code, Some(&mark.name)),
                );
            }
        }
    }
    svg.push_str("</g></svg>");
    MapDrawing { svg, legend_html: legend_html(legend) }
}

/// The drawing is 600 wide and as high as the area's shape asks (the Netherlands: about 700), within bounds so
/// that a strip of land or a single point still gives a usable picture.
pub(super) fn drawing_height(extent: Extent) -> f64 {
    let stretch = ((extent.south + extent.north) / 2.0).to_radians().cos().max(0.01);
    let (span_x, span_y) = ((extent.east - extent.west) * stretch, extent.north - extent.south);
    if span_x <= 0.0 || span_y <= 0.0 {
        return 700.0;
    }
    (MARGIN * 2.0 + (WIDTH - MARGIN * 2.0) * span_y / span_x).clamp(200.0, 900.0).round()
}

/// Every ring as `M x y L x y x y … Z`, in tenths of a unit: finer than a screen shows, and it keeps a map of
/// the Netherlands to a few hundred kilobytes. Points that round onto the one before are dropped, and rings that
/// shrink below three points with them.
pub(super) fn path_data(polygons: &[Vec<Vec<Position>>], projection: &Projection) -> String {
    let mut path = String::new();
    for polygon in polygons {
        for (index, ring) in polygon.iter().enumerate() {
            let mut points: Vec<(i64, i64)> = Vec::with_capacity(ring.len());
            for position in ring {
                let [x, y] = projection.project(*position);
                let point = (tenth_units(x), tenth_units(y));
                if points.last() != Some(&point) {
                    points.push(point);
                }
            }
            if points.len() > 1 && points.first() == points.last() {
                points.pop();
            }
            if points.len() < 3 {
                if index == 0 {
                    break; // Without its outer ring a polygon's holes mean nothing.
                }
                continue;
            }
            for (n, (x, y)) in points.iter().enumerate() {
                let command = match n {
                    0 => "M",
                    1 => "L",
                    _ => " ",
                };
                let _ = write!(path, "{command}{} {}", units(*x), units(*y));
            }
            path.push('Z');
        }
    }
    path
}

fn tenth_units(value: f64) -> i64 {
    (value * 10.0).round() as i64
}

/// Tenths as a number: 123 is "12.3", 120 is "12".
fn units(tenth_units: i64) -> String {
    let (sign, magnitude) = if tenth_units < 0 { ("-", tenth_units.unsigned_abs()) } else { ("", tenth_units.unsigned_abs()) };
    match magnitude % 10 {
        0 => format!("{sign}{}", magnitude / 10),
        tenth => format!("{sign}{}.{tenth}", magnitude / 10),
    }
}

pub(super) fn tenths(value: f64) -> String {
    units(tenth_units(value))
}

/// Diagonal grey lines on white: "no figure" must not look like the lightest class.
fn hatch_pattern(id: &str) -> String {
    format!(
        r##"<pattern id="{id}" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)"><rect width="6" height="6" fill="#ffffff"/><line x1="0" y1="0" x2="0" y2="6" stroke="{HATCH}" stroke-width="2"/></pattern>"##
    )
}

fn empty_map(legend: &Legend) -> String {
    format!(
        r#"<svg class="chart map" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} 100" width="100%" role="img" aria-label="{label}"><text x="300" y="55" text-anchor="middle" font-size="18" fill="{STROKE}">Geen gebieden om te tonen</text></svg>"#,
        label = escape(&format!("Kaart: {}: geen gebieden om te tonen", legend.title)),
    )
}

/// The legend as a list: a swatch drawn as a small SVG (the CSP allows no inline style to colour a box) and the
/// class in words.
fn legend_html(legend: &Legend) -> String {
    let swatch = |inner: &str| {
        format!(
            r#"<svg class="map-legend__swatch" width="24" height="16" viewBox="0 0 24 16" aria-hidden="true" focusable="false">{inner}</svg>"#
        )
    };
    let mut html = format!(r#"<ul class="map-legend" aria-label="{}">"#, escape(&format!("Legenda: {}", legend.title)));
    for (class, colour) in PALETTE.iter().enumerate() {
        let rect = format!(r#"<rect x="0.5" y="0.5" width="23" height="15" fill="{colour}" stroke="{STROKE}"/>"#);
        let _ = write!(html, r#"<li class="map-legend__item">{} {}</li>"#, swatch(&rect), escape(&legend.label(class)));
    }
    // Drawn without a pattern, whose id would have to be unique on the page a second time.
    let hatched = format!(
        r##"<rect x="0.5" y="0.5" width="23" height="15" fill="#ffffff" stroke="{STROKE}"/><path d="M0 12L12 0M4 16L20 0M12 16L24 4" stroke="{HATCH}" stroke-width="2"/>"##
    );
    let _ = write!(html, r#"<li class="map-legend__item">{} geen antwoord, niet gevraagd of geen gegevens</li>"#, swatch(&hatched));
    html.push_str("</ul>");
    html
}

#[cfg(test)]
mod tests {
    use domain::geo::Boundary;

    use super::*;

    fn code(text: &str) -> OrgCode {
        OrgCode::parse(text).unwrap()
    }

    /// Two unit squares side by side at 52° north.
    fn two_squares() -> Boundaries {
        let square = |text: &str, west: f64| Boundary {
            code: code(text),
            polygons: vec![vec![vec![[west, 52.0], [west + 1.0, 52.0], [west + 1.0, 53.0], [west, 53.0], [west, 52.0]]]],
        };
        Boundaries { shapes: vec![square("GM0796", 5.0), square("GM1900", 6.0)] }
    }

    fn names() -> BTreeMap<OrgCode, String> {
        BTreeMap::from([(code("GM0796"), "'s-Hertogenbosch".to_owned()), (code("GM1900"), "Súdwest-Fryslân <&>".to_owned())])
    }

    fn elements<'a>(svg: &'a str, tag: &str) -> Vec<&'a str> {
        svg.match_indices(&format!("<{tag} ")).map(|(start, _)| &svg[start..start + svg[start..].find('>').unwrap()]).collect()
    }

    #[test]
    fn two_municipalities_give_two_paths_in_their_classes_with_escaped_titles() {
        let boundaries = two_squares();
        let names = names();
        let values = BTreeMap::from([(code("GM0796"), MapValue::Figure(0.37)), (code("GM1900"), MapValue::NoAnswer)]);
        let legend = Legend::shares("Aandeel bouwstenen in gebruik");
        let drawing = choropleth(&MapShapes::Boundaries { boundaries: &boundaries, names: &names }, &values, &legend);
        let svg = &drawing.svg;

        let paths = elements(svg, "path");
        assert_eq!(paths.len(), 2, "{svg}");
        assert!(paths[0].contains(r#"class="map__area map__area--class-2""#) && paths[0].contains(r##"fill="#93c4de""##), "{}", paths[0]);
        assert!(paths[1].contains("map__area--none") && paths[1].contains(r#"fill="url(#map-"#), "{}", paths[1]);
        assert!(svg.contains("<title>&#39;s-Hertogenbosch: 37%</title>"), "{svg}");
        assert!(svg.contains("<title>Súdwest-Fryslân &lt;&amp;&gt;: geen antwoord</title>"), "{svg}");
        assert!(svg.starts_with("<svg ") && svg.ends_with("</svg>"));
        assert!(svg.contains(r#"role="img" aria-label="Kaart: Aandeel bouwstenen in gebruik, per gemeente (2 gebieden)""#));
        assert!(!svg.contains("style") && !svg.contains("<script"), "the Content-Security-Policy forbids inline style and script");
        assert_eq!(svg.matches("<pattern id=\"").count(), 1);

        // Two squares of one degree, 52° to 53° north: together 2 × cos 52.5° = 1.2175 wide for 1 high. In 600
        // wide with margins of 10 that is 580 / 1.2175 = 476.4 high, so the drawing is 496 high. Fitted into its
        // 476 of height, one degree is 476 units, the pair 579.6 wide, centred from x = 10.2; the first square
        // ends at 10.2 + 0.6088 × 476 = 300.0.
        assert!(svg.contains(r#"viewBox="0 0 600 496""#), "{svg}");
        assert!(paths[0].contains(r#"d="M10.2 486L300 486 300 10 10.2 10Z""#), "{}", paths[0]);
        assert!(paths[1].contains(r#"d="M300 486L589.8 486 589.8 10 300 10Z""#), "{}", paths[1]);
    }

    #[test]
    fn the_legend_has_five_classes_and_no_figure_with_swatches() {
        let legend = Legend::shares("Aandeel & meer");
        let drawing = choropleth(&MapShapes::Boundaries { boundaries: &two_squares(), names: &BTreeMap::new() }, &BTreeMap::new(), &legend);
        let html = &drawing.legend_html;
        assert_eq!(html.matches("<li").count(), 6, "{html}");
        assert!(html.contains("0% tot 20%") && html.contains("80% tot en met 100%"), "{html}");
        assert!(html.contains(r#"aria-label="Legenda: Aandeel &amp; meer""#));
        for colour in PALETTE {
            assert!(html.contains(colour));
        }
        assert!(!html.contains("style"));
        assert!(drawing.svg.contains("<title>GM0796: geen gegevens</title>"), "no name, no value: {}", drawing.svg);
    }

    #[test]
    fn classes_take_their_lower_bound_and_the_last_its_upper() {
        let legend = Legend::shares("x");
        let classes: Vec<usize> = [-0.1, 0.0, 0.19, 0.2, 0.5, 0.8, 1.0, 1.5].iter().map(|f| legend.class_of(*f)).collect();
        assert_eq!(classes, [0, 0, 0, 1, 2, 4, 4, 4]);
        assert_eq!(legend.format(0.374), "37%");
        let numbers = Legend::new("Bouwstenen", [0.0, 2.5, 5.0, 7.5, 10.0, 18.0], ValueFormat::Number { places: 1 }).unwrap();
        assert_eq!(numbers.label(1), "2,5 tot 5,0");
        assert!(Legend::new("x", [0.0, 0.2, 0.2, 0.6, 0.8, 1.0], ValueFormat::Number { places: 0 }).is_err());
        assert!(Legend::new("x", [0.0, 0.2, f64::NAN, 0.6, 0.8, 1.0], ValueFormat::Number { places: 0 }).is_err());
    }

    #[test]
    fn without_boundaries_the_centroids_are_drawn_as_circles() {
        let marks = vec![
            CentroidMark { code: code("GM0363"), name: "Amsterdam".into(), lat: 52.37, lon: 4.9 },
            CentroidMark { code: code("GM0014"), name: "Groningen".into(), lat: 53.22, lon: 6.57 },
            CentroidMark { code: code("GM0935"), name: "Maastricht".into(), lat: 50.85, lon: 5.69 },
        ];
        let values = BTreeMap::from([(code("GM0363"), MapValue::Figure(0.9)), (code("GM0014"), MapValue::NotAsked)]);
        let drawing = choropleth(&MapShapes::Centroids(marks), &values, &Legend::shares("Aandeel"));
        let circles = elements(&drawing.svg, "circle");
        assert_eq!(circles.len(), 3);
        assert!(elements(&drawing.svg, "path").is_empty());
        assert!(circles[0].contains(r##"fill="#08306b""##) && circles[0].contains("map__area--class-5"), "{}", circles[0]);
        assert!(drawing.svg.contains("<title>Groningen: niet gevraagd</title>"));
        assert!(drawing.svg.contains("<title>Maastricht: geen gegevens</title>"));
        // Groningen is furthest north, Maastricht furthest south. Three points spread 2.4° north to south and 1.0°
        // east to west ask for a drawing taller than 900, the most it gets: the top and bottom margins are theirs.
        assert!(circles[1].contains(r#"cy="10""#) && circles[2].contains(r#"cy="890""#), "{circles:?}");
    }

    #[test]
    fn nothing_to_draw_says_so_in_a_valid_svg() {
        let legend = Legend::shares("Aandeel");
        for shapes in
            [MapShapes::Centroids(Vec::new()), MapShapes::Boundaries { boundaries: &Boundaries::default(), names: &BTreeMap::new() }]
        {
            let drawing = choropleth(&shapes, &BTreeMap::new(), &legend);
            assert!(drawing.svg.starts_with("<svg ") && drawing.svg.ends_with("</svg>"));
            assert!(drawing.svg.contains(r#"role="img" aria-label="Kaart: Aandeel: geen gebieden om te tonen""#));
            assert!(drawing.svg.contains(">Geen gebieden om te tonen</text>"));
            assert!(drawing.legend_html.is_empty());
        }
    }

    #[test]
    fn points_that_round_together_are_dropped_and_a_speck_becomes_a_dot() {
        let projection = Projection::fit(Extent { west: 0.0, south: 0.0, east: 1.0, north: 1.0 }, 100.0, 100.0, 0.0);
        // 1e-4 degrees is 0.01 units here: the second point rounds onto the first.
        let ring = vec![[0.0, 0.0], [0.0001, 0.0], [1.0, 0.0], [1.0, 1.0], [0.0, 0.0]];
        assert_eq!(path_data(&[vec![ring]], &projection), "M0 100L100 100 100 0Z");
        let speck = vec![[0.5, 0.5], [0.5001, 0.5], [0.5, 0.5001], [0.5, 0.5]];
        assert_eq!(path_data(&[vec![speck]], &projection), "");
        // In a map 580 units across for one degree, a millionth of a degree is far below a tenth of a unit.
        let speck = vec![[0.5, 0.5], [0.500001, 0.5], [0.5, 0.500001], [0.5, 0.5]];
        let boundaries = Boundaries {
            shapes: vec![
                Boundary { code: code("GM0001"), polygons: vec![vec![vec![[0.0, 0.0], [1.0, 0.0], [1.0, 1.0], [0.0, 0.0]]]] },
                Boundary { code: code("GM0002"), polygons: vec![vec![speck]] },
            ],
        };
        // Every seventh without an answer, the rest spread over the classes.
        let values: BTreeMap<OrgCode, MapValue> = boundaries
            .shapes
            .iter()
            .enumerate()
            .map(|(i, s)| (s.code.clone(), if i % 7 == 0 { MapValue::NoAnswer } else { MapValue::Figure((i % 10) as f64 / 10.0) }))
            .collect();
        let drawing =
            choropleth(&MapShapes::Boundaries { boundaries: &boundaries, names: &BTreeMap::new() }, &values, &Legend::shares("x"));
        assert_eq!(elements(&drawing.svg, "circle").len(), 1, "{}", drawing.svg);
        assert_eq!(units(-15), "-1.5");
        assert_eq!(units(120), "12");
    }

    #[test]
    #[ignore = "needs ../shared/data/nl beside the repository; .ci/run runs it with --include-ignored"]
    fn the_cbs_map_of_2011_draws_small() {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data/nl/gemeente_2011.topojson");
        let text = std::fs::read_to_string(&path)
            .unwrap_or_else(|e| panic!("{}: {e}; this test needs the reference data beside the repository", path.display()));
        let boundaries = domain::geo::parse_boundaries(&text).unwrap();
        // Every seventh without an answer, the rest spread over the classes.
        let values: BTreeMap<OrgCode, MapValue> = boundaries
            .shapes
            .iter()
            .enumerate()
            .map(|(i, s)| (s.code.clone(), if i % 7 == 0 { MapValue::NoAnswer } else { MapValue::Figure((i % 10) as f64 / 10.0) }))
            .collect();
        let drawing =
            choropleth(&MapShapes::Boundaries { boundaries: &boundaries, names: &BTreeMap::new() }, &values, &Legend::shares("x"));
        assert_eq!(elements(&drawing.svg, "path").len() + elements(&drawing.svg, "circle").len(), 418);
        assert!(drawing.svg.contains(r#"viewBox="0 0 600 7"#), "about 600 × 700: {}", &drawing.svg[..200]);
        assert!(drawing.svg.len() < 200_000, "about 135 kB with tenths: {} bytes", drawing.svg.len());
    }
}
