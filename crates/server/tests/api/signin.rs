//! Sign-in throttling: repeated wrong passwords for one e-mail, or many failures from one
//! address, are answered 429 with `Retry-After`, the same way for accounts that do not exist.
use reqwest::Response;
use serde_json::{Value, json};

use crate::helpers::{TestApp, assert_error, spawn_app};

async fn login(app: &TestApp, email: &str, password: &str) -> Response {
    app.client
        .post(app.url("/api/v1/auth/login"))
        .json(&json!({"email": email, "password": password}))
        .send()
        .await
        .unwrap()
}

/// The statuses of `n` attempts, and the last answer's `Retry-After` and body.
async fn attempts(app: &TestApp, email: &str, n: usize) -> (Vec<u16>, Option<u64>, Value) {
    let mut statuses = Vec::new();
    let mut last = (None, Value::Null);
    for _ in 0..n {
        let r = login(app, email, "wrong-password-1").await;
        statuses.push(r.status().as_u16());
        let retry = r
            .headers()
            .get("retry-after")
            .map(|v| v.to_str().unwrap().parse().unwrap());
        last = (retry, r.json().await.unwrap());
    }
    (statuses, last.0, last.1)
}

#[tokio::test]
async fn wrong_passwords_for_an_account_are_answered_429_with_retry_after() {
    let app = spawn_app().await;
    let a = app.seed_business("Throttle Spa").await;
    let (statuses, retry, body) = attempts(&app, &a.owner_email, 7).await;
    assert_eq!(statuses, [401, 401, 401, 401, 401, 401, 429]);
    assert!(retry.is_some_and(|s| (1..=5).contains(&s)), "{retry:?}");
    assert_eq!(body["error"], "rate_limited");
    // While held, even the right password is not checked.
    assert_error(
        login(&app, &a.owner_email, &a.owner_password).await,
        429,
        "rate_limited",
    )
    .await;
    app.stop().await;
}

#[tokio::test]
async fn an_unknown_email_is_throttled_exactly_like_a_known_one() {
    let app = spawn_app().await;
    let a = app.seed_business("Known Spa").await;
    let known = attempts(&app, &a.owner_email, 7).await;
    let unknown = attempts(&app, "nobody@unknown-spa.example", 7).await;
    assert_eq!(known.0, unknown.0);
    assert_eq!(known.1.is_some(), unknown.1.is_some());
    assert_eq!(known.2["error"], unknown.2["error"]);
    assert_eq!(known.2["message"], unknown.2["message"]);
    app.stop().await;
}

#[tokio::test]
async fn many_failures_from_one_address_are_throttled_across_emails() {
    let app = spawn_app().await;
    let mut statuses = Vec::new();
    for i in 0..22 {
        let r = login(&app, &format!("spray{i}@example.com"), "wrong-password-1").await;
        statuses.push(r.status().as_u16());
    }
    assert!(statuses[..21].iter().all(|s| *s == 401), "{statuses:?}");
    assert_eq!(statuses[21], 429, "{statuses:?}");
    app.stop().await;
}

#[tokio::test]
async fn a_correct_password_before_the_limit_signs_in_and_clears_the_count() {
    let app = spawn_app().await;
    let a = app.seed_business("Forgetful Spa").await;
    let (statuses, _, _) = attempts(&app, &a.owner_email, 5).await;
    assert!(statuses.iter().all(|s| *s == 401));
    assert_eq!(
        login(&app, &a.owner_email, &a.owner_password)
            .await
            .status(),
        200
    );
    let (statuses, _, _) = attempts(&app, &a.owner_email, 5).await;
    assert!(statuses.iter().all(|s| *s == 401), "{statuses:?}");
    app.stop().await;
}

#[tokio::test]
async fn behind_a_trusted_proxy_each_forwarded_client_has_its_own_budget() {
    let app = crate::helpers::spawn_app_with(|c| c.trusted_proxies = "127.0.0.1".into()).await;
    let from = |client: &'static str, i: usize| {
        app.client
            .post(app.url("/api/v1/auth/login"))
            .header("x-forwarded-for", client)
            .json(
                &json!({"email": format!("spray{i}@example.com"), "password": "wrong-password-1"}),
            )
            .send()
    };
    for i in 0..21 {
        assert_eq!(from("203.0.113.9", i).await.unwrap().status(), 401);
    }
    assert_eq!(from("203.0.113.9", 99).await.unwrap().status(), 429);
    assert_eq!(from("203.0.113.10", 100).await.unwrap().status(), 401);
    app.stop().await;
}

/// A wrong password and an unknown e-mail answer alike. That both cost exactly one argon2
/// check (so take as long) is a unit test of the store (`auth::tests`), not a timing here.
#[tokio::test]
async fn a_wrong_password_is_answered_like_an_unknown_email() {
    let app = spawn_app().await;
    let owner = app.seed_business("Answer Spa").await.owner_email;
    let body = |r: Response| async move {
        let status = r.status().as_u16();
        let mut v: Value = r.json().await.unwrap();
        v.as_object_mut().unwrap().remove("request_id");
        (status, v)
    };
    let known = body(login(&app, &owner, "wrong-password-1").await).await;
    let unknown = body(login(&app, "nobody@answer-spa.example", "wrong-password-1").await).await;
    assert_eq!(known.0, 401);
    assert_eq!(known, unknown);
    app.stop().await;
}
