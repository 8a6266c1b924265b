//! Id newtypes bind and decode directly in sqlx (TEXT holding the UUID text) on both backends.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use sqlx::{Connection, PgConnection, SqliteConnection};
use switchboard_domain::{AppointmentId, BusinessId};
use switchboard_test_support::db;

#[tokio::test]
async fn sqlite_id_round_trips_as_uuid_text() {
    let mut c = SqliteConnection::connect("sqlite::memory:").await.unwrap();
    let id = BusinessId::new();
    let (back, text): (BusinessId, String) = sqlx::query_as("SELECT $1, $1")
        .bind(id)
        .fetch_one(&mut c)
        .await
        .unwrap();
    assert_eq!(back, id);
    assert_eq!(text, id.to_string());
}

#[tokio::test]
async fn sqlite_malformed_id_text_fails_to_decode() {
    let mut c = SqliteConnection::connect("sqlite::memory:").await.unwrap();
    let r: Result<(AppointmentId,), _> = sqlx::query_as("SELECT 'not-a-uuid'")
        .fetch_one(&mut c)
        .await;
    assert!(r.is_err());
}

#[tokio::test]
async fn postgres_id_round_trips_as_text() {
    let Some(base) = db::postgres_base_url() else {
        return;
    };
    let mut c = PgConnection::connect(&base).await.unwrap();
    let id = AppointmentId::new();
    let (back, text): (AppointmentId, String) = sqlx::query_as("SELECT $1::text, $1::text")
        .bind(id)
        .fetch_one(&mut c)
        .await
        .unwrap();
    assert_eq!(back, id);
    assert_eq!(text, id.to_string());
}
