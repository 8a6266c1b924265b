//! Fresh databases for tests: a new SQLite file in a temporary folder always, or a new
//! PostgreSQL database on the server named by `TEST_DATABASE_URL` when it is set. Either is
//! removed when its [`TestDb`] is dropped, also when the test panics.
use sqlx::{Connection, Executor, PgConnection};

/// A database for one test. Keeps the SQLite folder alive as long as it lives; drops the
/// PostgreSQL database when it goes (set `TEST_KEEP_DB=1` to keep it for a post-mortem).
pub struct TestDb {
    pub url: String,
    pub backend: &'static str,
    _dir: Option<tempfile::TempDir>,
    /// `(server URL, database name)` of a PostgreSQL database this value created.
    postgres: Option<(String, String)>,
}

/// The `TEST_DATABASE_URL` if it names a PostgreSQL server.
pub fn postgres_base_url() -> Option<String> {
    std::env::var("TEST_DATABASE_URL")
        .ok()
        .filter(|u| u.starts_with("postgres://") || u.starts_with("postgresql://"))
}

/// A new, empty database: PostgreSQL when `TEST_DATABASE_URL` is set, SQLite otherwise.
pub async fn fresh() -> TestDb {
    match postgres_base_url() {
        Some(base) => fresh_postgres(&base).await,
        None => fresh_sqlite(),
    }
}

pub fn fresh_sqlite() -> TestDb {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("temp dir: {e}"));
    let url = format!("sqlite:{}", dir.path().join("test.db").display());
    TestDb {
        url,
        backend: "sqlite",
        _dir: Some(dir),
        postgres: None,
    }
}

/// Creates `sb_test_<random>` on the server of `base` and returns its URL.
pub async fn fresh_postgres(base: &str) -> TestDb {
    let name = format!("sb_test_{}", uuid::Uuid::new_v4().simple());
    let mut conn = PgConnection::connect(base)
        .await
        .unwrap_or_else(|e| panic!("cannot reach TEST_DATABASE_URL: {e}"));
    conn.execute(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
        .await
        .unwrap_or_else(|e| panic!("create database {name}: {e}"));
    let _ = conn.close().await;
    let mut url = url_with_db(base, &name);
    if url.is_empty() {
        url = base.to_string();
    }
    TestDb {
        url,
        backend: "postgres",
        _dir: None,
        postgres: Some((base.to_string(), name)),
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        let Some((base, name)) = self.postgres.take() else {
            return;
        };
        if std::env::var_os("TEST_KEEP_DB").is_some() {
            eprintln!("TEST_KEEP_DB: kept database {name}");
            return;
        }
        // Drop is synchronous and usually runs inside the test's runtime, which cannot be
        // blocked on: drop the database from a thread with a runtime of its own. FORCE ends
        // the connections the test's pool may still hold.
        let dropped = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .map_err(|e| e.to_string())?;
            runtime.block_on(drop_postgres(&base, &name))
        })
        .join();
        match dropped {
            Ok(Ok(())) => {}
            Ok(Err(e)) => eprintln!("could not drop a test database: {e}"),
            Err(_) => eprintln!("could not drop a test database: the dropping thread panicked"),
        }
    }
}

async fn drop_postgres(base: &str, name: &str) -> Result<(), String> {
    let mut conn = PgConnection::connect(base)
        .await
        .map_err(|e| e.to_string())?;
    let sql = format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)");
    let result = conn.execute(sqlx::AssertSqlSafe(sql)).await;
    let _ = conn.close().await;
    result.map(drop).map_err(|e| format!("{name}: {e}"))
}

fn url_with_db(base: &str, db: &str) -> String {
    let (head, query) = match base.split_once('?') {
        Some((h, q)) => (h, Some(q)),
        None => (base, None),
    };
    // postgres://user@host:port/dbname -> replace the path segment after the authority.
    let scheme_end = head.find("://").map(|i| i + 3).unwrap_or(0);
    let path_start = head[scheme_end..]
        .find('/')
        .map(|i| scheme_end + i)
        .unwrap_or(head.len());
    let mut url = format!("{}/{db}", &head[..path_start]);
    if let Some(q) = query {
        url.push('?');
        url.push_str(q);
    }
    url
}

#[cfg(test)]
mod tests {
    #[test]
    fn replaces_database_name() {
        assert_eq!(
            super::url_with_db("postgres://postgres@127.0.0.1:5432/postgres", "x"),
            "postgres://postgres@127.0.0.1:5432/x"
        );
        assert_eq!(
            super::url_with_db("postgres://u:p@h/db?sslmode=disable", "y"),
            "postgres://u:p@h/y?sslmode=disable"
        );
        assert_eq!(super::url_with_db("postgres://h", "z"), "postgres://h/z");
    }
}
