//! The dashboard end to end: a real server on a free port over a fresh SQLite database per
//! test, spoken to as browsers with cookie jars (and as forgers without one) — its frame and
//! accounts, its content pages over a few hundred known answers, and the Tags page with
//! each answer's history.

mod accounts;
mod admin;
mod campaigns;
mod digest;
mod helpers;
mod pages;
mod replies;
mod sign_in;
mod tags;
mod webhooks;
