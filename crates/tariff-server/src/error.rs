//! Typed API errors and their JSON form.
//!
//! Every error the server answers with is [`ApiError`], rendered as
//! `{"error": {"status": 400, "field": "value", "message": "…"}}`: `field` names the input at
//! fault (a query or JSON field, `body`, or a path segment) when there is one, else `null`.
//! Internal failures (a panic caught, a task that died, an I/O error) are logged with their
//! detail and answered with a generic message: nothing internal leaks to the client.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;

/// Why a request was not answered with data.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ApiError {
    /// An input is invalid (400).
    #[error("{field}: {message}")]
    Invalid {
        /// The field at fault.
        field: String,
        /// What is wrong with it.
        message: String,
    },
    /// The thing asked for does not exist (404), e.g. an HTS number in no revision.
    #[error("{field}: {message}")]
    NotFound {
        /// The field at fault.
        field: String,
        /// What was not found.
        message: String,
    },
    /// No route has this path (404).
    #[error("no such endpoint: {path}")]
    NoRoute {
        /// The path asked for.
        path: String,
    },
    /// The route exists but not with this method (405).
    #[error("method not allowed on this endpoint")]
    Method,
    /// The request body is over the limit (413).
    #[error("the request body is larger than the limit of {limit} bytes")]
    TooLarge {
        /// The limit, bytes.
        limit: usize,
    },
    /// The request body did not arrive in time (408): a client sending slower than the
    /// minimum rate, or stopping.
    #[error(
        "the request body did not arrive in time (at least {min_rate} bytes/s after the first {grace_secs} s)"
    )]
    SlowBody {
        /// The time allowed before the rate counts, seconds.
        grace_secs: u64,
        /// The minimum rate, bytes per second.
        min_rate: u64,
    },
    /// Too many requests in flight, or the request took too long (503).
    #[error("{0}")]
    Unavailable(&'static str),
    /// Something failed inside; the detail is logged, not sent (500).
    #[error("internal error")]
    Internal,
}

impl ApiError {
    /// An invalid-input error.
    pub fn invalid(field: impl Into<String>, message: impl Into<String>) -> ApiError {
        ApiError::Invalid {
            field: field.into(),
            message: message.into(),
        }
    }

    /// The HTTP status.
    pub fn status(&self) -> StatusCode {
        match self {
            ApiError::Invalid { .. } => StatusCode::BAD_REQUEST,
            ApiError::NotFound { .. } | ApiError::NoRoute { .. } => StatusCode::NOT_FOUND,
            ApiError::Method => StatusCode::METHOD_NOT_ALLOWED,
            ApiError::TooLarge { .. } => StatusCode::PAYLOAD_TOO_LARGE,
            ApiError::SlowBody { .. } => StatusCode::REQUEST_TIMEOUT,
            ApiError::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
            ApiError::Internal => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// The field at fault, if any.
    pub fn field(&self) -> Option<&str> {
        match self {
            ApiError::Invalid { field, .. } | ApiError::NotFound { field, .. } => Some(field),
            ApiError::TooLarge { .. } | ApiError::SlowBody { .. } => Some("body"),
            _ => None,
        }
    }

    /// The message sent to the client.
    pub fn message(&self) -> String {
        match self {
            ApiError::Invalid { message, .. } | ApiError::NotFound { message, .. } => {
                message.clone()
            }
            other => other.to_string(),
        }
    }

    /// Logs an internal failure with its detail and returns [`ApiError::Internal`].
    pub fn internal(detail: impl std::fmt::Display) -> ApiError {
        tracing::error!(%detail, "internal error");
        ApiError::Internal
    }
}

/// The JSON body of an error.
#[derive(Serialize)]
struct Body<'a> {
    error: Inner<'a>,
}

#[derive(Serialize)]
struct Inner<'a> {
    status: u16,
    field: Option<&'a str>,
    message: String,
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let status = self.status();
        let body = Body {
            error: Inner {
                status: status.as_u16(),
                field: self.field(),
                message: self.message(),
            },
        };
        let bytes = serde_json::to_vec(&body).unwrap_or_else(|_| b"{\"error\":{}}".to_vec());
        let mut r = (status, bytes).into_response();
        r.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        );
        if status == StatusCode::SERVICE_UNAVAILABLE {
            r.headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
        }
        r
    }
}

/// An engine error: the field at fault by its engine name ([`Fields::quote_error`] names it as
/// the request spelled it).
///
/// [`Fields::quote_error`]: crate::params::Fields::quote_error
impl From<tariff_engine::QuoteError> for ApiError {
    fn from(e: tariff_engine::QuoteError) -> ApiError {
        ApiError::invalid(e.field().name(), e.message())
    }
}
