//! Workspaces and their attribute definitions.

use async_trait::async_trait;
use vouch_store::{
    AttributeDefinition, Brand, StoreError, StoreResult, Workspace, WorkspaceId, WorkspaceStore,
};

use crate::SqliteStore;

use rusqlite::{Connection, OptionalExtension, TransactionBehavior};
use vouch_core::AttributeKind;
use vouch_core::revenue::Rates;

use crate::error::SqlContext;
use crate::now_millis;
use crate::row::conversion_error;

/// The workspace with this slug, created on first use.
pub(crate) fn workspace(connection: &mut Connection, slug: &str) -> StoreResult<Workspace> {
    if let Some(workspace) = find(connection, slug)? {
        return Ok(workspace);
    }
    let transaction = connection
        .transaction_with_behavior(TransactionBehavior::Immediate)
        .sql_context("failed to start creating a workspace")?;
    transaction
        .execute(
            "INSERT INTO workspaces (slug, created_at) VALUES (?1, ?2) ON CONFLICT (slug) DO NOTHING",
            (slug, now_millis()),
        )
        .sql_context("failed to create a workspace")?;
    let workspace = find(&transaction, slug)?
        .ok_or_else(|| StoreError::NotFound(format!("workspace {slug:?}")))?;
    transaction
        .commit()
        .sql_context("failed to commit a new workspace")?;
    Ok(workspace)
}

/// The columns [`workspace_of_row`] reads, in its order.
const WORKSPACE_COLUMNS: &str = "id, slug, time_zone, brand_name, brand_color, logo_url";

/// A workspace from a row of [`WORKSPACE_COLUMNS`].
fn workspace_of_row(row: &rusqlite::Row<'_>) -> rusqlite::Result<Workspace> {
    Ok(Workspace {
        id: WorkspaceId(row.get(0)?),
        slug: row.get(1)?,
        time_zone: row.get(2)?,
        brand: Brand {
            name: row.get(3)?,
            color: row.get(4)?,
            logo_url: row.get(5)?,
        },
    })
}

fn find(connection: &Connection, slug: &str) -> StoreResult<Option<Workspace>> {
    connection
        .prepare_cached(&format!(
            "SELECT {WORKSPACE_COLUMNS} FROM workspaces WHERE slug = ?1"
        ))
        .and_then(|mut statement| statement.query_row([slug], workspace_of_row).optional())
        .sql_context("failed to read a workspace")
}

/// The workspace with this id.
pub(crate) fn by_id(connection: &Connection, id: WorkspaceId) -> StoreResult<Option<Workspace>> {
    connection
        .prepare_cached(&format!(
            "SELECT {WORKSPACE_COLUMNS} FROM workspaces WHERE id = ?1"
        ))
        .and_then(|mut statement| statement.query_row([id.0], workspace_of_row).optional())
        .sql_context("failed to read a workspace")
}

/// Every workspace, oldest first.
pub(crate) fn list(connection: &Connection) -> StoreResult<Vec<Workspace>> {
    connection
        .prepare_cached(&format!(
            "SELECT {WORKSPACE_COLUMNS} FROM workspaces ORDER BY id"
        ))
        .and_then(|mut statement| {
            statement
                .query_map([], workspace_of_row)
                .and_then(|rows| rows.collect())
        })
        .sql_context("failed to list the workspaces")
}

/// True when the workspace exists.
pub(crate) fn exists(connection: &Connection, workspace: WorkspaceId) -> StoreResult<bool> {
    connection
        .prepare_cached("SELECT 1 FROM workspaces WHERE id = ?1")
        .and_then(|mut statement| statement.exists([workspace.0]))
        .sql_context("failed to read a workspace")
}

/// Sets the workspace's time zone, which must be an IANA name jiff knows.
pub(crate) fn set_time_zone(
    connection: &Connection,
    workspace: WorkspaceId,
    time_zone: &str,
) -> StoreResult<()> {
    if jiff::tz::TimeZone::get(time_zone).is_err() {
        return Err(StoreError::NotFound(format!("time zone {time_zone:?}")));
    }
    let changed = connection
        .execute(
            "UPDATE workspaces SET time_zone = ?1 WHERE id = ?2",
            (time_zone, workspace.0),
        )
        .sql_context("failed to set the workspace's time zone")?;
    match changed {
        0 => Err(StoreError::NotFound(format!("workspace {}", workspace.0))),
        _ => Ok(()),
    }
}

/// Replaces the workspace's brand whole.
pub(crate) fn set_brand(
    connection: &Connection,
    workspace: WorkspaceId,
    brand: &Brand,
) -> StoreResult<()> {
    let changed = connection
        .execute(
            "UPDATE workspaces SET brand_name = ?1, brand_color = ?2, logo_url = ?3 WHERE id = ?4",
            (&brand.name, &brand.color, &brand.logo_url, workspace.0),
        )
        .sql_context("failed to set the workspace's brand")?;
    match changed {
        0 => Err(StoreError::NotFound(format!("workspace {}", workspace.0))),
        _ => Ok(()),
    }
}

/// The workspace's saved revenue rates.
fn revenue_rates(connection: &Connection, workspace: WorkspaceId) -> StoreResult<Option<Rates>> {
    let rates: Option<(Option<f64>, Option<f64>, Option<f64>)> = connection
        .query_row(
            "SELECT revenue_detractor_rate, revenue_passive_rate, revenue_promoter_rate
             FROM workspaces WHERE id = ?1",
            [workspace.0],
            |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?)),
        )
        .optional()
        .sql_context("failed to read the workspace's revenue rates")?;
    Ok(match rates {
        Some((Some(detractor), Some(passive), Some(promoter))) => Some(Rates {
            detractor,
            passive,
            promoter,
        }),
        _ => None,
    })
}

/// Saves or forgets the workspace's revenue rates.
fn set_revenue_rates(
    connection: &Connection,
    workspace: WorkspaceId,
    rates: Option<Rates>,
) -> StoreResult<()> {
    let changed = connection
        .execute(
            "UPDATE workspaces SET revenue_detractor_rate = ?1, revenue_passive_rate = ?2,
             revenue_promoter_rate = ?3 WHERE id = ?4",
            (
                rates.map(|rates| rates.detractor),
                rates.map(|rates| rates.passive),
                rates.map(|rates| rates.promoter),
                workspace.0,
            ),
        )
        .sql_context("failed to save the workspace's revenue rates")?;
    match changed {
        0 => Err(StoreError::NotFound(format!("workspace {}", workspace.0))),
        _ => Ok(()),
    }
}

/// The workspace's attribute definitions, by name.
pub(crate) fn attribute_definitions(
    connection: &Connection,
    workspace: WorkspaceId,
) -> StoreResult<Vec<AttributeDefinition>> {
    let mut statement = connection
        .prepare_cached(
            "SELECT name, kind FROM attribute_definitions WHERE workspace_id = ?1 ORDER BY name",
        )
        .sql_context("failed to prepare the attribute definitions")?;
    statement
        .query_map([workspace.0], |row| {
            let kind: String = row.get(1)?;
            Ok(AttributeDefinition {
                name: row.get(0)?,
                kind: AttributeKind::parse(&kind).ok_or_else(|| {
                    conversion_error(1, format!("unknown attribute kind {kind:?}"))
                })?,
            })
        })
        .and_then(|rows| rows.collect())
        .sql_context("failed to read the attribute definitions")
}

#[async_trait]
impl WorkspaceStore for SqliteStore {
    fn backend_name(&self) -> &'static str {
        "sqlite"
    }

    async fn ping(&self) -> StoreResult<()> {
        self.run(|connection| {
            connection
                .query_row("SELECT 1", [], |_| Ok(()))
                .sql_context("the database did not answer")
        })
        .await
    }

    async fn workspace(&self, slug: &str) -> StoreResult<Workspace> {
        let slug = slug.to_owned();
        self.run(move |connection| workspace(connection, &slug))
            .await
    }

    async fn set_workspace_time_zone(
        &self,
        workspace: WorkspaceId,
        time_zone: &str,
    ) -> StoreResult<()> {
        let time_zone = time_zone.to_owned();
        self.run(move |connection| set_time_zone(connection, workspace, &time_zone))
            .await
    }

    async fn set_workspace_brand(&self, workspace: WorkspaceId, brand: &Brand) -> StoreResult<()> {
        let brand = brand.clone();
        self.run(move |connection| set_brand(connection, workspace, &brand))
            .await
    }

    async fn revenue_rates(&self, workspace: WorkspaceId) -> StoreResult<Option<Rates>> {
        self.run(move |connection| revenue_rates(connection, workspace))
            .await
    }

    async fn set_revenue_rates(
        &self,
        workspace: WorkspaceId,
        rates: Option<Rates>,
    ) -> StoreResult<()> {
        self.run(move |connection| set_revenue_rates(connection, workspace, rates))
            .await
    }

    async fn attribute_definitions(
        &self,
        workspace: WorkspaceId,
    ) -> StoreResult<Vec<AttributeDefinition>> {
        self.run(move |connection| attribute_definitions(connection, workspace))
            .await
    }

    async fn workspace_by_id(&self, id: WorkspaceId) -> StoreResult<Option<Workspace>> {
        self.run(move |connection| by_id(connection, id)).await
    }

    async fn workspaces(&self) -> StoreResult<Vec<Workspace>> {
        self.run(|connection| list(connection)).await
    }
}
