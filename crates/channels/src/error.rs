//! Errors of the channels crate: why a send failed (and whether trying again can help), why a
//! webhook was refused, why a payload could not be read.
use std::time::Duration;

/// A send that did not go through.
///
/// The outbox retries [`SendError::Retryable`] with backoff (never sooner than `retry_after`)
/// and gives up at once on [`SendError::Permanent`], recording the provider's code on the
/// message (e.g. Twilio `21211`, Meta `131026`, Telegram `403`).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum SendError {
    /// 429, 5xx, a timeout or a connection failure, or a provider code documented as transient.
    #[error("temporary send failure ({}): {message}", describe(*status, code.as_deref()))]
    Retryable {
        status: Option<u16>,
        code: Option<String>,
        message: String,
        retry_after: Option<Duration>,
    },
    /// The request itself is wrong (bad number, blocked user, bad credentials, content the
    /// channel cannot carry): retrying would fail the same way.
    #[error("send refused ({}): {message}", describe(*status, code.as_deref()))]
    Permanent {
        status: Option<u16>,
        code: Option<String>,
        message: String,
    },
}

fn describe(status: Option<u16>, code: Option<&str>) -> String {
    match (status, code) {
        (Some(s), Some(c)) => format!("HTTP {s}, code {c}"),
        (Some(s), None) => format!("HTTP {s}"),
        (None, Some(c)) => format!("code {c}"),
        (None, None) => "no response".to_string(),
    }
}

/// Codes we give errors that did not come from the provider.
pub mod codes {
    /// The connection could not be made: the request never reached the provider.
    pub const CONNECT: &str = "connect";
    /// No answer in time: the provider may or may not have accepted the message.
    pub const TIMEOUT: &str = "timeout";
    /// Any other transport failure.
    pub const TRANSPORT: &str = "transport";
    /// A 2xx answer we could not read. Not retried: the message may well have been sent.
    pub const BAD_RESPONSE: &str = "bad_response";
    /// The content cannot be carried by this channel (e.g. a template on Telegram).
    pub const UNSUPPORTED: &str = "unsupported_content";
    /// The recipient address is not valid for this channel.
    pub const BAD_RECIPIENT: &str = "bad_recipient";
    /// Our own configuration is unusable (bad base URL, missing sender).
    pub const CONFIG: &str = "config";
}

impl SendError {
    pub fn is_retryable(&self) -> bool {
        matches!(self, SendError::Retryable { .. })
    }

    pub fn status(&self) -> Option<u16> {
        match self {
            SendError::Retryable { status, .. } | SendError::Permanent { status, .. } => *status,
        }
    }

    /// The provider's error code (or one of [`codes`]).
    pub fn code(&self) -> Option<&str> {
        match self {
            SendError::Retryable { code, .. } | SendError::Permanent { code, .. } => {
                code.as_deref()
            }
        }
    }

    pub fn message(&self) -> &str {
        match self {
            SendError::Retryable { message, .. } | SendError::Permanent { message, .. } => message,
        }
    }

    pub fn retry_after(&self) -> Option<Duration> {
        match self {
            SendError::Retryable { retry_after, .. } => *retry_after,
            SendError::Permanent { .. } => None,
        }
    }

    /// True when the provider may have accepted the message although we saw an error (we timed
    /// out waiting for its answer). None of our providers dedupes sends by a client key, so a
    /// retry after this can deliver twice; the outbox may want a longer pause or a status
    /// check first.
    pub fn may_have_been_sent(&self) -> bool {
        self.code() == Some(codes::TIMEOUT)
    }

    pub(crate) fn permanent(code: &str, message: impl Into<String>) -> Self {
        SendError::Permanent {
            status: None,
            code: Some(code.to_string()),
            message: message.into(),
        }
    }

    pub(crate) fn config(message: impl Into<String>) -> Self {
        Self::permanent(codes::CONFIG, message)
    }

    pub(crate) fn unsupported(message: impl Into<String>) -> Self {
        Self::permanent(codes::UNSUPPORTED, message)
    }
}

/// Why an inbound webhook was refused. Answer 403 and log the reason; never tell the caller
/// which part was wrong.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum VerifyError {
    #[error("signature header missing")]
    Missing,
    #[error("signature does not match")]
    Mismatch,
    #[error("body hash does not match bodySHA256")]
    BodyHashMismatch,
    #[error("signature header malformed")]
    Malformed,
}

/// A payload that is not what the provider sends.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("cannot read {provider} payload: {reason}")]
pub struct ParseError {
    pub provider: &'static str,
    pub reason: String,
}

impl ParseError {
    pub(crate) fn new(provider: &'static str, reason: impl Into<String>) -> Self {
        ParseError {
            provider,
            reason: reason.into(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_names_status_and_code() {
        let e = SendError::Permanent {
            status: Some(400),
            code: Some("21211".into()),
            message: "Invalid 'To' Phone Number".into(),
        };
        assert_eq!(
            e.to_string(),
            "send refused (HTTP 400, code 21211): Invalid 'To' Phone Number"
        );
        assert!(!e.is_retryable());
        let t = SendError::Retryable {
            status: None,
            code: Some(codes::TIMEOUT.into()),
            message: "timed out".into(),
            retry_after: None,
        };
        assert!(t.may_have_been_sent() && t.is_retryable());
        assert_eq!(
            t.to_string(),
            "temporary send failure (code timeout): timed out"
        );
    }
}
