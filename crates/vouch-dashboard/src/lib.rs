//! The dashboard: the server-rendered HTML pages members of a workspace sign in to.
//!
//! - [`session`]: the `vouch_session` cookie and the extractors every page takes ([`Viewer`],
//!   and for POSTs [`session::Csrf`], [`Writer`], [`session::Admin`]).
//! - [`csrf`]: the CSRF token of every form, read by a middleware on the dashboard's routes.
//! - [`layout`]: the [`layout::Frame`] around every page (`templates/dashboard/base.html`),
//!   rendering with the dashboard's security headers, error pages, the stylesheet.
//! - [`router`]: every dashboard route. Routes live under `/app/…`, except sign-in and the
//!   links handed out by email (`/login`, `/logout`, `/invite/{token}`, `/reset`,
//!   `/reset/{token}`); `/` redirects to `/app`, which redirects to the first survey the viewer
//!   may see.
//! - `auth_pages`: sign-in, sign-out, the workspace switch, invitations, password resets, the
//!   user's own account; `admin_pages`: members and API keys; [`pages`]: the content pages
//!   (overview, segments, inbox, contacts, surveys, tags and keyword rules); `campaigns`:
//!   email campaigns, the send form with its dry-run count and email preview, and the widget
//!   keys.
//!
//! `vouch-charts` turns figures that `vouch-analytics` already computed (counts, NPS, margins of
//! error) into SVG markup and companion HTML data tables, so that a browser needs no chart
//! library and no script to show them. The look is set by `assets/dashboard.css`, the one
//! stylesheet of the dashboard, whose class names the charts and tables use.
//!
//! Nothing here computes a figure: every NPS and margin of error comes from `vouch-core`, and
//! eNPS anonymity has been applied before a chart ever sees the numbers.

pub mod admin_pages;
pub mod auth_pages;
mod brand_page;
mod campaigns;
pub mod csrf;
pub mod layout;
pub mod pages;
pub mod router;
pub mod session;
mod webhooks_page;

pub use router::router;
pub use session::{Viewer, Writer};
