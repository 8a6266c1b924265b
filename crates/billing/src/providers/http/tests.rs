use super::*;
use reqwest::header::HeaderValue;

fn dialect(header: Option<&'static str>) -> Dialect {
    Dialect {
        name: "test",
        error_detail: |_| ErrorDetail {
            code: Some("code".into()),
            message: None,
        },
        should_retry_header: header,
    }
}

#[test]
fn statuses_sort_into_retryable_and_permanent() {
    let h = HeaderMap::new();
    for s in [429, 500, 502, 503] {
        let status = StatusCode::from_u16(s).unwrap_or(StatusCode::OK);
        assert!(
            status_error(&dialect(None), status, &h, b"").is_retryable(),
            "{s}"
        );
    }
    for s in [400, 401, 402, 403, 404, 409] {
        let status = StatusCode::from_u16(s).unwrap_or(StatusCode::OK);
        assert!(
            !status_error(&dialect(None), status, &h, b"").is_retryable(),
            "{s}"
        );
    }
}

#[test]
fn provider_header_overrides_and_retry_after_is_kept() {
    let mut h = HeaderMap::new();
    h.insert("x-should-retry", HeaderValue::from_static("true"));
    h.insert("retry-after", HeaderValue::from_static("7"));
    let e = status_error(
        &dialect(Some("x-should-retry")),
        StatusCode::CONFLICT,
        &h,
        b"",
    );
    assert!(matches!(
        e,
        ProviderError::Retryable {
            retry_after_secs: Some(7),
            status: Some(409),
            ..
        }
    ));
    h.insert("x-should-retry", HeaderValue::from_static("false"));
    let e = status_error(
        &dialect(Some("x-should-retry")),
        StatusCode::BAD_GATEWAY,
        &h,
        b"",
    );
    assert!(!e.is_retryable());
    assert_eq!(e.code(), Some("code"));
}
