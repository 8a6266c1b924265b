//! Reading the ledger back: an account's entries (postings with their transfer), the
//! report aggregates (operator earnings, platform revenue, consumption by type), and the
//! sweeper that expires calls and holds whose end never arrived.
use serde::Serialize;

use switchboard_domain::{BusinessId, CallId, TransferId};

use crate::{Store, StoreResult, TenantStore, ledger::kind, on_db};

/// One line of an account's history.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct LedgerEntry {
    pub posting_id: String,
    pub transfer_id: TransferId,
    /// What moved the money: `topup`, `ai_reply`, `text`, `call`, `manual_credit`, ...
    pub kind: String,
    /// Signed minor units: positive credits this account, negative debits it.
    pub amount: i64,
    pub currency: String,
    pub reason: String,
    pub idempotency_key: String,
    pub created_at: i64,
}

/// A sum over transfers of one group.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct ReportRow {
    /// The group: an operator id, or a transfer kind.
    pub key: String,
    pub currency: String,
    pub count: i64,
    /// Minor units.
    pub amount: i64,
}

impl TenantStore {
    /// Entries of one account, newest first; `before` is the last `posting_id` of the
    /// previous page.
    pub async fn account_entries(
        &self,
        account_id: &str,
        before: Option<&str>,
        limit: i64,
    ) -> StoreResult<Vec<LedgerEntry>> {
        Ok(on_db!(&self.store.db, r, p => sqlx::query_as(
            "SELECT p.id AS posting_id, t.id AS transfer_id, t.kind, p.amount, t.currency, t.reason, t.idempotency_key, p.created_at \
             FROM ledger_postings p JOIN ledger_transfers t ON t.id = p.transfer_id \
             WHERE p.account_id = $1 AND t.business_id = $2 AND ($3 = '' OR p.id < $3) ORDER BY p.id DESC LIMIT $4")
            .bind(account_id)
            .bind(self.business_id)
            .bind(before.unwrap_or(""))
            .bind(limit)
            .fetch_all(p)
            .await)?)
    }

    /// Every account of `kind` in this business (all owners, all currencies).
    pub async fn accounts_of_kind(&self, k: &str) -> StoreResult<Vec<crate::ledger::Account>> {
        Ok(on_db!(&self.store.db, r, p => sqlx::query_as(
            "SELECT id, kind, owner_id, currency, balance, held FROM ledger_accounts WHERE business_id = $1 AND kind = $2 ORDER BY owner_id, currency")
            .bind(self.business_id)
            .bind(k)
            .fetch_all(p)
            .await)?)
    }

    /// Accounts of `kind` owned by `owner` (one per currency).
    pub async fn accounts_of(
        &self,
        k: &str,
        owner: &str,
    ) -> StoreResult<Vec<crate::ledger::Account>> {
        Ok(on_db!(&self.store.db, r, p => sqlx::query_as(
            "SELECT id, kind, owner_id, currency, balance, held FROM ledger_accounts WHERE business_id = $1 AND kind = $2 AND owner_id = $3 ORDER BY currency")
            .bind(self.business_id)
            .bind(k)
            .bind(owner)
            .fetch_all(p)
            .await)?)
    }

    /// Posted transfers credited to accounts of `credit_kind` in `[from, to)`, grouped by
    /// the owner of the credited account (`by_owner`) or by transfer kind.
    async fn credited(
        &self,
        credit_kind: &str,
        by_owner: bool,
        from: i64,
        to: i64,
    ) -> StoreResult<Vec<ReportRow>> {
        let group = if by_owner { "a.owner_id" } else { "t.kind" };
        let sql = format!(
            "SELECT {group} AS key, t.currency, COUNT(*) AS count, CAST(SUM(t.amount) AS BIGINT) AS amount \
             FROM ledger_transfers t JOIN ledger_accounts a ON a.id = t.credit_account \
             WHERE t.business_id = $1 AND t.status = 'posted' AND a.kind = $2 AND t.created_at >= $3 AND t.created_at < $4 \
             GROUP BY {group}, t.currency ORDER BY 1, 2"
        );
        Ok(
            on_db!(&self.store.db, r, p => sqlx::query_as(sqlx::AssertSqlSafe(sql.as_str()))
            .bind(self.business_id)
            .bind(credit_kind)
            .bind(from)
            .bind(to)
            .fetch_all(p)
            .await)?,
        )
    }

    /// What each operator earned in `[from, to)`.
    pub async fn report_operator_earnings(
        &self,
        from: i64,
        to: i64,
    ) -> StoreResult<Vec<ReportRow>> {
        self.credited(kind::OPERATOR_EARNINGS, true, from, to).await
    }

    /// Platform revenue in `[from, to)` by what earned it.
    pub async fn report_platform_revenue(&self, from: i64, to: i64) -> StoreResult<Vec<ReportRow>> {
        self.credited(kind::PLATFORM_REVENUE, false, from, to).await
    }

    /// What customers spent in `[from, to)` by type (AI replies, texts, calls, manual debits).
    pub async fn report_consumption(&self, from: i64, to: i64) -> StoreResult<Vec<ReportRow>> {
        Ok(on_db!(&self.store.db, r, p => sqlx::query_as(
            "SELECT t.kind AS key, t.currency, COUNT(*) AS count, CAST(SUM(t.amount) AS BIGINT) AS amount \
             FROM ledger_transfers t JOIN ledger_accounts a ON a.id = t.debit_account \
             WHERE t.business_id = $1 AND t.status = 'posted' AND a.kind = $2 AND t.created_at >= $3 AND t.created_at < $4 \
             GROUP BY t.kind, t.currency ORDER BY 1, 2")
            .bind(self.business_id)
            .bind(kind::CUSTOMER_WALLET)
            .bind(from)
            .bind(to)
            .fetch_all(p)
            .await)?)
    }
}

/// What one sweep did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Swept {
    pub calls: usize,
    pub holds: usize,
}

impl Store {
    /// Expires, across every business, open calls and holds whose end never arrived by
    /// `now`: their reservations are freed and nothing is charged. Safe to run from several
    /// processes at once (each close is a conditional update).
    pub async fn sweep_billing(&self, now: i64) -> StoreResult<Swept> {
        let calls: Vec<(BusinessId, CallId)> = on_db!(&self.db, r, p => sqlx::query_as(
            "SELECT business_id, id FROM billing_calls WHERE status IN ('authorized', 'answered') AND expires_at <= $1 ORDER BY id LIMIT 1000")
            .bind(now)
            .fetch_all(p)
            .await)?;
        let mut swept = Swept::default();
        for (business, id) in calls {
            let t = self.tenant(business);
            if t.expire_call(id).await? {
                swept.calls += 1;
            }
        }
        let businesses: Vec<BusinessId> = on_db!(&self.db, r, p => sqlx::query_scalar(
            "SELECT DISTINCT business_id FROM ledger_holds WHERE status = 'open' AND expires_at <= $1")
            .bind(now)
            .fetch_all(p)
            .await)?;
        for b in businesses {
            swept.holds += self.tenant(b).expire_holds(now).await?;
        }
        Ok(swept)
    }
}
