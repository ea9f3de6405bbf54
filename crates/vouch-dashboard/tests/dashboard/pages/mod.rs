//! The content pages: a few hundred known answers, and browsers signed in with each role.

mod customers;
mod enps;
mod inbox;
mod inbox_export;
mod leads;
mod overview;
mod seed;
mod settings;
mod themes;
mod timing;
