//! The OpenAPI document is valid 3.1 and lists every route the API serves.
use serde_json::Value;

use crate::helpers::spawn_app;

#[tokio::test]
async fn openapi_document_is_3_1_and_complete() {
    let app = spawn_app().await;
    let r = app
        .client
        .get(app.url("/api/openapi.json"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let doc: Value = r.json().await.unwrap();
    assert!(doc["openapi"].as_str().unwrap().starts_with("3.1"));
    assert!(doc["info"]["title"].is_string());
    let paths = doc["paths"].as_object().unwrap();
    assert!(!paths.is_empty());

    // Every documented operation is served: calling it never hits the router's fallbacks.
    for (path, ops) in paths {
        for method in ops.as_object().unwrap().keys() {
            let concrete = path
                .split('/')
                .map(|seg| {
                    if seg.starts_with('{') {
                        "00000000-0000-0000-0000-000000000000"
                    } else {
                        seg
                    }
                })
                .collect::<Vec<_>>()
                .join("/");
            let m = reqwest::Method::from_bytes(method.to_uppercase().as_bytes()).unwrap();
            let resp = app
                .client
                .request(m, app.url(&concrete))
                .send()
                .await
                .unwrap();
            let status = resp.status().as_u16();
            let body: Value = resp.json().await.unwrap_or(Value::Null);
            assert_ne!(
                body["error"], "route_not_found",
                "{method} {path} is documented but not routed"
            );
            assert_ne!(status, 405, "{method} {path} is documented but not routed");
        }
    }

    // Every route in the source is documented: API routes are only ever added through
    // `routes!` (which documents them); a raw `.route(` under src/api would escape the document.
    let api_dir = concat!(env!("CARGO_MANIFEST_DIR"), "/src/api");
    let mut dirs = vec![std::path::PathBuf::from(api_dir)];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                dirs.push(path);
                continue;
            }
            let text = std::fs::read_to_string(&path).unwrap();
            assert!(
                !text.contains(".route("),
                "{} adds an undocumented route",
                path.display()
            );
        }
    }
    let mod_rs = std::fs::read_to_string(format!("{api_dir}/mod.rs")).unwrap();
    for (path, ops) in paths {
        for (method, op) in ops.as_object().unwrap() {
            assert!(
                op["responses"].as_object().is_some_and(|r| !r.is_empty()),
                "{method} {path} has no responses"
            );
        }
    }
    let routed_handlers = mod_rs.matches("routes!(").count();
    assert!(
        routed_handlers >= paths.len(),
        "each documented path comes from a routes! call"
    );

    // Each schema reference resolves.
    let text = doc.to_string();
    for part in text.split("\"$ref\":\"#/components/schemas/").skip(1) {
        let name = part.split('"').next().unwrap();
        assert!(
            doc["components"]["schemas"][name].is_object(),
            "dangling $ref {name}"
        );
    }

    let r = app.client.get(app.url("/api/docs/")).send().await.unwrap();
    assert_eq!(r.status(), 200);
    assert!(r.text().await.unwrap().contains("swagger"));
    app.stop().await;
}

/// The document lists every code of the registry as the enum of `ErrorBody.error`, and no other.
#[test]
fn openapi_lists_every_error_code() {
    use switchboard_server::error::ErrorCode;
    let doc = serde_json::to_value(switchboard_server::api::openapi()).unwrap();
    let schemas = &doc["components"]["schemas"];
    assert_eq!(
        schemas["ErrorBody"]["properties"]["error"]["$ref"],
        "#/components/schemas/ErrorCode"
    );
    let listed: Vec<&str> = schemas["ErrorCode"]["enum"]
        .as_array()
        .expect("ErrorCode is a string enum")
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    let registry: Vec<&str> = ErrorCode::ALL.iter().map(|c| c.as_str()).collect();
    assert_eq!(listed, registry);
}
