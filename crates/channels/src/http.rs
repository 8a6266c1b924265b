//! HTTP plumbing the provider clients share: the client with its timeouts, endpoint URLs under
//! a configurable base, and turning transport failures and error answers into [`SendError`].
use std::{sync::Arc, time::Duration};

use reqwest::{RequestBuilder, StatusCode, Url, header::HeaderMap};
use switchboard_netguard::{Blocked, OutboundPolicy};

use crate::error::{SendError, codes};

/// Whole-request limit for ordinary API calls. Long polling sets its own, longer one.
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);
pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// A client with sane timeouts, to build once and share between every channel (it pools
/// connections). Each client call also sets a per-request timeout, so a client built elsewhere
/// without timeouts cannot hang an outbox worker.
pub fn build_client() -> reqwest::Result<reqwest::Client> {
    with_defaults(reqwest::Client::builder()).build()
}

/// [`build_client`] that only reaches addresses `policy` allows (checked when names resolve
/// and on every redirect). Tenant-configured URLs must go through this one; callers check IP
/// literals with [`OutboundPolicy::check_url`] first, as no resolver sees those.
pub fn build_guarded_client(policy: Arc<OutboundPolicy>) -> reqwest::Result<reqwest::Client> {
    with_defaults(switchboard_netguard::client_builder(policy)).build()
}

fn with_defaults(b: reqwest::ClientBuilder) -> reqwest::ClientBuilder {
    b.connect_timeout(CONNECT_TIMEOUT)
        .timeout(REQUEST_TIMEOUT)
        .user_agent(concat!("switchboard/", env!("CARGO_PKG_VERSION")))
}

/// `base` + path segments, each percent-encoded, keeping any path prefix of the base (a bridge
/// mounted under `/evolution`, a fake under `/`).
pub(crate) fn endpoint(base: &str, segments: &[&str]) -> Result<Url, SendError> {
    let mut url = Url::parse(base.trim())
        .map_err(|e| SendError::config(format!("invalid api base URL: {e}")))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(SendError::config("api base URL must be http or https"));
    }
    url.set_query(None);
    url.set_fragment(None);
    {
        let mut path = url
            .path_segments_mut()
            .map_err(|()| SendError::config("api base URL cannot take a path"))?;
        path.pop_if_empty();
        path.extend(segments);
    }
    Ok(url)
}

/// An answer from the provider, read in full.
pub(crate) struct Reply {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Vec<u8>,
}

impl Reply {
    pub fn json(&self) -> Option<serde_json::Value> {
        serde_json::from_slice(&self.body).ok()
    }

    /// The body as text for error messages, cut short so a provider's HTML error page cannot
    /// flood the logs.
    pub fn snippet(&self) -> String {
        let text = String::from_utf8_lossy(&self.body);
        let mut s: String = text.chars().take(300).collect();
        if s.is_empty() {
            s = self
                .status
                .canonical_reason()
                .unwrap_or("no body")
                .to_string();
        }
        s
    }
}

/// Sends the request and reads the whole answer. Only transport failures are errors here;
/// HTTP error statuses come back as a [`Reply`] for the provider module to interpret.
pub(crate) async fn execute(req: RequestBuilder, timeout: Duration) -> Result<Reply, SendError> {
    let resp = req.timeout(timeout).send().await.map_err(transport_error)?;
    let status = resp.status();
    let headers = resp.headers().clone();
    let body = resp.bytes().await.map_err(transport_error)?.to_vec();
    Ok(Reply {
        status,
        headers,
        body,
    })
}

/// Transport failures are all worth retrying; the code says whether the request may have
/// reached the provider. The URL is dropped from the message because Telegram puts the bot
/// token in it.
pub(crate) fn transport_error(e: reqwest::Error) -> SendError {
    // Refused by the outbound guard: no retry will get through until the operator allows it.
    if let Some(b) = Blocked::find(&e) {
        return SendError::permanent(codes::BLOCKED_ADDRESS, b.to_string());
    }
    let code = if e.is_connect() {
        codes::CONNECT
    } else if e.is_timeout() {
        codes::TIMEOUT
    } else {
        codes::TRANSPORT
    };
    SendError::Retryable {
        status: None,
        code: Some(code.to_string()),
        message: e.without_url().to_string(),
        retry_after: None,
    }
}

/// `Retry-After` as delay-seconds or an HTTP date.
pub(crate) fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    let value = headers.get(reqwest::header::RETRY_AFTER)?.to_str().ok()?;
    switchboard_domain::retry::parse_retry_after(value, chrono::Utc::now())
}

/// What a provider said went wrong, before we decide whether it is worth retrying.
pub(crate) struct ProviderError {
    pub code: Option<String>,
    pub message: String,
    /// The provider documents this code as temporary even though the status is a 4xx.
    pub transient: bool,
    /// A wait the provider put in the body (Telegram `parameters.retry_after`).
    pub retry_after: Option<Duration>,
}

/// 408, 429, 5xx and transient codes are retryable; every other error status is permanent.
pub(crate) fn classify(reply: &Reply, err: ProviderError) -> SendError {
    let status = reply.status;
    let err = ProviderError {
        code: crate::error::sanitize_code(err.code),
        ..err
    };
    let retryable = err.transient
        || status == StatusCode::TOO_MANY_REQUESTS
        || status == StatusCode::REQUEST_TIMEOUT
        || status.is_server_error();
    if retryable {
        SendError::Retryable {
            status: Some(status.as_u16()),
            code: err.code,
            message: err.message,
            retry_after: retry_after(&reply.headers).or(err.retry_after),
        }
    } else {
        SendError::Permanent {
            status: Some(status.as_u16()),
            code: err.code,
            message: err.message,
        }
    }
}

/// A 2xx answer whose body is not what the provider documents. Permanent, because the
/// message was probably accepted and a retry would send it twice.
pub(crate) fn bad_response(reply: &Reply, what: &str) -> SendError {
    SendError::Permanent {
        status: Some(reply.status.as_u16()),
        code: Some(codes::BAD_RESPONSE.to_string()),
        message: format!("{what}: {}", reply.snippet()),
    }
}

/// JSON numbers or strings as text: providers are not consistent about error code types.
pub(crate) fn code_text(v: &serde_json::Value) -> Option<String> {
    match v {
        serde_json::Value::Number(n) => Some(n.to_string()),
        serde_json::Value::String(s) if !s.is_empty() => Some(s.clone()),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn endpoints_keep_base_prefix_and_encode_segments() {
        let u = endpoint(
            "https://bridge.example/evolution/",
            &["message", "sendText", "my shop"],
        )
        .unwrap();
        assert_eq!(
            u.as_str(),
            "https://bridge.example/evolution/message/sendText/my%20shop"
        );
        let u = endpoint("http://127.0.0.1:9000", &["bot123:ABC", "sendMessage"]).unwrap();
        assert_eq!(u.as_str(), "http://127.0.0.1:9000/bot123:ABC/sendMessage");
        assert!(endpoint("ftp://x", &["a"]).is_err());
        assert!(endpoint("not a url", &["a"]).is_err());
    }

    #[test]
    fn retry_after_reads_seconds_and_dates() {
        let mut h = HeaderMap::new();
        h.insert("retry-after", "7".parse().unwrap());
        assert_eq!(retry_after(&h), Some(Duration::from_secs(7)));
        h.insert(
            "retry-after",
            "Wed, 21 Oct 2015 07:28:00 GMT".parse().unwrap(),
        );
        assert_eq!(retry_after(&h), Some(Duration::ZERO));
        h.insert("retry-after", "soon".parse().unwrap());
        assert_eq!(retry_after(&h), None);
    }

    fn reply(status: u16) -> Reply {
        Reply {
            status: StatusCode::from_u16(status).unwrap(),
            headers: HeaderMap::new(),
            body: b"{}".to_vec(),
        }
    }

    fn perr(transient: bool) -> ProviderError {
        ProviderError {
            code: Some("1".into()),
            message: "m".into(),
            transient,
            retry_after: Some(Duration::from_secs(3)),
        }
    }

    #[tokio::test]
    async fn an_address_the_guard_refuses_is_a_permanent_failure() {
        let client = build_guarded_client(Arc::new(OutboundPolicy::default())).unwrap();
        let err = execute(client.get("http://localhost:9/"), Duration::from_secs(5))
            .await
            .err()
            .unwrap();
        assert!(!err.is_retryable());
        assert_eq!(err.code(), Some(codes::BLOCKED_ADDRESS));
    }

    #[test]
    fn classification() {
        assert!(classify(&reply(429), perr(false)).is_retryable());
        assert!(classify(&reply(503), perr(false)).is_retryable());
        assert!(classify(&reply(400), perr(true)).is_retryable());
        assert!(!classify(&reply(400), perr(false)).is_retryable());
        assert!(!classify(&reply(401), perr(false)).is_retryable());
        assert_eq!(
            classify(&reply(429), perr(false)).retry_after(),
            Some(Duration::from_secs(3))
        );
    }
}
