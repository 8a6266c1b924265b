//! HTTP behaviour a client relies on: a keep-alive connection survives an answer given before
//! the body was read, `/` leads to the docs, and a taken business slug is a clear 409.
use serde_json::json;
use tokio::{
    io::{AsyncReadExt, AsyncWriteExt},
    net::TcpStream,
};

use crate::helpers::{ADMIN, assert_error, spawn_app, spawn_app_with};

/// Reads one response (headers and a `Content-Length` body) and returns its head and status.
async fn read_response(conn: &mut TcpStream) -> (String, u16) {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 4096];
    loop {
        if let Some(end) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            let head = String::from_utf8_lossy(&buf[..end]).to_lowercase();
            let len: usize = head
                .lines()
                .find_map(|l| l.strip_prefix("content-length:"))
                .map(|v| v.trim().parse().unwrap())
                .unwrap_or(0);
            while buf.len() < end + 4 + len {
                let n = conn.read(&mut chunk).await.unwrap();
                assert!(n > 0, "connection closed mid-body");
                buf.extend_from_slice(&chunk[..n]);
            }
            let status = head.split_whitespace().nth(1).unwrap().parse().unwrap();
            return (head, status);
        }
        let n = conn.read(&mut chunk).await.unwrap();
        assert!(n > 0, "connection closed before a response");
        buf.extend_from_slice(&chunk[..n]);
    }
}

/// Sends `first` on a fresh connection, then a GET /healthz on the same one. The second
/// request must be answered, unless the first answer said `Connection: close`.
async fn second_request_works_or_first_said_close(base: &str, first: String, expect: u16) {
    let addr = base.trim_start_matches("http://");
    let mut conn = TcpStream::connect(addr).await.unwrap();
    conn.write_all(first.as_bytes()).await.unwrap();
    let (head, status) = read_response(&mut conn).await;
    assert_eq!(status, expect, "{head}");
    if head.contains("connection: close") {
        return;
    }
    let second = format!("GET /healthz HTTP/1.1\r\nHost: {addr}\r\n\r\n");
    conn.write_all(second.as_bytes()).await.unwrap();
    let (head, status) = read_response(&mut conn).await;
    assert_eq!(status, 200, "{head}");
}

#[tokio::test]
async fn a_401_before_the_body_is_read_keeps_the_connection_usable() {
    let app = spawn_app().await;
    let body = json!({"kind": "api", "name": "x"}).to_string();
    let first = format!(
        "POST /api/v1/channels HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    );
    second_request_works_or_first_said_close(&app.base, first, 401).await;
    app.stop().await;
}

#[tokio::test]
async fn a_401_while_the_body_is_still_arriving_says_connection_close() {
    let app = spawn_app().await;
    let addr = app.base.trim_start_matches("http://").to_string();
    let mut conn = TcpStream::connect(&addr).await.unwrap();
    // A large upload whose first bytes only have arrived when the server answers.
    let head = "POST /api/v1/channels HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 65536\r\n\r\n{\"kind\": \"api\", \"name\": \"";
    conn.write_all(head.as_bytes()).await.unwrap();
    let (head, status) = read_response(&mut conn).await;
    assert_eq!(status, 401, "{head}");
    assert!(head.contains("connection: close"), "{head}");
    app.stop().await;
}

#[tokio::test]
async fn a_413_for_a_too_large_body_keeps_the_connection_usable() {
    let app = spawn_app_with(|c| c.body_limit = 64).await;
    let body = format!(
        "{{\"email\": \"{}\", \"password\": \"x\"}}",
        "a".repeat(200)
    );
    let first = format!(
        "POST /api/v1/auth/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    );
    second_request_works_or_first_said_close(&app.base, first, 413).await;
    app.stop().await;
}

#[tokio::test]
async fn an_answer_after_reading_the_body_keeps_the_connection_open() {
    let app = spawn_app().await;
    let body = json!({"email": "nobody@example.com", "password": "wrong-password"}).to_string();
    let addr = app.base.trim_start_matches("http://").to_string();
    let mut conn = TcpStream::connect(&addr).await.unwrap();
    let first = format!(
        "POST /api/v1/auth/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    );
    conn.write_all(first.as_bytes()).await.unwrap();
    let (head, status) = read_response(&mut conn).await;
    assert_eq!(status, 401);
    assert!(!head.contains("connection: close"), "{head}");
    app.stop().await;
}

#[tokio::test]
async fn the_front_page_redirects_to_the_api_docs() {
    let app = spawn_app().await;
    let r = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
        .get(app.url("/"))
        .send()
        .await
        .unwrap();
    assert!(r.status().is_redirection(), "{}", r.status());
    assert_eq!(r.headers()["location"], "/api/docs");
    let followed = app.client.get(app.url("/")).send().await.unwrap();
    assert_eq!(followed.status(), 200);
    app.stop().await;
}

#[tokio::test]
async fn a_taken_business_slug_is_409_naming_the_slug() {
    let app = spawn_app().await;
    let create = || {
        app.post(
            "/api/v1/businesses",
            ADMIN,
            json!({"name": "Corner Cafe", "slug": "corner-cafe"}),
        )
    };
    assert_eq!(create().await.status(), 201);
    let body = assert_error(create().await, 409, "conflict").await;
    assert!(
        body["message"].as_str().unwrap().contains("`corner-cafe`"),
        "{body}"
    );
    app.stop().await;
}

/// A caller's request id that is not safe to log is replaced by a fresh UUID, which the
/// response and its error body carry.
#[tokio::test]
async fn an_unfit_request_id_is_replaced() {
    let app = spawn_app().await;
    let r = app
        .client
        .get(app.url("/api/v1/nowhere"))
        .header("x-request-id", "two words")
        .send()
        .await
        .unwrap();
    let id = r.headers()["x-request-id"].to_str().unwrap().to_string();
    assert_ne!(id, "two words");
    assert!(uuid::Uuid::parse_str(&id).is_ok(), "{id}");
    let body: serde_json::Value = r.json().await.unwrap();
    assert_eq!(body["request_id"], id.as_str());
}
