//! The one API error type: a stable snake_case `error` code, a human `message`, and the
//! request id. Causes of 5xx answers are logged with the request id and never returned.
use axum::{
    Json,
    http::{HeaderValue, StatusCode, header},
    response::{IntoResponse, Response},
};
use serde::Serialize;
use switchboard_store::StoreError;

use crate::ops::request_id::current_request_id;

mod code;
pub use code::ErrorCode;

/// The JSON body of every error answer.
#[derive(Serialize, utoipa::ToSchema)]
pub struct ErrorBody {
    /// Stable machine-readable code, e.g. `not_found`, `invalid_json`, `feature_disabled`.
    pub error: ErrorCode,
    pub message: String,
    pub request_id: String,
    /// The feature that is switched off (only for `feature_disabled`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub feature: Option<String>,
}

#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error("{1}")]
    BadRequest(ErrorCode, String),
    #[error("authentication required")]
    Unauthorized,
    #[error("{0}")]
    Forbidden(String),
    #[error("the `{0}` feature is disabled for this business")]
    FeatureDisabled(String),
    #[error("not found")]
    NotFound,
    #[error("{0}")]
    Conflict(String),
    /// A 409 with its own code (`slot_taken`, `invalid_state`...).
    #[error("{1}")]
    ConflictCode(ErrorCode, String),
    #[error("{1}")]
    Unprocessable(ErrorCode, String),
    /// The wallet cannot pay for what was asked (402 `insufficient_balance`).
    #[error("{0}")]
    PaymentRequired(String),
    #[error("too many requests")]
    TooManyRequests { retry_after_secs: u64 },
    #[error("payload too large")]
    PayloadTooLarge,
    #[error("{0}")]
    UnsupportedMediaType(String),
    #[error("service unavailable: {0}")]
    Unavailable(String),
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

pub type ApiResult<T> = Result<T, ApiError>;

impl ApiError {
    pub fn bad_request(code: ErrorCode, msg: impl Into<String>) -> Self {
        ApiError::BadRequest(code, msg.into())
    }
    pub fn validation(msg: impl Into<String>) -> Self {
        ApiError::Unprocessable(ErrorCode::ValidationFailed, msg.into())
    }
    pub fn forbidden(msg: impl Into<String>) -> Self {
        ApiError::Forbidden(msg.into())
    }

    pub fn status(&self) -> StatusCode {
        match self {
            ApiError::BadRequest(..) => StatusCode::BAD_REQUEST,
            ApiError::Unauthorized => StatusCode::UNAUTHORIZED,
            ApiError::Forbidden(_) | ApiError::FeatureDisabled(_) => StatusCode::FORBIDDEN,
            ApiError::NotFound => StatusCode::NOT_FOUND,
            ApiError::Conflict(_) | ApiError::ConflictCode(..) => StatusCode::CONFLICT,
            ApiError::Unprocessable(..) => StatusCode::UNPROCESSABLE_ENTITY,
            ApiError::PaymentRequired(_) => StatusCode::PAYMENT_REQUIRED,
            ApiError::TooManyRequests { .. } => StatusCode::TOO_MANY_REQUESTS,
            ApiError::PayloadTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            ApiError::UnsupportedMediaType(_) => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            ApiError::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
            ApiError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    pub fn code(&self) -> ErrorCode {
        match self {
            ApiError::BadRequest(code, _)
            | ApiError::Unprocessable(code, _)
            | ApiError::ConflictCode(code, _) => *code,
            ApiError::Unauthorized => ErrorCode::Unauthorized,
            ApiError::Forbidden(_) => ErrorCode::Forbidden,
            ApiError::FeatureDisabled(_) => ErrorCode::FeatureDisabled,
            ApiError::NotFound => ErrorCode::NotFound,
            ApiError::Conflict(_) => ErrorCode::Conflict,
            ApiError::PaymentRequired(_) => ErrorCode::InsufficientBalance,
            ApiError::TooManyRequests { .. } => ErrorCode::RateLimited,
            ApiError::PayloadTooLarge => ErrorCode::PayloadTooLarge,
            ApiError::UnsupportedMediaType(_) => ErrorCode::UnsupportedMediaType,
            ApiError::Unavailable(_) => ErrorCode::Unavailable,
            ApiError::Internal(_) => ErrorCode::InternalError,
        }
    }
}

impl From<switchboard_domain::validate::Invalid> for ApiError {
    fn from(e: switchboard_domain::validate::Invalid) -> Self {
        ApiError::validation(e.0)
    }
}

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound => ApiError::NotFound,
            StoreError::Conflict(what) => ApiError::Conflict(format!("already exists ({what})")),
            StoreError::SlotTaken => ApiError::ConflictCode(
                ErrorCode::SlotTaken,
                "that time is no longer free; ask /api/v1/slots for free times".into(),
            ),
            StoreError::Invalid(why) => ApiError::ConflictCode(ErrorCode::InvalidState, why),
            other => ApiError::Internal(other.into()),
        }
    }
}

impl From<switchboard_crm::CrmError> for ApiError {
    fn from(e: switchboard_crm::CrmError) -> Self {
        use switchboard_crm::CrmError;
        match e {
            // Not a race: the request can never succeed as sent, so a 422 with its own code.
            CrmError::OffGrid(why) => ApiError::Unprocessable(ErrorCode::OffGrid, why),
            CrmError::OutsideHours(why) => ApiError::Unprocessable(ErrorCode::OutsideHours, why),
            other => StoreError::from(other).into(),
        }
    }
}

/// Builds an error response outside a handler (middleware, fallbacks).
pub fn error_response(status: StatusCode, code: ErrorCode, message: impl Into<String>) -> Response {
    let body = ErrorBody {
        error: code,
        message: message.into(),
        request_id: current_request_id(),
        feature: None,
    };
    (status, Json(body)).into_response()
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let status = self.status();
        let message = match &self {
            ApiError::Internal(e) => {
                tracing::error!(error = ?e, request_id = %current_request_id(), "internal error");
                "internal error; the request id identifies it in the logs".to_string()
            }
            ApiError::Unavailable(e) => {
                tracing::warn!(error = %e, "unavailable");
                "temporarily unavailable, try again".to_string()
            }
            other => other.to_string(),
        };
        let body = ErrorBody {
            error: self.code(),
            message,
            request_id: current_request_id(),
            feature: match &self {
                ApiError::FeatureDisabled(f) => Some(f.clone()),
                _ => None,
            },
        };
        let mut resp = (status, Json(body)).into_response();
        if let ApiError::TooManyRequests { retry_after_secs } = self
            && let Ok(v) = HeaderValue::from_str(&retry_after_secs.to_string())
        {
            resp.headers_mut().insert(header::RETRY_AFTER, v);
        }
        if status == StatusCode::UNAUTHORIZED {
            resp.headers_mut()
                .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
        }
        resp
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_variant_has_its_status_and_code() {
        let cases = [
            (
                ApiError::bad_request(ErrorCode::InvalidJson, "x"),
                400,
                "invalid_json",
            ),
            (ApiError::Unauthorized, 401, "unauthorized"),
            (ApiError::forbidden("x"), 403, "forbidden"),
            (
                ApiError::FeatureDisabled("crm".into()),
                403,
                "feature_disabled",
            ),
            (ApiError::NotFound, 404, "not_found"),
            (ApiError::Conflict("x".into()), 409, "conflict"),
            (ApiError::validation("x"), 422, "validation_failed"),
            (
                ApiError::TooManyRequests {
                    retry_after_secs: 1,
                },
                429,
                "rate_limited",
            ),
            (ApiError::PayloadTooLarge, 413, "payload_too_large"),
            (
                switchboard_crm::CrmError::OffGrid("x".into()).into(),
                422,
                "off_grid",
            ),
            (
                switchboard_crm::CrmError::OutsideHours("x".into()).into(),
                422,
                "outside_hours",
            ),
            (
                switchboard_crm::CrmError::SlotTaken.into(),
                409,
                "slot_taken",
            ),
            (
                ApiError::Internal(anyhow::anyhow!("boom")),
                500,
                "internal_error",
            ),
        ];
        for (e, status, code) in cases {
            assert_eq!(e.status().as_u16(), status);
            assert_eq!(e.code().as_str(), code);
        }
    }
}
