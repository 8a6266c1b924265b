//! `X-Twilio-Signature` validation: base64(HMAC-SHA1(auth token, URL + sorted params)), with
//! the URL spellings Twilio's own SDKs accept and the `bodySHA256` scheme for JSON bodies.
use base64::{Engine, engine::general_purpose::STANDARD as B64};
use hmac::{Hmac, Mac};
use sha1::Sha1;
use sha2::{Digest, Sha256};

use crate::{ct_eq, error::VerifyError};

/// The signature Twilio sends for a request to `url` with these POST parameters. A key that
/// appears several times contributes each distinct value once, values sorted, as the SDKs do.
pub fn compute_signature(auth_token: &str, url: &str, params: &[(String, String)]) -> String {
    let mut sorted: Vec<(&str, &str)> = params
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    sorted.sort_unstable();
    sorted.dedup();
    let mut mac = hmac_sha1(auth_token);
    mac.update(url.as_bytes());
    for (k, v) in sorted {
        mac.update(k.as_bytes());
        mac.update(v.as_bytes());
    }
    B64.encode(mac.finalize().into_bytes())
}

fn hmac_sha1(key: &str) -> Hmac<Sha1> {
    // HMAC takes keys of any length, so this cannot fail; the fallback only satisfies the
    // type and is never reached.
    Hmac::<Sha1>::new_from_slice(key.as_bytes())
        .unwrap_or_else(|_| <Hmac<Sha1> as hmac::digest::KeyInit>::new(&Default::default()))
}

/// Validates a form-encoded webhook. `url` must be the public URL Twilio called (rebuilt from
/// the configured public base URL, never from the local socket), query string included.
pub fn validate(
    auth_token: &str,
    url: &str,
    params: &[(String, String)],
    signature: Option<&str>,
) -> Result<(), VerifyError> {
    let signature = present(signature)?;
    let matched = url_variants(url)
        .iter()
        .any(|u| ct_eq(&compute_signature(auth_token, u, params), signature));
    if matched {
        Ok(())
    } else {
        Err(VerifyError::Mismatch)
    }
}

/// Validates a JSON webhook: the URL carries `bodySHA256=<hex sha256 of the body>` and is
/// signed with no parameters.
pub fn validate_json(
    auth_token: &str,
    url: &str,
    body: &[u8],
    signature: Option<&str>,
) -> Result<(), VerifyError> {
    let signature = present(signature)?;
    let expected_hash = body_sha256_param(url).ok_or(VerifyError::BodyHashMismatch)?;
    let hash_ok = ct_eq(
        &hex::encode(Sha256::digest(body)),
        &expected_hash.to_lowercase(),
    );
    let sig_ok = url_variants(url)
        .iter()
        .any(|u| ct_eq(&compute_signature(auth_token, u, &[]), signature));
    match (sig_ok, hash_ok) {
        (true, true) => Ok(()),
        (false, _) => Err(VerifyError::Mismatch),
        (true, false) => Err(VerifyError::BodyHashMismatch),
    }
}

/// Validates any Twilio webhook from its raw body: JSON when the URL has `bodySHA256`, a form
/// otherwise.
pub fn verify_webhook(
    auth_token: &str,
    url: &str,
    body: &[u8],
    signature: Option<&str>,
) -> Result<(), VerifyError> {
    if body_sha256_param(url).is_some() {
        return validate_json(auth_token, url, body, signature);
    }
    let params = serde_urlencoded::from_bytes::<Vec<(String, String)>>(body)
        .map_err(|_| VerifyError::Malformed)?;
    validate(auth_token, url, &params, signature)
}

fn present(signature: Option<&str>) -> Result<&str, VerifyError> {
    match signature.map(str::trim) {
        Some(s) if !s.is_empty() => Ok(s),
        _ => Err(VerifyError::Missing),
    }
}

fn body_sha256_param(url: &str) -> Option<String> {
    let no_fragment = url.split('#').next().unwrap_or(url);
    let (_, query) = no_fragment.split_once('?')?;
    url::form_urlencoded::parse(query.as_bytes())
        .find(|(k, _)| k == "bodySHA256")
        .map(|(_, v)| v.into_owned())
}

/// The spellings of `url` a valid signature may have been computed over: with the scheme's
/// default port made explicit (or the given port kept), and with any port removed. Twilio
/// signs the URL as configured, and proxies add or drop ports, so the SDKs accept both. A
/// `#...` fragment is never part of what Twilio signs.
pub fn url_variants(url: &str) -> Vec<String> {
    let url = url.split('#').next().unwrap_or(url);
    let Some(parts) = UrlParts::split(url) else {
        return vec![url.to_string()];
    };
    let with_port = match (parts.port, parts.scheme.to_ascii_lowercase().as_str()) {
        (Some(_), _) => url.to_string(),
        (None, "https") => parts.join(Some("443")),
        (None, "http") => parts.join(Some("80")),
        (None, _) => url.to_string(),
    };
    let without_port = parts.join(None);
    if with_port == without_port {
        vec![with_port]
    } else {
        vec![with_port, without_port]
    }
}

/// `scheme://[userinfo@]host[:port]rest`, split without normalising anything else: the
/// signature is over the exact text, so percent-encoding and case must survive untouched.
struct UrlParts<'a> {
    scheme: &'a str,
    userinfo: Option<&'a str>,
    host: &'a str,
    port: Option<&'a str>,
    rest: &'a str,
}

impl<'a> UrlParts<'a> {
    fn split(url: &'a str) -> Option<Self> {
        let (scheme, after) = url.split_once("://")?;
        let auth_end = after.find(['/', '?']).unwrap_or(after.len());
        let (authority, rest) = after.split_at(auth_end);
        let (userinfo, hostport) = match authority.rsplit_once('@') {
            Some((u, h)) => (Some(u), h),
            None => (None, authority),
        };
        // An IPv6 literal has colons of its own: the port can only follow the bracket.
        let port_sep = if hostport.starts_with('[') {
            hostport.find("]:").map(|i| i + 1)
        } else {
            hostport.rfind(':')
        };
        let (host, port) = match port_sep {
            Some(i) => {
                let port = &hostport[i + 1..];
                if port.is_empty() || !port.bytes().all(|b| b.is_ascii_digit()) {
                    return None;
                }
                (&hostport[..i], Some(port))
            }
            None => (hostport, None),
        };
        if host.is_empty() {
            return None;
        }
        Some(UrlParts {
            scheme,
            userinfo,
            host,
            port,
            rest,
        })
    }

    fn join(&self, port: Option<&str>) -> String {
        let mut s = format!("{}://", self.scheme);
        if let Some(u) = self.userinfo {
            s.push_str(u);
            s.push('@');
        }
        s.push_str(self.host);
        if let Some(p) = port {
            s.push(':');
            s.push_str(p);
        }
        s.push_str(self.rest);
        s
    }
}

#[cfg(test)]
mod tests {
    //! The official vectors from twilio-python `tests/unit/test_request_validator.py` and
    //! twilio-node `spec/validation.spec.js`, as listed in PROTOCOLS.md.
    use super::*;

    const TOKEN: &str = "12345";
    const URL: &str = "https://mycompany.com/myapp.php?foo=1&bar=2";
    const SIG: &str = "RSOYDt4T1cUTdK1PDd93/VVr8B8=";
    const BODY: &str = r#"{"property": "value", "boolean": true}"#;
    const BODY_HASH: &str = "0a1ff7634d9ab3b95db5c9a2dfe9416e41502b283a80c7cf19632632f96e6620";
    const JSON_SIG: &str = "a9nBmqA0ju/hNViExpshrM61xv4=";

    fn params() -> Vec<(String, String)> {
        [
            ("CallSid", "CA1234567890ABCDE"),
            ("Caller", "+14158675309"),
            ("Digits", "1234"),
            ("From", "+14158675309"),
            ("To", "+18005551212"),
        ]
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
    }

    fn form(params: &[(String, String)]) -> Vec<u8> {
        serde_urlencoded::to_string(params).unwrap().into_bytes()
    }

    #[test]
    fn computes_the_reference_signature() {
        assert_eq!(compute_signature(TOKEN, URL, &params()), SIG);
    }

    #[test]
    fn validates_the_reference_request() {
        assert_eq!(validate(TOKEN, URL, &params(), Some(SIG)), Ok(()));
        assert_eq!(
            verify_webhook(TOKEN, URL, &form(&params()), Some(SIG)),
            Ok(())
        );
    }

    #[test]
    fn a_non_default_port_is_stripped() {
        let url = "https://mycompany.com:1234/myapp.php?foo=1&bar=2";
        assert_eq!(validate(TOKEN, url, &params(), Some(SIG)), Ok(()));
    }

    #[test]
    fn signed_with_explicit_https_port_validates_without_it() {
        let signed_url = "https://mycompany.com:443/myapp.php?foo=1&bar=2";
        let sig = "kvajT1Ptam85bY51eRf/AJRuM3w=";
        assert_eq!(compute_signature(TOKEN, signed_url, &params()), sig);
        assert_eq!(validate(TOKEN, URL, &params(), Some(sig)), Ok(()));
        assert_eq!(validate(TOKEN, signed_url, &params(), Some(sig)), Ok(()));
        // And a request to the explicit-port URL validates the port-less signature.
        assert_eq!(validate(TOKEN, signed_url, &params(), Some(SIG)), Ok(()));
    }

    #[test]
    fn signed_with_explicit_http_port_validates_without_it() {
        let signed_url = "http://mycompany.com:80/myapp.php?foo=1&bar=2";
        let sig = "0ZXoZLH/DfblKGATFgpif+LLRf4=";
        assert_eq!(compute_signature(TOKEN, signed_url, &params()), sig);
        let plain = "http://mycompany.com/myapp.php?foo=1&bar=2";
        assert_eq!(validate(TOKEN, plain, &params(), Some(sig)), Ok(()));
        assert_eq!(validate(TOKEN, signed_url, &params(), Some(sig)), Ok(()));
    }

    #[test]
    fn repeated_keys_use_each_distinct_value_sorted() {
        let p: Vec<(String, String)> = [
            ("Sid", "CA123"),
            ("SidAccount", "AC123"),
            ("Digits", "5678"),
            ("Digits", "1234"),
            ("Digits", "1234"),
        ]
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
        let sig = "IK+Dwps556ElfBT0I3Rgjkr1wJU=";
        assert_eq!(compute_signature(TOKEN, URL, &p), sig);
        assert_eq!(validate(TOKEN, URL, &p, Some(sig)), Ok(()));
        assert_eq!(verify_webhook(TOKEN, URL, &form(&p), Some(sig)), Ok(()));
    }

    #[test]
    fn json_body_with_body_sha256() {
        assert_eq!(hex::encode(Sha256::digest(BODY.as_bytes())), BODY_HASH);
        let url = format!("{URL}&bodySHA256={BODY_HASH}");
        assert_eq!(compute_signature(TOKEN, &url, &[]), JSON_SIG);
        assert_eq!(
            validate_json(TOKEN, &url, BODY.as_bytes(), Some(JSON_SIG)),
            Ok(())
        );
        assert_eq!(
            verify_webhook(TOKEN, &url, BODY.as_bytes(), Some(JSON_SIG)),
            Ok(())
        );
    }

    #[test]
    fn json_body_that_does_not_match_its_hash_is_rejected() {
        let url = format!("{URL}&bodySHA256={BODY_HASH}");
        let tampered = br#"{"property": "value", "boolean": false}"#;
        assert_eq!(
            verify_webhook(TOKEN, &url, tampered, Some(JSON_SIG)),
            Err(VerifyError::BodyHashMismatch)
        );
        assert_eq!(
            validate_json(TOKEN, URL, BODY.as_bytes(), Some(JSON_SIG)),
            Err(VerifyError::BodyHashMismatch)
        );
    }

    #[test]
    fn wrong_signature_is_rejected() {
        assert_eq!(
            validate(TOKEN, URL, &params(), Some("RSOYDt4T1cUTdK1PDd93/VVr8B9=")),
            Err(VerifyError::Mismatch)
        );
        assert_eq!(
            validate("54321", URL, &params(), Some(SIG)),
            Err(VerifyError::Mismatch)
        );
        let url = format!("{URL}&bodySHA256={BODY_HASH}");
        assert_eq!(
            validate_json(TOKEN, &url, BODY.as_bytes(), Some(SIG)),
            Err(VerifyError::Mismatch)
        );
    }

    #[test]
    fn missing_signature_is_rejected() {
        assert_eq!(
            validate(TOKEN, URL, &params(), None),
            Err(VerifyError::Missing)
        );
        assert_eq!(
            validate(TOKEN, URL, &params(), Some("  ")),
            Err(VerifyError::Missing)
        );
        assert_eq!(
            verify_webhook(TOKEN, URL, &form(&params()), None),
            Err(VerifyError::Missing)
        );
    }

    #[test]
    fn an_extra_query_parameter_is_rejected() {
        let url = "https://mycompany.com/myapp.php?foo=1&bar=2&extra=3";
        assert_eq!(
            validate(TOKEN, url, &params(), Some(SIG)),
            Err(VerifyError::Mismatch)
        );
    }

    #[test]
    fn an_extra_or_changed_post_parameter_is_rejected() {
        let mut p = params();
        p.push(("Body".into(), "hi".into()));
        assert_eq!(
            validate(TOKEN, URL, &p, Some(SIG)),
            Err(VerifyError::Mismatch)
        );
        let mut p = params();
        p[2].1 = "9999".into();
        assert_eq!(
            validate(TOKEN, URL, &p, Some(SIG)),
            Err(VerifyError::Mismatch)
        );
    }

    #[test]
    fn fragment_is_not_signed() {
        let url = format!("{URL}#rc=2&rp=all");
        assert_eq!(validate(TOKEN, &url, &params(), Some(SIG)), Ok(()));
    }

    #[test]
    fn url_variants_keep_userinfo_and_ipv6() {
        assert_eq!(
            url_variants("https://u:p@h.example/x?a=1"),
            vec![
                "https://u:p@h.example:443/x?a=1",
                "https://u:p@h.example/x?a=1"
            ]
        );
        assert_eq!(
            url_variants("http://[::1]:8080/x"),
            vec!["http://[::1]:8080/x", "http://[::1]/x"]
        );
        assert_eq!(
            url_variants("https://h.example"),
            vec!["https://h.example:443", "https://h.example"]
        );
        assert_eq!(url_variants("garbage"), vec!["garbage"]);
    }

    #[test]
    fn garbage_bodies_are_rejected_not_panicking() {
        // Form decoding is lossy, so garbage decodes to something that fails the signature.
        assert!(verify_webhook(TOKEN, URL, &[0xff, 0xfe, b'=', b'%'], Some(SIG)).is_err());
        assert!(verify_webhook(TOKEN, "", b"", Some(SIG)).is_err());
    }
}
