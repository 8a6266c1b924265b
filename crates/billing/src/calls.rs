//! Billable calls between a customer and an operator: authorize (rate at the start, hold the
//! money and reserve the free seconds a call of the allowed length would use), keep alive,
//! and settle once with the operator/platform split — all priced by `domain::rating`.
use switchboard_domain::{
    CallId, Currency, CustomerId, OperatorId,
    rating::{CallCharge, CallTariff, FreePackage, authorize_call, rate_call},
    time::now_ms,
};
use switchboard_store::{
    StoreError, TenantStore,
    billing::{
        calls::{CallRow, NewCall, Settlement},
        operators::PackageSeconds,
    },
};

use crate::{
    BillingError,
    accounts::{load_tariff, operator_account, platform_account, wallet},
    error::BillingResult,
};

/// Time allowed past the call's own limit before an unfinished call is given up (ringing,
/// late end events). Heartbeats push the expiry by this much from "now".
pub const GRACE_SECS: i64 = 300;

/// A billable call with its rating.
#[derive(Clone, Debug)]
pub struct Call {
    pub id: CallId,
    pub customer_id: CustomerId,
    pub operator_id: OperatorId,
    /// `authorized`, `answered`, `settled`, `unpaid` or `expired`.
    pub status: String,
    /// Longest the call may last (the `<Dial timeLimit>`).
    pub allowed_secs: i64,
    /// Money held on the wallet for it, minor units.
    pub reserved_amount: i64,
    /// Free seconds reserved from packages.
    pub reserved_free_seconds: i64,
    pub tariff: CallTariff,
    /// Epoch milliseconds, UTC.
    pub started_at: i64,
    pub answered_at: Option<i64>,
    pub ended_at: Option<i64>,
    pub duration_secs: Option<i64>,
    /// The settlement, once ended.
    pub charge: Option<CallCharge>,
}

impl Call {
    fn from_row(r: &CallRow) -> BillingResult<Self> {
        let tariff: CallTariff = serde_json::from_str(&r.tariff).map_err(BillingError::corrupt)?;
        let charge = match &r.charge {
            Some(c) => Some(serde_json::from_str(c).map_err(BillingError::corrupt)?),
            None => None,
        };
        Ok(Call {
            id: r.id,
            customer_id: r.customer_id,
            operator_id: r.operator_id,
            status: r.status.clone(),
            allowed_secs: r.allowed_secs,
            reserved_amount: r.reserved_amount,
            reserved_free_seconds: r.reserved()?.iter().map(|p| i64::from(p.seconds)).sum(),
            tariff,
            started_at: r.started_at,
            answered_at: r.answered_at,
            ended_at: r.ended_at,
            duration_secs: r.duration_secs,
            charge,
        })
    }
}

/// What a voice integration reports about a call.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CallEvent {
    /// The call connected; it may now run for its allowed seconds.
    Answered,
    /// The call is still up.
    Heartbeat,
    /// The call ended after this many connected seconds.
    Ended { duration_secs: u32 },
}

fn no_balance() -> BillingError {
    BillingError::InsufficientBalance(
        "the balance does not pay for a call to this operator; top up first".into(),
    )
}

/// One call of this business.
pub async fn get(tenant: &TenantStore, id: CallId) -> BillingResult<Call> {
    Call::from_row(&tenant.get_call(id).await?)
}

/// Moves a call along; `Ended` settles it once (repeating it changes nothing).
pub async fn event(tenant: &TenantStore, id: CallId, event: CallEvent) -> BillingResult<Call> {
    let row = tenant.get_call(id).await?;
    let row = match event {
        CallEvent::Answered => {
            answered(tenant, &row).await?;
            tenant.get_call(row.id).await?
        }
        CallEvent::Heartbeat => {
            heartbeat(tenant, &row).await?;
            tenant.get_call(row.id).await?
        }
        CallEvent::Ended { duration_secs } => settle(tenant, &row, duration_secs).await?,
    };
    Call::from_row(&row)
}

/// The usable packages of a customer as rating sees them.
pub async fn rating_packages(
    tenant: &TenantStore,
    customer_id: CustomerId,
) -> Result<Vec<FreePackage>, StoreError> {
    Ok(tenant
        .customer_packages(customer_id)
        .await?
        .iter()
        .filter_map(|p| p.to_rating())
        .collect())
}

/// Authorizes a call: rates it now and reserves what a call of the allowed length costs.
pub async fn open(
    tenant: &TenantStore,
    customer_id: CustomerId,
    operator_id: OperatorId,
) -> BillingResult<Call> {
    if !tenant.customer_exists(customer_id).await? {
        return Err(BillingError::NotFound);
    }
    let operator = tenant.get_operator(operator_id).await?;
    if !operator.active {
        return Err(BillingError::OperatorUnavailable);
    }
    let op = operator.id;
    let customer = customer_id.to_string();
    let tariff = load_tariff(tenant).await?;
    let call_tariff = tariff.call_tariff(operator.rate_per_minute);
    let tariff_json = serde_json::to_string(&call_tariff).map_err(StoreError::from)?;
    // Two tries: another call of the same customer may take the same free seconds or money
    // between our read and our reservation; the second try sees what is left.
    for _ in 0..2 {
        let wallet = wallet(tenant, &customer, call_tariff.currency).await?;
        let packages = rating_packages(tenant, customer_id).await?;
        let now = now_ms();
        let auth = authorize_call(
            wallet.balance - wallet.held,
            &call_tariff,
            &packages,
            now,
            Some(op),
        );
        if auth.allowed_secs == 0 {
            return Err(no_balance());
        }
        let at_limit = rate_call(&call_tariff, auth.allowed_secs, &packages, now, Some(op));
        let reserved: Vec<PackageSeconds> = at_limit
            .package_usage
            .iter()
            .map(|u| PackageSeconds {
                package_id: u.package_id,
                seconds: u.seconds,
            })
            .collect();
        let opened = tenant
            .open_call(NewCall {
                customer_id,
                operator_id: operator.id,
                tariff_json: &tariff_json,
                wallet: &wallet,
                reserve: auth.reserve,
                packages: &reserved,
                allowed_secs: auth.allowed_secs,
                started_at: now,
                expires_at: now + (i64::from(auth.allowed_secs) + GRACE_SECS) * 1000,
            })
            .await;
        match opened {
            Ok(Some(row)) => return Call::from_row(&row),
            Ok(None) | Err(StoreError::Conflict(_)) => continue,
            Err(e) => return Err(e.into()),
        }
    }
    Err(no_balance())
}

/// `answered`: the call connected; it may now run for its allowed seconds.
async fn answered(tenant: &TenantStore, call: &CallRow) -> Result<(), StoreError> {
    let now = now_ms();
    tenant
        .call_answered(call.id, now, now + (call.allowed_secs + GRACE_SECS) * 1000)
        .await
}

/// `heartbeat`: the call is still up.
async fn heartbeat(tenant: &TenantStore, call: &CallRow) -> Result<(), StoreError> {
    tenant
        .push_call_expiry(call.id, now_ms() + GRACE_SECS * 1000)
        .await
}

/// `ended`: rates the call with the tariff and free seconds fixed at its start (durations
/// past the allowed limit are cut to it) and settles it once.
async fn settle(
    tenant: &TenantStore,
    call: &CallRow,
    duration_secs: u32,
) -> BillingResult<CallRow> {
    if !call.is_open() {
        return Ok(call.clone());
    }
    let tariff: CallTariff = serde_json::from_str(&call.tariff).map_err(BillingError::corrupt)?;
    let op = Some(call.operator_id);
    let reserved = call.reserved()?;
    // The call may use exactly the seconds reserved for it, from the same packages.
    let rows = tenant.customer_packages(call.customer_id).await?;
    let packages: Vec<FreePackage> = reserved
        .iter()
        .filter_map(|r| {
            let row = rows.iter().find(|p| p.id == r.package_id.to_string())?;
            let mut p = row.to_rating()?;
            p.seconds_remaining = r.seconds;
            Some(p)
        })
        .collect();
    let duration = duration_secs.min(u32::try_from(call.allowed_secs).unwrap_or(u32::MAX));
    let charge = rate_call(&tariff, duration, &packages, call.started_at, op);
    let currency: Currency = tariff.currency;
    let wallet = wallet(tenant, &call.customer_id.to_string(), currency).await?;
    let operator = operator_account(tenant, &call.operator_id.to_string(), currency).await?;
    let platform = platform_account(tenant, currency).await?;
    let used: Vec<PackageSeconds> = charge
        .package_usage
        .iter()
        .map(|u| PackageSeconds {
            package_id: u.package_id,
            seconds: u.seconds,
        })
        .collect();
    let charge_json = serde_json::to_string(&charge).map_err(StoreError::from)?;
    Ok(tenant
        .settle_call(
            call.id,
            Settlement {
                wallet: &wallet,
                duration_secs: duration,
                charge_json: &charge_json,
                total: charge.total,
                operator_share: charge.split.operator,
                platform_share: charge.split.platform,
                used_packages: &used,
                operator_account: &operator,
                platform_account: &platform,
            },
        )
        .await?)
}
