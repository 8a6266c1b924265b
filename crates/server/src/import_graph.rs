//! Checks on the crate's shape, read from the sources: `server`'s modules import each other
//! without a cycle, only `serve` (which mounts the router) imports from `api`, and no service
//! crate depends on axum.
//!
//! The graph is read from `crate::` paths (in `use` lines, brace groups included, and inline),
//! each resolved to the deepest module file it names; test modules are left out.
use std::{
    collections::{BTreeMap, BTreeSet},
    path::{Path, PathBuf},
};

/// Edges that other work in progress removes; each is named, so a new one fails the test.
/// None is left: the Telegram poller calls the pipeline's ingest, not the webhook handler.
const PENDING: &[(&str, &str)] = &[];

fn sources(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            sources(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

fn module_name(src: &Path, file: &Path) -> String {
    let rel = file.strip_prefix(src).unwrap().with_extension("");
    let parts: Vec<String> = rel
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    let parts = match parts.last().map(String::as_str) {
        Some("mod") | Some("lib") | Some("main") => &parts[..parts.len() - 1],
        _ => &parts[..],
    };
    parts.join("::")
}

/// Every path a `crate::` prefix starts in `text`, with `{a::b, c}` groups expanded.
fn crate_paths(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(i) = rest.find("crate::") {
        rest = &rest[i + "crate::".len()..];
        expand("", rest, &mut out);
    }
    out
}

fn expand(prefix: &str, text: &str, out: &mut Vec<String>) {
    let end = text
        .find(|c: char| !(c.is_alphanumeric() || c == '_' || c == ':'))
        .unwrap_or(text.len());
    let path = format!("{prefix}{}", &text[..end]);
    if text[end..].starts_with('{') {
        let mut depth = 0;
        let mut start = end + 1;
        for (i, c) in text[end..].char_indices() {
            let i = i + end;
            match c {
                '{' => depth += 1,
                '}' | ',' if depth == 1 => {
                    expand(&path, text[start..i].trim_start(), out);
                    start = i + 1;
                    if c == '}' {
                        return;
                    }
                }
                '}' => depth -= 1,
                _ => {}
            }
        }
    } else {
        out.push(path.trim_end_matches(':').to_string());
    }
}

fn graph() -> BTreeMap<String, BTreeSet<String>> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    sources(&src, &mut files);
    let texts: BTreeMap<String, String> = files
        .iter()
        .map(|f| {
            let text = std::fs::read_to_string(f).unwrap();
            let code = text.split("#[cfg(test)]").next().unwrap_or("").to_string();
            (module_name(&src, f), code)
        })
        .collect();
    let resolve = |path: &str| {
        let parts: Vec<&str> = path.split("::").collect();
        (1..=parts.len())
            .rev()
            .map(|n| parts[..n].join("::"))
            .find(|m| texts.contains_key(m))
    };
    texts
        .iter()
        .map(|(module, text)| {
            let deps = crate_paths(text)
                .iter()
                .filter(|p| !p.is_empty())
                .filter_map(|p| resolve(p))
                .filter(|d| d != module && !PENDING.contains(&(module.as_str(), d.as_str())))
                .collect();
            (module.clone(), deps)
        })
        .collect()
}

/// A cycle through `from`, if there is one (depth-first search).
fn cycle_from(g: &BTreeMap<String, BTreeSet<String>>, from: &str) -> Option<Vec<String>> {
    let mut stack = vec![(from.to_string(), vec![from.to_string()])];
    let mut seen = BTreeSet::new();
    while let Some((node, path)) = stack.pop() {
        for next in g.get(&node).into_iter().flatten() {
            if next == from {
                return Some([path.clone(), vec![next.clone()]].concat());
            }
            if seen.insert(next.clone()) {
                stack.push((next.clone(), [path.clone(), vec![next.clone()]].concat()));
            }
        }
    }
    None
}

#[test]
fn modules_import_each_other_without_a_cycle() {
    let g = graph();
    assert!(g.len() > 20, "the sources were not found");
    for module in g.keys() {
        if let Some(cycle) = cycle_from(&g, module) {
            panic!("import cycle: {}", cycle.join(" -> "));
        }
    }
}

#[test]
fn only_serve_imports_from_api() {
    for (module, deps) in graph() {
        if module == "api" || module.starts_with("api::") || module == "serve" {
            continue;
        }
        for dep in deps {
            assert!(
                dep != "api" && !dep.starts_with("api::"),
                "{module} imports {dep}: only `serve` mounts the API"
            );
        }
    }
}

#[test]
fn the_reader_sees_brace_groups() {
    let paths = crate_paths("use crate::{a::b, c::{d, e::f}};\nlet x = crate::g::h(1);");
    assert_eq!(paths, ["a::b", "c::d", "c::e::f", "g::h"]);
}

#[test]
fn no_service_crate_depends_on_axum() {
    let crates = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap();
    let mut checked = 0;
    for entry in std::fs::read_dir(crates).unwrap() {
        let dir = entry.unwrap().path();
        let name = dir.file_name().unwrap().to_string_lossy().into_owned();
        // The HTTP layer and the test harness that starts it may use axum.
        if name == "server" || name == "test-support" {
            continue;
        }
        let Ok(manifest) = std::fs::read_to_string(dir.join("Cargo.toml")) else {
            continue;
        };
        checked += 1;
        let mut section = String::new();
        for line in manifest.lines().map(str::trim) {
            if line.starts_with('[') {
                section = line.trim_matches(|c| c == '[' || c == ']').to_string();
                continue;
            }
            let runtime = section == "dependencies" || section.ends_with(".dependencies");
            assert!(
                !(runtime && line.starts_with("axum")),
                "crates/{name} depends on axum: service crates know nothing of HTTP"
            );
        }
    }
    assert!(checked >= 5, "the crates were not found");
}
