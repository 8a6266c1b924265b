//! `/api/v1/billing/providers`: the business's payment-provider keys (sealed at rest with the
//! master key; never shown again) and public settings.
use axum::extract::State;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use switchboard_billing::{
    PaymentProvider,
    payments::{ProviderCredentials, ProviderInfo, ProviderSettings},
};
use switchboard_domain::Role;

use super::{SETTINGS, billing_tenant, payments, views::time};
use crate::{
    app::AppState,
    auth::Tenant,
    error::{ApiResult, ErrorBody},
    extract::{AppJson, AppPath},
};

/// Secrets of one payment provider.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CredentialsBody {
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
#[derive(Debug, Default, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SettingsBody {
    /// Square location that owns the payment links.
    pub location_id: Option<String>,
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PutProvider {
    pub credentials: CredentialsBody,
    #[serde(default)]
    pub settings: SettingsBody,
}

/// A configured payment provider (secrets never shown).
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ProviderView {
    pub provider: String,
    pub settings: SettingsBody,
    /// The URL to register at the provider for this business's payment webhooks.
    pub webhook_url: String,
    pub updated_at: DateTime<Utc>,
}

impl From<ProviderInfo> for ProviderView {
    fn from(p: ProviderInfo) -> Self {
        ProviderView {
            provider: p.provider,
            settings: SettingsBody {
                location_id: p.settings.location_id,
            },
            webhook_url: p.webhook_url,
            updated_at: time(p.updated_at),
        }
    }
}

/// Store a payment provider's keys (sealed at rest with the master key).
#[utoipa::path(put, path = "/api/v1/billing/providers/{provider}", tag = "billing", request_body = PutProvider,
    params(("provider" = PaymentProvider, Path, description = "`stripe` or `square`")),
    responses((status = 200, body = ProviderView), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn put_provider(
    State(state): State<AppState>,
    tenant: Tenant,
    AppPath(provider): AppPath<PaymentProvider>,
    AppJson(body): AppJson<PutProvider>,
) -> ApiResult<AppJson<ProviderView>> {
    billing_tenant(&tenant, &[Role::Owner, Role::Admin])?;
    let c = body.credentials;
    let creds = ProviderCredentials {
        secret_key: c.secret_key,
        webhook_secret: c.webhook_secret,
        access_token: c.access_token,
        signature_key: c.signature_key,
    };
    let settings = ProviderSettings {
        location_id: body.settings.location_id,
    };
    let info = payments(&state)
        .put_provider(&tenant.store, provider, &creds, &settings)
        .await?;
    tenant
        .audit(
            "billing.provider.update",
            Some(provider.as_str().into()),
            serde_json::json!({}),
        )
        .await?;
    Ok(AppJson(info.into()))
}

/// Configured payment providers.
#[utoipa::path(get, path = "/api/v1/billing/providers", tag = "billing",
    responses((status = 200, body = Vec<ProviderView>), (status = 403, body = ErrorBody)))]
pub async fn list_providers(
    State(state): State<AppState>,
    tenant: Tenant,
) -> ApiResult<AppJson<Vec<ProviderView>>> {
    billing_tenant(&tenant, SETTINGS)?;
    let all = payments(&state).providers(&tenant.store).await?;
    Ok(AppJson(all.into_iter().map(Into::into).collect()))
}
