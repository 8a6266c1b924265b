//! `/api/v1/billing/...`: the tariff, payment-provider keys, balances and ledger history per
//! customer, per operator and for the platform, manual credits and debits (owner or finance,
//! audited), and free-minute grants.
use axum::{extract::State, http::HeaderMap};
use serde::{Deserialize, Serialize};
use switchboard_domain::{
    Currency, CustomerId, OperatorId, Role, rating::estimate_talk_time, time::now_ms,
};
use switchboard_store::{
    billing::{history::LedgerEntry, operators::PackageRow},
    ledger::{Account, NewTransfer, TransferOutcome, kind},
};

use crate::{
    app::AppState,
    auth::Tenant,
    billing::{
        self, BillingTariff, PaymentProvider,
        calls::rating_packages,
        payments::{self, ProviderCredentials, ProviderSettings},
    },
    error::{ApiError, ApiResult, ErrorBody, ErrorCode},
    extract::{AppJson, AppPath, AppQuery},
};

pub(crate) const STAFF: &[Role] = &[Role::Owner, Role::Admin, Role::Agent, Role::Finance];
pub(crate) const MONEY: &[Role] = &[Role::Owner, Role::Finance];
const SETTINGS: &[Role] = &[Role::Owner, Role::Admin, Role::Finance];

pub(crate) fn billing_tenant(tenant: &Tenant, roles: &[Role]) -> ApiResult<()> {
    tenant.require_role(roles)
}

/// The business's billing tariff (defaults until one is saved).
#[utoipa::path(get, path = "/api/v1/billing/tariff", tag = "billing",
    responses((status = 200, body = BillingTariff), (status = 403, body = ErrorBody)))]
pub async fn get_tariff(tenant: Tenant) -> ApiResult<AppJson<BillingTariff>> {
    billing_tenant(&tenant, STAFF)?;
    Ok(AppJson(billing::load_tariff(&tenant.store).await?))
}

/// Replace the tariff (fields left out take their defaults).
#[utoipa::path(put, path = "/api/v1/billing/tariff", tag = "billing", request_body = BillingTariff,
    responses((status = 200, body = BillingTariff), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn put_tariff(
    tenant: Tenant,
    AppJson(mut body): AppJson<BillingTariff>,
) -> ApiResult<AppJson<BillingTariff>> {
    billing_tenant(&tenant, SETTINGS)?;
    body.validate().map_err(ApiError::validation)?;
    let json = serde_json::to_string(&body).map_err(|e| ApiError::Internal(e.into()))?;
    tenant.store.put_billing_tariff_json(&json).await?;
    tenant
        .audit(
            "billing.tariff.update",
            None,
            serde_json::to_value(&body).unwrap_or_default(),
        )
        .await?;
    Ok(AppJson(body))
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PutProvider {
    pub credentials: ProviderCredentials,
    #[serde(default)]
    pub settings: ProviderSettings,
}

/// A configured payment provider (secrets never shown).
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ProviderView {
    pub provider: String,
    pub settings: ProviderSettings,
    /// The URL to register at the provider for this business's payment webhooks.
    pub webhook_url: String,
    pub updated_at: i64,
}

fn need(v: &Option<String>, name: &str) -> ApiResult<()> {
    match v.as_deref().map(str::trim) {
        Some(s) if !s.is_empty() && s.len() <= 512 => Ok(()),
        _ => Err(ApiError::validation(format!(
            "credentials.{name} is required"
        ))),
    }
}

fn provider_view(
    state: &AppState,
    business: &str,
    provider: &str,
    settings: &str,
    updated_at: i64,
) -> ProviderView {
    ProviderView {
        provider: provider.to_string(),
        settings: serde_json::from_str(settings).unwrap_or_default(),
        webhook_url: format!(
            "{}/webhooks/{provider}/{business}",
            state.config.public_base()
        ),
        updated_at,
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
    let c = &body.credentials;
    match provider {
        PaymentProvider::Stripe => {
            need(&c.secret_key, "secret_key")?;
            need(&c.webhook_secret, "webhook_secret")?;
        }
        PaymentProvider::Square => {
            need(&c.access_token, "access_token")?;
            need(&c.signature_key, "signature_key")?;
            need(&body.settings.location_id, "location_id (in settings)")
                .map_err(|_| ApiError::validation("settings.location_id is required for Square"))?;
        }
    }
    let business = tenant.id().to_string();
    let sealed =
        payments::seal(&state.secrets, &business, provider, c).map_err(ApiError::Internal)?;
    let settings =
        serde_json::to_string(&body.settings).map_err(|e| ApiError::Internal(e.into()))?;
    tenant
        .store
        .put_payment_provider(provider.as_str(), &sealed, &settings)
        .await?;
    tenant
        .audit(
            "billing.provider.update",
            Some(provider.as_str().into()),
            serde_json::json!({}),
        )
        .await?;
    Ok(AppJson(provider_view(
        &state,
        &business,
        provider.as_str(),
        &settings,
        now_ms(),
    )))
}

/// Configured payment providers.
#[utoipa::path(get, path = "/api/v1/billing/providers", tag = "billing",
    responses((status = 200, body = Vec<ProviderView>), (status = 403, body = ErrorBody)))]
pub async fn list_providers(
    State(state): State<AppState>,
    tenant: Tenant,
) -> ApiResult<AppJson<Vec<ProviderView>>> {
    billing_tenant(&tenant, SETTINGS)?;
    let business = tenant.id().to_string();
    Ok(AppJson(
        tenant
            .store
            .payment_providers()
            .await?
            .iter()
            .map(|r| provider_view(&state, &business, &r.provider, &r.settings, r.updated_at))
            .collect(),
    ))
}

/// A balance as the API shows it.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct BalanceView {
    pub account_id: String,
    pub currency: String,
    pub balance: i64,
    pub held: i64,
    pub available: i64,
    /// Decimal text with the currency, e.g. `$20.00`.
    pub display: String,
}

fn balance_view(a: &Account) -> BalanceView {
    let display = a
        .currency
        .parse::<Currency>()
        .map(|c| switchboard_domain::Money::new(a.balance - a.held, c).to_string())
        .unwrap_or_default();
    BalanceView {
        account_id: a.id.clone(),
        currency: a.currency.clone(),
        balance: a.balance,
        held: a.held,
        available: a.balance - a.held,
        display,
    }
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct CustomerBilling {
    pub customer_id: String,
    pub balances: Vec<BalanceView>,
    pub free_minute_packages: Vec<PackageRow>,
    /// Free seconds usable now by a call (to `operator_id` when given).
    pub free_seconds: u32,
    /// Longest call the balance and free minutes pay for, in seconds (to `operator_id` when
    /// given, else at the default rate): the same rating code that authorizes calls.
    pub estimated_talk_secs: u32,
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct EstimateQuery {
    /// Estimate talk time with this operator's rate and packages.
    pub operator_id: Option<OperatorId>,
}

async fn check_customer(tenant: &Tenant, id: CustomerId) -> ApiResult<String> {
    let id = id.to_string();
    if tenant.store.customer_exists(&id).await? {
        Ok(id)
    } else {
        Err(ApiError::NotFound)
    }
}

/// A customer's balances, free minutes and estimated talk time.
#[utoipa::path(get, path = "/api/v1/billing/customers/{id}", tag = "billing",
    params(("id" = String, Path, description = "Customer id"), EstimateQuery),
    responses((status = 200, body = CustomerBilling), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn customer(
    tenant: Tenant,
    AppPath(id): AppPath<CustomerId>,
    AppQuery(q): AppQuery<EstimateQuery>,
) -> ApiResult<AppJson<CustomerBilling>> {
    billing_tenant(&tenant, STAFF)?;
    let id = check_customer(&tenant, id).await?;
    let tariff = billing::load_tariff(&tenant.store).await?;
    // Make sure the wallet of the tariff's unit shows, even before its first movement.
    billing::wallet(&tenant.store, &id, tariff.wallet_currency()).await?;
    let accounts = tenant.store.accounts_of(kind::CUSTOMER_WALLET, &id).await?;
    let rate = match q.operator_id {
        Some(op) => {
            tenant
                .store
                .get_operator(&op.to_string())
                .await?
                .rate_per_minute
        }
        None => None,
    };
    let call_tariff = tariff.call_tariff(rate);
    let money = accounts
        .iter()
        .find(|a| a.currency == call_tariff.currency.code())
        .map_or(0, |a| a.balance - a.held);
    let packages = rating_packages(&tenant.store, &id).await?;
    let now = now_ms();
    Ok(AppJson(CustomerBilling {
        customer_id: id.clone(),
        balances: accounts.iter().map(balance_view).collect(),
        free_minute_packages: tenant.store.customer_packages(&id).await?,
        free_seconds: switchboard_domain::rating::free_seconds_available(
            &packages,
            now,
            q.operator_id,
        ),
        estimated_talk_secs: estimate_talk_time(money, &call_tariff, &packages, now, q.operator_id),
    }))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct LedgerQuery {
    /// Currency of the account (default: the tariff's wallet currency; operators and the
    /// platform: the tariff's money currency).
    pub currency: Option<String>,
    /// Page size, 1 to 200 (default 50).
    pub limit: Option<i64>,
    /// The `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct LedgerPage {
    pub account: BalanceView,
    pub entries: Vec<LedgerEntry>,
    pub next_cursor: Option<String>,
}

fn parse_currency(s: &str) -> ApiResult<Currency> {
    s.parse().map_err(|_| {
        ApiError::bad_request(
            ErrorCode::InvalidCurrency,
            format!("`{s}` is not a supported currency"),
        )
    })
}

async fn ledger_page(
    tenant: &Tenant,
    account: Account,
    q: &LedgerQuery,
) -> ApiResult<AppJson<LedgerPage>> {
    let limit = q.limit.unwrap_or(50).clamp(1, 200);
    let entries = tenant
        .store
        .account_entries(&account.id, q.cursor.as_deref(), limit)
        .await?;
    let next_cursor = if entries.len() as i64 >= limit {
        entries.last().map(|e| e.posting_id.clone())
    } else {
        None
    };
    Ok(AppJson(LedgerPage {
        account: balance_view(&account),
        entries,
        next_cursor,
    }))
}

/// A customer's wallet history, newest first.
#[utoipa::path(get, path = "/api/v1/billing/customers/{id}/ledger", tag = "billing",
    params(("id" = String, Path, description = "Customer id"), LedgerQuery),
    responses((status = 200, body = LedgerPage), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn customer_ledger(
    tenant: Tenant,
    AppPath(id): AppPath<CustomerId>,
    AppQuery(q): AppQuery<LedgerQuery>,
) -> ApiResult<AppJson<LedgerPage>> {
    billing_tenant(&tenant, STAFF)?;
    let id = check_customer(&tenant, id).await?;
    let currency = match &q.currency {
        Some(c) => parse_currency(c)?,
        None => billing::load_tariff(&tenant.store).await?.wallet_currency(),
    };
    let account = billing::wallet(&tenant.store, &id, currency).await?;
    ledger_page(&tenant, account, &q).await
}

/// An operator's earnings account and its history.
#[utoipa::path(get, path = "/api/v1/billing/operators/{id}/ledger", tag = "billing",
    params(("id" = String, Path, description = "Operator id"), LedgerQuery),
    responses((status = 200, body = LedgerPage), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn operator_ledger(
    tenant: Tenant,
    AppPath(id): AppPath<OperatorId>,
    AppQuery(q): AppQuery<LedgerQuery>,
) -> ApiResult<AppJson<LedgerPage>> {
    let op = tenant.store.get_operator(&id.to_string()).await?;
    // Operators see their own earnings; money roles see everyone's.
    let own = matches!(&tenant.principal, crate::auth::Principal::User { user, .. }
        if op.user_id.as_deref() == Some(user.id.to_string().as_str()));
    if !own {
        tenant.require_role(&[Role::Owner, Role::Admin, Role::Finance])?;
    }
    let currency = match &q.currency {
        Some(c) => parse_currency(c)?,
        None => billing::load_tariff(&tenant.store).await?.currency,
    };
    let account = billing::operator_account(&tenant.store, &op.id, currency).await?;
    ledger_page(&tenant, account, &q).await
}

/// The platform revenue account of this business and its history.
#[utoipa::path(get, path = "/api/v1/billing/platform/ledger", tag = "billing",
    params(LedgerQuery),
    responses((status = 200, body = LedgerPage), (status = 403, body = ErrorBody)))]
pub async fn platform_ledger(
    tenant: Tenant,
    AppQuery(q): AppQuery<LedgerQuery>,
) -> ApiResult<AppJson<LedgerPage>> {
    billing_tenant(&tenant, MONEY)?;
    let currency = match &q.currency {
        Some(c) => parse_currency(c)?,
        None => billing::load_tariff(&tenant.store).await?.currency,
    };
    let account = billing::platform_account(&tenant.store, currency).await?;
    ledger_page(&tenant, account, &q).await
}

#[derive(Debug, Clone, Copy, Deserialize, Serialize, PartialEq, Eq, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum AdjustmentDirection {
    Credit,
    Debit,
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Adjustment {
    pub direction: AdjustmentDirection,
    /// Minor units, positive.
    pub amount: i64,
    /// Default: the tariff's wallet currency.
    pub currency: Option<String>,
    /// Why (kept in the ledger and the audit log).
    pub reason: String,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct AdjustmentResult {
    pub transfer_id: String,
    /// `posted`, or `refused` when a debit exceeds the available balance.
    pub status: String,
    pub balance: BalanceView,
}

/// Credit or debit a customer's wallet by hand (owner or finance), audited. Send an
/// `Idempotency-Key` header to make retries safe.
#[utoipa::path(post, path = "/api/v1/billing/customers/{id}/adjustments", tag = "billing", request_body = Adjustment,
    params(("id" = String, Path, description = "Customer id")),
    responses((status = 201, body = AdjustmentResult), (status = 402, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn adjust(
    State(state): State<AppState>,
    tenant: Tenant,
    headers: HeaderMap,
    AppPath(id): AppPath<CustomerId>,
    AppJson(body): AppJson<Adjustment>,
) -> ApiResult<(axum::http::StatusCode, AppJson<AdjustmentResult>)> {
    billing_tenant(&tenant, MONEY)?;
    let id = check_customer(&tenant, id).await?;
    let reason = body.reason.trim();
    if reason.is_empty() || reason.chars().count() > 500 {
        return Err(ApiError::validation(
            "a reason of 1 to 500 characters is required",
        ));
    }
    if body.amount <= 0 || body.amount > 1_000_000_000 {
        return Err(ApiError::validation(
            "amount must be a positive number of minor units",
        ));
    }
    let currency = match &body.currency {
        Some(c) => parse_currency(c)?,
        None => billing::load_tariff(&tenant.store).await?.wallet_currency(),
    };
    let key = match headers.get("idempotency-key").and_then(|v| v.to_str().ok()) {
        // Scoped to the customer: the same key for another customer is another adjustment.
        Some(k) if !k.is_empty() && k.len() <= 200 => format!("manual:{id}:{k}"),
        Some(_) => {
            return Err(ApiError::bad_request(
                ErrorCode::InvalidIdempotencyKey,
                "Idempotency-Key must be 1-200 characters",
            ));
        }
        None => format!("manual:{}", uuid::Uuid::now_v7()),
    };
    let wallet = billing::wallet(&tenant.store, &id, currency).await?;
    let promo = tenant
        .store
        .ledger_account(kind::PROMOTIONS, "", currency.code())
        .await?;
    let (debit, credit, kind_name) = match body.direction {
        AdjustmentDirection::Credit => (&promo, &wallet, "manual_credit"),
        AdjustmentDirection::Debit => (&wallet, &promo, "manual_debit"),
    };
    let t = tenant
        .store
        .transfer_audited(
            NewTransfer {
                idempotency_key: &key,
                kind: kind_name,
                debit,
                credit,
                amount: body.amount,
                reason,
            },
            Some(tenant.audit_record(
                format!("billing.{kind_name}"),
                Some(id.clone()),
                serde_json::json!({
                    "amount": body.amount, "currency": currency.code(), "reason": reason,
                }),
            )),
        )
        .await?;
    if t.kind != kind_name || t.amount != body.amount || t.currency != currency.code() {
        return Err(ApiError::ConflictCode(
            ErrorCode::IdempotencyKeyReused,
            "this Idempotency-Key was used for a different adjustment".into(),
        ));
    }
    if t.outcome() == TransferOutcome::Refused {
        return Err(ApiError::PaymentRequired(
            "the available balance does not cover this debit".into(),
        ));
    }
    billing::publish_balance(&state.store, &tenant.store, &id, currency).await;
    let after = tenant.store.get_account(&wallet.id).await?;
    Ok((
        axum::http::StatusCode::CREATED,
        AppJson(AdjustmentResult {
            transfer_id: t.id,
            status: t.status,
            balance: balance_view(&after),
        }),
    ))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct GrantFreeMinutes {
    /// Free minutes to grant (1 to 100000).
    pub minutes: i64,
    /// Days until the package expires (default 30).
    pub valid_days: Option<i64>,
    /// Only calls to this operator may use it.
    pub operator_id: Option<OperatorId>,
    #[serde(default)]
    pub reason: String,
}

/// Grant a customer free call minutes (used oldest grant first).
#[utoipa::path(post, path = "/api/v1/billing/customers/{id}/free-minutes", tag = "billing", request_body = GrantFreeMinutes,
    params(("id" = String, Path, description = "Customer id")),
    responses((status = 201, body = PackageRow), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn grant_free_minutes(
    tenant: Tenant,
    AppPath(id): AppPath<CustomerId>,
    AppJson(body): AppJson<GrantFreeMinutes>,
) -> ApiResult<(axum::http::StatusCode, AppJson<PackageRow>)> {
    billing_tenant(&tenant, SETTINGS)?;
    let id = check_customer(&tenant, id).await?;
    if !(1..=100_000).contains(&body.minutes) {
        return Err(ApiError::validation("minutes must be from 1 to 100000"));
    }
    let days = body.valid_days.unwrap_or(30);
    if !(1..=3650).contains(&days) {
        return Err(ApiError::validation("valid_days must be from 1 to 3650"));
    }
    let operator = match body.operator_id {
        Some(op) => Some(tenant.store.get_operator(&op.to_string()).await?.id),
        None => None,
    };
    let pkg = tenant
        .store
        .grant_package(
            &id,
            operator.as_deref(),
            body.minutes * 60,
            now_ms() + days * 86_400_000,
            body.reason.trim(),
        )
        .await?;
    tenant
        .audit("billing.free_minutes.grant", Some(id), serde_json::json!({"package_id": pkg.id, "minutes": body.minutes, "operator_id": operator}))
        .await?;
    Ok((axum::http::StatusCode::CREATED, AppJson(pkg)))
}
