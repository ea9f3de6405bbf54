//! The OpenAPI 3 document of the API, generated from the handlers' annotations and served at
//! `GET /api/v1/openapi.json`.

use std::collections::BTreeMap;

use axum::response::{IntoResponse, Response};
use utoipa::openapi::security::{Http, HttpAuthScheme, SecurityScheme};
use utoipa::openapi::{ContentBuilder, Ref, RefOr, ResponseBuilder};
use utoipa::{IntoResponses, Modify, OpenApi};

use crate::Routes;
use vouch_web::error::{ErrorBody, ErrorDetail};

/// The API's document.
#[derive(OpenApi)]
#[openapi(
    info(
        title = "Vouch API",
        description = "Surveys, responses, contacts and NPS reports of one workspace. \
            Authenticate with `Authorization: Bearer KEY` (keys from `vouch keys create`). \
            Every error has the shape `{\"error\": {\"code\", \"message\", \"field\"}}`.",
    ),
    paths(
        openapi_json,
        super::surveys::write::create_survey,
        super::surveys::list_surveys,
        super::surveys::get_survey,
        super::surveys::write::update_survey,
        super::surveys::write::archive_survey,
        super::surveys::write::unarchive_survey,
        super::responses::post::create_response,
        super::responses::get::get_response,
        super::responses::get::list_responses,
        super::responses::history::response_history,
        super::responses::history::set_tags,
        super::responses::replies::create_reply,
        super::contacts::write::upsert_contact,
        super::contacts::read::list_contacts,
        super::contacts::read::get_contact,
        super::contacts::write::delete_contact,
        super::contacts::read::export_contact,
        super::report::survey_report,
        super::export::survey_export,
        super::workspace::get_workspace,
        super::workspace::update_workspace,
        super::themes::survey_themes,
        super::themes::refresh_themes,
        super::themes::promote_theme,
        super::tags::list_tags,
        super::tags::create_tag,
        super::tags::rename_tag,
        super::tags::delete_tag,
        super::tags::merge_tags,
        super::tags::list_rules,
        super::tags::create_rule,
        super::tags::delete_rule,
        super::teams::survey_personas,
        super::teams::survey_revenue,
        super::teams::survey_churn,
        super::teams::survey_at_risk,
        super::teams::survey_objections,
        super::teams::get_rates,
        super::teams::put_rates,
        super::teams::delete_rates,
        super::leads::train_leads,
        super::leads::lead_model,
        super::leads::score_leads,
        super::webhooks::list_webhooks,
        super::webhooks::create_webhook,
        super::webhooks::delete_webhook,
        super::webhooks::test_webhook,
        super::webhooks::webhook_deliveries,
        super::webhooks::resend_delivery,
        super::webhooks::list_alerts,
        super::webhooks::create_alert,
        super::webhooks::delete_alert,
    ),
    components(schemas(ErrorBody, ErrorDetail)),
    modifiers(&BearerKey),
    tags(
        (name = "surveys", description = "NPS and eNPS surveys"),
        (name = "responses", description = "Answers: posted one at a time, read and listed"),
        (name = "contacts", description = "The people who answer, their attributes, GDPR erasure and export"),
        (name = "reports", description = "NPS, margin of error, breakdowns and trends"),
        (name = "exports", description = "Every response of a survey as CSV, JSON lines or Parquet"),
        (name = "workspace", description = "The workspace of the key: its time zone and the brand respondents see"),
        (name = "tags", description = "Tags as a managed set, and keyword rules that tag responses by their comments"),
        (name = "teams", description = "Per-contact figures for marketing, finance, executives and support: personas, lead scoring, revenue, churn, at-risk accounts"),
        (name = "webhooks", description = "Signed webhooks (Standard Webhooks v1 or Slack) with their delivery log, and detractor alerts"),
        (name = "meta", description = "This document"),
    )
)]
pub struct ApiDoc;

/// Declares the `api_key` bearer scheme the operations name.
struct BearerKey;

impl Modify for BearerKey {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "api_key",
            SecurityScheme::Http(Http::new(HttpAuthScheme::Bearer)),
        );
    }
}

/// The document's routes.
pub(crate) fn routes(routes: Routes) -> Routes {
    routes.add::<__path_openapi_json, _, _>(openapi_json)
}

/// This document (OpenAPI 3). No key needed.
#[utoipa::path(
    get,
    path = "/api/v1/openapi.json",
    tag = "meta",
    responses((status = 200, description = "The OpenAPI document", content_type = "application/json", body = Object))
)]
async fn openapi_json() -> Response {
    axum::Json(ApiDoc::openapi()).into_response()
}

/// The error replies of a route that only reads.
pub(crate) struct ReadErrors;

/// The error replies of a route that writes.
pub(crate) struct WriteErrors;

fn error_responses(statuses: &[(u16, &str)]) -> BTreeMap<String, RefOr<utoipa::openapi::Response>> {
    statuses
        .iter()
        .map(|(status, description)| {
            let response = ResponseBuilder::new()
                .description(*description)
                .content(
                    "application/json",
                    ContentBuilder::new()
                        .schema(Some(Ref::from_schema_name("ErrorBody")))
                        .build(),
                )
                .build();
            (status.to_string(), RefOr::T(response))
        })
        .collect()
}

impl IntoResponses for ReadErrors {
    fn responses() -> BTreeMap<String, RefOr<utoipa::openapi::Response>> {
        error_responses(&[
            (400, "The request cannot be read (`bad_request`)"),
            (
                401,
                "No API key, or an unknown or revoked one (`unauthorized`)",
            ),
            (403, "The key may not see this (`forbidden`)"),
            (
                404,
                "Nothing with this id in the key's workspace (`not_found`)",
            ),
            (
                422,
                "A parameter is not acceptable (`validation`); `field` names it",
            ),
            (500, "The server failed (`internal`)"),
        ])
    }
}

impl IntoResponses for WriteErrors {
    fn responses() -> BTreeMap<String, RefOr<utoipa::openapi::Response>> {
        error_responses(&[
            (
                400,
                "The body is not JSON (`invalid_json`) or a header is wrong (`bad_request`)",
            ),
            (
                401,
                "No API key, or an unknown or revoked one (`unauthorized`)",
            ),
            (403, "A read-only key cannot write (`forbidden`)"),
            (
                404,
                "Nothing with this id in the key's workspace (`not_found`)",
            ),
            (409, "A name already taken (`conflict`)"),
            (413, "The body is over the size limit (`payload_too_large`)"),
            (
                415,
                "The body is not sent as application/json (`unsupported_media_type`)",
            ),
            (
                422,
                "A field is missing, unknown or not acceptable (`validation`; \
                 `idempotency_key_reused`); `field` names it",
            ),
            (500, "The server failed (`internal`)"),
        ])
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use super::*;

    /// `(METHOD, path)` of every operation the document lists.
    fn documented() -> BTreeSet<(String, String)> {
        let document = serde_json::to_value(ApiDoc::openapi()).unwrap();
        let mut operations = BTreeSet::new();
        for (path, item) in document["paths"].as_object().unwrap() {
            for method in item.as_object().unwrap().keys() {
                if [
                    "get", "post", "put", "patch", "delete", "head", "options", "trace",
                ]
                .contains(&method.as_str())
                {
                    operations.insert((method.to_uppercase(), path.clone()));
                }
            }
        }
        operations
    }

    #[test]
    fn the_document_lists_every_route_the_router_serves_and_no_other() {
        let (_, served) = Routes::all();
        let served: BTreeSet<(String, String)> = served.into_iter().collect();
        assert_eq!(documented(), served);
        assert!(served.contains(&("POST".to_owned(), "/api/v1/responses".to_owned())));
        assert!(served.contains(&("PUT".to_owned(), "/api/v1/contacts".to_owned())));
    }

    #[test]
    fn every_schema_the_document_refers_to_is_defined() {
        let document = serde_json::to_value(ApiDoc::openapi()).unwrap();
        let schemas = document["components"]["schemas"].as_object().unwrap();
        let text = document.to_string();
        let mut rest = text.as_str();
        let marker = "\"#/components/schemas/";
        while let Some(start) = rest.find(marker) {
            rest = &rest[start + marker.len()..];
            let name = &rest[..rest.find('"').unwrap()];
            assert!(
                schemas.contains_key(name),
                "{name} is referred to but not defined"
            );
        }
        assert!(schemas.contains_key("ReportJson"));
        assert!(schemas.contains_key("NewResponseBody"));
    }

    #[test]
    fn every_route_but_the_document_needs_a_key() {
        let document = serde_json::to_value(ApiDoc::openapi()).unwrap();
        for (path, item) in document["paths"].as_object().unwrap() {
            for (method, operation) in item.as_object().unwrap() {
                let secured = operation.get("security").is_some();
                assert_eq!(secured, path != "/api/v1/openapi.json", "{method} {path}");
            }
        }
    }
}
