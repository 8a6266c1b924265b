use super::ErrorCode;

#[test]
fn serde_names_match_the_registry_strings() {
    for code in ErrorCode::ALL {
        assert_eq!(
            serde_json::to_value(code).unwrap(),
            serde_json::json!(code.as_str())
        );
    }
}

#[test]
fn codes_are_unique() {
    let mut seen = std::collections::HashSet::new();
    for code in ErrorCode::ALL {
        assert!(seen.insert(code.as_str()), "{code} is listed twice");
    }
}

/// Every code is produced somewhere in the server (named as `ErrorCode::Variant` outside
/// this registry), so the registry lists no dead codes.
#[test]
fn every_code_is_produced_somewhere() {
    let src = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut text = String::new();
    collect_sources(&src, &mut text);
    for code in ErrorCode::ALL {
        let needle = format!("ErrorCode::{}", code.variant_name());
        assert!(
            text.contains(&needle),
            "`{needle}` is never used: produce it or drop it from the registry"
        );
    }
}

fn collect_sources(dir: &std::path::Path, out: &mut String) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            collect_sources(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") && !path.ends_with("error/code.rs") {
            out.push_str(&std::fs::read_to_string(&path).unwrap());
        }
    }
}
