//! Storage of prepaid billing around the ledger: the tariff document of each business,
//! payment-provider credentials (sealed by the caller), the payment-link cooldown, and the
//! sub-modules for operators and free minutes, calls, top-ups, history and reports.
use switchboard_domain::{CustomerId, time::now_ms};

use crate::{StoreResult, TenantStore, on_db};

pub mod calls;
pub mod history;
pub mod operators;
pub mod topups;

/// Stored credentials of one payment provider of a business.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct ProviderRow {
    pub provider: String,
    /// Sealed with the server's `SecretBox`; opened only where a request to the provider is
    /// made or a webhook verified.
    pub credentials: String,
    /// Public settings as JSON (e.g. Square `location_id`).
    pub settings: String,
    pub updated_at: i64,
}

impl TenantStore {
    /// The stored tariff document (JSON), if the business ever saved one.
    pub async fn billing_tariff_json(&self) -> StoreResult<Option<String>> {
        Ok(on_db!(&self.store.db, r, p => sqlx::query_scalar(
            "SELECT config FROM billing_tariffs WHERE business_id = $1")
            .bind(self.business_id)
            .fetch_optional(p)
            .await)?)
    }

    pub async fn put_billing_tariff_json(&self, config: &str) -> StoreResult<()> {
        on_db!(&self.store.db, w, p => sqlx::query(
            "INSERT INTO billing_tariffs (business_id, config, updated_at) VALUES ($1, $2, $3) \
             ON CONFLICT (business_id) DO UPDATE SET config = excluded.config, updated_at = excluded.updated_at")
            .bind(self.business_id)
            .bind(config)
            .bind(now_ms())
            .execute(p)
            .await
            .map(|r| r.rows_affected()))?;
        Ok(())
    }

    pub async fn put_payment_provider(
        &self,
        provider: &str,
        sealed_credentials: &str,
        settings: &str,
    ) -> StoreResult<()> {
        let now = now_ms();
        on_db!(&self.store.db, w, p => sqlx::query(
            "INSERT INTO payment_providers (business_id, provider, credentials, settings, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $5) \
             ON CONFLICT (business_id, provider) DO UPDATE SET credentials = excluded.credentials, settings = excluded.settings, updated_at = excluded.updated_at")
            .bind(self.business_id)
            .bind(provider)
            .bind(sealed_credentials)
            .bind(settings)
            .bind(now)
            .execute(p)
            .await
            .map(|r| r.rows_affected()))?;
        Ok(())
    }

    pub async fn payment_provider(&self, provider: &str) -> StoreResult<Option<ProviderRow>> {
        Ok(on_db!(&self.store.db, r, p => sqlx::query_as(
            "SELECT provider, credentials, settings, updated_at FROM payment_providers WHERE business_id = $1 AND provider = $2")
            .bind(self.business_id)
            .bind(provider)
            .fetch_optional(p)
            .await)?)
    }

    pub async fn payment_providers(&self) -> StoreResult<Vec<ProviderRow>> {
        Ok(on_db!(&self.store.db, r, p => sqlx::query_as(
            "SELECT provider, credentials, settings, updated_at FROM payment_providers WHERE business_id = $1 ORDER BY provider")
            .bind(self.business_id)
            .fetch_all(p)
            .await)?)
    }

    /// Claims the right to send `customer` a payment-link message now: true (and recorded)
    /// when none was sent within `cooldown_ms`, false otherwise. One conditional upsert, so
    /// two messages processed at once cannot both send a link.
    pub async fn claim_payment_link_notice(
        &self,
        customer_id: &str,
        now: i64,
        cooldown_ms: i64,
    ) -> StoreResult<bool> {
        let n = on_db!(&self.store.db, w, p => sqlx::query(
            "INSERT INTO payment_link_notices (business_id, customer_id, sent_at) VALUES ($1, $2, $3) \
             ON CONFLICT (business_id, customer_id) DO UPDATE SET sent_at = excluded.sent_at \
             WHERE payment_link_notices.sent_at <= $4")
            .bind(self.business_id)
            .bind(customer_id)
            .bind(now)
            .bind(now - cooldown_ms)
            .execute(p)
            .await
            .map(|r| r.rows_affected()))?;
        Ok(n == 1)
    }

    /// Forgets the cooldown (after a top-up, the next shortfall gets a fresh link at once).
    pub async fn reset_payment_link_notice(&self, customer_id: &str) -> StoreResult<()> {
        on_db!(&self.store.db, w, p => sqlx::query(
            "DELETE FROM payment_link_notices WHERE business_id = $1 AND customer_id = $2")
            .bind(self.business_id)
            .bind(customer_id)
            .execute(p)
            .await
            .map(|r| r.rows_affected()))?;
        Ok(())
    }

    /// Whether `customer_id` is a customer of this business.
    pub async fn customer_exists(&self, customer_id: CustomerId) -> StoreResult<bool> {
        let n: i64 = on_db!(&self.store.db, r, p => sqlx::query_scalar(
            "SELECT COUNT(*) FROM customers WHERE business_id = $1 AND id = $2")
            .bind(self.business_id)
            .bind(customer_id)
            .fetch_one(p)
            .await)?;
        Ok(n > 0)
    }

    /// The customer's most recently active conversation (for receipts and notices).
    pub async fn latest_conversation_of(
        &self,
        customer_id: CustomerId,
    ) -> StoreResult<Option<crate::conversations::ConversationRow>> {
        let id: Option<switchboard_domain::ConversationId> = on_db!(&self.store.db, r, p => sqlx::query_scalar(
            "SELECT id FROM conversations WHERE business_id = $1 AND customer_id = $2 \
             ORDER BY COALESCE(last_message_at, created_at) DESC, id DESC LIMIT 1")
            .bind(self.business_id)
            .bind(customer_id)
            .fetch_optional(p)
            .await)?;
        match id {
            Some(id) => Ok(Some(self.get_conversation(id).await?)),
            None => Ok(None),
        }
    }

    /// The customer with this phone identity, created (with the identity) when unknown.
    pub async fn customer_by_phone(&self, phone: &str) -> StoreResult<CustomerId> {
        let find = || async {
            on_db!(&self.store.db, r, p => sqlx::query_scalar::<_, CustomerId>(
                "SELECT customer_id FROM customer_identities WHERE business_id = $1 AND kind = 'phone' AND value = $2")
                .bind(self.business_id)
                .bind(phone)
                .fetch_optional(p)
                .await)
        };
        if let Some(id) = find().await? {
            return Ok(id);
        }
        let id = CustomerId::new();
        let now = now_ms();
        let mut tx = self.store.begin().await?;
        crate::on_tx!(&mut tx, c => sqlx::query(
            "INSERT INTO customers (id, business_id, name, created_at, updated_at) VALUES ($1, $2, '', $3, $3)")
            .bind(id)
            .bind(self.business_id)
            .bind(now)
            .execute(&mut *c)
            .await
            .map(|r| r.rows_affected()))?;
        let inserted = crate::on_tx!(&mut tx, c => sqlx::query(
            "INSERT INTO customer_identities (business_id, kind, value, customer_id, created_at) VALUES ($1, 'phone', $2, $3, $4) ON CONFLICT DO NOTHING")
            .bind(self.business_id)
            .bind(phone)
            .bind(id)
            .bind(now)
            .execute(&mut *c)
            .await
            .map(|r| r.rows_affected()))?;
        if inserted == 0 {
            // Someone registered the number first: theirs stands (our customer row rolls back).
            drop(tx);
            return find().await?.ok_or(crate::StoreError::NotFound);
        }
        tx.commit().await?;
        Ok(id)
    }
}

impl TenantStore {
    /// The customer's own language code, when known.
    pub async fn customer_language(&self, customer_id: &str) -> StoreResult<Option<String>> {
        let lang: Option<Option<String>> = on_db!(&self.store.db, r, p => sqlx::query_scalar(
            "SELECT language FROM customers WHERE business_id = $1 AND id = $2")
            .bind(self.business_id)
            .bind(customer_id)
            .fetch_optional(p)
            .await)?;
        Ok(lang.flatten())
    }

    /// The outcome of the transfer recorded under `key`, if any.
    pub async fn transfer_outcome(
        &self,
        key: &str,
    ) -> StoreResult<Option<crate::ledger::TransferOutcome>> {
        Ok(self.transfer_by_key(key).await?.map(|t| t.outcome()))
    }
}
