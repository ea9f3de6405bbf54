//! The JSON API end to end: a real server on a free port over a fresh database per test,
//! spoken to over HTTP. The contract story runs on SQLite, and on PostgreSQL when
//! `VOUCH_TEST_DATABASE_URL` names a server.

mod connections;
mod errors;
mod export;
mod feedback;
mod fuzz;
mod helpers;
mod leads;
mod lists;
mod replies;
mod story;
mod teams;
mod webhooks;
mod workspace;
