//! Migration parity: both migration folders, applied to fresh databases, give the same tables,
//! columns (name, nullability, type family), indexes, primary keys, foreign keys, unique and
//! check constraints. PostgreSQL is compared when `TEST_DATABASE_URL` names a server; without
//! it the SQLite side is still migrated and read, and the comparison is skipped with a note.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "parity/schema.rs"]
mod schema;

use schema::{Schema, Table};
use switchboard_store::Store;
use switchboard_test_support::db;

/// Differences that are intended, each with its reason. An entry that no longer occurs fails
/// the test too, so the list cannot go stale. Empty today: the folders agree on every point
/// compared (booleans are `BOOLEAN` on both; ids are `TEXT` or `BIGINT` on both).
const ALLOWED: &[(&str, &str)] = &[];

async fn migrated(test_db: &db::TestDb) {
    let store = Store::connect(&test_db.url).await.unwrap();
    store.migrate().await.unwrap();
}

fn diff_tables(name: &str, s: &Table, p: &Table, out: &mut Vec<String>) {
    for (col, def) in &s.columns {
        match p.columns.get(col) {
            None => out.push(format!("{name}.{col}: column only on sqlite")),
            Some(pdef) if pdef != def => {
                out.push(format!("{name}.{col}: sqlite {def:?} vs postgres {pdef:?}"))
            }
            Some(_) => {}
        }
    }
    for col in p.columns.keys().filter(|c| !s.columns.contains_key(*c)) {
        out.push(format!("{name}.{col}: column only on postgres"));
    }
    if s.primary_key != p.primary_key {
        out.push(format!(
            "{name}: primary key sqlite {:?} vs postgres {:?}",
            s.primary_key, p.primary_key
        ));
    }
    for (idx, def) in &s.indexes {
        match p.indexes.get(idx) {
            None => out.push(format!("{name}: index {idx} only on sqlite")),
            Some(pdef) if pdef != def => out.push(format!(
                "{name}: index {idx} sqlite {def:?} vs postgres {pdef:?}"
            )),
            Some(_) => {}
        }
    }
    for idx in p.indexes.keys().filter(|i| !s.indexes.contains_key(*i)) {
        out.push(format!("{name}: index {idx} only on postgres"));
    }
    for u in s.unique.symmetric_difference(&p.unique) {
        let side = if s.unique.contains(u) {
            "sqlite"
        } else {
            "postgres"
        };
        out.push(format!("{name}: unique {u:?} only on {side}"));
    }
    for fk in s.foreign_keys.symmetric_difference(&p.foreign_keys) {
        let side = if s.foreign_keys.contains(fk) {
            "sqlite"
        } else {
            "postgres"
        };
        out.push(format!("{name}: foreign key {fk:?} only on {side}"));
    }
    if s.checks != p.checks {
        out.push(format!(
            "{name}: {} checks on sqlite vs {} on postgres",
            s.checks, p.checks
        ));
    }
    for c in s.check_names.symmetric_difference(&p.check_names) {
        let side = if s.check_names.contains(c) {
            "sqlite"
        } else {
            "postgres"
        };
        out.push(format!("{name}: check {c} only on {side}"));
    }
}

fn differences(sqlite: &Schema, postgres: &Schema) -> Vec<String> {
    let mut out = Vec::new();
    for (name, s) in sqlite {
        match postgres.get(name) {
            None => out.push(format!("{name}: table only on sqlite")),
            Some(p) => diff_tables(name, s, p, &mut out),
        }
    }
    for name in postgres.keys().filter(|n| !sqlite.contains_key(*n)) {
        out.push(format!("{name}: table only on postgres"));
    }
    out
}

#[tokio::test]
async fn both_migration_folders_build_the_same_schema() {
    let lite = db::fresh_sqlite();
    migrated(&lite).await;
    let sqlite = schema::sqlite(&lite.url).await;
    assert!(sqlite.len() > 10, "the SQLite schema was read: {sqlite:?}");
    let Some(base) = db::postgres_base_url() else {
        eprintln!("skipped the comparison: TEST_DATABASE_URL does not name a PostgreSQL server");
        return;
    };
    let pg = db::fresh_postgres(&base).await;
    migrated(&pg).await;
    let postgres = schema::postgres(&pg.url).await;
    let found = differences(&sqlite, &postgres);
    let unexpected: Vec<&String> = found
        .iter()
        .filter(|d| !ALLOWED.iter().any(|(a, _)| a == d))
        .collect();
    let stale: Vec<&str> = ALLOWED
        .iter()
        .map(|(a, _)| *a)
        .filter(|a| !found.iter().any(|d| d == a))
        .collect();
    assert!(
        unexpected.is_empty() && stale.is_empty(),
        "the migration folders drifted:\n{}\nallowed but no longer found:\n{}",
        unexpected
            .iter()
            .map(|d| format!("  {d}"))
            .collect::<Vec<_>>()
            .join("\n"),
        stale.join("\n")
    );
}

#[test]
fn type_families_ignore_spelling() {
    assert_eq!(schema::family("BIGINT"), schema::family("bigserial"));
    assert_eq!(schema::family("TEXT"), schema::family("character varying"));
    assert_ne!(schema::family("TEXT"), schema::family("bigint"));
}

#[test]
fn a_drifted_column_and_a_missing_index_are_reported() {
    let mut sqlite = Schema::new();
    let mut t = Table::default();
    t.columns.insert("note".into(), ("text".into(), true));
    t.indexes.insert(
        "notes_by_note".into(),
        schema::Index {
            columns: vec!["note".into()],
            unique: false,
            partial: false,
        },
    );
    sqlite.insert("notes".into(), t);
    let mut postgres = Schema::new();
    let mut t = Table::default();
    t.columns.insert("note".into(), ("text".into(), false));
    postgres.insert("notes".into(), t);
    assert_eq!(
        differences(&sqlite, &postgres),
        [
            "notes.note: sqlite (\"text\", true) vs postgres (\"text\", false)",
            "notes: index notes_by_note only on sqlite"
        ]
    );
}
