//! A fake Twilio REST API (Messages and Calls), and builders for the webhooks Twilio sends,
//! signed the way Twilio signs them.
use std::{
    collections::{HashMap, VecDeque},
    sync::{Arc, Mutex, PoisonError},
};

use axum::{
    Json, Router,
    extract::{Path, State},
    http::{HeaderMap, HeaderValue, StatusCode, header},
    response::{IntoResponse, Response},
    routing::post,
};
use base64::{Engine, engine::general_purpose::STANDARD as B64};
use hmac::{Hmac, Mac};
use serde_json::{Value, json};
use sha1::Sha1;
use sha2::{Digest, Sha256};

use crate::recorder::{FakeServer, Recorded, Recorder};

#[derive(Default)]
struct Inner {
    rate_limits: VecDeque<u64>,
}

#[derive(Clone, Default)]
struct Shared(Arc<Mutex<Inner>>);

impl Shared {
    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        self.0.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// A running fake of `https://api.twilio.com`.
pub struct FakeTwilio {
    pub server: FakeServer,
    shared: Shared,
}

/// Starts the fake on a random local port.
pub async fn spawn() -> std::io::Result<FakeTwilio> {
    let shared = Shared::default();
    let router = Router::new()
        .route(
            "/2010-04-01/Accounts/{account}/Messages.json",
            post(create_message),
        )
        .route(
            "/2010-04-01/Accounts/{account}/Calls.json",
            post(create_call),
        )
        .with_state(shared.clone());
    let server = FakeServer::spawn(router, Recorder::default()).await?;
    Ok(FakeTwilio { server, shared })
}

impl FakeTwilio {
    /// The `api_base` to configure.
    pub fn url(&self) -> String {
        self.server.url()
    }

    pub fn requests(&self) -> Vec<Recorded> {
        self.server.requests()
    }

    /// The next matching request answers `status` with `body` (Twilio error bodies look like
    /// `{"code": 21211, "message": "...", "more_info": "...", "status": 400}`).
    pub fn fail_next(&self, path_contains: &str, status: u16, body: Value) {
        self.server.fail_next(path_contains, status, body)
    }

    /// The next create answers 429 (Twilio code 20429) with `Retry-After: secs`.
    pub fn rate_limit_next(&self, retry_after_secs: u64) {
        self.shared.lock().rate_limits.push_back(retry_after_secs);
    }

    /// Form bodies of every Messages.json request received, failed ones included.
    pub fn message_requests(&self) -> Vec<HashMap<String, String>> {
        self.server
            .requests_to("/Messages.json")
            .iter()
            .map(Recorded::form)
            .collect()
    }
}

/// A Twilio error answer.
pub fn error_body(code: u32, message: &str, status: u16) -> Value {
    json!({
        "code": code,
        "message": message,
        "more_info": format!("https://www.twilio.com/docs/errors/{code}"),
        "status": status,
    })
}

fn error(code: u32, message: &str, status: StatusCode) -> Response {
    (status, Json(error_body(code, message, status.as_u16()))).into_response()
}

/// Checks HTTP basic auth: the user must be the account in the path, with some password.
fn authorized(headers: &HeaderMap, account: &str) -> bool {
    let Some(creds) = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Basic "))
        .and_then(|b| B64.decode(b.trim()).ok())
        .and_then(|b| String::from_utf8(b).ok())
    else {
        return false;
    };
    matches!(creds.split_once(':'), Some((user, pass)) if user == account && !pass.is_empty())
}

fn rate_limited(shared: &Shared) -> Option<Response> {
    let secs = shared.lock().rate_limits.pop_front()?;
    let mut resp = error(20429, "Too Many Requests", StatusCode::TOO_MANY_REQUESTS);
    if let Ok(v) = HeaderValue::from_str(&secs.to_string()) {
        resp.headers_mut().insert(header::RETRY_AFTER, v);
    }
    Some(resp)
}

fn looks_like_address(s: &str) -> bool {
    let s = s.strip_prefix("whatsapp:").unwrap_or(s);
    let digits = s.strip_prefix('+').unwrap_or("");
    (8..=15).contains(&digits.len()) && digits.bytes().all(|b| b.is_ascii_digit())
}

fn sid(prefix: &str) -> String {
    format!("{prefix}{}", uuid::Uuid::new_v4().simple())
}

async fn create_message(
    State(shared): State<Shared>,
    Path(account): Path<String>,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> Response {
    if !authorized(&headers, &account) {
        return error(20003, "Authenticate", StatusCode::UNAUTHORIZED);
    }
    if let Some(resp) = rate_limited(&shared) {
        return resp;
    }
    let form: HashMap<String, String> =
        serde_urlencoded::from_bytes::<Vec<(String, String)>>(&body)
            .unwrap_or_default()
            .into_iter()
            .collect();
    let get = |k: &str| form.get(k).map(String::as_str).filter(|v| !v.is_empty());
    let Some(to) = get("To") else {
        return error(
            21604,
            "A 'To' phone number is required.",
            StatusCode::BAD_REQUEST,
        );
    };
    if !looks_like_address(to) {
        return error(
            21211,
            &format!("Invalid 'To' Phone Number: {to}"),
            StatusCode::BAD_REQUEST,
        );
    }
    if get("From").is_none() && get("MessagingServiceSid").is_none() {
        return error(
            21603,
            "A 'From' phone number is required.",
            StatusCode::BAD_REQUEST,
        );
    }
    let body_text = get("Body").unwrap_or("");
    if body_text.is_empty() && get("MediaUrl").is_none() && get("ContentSid").is_none() {
        return error(21602, "Message body is required.", StatusCode::BAD_REQUEST);
    }
    if body_text.encode_utf16().count() > 1600 {
        return error(
            21617,
            "The concatenated message body exceeds the 1600 character limit.",
            StatusCode::BAD_REQUEST,
        );
    }
    let sid = sid("SM");
    let resource = json!({
        "sid": sid,
        "account_sid": account,
        "to": to,
        "from": get("From"),
        "messaging_service_sid": get("MessagingServiceSid"),
        "body": body_text,
        "status": if get("MessagingServiceSid").is_some() { "accepted" } else { "queued" },
        "num_segments": "1",
        "num_media": if get("MediaUrl").is_some() { "1" } else { "0" },
        "direction": "outbound-api",
        "api_version": "2010-04-01",
        "price": null,
        "price_unit": "USD",
        "error_code": null,
        "error_message": null,
        "date_created": "Thu, 01 Jan 2026 00:00:00 +0000",
        "date_updated": "Thu, 01 Jan 2026 00:00:00 +0000",
        "date_sent": null,
        "uri": format!("/2010-04-01/Accounts/{account}/Messages/{sid}.json"),
        "subresource_uris": {"media": format!("/2010-04-01/Accounts/{account}/Messages/{sid}/Media.json")},
    });
    (StatusCode::CREATED, Json(resource)).into_response()
}

async fn create_call(
    State(shared): State<Shared>,
    Path(account): Path<String>,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> Response {
    if !authorized(&headers, &account) {
        return error(20003, "Authenticate", StatusCode::UNAUTHORIZED);
    }
    if let Some(resp) = rate_limited(&shared) {
        return resp;
    }
    let form: HashMap<String, String> =
        serde_urlencoded::from_bytes::<Vec<(String, String)>>(&body)
            .unwrap_or_default()
            .into_iter()
            .collect();
    let Some(to) = form.get("To").filter(|t| looks_like_address(t)) else {
        return error(21211, "Invalid 'To' Phone Number", StatusCode::BAD_REQUEST);
    };
    if !form.contains_key("Url") && !form.contains_key("Twiml") {
        return error(21205, "Url parameter is required.", StatusCode::BAD_REQUEST);
    }
    let sid = sid("CA");
    let resource = json!({
        "sid": sid,
        "account_sid": account,
        "to": to,
        "from": form.get("From"),
        "status": "queued",
        "direction": "outbound-api",
        "api_version": "2010-04-01",
        "uri": format!("/2010-04-01/Accounts/{account}/Calls/{sid}.json"),
    });
    (StatusCode::CREATED, Json(resource)).into_response()
}

// ---------------------------------------------------------------------------------------
// Webhooks as Twilio sends them.

/// `X-Twilio-Signature` for a form POST to `url`: base64(HMAC-SHA1(token, url + each key
/// followed by its value, keys sorted, a repeated key's distinct values sorted)).
pub fn signature<K: AsRef<str>, V: AsRef<str>>(
    auth_token: &str,
    url: &str,
    params: &[(K, V)],
) -> String {
    let mut pairs: Vec<(&str, &str)> = params
        .iter()
        .map(|(k, v)| (k.as_ref(), v.as_ref()))
        .collect();
    pairs.sort_unstable();
    pairs.dedup();
    let mut data = url.to_string();
    for (k, v) in pairs {
        data.push_str(k);
        data.push_str(v);
    }
    let Ok(mut mac) = Hmac::<Sha1>::new_from_slice(auth_token.as_bytes()) else {
        return String::new();
    };
    mac.update(data.as_bytes());
    B64.encode(mac.finalize().into_bytes())
}

/// A signed form webhook (SMS, WhatsApp, status callback, voice): `(X-Twilio-Signature,
/// form body)` for a POST to `url`.
pub fn signed_sms_webhook<K: AsRef<str>, V: AsRef<str>>(
    auth_token: &str,
    url: &str,
    params: &[(K, V)],
) -> (String, String) {
    let pairs: Vec<(&str, &str)> = params
        .iter()
        .map(|(k, v)| (k.as_ref(), v.as_ref()))
        .collect();
    let body = serde_urlencoded::to_string(&pairs).unwrap_or_default();
    (signature(auth_token, url, params), body)
}

/// A signed JSON webhook: Twilio appends `bodySHA256` to the URL and signs the URL alone.
/// Returns `(url to post to, X-Twilio-Signature)`.
pub fn signed_json_webhook(auth_token: &str, url: &str, body: &str) -> (String, String) {
    let hash = hex::encode(Sha256::digest(body.as_bytes()));
    let sep = if url.contains('?') { '&' } else { '?' };
    let url = format!("{url}{sep}bodySHA256={hash}");
    let sig = signature::<&str, &str>(auth_token, &url, &[]);
    (url, sig)
}

fn owned(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

/// The parameters of an incoming SMS.
pub fn sms_params(message_sid: &str, from: &str, to: &str, body: &str) -> Vec<(String, String)> {
    owned(&[
        ("ToCountry", "US"),
        ("SmsMessageSid", message_sid),
        ("NumMedia", "0"),
        ("SmsSid", message_sid),
        ("SmsStatus", "received"),
        ("Body", body),
        ("To", to),
        ("NumSegments", "1"),
        ("MessageSid", message_sid),
        ("AccountSid", "AC00000000000000000000000000000000"),
        ("From", from),
        ("ApiVersion", "2010-04-01"),
    ])
}

/// The parameters of an incoming WhatsApp message (`from`/`to` as `+E164`; the `whatsapp:`
/// prefix is added).
pub fn whatsapp_params(
    message_sid: &str,
    from: &str,
    to: &str,
    body: &str,
    profile_name: &str,
) -> Vec<(String, String)> {
    let wa_from = format!("whatsapp:{from}");
    let wa_to = format!("whatsapp:{to}");
    let wa_id = from.trim_start_matches('+');
    owned(&[
        ("SmsMessageSid", message_sid),
        ("NumMedia", "0"),
        ("ProfileName", profile_name),
        ("MessageType", "text"),
        ("SmsSid", message_sid),
        ("WaId", wa_id),
        ("SmsStatus", "received"),
        ("Body", body),
        ("To", &wa_to),
        ("NumSegments", "1"),
        ("ReferralNumMedia", "0"),
        ("MessageSid", message_sid),
        ("AccountSid", "AC00000000000000000000000000000000"),
        ("From", &wa_from),
        ("ApiVersion", "2010-04-01"),
    ])
}

/// A message status callback.
pub fn status_params(
    message_sid: &str,
    status: &str,
    error_code: Option<&str>,
) -> Vec<(String, String)> {
    let mut p = owned(&[
        ("SmsSid", message_sid),
        ("SmsStatus", status),
        ("MessageStatus", status),
        ("MessageSid", message_sid),
        ("AccountSid", "AC00000000000000000000000000000000"),
        ("ApiVersion", "2010-04-01"),
    ]);
    if let Some(code) = error_code {
        p.push(("ErrorCode".into(), code.into()));
    }
    p
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signature_matches_the_official_vector() {
        let params = [
            ("CallSid", "CA1234567890ABCDE"),
            ("Caller", "+14158675309"),
            ("Digits", "1234"),
            ("From", "+14158675309"),
            ("To", "+18005551212"),
        ];
        assert_eq!(
            signature(
                "12345",
                "https://mycompany.com/myapp.php?foo=1&bar=2",
                &params
            ),
            "RSOYDt4T1cUTdK1PDd93/VVr8B8="
        );
        let (url, sig) = signed_json_webhook(
            "12345",
            "https://mycompany.com/myapp.php?foo=1&bar=2",
            r#"{"property": "value", "boolean": true}"#,
        );
        assert!(url.ends_with("0a1ff7634d9ab3b95db5c9a2dfe9416e41502b283a80c7cf19632632f96e6620"));
        assert_eq!(sig, "a9nBmqA0ju/hNViExpshrM61xv4=");
    }
}
