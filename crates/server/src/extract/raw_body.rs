//! The raw body of a webhook, read whole (up to a limit) so its signature can be verified.
use axum::extract::{FromRequest, Request};

use crate::error::{ApiError, ErrorCode};

/// Largest webhook body accepted: Meta sends up to 3 MB, more than the API's own limit.
pub const WEBHOOK_BODY_LIMIT: usize = 4 * 1024 * 1024;

/// The raw request body of a webhook (signatures are verified over it), up to
/// [`WEBHOOK_BODY_LIMIT`]; larger is `payload_too_large` (413), unreadable `invalid_body` (400).
pub struct RawBody(pub axum::body::Bytes);

impl<S> FromRequest<S> for RawBody
where
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request(req: Request, _state: &S) -> Result<Self, Self::Rejection> {
        let declared = req
            .headers()
            .get(axum::http::header::CONTENT_LENGTH)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.parse::<usize>().ok());
        if declared.is_some_and(|n| n > WEBHOOK_BODY_LIMIT) {
            return Err(ApiError::PayloadTooLarge);
        }
        axum::body::to_bytes(req.into_body(), WEBHOOK_BODY_LIMIT)
            .await
            .map(RawBody)
            .map_err(|e| {
                let too_large = std::error::Error::source(&e)
                    .is_some_and(|s| s.is::<http_body_util::LengthLimitError>());
                if too_large {
                    ApiError::PayloadTooLarge
                } else {
                    ApiError::bad_request(
                        ErrorCode::InvalidBody,
                        "the request body could not be read",
                    )
                }
            })
    }
}
