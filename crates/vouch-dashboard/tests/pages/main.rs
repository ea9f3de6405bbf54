//! The dashboard's content pages end to end: a real server on a free port over a fresh SQLite
//! database per test, a few hundred known answers, and browsers signed in with each role.

#[allow(dead_code)]
#[path = "../dashboard/helpers.rs"]
mod helpers;

mod enps;
mod inbox;
mod overview;
mod seed;
mod settings;
mod timing;
