//! Payment providers of a business: their credentials (sealed at rest with the master key and
//! bound to the business and provider, so a sealed blob copied elsewhere does not open),
//! choosing the provider of a top-up, top-ups themselves ([`topups`]) and the providers'
//! payment notifications ([`webhooks`]).
use serde::{Deserialize, Serialize};
use switchboard_store::{
    Store, TenantStore, billing::ProviderRow, crypto::SecretBox, worker::Worker,
};

use crate::{BillingError, BillingTariff, PaymentProvider, error::BillingResult};

pub mod topups;
pub mod webhooks;

/// What the payment code needs from the process: the store, the master key, the HTTP client,
/// the public URL of this server and the providers' API bases (tests point them at fakes),
/// and the worker to wake when a receipt is queued.
#[derive(Clone, Copy)]
pub struct Payments<'a> {
    pub store: &'a Store,
    pub secrets: &'a SecretBox,
    pub http: &'a reqwest::Client,
    pub worker: &'a Worker,
    pub public_base: &'a str,
    pub stripe_api_base: &'a str,
    pub square_api_base: &'a str,
}

/// Secrets of one payment provider.
#[derive(Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProviderCredentials {
    /// Stripe secret key (`sk_...`).
    pub secret_key: Option<String>,
    /// Stripe webhook endpoint secret (`whsec_...`).
    pub webhook_secret: Option<String>,
    /// Square access token.
    pub access_token: Option<String>,
    /// Square webhook signature key.
    pub signature_key: Option<String>,
}

/// Public provider settings.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProviderSettings {
    /// Square location that owns the payment links.
    pub location_id: Option<String>,
}

/// A configured payment provider (secrets never included).
#[derive(Clone, Debug)]
pub struct ProviderInfo {
    pub provider: String,
    pub settings: ProviderSettings,
    /// The URL to register at the provider for this business's payment webhooks.
    pub webhook_url: String,
    /// Epoch milliseconds, UTC.
    pub updated_at: i64,
}

fn seal_context(business: &str, provider: PaymentProvider) -> String {
    format!("payment_provider:{business}:{}", provider.as_str())
}

fn need(v: &Option<String>, name: &str) -> BillingResult<()> {
    match v.as_deref().map(str::trim) {
        Some(s) if !s.is_empty() && s.len() <= 512 => Ok(()),
        _ => Err(BillingError::Validation(format!(
            "credentials.{name} is required"
        ))),
    }
}

impl Payments<'_> {
    fn info(&self, tenant: &TenantStore, row: &ProviderRow) -> ProviderInfo {
        ProviderInfo {
            provider: row.provider.clone(),
            settings: serde_json::from_str(&row.settings).unwrap_or_default(),
            webhook_url: format!(
                "{}/webhooks/{}/{}",
                self.public_base, row.provider, tenant.business_id
            ),
            updated_at: row.updated_at,
        }
    }

    /// Stores a provider's keys (sealed) and public settings, after checking the ones it needs.
    pub async fn put_provider(
        &self,
        tenant: &TenantStore,
        provider: PaymentProvider,
        creds: &ProviderCredentials,
        settings: &ProviderSettings,
    ) -> BillingResult<ProviderInfo> {
        match provider {
            PaymentProvider::Stripe => {
                need(&creds.secret_key, "secret_key")?;
                need(&creds.webhook_secret, "webhook_secret")?;
            }
            PaymentProvider::Square => {
                need(&creds.access_token, "access_token")?;
                need(&creds.signature_key, "signature_key")?;
                need(&settings.location_id, "location_id").map_err(|_| {
                    BillingError::Validation("settings.location_id is required for Square".into())
                })?;
            }
        }
        let context = seal_context(&tenant.business_id.to_string(), provider);
        let json = serde_json::to_string(creds).map_err(BillingError::corrupt)?;
        let sealed = self
            .secrets
            .seal(&json, &context)
            .map_err(BillingError::corrupt)?;
        let settings = serde_json::to_string(settings).map_err(BillingError::corrupt)?;
        tenant
            .put_payment_provider(provider.as_str(), &sealed, &settings)
            .await?;
        let row = tenant
            .payment_provider(provider.as_str())
            .await?
            .ok_or(BillingError::NotFound)?;
        Ok(self.info(tenant, &row))
    }

    /// The configured providers.
    pub async fn providers(&self, tenant: &TenantStore) -> BillingResult<Vec<ProviderInfo>> {
        Ok(tenant
            .payment_providers()
            .await?
            .iter()
            .map(|r| self.info(tenant, r))
            .collect())
    }

    /// The provider's credentials and settings; `None` when the business has not configured it.
    pub async fn open(
        &self,
        tenant: &TenantStore,
        provider: PaymentProvider,
    ) -> BillingResult<Option<(ProviderCredentials, ProviderSettings)>> {
        let Some(row) = tenant.payment_provider(provider.as_str()).await? else {
            return Ok(None);
        };
        let context = seal_context(&tenant.business_id.to_string(), provider);
        let plain = self
            .secrets
            .open(&row.credentials, &context)
            .map_err(BillingError::corrupt)?;
        let creds: ProviderCredentials =
            serde_json::from_str(&plain).map_err(BillingError::corrupt)?;
        let settings: ProviderSettings = serde_json::from_str(&row.settings).unwrap_or_default();
        Ok(Some((creds, settings)))
    }
}

/// The provider to use: the one asked for, the tariff's, or the only one configured.
async fn choose_provider(
    tenant: &TenantStore,
    tariff: &BillingTariff,
    asked: Option<PaymentProvider>,
) -> BillingResult<PaymentProvider> {
    if let Some(p) = asked.or(tariff.payment_provider) {
        return Ok(p);
    }
    let rows = tenant.payment_providers().await?;
    match rows.as_slice() {
        [one] if one.provider == "square" => Ok(PaymentProvider::Square),
        [one] if one.provider == "stripe" => Ok(PaymentProvider::Stripe),
        [] => Err(BillingError::ProviderMissing(
            "no payment provider is configured for this business".into(),
        )),
        _ => Ok(PaymentProvider::Stripe),
    }
}
