//! `inbeeld import boundaries` as a user runs it: the real binary, maps the test makes, a real database; and the
//! CBS map of 2011 from ../shared, beside the repository (ignored unless asked for, as CI does).

use std::path::{Path, PathBuf};

use store::Store;

use crate::cli::{inbeeld, workspace, write};

async fn stored_years(database: &str) -> Vec<(i32, usize)> {
    Store::connect(database).await.unwrap().boundary_years().await.unwrap()
}

/// Two squares sharing an edge, quantised and delta-encoded: Amsterdam (GM0363) and a code no register holds.
const TOPOLOGY: &str = r#"{"type": "Topology",
  "transform": {"scale": [0.5, 0.25], "translate": [4, 52]},
  "arcs": [[[2, 0], [0, 4]], [[2, 4], [-2, 0], [0, -4], [2, 0]], [[2, 0], [2, 0], [0, 4], [-2, 0]]],
  "objects": {"gemeente_2011": {"type": "GeometryCollection", "geometries": [
    {"type": "Polygon", "arcs": [[0, 1]], "id": "GM0363", "properties": {"statcode": "GM0363", "statnaam": "Amsterdam"}},
    {"type": "Polygon", "arcs": [[2, -1]], "id": "GM9999", "properties": {"statcode": "GM9999", "statnaam": "Nergens"}}]}}}"#;

const REGISTER: &str = "code,name,province_code,valid_from,valid_to,successors
PV27,Noord-Holland,,2011-01-01,,
GM0363,Amsterdam,PV27,2011-01-01,,
";

#[tokio::test]
async fn boundaries_import_once_and_a_reimport_changes_nothing() {
    let (folder, db) = workspace();
    let register = write(folder.path(), "register.csv", REGISTER);
    assert!(inbeeld(&db, &["import", "register", register.to_str().unwrap()]).ok);
    let map = write(folder.path(), "gemeenten.topojson", TOPOLOGY);
    let map = map.to_str().unwrap();

    let first = inbeeld(&db, &["import", "boundaries", map, "--year", "2011"]);
    assert!(first.ok, "{}", first.stderr);
    assert!(first.stdout.contains("boundaries 2011: 2 shapes; 2 added, 0 updated, 0 unchanged, 0 removed"), "{}", first.stdout);
    assert!(first.stderr.contains("warning: 1 of 2 code(s) are not in the register"), "{}", first.stderr);
    assert!(first.stderr.contains("on the map: GM9999"), "{}", first.stderr);

    let again = inbeeld(&db, &["import", "boundaries", map, "--year", "2011"]);
    assert!(again.stdout.contains("2 shapes; 0 added, 0 updated, 2 unchanged, 0 removed"), "{}", again.stdout);
    assert_eq!(stored_years(&db).await, vec![(2011, 2)]);
}

#[tokio::test]
async fn a_bad_file_is_refused_with_its_problem_and_nothing_is_stored() {
    let (folder, db) = workspace();
    let broken = write(folder.path(), "broken.topojson", &TOPOLOGY.replace("[[2, -1]]", "[[2, -533]]"));
    let run = inbeeld(&db, &["import", "boundaries", broken.to_str().unwrap(), "--year", "2011"]);
    assert!(!run.ok);
    let expected = format!(
        "{}: object gemeente_2011, feature 2 (id GM9999): ring 1: arc 532 does not exist (as -533, reversed): the topology has 3 arcs, numbered from 0; nothing was imported",
        broken.display()
    );
    assert!(run.stderr.contains(&expected), "expected {expected}\n{}", run.stderr);

    let csv = write(folder.path(), "register.csv", REGISTER);
    let not_a_map = inbeeld(&db, &["import", "boundaries", csv.to_str().unwrap(), "--year", "2011"]);
    assert!(!not_a_map.ok && not_a_map.stderr.contains("not GeoJSON or TopoJSON: the text is not JSON"), "{}", not_a_map.stderr);
    let missing = inbeeld(&db, &["import", "boundaries", "/nonexistent/map.json", "--year", "2011"]);
    assert!(!missing.ok && missing.stderr.contains("cannot read /nonexistent/map.json"), "{}", missing.stderr);
    assert!(stored_years(&db).await.is_empty());
}

#[test]
fn the_year_is_required_and_must_be_plausible() {
    let (folder, db) = workspace();
    let map = write(folder.path(), "gemeenten.topojson", TOPOLOGY);
    let without = inbeeld(&db, &["import", "boundaries", map.to_str().unwrap()]);
    assert!(!without.ok && without.stderr.contains("--year <YEAR>"), "{}", without.stderr);
    let far = inbeeld(&db, &["import", "boundaries", map.to_str().unwrap(), "--year", "211"]);
    assert!(!far.ok && far.stderr.contains("211 is not in 1800..=2100"), "{}", far.stderr);
}

#[tokio::test(flavor = "multi_thread")]
async fn boundaries_are_fetched_from_a_url() {
    let (_folder, db) = workspace();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let app = axum::Router::new().route("/gemeente_2026.topojson", axum::routing::get(|| async { TOPOLOGY }));
    tokio::spawn(async move { axum::serve(listener, app).await });

    let run_blocking = |args: Vec<String>| {
        let db = db.clone();
        tokio::task::spawn_blocking(move || inbeeld(&db, &args.iter().map(String::as_str).collect::<Vec<_>>()))
    };
    let url = format!("{base}/gemeente_2026.topojson");
    let fetched = run_blocking(vec!["import".into(), "boundaries".into(), url.clone(), "--year".into(), "2026".into()]).await.unwrap();
    assert!(fetched.ok, "{}", fetched.stderr);
    assert!(fetched.stdout.contains(&format!("{url}: boundaries 2026: 2 shapes; 2 added")), "{}", fetched.stdout);
    assert!(fetched.stderr.contains("2 of 2 code(s) are not in the register"), "an empty register: {}", fetched.stderr);

    let gone = format!("{base}/gemeente_2027.topojson");
    let refused = run_blocking(vec!["import".into(), "boundaries".into(), gone.clone(), "--year".into(), "2027".into()]).await.unwrap();
    assert!(!refused.ok && refused.stderr.contains(&format!("{gone} answered 404 Not Found; nothing was imported")), "{}", refused.stderr);
    assert_eq!(stored_years(&db).await, vec![(2026, 2)]);
}

/// A CBS map from ../shared/data/nl, beside the repository.
fn shared_map(name: &str) -> PathBuf {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data/nl").join(name);
    assert!(path.exists(), "{} is not there: this test needs the reference data beside the repository", path.display());
    path
}

#[tokio::test]
#[ignore = "needs ../shared/data/nl beside the repository; .ci/run runs it with --include-ignored"]
async fn the_cbs_map_of_2011_imports_whole() {
    let map = shared_map("gemeente_2011.topojson");
    let (_folder, db) = workspace();
    let register = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../data/register/register.csv");
    assert!(inbeeld(&db, &["import", "register", register.to_str().unwrap()]).ok);
    let run = inbeeld(&db, &["import", "boundaries", map.to_str().unwrap(), "--year", "2011"]);
    assert!(run.ok, "{}", run.stderr);
    assert!(run.stdout.contains("boundaries 2011: 418 shapes; 418 added"), "{}", run.stdout);
    assert!(!run.stderr.contains("not in the register"), "every 2011 municipality is in the shipped register: {}", run.stderr);
    assert_eq!(stored_years(&db).await, vec![(2011, 418)]);
}
