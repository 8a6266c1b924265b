//! Top-ups: our record of one payment a customer makes through a provider, from creation
//! (with the provider's session or order id) to paid. The credit itself is a ledger transfer
//! keyed by the top-up id, so it happens once whatever the provider sends.
use switchboard_domain::{CustomerId, TopupId, time::now_ms};

use crate::{StoreResult, TenantStore, on_db};

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct TopupRow {
    pub id: TopupId,
    /// Empty until paid for a top-up started on the public pay form (by phone only).
    pub customer_id: Option<CustomerId>,
    pub phone: Option<String>,
    /// `stripe` or `square`.
    pub provider: String,
    /// What the customer pays, in minor units of `currency`.
    pub amount: i64,
    pub currency: String,
    /// What the wallet receives, in minor units of `credit_currency` (money or tokens).
    pub credit_amount: i64,
    pub credit_currency: String,
    /// `pending`, `awaiting_payment`, `paid`, `failed` or `amount_mismatch`.
    pub status: String,
    /// Stripe Checkout Session id or Square order id.
    pub provider_ref: Option<String>,
    pub checkout_url: Option<String>,
    /// Stripe payment intent or Square payment id, once paid.
    pub payment_id: Option<String>,
    pub created_at: i64,
    pub paid_at: Option<i64>,
    pub updated_at: i64,
}

pub struct NewTopup<'a> {
    /// `None` binds the top-up to `phone` only; the customer is resolved when it is paid.
    pub customer_id: Option<CustomerId>,
    pub phone: Option<&'a str>,
    pub provider: &'a str,
    pub amount: i64,
    pub currency: &'a str,
    pub credit_amount: i64,
    pub credit_currency: &'a str,
}

const TOPUP_COLUMNS: &str = "id, customer_id, phone, provider, amount, currency, credit_amount, credit_currency, status, provider_ref, checkout_url, payment_id, created_at, paid_at, updated_at";

impl TenantStore {
    pub async fn create_topup(&self, n: NewTopup<'_>) -> StoreResult<TopupRow> {
        let id = TopupId::new();
        let now = now_ms();
        on_db!(&self.store.db, w, p => sqlx::query(
            "INSERT INTO topups (id, business_id, customer_id, phone, provider, amount, currency, credit_amount, credit_currency, status, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 'pending', $10, $10)")
            .bind(id)
            .bind(self.business_id)
            .bind(n.customer_id)
            .bind(n.phone)
            .bind(n.provider)
            .bind(n.amount)
            .bind(n.currency)
            .bind(n.credit_amount)
            .bind(n.credit_currency)
            .bind(now)
            .execute(p)
            .await
            .map(|r| r.rows_affected()))?;
        self.get_topup(id).await
    }

    pub async fn get_topup(&self, id: TopupId) -> StoreResult<TopupRow> {
        let sql = format!("SELECT {TOPUP_COLUMNS} FROM topups WHERE business_id = $1 AND id = $2");
        Ok(
            on_db!(&self.store.db, r, p => sqlx::query_as(sqlx::AssertSqlSafe(sql.as_str()))
                .bind(self.business_id)
                .bind(id)
                .fetch_one(p)
                .await)?,
        )
    }

    pub async fn topup_by_provider_ref(
        &self,
        provider: &str,
        provider_ref: &str,
    ) -> StoreResult<Option<TopupRow>> {
        let sql = format!(
            "SELECT {TOPUP_COLUMNS} FROM topups WHERE business_id = $1 AND provider = $2 AND provider_ref = $3"
        );
        Ok(
            on_db!(&self.store.db, r, p => sqlx::query_as(sqlx::AssertSqlSafe(sql.as_str()))
                .bind(self.business_id)
                .bind(provider)
                .bind(provider_ref)
                .fetch_optional(p)
                .await)?,
        )
    }

    pub async fn set_topup_checkout(
        &self,
        id: TopupId,
        provider_ref: &str,
        url: &str,
    ) -> StoreResult<TopupRow> {
        on_db!(&self.store.db, w, p => sqlx::query(
            "UPDATE topups SET provider_ref = $3, checkout_url = $4, updated_at = $5 WHERE business_id = $1 AND id = $2")
            .bind(self.business_id)
            .bind(id)
            .bind(provider_ref)
            .bind(url)
            .bind(now_ms())
            .execute(p)
            .await
            .map(|r| r.rows_affected()))?;
        self.get_topup(id).await
    }

    /// Binds a paid pay-form top-up to the customer its phone resolved to.
    pub async fn set_topup_customer(
        &self,
        id: TopupId,
        customer_id: CustomerId,
    ) -> StoreResult<()> {
        on_db!(&self.store.db, w, p => sqlx::query(
            "UPDATE topups SET customer_id = $3, updated_at = $4 WHERE business_id = $1 AND id = $2")
            .bind(self.business_id)
            .bind(id)
            .bind(customer_id)
            .bind(now_ms())
            .execute(p)
            .await
            .map(|r| r.rows_affected()))?;
        Ok(())
    }

    /// Moves a top-up to `status` unless it is already paid (paid is final).
    pub async fn set_topup_status(
        &self,
        id: TopupId,
        status: &str,
        payment_id: Option<&str>,
    ) -> StoreResult<bool> {
        let now = now_ms();
        let n = on_db!(&self.store.db, w, p => sqlx::query(
            "UPDATE topups SET status = $3, payment_id = COALESCE($4, payment_id), paid_at = CASE WHEN $3 = 'paid' THEN $5 ELSE paid_at END, updated_at = $5 \
             WHERE business_id = $1 AND id = $2 AND status <> 'paid'")
            .bind(self.business_id)
            .bind(id)
            .bind(status)
            .bind(payment_id)
            .bind(now)
            .execute(p)
            .await
            .map(|r| r.rows_affected()))?;
        Ok(n == 1)
    }

    /// Top-ups created in `[from, to)`, newest first.
    pub async fn list_topups(&self, from: i64, to: i64, limit: i64) -> StoreResult<Vec<TopupRow>> {
        let sql = format!(
            "SELECT {TOPUP_COLUMNS} FROM topups WHERE business_id = $1 AND created_at >= $2 AND created_at < $3 ORDER BY id DESC LIMIT $4"
        );
        Ok(
            on_db!(&self.store.db, r, p => sqlx::query_as(sqlx::AssertSqlSafe(sql.as_str()))
                .bind(self.business_id)
                .bind(from)
                .bind(to)
                .bind(limit)
                .fetch_all(p)
                .await)?,
        )
    }
}
