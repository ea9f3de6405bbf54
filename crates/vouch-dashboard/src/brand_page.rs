//! `GET|POST /app/settings/brand` (admins): the name, colour and logo respondents see in the
//! question, the email and the survey pages wherever a survey sets none of its own. Checked by
//! `vouch_core::brand`, as `vouch workspace set-brand` and `PATCH /api/v1/workspace` are.

use askama::Template;
use axum::Form;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use vouch_core::brand::{BrandError, MAX_BRAND_NAME_CHARS, brand_color, brand_name, logo_url};
use vouch_store::Brand;
use vouch_web::state::AppState;

use super::admin_pages::{SavedQuery, require_admin};
use super::layout::{DashboardError, Frame, Nav, render, render_status};
use super::session::{Admin, Viewer};

/// `templates/dashboard/admin/brand.html`.
#[derive(Debug, Template)]
#[template(path = "dashboard/admin/brand.html")]
pub(crate) struct BrandPage {
    frame: Frame,
    /// The fields as shown (what is saved, or what was typed).
    name: String,
    color: String,
    logo_url: String,
    /// The longest name.
    max_name: usize,
    /// `(field, message)` of a refused form.
    error: Option<(&'static str, String)>,
    saved: bool,
}

/// The fields of the form.
#[derive(Debug, Deserialize)]
pub(crate) struct BrandForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    color: String,
    #[serde(default)]
    logo_url: String,
}

fn page(
    viewer: &Viewer,
    form: BrandForm,
    error: Option<(&'static str, String)>,
    saved: bool,
) -> BrandPage {
    BrandPage {
        frame: Frame::new(viewer, "Brand", Nav::Brand),
        name: form.name,
        color: form.color,
        logo_url: form.logo_url,
        max_name: MAX_BRAND_NAME_CHARS,
        error,
        saved,
    }
}

/// `GET /app/settings/brand`.
pub(crate) async fn brand(
    State(state): State<AppState>,
    viewer: Viewer,
    Query(query): Query<SavedQuery>,
) -> Result<Response, DashboardError> {
    require_admin(&viewer)?;
    let workspace = state
        .store()
        .workspace_by_id(viewer.workspace())
        .await?
        .ok_or(DashboardError::NotFound)?;
    let saved = workspace.brand;
    let form = BrandForm {
        name: saved.name.unwrap_or_default(),
        color: saved.color.unwrap_or_default(),
        logo_url: saved.logo_url.unwrap_or_default(),
    };
    Ok(render(&page(&viewer, form, None, query.is_saved())))
}

/// `POST /app/settings/brand`: saves the brand whole, or shows the form again with the error.
pub(crate) async fn save_brand(
    State(state): State<AppState>,
    Admin(viewer): Admin,
    Form(form): Form<BrandForm>,
) -> Result<Response, DashboardError> {
    let checked = (|| -> Result<Brand, (&'static str, BrandError)> {
        Ok(Brand {
            name: brand_name(&form.name).map_err(|e| ("name", e))?,
            color: brand_color(&form.color).map_err(|e| ("color", e))?,
            logo_url: logo_url(&form.logo_url).map_err(|e| ("logo_url", e))?,
        })
    })();
    match checked {
        Ok(brand) => {
            state
                .store()
                .set_workspace_brand(viewer.workspace(), &brand)
                .await?;
            Ok(Redirect::to("/app/settings/brand?saved=1").into_response())
        }
        Err((field, error)) => {
            let shown = page(&viewer, form, Some((field, sentence(&error))), false);
            Ok(render_status(&shown, StatusCode::UNPROCESSABLE_ENTITY))
        }
    }
}

/// The error as a sentence under its field.
fn sentence(error: &BrandError) -> String {
    let text = error.to_string();
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => format!("{}{}.", first.to_uppercase(), chars.as_str()),
        None => text,
    }
}
