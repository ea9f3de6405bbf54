//! Every route of the dashboard, with the middleware they share.

use std::sync::Arc;

use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Extension, Router};

use vouch_web::state::AppState;

use super::auth_pages::{self, Guards};
use super::layout::{self, DashboardError};
use super::pages;
use super::session::Viewer;
use super::{admin_pages, brand_page, campaigns, csrf, webhooks_page};

/// The dashboard's routes: sign-in and account links, the admin pages, the content pages of
/// [`pages::router`], the campaign pages, `/`, `/app` and the stylesheet. Every non-GET form body is read once by
/// [`csrf::read_form_token`] (see [`super::csrf`]).
pub fn router(state: AppState) -> Router<AppState> {
    let guards = Arc::new(Guards::new(state.limits()));
    Router::new()
        .route("/", get(|| async { Redirect::to("/app") }))
        .route(
            "/login",
            get(auth_pages::login_form).post(auth_pages::login),
        )
        .route("/logout", post(auth_pages::logout))
        .route(
            "/invite/{token}",
            get(auth_pages::invite_page).post(auth_pages::accept_invite),
        )
        .route(
            "/reset",
            get(auth_pages::reset_form).post(auth_pages::request_reset),
        )
        .route(
            "/reset/{token}",
            get(auth_pages::reset_page).post(auth_pages::reset_password),
        )
        .route("/app/workspace", post(auth_pages::switch_workspace))
        .route("/app/settings", get(auth_pages::account))
        .route("/app/settings/password", post(auth_pages::change_password))
        .route("/app/settings/members", get(admin_pages::members))
        .route("/app/settings/members/invite", post(admin_pages::invite))
        .route(
            "/app/settings/members/{user_id}",
            post(admin_pages::change_member),
        )
        .route(
            "/app/settings/members/{user_id}/remove",
            post(admin_pages::remove_member),
        )
        .route(
            "/app/settings/api-keys",
            get(admin_pages::api_keys).post(admin_pages::create_api_key),
        )
        .route(
            "/app/settings/api-keys/revoke",
            post(admin_pages::revoke_api_key),
        )
        .route(
            "/app/settings/brand",
            get(brand_page::brand).post(brand_page::save_brand),
        )
        .route(
            webhooks_page::WEBHOOKS_PATH,
            get(webhooks_page::webhooks).post(webhooks_page::create_webhook),
        )
        .route(
            "/app/settings/webhooks/{id}/delete",
            post(webhooks_page::delete_webhook),
        )
        .route(
            "/app/settings/webhooks/{id}/test",
            post(webhooks_page::test_webhook),
        )
        .route(
            "/app/settings/webhooks/messages/{id}/resend",
            post(webhooks_page::resend),
        )
        .route("/app/settings/alerts", post(webhooks_page::create_alert))
        .route(
            "/app/settings/alerts/{id}/delete",
            post(webhooks_page::delete_alert),
        )
        .route("/app", get(first_overview))
        .route("/app/", get(|| async { Redirect::to("/app") }))
        .route("/app/segments", get(first_segments))
        .route("/app/themes", get(first_themes))
        .route("/app/customers", get(first_customers))
        .route("/assets/dashboard.css", get(layout::stylesheet))
        .merge(pages::router())
        .merge(campaigns::router())
        .layer(Extension(guards))
        .layer(axum::middleware::from_fn_with_state(
            state,
            csrf::read_form_token,
        ))
}

/// The first survey the viewer may see (not archived if any is not), if any.
async fn first_visible_survey(
    viewer: &Viewer,
    state: &AppState,
) -> Result<Option<i64>, DashboardError> {
    let surveys = state.store().survey_list(viewer.workspace()).await?;
    let visible = surveys.iter().filter(|survey| viewer.can_see(survey));
    let mut fallback = None;
    for survey in visible {
        if !survey.archived {
            return Ok(Some(survey.id.0));
        }
        fallback = fallback.or(Some(survey.id.0));
    }
    Ok(fallback)
}

/// `GET /app`: the overview of the first survey the viewer may see, else the survey list.
async fn first_overview(
    viewer: Viewer,
    axum::extract::State(state): axum::extract::State<AppState>,
) -> Result<Response, DashboardError> {
    Ok(match first_visible_survey(&viewer, &state).await? {
        Some(id) => Redirect::to(&format!("/app/surveys/{id}")).into_response(),
        None => Redirect::to("/app/surveys").into_response(),
    })
}

/// `GET /app/segments`: the segments of the first survey the viewer may see.
async fn first_segments(
    viewer: Viewer,
    axum::extract::State(state): axum::extract::State<AppState>,
) -> Result<Response, DashboardError> {
    Ok(match first_visible_survey(&viewer, &state).await? {
        Some(id) => Redirect::to(&format!("/app/surveys/{id}/segments")).into_response(),
        None => Redirect::to("/app/surveys").into_response(),
    })
}

/// `GET /app/customers`: the personas of the first customer survey the viewer may see.
async fn first_customers(
    viewer: Viewer,
    axum::extract::State(state): axum::extract::State<AppState>,
) -> Result<Response, DashboardError> {
    let surveys = state.store().survey_list(viewer.workspace()).await?;
    let first = surveys
        .iter()
        .filter(|survey| viewer.can_see(survey) && !survey.kind.is_anonymous())
        .min_by_key(|survey| (survey.archived, survey.id));
    Ok(match first {
        Some(survey) => Redirect::to(&format!("/app/surveys/{}/customers/personas", survey.id.0))
            .into_response(),
        None => Redirect::to("/app/surveys").into_response(),
    })
}

/// `GET /app/themes`: the themes of the first survey the viewer may see (`survey=ID` picks
/// one), its filters kept.
async fn first_themes(
    viewer: Viewer,
    axum::extract::State(state): axum::extract::State<AppState>,
    axum::extract::RawQuery(query): axum::extract::RawQuery,
) -> Result<Response, DashboardError> {
    let mut pairs = pages::filters::query_pairs(query.as_deref());
    let picked = pages::filters::one(&pairs, "survey").and_then(pages::path_id);
    pairs.retain(|(name, _)| name != "survey");
    let id = match picked {
        Some(id) => Some(id),
        None => first_visible_survey(&viewer, &state).await?,
    };
    Ok(match id {
        Some(id) => {
            let path = format!("/app/surveys/{id}/themes");
            Redirect::to(&pages::filters::with_query(&path, &pairs)).into_response()
        }
        None => Redirect::to("/app/surveys").into_response(),
    })
}
