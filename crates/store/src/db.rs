//! Pools, transactions and migrations for both backends.
use std::{str::FromStr, time::Duration};

use sqlx::{
    PgPool, Postgres, Sqlite, SqlitePool, Transaction,
    postgres::PgPoolOptions,
    sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous},
};

use crate::{StoreError, StoreResult, events::EventBus};
use switchboard_domain::time::Clock;

static SQLITE_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/sqlite");
static POSTGRES_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/postgres");

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// A pool on one of the two backends. SQLite has one writer connection (SQLite allows one
/// writer at a time; queuing writers in-process avoids `SQLITE_BUSY` under load) and a pool of
/// readers; PostgreSQL uses one pool for both.
#[derive(Clone, Debug)]
pub enum Db {
    Sqlite { write: SqlitePool, read: SqlitePool },
    Postgres(PgPool),
}

/// Runs the same expression against whichever pool a [`Db`] holds. `w` picks the writer, `r`
/// a reader.
#[macro_export]
macro_rules! on_db {
    ($db:expr, w, $p:ident => $body:expr) => {
        match $db {
            $crate::Db::Sqlite { write: $p, .. } => $body,
            $crate::Db::Postgres($p) => $body,
        }
    };
    ($db:expr, r, $p:ident => $body:expr) => {
        match $db {
            $crate::Db::Sqlite { read: $p, .. } => $body,
            $crate::Db::Postgres($p) => $body,
        }
    };
}

/// Runs the same expression against a transaction's connection, whatever the backend.
#[macro_export]
macro_rules! on_tx {
    ($tx:expr, $c:ident => $body:expr) => {
        match $tx {
            $crate::Tx::Sqlite(t) => {
                let $c: &mut sqlx::SqliteConnection = &mut *t;
                $body
            }
            $crate::Tx::Postgres(t) => {
                let $c: &mut sqlx::PgConnection = &mut *t;
                $body
            }
        }
    };
}

/// An open transaction on either backend.
pub enum Tx {
    Sqlite(Transaction<'static, Sqlite>),
    Postgres(Transaction<'static, Postgres>),
}

impl Tx {
    pub async fn commit(self) -> StoreResult<()> {
        match self {
            Tx::Sqlite(t) => t.commit().await?,
            Tx::Postgres(t) => t.commit().await?,
        }
        Ok(())
    }

    pub fn backend(&self) -> Backend {
        match self {
            Tx::Sqlite(_) => Backend::Sqlite,
            Tx::Postgres(_) => Backend::Postgres,
        }
    }
}

/// The storage handle shared by the whole application. Cheap to clone.
#[derive(Clone)]
pub struct Store {
    pub db: Db,
    pub events: EventBus,
    url_redacted: String,
    /// Decides job leases and due times, hold expiries and other deadlines.
    pub(crate) clock: Clock,
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store")
            .field("url", &self.url_redacted)
            .finish()
    }
}

/// Hides the password of a database URL for logs.
pub fn redact_url(url: &str) -> String {
    match url::Url::parse(url) {
        Ok(mut u) if u.password().is_some() => {
            let _ = u.set_password(Some("***"));
            u.to_string()
        }
        _ => url.to_string(),
    }
}

/// The database file of a SQLite URL, or `None` for an in-memory database.
fn on_disk(url: &str, opts: &SqliteConnectOptions) -> Option<std::path::PathBuf> {
    let f = opts.get_filename();
    let memory = f.as_os_str().is_empty() || f == std::path::Path::new(":memory:");
    // A `file:` URI is SQLite's to resolve: creating its text as a path would leave a stray
    // `file:...` file behind. Its real file is made private once open (`opened_file`).
    let uri = f.to_string_lossy().starts_with("file:");
    (!memory && !uri && !url.contains("mode=memory")).then(|| f.to_path_buf())
}

/// The file SQLite actually opened for the main database (empty for memory databases).
async fn opened_file(pool: &SqlitePool) -> Option<std::path::PathBuf> {
    let rows: Vec<(i64, String, String)> = sqlx::query_as("PRAGMA database_list")
        .fetch_all(pool)
        .await
        .ok()?;
    rows.into_iter()
        .find(|(_, name, _)| name == "main")
        .map(|(_, _, file)| std::path::PathBuf::from(file))
        .filter(|f| !f.as_os_str().is_empty())
}

/// Names what could not be opened (the file, or host, port and database; never the password)
/// so the operator sees which setting to fix.
fn connect_error(url: &str, e: sqlx::Error) -> StoreError {
    let target = match url::Url::parse(url) {
        Ok(u) if u.scheme().starts_with("postgres") => format!(
            "PostgreSQL at {}:{} database `{}`",
            u.host_str().unwrap_or("localhost"),
            u.port().unwrap_or(5432),
            u.path().trim_start_matches('/')
        ),
        _ => redact_url(url),
    };
    StoreError::Connect {
        target,
        reason: e.to_string(),
    }
}

impl Store {
    /// Connects by URL scheme: `sqlite:` (a file, created if missing) or `postgres:` /
    /// `postgresql:`. Anything else is refused. Does not migrate: see [`Store::migrate`].
    pub async fn connect(url: &str) -> StoreResult<Self> {
        let db = if url.starts_with("sqlite:") {
            let opts = SqliteConnectOptions::from_str(url)
                .map_err(|e| StoreError::UnsupportedUrl(format!("{}: {e}", redact_url(url))))?;
            let file = on_disk(url, &opts);
            if let Some(f) = &file {
                crate::files::prepare_private(f).map_err(|e| StoreError::Connect {
                    target: f.display().to_string(),
                    reason: e.to_string(),
                })?;
            }
            let opts = opts
                .create_if_missing(true)
                .journal_mode(SqliteJournalMode::Wal)
                .synchronous(SqliteSynchronous::Normal)
                .foreign_keys(true)
                .busy_timeout(Duration::from_secs(10));
            let write = SqlitePoolOptions::new()
                .max_connections(1)
                .acquire_timeout(Duration::from_secs(30))
                .connect_with(opts.clone())
                .await
                .map_err(|e| connect_error(url, e))?;
            let read = SqlitePoolOptions::new()
                .max_connections(8)
                .acquire_timeout(Duration::from_secs(30))
                .connect_with(opts)
                .await
                .map_err(|e| connect_error(url, e))?;
            // Whatever form the URL took, the file SQLite opened (and its -wal/-shm) is private.
            if let Some(f) = opened_file(&write).await.or(file) {
                crate::files::tighten(&f).map_err(|e| StoreError::Connect {
                    target: f.display().to_string(),
                    reason: e.to_string(),
                })?;
            }
            Db::Sqlite { write, read }
        } else if url.starts_with("postgres:") || url.starts_with("postgresql:") {
            // The pool retries a failing connection until its acquire timeout and then
            // reports only "timed out"; one direct attempt first gives the real cause at once
            // (refused, unknown host, wrong password).
            use sqlx::Connection;
            let first =
                tokio::time::timeout(Duration::from_secs(10), sqlx::PgConnection::connect(url))
                    .await
                    .map_err(|_| connect_error(url, sqlx::Error::PoolTimedOut))?
                    .map_err(|e| connect_error(url, e))?;
            let _ = first.close().await;
            let pool = PgPoolOptions::new()
                .max_connections(20)
                .acquire_timeout(Duration::from_secs(30))
                .connect(url)
                .await
                .map_err(|e| connect_error(url, e))?;
            Db::Postgres(pool)
        } else {
            return Err(StoreError::UnsupportedUrl(format!(
                "`{}`: use sqlite:<path> or postgres://...",
                redact_url(url)
            )));
        };
        let events = EventBus::new(&db);
        Ok(Store {
            db,
            events,
            url_redacted: redact_url(url),
            clock: Clock::system(),
        })
    }

    /// The same store reading time from `clock` (tests move a manual clock instead of
    /// sleeping out leases and expiries).
    pub fn with_clock(mut self, clock: Clock) -> Self {
        self.clock = clock;
        self
    }

    /// The clock this store decides deadlines by.
    pub fn clock(&self) -> &Clock {
        &self.clock
    }

    pub fn backend(&self) -> Backend {
        match self.db {
            Db::Sqlite { .. } => Backend::Sqlite,
            Db::Postgres(_) => Backend::Postgres,
        }
    }

    fn migrator(&self) -> &'static sqlx::migrate::Migrator {
        match self.backend() {
            Backend::Sqlite => &SQLITE_MIGRATIONS,
            Backend::Postgres => &POSTGRES_MIGRATIONS,
        }
    }

    /// Applies the embedded migrations of this backend. Safe to run from several processes.
    pub async fn migrate(&self) -> StoreResult<()> {
        let m = self.migrator();
        on_db!(&self.db, w, p => m.run(p).await?);
        Ok(())
    }

    /// True when the database answers and every embedded migration is applied.
    pub async fn ready(&self) -> StoreResult<bool> {
        let expected = self
            .migrator()
            .iter()
            .filter(|m| m.migration_type.is_up_migration())
            .count() as i64;
        let applied: Result<i64, sqlx::Error> = on_db!(&self.db, r, p => {
            sqlx::query_scalar("SELECT COUNT(*) FROM _sqlx_migrations WHERE success = TRUE")
                .fetch_one(p)
                .await
        });
        match applied {
            Ok(n) => Ok(n >= expected),
            Err(sqlx::Error::Database(_)) => Ok(false),
            Err(e) => Err(e.into()),
        }
    }

    /// Begins a write transaction.
    pub async fn begin(&self) -> StoreResult<Tx> {
        Ok(match &self.db {
            Db::Sqlite { write, .. } => Tx::Sqlite(write.begin().await?),
            Db::Postgres(p) => Tx::Postgres(p.begin().await?),
        })
    }

    pub async fn close(&self) {
        match &self.db {
            Db::Sqlite { write, read } => {
                read.close().await;
                write.close().await;
            }
            Db::Postgres(p) => p.close().await,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_connection_error_names_the_host_and_database_but_not_the_password() {
        let e = connect_error(
            "postgres://app:s3cret-pw@db.internal:6543/switchboard",
            sqlx::Error::PoolTimedOut,
        );
        let text = e.to_string();
        assert!(text.contains("db.internal:6543"), "{text}");
        assert!(text.contains("`switchboard`"), "{text}");
        assert!(!text.contains("s3cret-pw"), "{text}");
    }

    #[tokio::test]
    async fn an_unreachable_postgres_is_reported_at_once_with_its_cause() {
        // Port 1 on loopback: nothing listens, so the connection is refused.
        let started = std::time::Instant::now();
        let e = Store::connect("postgres://app:s3cret-pw@127.0.0.1:1/switchboard")
            .await
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(started.elapsed() < Duration::from_secs(5), "{e}");
        assert!(e.contains("127.0.0.1:1"), "{e}");
        assert!(e.to_lowercase().contains("refused"), "{e}");
        assert!(!e.contains("s3cret-pw"), "{e}");
    }
}
