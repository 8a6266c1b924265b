//! The billing service's error: one variant per way a billing request can fail, each with a
//! stable snake_case [`code`](BillingError::code) that the HTTP layer answers unchanged.
use switchboard_store::StoreError;

use crate::providers::ProviderError;

#[derive(Debug, thiserror::Error)]
pub enum BillingError {
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The thing asked for does not exist in this business (or billing is off for it).
    #[error("not found")]
    NotFound,
    /// A stored billing document (tariff, call rating, credentials) cannot be read.
    #[error("stored billing data is unreadable: {0}")]
    Corrupt(String),
    /// The request breaks a rule of the tariff or of the field it sets.
    #[error("{0}")]
    Validation(String),
    /// The wallet cannot pay for what was asked.
    #[error("{0}")]
    InsufficientBalance(String),
    #[error("the operator is not taking calls")]
    OperatorUnavailable,
    /// A top-up amount the tariff does not offer.
    #[error("{0}")]
    InvalidAmount(String),
    #[error("{0}")]
    ProviderMissing(String),
    /// The payment provider's API failed; retryable failures answer `unavailable`.
    #[error(transparent)]
    Provider(ProviderError),
    #[error("this Idempotency-Key was used for a different adjustment")]
    IdempotencyKeyReused,
    #[error("Idempotency-Key must be 1-200 characters")]
    InvalidIdempotencyKey,
    #[error("`{0}` is not a supported currency")]
    InvalidCurrency(String),
    #[error("`from` is after `to`")]
    InvalidPeriod,
    /// A payment webhook whose signature does not verify (the reason is for logs only).
    #[error("webhook signature check failed")]
    Signature(String),
    #[error("payload not understood: {0}")]
    InvalidPayload(String),
}

impl BillingError {
    /// The stable code the API answers with this error.
    pub fn code(&self) -> &'static str {
        match self {
            BillingError::Store(StoreError::NotFound) | BillingError::NotFound => "not_found",
            BillingError::Store(StoreError::Conflict(_)) => "conflict",
            BillingError::Store(StoreError::Invalid(_)) => "invalid_state",
            BillingError::Store(_) | BillingError::Corrupt(_) => "internal_error",
            BillingError::Validation(_) => "validation_failed",
            BillingError::InsufficientBalance(_) => "insufficient_balance",
            BillingError::OperatorUnavailable => "operator_unavailable",
            BillingError::InvalidAmount(_) => "invalid_amount",
            BillingError::ProviderMissing(_) => "payment_provider_missing",
            BillingError::Provider(e) if e.is_retryable() => "unavailable",
            BillingError::Provider(_) => "payment_provider_error",
            BillingError::IdempotencyKeyReused => "idempotency_key_reused",
            BillingError::InvalidIdempotencyKey => "invalid_idempotency_key",
            BillingError::InvalidCurrency(_) => "invalid_currency",
            BillingError::InvalidPeriod => "invalid_period",
            BillingError::Signature(_) => "forbidden",
            BillingError::InvalidPayload(_) => "invalid_payload",
        }
    }

    pub(crate) fn corrupt(e: impl std::fmt::Display) -> Self {
        BillingError::Corrupt(e.to_string())
    }

    /// A provider failure, logged here once with its cause.
    pub(crate) fn provider(e: ProviderError) -> Self {
        tracing::warn!(error = %e, "payment provider call failed");
        BillingError::Provider(e)
    }
}

pub type BillingResult<T> = Result<T, BillingError>;

#[cfg(test)]
mod tests;
