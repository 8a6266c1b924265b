use super::session_cookie;

#[test]
fn the_session_cookie_keeps_its_attributes() {
    let text = session_cookie("tok".into(), 43_200)
        .secure(true)
        .to_string();
    assert!(text.starts_with("sb_session=tok"), "{text}");
    for part in [
        "HttpOnly",
        "SameSite=Lax",
        "Secure",
        "Path=/",
        "Max-Age=43200",
    ] {
        assert!(text.contains(part), "{text} lacks {part}");
    }
}

#[test]
fn signing_out_clears_the_cookie() {
    let text = session_cookie(String::new(), 0).to_string();
    assert!(
        text.starts_with("sb_session=;") && text.contains("Max-Age=0"),
        "{text}"
    );
}
