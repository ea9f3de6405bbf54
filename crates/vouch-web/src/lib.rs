//! What every web surface of Vouch shares: the server's state and limits, the live analytics
//! indexes, the ingest queue (group commit), API-key authentication, the one error type and
//! its JSON shape, body parsing, the checks of contacts, survey settings and widget keys that
//! several surfaces take, request ids, logs and metrics, and the wire shapes of every figure
//! ([`wire`], shared with `vouch report --json`).
//!
//! It knows HTTP and JSON but no page and no route of a surface: the API (`vouch-api`), the
//! survey pages and widget (`vouch-collect`) and the dashboard (`vouch-dashboard`) build on
//! it, and `vouch-http` composes them.

pub mod api_state;
pub mod arrivals;
pub mod attributes;
pub mod auth;
pub mod contact_key;
pub mod error;
pub mod export_body;
pub mod favicon;
pub mod fresh;
pub mod health;
pub mod indexes;
pub mod ingest;
pub mod json;
pub mod observe;
pub mod replies;
pub mod state;
pub mod survey_cache;
pub mod survey_settings;
pub mod widget_keys;
pub mod wire;
pub mod wire_explain;
pub mod wire_leads;
pub mod wire_teams;
pub mod wire_themes;

pub use api_state::ApiState;
pub use state::{AppState, Limits, ServerConfig};
