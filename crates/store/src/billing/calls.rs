//! Billable calls: authorization (money held on the wallet and free seconds reserved on the
//! packages, with the call row, in one transaction), answer and heartbeat, settlement (charge
//! split between operator and platform, package seconds spent, hold closed — one
//! transaction, once), and expiry of calls whose end never arrived.
use switchboard_domain::{CallId, CustomerId, HoldId, OperatorId, time::now_ms};

use super::operators::PackageSeconds;
use crate::{
    StoreResult, TenantStore,
    ledger::{Account, NewTransfer},
    on_db, on_tx,
};

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct CallRow {
    pub id: CallId,
    pub customer_id: CustomerId,
    pub operator_id: OperatorId,
    /// `authorized`, `answered`, `settled`, `unpaid` (ended after its hold was gone and the
    /// wallet could not pay) or `expired` (no end arrived; nothing charged).
    pub status: String,
    /// The tariff the call was rated with (JSON `CallTariff`), fixed at authorization.
    pub tariff: String,
    /// Package seconds reserved for this call (JSON `[{package_id, seconds}]`).
    pub reserved_packages: String,
    pub allowed_secs: i64,
    pub reserved_amount: i64,
    pub hold_id: Option<HoldId>,
    pub started_at: i64,
    pub answered_at: Option<i64>,
    pub ended_at: Option<i64>,
    pub expires_at: i64,
    pub duration_secs: Option<i64>,
    /// The settlement's rating (JSON `CallCharge`).
    pub charge: Option<String>,
    pub created_at: i64,
    pub updated_at: i64,
}

impl CallRow {
    pub fn reserved(&self) -> StoreResult<Vec<PackageSeconds>> {
        Ok(serde_json::from_str(&self.reserved_packages)?)
    }
    pub fn is_open(&self) -> bool {
        matches!(self.status.as_str(), "authorized" | "answered")
    }
}

pub struct NewCall<'a> {
    pub customer_id: CustomerId,
    pub operator_id: OperatorId,
    pub tariff_json: &'a str,
    pub wallet: &'a Account,
    pub reserve: i64,
    pub packages: &'a [PackageSeconds],
    pub allowed_secs: u32,
    pub started_at: i64,
    pub expires_at: i64,
}

/// What settling a call writes.
pub struct Settlement<'a> {
    pub wallet: &'a Account,
    pub duration_secs: u32,
    pub charge_json: &'a str,
    pub total: i64,
    pub operator_share: i64,
    pub platform_share: i64,
    pub used_packages: &'a [PackageSeconds],
    pub operator_account: &'a Account,
    pub platform_account: &'a Account,
}

const CALL_COLUMNS: &str = "id, customer_id, operator_id, status, tariff, reserved_packages, allowed_secs, reserved_amount, hold_id, started_at, answered_at, ended_at, expires_at, duration_secs, charge, created_at, updated_at";

impl TenantStore {
    pub async fn get_call(&self, id: CallId) -> StoreResult<CallRow> {
        let sql =
            format!("SELECT {CALL_COLUMNS} FROM billing_calls WHERE business_id = $1 AND id = $2");
        Ok(
            on_db!(&self.store.db, r, p => sqlx::query_as(sqlx::AssertSqlSafe(sql.as_str()))
                .bind(self.business_id)
                .bind(id)
                .fetch_one(p)
                .await)?,
        )
    }

    /// Opens a call: holds `reserve` on the wallet (conditional on the available balance) and
    /// reserves the package seconds. `None` when the wallet no longer covers the reserve;
    /// `Conflict` when another call took the free seconds first.
    pub async fn open_call(&self, n: NewCall<'_>) -> StoreResult<Option<CallRow>> {
        let id = CallId::new();
        let now = now_ms();
        let mut tx = self.store.begin().await?;
        let hold_id = if n.reserve > 0 {
            let held = on_tx!(&mut tx, c => sqlx::query(
                "UPDATE ledger_accounts SET held = held + $2 WHERE id = $1 AND business_id = $3 AND (allow_negative OR balance - held >= $2)")
                .bind(&n.wallet.id)
                .bind(n.reserve)
                .bind(self.business_id)
                .execute(&mut *c)
                .await
                .map(|r| r.rows_affected()))?;
            if held != 1 {
                return Ok(None);
            }
            let hold_id = HoldId::new();
            on_tx!(&mut tx, c => sqlx::query(
                "INSERT INTO ledger_holds (id, business_id, account_id, idempotency_key, amount, status, expires_at, created_at) VALUES ($1, $2, $3, $4, $5, 'open', $6, $7)")
                .bind(hold_id)
                .bind(self.business_id)
                .bind(&n.wallet.id)
                .bind(format!("call:{id}"))
                .bind(n.reserve)
                .bind(n.expires_at)
                .bind(now)
                .execute(&mut *c)
                .await
                .map(|r| r.rows_affected()))?;
            Some(hold_id)
        } else {
            None
        };
        self.reserve_package_seconds_tx(&mut tx, n.packages).await?;
        on_tx!(&mut tx, c => sqlx::query(
            "INSERT INTO billing_calls (id, business_id, customer_id, operator_id, status, tariff, reserved_packages, allowed_secs, reserved_amount, hold_id, started_at, expires_at, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, 'authorized', $5, $6, $7, $8, $9, $10, $11, $12, $12)")
            .bind(id)
            .bind(self.business_id)
            .bind(n.customer_id)
            .bind(n.operator_id)
            .bind(n.tariff_json)
            .bind(serde_json::to_string(n.packages)?)
            .bind(i64::from(n.allowed_secs))
            .bind(n.reserve)
            .bind(hold_id)
            .bind(n.started_at)
            .bind(n.expires_at)
            .bind(now)
            .execute(&mut *c)
            .await
            .map(|r| r.rows_affected()))?;
        tx.commit().await?;
        self.get_call(id).await.map(Some)
    }

    /// Marks an open call answered (first answer wins) and pushes its expiry.
    pub async fn call_answered(&self, id: CallId, now: i64, expires_at: i64) -> StoreResult<()> {
        on_db!(&self.store.db, w, p => sqlx::query(
            "UPDATE billing_calls SET status = 'answered', answered_at = COALESCE(answered_at, $3), updated_at = $3 WHERE business_id = $1 AND id = $2 AND status IN ('authorized', 'answered')")
            .bind(self.business_id)
            .bind(id)
            .bind(now)
            .execute(p)
            .await
            .map(|r| r.rows_affected()))?;
        // The call and its hold are extended together (the hold must outlive the call).
        self.push_call_expiry(id, expires_at).await
    }

    /// A heartbeat: the call is alive, so neither it nor its hold may expire before
    /// `expires_at`.
    pub async fn push_call_expiry(&self, id: CallId, expires_at: i64) -> StoreResult<()> {
        let mut tx = self.store.begin().await?;
        let hold: Option<Option<HoldId>> = on_tx!(&mut tx, c => sqlx::query_scalar(
            "UPDATE billing_calls SET expires_at = $3, updated_at = $4 WHERE business_id = $1 AND id = $2 AND status IN ('authorized', 'answered') AND expires_at < $3 RETURNING hold_id")
            .bind(self.business_id)
            .bind(id)
            .bind(expires_at)
            .bind(now_ms())
            .fetch_optional(&mut *c)
            .await)?;
        if let Some(Some(hold)) = hold {
            on_tx!(&mut tx, c => sqlx::query(
                "UPDATE ledger_holds SET expires_at = $3 WHERE business_id = $1 AND id = $2 AND status = 'open' AND expires_at < $3")
                .bind(self.business_id)
                .bind(hold)
                .bind(expires_at)
                .execute(&mut *c)
                .await
                .map(|r| r.rows_affected()))?;
        }
        tx.commit().await
    }

    /// Settles an open call once: closes its hold, charges `total` (never more than was
    /// held) split into the operator's and the platform's accounts, spends the used package
    /// seconds and frees the rest. A call no longer open is returned unchanged.
    pub async fn settle_call(&self, id: CallId, s: Settlement<'_>) -> StoreResult<CallRow> {
        let now = now_ms();
        let mut tx = self.store.begin().await?;
        let claimed: Option<(Option<HoldId>, String, CustomerId)> = on_tx!(&mut tx, c => sqlx::query_as(
            "UPDATE billing_calls SET status = 'settled', ended_at = $3, duration_secs = $4, charge = $5, updated_at = $3 \
             WHERE business_id = $1 AND id = $2 AND status IN ('authorized', 'answered') RETURNING hold_id, reserved_packages, customer_id")
            .bind(self.business_id)
            .bind(id)
            .bind(now)
            .bind(i64::from(s.duration_secs))
            .bind(s.charge_json)
            .fetch_optional(&mut *c)
            .await)?;
        let Some((hold_id, reserved, _customer)) = claimed else {
            drop(tx);
            return self.get_call(id).await;
        };
        let reserved: Vec<PackageSeconds> = serde_json::from_str(&reserved)?;
        let wallet_id = s.wallet.id.clone();
        let held: Option<i64> = match hold_id {
            Some(h) => on_tx!(&mut tx, c => sqlx::query_scalar(
                "UPDATE ledger_holds SET status = 'settled', closed_at = $3 WHERE id = $1 AND business_id = $2 AND status = 'open' RETURNING amount")
                .bind(h)
                .bind(self.business_id)
                .bind(now)
                .fetch_optional(&mut *c)
                .await)?,
            None => None,
        };
        let mut status = "settled";
        if s.total > 0 {
            let paid = match held {
                Some(held) if held >= s.total => {
                    on_tx!(&mut tx, c => sqlx::query("UPDATE ledger_accounts SET held = held - $2, balance = balance - $3 WHERE id = $1")
                        .bind(&wallet_id)
                        .bind(held)
                        .bind(s.total)
                        .execute(&mut *c)
                        .await
                        .map(|r| r.rows_affected()))?;
                    true
                }
                _ => {
                    // The hold is gone (expired) or too small: charge what the wallet holds
                    // now, all or nothing, never below zero.
                    if let Some(held) = held {
                        on_tx!(&mut tx, c => sqlx::query("UPDATE ledger_accounts SET held = held - $2 WHERE id = $1")
                            .bind(&wallet_id)
                            .bind(held)
                            .execute(&mut *c)
                            .await
                            .map(|r| r.rows_affected()))?;
                    }
                    let n = on_tx!(&mut tx, c => sqlx::query(
                        "UPDATE ledger_accounts SET balance = balance - $2 WHERE id = $1 AND (allow_negative OR balance - held >= $2)")
                        .bind(&wallet_id)
                        .bind(s.total)
                        .execute(&mut *c)
                        .await
                        .map(|r| r.rows_affected()))?;
                    n == 1
                }
            };
            let transfer_status = if paid { "posted" } else { "refused" };
            if !paid {
                status = "unpaid";
            }
            {
                let wallet = s.wallet;
                for (suffix, credit, amount) in [
                    ("operator", s.operator_account, s.operator_share),
                    ("platform", s.platform_account, s.platform_share),
                ] {
                    if amount <= 0 {
                        continue;
                    }
                    let key = format!("call:{id}:{suffix}");
                    let t = NewTransfer {
                        idempotency_key: &key,
                        kind: "call",
                        debit: wallet,
                        credit,
                        amount,
                        reason: "call settlement",
                    };
                    self.record_transfer_tx(
                        &mut tx,
                        &uuid::Uuid::now_v7().to_string(),
                        &t,
                        transfer_status,
                        now,
                    )
                    .await?;
                }
            }
        } else if let Some(held) = held {
            on_tx!(&mut tx, c => sqlx::query("UPDATE ledger_accounts SET held = held - $2 WHERE id = $1")
                .bind(&wallet_id)
                .bind(held)
                .execute(&mut *c)
                .await
                .map(|r| r.rows_affected()))?;
        }
        self.settle_package_seconds_tx(&mut tx, &reserved, s.used_packages)
            .await?;
        if status != "settled" {
            on_tx!(&mut tx, c => sqlx::query("UPDATE billing_calls SET status = $2 WHERE id = $1")
                .bind(id)
                .bind(status)
                .execute(&mut *c)
                .await
                .map(|r| r.rows_affected()))?;
        }
        tx.commit().await?;
        self.get_call(id).await
    }

    /// Gives up on an open call whose end never arrived: frees its hold and its package
    /// seconds and charges nothing. False when the call was not open.
    pub async fn expire_call(&self, id: CallId) -> StoreResult<bool> {
        let now = now_ms();
        let mut tx = self.store.begin().await?;
        let claimed: Option<(Option<HoldId>, String)> = on_tx!(&mut tx, c => sqlx::query_as(
            "UPDATE billing_calls SET status = 'expired', updated_at = $3 WHERE business_id = $1 AND id = $2 AND status IN ('authorized', 'answered') RETURNING hold_id, reserved_packages")
            .bind(self.business_id)
            .bind(id)
            .bind(now)
            .fetch_optional(&mut *c)
            .await)?;
        let Some((hold_id, reserved)) = claimed else {
            return Ok(false);
        };
        if let Some(h) = hold_id {
            let held: Option<(String, i64)> = on_tx!(&mut tx, c => sqlx::query_as(
                "UPDATE ledger_holds SET status = 'expired', closed_at = $3 WHERE id = $1 AND business_id = $2 AND status = 'open' RETURNING account_id, amount")
                .bind(h)
                .bind(self.business_id)
                .bind(now)
                .fetch_optional(&mut *c)
                .await)?;
            if let Some((account, amount)) = held {
                on_tx!(&mut tx, c => sqlx::query("UPDATE ledger_accounts SET held = held - $2 WHERE id = $1")
                    .bind(&account)
                    .bind(amount)
                    .execute(&mut *c)
                    .await
                    .map(|r| r.rows_affected()))?;
            }
        }
        let reserved: Vec<PackageSeconds> = serde_json::from_str(&reserved)?;
        self.settle_package_seconds_tx(&mut tx, &reserved, &[])
            .await?;
        tx.commit().await?;
        Ok(true)
    }
}
