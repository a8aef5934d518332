//! The version of each part of the public data (`domain::data_version`): the newest audit entry's id per scope,
//! read at one moment, so that every process sharing the database sees a change made through any other.

use std::sync::LazyLock;

use chrono::NaiveDate;
use domain::data_version::{Data, DataVersions, EVERYTHING, PublishedWave, WAVE_PREFIX};
use domain::fieldwork::WaveId;

use crate::connect::with_pool;
use crate::{Store, StoreError};

/// One row per scope that is not a wave, each newest id found through the index on (scope, id): a handful of
/// index lookups however long the log, where a GROUP BY would read every entry of a scope.
static OTHER_SCOPES: LazyLock<String> = LazyLock::new(|| {
    [EVERYTHING]
        .into_iter()
        .chain(Data::ALL.map(Data::key))
        .map(|scope| format!("SELECT '{scope}' AS scope, COALESCE((SELECT MAX(id) FROM audit_log WHERE scope = '{scope}'), 0) AS version"))
        .collect::<Vec<_>>()
        .join(" UNION ALL ")
});

/// The published waves with the newest id of their own scope.
const PUBLISHED_WAVES: &str = "SELECT w.id, w.closes_on,
        COALESCE((SELECT MAX(a.id) FROM audit_log a WHERE a.scope = $1 || w.id), 0)
    FROM waves w WHERE w.state = 'published' ORDER BY w.closes_on, w.id";

/// A scope that is not a wave, and its version.
type ScopeRow = (String, i64);
/// A published wave's id, closing day and version.
type WaveRow = (String, NaiveDate, i64);

impl Store {
    /// The version of every part of the public data. Both reads run in one transaction, so they see one moment.
    pub async fn data_versions(&self) -> Result<DataVersions, StoreError> {
        let (others, waves): (Vec<ScopeRow>, Vec<WaveRow>) = with_pool!(self, |pool| {
            let mut tx = pool.begin().await?;
            let others = sqlx::query_as(OTHER_SCOPES.as_str()).fetch_all(&mut *tx).await?;
            let waves = sqlx::query_as(PUBLISHED_WAVES).bind(WAVE_PREFIX).fetch_all(&mut *tx).await?;
            tx.commit().await?;
            Ok::<_, sqlx::Error>((others, waves))
        })?;
        let mut versions = DataVersions::default();
        for (scope, version) in others {
            if scope == EVERYTHING {
                versions.everything = version;
            } else if let Some(index) = Data::ALL.iter().position(|data| data.key() == scope) {
                versions.data[index] = version;
            }
        }
        for (id, closes_on, version) in waves {
            let id = WaveId::parse(&id).map_err(|e| StoreError::Corrupt(format!("a published wave's id does not read: {e}")))?;
            versions.published.push(PublishedWave { id, closes_on, version });
        }
        Ok(versions)
    }
}
