//! The calculator page and the OpenAPI document, embedded in the binary.
//!
//! The page is plain HTML, CSS and JavaScript with no build step and nothing fetched from
//! another host: it works offline, from the binary alone. It talks to the JSON API of this
//! server only.

use crate::error::ApiError;
use axum::extract::Path;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};

const INDEX: &str = include_str!("../assets/index.html");
const APP_JS: &str = include_str!("../assets/app.js");
const APP_CSS: &str = include_str!("../assets/app.css");
const ICON: &str = include_str!("../assets/icon.svg");

fn text(body: &'static str, content_type: &'static str, cache: bool) -> Response {
    let mut r = body.into_response();
    let h = r.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    h.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static(if cache {
            "public, max-age=300"
        } else {
            "no-cache"
        }),
    );
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(
            "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'",
        ),
    );
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    r
}

/// `GET /`: the page.
pub async fn index() -> Response {
    text(INDEX, "text/html; charset=utf-8", false)
}

/// `GET /assets/{file}`: the page's script, style sheet and icon.
pub async fn asset(Path(file): Path<String>) -> Result<Response, ApiError> {
    match file.as_str() {
        "app.js" => Ok(text(APP_JS, "text/javascript; charset=utf-8", true)),
        "app.css" => Ok(text(APP_CSS, "text/css; charset=utf-8", true)),
        "icon.svg" => Ok(text(ICON, "image/svg+xml", true)),
        _ => Err(ApiError::NotFound {
            field: "file".into(),
            message: "no such asset".into(),
        }),
    }
}

/// `GET /openapi.json`.
pub async fn openapi() -> Response {
    let mut r = crate::OPENAPI.into_response();
    r.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    r
}
