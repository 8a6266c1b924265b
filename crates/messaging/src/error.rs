//! The pipeline's error type. The server maps it to HTTP; `code()` is the stable `error` code an
//! API answer carries for the variants a client can cause.
use switchboard_store::StoreError;

#[derive(Debug, thiserror::Error)]
pub enum MessagingError {
    /// Input the pipeline refuses (422 `validation_failed`).
    #[error("{0}")]
    Invalid(String),
    /// A tenant-set URL outside the public internet that the operator has not allowed
    /// (422 `outbound_address_blocked`); the field names the setting.
    #[error(
        "{field} points to a loopback, private, link-local or metadata address; the operator can allow it with SWITCHBOARD_OUTBOUND_ALLOW"
    )]
    Blocked { field: String },
    /// The channel is of another kind than the operation needs (422 `wrong_channel_kind`).
    #[error("{0}")]
    WrongChannelKind(String),
    /// The provider did not do what was asked (503 `unavailable`).
    #[error("{0}")]
    Provider(String),
    #[error(transparent)]
    Store(#[from] StoreError),
    /// Sealing or opening secrets, serialising: never the caller's fault.
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

pub type MessagingResult<T> = Result<T, MessagingError>;

/// The stable code of a URL the allow-list refuses.
pub const BLOCKED_CODE: &str = "outbound_address_blocked";

impl MessagingError {
    pub fn invalid(msg: impl Into<String>) -> Self {
        MessagingError::Invalid(msg.into())
    }

    pub fn blocked(field: impl Into<String>) -> Self {
        MessagingError::Blocked {
            field: field.into(),
        }
    }

    /// The stable `error` code of the variants a client can cause; store and internal errors
    /// are mapped by the caller.
    pub fn code(&self) -> &'static str {
        match self {
            MessagingError::Invalid(_) => "validation_failed",
            MessagingError::Blocked { .. } => BLOCKED_CODE,
            MessagingError::WrongChannelKind(_) => "wrong_channel_kind",
            MessagingError::Provider(_) => "unavailable",
            MessagingError::Store(_) | MessagingError::Internal(_) => "internal_error",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocked_names_its_field_and_code() {
        let e = MessagingError::blocked("api_base");
        assert_eq!(e.code(), "outbound_address_blocked");
        assert!(e.to_string().starts_with("api_base points to"));
    }
}
