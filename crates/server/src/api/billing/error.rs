//! Billing errors as API answers: the service's stable code, with the status it stands for.
use switchboard_billing::BillingError;

use crate::error::ApiError;

impl From<BillingError> for ApiError {
    fn from(e: BillingError) -> Self {
        let code = e.code();
        match e {
            BillingError::Store(s) => s.into(),
            BillingError::NotFound => ApiError::NotFound,
            BillingError::InsufficientBalance(m) => ApiError::PaymentRequired(m),
            BillingError::Provider(p) if p.is_retryable() => ApiError::Unavailable(p.to_string()),
            BillingError::IdempotencyKeyReused => ApiError::ConflictCode(code, e.to_string()),
            BillingError::Signature(_) => ApiError::forbidden(e.to_string()),
            BillingError::Validation(_)
            | BillingError::OperatorUnavailable
            | BillingError::InvalidAmount(_)
            | BillingError::ProviderMissing(_)
            | BillingError::Provider(_) => ApiError::Unprocessable(code, e.to_string()),
            BillingError::InvalidIdempotencyKey
            | BillingError::InvalidCurrency(_)
            | BillingError::InvalidPeriod
            | BillingError::InvalidPayload(_) => ApiError::BadRequest(code, e.to_string()),
            BillingError::Corrupt(_) => ApiError::Internal(e.into()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn answers_keep_the_service_code() {
        let cases = [
            BillingError::NotFound,
            BillingError::Validation("x".into()),
            BillingError::InsufficientBalance("x".into()),
            BillingError::OperatorUnavailable,
            BillingError::InvalidAmount("x".into()),
            BillingError::ProviderMissing("x".into()),
            BillingError::IdempotencyKeyReused,
            BillingError::InvalidIdempotencyKey,
            BillingError::InvalidCurrency("x".into()),
            BillingError::InvalidPeriod,
            BillingError::Signature("x".into()),
            BillingError::InvalidPayload("x".into()),
            BillingError::Corrupt("x".into()),
        ];
        for e in cases {
            let code = e.code();
            assert_eq!(ApiError::from(e).code(), code);
        }
    }
}
