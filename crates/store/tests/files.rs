//! The SQLite files hold customers' messages and sealed secrets: they are private to the
//! service's user whatever the umask (PostgreSQL keeps its own files, so this is SQLite only).
#![allow(clippy::unwrap_used, clippy::expect_used)]
#![cfg(unix)]

use std::{os::unix::fs::PermissionsExt, path::Path};

use switchboard_store::Store;

fn mode(p: &Path) -> u32 {
    std::fs::metadata(p).unwrap().permissions().mode() & 0o777
}

#[tokio::test]
async fn sqlite_database_wal_shm_are_0600_and_a_new_folder_0700() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("data").join("nested");
    let db = dir.join("switchboard.db");
    let store = Store::connect(&format!("sqlite:{}", db.display()))
        .await
        .unwrap();
    store.migrate().await.unwrap();
    for f in ["switchboard.db", "switchboard.db-wal", "switchboard.db-shm"] {
        let p = dir.join(f);
        assert!(p.exists(), "{f} exists while the database is open");
        assert_eq!(mode(&p), 0o600, "{f}");
    }
    assert_eq!(mode(&dir), 0o700);
    assert_eq!(mode(&tmp.path().join("data")), 0o700);
    store.close().await;
}

#[tokio::test]
async fn a_database_named_by_a_file_uri_is_private_and_leaves_no_stray_file() {
    let tmp = tempfile::tempdir().unwrap();
    let db = tmp.path().join("uri.db");
    let store = Store::connect(&format!("sqlite:file:{}?mode=rwc", db.display()))
        .await
        .unwrap();
    store.migrate().await.unwrap();
    for f in ["uri.db", "uri.db-wal", "uri.db-shm"] {
        let p = tmp.path().join(f);
        assert!(p.exists(), "{f} exists while the database is open");
        assert_eq!(mode(&p), 0o600, "{f}");
    }
    assert!(
        !Path::new("file:").exists(),
        "no `file:` folder in the working directory"
    );
    store.close().await;
}

#[tokio::test]
async fn a_path_through_a_new_folder_and_back_leaves_the_existing_folder_alone() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::set_permissions(tmp.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
    let db = format!("sqlite:{}/new/../back.db", tmp.path().display());
    let store = Store::connect(&db).await.unwrap();
    store.migrate().await.unwrap();
    assert_eq!(
        mode(tmp.path()),
        0o755,
        "a folder we did not create keeps its mode"
    );
    assert_eq!(mode(&tmp.path().join("new")), 0o700);
    assert_eq!(mode(&tmp.path().join("back.db")), 0o600);
    store.close().await;
}

#[tokio::test]
async fn an_existing_readable_sqlite_database_is_made_private_on_open() {
    let tmp = tempfile::tempdir().unwrap();
    let db = tmp.path().join("old.db");
    std::fs::write(&db, b"").unwrap();
    std::fs::set_permissions(&db, std::fs::Permissions::from_mode(0o644)).unwrap();
    let store = Store::connect(&format!("sqlite:{}", db.display()))
        .await
        .unwrap();
    store.migrate().await.unwrap();
    assert_eq!(mode(&db), 0o600);
    store.close().await;
}

#[tokio::test]
async fn an_unopenable_sqlite_file_error_names_the_path() {
    let tmp = tempfile::tempdir().unwrap();
    // A folder where the database file should be: it cannot be opened as a file.
    let db = tmp.path().join("is-a-folder.db");
    std::fs::create_dir(&db).unwrap();
    let err = Store::connect(&format!("sqlite:{}", db.display()))
        .await
        .unwrap_err();
    let text = err.to_string();
    assert!(text.contains("is-a-folder.db"), "{text}");
}
