//! Feature guards sit on whole route groups: a switched-off feature answers 403
//! `feature_disabled` (naming the feature) on every route of its group, before the handler
//! reads its query; routes of other groups still answer.
use serde_json::json;

use crate::helpers::{ADMIN, assert_error, spawn_app};

#[tokio::test]
async fn a_disabled_feature_closes_its_route_group_only() {
    let app = spawn_app().await;
    // The seeded business has its agent off.
    let a = app.seed_business("Guards Inc").await;
    let key = a.owner_key.as_str();
    let body = assert_error(app.get("/api/v1/agent", key).await, 403, "feature_disabled").await;
    assert_eq!(body["feature"], "agent");
    // The guard runs before the handler parses its (here malformed) query.
    assert_error(
        app.get("/api/v1/agent/usage?from=nope", key).await,
        403,
        "feature_disabled",
    )
    .await;
    assert_eq!(app.get("/api/v1/services", key).await.status(), 200);

    let r = app
        .patch(
            &format!("/api/v1/businesses/{}", a.business_id),
            ADMIN,
            json!({"features": {"calendar": false}}),
        )
        .await;
    assert_eq!(r.status(), 200, "{}", r.text().await.unwrap());
    let body = assert_error(
        app.get("/api/v1/services", key).await,
        403,
        "feature_disabled",
    )
    .await;
    assert_eq!(body["feature"], "calendar");
    assert_eq!(app.get("/api/v1/users", key).await.status(), 200);
}

#[tokio::test]
async fn the_guard_still_asks_for_credentials_first() {
    let app = spawn_app().await;
    let r = app
        .client
        .get(app.url("/api/v1/services"))
        .send()
        .await
        .unwrap();
    assert_error(r, 401, "unauthorized").await;
}
