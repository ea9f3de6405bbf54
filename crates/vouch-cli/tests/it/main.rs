//! End-to-end tests of the `vouch` binary, on SQLite and (when configured) PostgreSQL.

mod demo;
mod digest;
mod email;
mod export;
mod feedback;
mod helpers;
mod import_errors;
mod leads;
mod report;
mod serve;
mod teams;
mod webhooks;
