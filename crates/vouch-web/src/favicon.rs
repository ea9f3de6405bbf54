//! `GET /favicon.ico`: Vouch's mark, built into the binary, so that no browser tab logs a 404.
//! The body is SVG (every current browser shows an SVG icon served with its media type).

use axum::Router;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;

use crate::state::AppState;

/// The icon: a white check on the dashboard's accent blue.
static ICON: &[u8] = include_bytes!("../assets/favicon.svg");

/// The icon's route.
pub fn router() -> Router<AppState> {
    Router::new().route("/favicon.ico", get(favicon))
}

async fn favicon() -> Response {
    (
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("image/svg+xml"),
            ),
            (
                header::CACHE_CONTROL,
                HeaderValue::from_static("public, max-age=86400"),
            ),
        ],
        ICON,
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_icon_is_an_svg_document() {
        let text = std::str::from_utf8(ICON).unwrap();
        assert!(text.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\""));
        assert!(text.trim_end().ends_with("</svg>"));
    }
}
