//! Holds on ledger accounts: reserve funds before a call starts, extend while it runs, then
//! settle (charge what was used and free the rest), release, or let the sweeper expire holds
//! whose end never arrived. Reserving is the same conditional update as a debit, on `held`.
use serde::Serialize;
use switchboard_domain::{AccountId, HoldId, TransferId};

use crate::{
    StoreError, StoreResult, TenantStore,
    ledger::{Account, NewTransfer, Transfer},
    on_db, on_tx,
};

#[derive(Clone, Debug, Serialize, sqlx::FromRow)]
pub struct Hold {
    pub id: HoldId,
    pub account_id: AccountId,
    pub idempotency_key: String,
    /// Minor units currently reserved.
    pub amount: i64,
    /// `open`, `settled`, `released` or `expired`.
    pub status: String,
    pub expires_at: i64,
    pub created_at: i64,
    pub closed_at: Option<i64>,
}

const HOLD_COLUMNS: &str =
    "id, account_id, idempotency_key, amount, status, expires_at, created_at, closed_at";

impl TenantStore {
    async fn hold_by_key(&self, key: &str) -> StoreResult<Option<Hold>> {
        let sql = format!(
            "SELECT {HOLD_COLUMNS} FROM ledger_holds WHERE business_id = $1 AND idempotency_key = $2"
        );
        Ok(
            on_db!(&self.store.db, r, p => sqlx::query_as(sqlx::AssertSqlSafe(sql.as_str()))
            .bind(self.business_id)
            .bind(key)
            .fetch_optional(p)
            .await)?,
        )
    }

    pub async fn get_hold(&self, id: HoldId) -> StoreResult<Hold> {
        let sql =
            format!("SELECT {HOLD_COLUMNS} FROM ledger_holds WHERE business_id = $1 AND id = $2");
        Ok(
            on_db!(&self.store.db, r, p => sqlx::query_as(sqlx::AssertSqlSafe(sql.as_str()))
            .bind(self.business_id)
            .bind(id)
            .fetch_one(p)
            .await)?,
        )
    }

    /// Reserves `amount` on `account` until `expires_at`, once per key. `None` when the
    /// available balance does not cover it (nothing is reserved).
    pub async fn reserve(
        &self,
        key: &str,
        account: &Account,
        amount: i64,
        expires_at: i64,
    ) -> StoreResult<Option<Hold>> {
        if amount <= 0 {
            return Err(StoreError::Corrupt("a hold needs a positive amount".into()));
        }
        if let Some(h) = self.hold_by_key(key).await? {
            return Ok(Some(h));
        }
        let id = HoldId::new();
        let mut tx = self.store.begin().await?;
        let n = on_tx!(&mut tx, c => sqlx::query(
            "UPDATE ledger_accounts SET held = held + $2 WHERE id = $1 AND business_id = $3 AND (allow_negative OR balance - held >= $2)")
            .bind(account.id)
            .bind(amount)
            .bind(self.business_id)
            .execute(&mut *c)
            .await
            .map(|r| r.rows_affected()))?;
        if n == 0 {
            return Ok(None);
        }
        on_tx!(&mut tx, c => sqlx::query(
            "INSERT INTO ledger_holds (id, business_id, account_id, idempotency_key, amount, status, expires_at, created_at) VALUES ($1, $2, $3, $4, $5, 'open', $6, $7)")
            .bind(id)
            .bind(self.business_id)
            .bind(account.id)
            .bind(key)
            .bind(amount)
            .bind(expires_at)
            .bind(self.store.clock.now_ms())
            .execute(&mut *c)
            .await
            .map(|r| r.rows_affected()))?;
        tx.commit().await?;
        self.get_hold(id).await.map(Some)
    }

    /// Adds `more` to an open hold and pushes its expiry. False when the balance does not
    /// cover it or the hold is no longer open.
    pub async fn extend_hold(&self, hold: &Hold, more: i64, expires_at: i64) -> StoreResult<bool> {
        let mut tx = self.store.begin().await?;
        let n = on_tx!(&mut tx, c => sqlx::query(
            "UPDATE ledger_holds SET amount = amount + $3, expires_at = $4 WHERE id = $1 AND business_id = $2 AND status = 'open'")
            .bind(hold.id)
            .bind(self.business_id)
            .bind(more.max(0))
            .bind(expires_at)
            .execute(&mut *c)
            .await
            .map(|r| r.rows_affected()))?;
        if n == 0 {
            return Ok(false);
        }
        let n = on_tx!(&mut tx, c => sqlx::query(
            "UPDATE ledger_accounts SET held = held + $2 WHERE id = $1 AND (allow_negative OR balance - held >= $2)")
            .bind(hold.account_id)
            .bind(more.max(0))
            .execute(&mut *c)
            .await
            .map(|r| r.rows_affected()))?;
        if n == 0 {
            return Ok(false); // dropped: the transaction rolls back
        }
        tx.commit().await?;
        Ok(true)
    }

    /// Closes an open hold as `status`, freeing its reservation. False if it was not open.
    async fn close_hold(&self, hold_id: HoldId, status: &str) -> StoreResult<Option<Hold>> {
        let mut tx = self.store.begin().await?;
        let held: Option<(AccountId, i64)> = on_tx!(&mut tx, c => sqlx::query_as(
            "UPDATE ledger_holds SET status = $3, closed_at = $4 WHERE id = $1 AND business_id = $2 AND status = 'open' RETURNING account_id, amount")
            .bind(hold_id)
            .bind(self.business_id)
            .bind(status)
            .bind(self.store.clock.now_ms())
            .fetch_optional(&mut *c)
            .await)?;
        let Some((account, amount)) = held else {
            return Ok(None);
        };
        on_tx!(&mut tx, c => sqlx::query("UPDATE ledger_accounts SET held = held - $2 WHERE id = $1")
            .bind(account)
            .bind(amount)
            .execute(&mut *c)
            .await
            .map(|r| r.rows_affected()))?;
        tx.commit().await?;
        self.get_hold(hold_id).await.map(Some)
    }

    pub async fn release_hold(&self, hold: &Hold) -> StoreResult<bool> {
        Ok(self.close_hold(hold.id, "released").await?.is_some())
    }

    /// Settles a hold in one transaction: closes it, frees its reservation and charges
    /// `amount` (capped at what was held) to `credit` under `key`. A second settle returns the
    /// first transfer and changes nothing.
    pub async fn settle_hold(
        &self,
        hold: &Hold,
        key: &str,
        credit: &Account,
        amount: i64,
        kind: &str,
    ) -> StoreResult<Option<Transfer>> {
        if let Some(first) = self.transfer_by_key(key).await? {
            return Ok(Some(first));
        }
        let debit = self.get_account(hold.account_id).await?;
        let now = self.store.clock.now_ms();
        let mut tx = self.store.begin().await?;
        let held: Option<i64> = on_tx!(&mut tx, c => sqlx::query_scalar(
            "UPDATE ledger_holds SET status = 'settled', closed_at = $3 WHERE id = $1 AND business_id = $2 AND status = 'open' RETURNING amount")
            .bind(hold.id)
            .bind(self.business_id)
            .bind(now)
            .fetch_optional(&mut *c)
            .await)?;
        let Some(held) = held else {
            return Ok(None); // Not open any more: released, expired or settled under another key.
        };
        let charge = amount.clamp(0, held);
        on_tx!(&mut tx, c => sqlx::query("UPDATE ledger_accounts SET held = held - $2, balance = balance - $3 WHERE id = $1")
            .bind(debit.id)
            .bind(held)
            .bind(charge)
            .execute(&mut *c)
            .await
            .map(|r| r.rows_affected()))?;
        if charge > 0 {
            let t = NewTransfer {
                idempotency_key: key,
                kind,
                debit: &debit,
                credit,
                amount: charge,
                reason: "settlement",
            };
            self.record_transfer_tx(&mut tx, TransferId::new(), &t, "posted", now)
                .await?;
        }
        tx.commit().await?;
        self.transfer_by_key(key).await
    }

    /// Expires open holds whose end never arrived; returns how many. Run by a periodic job.
    pub async fn expire_holds(&self, now: i64) -> StoreResult<usize> {
        let ids: Vec<HoldId> = on_db!(&self.store.db, r, p => sqlx::query_scalar(
            "SELECT id FROM ledger_holds WHERE business_id = $1 AND status = 'open' AND expires_at <= $2")
            .bind(self.business_id)
            .bind(now)
            .fetch_all(p)
            .await)?;
        let mut n = 0;
        for id in ids {
            if self.close_hold(id, "expired").await?.is_some() {
                n += 1;
            }
        }
        Ok(n)
    }
}
