//! The JSON API under `/api/v1`: one module per resource, merged here.
//!
//! Every route is registered through `Routes::add`, which takes the method and path from the
//! handler's `#[utoipa::path]` annotation, so that what is served and what `openapi.json`
//! documents cannot drift apart (a test compares the two). Every reply that is not a success
//! is an [`ApiError`] with the shape of the HTTP contract, including
//! unknown paths, wrong methods, oversized bodies and unreadable JSON.

mod contacts;
mod export;
mod idempotency;
mod leads;
pub mod openapi;
mod params;
mod report;
mod responses;
mod surveys;
mod tags;
mod teams;
mod themes;
mod webhooks;
mod workspace;

use axum::Router;
use axum::handler::Handler;
use axum::routing::{MethodFilter, any, on};
use utoipa::openapi::path::HttpMethod;
use vouch_web::error::ApiError;
use vouch_web::{ApiState, AppState};

pub use contacts::{ContactExport, ContactJson, ContactPage, ContactWithResponses, ExportedSurvey};
pub use responses::{CategoryJson, ContactBody, NewResponseBody, ResponseJson, ResponsePage};
pub use surveys::{KindJson, NewSurveyBody, SurveyJson, SurveyList, SurveyPatch};
pub use vouch_web::json::ApiJson;
pub use vouch_web::survey_settings::{SurveySettingsJson, WordingJson};
pub use webhooks::{
    AlertJson, AlertList, ApiEventData, DeliveryJson, DeliveryList, WebhookJson, WebhookList,
};

/// Every `/api/v1` route.
pub fn router(state: AppState) -> Router<AppState> {
    router_for(ApiState::new(state))
}

/// Every `/api/v1` route, over an API state that other routers may share (its caches).
pub fn router_for(state: ApiState) -> Router<AppState> {
    let (routes, _) = Routes::all();
    routes
        .route("/api/v1", any(no_such_route))
        .route("/api/v1/{*rest}", any(no_such_route))
        .method_not_allowed_fallback(method_not_allowed)
        .with_state(state)
}

/// A router being built, and the `(METHOD, path)` of every route added so far.
pub(crate) struct Routes {
    router: Router<ApiState>,
    listed: Vec<(String, String)>,
}

impl Routes {
    /// Every documented route of the API, and their list.
    pub(crate) fn all() -> (Router<ApiState>, Vec<(String, String)>) {
        let routes = Routes {
            router: Router::new(),
            listed: Vec::new(),
        };
        let routes = openapi::routes(routes);
        let routes = surveys::routes(routes);
        let routes = responses::routes(routes);
        let routes = contacts::routes(routes);
        let routes = report::routes(routes);
        let routes = export::routes(routes);
        let routes = workspace::routes(routes);
        let routes = tags::routes(routes);
        let routes = themes::routes(routes);
        let routes = teams::routes(routes);
        let routes = leads::routes(routes);
        let routes = webhooks::routes(routes);
        (routes.router, routes.listed)
    }

    /// Serves `handler` at the method(s) and path its `#[utoipa::path]` annotation `P`
    /// documents.
    pub(crate) fn add<P, H, T>(mut self, handler: H) -> Routes
    where
        P: utoipa::Path,
        H: Handler<T, ApiState>,
        T: 'static,
    {
        let path = P::path();
        let mut filter: Option<MethodFilter> = None;
        for method in P::methods() {
            let (one, name) = method_filter(&method);
            filter = Some(filter.map_or(one, |all| all.or(one)));
            self.listed.push((name.to_owned(), path.clone()));
        }
        let filter = filter.unwrap_or(MethodFilter::GET);
        self.router = self.router.route(&path, on(filter, handler));
        self
    }
}

fn method_filter(method: &HttpMethod) -> (MethodFilter, &'static str) {
    match method {
        HttpMethod::Get => (MethodFilter::GET, "GET"),
        HttpMethod::Post => (MethodFilter::POST, "POST"),
        HttpMethod::Put => (MethodFilter::PUT, "PUT"),
        HttpMethod::Delete => (MethodFilter::DELETE, "DELETE"),
        HttpMethod::Options => (MethodFilter::OPTIONS, "OPTIONS"),
        HttpMethod::Head => (MethodFilter::HEAD, "HEAD"),
        HttpMethod::Patch => (MethodFilter::PATCH, "PATCH"),
        HttpMethod::Trace => (MethodFilter::TRACE, "TRACE"),
    }
}

async fn no_such_route(uri: axum::http::Uri) -> ApiError {
    ApiError::not_found(format!(
        "no such API route: {} (see /api/v1/openapi.json)",
        uri.path()
    ))
}

async fn method_not_allowed(method: axum::http::Method, uri: axum::http::Uri) -> ApiError {
    ApiError::MethodNotAllowed(format!("{} does not accept {method}", uri.path()))
}
