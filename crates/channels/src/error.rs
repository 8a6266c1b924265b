//! Errors of the channels crate: why a send failed (and whether trying again can help), why a
//! webhook was refused, why a payload could not be read.
use std::time::Duration;

/// A send that did not go through.
///
/// The outbox retries [`SendError::Retryable`] with backoff (never sooner than `retry_after`)
/// and gives up at once on [`SendError::Permanent`], recording the provider's code on the
/// message (e.g. Twilio `21211`, Meta `131026`, Telegram `403`).
///
/// `Display` is what may be stored and shown to tenants: the status, a code and a reason of
/// our own. The text of an HTTP answer (the provider's, or whatever answered at a configured
/// address) stays in [`SendError::message`], for logs only.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum SendError {
    /// 429, 5xx, a timeout or a connection failure, or a provider code documented as transient.
    #[error("temporary send failure ({}): {}", describe(*status, code.as_deref()), reason(*status, message))]
    Retryable {
        status: Option<u16>,
        code: Option<String>,
        message: String,
        retry_after: Option<Duration>,
    },
    /// The request itself is wrong (bad number, blocked user, bad credentials, content the
    /// channel cannot carry): retrying would fail the same way.
    #[error("send refused ({}): {}", describe(*status, code.as_deref()), reason(*status, message))]
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

/// Our own words for an error: the status's standard reason when an HTTP answer came back
/// (its body is not repeated), else our message (transport failures, configuration).
fn reason(status: Option<u16>, message: &str) -> String {
    match status {
        Some(s) => reqwest::StatusCode::from_u16(s)
            .ok()
            .and_then(|s| s.canonical_reason())
            .unwrap_or("error answer")
            .to_string(),
        None => message.to_string(),
    }
}

/// A provider's error code as we keep it: the providers' codes are numbers (Twilio `21211`,
/// Meta `131026`, Telegram `403`), so anything else read from an answer's body is dropped (it
/// ends up in stored rows and API answers). Codes of our own pass.
pub(crate) fn sanitize_code(code: Option<String>) -> Option<String> {
    code.filter(|c| {
        ((1..=10).contains(&c.len()) && c.bytes().all(|b| b.is_ascii_digit()))
            || c == crate::evolution::NOT_ON_WHATSAPP
    })
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
    /// The configured address is not one the operator lets us call (loopback, private,
    /// link-local, metadata...).
    pub const BLOCKED_ADDRESS: &str = "blocked_address";
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
    /// out waiting for its answer, or the connection broke after the request went out). None
    /// of our providers dedupes sends by a client key, so a retry after this can deliver twice.
    pub fn may_have_been_sent(&self) -> bool {
        matches!(self.code(), Some(codes::TIMEOUT | codes::TRANSPORT))
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
    fn provider_codes_are_kept_only_when_numeric_or_ours() {
        assert_eq!(
            sanitize_code(Some("21211".into())).as_deref(),
            Some("21211")
        );
        assert_eq!(
            sanitize_code(Some(crate::evolution::NOT_ON_WHATSAPP.into())).as_deref(),
            Some(crate::evolution::NOT_ON_WHATSAPP)
        );
        assert_eq!(sanitize_code(Some("AKIAFAKESECRET".into())), None);
        assert_eq!(sanitize_code(Some("<html>secret".into())), None);
        assert_eq!(sanitize_code(Some("1".repeat(11))), None);
    }

    #[test]
    fn display_names_status_and_code() {
        let e = SendError::Permanent {
            status: Some(400),
            code: Some("21211".into()),
            message: "Invalid 'To' Phone Number".into(),
        };
        assert_eq!(
            e.to_string(),
            "send refused (HTTP 400, code 21211): Bad Request"
        );
        assert_eq!(e.message(), "Invalid 'To' Phone Number", "kept for logs");
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
