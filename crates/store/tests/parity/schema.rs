//! A backend-neutral picture of a migrated schema, read from SQLite's pragmas and from
//! PostgreSQL's catalogs, so the two migration folders can be compared.
use std::collections::{BTreeMap, BTreeSet};

use sqlx::{Connection, PgConnection, Row, SqliteConnection};

/// Tables by name.
pub type Schema = BTreeMap<String, Table>;

#[derive(Debug, Default, PartialEq, Eq)]
pub struct Table {
    /// Column name -> (type family, nullable).
    pub columns: BTreeMap<String, (String, bool)>,
    pub primary_key: Vec<String>,
    /// Indexes created by `CREATE [UNIQUE] INDEX`, by name.
    pub indexes: BTreeMap<String, Index>,
    /// Column lists of `UNIQUE` table or column constraints.
    pub unique: BTreeSet<Vec<String>>,
    /// `(columns, referenced table, referenced columns, on delete)`.
    pub foreign_keys: BTreeSet<(Vec<String>, String, Vec<String>, String)>,
    /// How many `CHECK` constraints the table has, and the names given to them explicitly.
    pub checks: usize,
    pub check_names: BTreeSet<String>,
}

#[derive(Debug, PartialEq, Eq)]
pub struct Index {
    /// Column names in order; `<expr>` for an expression.
    pub columns: Vec<String>,
    pub unique: bool,
    pub partial: bool,
}

/// The family of a declared type: what a value of it can hold, not how it is spelt.
pub fn family(declared: &str) -> String {
    let t = declared.to_ascii_lowercase();
    let f = match t.as_str() {
        "bigint" | "integer" | "int" | "smallint" | "bigserial" | "serial" | "int8" | "int4" => {
            "integer"
        }
        "text" | "character varying" | "varchar" => "text",
        "boolean" | "bool" => "boolean",
        "blob" | "bytea" => "bytes",
        "real" | "double precision" | "float" => "float",
        "json" | "jsonb" => "json",
        "uuid" => "uuid",
        other => other,
    };
    f.to_string()
}

const SKIP: &str = "_sqlx_migrations";

pub async fn sqlite(url: &str) -> Schema {
    let mut c = SqliteConnection::connect(url).await.unwrap();
    let tables: Vec<(String, String)> = sqlx::query_as(
        "SELECT name, sql FROM sqlite_master WHERE type = 'table' \
         AND name NOT LIKE 'sqlite_%' AND name <> ?",
    )
    .bind(SKIP)
    .fetch_all(&mut c)
    .await
    .unwrap();
    let mut schema = Schema::new();
    for (name, sql) in tables {
        let mut t = Table::default();
        let cols = sqlx::query("SELECT name, type, \"notnull\", pk FROM pragma_table_info(?)")
            .bind(&name)
            .fetch_all(&mut c)
            .await
            .unwrap();
        let mut pk: Vec<(i64, String)> = Vec::new();
        for r in cols {
            let col: String = r.get(0);
            let ty: String = r.get(1);
            let pk_pos: i64 = r.get(3);
            // A primary key column cannot hold NULL on PostgreSQL; SQLite's pragma says
            // nullable for INTEGER PRIMARY KEY, which is the rowid and is never NULL either.
            let nullable = r.get::<i64, _>(2) == 0 && pk_pos == 0;
            if pk_pos > 0 {
                pk.push((pk_pos, col.clone()));
            }
            t.columns.insert(col, (family(&ty), nullable));
        }
        pk.sort();
        t.primary_key = pk.into_iter().map(|(_, c)| c).collect();
        let indexes =
            sqlx::query("SELECT name, \"unique\", origin, partial FROM pragma_index_list(?)")
                .bind(&name)
                .fetch_all(&mut c)
                .await
                .unwrap();
        for r in indexes {
            let index: String = r.get(0);
            let origin: String = r.get(2);
            let columns: Vec<Option<String>> =
                sqlx::query_scalar("SELECT name FROM pragma_index_info(?) ORDER BY seqno")
                    .bind(&index)
                    .fetch_all(&mut c)
                    .await
                    .unwrap();
            let columns: Vec<String> = columns
                .into_iter()
                .map(|c| c.unwrap_or_else(|| "<expr>".into()))
                .collect();
            match origin.as_str() {
                "pk" => {}
                "u" => {
                    t.unique.insert(columns);
                }
                _ => {
                    let idx = Index {
                        columns,
                        unique: r.get::<i64, _>(1) == 1,
                        partial: r.get::<i64, _>(3) == 1,
                    };
                    t.indexes.insert(index, idx);
                }
            }
        }
        let fks = sqlx::query(
            "SELECT id, \"table\", \"from\", \"to\", on_delete FROM pragma_foreign_key_list(?) \
             ORDER BY id, seq",
        )
        .bind(&name)
        .fetch_all(&mut c)
        .await
        .unwrap();
        let mut by_id: BTreeMap<i64, (Vec<String>, String, Vec<String>, String)> = BTreeMap::new();
        for r in fks {
            let e = by_id.entry(r.get(0)).or_default();
            e.1 = r.get(1);
            e.0.push(r.get(2));
            // `REFERENCES t` without columns means t's primary key; the pragma leaves it NULL.
            e.2.push(r.get::<Option<String>, _>(3).unwrap_or_default());
            e.3 = r.get::<String, _>(4).to_ascii_uppercase();
        }
        t.foreign_keys = by_id.into_values().collect();
        let upper = sql.to_ascii_uppercase();
        t.checks = upper.matches("CHECK (").count() + upper.matches("CHECK(").count();
        t.check_names = named_checks(&sql);
        schema.insert(name, t);
    }
    // Fill in implicit referenced columns (the referenced table's primary key).
    let pks: BTreeMap<String, Vec<String>> = schema
        .iter()
        .map(|(n, t)| (n.clone(), t.primary_key.clone()))
        .collect();
    for t in schema.values_mut() {
        t.foreign_keys = std::mem::take(&mut t.foreign_keys)
            .into_iter()
            .map(|(from, table, to, del)| {
                let to = if to.iter().all(String::is_empty) {
                    pks.get(&table).cloned().unwrap_or(to)
                } else {
                    to
                };
                (from, table, to, del)
            })
            .collect();
    }
    schema
}

/// `CONSTRAINT name CHECK` clauses in a table's SQL.
fn named_checks(sql: &str) -> BTreeSet<String> {
    let words: Vec<&str> = sql.split_whitespace().collect();
    words
        .windows(3)
        .filter(|w| {
            w[0].eq_ignore_ascii_case("constraint")
                && w[2].to_ascii_uppercase().starts_with("CHECK")
        })
        .map(|w| w[1].to_string())
        .collect()
}

pub async fn postgres(url: &str) -> Schema {
    let mut c = PgConnection::connect(url).await.unwrap();
    let tables: Vec<String> = sqlx::query_scalar(
        "SELECT table_name::text FROM information_schema.tables \
         WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' AND table_name <> $1",
    )
    .bind(SKIP)
    .fetch_all(&mut c)
    .await
    .unwrap();
    let mut schema = Schema::new();
    for name in tables {
        let mut t = Table::default();
        let cols = sqlx::query(
            "SELECT column_name::text, data_type::text, is_nullable::text \
             FROM information_schema.columns WHERE table_schema = current_schema() \
             AND table_name = $1",
        )
        .bind(&name)
        .fetch_all(&mut c)
        .await
        .unwrap();
        for r in cols {
            let nullable = r.get::<String, _>(2) == "YES";
            t.columns
                .insert(r.get(0), (family(&r.get::<String, _>(1)), nullable));
        }
        // Every index with its columns in order and the constraint it backs, if any.
        let indexes = sqlx::query(
            "SELECT i.relname::text, x.indisunique, x.indpred IS NOT NULL, \
                    COALESCE(con.contype::text, ''), \
                    ARRAY(SELECT COALESCE(a.attname::text, '<expr>') \
                          FROM unnest(x.indkey) WITH ORDINALITY AS k(attnum, n) \
                          LEFT JOIN pg_attribute a ON a.attrelid = x.indrelid AND a.attnum = k.attnum \
                          ORDER BY k.n) \
             FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid \
             JOIN pg_class tb ON tb.oid = x.indrelid \
             LEFT JOIN pg_constraint con ON con.conindid = x.indexrelid AND con.contype IN ('p', 'u') \
             WHERE tb.relname = $1 AND tb.relnamespace = current_schema()::regnamespace",
        )
        .bind(&name)
        .fetch_all(&mut c)
        .await
        .unwrap();
        for r in indexes {
            let columns: Vec<String> = r.get(4);
            match r.get::<String, _>(3).as_str() {
                "p" => t.primary_key = columns,
                "u" => {
                    t.unique.insert(columns);
                }
                _ => {
                    let idx = Index {
                        columns,
                        unique: r.get(1),
                        partial: r.get(2),
                    };
                    t.indexes.insert(r.get(0), idx);
                }
            }
        }
        let cons = sqlx::query(
            "SELECT con.conname::text, con.contype::text, ref.relname::text, con.confdeltype::text, \
                    ARRAY(SELECT a.attname::text FROM unnest(con.conkey) WITH ORDINALITY AS k(n, o) \
                          JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.n ORDER BY k.o), \
                    ARRAY(SELECT a.attname::text FROM unnest(con.confkey) WITH ORDINALITY AS k(n, o) \
                          JOIN pg_attribute a ON a.attrelid = con.confrelid AND a.attnum = k.n ORDER BY k.o) \
             FROM pg_constraint con JOIN pg_class tb ON tb.oid = con.conrelid \
             LEFT JOIN pg_class ref ON ref.oid = con.confrelid \
             WHERE tb.relname = $1 AND tb.relnamespace = current_schema()::regnamespace \
               AND con.contype IN ('f', 'c')",
        )
        .bind(&name)
        .fetch_all(&mut c)
        .await
        .unwrap();
        for r in cons {
            let conname: String = r.get(0);
            if r.get::<String, _>(1) == "c" {
                t.checks += 1;
                // PostgreSQL names unnamed checks `<table>_<column>_check` or `<table>_check`.
                if !conname.ends_with("_check") {
                    t.check_names.insert(conname);
                }
                continue;
            }
            let on_delete = match r.get::<String, _>(3).as_str() {
                "c" => "CASCADE",
                "n" => "SET NULL",
                "d" => "SET DEFAULT",
                "r" => "RESTRICT",
                _ => "NO ACTION",
            };
            t.foreign_keys.insert((
                r.get(4),
                r.get::<Option<String>, _>(2).unwrap_or_default(),
                r.get(5),
                on_delete.to_string(),
            ));
        }
        schema.insert(name, t);
    }
    schema
}
