//! Tenancy and auth: API keys, sessions, roles, another business's ids.
use reqwest::Method;
use serde_json::{Value, json};

use crate::helpers::{ADMIN, assert_error, spawn_app};

#[tokio::test]
async fn health_and_readiness() {
    let app = spawn_app().await;
    let r = app.client.get(app.url("/healthz")).send().await.unwrap();
    assert_eq!(r.status(), 200);
    assert!(r.headers().contains_key("x-request-id"));
    let r = app.client.get(app.url("/readyz")).send().await.unwrap();
    assert_eq!(r.status(), 200);
    let r = app
        .client
        .get(app.url("/healthz"))
        .header("x-request-id", "my-trace-42")
        .send()
        .await
        .unwrap();
    assert_eq!(r.headers()["x-request-id"], "my-trace-42");
    // Requests are counted by route template from the first one on.
    let metrics = app
        .client
        .get(app.url("/metrics"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(metrics.contains(r#"route="/healthz""#), "{metrics}");
    assert!(metrics.contains("job_queue_depth"), "{metrics}");
    app.stop().await;
}

#[tokio::test]
async fn an_api_key_sees_its_own_business_only() {
    let app = spawn_app().await;
    let a = app.seed_business("Alpha Salon").await;
    let b = app.seed_business("Beta Clinic").await;

    let r = app
        .get(
            &format!("/api/v1/businesses/{}", a.business_id),
            &a.owner_key,
        )
        .await;
    assert_eq!(r.status(), 200);
    let body: Value = r.json().await.unwrap();
    assert_eq!(body["name"], "Alpha Salon");
    assert_eq!(body["features"]["crm"], true);

    assert_error(
        app.get(
            &format!("/api/v1/businesses/{}", b.business_id),
            &a.owner_key,
        )
        .await,
        404,
        "not_found",
    )
    .await;
    assert_error(
        app.get(
            &format!("/api/v1/businesses/{}", uuid::Uuid::now_v7()),
            &a.owner_key,
        )
        .await,
        404,
        "not_found",
    )
    .await;
    assert_error(
        app.patch(
            &format!("/api/v1/businesses/{}", b.business_id),
            &a.owner_key,
            json!({"name": "pwned"}),
        )
        .await,
        404,
        "not_found",
    )
    .await;

    let list: Value = app
        .get("/api/v1/businesses", &a.owner_key)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(list["items"].as_array().unwrap().len(), 1);
    let all: Value = app
        .get("/api/v1/businesses", ADMIN)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(all["items"].as_array().unwrap().len(), 2);

    // Users of another business are invisible too.
    let users_b: Value = app.list_users(&b.owner_key).await.json().await.unwrap();
    let user_b = users_b[0]["id"].as_str().unwrap();
    assert_error(
        app.get(&format!("/api/v1/users/{user_b}"), &a.owner_key)
            .await,
        404,
        "not_found",
    )
    .await;
    assert_error(
        app.patch(
            &format!("/api/v1/users/{user_b}"),
            &a.owner_key,
            json!({"active": false}),
        )
        .await,
        404,
        "not_found",
    )
    .await;
    app.stop().await;
}

#[tokio::test]
async fn roles_are_checked_per_route() {
    let app = spawn_app().await;
    let a = app.seed_business("Gamma").await;
    let r = app
        .post(
            "/api/v1/api-keys",
            &a.owner_key,
            json!({"name": "agent", "role": "agent"}),
        )
        .await;
    assert_eq!(r.status(), 201);
    let agent_key = r.json::<Value>().await.unwrap()["secret"]
        .as_str()
        .unwrap()
        .to_string();

    assert_error(app.list_users(&agent_key).await, 403, "forbidden").await;
    assert_error(
        app.post("/api/v1/api-keys", &agent_key, json!({"name": "x"}))
            .await,
        403,
        "forbidden",
    )
    .await;
    assert_error(
        app.get("/api/v1/audit-log", &agent_key).await,
        403,
        "forbidden",
    )
    .await;
    // Only the platform admin creates businesses and sets feature flags.
    assert_error(
        app.post("/api/v1/businesses", &a.owner_key, json!({"name": "Mine"}))
            .await,
        403,
        "forbidden",
    )
    .await;
    assert_error(
        app.patch(
            &format!("/api/v1/businesses/{}", a.business_id),
            &a.owner_key,
            json!({"features": {"crm": false}}),
        )
        .await,
        403,
        "forbidden",
    )
    .await;
    // The owner may rename the business.
    let r = app
        .patch(
            &format!("/api/v1/businesses/{}", a.business_id),
            &a.owner_key,
            json!({"name": "Gamma Two"}),
        )
        .await;
    assert_eq!(r.status(), 200);
    // The admin may switch features.
    let r = app
        .patch(
            &format!("/api/v1/businesses/{}", a.business_id),
            ADMIN,
            json!({"features": {"crm": false}}),
        )
        .await;
    assert_eq!(r.status(), 200);
    assert_eq!(r.json::<Value>().await.unwrap()["features"]["crm"], false);
    app.stop().await;
}

#[tokio::test]
async fn staff_sign_in_gives_a_session_token_and_cookie() {
    let app = spawn_app().await;
    let a = app.seed_business("Delta").await;
    let r = app
        .request(
            Method::POST,
            "/api/v1/auth/login",
            None,
            Some(json!({"email": a.owner_email.to_uppercase(), "password": a.owner_password})),
        )
        .await;
    assert_eq!(r.status(), 200);
    let cookie = r.headers()["set-cookie"].to_str().unwrap().to_string();
    assert!(cookie.starts_with("sb_session=") && cookie.contains("HttpOnly"));
    let body: Value = r.json().await.unwrap();
    let token = body["token"].as_str().unwrap().to_string();
    assert!(
        token.starts_with("sbs_"),
        "a session token never looks like an API key"
    );
    assert_eq!(body["user"]["role"], "owner");

    let me: Value = app
        .get("/api/v1/auth/me", &token)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(me["kind"], "user");
    assert_eq!(me["business"]["id"], a.business_id);
    // The cookie works as well as the header.
    let r = app
        .client
        .get(app.url("/api/v1/users"))
        .header("cookie", format!("other=1; sb_session={token}"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);

    let r = app
        .request(Method::POST, "/api/v1/auth/logout", Some(&token), None)
        .await;
    assert_eq!(r.status(), 204);
    assert_error(
        app.get("/api/v1/auth/me", &token).await,
        401,
        "unauthorized",
    )
    .await;

    let r = app
        .request(
            Method::POST,
            "/api/v1/auth/login",
            None,
            Some(json!({"email": a.owner_email, "password": "wrong-password"})),
        )
        .await;
    assert_error(r, 401, "unauthorized").await;
    let r = app
        .request(
            Method::POST,
            "/api/v1/auth/login",
            None,
            Some(json!({"email": "nobody@x.example", "password": "whatever-123"})),
        )
        .await;
    assert_error(r, 401, "unauthorized").await;
    app.stop().await;
}

#[tokio::test]
async fn revoked_keys_and_deactivated_users_lose_access() {
    let app = spawn_app().await;
    let a = app.seed_business("Epsilon").await;
    let r = app
        .post("/api/v1/api-keys", &a.owner_key, json!({"name": "temp"}))
        .await;
    let k: Value = r.json().await.unwrap();
    let secret = k["secret"].as_str().unwrap();
    let prefix = k["prefix"].as_str().unwrap();
    assert!(secret.starts_with(prefix));
    let digits = prefix.strip_prefix("sb_").unwrap();
    assert!(
        digits.len() == 8 && digits.chars().all(|c| c.is_ascii_hexdigit()),
        "{prefix}"
    );
    assert_eq!(app.list_users(secret).await.status(), 200);
    let r = app
        .request(
            Method::DELETE,
            &format!("/api/v1/api-keys/{}", k["id"].as_str().unwrap()),
            Some(&a.owner_key),
            None,
        )
        .await;
    assert_eq!(r.status(), 200);
    assert_error(app.list_users(secret).await, 401, "unauthorized").await;
    // The key list never shows a secret.
    let keys = app
        .get("/api/v1/api-keys", &a.owner_key)
        .await
        .text()
        .await
        .unwrap();
    assert!(!keys.contains(secret) && !keys.contains("secret"));

    let r = app.post("/api/v1/users", &a.owner_key, json!({"email": "agent@epsilon.example", "password": "agent-password-1", "role": "agent"})).await;
    let user: Value = r.json().await.unwrap();
    let login: Value = app
        .request(
            Method::POST,
            "/api/v1/auth/login",
            None,
            Some(json!({"email": "agent@epsilon.example", "password": "agent-password-1"})),
        )
        .await
        .json()
        .await
        .unwrap();
    let token = login["token"].as_str().unwrap();
    assert_eq!(app.get("/api/v1/auth/me", token).await.status(), 200);
    let r = app
        .patch(
            &format!("/api/v1/users/{}", user["id"].as_str().unwrap()),
            &a.owner_key,
            json!({"active": false}),
        )
        .await;
    assert_eq!(r.status(), 200);
    assert_error(app.get("/api/v1/auth/me", token).await, 401, "unauthorized").await;

    // Every one of these actions is in the audit log.
    let log: Value = app
        .get("/api/v1/audit-log", &a.owner_key)
        .await
        .json()
        .await
        .unwrap();
    let actions: Vec<&str> = log["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    for a in [
        "api_key.create",
        "api_key.revoke",
        "user.create",
        "user.update",
    ] {
        assert!(actions.contains(&a), "{a} missing from {actions:?}");
    }
    app.stop().await;
}

/// Staff and API keys answer times in RFC 3339 with an offset.
#[tokio::test]
async fn users_and_keys_answer_rfc3339_times() {
    let app = spawn_app().await;
    let a = app.seed_business("Times Inc").await;
    for path in ["/api/v1/users", "/api/v1/api-keys"] {
        let list: Value = app.get(path, &a.owner_key).await.json().await.unwrap();
        let at = list[0]["created_at"]
            .as_str()
            .unwrap_or_default()
            .to_string();
        assert!(at.ends_with("+00:00"), "{path}: {at}");
        assert!(
            chrono::DateTime::parse_from_rfc3339(&at).is_ok(),
            "{path}: {at}"
        );
    }
}
