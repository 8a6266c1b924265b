//! Billing errors as API answers: each service error with the registry code and the status it
//! stands for (the codes are the service's own `code()`, checked below).
use switchboard_billing::BillingError;

use crate::error::{ApiError, ErrorCode};

impl From<BillingError> for ApiError {
    fn from(e: BillingError) -> Self {
        let msg = e.to_string();
        match e {
            BillingError::Store(s) => s.into(),
            BillingError::NotFound => ApiError::NotFound,
            BillingError::Corrupt(_) => ApiError::Internal(e.into()),
            BillingError::Validation(m) => ApiError::validation(m),
            BillingError::InsufficientBalance(m) => ApiError::PaymentRequired(m),
            BillingError::Signature(_) => ApiError::forbidden(msg),
            BillingError::Provider(p) if p.is_retryable() => ApiError::Unavailable(msg),
            BillingError::Provider(_) => {
                ApiError::Unprocessable(ErrorCode::PaymentProviderError, msg)
            }
            BillingError::OperatorUnavailable => {
                ApiError::Unprocessable(ErrorCode::OperatorUnavailable, msg)
            }
            BillingError::InvalidAmount(_) => {
                ApiError::Unprocessable(ErrorCode::InvalidAmount, msg)
            }
            BillingError::ProviderMissing(_) => {
                ApiError::Unprocessable(ErrorCode::PaymentProviderMissing, msg)
            }
            BillingError::IdempotencyKeyReused => {
                ApiError::ConflictCode(ErrorCode::IdempotencyKeyReused, msg)
            }
            BillingError::InvalidIdempotencyKey => {
                ApiError::bad_request(ErrorCode::InvalidIdempotencyKey, msg)
            }
            BillingError::InvalidCurrency(_) => {
                ApiError::bad_request(ErrorCode::InvalidCurrency, msg)
            }
            BillingError::InvalidPeriod => ApiError::bad_request(ErrorCode::InvalidPeriod, msg),
            BillingError::InvalidPayload(_) => {
                ApiError::bad_request(ErrorCode::InvalidPayload, msg)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use switchboard_billing::providers::ProviderError;
    use switchboard_store::StoreError;

    use super::*;

    #[test]
    fn answers_keep_the_service_code() {
        let provider = |retryable: bool| {
            if retryable {
                ProviderError::Retryable {
                    provider: "square",
                    status: None,
                    code: None,
                    message: "down".into(),
                    retry_after_secs: None,
                }
            } else {
                ProviderError::Permanent {
                    provider: "square",
                    status: Some(400),
                    code: None,
                    message: "no".into(),
                }
            }
        };
        let cases = [
            BillingError::Store(StoreError::NotFound),
            BillingError::Store(StoreError::Conflict("x".into())),
            BillingError::NotFound,
            BillingError::Corrupt("x".into()),
            BillingError::Validation("x".into()),
            BillingError::InsufficientBalance("x".into()),
            BillingError::Signature("x".into()),
            BillingError::Provider(provider(true)),
            BillingError::Provider(provider(false)),
            BillingError::OperatorUnavailable,
            BillingError::InvalidAmount("x".into()),
            BillingError::ProviderMissing("x".into()),
            BillingError::IdempotencyKeyReused,
            BillingError::InvalidIdempotencyKey,
            BillingError::InvalidCurrency("x".into()),
            BillingError::InvalidPeriod,
            BillingError::InvalidPayload("x".into()),
        ];
        for e in cases {
            let code = e.code();
            assert_eq!(ApiError::from(e).code().as_str(), code);
        }
    }
}
