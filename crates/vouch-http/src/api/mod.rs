//! The JSON API under `/api/v1`.

use axum::Router;

use crate::state::AppState;

/// Every `/api/v1` route.
pub fn router(_state: AppState) -> Router<AppState> {
    Router::new()
}
