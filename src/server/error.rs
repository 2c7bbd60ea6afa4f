//! Errors of the HTTP surface: one `ApiError` type mapped to a status and a JSON body
//! `{"error":{"code":"…","message":"…"}}`, and `PageError`, the same rendered as an HTML page.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::json;

/// An error answered to a client. User errors carry their message; internal faults carry a
/// generic message (the detail is logged when the error is created).
#[derive(Debug, Clone)]
pub struct ApiError {
    pub status: StatusCode,
    pub code: &'static str,
    pub message: String,
}

impl ApiError {
    pub fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        ApiError {
            status,
            code,
            message: message.into(),
        }
    }

    pub fn bad_request(code: &'static str, message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, code, message)
    }

    pub fn not_found(message: impl Into<String>) -> Self {
        Self::new(StatusCode::NOT_FOUND, "not_found", message)
    }

    /// An internal fault: logs `detail`, answers a generic 500.
    pub fn internal(detail: impl std::fmt::Display) -> Self {
        tracing::error!("internal error: {detail}");
        Self::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal",
            "internal error (the server log has the details)",
        )
    }

    pub fn unauthorized() -> Self {
        Self::new(
            StatusCode::UNAUTHORIZED,
            "unauthorized",
            "this server requires a token: send `Authorization: Bearer TOKEN` or log in at /login",
        )
    }

    pub fn timeout() -> Self {
        Self::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "timeout",
            "the request took too long; try a narrower query",
        )
    }

    /// The JSON body.
    pub fn body(&self) -> serde_json::Value {
        json!({ "error": { "code": self.code, "message": self.message } })
    }
}

impl From<crate::Error> for ApiError {
    fn from(e: crate::Error) -> Self {
        use crate::Error;
        match &e {
            Error::Query(msg) => {
                ApiError::bad_request("bad_query", format!("invalid query: {msg}"))
            }
            Error::Usage(msg) => ApiError::bad_request("bad_request", msg.clone()),
            Error::NoIndex(_) => {
                ApiError::new(StatusCode::SERVICE_UNAVAILABLE, "no_index", e.to_string())
            }
            Error::Locked { .. } => {
                ApiError::new(StatusCode::SERVICE_UNAVAILABLE, "locked", e.to_string())
            }
            Error::Io { .. } | Error::Index(_) => ApiError::internal(&e),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        (self.status, Json(self.body())).into_response()
    }
}

/// An [`ApiError`] shown to a person: the same status, as an HTML page.
#[derive(Debug, Clone)]
pub struct PageError(pub ApiError);

impl From<ApiError> for PageError {
    fn from(e: ApiError) -> Self {
        PageError(e)
    }
}

impl From<crate::Error> for PageError {
    fn from(e: crate::Error) -> Self {
        PageError(e.into())
    }
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        let e = self.0;
        let title = match e.status.canonical_reason() {
            Some(r) => format!("{} {}", e.status.as_u16(), r),
            None => e.status.as_u16().to_string(),
        };
        let body = super::html::error_body(&title, &e.message);
        let page = super::html::layout(&title, "", &body);
        (e.status, page).into_response()
    }
}
