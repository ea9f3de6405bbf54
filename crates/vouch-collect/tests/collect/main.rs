//! Answer collection end to end: a real server on a free port over a fresh SQLite database
//! per test, spoken to as a browser, a mail scanner, a mailbox provider and a host page do.

mod helpers;
mod link;
mod pages;
mod survey_api;
mod unsubscribe;
mod widget;
