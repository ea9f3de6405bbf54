//! The dashboard's frame and accounts end to end: a real server on a free port over a fresh
//! SQLite database per test, spoken to as browsers with cookie jars (and as forgers without
//! one).

mod accounts;
mod admin;
mod helpers;
mod sign_in;
