//! The durable jobs table: enqueue (with idempotency keys and per-key ordering), claim (with
//! `FOR UPDATE SKIP LOCKED` on PostgreSQL, one atomic `UPDATE ... RETURNING` on SQLite's single
//! writer), complete, fail with retry or death, and listing for the API.
use serde::Serialize;
use switchboard_domain::BusinessId;

use crate::{Backend, Store, StoreError, StoreResult, Tx, on_db, on_tx};

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum JobStatus {
    Queued,
    Running,
    Done,
    Dead,
}

impl JobStatus {
    pub fn as_str(&self) -> &'static str {
        match self {
            JobStatus::Queued => "queued",
            JobStatus::Running => "running",
            JobStatus::Done => "done",
            JobStatus::Dead => "dead",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        [Self::Queued, Self::Running, Self::Done, Self::Dead]
            .into_iter()
            .find(|x| x.as_str() == s)
    }
}

crate::text_enum::text_enum!(JobStatus);

#[derive(Clone, Debug, Serialize)]
pub struct Job {
    pub id: i64,
    pub kind: String,
    pub payload: serde_json::Value,
    pub business_id: Option<BusinessId>,
    pub queue_key: Option<String>,
    pub idempotency_key: Option<String>,
    pub status: JobStatus,
    pub attempts: i32,
    pub max_attempts: i32,
    pub run_at: i64,
    pub last_error: Option<String>,
    pub created_at: i64,
    pub updated_at: i64,
    pub finished_at: Option<i64>,
}

#[derive(sqlx::FromRow)]
struct JobRow {
    id: i64,
    kind: String,
    payload: String,
    business_id: Option<BusinessId>,
    queue_key: Option<String>,
    idempotency_key: Option<String>,
    status: JobStatus,
    attempts: i32,
    max_attempts: i32,
    run_at: i64,
    last_error: Option<String>,
    created_at: i64,
    updated_at: i64,
    finished_at: Option<i64>,
}

impl TryFrom<JobRow> for Job {
    type Error = StoreError;
    fn try_from(r: JobRow) -> StoreResult<Self> {
        Ok(Job {
            id: r.id,
            kind: r.kind,
            payload: serde_json::from_str(&r.payload)?,
            business_id: r.business_id,
            queue_key: r.queue_key,
            idempotency_key: r.idempotency_key,
            status: r.status,
            attempts: r.attempts,
            max_attempts: r.max_attempts,
            run_at: r.run_at,
            last_error: r.last_error,
            created_at: r.created_at,
            updated_at: r.updated_at,
            finished_at: r.finished_at,
        })
    }
}

const COLUMNS: &str = "id, kind, payload, business_id, queue_key, idempotency_key, status, attempts, max_attempts, run_at, last_error, created_at, updated_at, finished_at";

/// A job to enqueue. Build with [`NewJob::new`] and the `with_*` methods.
#[derive(Clone, Debug)]
pub struct NewJob {
    pub kind: String,
    pub payload: serde_json::Value,
    pub business_id: Option<BusinessId>,
    /// Jobs sharing a key run one at a time, in enqueue order (e.g. one conversation).
    pub queue_key: Option<String>,
    /// A second enqueue with the same key returns the first job instead of adding one.
    pub idempotency_key: Option<String>,
    pub max_attempts: i32,
    pub run_at: Option<i64>,
}

impl NewJob {
    pub fn new(kind: &str, payload: serde_json::Value) -> Self {
        NewJob {
            kind: kind.to_string(),
            payload,
            business_id: None,
            queue_key: None,
            idempotency_key: None,
            max_attempts: 8,
            run_at: None,
        }
    }
    pub fn business(mut self, id: BusinessId) -> Self {
        self.business_id = Some(id);
        self
    }
    pub fn queue_key(mut self, key: impl Into<String>) -> Self {
        self.queue_key = Some(key.into());
        self
    }
    pub fn idempotency_key(mut self, key: impl Into<String>) -> Self {
        self.idempotency_key = Some(key.into());
        self
    }
    pub fn max_attempts(mut self, n: i32) -> Self {
        self.max_attempts = n.max(1);
        self
    }
    pub fn run_at(mut self, ms: i64) -> Self {
        self.run_at = Some(ms);
        self
    }
}

/// The outcome of an enqueue: the job id, and whether this call created it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Enqueued {
    pub id: i64,
    pub created: bool,
}

const INSERT: &str = "INSERT INTO jobs (kind, payload, business_id, queue_key, idempotency_key, status, attempts, max_attempts, run_at, created_at, updated_at) \
     VALUES ($1, $2, $3, $4, $5, 'queued', 0, $6, $7, $8, $8) ON CONFLICT (idempotency_key) DO NOTHING RETURNING id";

/// The head of each queue key only: a job waits while an older job with its key is unfinished,
/// that is, a keyed job is claimable when it is the oldest unfinished job of its key. The heads
/// come from one pass over the partial index `jobs_active_queue` (unfinished keyed jobs only),
/// not from a probe per candidate, so a long queue does not slow every claim down.
const CLAIM_WHERE: &str = "((j.status = 'queued' AND j.run_at <= $1) OR (j.status = 'running' AND j.locked_until < $1)) \
     AND (j.queue_key IS NULL OR j.id IN (SELECT MIN(o.id) FROM jobs o WHERE o.queue_key IS NOT NULL AND o.status IN ('queued', 'running') GROUP BY o.queue_key))";

impl Store {
    /// Enqueues in its own transaction.
    pub async fn enqueue(&self, job: NewJob) -> StoreResult<Enqueued> {
        let mut tx = self.begin().await?;
        let e = self.enqueue_tx(&mut tx, job).await?;
        tx.commit().await?;
        Ok(e)
    }

    /// Enqueues inside the caller's transaction, so the job exists exactly when the caller's
    /// writes do (the outbox pattern).
    pub async fn enqueue_tx(&self, tx: &mut Tx, job: NewJob) -> StoreResult<Enqueued> {
        let now = self.clock.now_ms();
        let payload = serde_json::to_string(&job.payload)?;
        let inserted: Option<i64> = on_tx!(tx, c => sqlx::query_scalar(INSERT)
            .bind(&job.kind)
            .bind(&payload)
            .bind(job.business_id)
            .bind(&job.queue_key)
            .bind(&job.idempotency_key)
            .bind(job.max_attempts)
            .bind(job.run_at.unwrap_or(now))
            .bind(now)
            .fetch_optional(&mut *c)
            .await)?;
        if let Some(id) = inserted {
            return Ok(Enqueued { id, created: true });
        }
        let id: i64 = on_tx!(tx, c => sqlx::query_scalar("SELECT id FROM jobs WHERE idempotency_key = $1")
            .bind(&job.idempotency_key)
            .fetch_one(&mut *c)
            .await)?;
        Ok(Enqueued { id, created: false })
    }

    /// Claims up to `limit` runnable jobs for `worker`, leasing them until `now + lease_ms`.
    /// A job whose lease ran out (its worker died) is runnable again.
    pub async fn claim_jobs(
        &self,
        worker: &str,
        limit: i64,
        lease_ms: i64,
    ) -> StoreResult<Vec<Job>> {
        let now = self.clock.now_ms();
        let lock = match self.backend() {
            Backend::Postgres => "FOR UPDATE SKIP LOCKED",
            Backend::Sqlite => "",
        };
        // A job whose worker vanished with every attempt used (a crash loop) is dead, not
        // reclaimed forever.
        on_db!(&self.db, w, p => sqlx::query(
            "UPDATE jobs SET status = 'dead', finished_at = $1, updated_at = $1, locked_until = NULL, \
             last_error = COALESCE(last_error, 'the worker running it vanished and its attempts are used up') \
             WHERE status = 'running' AND locked_until < $1 AND attempts >= max_attempts")
            .bind(now)
            .execute(p)
            .await
            .map(|r| r.rows_affected()))?;
        let sql = format!(
            "UPDATE jobs SET status = 'running', attempts = attempts + 1, locked_until = $2, locked_by = $3, updated_at = $1 \
             WHERE id IN (SELECT j.id FROM jobs j WHERE {CLAIM_WHERE} ORDER BY j.run_at, j.id LIMIT $4 {lock}) \
             RETURNING {COLUMNS}"
        );
        let rows: Vec<JobRow> = on_db!(&self.db, w, p => sqlx::query_as(sqlx::AssertSqlSafe(sql.as_str()))
            .bind(now)
            .bind(now + lease_ms)
            .bind(worker)
            .bind(limit)
            .fetch_all(p)
            .await)?;
        let mut jobs: Vec<Job> = rows
            .into_iter()
            .map(TryInto::try_into)
            .collect::<StoreResult<_>>()?;
        jobs.sort_by_key(|j| j.id);
        Ok(jobs)
    }

    /// Extends the lease of a job this worker still holds. False when the lease was lost.
    pub async fn extend_job_lease(
        &self,
        id: i64,
        worker: &str,
        lease_ms: i64,
    ) -> StoreResult<bool> {
        let n = on_db!(&self.db, w, p => sqlx::query(
            "UPDATE jobs SET locked_until = $3 WHERE id = $1 AND locked_by = $2 AND status = 'running'")
            .bind(id)
            .bind(worker)
            .bind(self.clock.now_ms() + lease_ms)
            .execute(p)
            .await
            .map(|r| r.rows_affected()))?;
        Ok(n == 1)
    }

    /// Marks a claimed job done. False when this worker no longer held it.
    pub async fn complete_job(&self, id: i64, worker: &str) -> StoreResult<bool> {
        let now = self.clock.now_ms();
        let n = on_db!(&self.db, w, p => sqlx::query(
            "UPDATE jobs SET status = 'done', locked_until = NULL, finished_at = $3, updated_at = $3, last_error = NULL \
             WHERE id = $1 AND locked_by = $2 AND status = 'running'")
            .bind(id)
            .bind(worker)
            .bind(now)
            .execute(p)
            .await
            .map(|r| r.rows_affected()))?;
        Ok(n == 1)
    }

    /// Puts a running job back in the queue until `run_at` without counting the attempt.
    pub async fn defer_job(&self, id: i64, worker: &str, run_at: i64) -> StoreResult<()> {
        on_db!(&self.db, w, p => sqlx::query(
            "UPDATE jobs SET status = 'queued', run_at = $3, locked_until = NULL, attempts = attempts - 1, updated_at = $4 \
             WHERE id = $1 AND locked_by = $2 AND status = 'running'")
            .bind(id)
            .bind(worker)
            .bind(run_at)
            .bind(self.clock.now_ms())
            .execute(p)
            .await
            .map(|r| r.rows_affected()))?;
        Ok(())
    }

    /// Records a failure: the job runs again at `retry_at`, or is dead when `retry_at` is
    /// `None` or its attempts are used up. Returns the new status.
    pub async fn fail_job(
        &self,
        id: i64,
        worker: &str,
        error: &str,
        retry_at: Option<i64>,
    ) -> StoreResult<JobStatus> {
        let now = self.clock.now_ms();
        let error: String = error.chars().take(2000).collect();
        let status: Option<JobStatus> = on_db!(&self.db, w, p => sqlx::query_scalar(
            "UPDATE jobs SET \
               status = CASE WHEN $4 IS NULL OR attempts >= max_attempts THEN 'dead' ELSE 'queued' END, \
               run_at = COALESCE($4, run_at), locked_until = NULL, last_error = $3, updated_at = $5, \
               finished_at = CASE WHEN $4 IS NULL OR attempts >= max_attempts THEN $5 ELSE NULL END \
             WHERE id = $1 AND locked_by = $2 AND status = 'running' RETURNING status")
            .bind(id)
            .bind(worker)
            .bind(&error)
            .bind(retry_at)
            .bind(now)
            .fetch_optional(p)
            .await)?;
        status.ok_or(StoreError::NotFound)
    }

    pub async fn get_job(&self, id: i64) -> StoreResult<Job> {
        let sql = format!("SELECT {COLUMNS} FROM jobs WHERE id = $1");
        let row: JobRow = on_db!(&self.db, r, p => sqlx::query_as(sqlx::AssertSqlSafe(sql.as_str())).bind(id).fetch_one(p).await)?;
        row.try_into()
    }

    /// Jobs of a business (or all, for the platform admin) by status, newest first.
    pub async fn list_jobs(
        &self,
        business: Option<BusinessId>,
        status: Option<JobStatus>,
        before: Option<i64>,
        limit: i64,
    ) -> StoreResult<Vec<Job>> {
        let sql = format!(
            "SELECT {COLUMNS} FROM jobs WHERE ($1 IS NULL OR business_id = $1) AND ($2 IS NULL OR status = $2) \
             AND ($3 IS NULL OR id < $3) ORDER BY id DESC LIMIT $4"
        );
        let rows: Vec<JobRow> = on_db!(&self.db, r, p => sqlx::query_as(sqlx::AssertSqlSafe(sql.as_str()))
            .bind(business)
            .bind(status)
            .bind(before)
            .bind(limit)
            .fetch_all(p)
            .await)?;
        rows.into_iter().map(TryInto::try_into).collect()
    }

    /// Puts a dead job back in the queue for another round of attempts.
    pub async fn retry_dead_job(&self, id: i64, business: Option<BusinessId>) -> StoreResult<Job> {
        let n = on_db!(&self.db, w, p => sqlx::query(
            "UPDATE jobs SET status = 'queued', attempts = 0, run_at = $2, finished_at = NULL, updated_at = $2 \
             WHERE id = $1 AND status = 'dead' AND ($3 IS NULL OR business_id = $3)")
            .bind(id)
            .bind(self.clock.now_ms())
            .bind(business)
            .execute(p)
            .await
            .map(|r| r.rows_affected()))?;
        if n == 0 {
            return Err(StoreError::NotFound);
        }
        self.get_job(id).await
    }

    /// Counts of jobs by status, for metrics.
    pub async fn job_counts(&self) -> StoreResult<Vec<(String, i64)>> {
        let rows: Vec<(String, i64)> = on_db!(&self.db, r, p => sqlx::query_as(
            "SELECT status, COUNT(*) FROM jobs WHERE status IN ('queued', 'running', 'dead') GROUP BY status")
            .fetch_all(p)
            .await)?;
        Ok(rows)
    }

    /// How many jobs are runnable right now (for drains and readiness of tests).
    pub async fn runnable_jobs(&self) -> StoreResult<i64> {
        let sql = format!("SELECT COUNT(*) FROM jobs j WHERE {CLAIM_WHERE}");
        let n: i64 = on_db!(&self.db, r, p => sqlx::query_scalar(sqlx::AssertSqlSafe(sql.as_str())).bind(self.clock.now_ms()).fetch_one(p).await)?;
        Ok(n)
    }
}
