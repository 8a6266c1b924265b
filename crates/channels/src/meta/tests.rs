use super::*;

#[test]
fn signature_round_trip_and_rejections() {
    let body = br#"{"object":"whatsapp_business_account","entry":[]}"#;
    let header = format!("sha256={}", sign("app-secret", body));
    assert_eq!(verify_signature("app-secret", body, Some(&header)), Ok(()));
    assert_eq!(
        verify_signature(
            "app-secret",
            body,
            Some(&header.to_uppercase().replace("SHA256=", "sha256="))
        ),
        Ok(())
    );
    assert_eq!(
        verify_signature("other", body, Some(&header)),
        Err(VerifyError::Mismatch)
    );
    assert_eq!(
        verify_signature("app-secret", b"{}", Some(&header)),
        Err(VerifyError::Mismatch)
    );
    assert_eq!(
        verify_signature("app-secret", body, None),
        Err(VerifyError::Missing)
    );
    assert_eq!(
        verify_signature("app-secret", body, Some("md5=abc")),
        Err(VerifyError::Malformed)
    );
    assert_eq!(
        verify_signature("", body, Some(&header)),
        Err(VerifyError::Mismatch)
    );
}

#[test]
fn known_hmac_vector() {
    // RFC 4231 test case 2.
    assert_eq!(
        sign("Jefe", b"what do ya want for nothing?"),
        "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
    );
}

#[test]
fn handshake() {
    let q = "hub.mode=subscribe&hub.verify_token=tok&hub.challenge=1158201444";
    assert_eq!(verify_handshake_query("tok", q), Some("1158201444".into()));
    assert_eq!(verify_handshake_query("other", q), None);
    assert_eq!(
        verify_handshake_query("", "hub.mode=subscribe&hub.verify_token=&hub.challenge=1"),
        None
    );
    assert_eq!(
        verify_handshake_query(
            "tok",
            "hub.mode=unsubscribe&hub.verify_token=tok&hub.challenge=1"
        ),
        None
    );
    assert_eq!(
        verify_handshake_query("tok", "hub.mode=subscribe&hub.verify_token=tok"),
        None
    );
}

#[test]
fn reply_button_limits() {
    let b = |l: &str| Button {
        label: l.into(),
        data: "d".into(),
    };
    assert!(reply_buttons_fit(&[b("10:00"), b("11:00"), b("12:00")]));
    assert!(!reply_buttons_fit(&[b("1"), b("2"), b("3"), b("4")]));
    assert!(!reply_buttons_fit(&[b("a label longer than twenty")]));
    assert!(!reply_buttons_fit(&[]));
}
