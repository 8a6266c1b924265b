//! Bad input always gets a 4xx with the stable error body, never a 500.
use reqwest::Method;
use serde_json::json;

use crate::helpers::{ADMIN, assert_error, spawn_app};

#[tokio::test]
async fn malformed_requests_get_stable_errors() {
    let app = spawn_app().await;
    let a = app.seed_business("Errors Inc").await;
    let key = a.owner_key.as_str();

    let send_raw = |body: &'static str, ct: Option<&'static str>| {
        let mut r = app
            .client
            .post(app.url("/api/v1/users"))
            .bearer_auth(key)
            .body(body);
        if let Some(ct) = ct {
            r = r.header("content-type", ct);
        }
        r.send()
    };
    assert_error(
        send_raw("{not json", Some("application/json"))
            .await
            .unwrap(),
        400,
        "invalid_json",
    )
    .await;
    assert_error(
        send_raw("\u{0}\u{1}", Some("application/json"))
            .await
            .unwrap(),
        400,
        "invalid_json",
    )
    .await;
    assert_error(
        send_raw(
            r#"{"email": 5, "password": "x", "role": "agent"}"#,
            Some("application/json"),
        )
        .await
        .unwrap(),
        422,
        "validation_failed",
    )
    .await;
    assert_error(
        send_raw(
            r#"{"email": "a@b.example", "password": "long-enough-1", "role": "wizard"}"#,
            Some("application/json"),
        )
        .await
        .unwrap(),
        422,
        "validation_failed",
    )
    .await;
    assert_error(
        send_raw(
            r#"{"email": "a@b.example", "password": "long-enough-1", "role": "agent", "extra": 1}"#,
            Some("application/json"),
        )
        .await
        .unwrap(),
        422,
        "validation_failed",
    )
    .await;
    assert_error(
        send_raw("{}", None).await.unwrap(),
        415,
        "unsupported_media_type",
    )
    .await;
    assert_error(
        app.post(
            "/api/v1/users",
            key,
            json!({"email": "not-an-email", "password": "long-enough-1", "role": "agent"}),
        )
        .await,
        422,
        "validation_failed",
    )
    .await;
    assert_error(
        app.post(
            "/api/v1/users",
            key,
            json!({"email": "a@b.example", "password": "short", "role": "agent"}),
        )
        .await,
        422,
        "validation_failed",
    )
    .await;

    // Duplicates are conflicts.
    let body = json!({"email": "dup@b.example", "password": "long-enough-1", "role": "agent"});
    assert_eq!(
        app.post("/api/v1/users", key, body.clone()).await.status(),
        201
    );
    assert_error(app.post("/api/v1/users", key, body).await, 409, "conflict").await;
    assert_error(
        app.post("/api/v1/businesses", ADMIN, json!({"name": "Errors Inc"}))
            .await,
        409,
        "conflict",
    )
    .await;
    assert_error(
        app.post(
            "/api/v1/businesses",
            ADMIN,
            json!({"name": "X", "time_zone": "Mars/Base"}),
        )
        .await,
        422,
        "validation_failed",
    )
    .await;
    assert_error(
        app.post(
            "/api/v1/businesses",
            ADMIN,
            json!({"name": "Y", "features": {"teleport": true}}),
        )
        .await,
        422,
        "validation_failed",
    )
    .await;

    // Auth problems.
    assert_error(
        app.request(Method::GET, "/api/v1/users", None, None).await,
        401,
        "unauthorized",
    )
    .await;
    assert_error(
        app.get("/api/v1/users", "sb_nope_nope").await,
        401,
        "unauthorized",
    )
    .await;
    assert_error(
        app.get("/api/v1/users", "garbage").await,
        401,
        "unauthorized",
    )
    .await;
    let r = app
        .client
        .get(app.url("/api/v1/users"))
        .header("authorization", "Basic dXNlcjpwdw==")
        .send()
        .await
        .unwrap();
    assert_error(r, 401, "unauthorized").await;
    assert_error(app.list_users(ADMIN).await, 400, "business_required").await;

    // Paths, queries, routes and methods.
    assert_error(
        app.get("/api/v1/businesses/not-a-uuid", key).await,
        400,
        "invalid_path",
    )
    .await;
    assert_error(
        app.get("/api/v1/jobs?limit=many", key).await,
        400,
        "invalid_query",
    )
    .await;
    assert_error(
        app.get("/api/v1/jobs?status=sleeping", key).await,
        400,
        "invalid_query",
    )
    .await;
    assert_error(
        app.get("/api/v1/nothing-here", key).await,
        404,
        "route_not_found",
    )
    .await;
    assert_error(
        app.request(Method::PUT, "/api/v1/users", Some(key), None)
            .await,
        405,
        "method_not_allowed",
    )
    .await;

    // A body over the limit.
    let huge = "x".repeat(2 * 1024 * 1024);
    let r = app
        .client
        .post(app.url("/api/v1/users"))
        .bearer_auth(key)
        .header("content-type", "application/json")
        .body(format!("{{\"email\": \"{huge}\"}}"))
        .send()
        .await
        .unwrap();
    assert_error(r, 413, "payload_too_large").await;
    app.stop().await;
}
