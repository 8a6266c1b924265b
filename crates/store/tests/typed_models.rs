//! Grep-level guard on the store's sources: ids are typed (no `String` id fields in rows or
//! models, no `.to_string()` binds of ids) and features are named by `Feature`, never by a
//! string literal. Modules other engineers are still typing are listed in `PENDING`; an entry is
//! removed when its module is typed, and the test then holds it to the rule.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::{
    fs,
    path::{Path, PathBuf},
};

use switchboard_domain::Feature;

/// Store modules not typed yet (paths under `crates/store/src`). Remove an entry once its
/// module has no `String` ids.
const PENDING: &[&str] = &[
    // h1: billing tables and the ledger (ledger holds keep their text ids for now).
    "billing/",
    "ledger.rs",
    "holds.rs",
    // h4, still to type: agent turns and usage rows (their ids come from the agent's tools).
    "agent.rs",
];

/// Fields ending in `_id` that are not entity ids: the request id is whatever the caller's
/// `x-request-id` header said, and a provider's message id is the provider's own text.
const NOT_ENTITY_IDS: &[&str] = &["request_id", "provider_message_id"];

fn sources(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            sources(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// `(relative path, text)` of every store source file, pending ones left out when asked.
fn store_files(skip_pending: bool) -> Vec<(String, String)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    sources(&root, &mut files);
    files.sort();
    files
        .into_iter()
        .map(|p| {
            let rel = p
                .strip_prefix(&root)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/");
            (rel, fs::read_to_string(&p).unwrap())
        })
        .filter(|(rel, _)| !skip_pending || !PENDING.iter().any(|p| rel.starts_with(p)))
        .collect()
}

/// A struct field (`[pub] name: Type,`) named `id` or `*_id` whose type is text.
fn string_id_field(line: &str) -> bool {
    let line = line.trim();
    let line = line
        .strip_prefix("pub(crate) ")
        .or_else(|| line.strip_prefix("pub "))
        .unwrap_or(line);
    let Some((name, ty)) = line.split_once(": ") else {
        return false;
    };
    let is_id = (name == "id" || name.ends_with("_id")) && !NOT_ENTITY_IDS.contains(&name);
    let is_ident = name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    let ty = ty.trim_end_matches(',').trim();
    is_id && is_ident && matches!(ty, "String" | "Option<String>")
}

/// A bind of an id turned into text (`.bind(x_id.to_string())`, `.bind(id.map(|i| i.to_string()))`).
fn to_string_id_bind(line: &str) -> bool {
    let Some(arg) = line.trim().strip_prefix(".bind(") else {
        return false;
    };
    arg.contains("id") && arg.contains("to_string()")
}

fn feature_literal(line: &str) -> Option<Feature> {
    Feature::ALL
        .into_iter()
        .find(|f| line.contains(&format!("\"{}\"", f.as_str())))
}

#[test]
fn detectors_catch_what_they_are_for() {
    assert!(string_id_field("    pub customer_id: String,"));
    assert!(string_id_field("    id: Option<String>,"));
    assert!(!string_id_field("    pub id: CustomerId,"));
    assert!(!string_id_field("    pub idempotency_key: String,"));
    assert!(to_string_id_bind("            .bind(id.to_string())"));
    assert!(to_string_id_bind(
        "            .bind(own.hold_id.map(|h| h.to_string()))"
    ));
    assert!(!to_string_id_bind("            .bind(id)"));
    assert_eq!(
        feature_literal("b.feature_enabled(\"calendar\")"),
        Some(Feature::Calendar)
    );
}

#[test]
fn store_models_have_no_string_ids() {
    let bad: Vec<String> = store_files(true)
        .iter()
        .flat_map(|(rel, text)| {
            text.lines()
                .enumerate()
                .filter(|(_, l)| string_id_field(l))
                .map(move |(n, l)| format!("{rel}:{}: {}", n + 1, l.trim()))
        })
        .collect();
    assert!(bad.is_empty(), "String id fields:\n{}", bad.join("\n"));
}

#[test]
fn store_binds_ids_without_to_string() {
    let bad: Vec<String> = store_files(true)
        .iter()
        .flat_map(|(rel, text)| {
            text.lines()
                .enumerate()
                .filter(|(_, l)| to_string_id_bind(l))
                .map(move |(n, l)| format!("{rel}:{}: {}", n + 1, l.trim()))
        })
        .collect();
    assert!(bad.is_empty(), "ids bound as text:\n{}", bad.join("\n"));
}

#[test]
fn store_names_no_feature_by_string() {
    let bad: Vec<String> = store_files(false)
        .iter()
        .flat_map(|(rel, text)| {
            text.lines()
                .enumerate()
                .filter(|(_, l)| !l.trim_start().starts_with("//"))
                .filter(|(_, l)| feature_literal(l).is_some())
                .map(move |(n, l)| format!("{rel}:{}: {}", n + 1, l.trim()))
        })
        .collect();
    assert!(
        bad.is_empty(),
        "feature names as string literals (use switchboard_domain::Feature):\n{}",
        bad.join("\n")
    );
}

/// Across every crate's sources, a feature check names a `Feature`, never a string.
#[test]
fn no_feature_check_takes_a_string() {
    let crates = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let mut files = Vec::new();
    for entry in fs::read_dir(&crates).unwrap() {
        let src = entry.unwrap().path().join("src");
        if src.is_dir() {
            sources(&src, &mut files);
        }
    }
    let bad: Vec<String> = files
        .iter()
        .flat_map(|p| {
            let text = fs::read_to_string(p).unwrap();
            text.lines()
                .enumerate()
                .filter(|(_, l)| {
                    ["require_feature(\"", "feature_enabled(\""]
                        .iter()
                        .any(|call| l.contains(call))
                })
                .map(|(n, l)| format!("{}:{}: {}", p.display(), n + 1, l.trim()))
                .collect::<Vec<_>>()
        })
        .collect();
    assert!(bad.is_empty(), "string feature checks:\n{}", bad.join("\n"));
}
