use chrono::NaiveDate;
use domain::audit::Author;
use domain::catalogue::{BlockGroup, BuildingBlock, Catalogue};

use crate::audit::{as_json, audit_query};
use crate::connect::with_pool;
use crate::{ImportReport, Store, StoreError};

#[derive(sqlx::FromRow)]
struct CatalogueRow {
    id: String,
    version: String,
    name: String,
    description: String,
    source: String,
    reconstruction: bool,
}

#[derive(sqlx::FromRow)]
struct GroupRow {
    catalogue_id: String,
    catalogue_version: String,
    code: String,
    name: String,
}

#[derive(sqlx::FromRow)]
struct BlockRow {
    catalogue_id: String,
    catalogue_version: String,
    code: String,
    group_code: String,
    name: String,
    description: String,
    target_date: Option<NaiveDate>,
}

#[derive(sqlx::FromRow)]
struct DependencyRow {
    catalogue_id: String,
    catalogue_version: String,
    block_code: String,
    depends_on: String,
}

impl Store {
    /// Every catalogue version with its groups and blocks, ordered by id and version. Catalogues are small lists,
    /// so they are read whole.
    pub async fn catalogues(&self) -> Result<Vec<Catalogue>, StoreError> {
        let (catalogues, groups, blocks, dependencies): (Vec<CatalogueRow>, Vec<GroupRow>, Vec<BlockRow>, Vec<DependencyRow>) = with_pool!(
            self,
            |pool| {
                let catalogues =
                    sqlx::query_as("SELECT id, version, name, description, source, reconstruction FROM catalogues ORDER BY id, version")
                        .fetch_all(pool)
                        .await?;
                let groups = sqlx::query_as("SELECT catalogue_id, catalogue_version, code, name FROM catalogue_groups ORDER BY position")
                    .fetch_all(pool)
                    .await?;
                let blocks = sqlx::query_as(
                    "SELECT catalogue_id, catalogue_version, code, group_code, name, description, target_date FROM building_blocks ORDER BY position",
                )
                .fetch_all(pool)
                .await?;
                let dependencies = sqlx::query_as(
                    "SELECT catalogue_id, catalogue_version, block_code, depends_on FROM block_dependencies ORDER BY position",
                )
                .fetch_all(pool)
                .await?;
                Ok::<_, sqlx::Error>((catalogues, groups, blocks, dependencies))
            }
        )?;
        let belongs =
            |row_id: &str, row_version: &str, catalogue: &CatalogueRow| row_id == catalogue.id && row_version == catalogue.version;
        Ok(catalogues
            .iter()
            .map(|catalogue| Catalogue {
                id: catalogue.id.clone(),
                version: catalogue.version.clone(),
                name: catalogue.name.clone(),
                description: catalogue.description.clone(),
                source: catalogue.source.clone(),
                reconstruction: catalogue.reconstruction,
                groups: groups
                    .iter()
                    .filter(|g| belongs(&g.catalogue_id, &g.catalogue_version, catalogue))
                    .map(|g| BlockGroup { code: g.code.clone(), name: g.name.clone() })
                    .collect(),
                blocks: blocks
                    .iter()
                    .filter(|b| belongs(&b.catalogue_id, &b.catalogue_version, catalogue))
                    .map(|b| BuildingBlock {
                        code: b.code.clone(),
                        name: b.name.clone(),
                        group: b.group_code.clone(),
                        description: b.description.clone(),
                        target_date: b.target_date,
                        depends_on: dependencies
                            .iter()
                            .filter(|d| belongs(&d.catalogue_id, &d.catalogue_version, catalogue) && d.block_code == b.code)
                            .map(|d| d.depends_on.clone())
                            .collect(),
                    })
                    .collect(),
            })
            .collect())
    }

    /// One catalogue: the given version, or the latest when `version` is `None`.
    pub async fn catalogue(&self, id: &str, version: Option<&str>) -> Result<Catalogue, StoreError> {
        self.catalogues().await?.into_iter().rfind(|c| c.id == id && version.is_none_or(|v| c.version == v)).ok_or(StoreError::NotFound)
    }

    /// Adds a catalogue version, or replaces the stored one with the same id and version. Importing the same
    /// file twice changes nothing.
    /// The import is recorded in the audit log under `author`, with the catalogue before and after.
    pub async fn import_catalogue(&self, catalogue: &Catalogue, author: &Author) -> Result<ImportReport, StoreError> {
        let mut report = ImportReport::default();
        let stored = match self.catalogue(&catalogue.id, Some(&catalogue.version)).await {
            Ok(stored) => Some(stored),
            Err(StoreError::NotFound) => None,
            Err(other) => return Err(other),
        };
        report.count(stored.as_ref().map(|old| old == catalogue));
        if stored.as_ref() == Some(catalogue) {
            return Ok(report);
        }
        let action = if stored.is_some() { "catalogue.update" } else { "catalogue.add" };
        let change = author.change(
            action,
            format!("{} {}", catalogue.id, catalogue.version),
            stored.as_ref().map(as_json),
            Some(as_json(catalogue)),
        );
        with_pool!(self, |pool| {
            let mut tx = pool.begin().await?;
            let key = (&catalogue.id, &catalogue.version);
            sqlx::query("DELETE FROM catalogues WHERE id = $1 AND version = $2").bind(key.0).bind(key.1).execute(&mut *tx).await?;
            sqlx::query("INSERT INTO catalogues (id, version, name, description, source, reconstruction) VALUES ($1, $2, $3, $4, $5, $6)")
                .bind(key.0)
                .bind(key.1)
                .bind(&catalogue.name)
                .bind(&catalogue.description)
                .bind(&catalogue.source)
                .bind(catalogue.reconstruction)
                .execute(&mut *tx)
                .await?;
            for (position, group) in catalogue.groups.iter().enumerate() {
                sqlx::query(
                    "INSERT INTO catalogue_groups (catalogue_id, catalogue_version, code, name, position) VALUES ($1, $2, $3, $4, $5)",
                )
                .bind(key.0)
                .bind(key.1)
                .bind(&group.code)
                .bind(&group.name)
                .bind(position as i64)
                .execute(&mut *tx)
                .await?;
            }
            for (position, block) in catalogue.blocks.iter().enumerate() {
                sqlx::query(
                    "INSERT INTO building_blocks (catalogue_id, catalogue_version, code, group_code, name, description, target_date, position)
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
                )
                .bind(key.0)
                .bind(key.1)
                .bind(&block.code)
                .bind(&block.group)
                .bind(&block.name)
                .bind(&block.description)
                .bind(block.target_date)
                .bind(position as i64)
                .execute(&mut *tx)
                .await?;
            }
            let dependencies = catalogue.blocks.iter().flat_map(|b| b.depends_on.iter().map(move |d| (&b.code, d)));
            for (position, (block, depends_on)) in dependencies.enumerate() {
                sqlx::query(
                    "INSERT INTO block_dependencies (catalogue_id, catalogue_version, block_code, depends_on, position) VALUES ($1, $2, $3, $4, $5)",
                )
                .bind(key.0)
                .bind(key.1)
                .bind(block)
                .bind(depends_on)
                .bind(position as i64)
                .execute(&mut *tx)
                .await?;
            }
            audit_query!(change).execute(&mut *tx).await?;
            tx.commit().await
        })?;
        Ok(report)
    }
}
