//! PostgreSQL test databases are dropped when their `TestDb` goes, also when the test panics.
//! Skipped (with a note) unless `TEST_DATABASE_URL` names a PostgreSQL server.
#![allow(clippy::unwrap_used, clippy::expect_used)]
use sqlx::{Connection, PgConnection};
use switchboard_test_support::db;

async fn exists(base: &str, url: &str) -> bool {
    let name = url.rsplit('/').next().unwrap_or_default();
    let name = name.split('?').next().unwrap_or_default().to_string();
    let mut conn = PgConnection::connect(base).await.unwrap();
    let n: i64 = sqlx::query_scalar("SELECT count(*) FROM pg_database WHERE datname = $1")
        .bind(name)
        .fetch_one(&mut conn)
        .await
        .unwrap();
    n == 1
}

#[tokio::test]
async fn a_postgres_test_database_is_dropped_with_its_handle() {
    let Some(base) = db::postgres_base_url() else {
        eprintln!("skipped: TEST_DATABASE_URL is not set");
        return;
    };
    let test_db = db::fresh_postgres(&base).await;
    let url = test_db.url.clone();
    // A connection the test still holds does not keep the database alive.
    let held = PgConnection::connect(&url).await.unwrap();
    assert!(exists(&base, &url).await);
    drop(test_db);
    assert!(!exists(&base, &url).await);
    drop(held);
}

#[tokio::test]
async fn a_postgres_test_database_is_dropped_when_the_test_panics() {
    let Some(base) = db::postgres_base_url() else {
        eprintln!("skipped: TEST_DATABASE_URL is not set");
        return;
    };
    let test_db = db::fresh_postgres(&base).await;
    let url = test_db.url.clone();
    let panicked = std::thread::spawn(move || {
        let _owned = test_db;
        panic!("a failing test");
    })
    .join();
    assert!(panicked.is_err());
    assert!(!exists(&base, &url).await);
}
