//! Boundaries in the store, on SQLite and on PostgreSQL (`name::sqlite`, `name::postgres`).

use crate::fixtures::{code, date};
use domain::geo::{Boundaries, Boundary};
use domain::register::OrganisationKind;
use inbeeld_store::testing::author;
use inbeeld_store::{AuditFilter, BoundaryImport, Store, StoreError, both_backends};

const GEMEENTE: OrganisationKind = OrganisationKind::Gemeente;

/// A unit square at (lon, lat), as one polygon of one ring.
fn square(text: &str, lon: f64, lat: f64) -> Boundary {
    let ring = vec![[lon, lat], [lon + 1.0, lat], [lon + 1.0, lat + 0.5], [lon, lat + 0.5], [lon, lat]];
    Boundary { code: code(text), polygons: vec![vec![ring]] }
}

fn map(shapes: Vec<Boundary>) -> Boundaries {
    Boundaries { shapes }
}

async fn imports(store: &Store) -> usize {
    store.audit_entries(&AuditFilter { action: Some("boundaries.import".into()), ..Default::default() }).await.unwrap().len()
}

both_backends!(boundaries_import_once_and_a_reimport_writes_nothing, async |store: Store| {
    let first = map(vec![square("GM0014", 6.5, 53.2), square("GM0363", 4.75, 52.25)]);
    let report = store.import_boundaries(2011, &first, &author()).await.unwrap();
    assert_eq!(report, BoundaryImport { added: 2, updated: 0, unchanged: 0, removed: 0 });
    assert_eq!(store.boundaries(2011, GEMEENTE).await.unwrap(), first, "read back as imported, ordered by code");
    assert_eq!(imports(&store).await, 1);

    let again = store.import_boundaries(2011, &first, &author()).await.unwrap();
    assert_eq!(again, BoundaryImport { added: 0, updated: 0, unchanged: 2, removed: 0 });
    assert!(!again.changed());
    assert_eq!(imports(&store).await, 1, "an unchanged import leaves no audit entry");
});

both_backends!(an_import_replaces_the_year_and_leaves_other_years_alone, async |store: Store| {
    store.import_boundaries(2011, &map(vec![square("GM0014", 6.5, 53.2), square("GM0457", 5.0, 52.3)]), &author()).await.unwrap();
    store.import_boundaries(2026, &map(vec![square("GM0014", 6.5, 53.2)]), &author()).await.unwrap();

    let moved = map(vec![square("GM0014", 6.25, 53.2), square("GM0363", 4.75, 52.25)]);
    let report = store.import_boundaries(2011, &moved, &author()).await.unwrap();
    assert_eq!(report, BoundaryImport { added: 1, updated: 1, unchanged: 0, removed: 1 });
    assert_eq!(store.boundaries(2011, GEMEENTE).await.unwrap(), moved, "Weesp's shape is gone, Groningen's moved");
    assert_eq!(store.boundaries(2026, GEMEENTE).await.unwrap(), map(vec![square("GM0014", 6.5, 53.2)]));
    assert_eq!(store.boundary_years().await.unwrap(), vec![(2011, 2), (2026, 1)]);

    let entry = store.audit_entries(&AuditFilter { target: Some("boundaries 2011".into()), ..Default::default() }).await.unwrap();
    assert_eq!(entry.len(), 2);
    let after: serde_json::Value = serde_json::from_str(entry[0].after.as_deref().unwrap()).unwrap();
    assert_eq!(after, serde_json::json!({"shapes": 2, "added": 1, "updated": 1, "removed": 1}));
    assert_eq!(entry[0].before.as_deref(), Some(r#"{"shapes":2}"#));
});

both_backends!(a_date_is_drawn_with_the_newest_boundaries_of_its_year_or_before, async |store: Store| {
    assert_eq!(store.boundaries_for(date("2026-06-01"), GEMEENTE).await.unwrap(), None, "nothing imported: draw from centroids");
    store.import_boundaries(2011, &map(vec![square("GM0457", 5.0, 52.3)]), &author()).await.unwrap();
    store.import_boundaries(2026, &map(vec![square("GM0363", 4.75, 52.25)]), &author()).await.unwrap();

    assert_eq!(store.boundaries_for(date("2010-12-31"), GEMEENTE).await.unwrap(), None);
    let year_of = async |day: &str| {
        store.boundaries_for(date(day), GEMEENTE).await.unwrap().map(|(year, shapes)| (year, shapes.shapes[0].code.clone()))
    };
    assert_eq!(year_of("2011-01-01").await, Some((2011, code("GM0457"))));
    assert_eq!(year_of("2025-12-31").await, Some((2011, code("GM0457"))));
    assert_eq!(year_of("2026-01-01").await, Some((2026, code("GM0363"))));
    assert_eq!(year_of("2030-01-01").await, Some((2026, code("GM0363"))));
    assert!(store.boundaries(2020, GEMEENTE).await.unwrap().is_empty());
});

both_backends!(a_failed_boundary_import_stores_nothing, async |store: Store| {
    store.import_boundaries(2011, &map(vec![square("GM0014", 6.5, 53.2)]), &author()).await.unwrap();
    let error = store.import_boundaries(1700, &map(vec![square("GM0363", 4.75, 52.25)]), &author()).await.unwrap_err();
    assert!(matches!(error, StoreError::Database(_)), "the database refuses a year outside 1800–2100: {error:?}");
    assert_eq!(store.boundary_years().await.unwrap(), vec![(2011, 1)]);
    assert_eq!(imports(&store).await, 1, "nor is the failed import in the audit log");
});

both_backends!(provinces_and_municipalities_of_a_year_are_replaced_each_by_their_own_kind, async |store: Store| {
    let municipalities = map(vec![square("GM0014", 6.5, 53.2), square("GM0363", 4.75, 52.25)]);
    store.import_boundaries(2026, &municipalities, &author()).await.unwrap();
    let provinces = map(vec![square("PV20", 6.5, 53.2)]);
    let report = store.import_boundaries(2026, &provinces, &author()).await.unwrap();
    assert_eq!(report, BoundaryImport { added: 1, updated: 0, unchanged: 0, removed: 0 }, "the municipalities stay");
    assert_eq!(store.boundaries(2026, GEMEENTE).await.unwrap(), municipalities);
    assert_eq!(store.boundaries(2026, OrganisationKind::Provincie).await.unwrap(), provinces);
    assert_eq!(store.boundary_years().await.unwrap(), vec![(2026, 3)]);

    store.import_boundaries(2011, &map(vec![square("PV20", 6.5, 53.2)]), &author()).await.unwrap();
    let for_2020 = store.boundaries_for(date("2020-01-01"), GEMEENTE).await.unwrap();
    assert_eq!(for_2020, None, "2011 has provinces only: no municipal map for 2020");
    assert_eq!(store.boundaries_for(date("2020-01-01"), OrganisationKind::Provincie).await.unwrap().map(|(year, _)| year), Some(2011));
});
