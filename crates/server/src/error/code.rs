//! The registry of every stable `error` code the API answers. A code is a variant here or it
//! does not exist: handlers name `ErrorCode::InvalidQuery`, never a string, so a typo does not
//! compile, and the OpenAPI document lists exactly these strings as the enum of
//! `ErrorBody.error`.

macro_rules! error_codes {
    ($($(#[doc = $doc:literal])+ $variant:ident = $code:literal,)+) => {
        /// Stable machine-readable error code of an error answer (`ErrorBody.error`).
        #[derive(
            Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize,
            utoipa::ToSchema,
        )]
        #[serde(rename_all = "snake_case")]
        pub enum ErrorCode {
            $($(#[doc = $doc])+ $variant,)+
        }

        impl ErrorCode {
            /// Every code, in registry order.
            pub const ALL: &'static [ErrorCode] = &[$(ErrorCode::$variant,)+];

            /// The code as it appears in answers.
            pub const fn as_str(self) -> &'static str {
                match self {
                    $(ErrorCode::$variant => $code,)+
                }
            }

            /// The variant's name as written in source (`InvalidQuery`).
            pub const fn variant_name(self) -> &'static str {
                match self {
                    $(ErrorCode::$variant => stringify!($variant),)+
                }
            }
        }
    };
}

error_codes! {
    // --- request shape (400) ---
    /// The body is not valid JSON.
    InvalidJson = "invalid_json",
    /// The body could not be read or decoded.
    InvalidBody = "invalid_body",
    /// A path segment is not of the expected type.
    InvalidPath = "invalid_path",
    /// A query parameter is missing, malformed or out of range.
    InvalidQuery = "invalid_query",
    /// A form body is not understood.
    InvalidForm = "invalid_form",
    /// A provider webhook payload is not understood.
    InvalidPayload = "invalid_payload",
    /// A pagination cursor is not one this API issued.
    InvalidCursor = "invalid_cursor",
    /// A report format is neither json nor csv.
    InvalidFormat = "invalid_format",
    /// A report period ends before it starts.
    InvalidPeriod = "invalid_period",
    /// A currency code is not supported.
    InvalidCurrency = "invalid_currency",
    /// The Idempotency-Key header is empty or too long.
    InvalidIdempotencyKey = "invalid_idempotency_key",
    /// The platform admin did not name a business with X-Business-Id.
    BusinessRequired = "business_required",
    /// X-Business-Id is not an id.
    InvalidBusinessId = "invalid_business_id",
    // --- who may call (401/402/403) ---
    /// No valid credential.
    Unauthorized = "unauthorized",
    /// The caller may not do this.
    Forbidden = "forbidden",
    /// The feature is switched off for this business (the body names it in `feature`).
    FeatureDisabled = "feature_disabled",
    /// The wallet cannot pay for what was asked.
    InsufficientBalance = "insufficient_balance",
    // --- what was addressed (404/405) ---
    /// The resource does not exist in this business.
    NotFound = "not_found",
    /// No route has this path.
    RouteNotFound = "route_not_found",
    /// The route exists but not with this method.
    MethodNotAllowed = "method_not_allowed",
    // --- state (409) ---
    /// Already exists.
    Conflict = "conflict",
    /// The time is no longer free.
    SlotTaken = "slot_taken",
    /// The resource is not in a state that allows this.
    InvalidState = "invalid_state",
    /// The Idempotency-Key was used for a different request.
    IdempotencyKeyReused = "idempotency_key_reused",
    // --- semantic (422) ---
    /// A field fails validation.
    ValidationFailed = "validation_failed",
    /// The time is not on the service's booking grid.
    OffGrid = "off_grid",
    /// The time is outside working hours.
    OutsideHours = "outside_hours",
    /// A configured URL points to a loopback, private, link-local or metadata address.
    OutboundAddressBlocked = "outbound_address_blocked",
    /// WhatsApp's 24-hour window is closed: send an approved template.
    WhatsappWindowClosed = "whatsapp_window_closed",
    /// The channel is not of the kind this action needs.
    WrongChannelKind = "wrong_channel_kind",
    /// The operator is not taking calls.
    OperatorUnavailable = "operator_unavailable",
    /// The top-up amount is not one of the offered amounts.
    InvalidAmount = "invalid_amount",
    /// The payment provider refused or failed.
    PaymentProviderError = "payment_provider_error",
    /// No payment provider is configured for this business.
    PaymentProviderMissing = "payment_provider_missing",
    // --- transport and server (413/415/429/5xx) ---
    /// The body is over the size limit.
    PayloadTooLarge = "payload_too_large",
    /// The content type is not accepted.
    UnsupportedMediaType = "unsupported_media_type",
    /// Too many requests: wait `Retry-After` seconds.
    RateLimited = "rate_limited",
    /// A dependency is down: try again.
    Unavailable = "unavailable",
    /// A bug or an unexpected failure; the request id finds it in the logs.
    InternalError = "internal_error",
}

impl std::fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests;
