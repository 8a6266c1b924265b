//! Storage errors, classified so the server can map them to stable API codes.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("not found")]
    NotFound,
    /// A unique constraint refused the write (duplicate slug, email, idempotency key...).
    #[error("conflict: {0}")]
    Conflict(String),
    /// The calendar time asked for is already booked or held.
    #[error("that time is no longer free")]
    SlotTaken,
    /// The request does not fit the record's current state (cancel a completed appointment...).
    #[error("{0}")]
    Invalid(String),
    #[error("invalid stored data: {0}")]
    Corrupt(String),
    #[error("unsupported database url: {0}")]
    UnsupportedUrl(String),
    /// The database could not be opened; `target` names the file or host (never a password).
    #[error("cannot open the database ({target}): {reason}")]
    Connect { target: String, reason: String },
    #[error(transparent)]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error("database error: {0}")]
    Db(sqlx::Error),
}

pub type StoreResult<T> = Result<T, StoreError>;

impl From<sqlx::Error> for StoreError {
    fn from(e: sqlx::Error) -> Self {
        match e {
            sqlx::Error::RowNotFound => StoreError::NotFound,
            sqlx::Error::Database(ref db) if db.is_unique_violation() => {
                StoreError::Conflict(db.constraint().unwrap_or(db.message()).to_string())
            }
            other => StoreError::Db(other),
        }
    }
}

impl From<serde_json::Error> for StoreError {
    fn from(e: serde_json::Error) -> Self {
        StoreError::Corrupt(e.to_string())
    }
}

pub(crate) fn parse_id<T: std::str::FromStr>(s: &str) -> StoreResult<T> {
    s.parse()
        .map_err(|_| StoreError::Corrupt(format!("bad id `{s}`")))
}
