//! `GET /api/v1/workspace` and `PATCH /api/v1/workspace`: the key's workspace, its time zone
//! and the brand respondents see where a survey sets none of its own.

use axum::extract::State;
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use vouch_core::brand::{BrandError, brand_color, brand_name, logo_url};
use vouch_store::{Brand, Workspace};

use crate::Routes;
use crate::openapi::{ReadErrors, WriteErrors};
use vouch_web::ApiState;
use vouch_web::auth::{Caller, WriteCaller};
use vouch_web::error::{ApiError, Result};
use vouch_web::json::ApiJson;

/// The workspace routes.
pub(crate) fn routes(routes: Routes) -> Routes {
    routes
        .add::<__path_get_workspace, _, _>(get_workspace)
        .add::<__path_update_workspace, _, _>(update_workspace)
}

/// A workspace as the API shows it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct WorkspaceJson {
    /// Its short internal name (`--workspace` on the command line); never shown to respondents.
    pub slug: String,
    /// The IANA time zone reports bucket periods in.
    pub time_zone: String,
    /// What respondents see where a survey sets nothing of its own.
    pub brand: BrandJson,
}

/// A brand: each field `null` when unset.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BrandJson {
    /// The company or product name, e.g. "Acme Analytics" (at most 100 characters).
    #[serde(default)]
    pub name: Option<String>,
    /// The accent colour, `#RRGGBB`.
    #[serde(default)]
    pub color: Option<String>,
    /// An absolute `http(s)://` URL of the logo.
    #[serde(default)]
    pub logo_url: Option<String>,
}

/// Changes to the workspace; fields left out stay as they are.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct WorkspacePatch {
    /// A new brand, replacing the old one whole (fields left out or `null` are cleared).
    #[serde(default)]
    pub brand: Option<BrandJson>,
}

impl From<&Workspace> for WorkspaceJson {
    fn from(workspace: &Workspace) -> WorkspaceJson {
        let brand = &workspace.brand;
        WorkspaceJson {
            slug: workspace.slug.clone(),
            time_zone: workspace.time_zone.clone(),
            brand: BrandJson {
                name: brand.name.clone(),
                color: brand.color.clone(),
                logo_url: brand.logo_url.clone(),
            },
        }
    }
}

/// The key's workspace.
async fn workspace_of(state: &ApiState, caller: &Caller) -> Result<Workspace> {
    state
        .store()
        .workspace_by_id(caller.workspace)
        .await?
        .ok_or_else(|| ApiError::not_found("no such workspace"))
}

/// Read the workspace: its slug, time zone and brand.
#[utoipa::path(
    get,
    path = "/api/v1/workspace",
    tag = "workspace",
    responses((status = 200, description = "The workspace", body = WorkspaceJson), ReadErrors),
    security(("api_key" = []))
)]
pub(crate) async fn get_workspace(
    State(state): State<ApiState>,
    caller: Caller,
) -> Result<Response> {
    let workspace = workspace_of(&state, &caller).await?;
    Ok(axum::Json(WorkspaceJson::from(&workspace)).into_response())
}

/// Change the workspace's brand.
#[utoipa::path(
    patch,
    path = "/api/v1/workspace",
    tag = "workspace",
    request_body = WorkspacePatch,
    responses((status = 200, description = "The changed workspace", body = WorkspaceJson), WriteErrors),
    security(("api_key" = []))
)]
pub(crate) async fn update_workspace(
    State(state): State<ApiState>,
    WriteCaller(caller): WriteCaller,
    body: ApiJson<WorkspacePatch>,
) -> Result<Response> {
    let mut workspace = workspace_of(&state, &caller).await?;
    if let Some(given) = &body.value.brand {
        let brand = checked_brand(given)?;
        state
            .store()
            .set_workspace_brand(workspace.id, &brand)
            .await?;
        workspace.brand = brand;
    }
    Ok(axum::Json(WorkspaceJson::from(&workspace)).into_response())
}

/// The brand a body gives, each field checked by the core's rules; errors name `brand.<field>`.
pub(crate) fn checked_brand(given: &BrandJson) -> Result<Brand> {
    let field =
        |name: &str,
         text: &Option<String>,
         check: fn(&str) -> std::result::Result<Option<String>, BrandError>| {
            check(text.as_deref().unwrap_or(""))
                .map_err(|error| ApiError::validation(format!("brand.{name}"), error.to_string()))
        };
    Ok(Brand {
        name: field("name", &given.name, brand_name)?,
        color: field("color", &given.color, brand_color)?,
        logo_url: field("logo_url", &given.logo_url, logo_url)?,
    })
}
