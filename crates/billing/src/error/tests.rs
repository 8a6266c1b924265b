use super::*;

fn provider(retryable: bool) -> ProviderError {
    if retryable {
        ProviderError::Retryable {
            provider: "stripe",
            status: Some(503),
            code: None,
            message: "down".into(),
            retry_after_secs: None,
        }
    } else {
        ProviderError::Permanent {
            provider: "stripe",
            status: Some(400),
            code: None,
            message: "no".into(),
        }
    }
}

#[test]
fn every_variant_has_its_code() {
    let cases = [
        (BillingError::Store(StoreError::NotFound), "not_found"),
        (BillingError::NotFound, "not_found"),
        (
            BillingError::Store(StoreError::Conflict("x".into())),
            "conflict",
        ),
        (
            BillingError::Store(StoreError::Invalid("x".into())),
            "invalid_state",
        ),
        (
            BillingError::Store(StoreError::Corrupt("x".into())),
            "internal_error",
        ),
        (BillingError::Corrupt("x".into()), "internal_error"),
        (BillingError::Validation("x".into()), "validation_failed"),
        (
            BillingError::InsufficientBalance("x".into()),
            "insufficient_balance",
        ),
        (BillingError::OperatorUnavailable, "operator_unavailable"),
        (BillingError::InvalidAmount("x".into()), "invalid_amount"),
        (
            BillingError::ProviderMissing("x".into()),
            "payment_provider_missing",
        ),
        (BillingError::Provider(provider(true)), "unavailable"),
        (
            BillingError::Provider(provider(false)),
            "payment_provider_error",
        ),
        (BillingError::IdempotencyKeyReused, "idempotency_key_reused"),
        (
            BillingError::InvalidIdempotencyKey,
            "invalid_idempotency_key",
        ),
        (
            BillingError::InvalidCurrency("XXX".into()),
            "invalid_currency",
        ),
        (BillingError::InvalidPeriod, "invalid_period"),
        (BillingError::Signature("x".into()), "forbidden"),
        (BillingError::InvalidPayload("x".into()), "invalid_payload"),
    ];
    for (e, code) in cases {
        assert_eq!(e.code(), code, "{e:?}");
    }
}
