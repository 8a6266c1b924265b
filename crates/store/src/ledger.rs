//! The ledger's storage: accounts whose balances move only through transfers, each transfer
//! two postings that sum to zero. A debit is one conditional update (`balance - held` must cover
//! the amount) inside the transfer's transaction, so no wallet goes below zero under any
//! concurrency. Every transfer carries an idempotency key from the business fact: a retry
//! returns the first outcome, and a refusal is recorded so it stays refused.
use serde::Serialize;
use switchboard_domain::time::now_ms;

use crate::{StoreError, StoreResult, TenantStore, Tx, on_db, on_tx};

/// Kinds of ledger accounts.
pub mod kind {
    pub const CUSTOMER_WALLET: &str = "customer_wallet";
    pub const OPERATOR_EARNINGS: &str = "operator_earnings";
    pub const PLATFORM_REVENUE: &str = "platform_revenue";
    pub const PAYMENT_CLEARING: &str = "payment_clearing";
    pub const PROMOTIONS: &str = "promotions";
    pub const EXPIRY_WRITEOFF: &str = "expiry_writeoff";

    /// Accounts that fund others and may run negative (money enters the system through them).
    pub fn is_source(kind: &str) -> bool {
        matches!(kind, PAYMENT_CLEARING | PROMOTIONS)
    }
}

#[derive(Clone, Debug, Serialize, sqlx::FromRow)]
pub struct Account {
    pub id: String,
    pub kind: String,
    /// The customer or operator the account belongs to; empty for business-wide accounts.
    pub owner_id: String,
    pub currency: String,
    /// Minor units.
    pub balance: i64,
    /// Reserved by open holds, not spendable.
    pub held: i64,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum TransferOutcome {
    Posted,
    /// Not enough available balance; recorded, and final for this key.
    Refused,
}

#[derive(Clone, Debug, Serialize, sqlx::FromRow)]
pub struct Transfer {
    pub id: String,
    pub idempotency_key: String,
    pub kind: String,
    /// `posted` or `refused`.
    pub status: String,
    pub debit_account: String,
    pub credit_account: String,
    pub amount: i64,
    pub currency: String,
    pub reason: String,
    pub created_at: i64,
}

impl Transfer {
    pub fn outcome(&self) -> TransferOutcome {
        if self.status == "posted" {
            TransferOutcome::Posted
        } else {
            TransferOutcome::Refused
        }
    }
}

/// A transfer to make.
pub struct NewTransfer<'a> {
    pub idempotency_key: &'a str,
    pub kind: &'a str,
    pub debit: &'a Account,
    pub credit: &'a Account,
    pub amount: i64,
    pub reason: &'a str,
}

const ACCOUNT_COLUMNS: &str = "id, kind, owner_id, currency, balance, held";
const TRANSFER_COLUMNS: &str = "id, idempotency_key, kind, status, debit_account, credit_account, amount, currency, reason, created_at";

impl TenantStore {
    /// The account of `kind` for `owner` in `currency`, created on first use.
    pub async fn ledger_account(
        &self,
        kind: &str,
        owner: &str,
        currency: &str,
    ) -> StoreResult<Account> {
        let sql = format!(
            "SELECT {ACCOUNT_COLUMNS} FROM ledger_accounts WHERE business_id = $1 AND kind = $2 AND owner_id = $3 AND currency = $4"
        );
        let find = || async {
            on_db!(&self.store.db, r, p => sqlx::query_as::<_, Account>(sqlx::AssertSqlSafe(sql.as_str()))
                .bind(self.business_id)
                .bind(kind)
                .bind(owner)
                .bind(currency)
                .fetch_optional(p)
                .await)
        };
        if let Some(a) = find().await? {
            return Ok(a);
        }
        on_db!(&self.store.db, w, p => sqlx::query(
            "INSERT INTO ledger_accounts (id, business_id, kind, owner_id, currency, allow_negative, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7) \
             ON CONFLICT (business_id, kind, owner_id, currency) DO NOTHING")
            .bind(uuid::Uuid::now_v7().to_string())
            .bind(self.business_id)
            .bind(kind)
            .bind(owner)
            .bind(currency)
            .bind(self::kind::is_source(kind))
            .bind(now_ms())
            .execute(p)
            .await
            .map(|r| r.rows_affected()))?;
        find().await?.ok_or(StoreError::NotFound)
    }

    pub async fn get_account(&self, id: &str) -> StoreResult<Account> {
        let sql = format!(
            "SELECT {ACCOUNT_COLUMNS} FROM ledger_accounts WHERE id = $1 AND business_id = $2"
        );
        Ok(
            on_db!(&self.store.db, r, p => sqlx::query_as(sqlx::AssertSqlSafe(sql.as_str()))
            .bind(id)
            .bind(self.business_id)
            .fetch_one(p)
            .await)?,
        )
    }

    pub async fn transfer_by_key(&self, key: &str) -> StoreResult<Option<Transfer>> {
        let sql = format!(
            "SELECT {TRANSFER_COLUMNS} FROM ledger_transfers WHERE business_id = $1 AND idempotency_key = $2"
        );
        Ok(
            on_db!(&self.store.db, r, p => sqlx::query_as(sqlx::AssertSqlSafe(sql.as_str()))
            .bind(self.business_id)
            .bind(key)
            .fetch_optional(p)
            .await)?,
        )
    }

    /// Moves `amount` (> 0) from `debit` to `credit`, once per idempotency key.
    pub async fn transfer(&self, t: NewTransfer<'_>) -> StoreResult<Transfer> {
        self.transfer_audited(t, None).await
    }

    /// [`transfer`](Self::transfer) that also writes `audit` in the same transaction, so a
    /// staff adjustment and its audit entry exist together or not at all (a replay of the same
    /// key writes neither again). The entry's details get the transfer's `status`.
    pub async fn transfer_audited(
        &self,
        t: NewTransfer<'_>,
        audit: Option<crate::audit::AuditRecord>,
    ) -> StoreResult<Transfer> {
        if t.amount <= 0 || t.debit.currency != t.credit.currency || t.debit.id == t.credit.id {
            return Err(StoreError::Corrupt(
                "a transfer needs a positive amount between two accounts of one currency".into(),
            ));
        }
        if let Some(first) = self.transfer_by_key(t.idempotency_key).await? {
            return Ok(first);
        }
        match self.try_transfer(&t, audit).await {
            // The same key raced us and won: its outcome is the outcome.
            Err(StoreError::Conflict(_)) => self
                .transfer_by_key(t.idempotency_key)
                .await?
                .ok_or(StoreError::NotFound),
            other => other,
        }
    }

    async fn try_transfer(
        &self,
        t: &NewTransfer<'_>,
        audit: Option<crate::audit::AuditRecord>,
    ) -> StoreResult<Transfer> {
        let now = now_ms();
        let id = uuid::Uuid::now_v7().to_string();
        let mut tx = self.store.begin().await?;
        if let Tx::Postgres(c) = &mut tx {
            // Lock both rows in id order, so two transfers between the same accounts in
            // opposite directions (a manual debit and a welcome credit) cannot deadlock.
            sqlx::query(
                "SELECT id FROM ledger_accounts WHERE id IN ($1, $2) ORDER BY id FOR UPDATE",
            )
            .bind(&t.debit.id)
            .bind(&t.credit.id)
            .fetch_all(&mut **c)
            .await?;
        }
        let debited = on_tx!(&mut tx, c => sqlx::query(
            "UPDATE ledger_accounts SET balance = balance - $2 WHERE id = $1 AND business_id = $3 AND (allow_negative OR balance - held >= $2)")
            .bind(&t.debit.id)
            .bind(t.amount)
            .bind(self.business_id)
            .execute(&mut *c)
            .await
            .map(|r| r.rows_affected()))?;
        let status = if debited == 1 { "posted" } else { "refused" };
        self.record_transfer_tx(&mut tx, &id, t, status, now)
            .await?;
        if let Some(mut rec) = audit {
            if let Some(details) = rec.details.as_object_mut() {
                details.insert("transfer_id".into(), id.clone().into());
                details.insert("status".into(), status.into());
            }
            self.store.audit_tx(&mut tx, rec).await?;
        }
        tx.commit().await?;
        self.transfer_by_key(t.idempotency_key)
            .await?
            .ok_or(StoreError::NotFound)
    }

    /// Writes a transfer row and, when posted, credits the other side and appends the two
    /// postings. The debit side has already been applied by the caller in the same
    /// transaction (a conditional debit, or a settlement out of a hold).
    pub(crate) async fn record_transfer_tx(
        &self,
        tx: &mut Tx,
        id: &str,
        t: &NewTransfer<'_>,
        status: &str,
        now: i64,
    ) -> StoreResult<()> {
        on_tx!(tx, c => sqlx::query(
            "INSERT INTO ledger_transfers (id, business_id, idempotency_key, kind, status, debit_account, credit_account, amount, currency, reason, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)")
            .bind(id)
            .bind(self.business_id)
            .bind(t.idempotency_key)
            .bind(t.kind)
            .bind(status)
            .bind(&t.debit.id)
            .bind(&t.credit.id)
            .bind(t.amount)
            .bind(&t.debit.currency)
            .bind(t.reason)
            .bind(now)
            .execute(&mut *c)
            .await
            .map(|r| r.rows_affected()))?;
        if status != "posted" {
            return Ok(());
        }
        on_tx!(tx, c => sqlx::query("UPDATE ledger_accounts SET balance = balance + $2 WHERE id = $1")
            .bind(&t.credit.id)
            .bind(t.amount)
            .execute(&mut *c)
            .await
            .map(|r| r.rows_affected()))?;
        for (account, amount) in [(&t.debit.id, -t.amount), (&t.credit.id, t.amount)] {
            on_tx!(tx, c => sqlx::query(
                "INSERT INTO ledger_postings (id, transfer_id, account_id, amount, created_at) VALUES ($1, $2, $3, $4, $5)")
                .bind(uuid::Uuid::now_v7().to_string())
                .bind(id)
                .bind(account)
                .bind(amount)
                .bind(now)
                .execute(&mut *c)
                .await
                .map(|r| r.rows_affected()))?;
        }
        Ok(())
    }

    /// Debits `total` from `debit` once (conditional on its available balance) and credits
    /// it to several accounts, all in one transaction: each part is its own transfer, keyed
    /// `key` for the first part and `key#n` for the others. A retry returns the first
    /// outcome; a refusal (recorded for every part) stays refused. Parts of 0 are skipped.
    pub async fn transfer_split(
        &self,
        key: &str,
        kind: &str,
        debit: &Account,
        parts: &[(&Account, i64)],
        reason: &str,
    ) -> StoreResult<TransferOutcome> {
        let parts: Vec<(&Account, i64)> = parts.iter().copied().filter(|(_, a)| *a > 0).collect();
        let total: i64 = parts.iter().map(|(_, a)| *a).sum();
        if parts.is_empty()
            || parts
                .iter()
                .any(|(c, _)| c.currency != debit.currency || c.id == debit.id)
        {
            return Err(StoreError::Corrupt(
                "a split transfer needs positive parts in the debit's currency".into(),
            ));
        }
        if let Some(first) = self.transfer_by_key(key).await? {
            return Ok(first.outcome());
        }
        let attempt = async {
            let now = now_ms();
            let mut tx = self.store.begin().await?;
            let debited = on_tx!(&mut tx, c => sqlx::query(
                "UPDATE ledger_accounts SET balance = balance - $2 WHERE id = $1 AND business_id = $3 AND (allow_negative OR balance - held >= $2)")
                .bind(&debit.id)
                .bind(total)
                .bind(self.business_id)
                .execute(&mut *c)
                .await
                .map(|r| r.rows_affected()))?;
            let status = if debited == 1 { "posted" } else { "refused" };
            for (i, (credit, amount)) in parts.iter().enumerate() {
                let k = if i == 0 {
                    key.to_string()
                } else {
                    format!("{key}#{i}")
                };
                let t = NewTransfer {
                    idempotency_key: &k,
                    kind,
                    debit,
                    credit,
                    amount: *amount,
                    reason,
                };
                self.record_transfer_tx(
                    &mut tx,
                    &uuid::Uuid::now_v7().to_string(),
                    &t,
                    status,
                    now,
                )
                .await?;
            }
            tx.commit().await?;
            Ok::<_, StoreError>(if debited == 1 {
                TransferOutcome::Posted
            } else {
                TransferOutcome::Refused
            })
        };
        match attempt.await {
            Err(StoreError::Conflict(_)) => Ok(self
                .transfer_by_key(key)
                .await?
                .ok_or(StoreError::NotFound)?
                .outcome()),
            other => other,
        }
    }

    /// Sum of every posting of this business: zero whenever the ledger is consistent.
    pub async fn ledger_postings_sum(&self) -> StoreResult<i64> {
        let sum: Option<i64> = on_db!(&self.store.db, r, p => sqlx::query_scalar(
            "SELECT CAST(COALESCE(SUM(p.amount), 0) AS BIGINT) FROM ledger_postings p JOIN ledger_transfers t ON t.id = p.transfer_id WHERE t.business_id = $1")
            .bind(self.business_id)
            .fetch_one(p)
            .await)?;
        Ok(sum.unwrap_or(0))
    }
}
