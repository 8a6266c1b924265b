//! Our own extractors, so every rejection answers in the API's error format: `AppJson`,
//! `AppPath`, `AppQuery`, and webhooks' `RawBody` (in `raw_body.rs`).
use axum::{
    extract::{FromRequest, FromRequestParts, Request, rejection::JsonRejection},
    http::request::Parts,
    response::{IntoResponse, Response},
};
use serde::{Serialize, de::DeserializeOwned};

use crate::error::{ApiError, ErrorCode};

mod raw_body;
pub use raw_body::{RawBody, WEBHOOK_BODY_LIMIT};

/// JSON body extractor whose rejections are `invalid_json` (400), `validation_failed` (422),
/// `unsupported_media_type` (415) or `payload_too_large` (413).
pub struct AppJson<T>(pub T);

impl<S, T> FromRequest<S> for AppJson<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let (parts, body) = req.into_parts();
        let bytes =
            axum::body::Bytes::from_request(Request::from_parts(parts.clone(), body), state)
                .await
                .map_err(|e| {
                    if e.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE {
                        ApiError::PayloadTooLarge
                    } else {
                        ApiError::bad_request(ErrorCode::InvalidBody, e.body_text())
                    }
                })?;
        // PostgreSQL text cannot hold U+0000; refusing it here answers the same on both
        // databases instead of a 500 on one of them.
        if has_nul_string(&bytes) {
            return Err(ApiError::validation(
                "text must not contain the NUL character (\\u0000)",
            ));
        }
        let req = Request::from_parts(parts, axum::body::Body::from(bytes));
        match axum::Json::<T>::from_request(req, state).await {
            Ok(axum::Json(v)) => Ok(AppJson(v)),
            Err(rej) => Err(match rej {
                JsonRejection::JsonDataError(e) => ApiError::validation(e.body_text()),
                JsonRejection::JsonSyntaxError(e) => {
                    ApiError::bad_request(ErrorCode::InvalidJson, e.body_text())
                }
                JsonRejection::MissingJsonContentType(_) => ApiError::UnsupportedMediaType(
                    "expected `Content-Type: application/json`".into(),
                ),
                JsonRejection::BytesRejection(e) => {
                    if e.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE {
                        ApiError::PayloadTooLarge
                    } else {
                        ApiError::bad_request(ErrorCode::InvalidBody, e.body_text())
                    }
                }
                other => ApiError::bad_request(ErrorCode::InvalidJson, other.body_text()),
            }),
        }
    }
}

/// Does any string (or key) of this JSON document contain U+0000? JSON can only spell it as
/// an escape, so documents without `\u0000` are not parsed twice.
fn has_nul_string(bytes: &[u8]) -> bool {
    fn walk(v: &serde_json::Value) -> bool {
        match v {
            serde_json::Value::String(s) => s.contains('\0'),
            serde_json::Value::Array(a) => a.iter().any(walk),
            serde_json::Value::Object(o) => o.iter().any(|(k, v)| k.contains('\0') || walk(v)),
            _ => false,
        }
    }
    bytes.windows(6).any(|w| w == b"\\u0000")
        && serde_json::from_slice::<serde_json::Value>(bytes).is_ok_and(|v| walk(&v))
}

impl<T: Serialize> IntoResponse for AppJson<T> {
    fn into_response(self) -> Response {
        axum::Json(self.0).into_response()
    }
}

/// Path parameters; a malformed id is `invalid_path` (400).
pub struct AppPath<T>(pub T);

impl<S, T> FromRequestParts<S> for AppPath<T>
where
    T: DeserializeOwned + Send,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        axum::extract::Path::<T>::from_request_parts(parts, state)
            .await
            .map(|p| AppPath(p.0))
            .map_err(|e| ApiError::bad_request(ErrorCode::InvalidPath, e.body_text()))
    }
}

/// Query string; a malformed one is `invalid_query` (400).
pub struct AppQuery<T>(pub T);

impl<S, T> FromRequestParts<S> for AppQuery<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        axum::extract::Query::<T>::from_request_parts(parts, state)
            .await
            .map(|q| AppQuery(q.0))
            .map_err(|e| ApiError::bad_request(ErrorCode::InvalidQuery, e.body_text()))
    }
}
