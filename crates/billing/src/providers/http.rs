//! HTTP plumbing shared by the provider clients: one way to send a request and sort failures
//! into retryable and permanent.
use std::time::Duration;

use reqwest::{RequestBuilder, StatusCode, header::HeaderMap};
use serde::de::DeserializeOwned;

use super::ProviderError;

/// A client with the timeouts payment calls need: short enough that a customer waiting for a
/// payment link is not left hanging, long enough for a slow provider.
pub fn default_http_client() -> Result<reqwest::Client, ProviderError> {
    reqwest::Client::builder()
        .connect_timeout(Duration::from_secs(10))
        .timeout(Duration::from_secs(30))
        .build()
        .map_err(|e| ProviderError::Permanent {
            provider: "http",
            status: None,
            code: Some("client_setup".into()),
            message: e.to_string(),
        })
}

/// The provider's own code and message from an error body, when it has them.
#[derive(Default)]
pub(crate) struct ErrorDetail {
    pub code: Option<String>,
    pub message: Option<String>,
}

/// How one provider reports errors.
pub(crate) struct Dialect {
    pub name: &'static str,
    pub error_detail: fn(&[u8]) -> ErrorDetail,
    /// A header with which the provider overrides our retry decision (Stripe-Should-Retry).
    pub should_retry_header: Option<&'static str>,
}

/// Sends `request` and decodes a 2xx JSON answer into `T`.
pub(crate) async fn send_json<T: DeserializeOwned>(
    dialect: &Dialect,
    request: RequestBuilder,
) -> Result<T, ProviderError> {
    let response = request
        .send()
        .await
        .map_err(|e| transport_error(dialect, &e))?;
    let status = response.status();
    let headers = response.headers().clone();
    let body = response
        .bytes()
        .await
        .map_err(|e| transport_error(dialect, &e))?;
    if !status.is_success() {
        return Err(status_error(dialect, status, &headers, &body));
    }
    serde_json::from_slice(&body).map_err(|e| ProviderError::Permanent {
        provider: dialect.name,
        status: Some(status.as_u16()),
        code: Some("invalid_response".into()),
        message: format!("unexpected response body: {e}"),
    })
}

/// No (complete) response: a request we could not even build is our bug, anything else
/// (timeout, refused connection, reset mid-body) is the network and worth retrying.
fn transport_error(dialect: &Dialect, e: &reqwest::Error) -> ProviderError {
    if e.is_builder() {
        return ProviderError::Permanent {
            provider: dialect.name,
            status: None,
            code: Some("invalid_request".into()),
            message: e.to_string(),
        };
    }
    let code = if e.is_timeout() {
        "timeout"
    } else if e.is_connect() {
        "connect"
    } else {
        "network"
    };
    ProviderError::Retryable {
        provider: dialect.name,
        status: None,
        code: Some(code.into()),
        message: e.to_string(),
        retry_after_secs: None,
    }
}

pub(crate) fn status_error(
    dialect: &Dialect,
    status: StatusCode,
    headers: &HeaderMap,
    body: &[u8],
) -> ProviderError {
    let ErrorDetail { code, message } = (dialect.error_detail)(body);
    let message = message.unwrap_or_else(|| {
        status
            .canonical_reason()
            .unwrap_or("unexpected status")
            .to_string()
    });
    let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
    let by_status = status == StatusCode::TOO_MANY_REQUESTS || status.is_server_error();
    let retryable = match dialect.should_retry_header.and_then(header) {
        Some("true") => true,
        Some("false") => false,
        _ => by_status,
    };
    if retryable {
        ProviderError::Retryable {
            provider: dialect.name,
            status: Some(status.as_u16()),
            code,
            message,
            retry_after_secs: header("retry-after").and_then(|v| v.trim().parse().ok()),
        }
    } else {
        ProviderError::Permanent {
            provider: dialect.name,
            status: Some(status.as_u16()),
            code,
            message,
        }
    }
}

#[cfg(test)]
mod tests;
