//! The two migration trees must build the same tables with the same columns; only the column types differ.

use inbeeld_store::Backend;
use inbeeld_store::testing::fresh;

#[tokio::test]
async fn sqlite_and_postgres_have_the_same_tables_and_columns() {
    let (sqlite, _a) = fresh(Backend::Sqlite).await.unwrap();
    let (postgres, _b) = fresh(Backend::Postgres).await.unwrap();
    let on_sqlite = sqlite.schema_columns().await.unwrap();
    assert!(on_sqlite.iter().any(|(table, column)| table == "organisations" && column == "valid_from"));
    assert_eq!(on_sqlite, postgres.schema_columns().await.unwrap());
}
