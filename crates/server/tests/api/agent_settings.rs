//! Agent settings are changed field by field: `PUT` (and `PATCH`) keep what was not sent,
//! inside the model settings too, and answer the stored result; the model key stays
//! write-only, in the answer and in the OpenAPI document.
use reqwest::Method;
use serde_json::{Value, json};

use crate::helpers::{TestApp, spawn_app};

async fn change(app: &TestApp, method: Method, key: &str, body: Value) -> Value {
    let r = app
        .request(method, "/api/v1/agent", Some(key), Some(body))
        .await;
    assert_eq!(r.status(), 200, "{}", r.text().await.unwrap());
    r.json().await.unwrap()
}

#[tokio::test]
async fn put_keeps_the_fields_it_was_not_sent() {
    let app = spawn_app().await;
    let a = app.seed_agent_business("Keep Salon", "Europe/Moscow").await;
    let key = &a.owner_key;
    change(
        &app,
        Method::PUT,
        key,
        json!({"persona": "Anna", "address": "1 Main St.", "burst_ms": 0,
               "llm": {"base_url": "http://127.0.0.1:9/v1", "model": "m-1", "api_key": "sk-secret-1", "temperature": 0.5}}),
    )
    .await;
    let answer = change(&app, Method::PUT, key, json!({"address": "2 Side St."})).await;
    assert_eq!(answer["address"], "2 Side St.");
    assert_eq!(answer["persona"], "Anna");
    assert_eq!(answer["burst_ms"], 0);
    assert_eq!(answer["llm"]["model"], "m-1");
    assert_eq!(answer["llm_api_key_set"], true);
    // One model field changes, the others (and the key, same host) stay.
    let answer = change(&app, Method::PATCH, key, json!({"llm": {"model": "m-2"}})).await;
    assert_eq!(answer["llm"]["model"], "m-2");
    assert_eq!(answer["llm"]["temperature"], 0.5);
    assert_eq!(answer["llm_api_key_set"], true);
    assert!(!answer.to_string().contains("sk-secret-1"));
    // The answer is what is stored.
    let got: Value = app.get("/api/v1/agent", key).await.json().await.unwrap();
    assert_eq!(got, answer);
    // `llm: null` is the way back to the rule-based agent (and drops the key).
    let answer = change(&app, Method::PUT, key, json!({"llm": null})).await;
    assert_eq!(answer["engine"], "rules");
    assert_eq!(answer["llm_api_key_set"], false);
    assert_eq!(answer["persona"], "Anna");
    app.stop().await;
}

#[tokio::test]
async fn the_model_api_key_is_write_only_in_the_openapi_document() {
    let app = spawn_app().await;
    let doc: Value = app
        .client
        .get(app.url("/api/openapi.json"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let key = &doc["components"]["schemas"]["LlmSettings"]["properties"]["api_key"];
    assert_eq!(key["writeOnly"], true, "{key}");
    app.stop().await;
}
