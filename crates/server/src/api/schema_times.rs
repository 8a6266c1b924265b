//! Guards the one time format: no property of a documented answer whose name ends in `_at`
//! is an integer (epoch milliseconds); answers carry RFC 3339 strings (see [`super::time`]).
use serde_json::Value;

/// `(schema path, property)` of every `_at` property typed as an integer under `node`.
fn integer_times(node: &Value, path: &str, out: &mut Vec<String>) {
    match node {
        Value::Object(map) => {
            if let Some(Value::Object(props)) = map.get("properties") {
                for (name, prop) in props {
                    if name.ends_with("_at") && is_integer(prop) {
                        out.push(format!("{path}.{name}"));
                    }
                }
            }
            for (key, child) in map {
                integer_times(child, &format!("{path}/{key}"), out);
            }
        }
        Value::Array(items) => {
            for (i, child) in items.iter().enumerate() {
                integer_times(child, &format!("{path}/{i}"), out);
            }
        }
        _ => {}
    }
}

fn is_integer(prop: &Value) -> bool {
    let typed = |t: &Value| match t {
        Value::String(s) => s == "integer",
        Value::Array(ts) => ts.iter().any(|t| t == "integer"),
        _ => false,
    };
    prop.get("type").is_some_and(typed)
        || ["oneOf", "anyOf", "allOf"].iter().any(|k| {
            prop.get(*k)
                .and_then(Value::as_array)
                .is_some_and(|alts| alts.iter().any(is_integer))
        })
}

/// Every schema an answer (a `responses` entry) uses, by component name, followed through refs.
fn response_schemas(doc: &Value) -> Vec<(String, Value)> {
    let components = &doc["components"]["schemas"];
    let mut seen = std::collections::BTreeSet::new();
    let mut queue: Vec<(String, Value)> = Vec::new();
    for ops in doc["paths"]
        .as_object()
        .into_iter()
        .flat_map(|p| p.values())
    {
        for op in ops.as_object().into_iter().flat_map(|o| o.values()) {
            if let Some(responses) = op.get("responses") {
                queue.push(("responses".into(), responses.clone()));
            }
        }
    }
    let mut out = Vec::new();
    while let Some((name, node)) = queue.pop() {
        let mut refs = Vec::new();
        collect_refs(&node, &mut refs);
        for r in refs {
            let component = r.trim_start_matches("#/components/schemas/").to_string();
            if seen.insert(component.clone()) {
                queue.push((component.clone(), components[&component].clone()));
            }
        }
        out.push((name, node));
    }
    out
}

fn collect_refs(node: &Value, out: &mut Vec<String>) {
    match node {
        Value::Object(map) => {
            if let Some(Value::String(r)) = map.get("$ref") {
                out.push(r.clone());
            }
            map.values().for_each(|v| collect_refs(v, out));
        }
        Value::Array(items) => items.iter().for_each(|v| collect_refs(v, out)),
        _ => {}
    }
}

#[test]
fn no_answer_carries_an_integer_time() {
    let doc = serde_json::to_value(super::openapi()).unwrap();
    let mut found = Vec::new();
    for (name, schema) in response_schemas(&doc) {
        integer_times(&schema, &name, &mut found);
    }
    found.sort();
    found.dedup();
    assert!(
        found.is_empty(),
        "integer `_at` fields in answers: {found:#?}"
    );
}

#[test]
fn the_guard_sees_an_integer_time() {
    let schema = serde_json::json!({"properties": {"created_at": {"type": ["integer", "null"]}}});
    let mut found = Vec::new();
    integer_times(&schema, "X", &mut found);
    assert_eq!(found, vec!["X.created_at"]);
}
