//! The guard's rules, and the guarded client against a local server.
#![allow(clippy::unwrap_used, clippy::expect_used)]
use std::sync::Arc;

use super::*;

fn ip(s: &str) -> IpAddr {
    s.parse().unwrap()
}

fn url(s: &str) -> Url {
    Url::parse(s).unwrap()
}

#[test]
fn internal_addresses_are_refused_by_default() {
    for s in [
        "127.0.0.1",
        "10.1.2.3",
        "172.16.0.1",
        "192.168.1.1",
        "169.254.169.254",
        "100.64.0.1",
        "0.0.0.0",
        "255.255.255.255",
        "224.0.0.1",
        "::1",
        "::",
        "fe80::1",
        "fd00:ec2::254",
        "fc00::1",
        "::ffff:127.0.0.1",
        "::ffff:169.254.169.254",
        "64:ff9b::a00:1",
        "2002:7f00:1::",
    ] {
        assert!(is_internal(ip(s)), "{s} is internal");
        assert!(!OutboundPolicy::default().ip_allowed(ip(s)), "{s} refused");
    }
}

#[test]
fn ipv6_forms_embedding_an_internal_ipv4_address_are_refused() {
    for s in [
        "::127.0.0.1",
        "::169.254.169.254",
        "::ffff:0:10.0.0.1",
        "64:ff9b:1::a00:1",
    ] {
        assert!(is_internal(ip(s)), "{s} is internal");
        let u = url(&format!("http://[{s}]:8080/"));
        assert!(
            OutboundPolicy::default().check_url(&u).is_err(),
            "{u} refused"
        );
    }
    assert!(
        !is_internal(ip("::8.8.8.8")),
        "a public embedded address is not"
    );
}

#[test]
fn public_addresses_pass() {
    for s in [
        "8.8.8.8",
        "52.1.2.3",
        "100.128.0.1",
        "2606:4700::1111",
        "64:ff9b::808:808",
    ] {
        assert!(!is_internal(ip(s)), "{s} is public");
    }
}

#[test]
fn the_allow_list_takes_cidrs_addresses_and_hosts() {
    let p = OutboundPolicy::parse(" 10.0.0.0/8, 127.0.0.1 ,, ::1, bridge.lan:8080, LocalModel ")
        .unwrap();
    assert!(p.ip_allowed(ip("10.9.9.9")));
    assert!(p.ip_allowed(ip("127.0.0.1")));
    assert!(p.ip_allowed(ip("::ffff:127.0.0.1")));
    assert!(!p.ip_allowed(ip("127.0.0.2")));
    assert!(p.ip_allowed(ip("::1")));
    assert!(!p.ip_allowed(ip("169.254.169.254")));
    assert!(p.name_allowed("bridge.lan") && p.name_allowed("localmodel."));
    assert!(p.check_url(&url("http://bridge.lan:8080/x")).is_ok());
    assert_eq!(
        OutboundPolicy::parse("http://x/y"),
        Err(BadAllowEntry("http://x/y".into()))
    );
    assert!(OutboundPolicy::parse("").unwrap().is_strict());
}

#[test]
fn literal_hosts_are_checked_without_dns() {
    let strict = OutboundPolicy::default();
    for u in [
        "http://127.0.0.1:9000/",
        "http://[::1]/",
        "http://169.254.169.254/latest/meta-data/",
        "http://2130706433/",
        "http://0x7f000001/",
        "http://[::ffff:10.0.0.1]/",
    ] {
        assert!(
            matches!(strict.check_url(&url(u)), Err(Blocked::Internal { .. })),
            "{u}"
        );
    }
    assert_eq!(
        strict.check_url(&url("ftp://example.com/")),
        Err(Blocked::Scheme)
    );
    assert!(strict.check_url(&url("https://api.twilio.com/")).is_ok());
    let port_only = OutboundPolicy::parse("127.0.0.1:9000").unwrap();
    assert!(port_only.check_url(&url("http://127.0.0.1:9000/")).is_ok());
    assert!(port_only.check_url(&url("http://127.0.0.1:9001/")).is_err());
}

#[tokio::test]
async fn names_are_checked_after_resolution() {
    let strict = OutboundPolicy::default();
    assert!(matches!(
        validate_outbound_url("http://localhost:8080/", &strict).await,
        Err(Blocked::Internal { .. })
    ));
    let allowed = OutboundPolicy::parse("localhost").unwrap();
    assert!(
        validate_outbound_url("http://localhost:8080/", &allowed)
            .await
            .is_ok()
    );
    assert_eq!(
        validate_outbound_url("not a url", &strict).await,
        Err(Blocked::NotUrl)
    );
}

/// A local server that answers `/` with 200 and `/hop` with a redirect to `to`.
async fn server(redirect_to: String) -> u16 {
    let app = axum::Router::new()
        .route("/", axum::routing::get(|| async { "ok" }))
        .route(
            "/hop",
            axum::routing::get(move || {
                let to = redirect_to.clone();
                async move { axum::response::Redirect::temporary(&to) }
            }),
        );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    tokio::spawn(async move { axum::serve(listener, app).await });
    port
}

fn client(policy: &str) -> reqwest::Client {
    client_builder(Arc::new(OutboundPolicy::parse(policy).unwrap()))
        .build()
        .unwrap()
}

#[tokio::test]
async fn the_client_refuses_names_that_resolve_inside() {
    let port = server(String::new()).await;
    let err = client("")
        .get(format!("http://localhost:{port}/"))
        .send()
        .await
        .unwrap_err();
    assert!(
        matches!(Blocked::find(&err), Some(Blocked::Internal { .. })),
        "{err:?}"
    );
    let ok = client("localhost")
        .get(format!("http://localhost:{port}/"))
        .send()
        .await
        .unwrap();
    assert_eq!(ok.status(), 200);
}

#[tokio::test]
async fn every_redirect_hop_is_checked() {
    let target = server(String::new()).await;
    let port = server(format!("http://127.0.0.1:{target}/")).await;
    // The first hop's name is allowed; the redirect to an internal literal is not.
    let err = client("localhost")
        .get(format!("http://localhost:{port}/hop"))
        .send()
        .await
        .unwrap_err();
    assert!(err.is_redirect(), "{err:?}");
    assert!(matches!(
        Blocked::find(&err),
        Some(Blocked::Internal { .. })
    ));
    let ok = client("localhost, 127.0.0.1")
        .get(format!("http://localhost:{port}/hop"))
        .send()
        .await
        .unwrap();
    assert_eq!(ok.text().await.unwrap(), "ok");
}
