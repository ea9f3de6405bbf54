//! Workspaces, their time zone and the attribute definitions they have seen.

use async_trait::async_trait;
use vouch_store::{
    AttributeDefinition, Brand, StoreError, StoreResult, Workspace, WorkspaceId, WorkspaceStore,
};

use crate::PostgresStore;

use deadpool_postgres::ClientWrapper;
use tokio_postgres::Row;
use vouch_core::AttributeKind;
use vouch_core::revenue::Rates;

use crate::error::{PgContext, other};
use crate::now_millis;

/// The workspace with this slug, created on first use.
pub(crate) async fn workspace(client: &ClientWrapper, slug: &str) -> StoreResult<Workspace> {
    if let Some(workspace) = find_workspace(client, slug).await? {
        return Ok(workspace);
    }
    // Two servers may create the same workspace at once: one insert wins, both read it back.
    client
        .execute(
            "INSERT INTO workspaces (slug, created_at) VALUES ($1, $2) ON CONFLICT (slug) DO NOTHING",
            &[&slug, &now_millis()],
        )
        .await
        .pg_context("failed to create a workspace")?;
    find_workspace(client, slug)
        .await?
        .ok_or_else(|| StoreError::NotFound(format!("workspace {slug:?}")))
}

/// The columns [`workspace_of_row`] reads, in its order.
const WORKSPACE_COLUMNS: &str = "id, slug, time_zone, brand_name, brand_color, logo_url";

/// A workspace from a row of [`WORKSPACE_COLUMNS`].
fn workspace_of_row(row: &Row) -> Result<Workspace, tokio_postgres::Error> {
    Ok(Workspace {
        id: WorkspaceId(row.try_get(0)?),
        slug: row.try_get(1)?,
        time_zone: row.try_get(2)?,
        brand: Brand {
            name: row.try_get(3)?,
            color: row.try_get(4)?,
            logo_url: row.try_get(5)?,
        },
    })
}

async fn find_workspace(client: &ClientWrapper, slug: &str) -> StoreResult<Option<Workspace>> {
    let statement = client
        .prepare_cached(&format!(
            "SELECT {WORKSPACE_COLUMNS} FROM workspaces WHERE slug = $1"
        ))
        .await
        .pg_context("failed to prepare the workspace lookup")?;
    let row = client
        .query_opt(&statement, &[&slug])
        .await
        .pg_context("failed to read a workspace")?;
    row.as_ref()
        .map(workspace_of_row)
        .transpose()
        .pg_context("failed to read a workspace")
}

/// True when the workspace exists.
pub(crate) async fn workspace_exists(
    client: &tokio_postgres::Client,
    workspace: WorkspaceId,
) -> StoreResult<bool> {
    let row = client
        .query_opt("SELECT 1 FROM workspaces WHERE id = $1", &[&workspace.0])
        .await
        .pg_context("failed to read a workspace")?;
    Ok(row.is_some())
}

/// Sets the workspace's time zone, which must be an IANA name jiff knows.
pub(crate) async fn set_time_zone(
    client: &ClientWrapper,
    workspace: WorkspaceId,
    time_zone: &str,
) -> StoreResult<()> {
    if jiff::tz::TimeZone::get(time_zone).is_err() {
        return Err(StoreError::NotFound(format!("time zone {time_zone:?}")));
    }
    let changed = client
        .execute(
            "UPDATE workspaces SET time_zone = $1 WHERE id = $2",
            &[&time_zone, &workspace.0],
        )
        .await
        .pg_context("failed to set the workspace's time zone")?;
    match changed {
        0 => Err(StoreError::NotFound(format!("workspace {}", workspace.0))),
        _ => Ok(()),
    }
}

/// Replaces the workspace's brand whole.
pub(crate) async fn set_brand(
    client: &ClientWrapper,
    workspace: WorkspaceId,
    brand: &Brand,
) -> StoreResult<()> {
    let changed = client
        .execute(
            "UPDATE workspaces SET brand_name = $1, brand_color = $2, logo_url = $3 WHERE id = $4",
            &[&brand.name, &brand.color, &brand.logo_url, &workspace.0],
        )
        .await
        .pg_context("failed to set the workspace's brand")?;
    match changed {
        0 => Err(StoreError::NotFound(format!("workspace {}", workspace.0))),
        _ => Ok(()),
    }
}

/// The workspace's saved revenue rates.
async fn revenue_rates(
    client: &ClientWrapper,
    workspace: WorkspaceId,
) -> StoreResult<Option<Rates>> {
    let row = client
        .query_opt(
            "SELECT revenue_detractor_rate, revenue_passive_rate, revenue_promoter_rate
             FROM workspaces WHERE id = $1",
            &[&workspace.0],
        )
        .await
        .pg_context("failed to read the workspace's revenue rates")?;
    let Some(row) = row else { return Ok(None) };
    let context = "failed to read the workspace's revenue rates";
    let rates: (Option<f64>, Option<f64>, Option<f64>) = (
        row.try_get(0).pg_context(context)?,
        row.try_get(1).pg_context(context)?,
        row.try_get(2).pg_context(context)?,
    );
    Ok(match rates {
        (Some(detractor), Some(passive), Some(promoter)) => Some(Rates {
            detractor,
            passive,
            promoter,
        }),
        _ => None,
    })
}

/// Saves or forgets the workspace's revenue rates.
async fn set_revenue_rates(
    client: &ClientWrapper,
    workspace: WorkspaceId,
    rates: Option<Rates>,
) -> StoreResult<()> {
    let changed = client
        .execute(
            "UPDATE workspaces SET revenue_detractor_rate = $1, revenue_passive_rate = $2,
             revenue_promoter_rate = $3 WHERE id = $4",
            &[
                &rates.map(|rates| rates.detractor),
                &rates.map(|rates| rates.passive),
                &rates.map(|rates| rates.promoter),
                &workspace.0,
            ],
        )
        .await
        .pg_context("failed to save the workspace's revenue rates")?;
    match changed {
        0 => Err(StoreError::NotFound(format!("workspace {}", workspace.0))),
        _ => Ok(()),
    }
}

/// The workspace's attribute definitions (`$1`), by name; see [`definitions_of_rows`].
pub(crate) const SELECT_DEFINITIONS: &str =
    "SELECT name, kind FROM attribute_definitions WHERE workspace_id = $1 ORDER BY name";

/// Records attribute kinds not defined yet: `$1` workspace, `$2` names, `$3` kinds. Rows are
/// inserted in name order, so that writers defining the same names never wait for each other
/// in a circle.
pub(crate) const DEFINE_ATTRIBUTES: &str = "
    INSERT INTO attribute_definitions (workspace_id, name, kind)
    SELECT $1, u.name, u.kind FROM unnest($2::text[], $3::text[]) AS u (name, kind)
    ORDER BY u.name
    ON CONFLICT (workspace_id, name) DO NOTHING";

/// The workspace's attribute definitions, by name.
pub(crate) async fn attribute_definitions(
    client: &ClientWrapper,
    workspace: WorkspaceId,
) -> StoreResult<Vec<AttributeDefinition>> {
    let statement = client
        .prepare_cached(SELECT_DEFINITIONS)
        .await
        .pg_context("failed to prepare the attribute definitions")?;
    let rows = client
        .query(&statement, &[&workspace.0])
        .await
        .pg_context("failed to read the attribute definitions")?;
    definitions_of_rows(&rows)
}

/// The definitions [`SELECT_DEFINITIONS`] returned.
pub(crate) fn definitions_of_rows(rows: &[Row]) -> StoreResult<Vec<AttributeDefinition>> {
    rows.iter()
        .map(|row| {
            let name: String = row.try_get(0).pg_context("failed to read an attribute")?;
            let kind: &str = row.try_get(1).pg_context("failed to read an attribute")?;
            let kind = AttributeKind::parse(kind)
                .ok_or_else(|| other(format!("attribute {name:?} has an unknown kind {kind:?}")))?;
            Ok(AttributeDefinition { name, kind })
        })
        .collect()
}

/// The parameters of [`DEFINE_ATTRIBUTES`]: each name once (the first kind given), by name.
pub(crate) fn definition_columns<'a>(
    definitions: impl IntoIterator<Item = &'a AttributeDefinition>,
) -> (Vec<&'a str>, Vec<&'a str>) {
    let mut by_name: Vec<(&str, &str)> = Vec::new();
    for definition in definitions {
        by_name.push((definition.name.as_str(), definition.kind.as_str()));
    }
    // A stable sort keeps the first kind given for a name first; dedup keeps that one.
    by_name.sort_by_key(|(name, _)| *name);
    by_name.dedup_by_key(|(name, _)| *name);
    by_name.into_iter().unzip()
}

/// The workspace with this id.
pub(crate) async fn workspace_by_id(
    client: &ClientWrapper,
    id: WorkspaceId,
) -> StoreResult<Option<Workspace>> {
    let statement = client
        .prepare_cached(&format!(
            "SELECT {WORKSPACE_COLUMNS} FROM workspaces WHERE id = $1"
        ))
        .await
        .pg_context("failed to prepare the workspace lookup")?;
    let row = client
        .query_opt(&statement, &[&id.0])
        .await
        .pg_context("failed to read a workspace")?;
    row.as_ref()
        .map(workspace_of_row)
        .transpose()
        .pg_context("failed to read a workspace")
}

/// Every workspace of the server, oldest first (identity values grow with creation).
pub(crate) async fn workspaces(client: &ClientWrapper) -> StoreResult<Vec<Workspace>> {
    let rows = client
        .query(
            &format!("SELECT {WORKSPACE_COLUMNS} FROM workspaces ORDER BY id"),
            &[],
        )
        .await
        .pg_context("failed to list workspaces")?;
    rows.iter()
        .map(workspace_of_row)
        .collect::<Result<_, tokio_postgres::Error>>()
        .pg_context("failed to list workspaces")
}

#[async_trait]
impl WorkspaceStore for PostgresStore {
    fn backend_name(&self) -> &'static str {
        "postgres"
    }

    async fn ping(&self) -> StoreResult<()> {
        let client = self.client().await?;
        client
            .simple_query("SELECT 1")
            .await
            .pg_context("the database did not answer")?;
        Ok(())
    }

    async fn workspace(&self, slug: &str) -> StoreResult<Workspace> {
        workspace(&*self.client().await?, slug).await
    }

    async fn set_workspace_time_zone(
        &self,
        workspace: WorkspaceId,
        time_zone: &str,
    ) -> StoreResult<()> {
        set_time_zone(&*self.client().await?, workspace, time_zone).await
    }

    async fn revenue_rates(&self, workspace: WorkspaceId) -> StoreResult<Option<Rates>> {
        revenue_rates(&*self.client().await?, workspace).await
    }

    async fn set_revenue_rates(
        &self,
        workspace: WorkspaceId,
        rates: Option<Rates>,
    ) -> StoreResult<()> {
        set_revenue_rates(&*self.client().await?, workspace, rates).await
    }

    async fn set_workspace_brand(&self, workspace: WorkspaceId, brand: &Brand) -> StoreResult<()> {
        set_brand(&*self.client().await?, workspace, brand).await
    }

    async fn attribute_definitions(
        &self,
        workspace: WorkspaceId,
    ) -> StoreResult<Vec<AttributeDefinition>> {
        attribute_definitions(&*self.client().await?, workspace).await
    }

    async fn workspace_by_id(&self, id: WorkspaceId) -> StoreResult<Option<Workspace>> {
        workspace_by_id(&*self.client().await?, id).await
    }

    async fn workspaces(&self) -> StoreResult<Vec<Workspace>> {
        workspaces(&*self.client().await?).await
    }
}
