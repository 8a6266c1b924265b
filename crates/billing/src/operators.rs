//! Operators of a paid line: people customers call, each with an optional per-minute rate
//! of their own (absent: the tariff's default rate).
use switchboard_domain::{OperatorId, PhoneE164, UserId};
use switchboard_store::{
    TenantStore,
    billing::operators::{Operator, OperatorFields},
};

use crate::{BillingError, error::BillingResult};

/// A new operator as staff described it.
#[derive(Clone, Debug)]
pub struct NewOperator<'a> {
    pub name: &'a str,
    /// The staff user who works as this operator.
    pub user_id: Option<UserId>,
    /// E.164 number calls are bridged to.
    pub phone: Option<&'a str>,
    /// Minor units per minute.
    pub rate_per_minute: Option<i64>,
}

/// Fields to change; `None` leaves one as it is.
#[derive(Clone, Debug, Default)]
pub struct OperatorChanges<'a> {
    pub name: Option<&'a str>,
    pub rate_per_minute: Option<i64>,
    pub active: Option<bool>,
    pub phone: Option<&'a str>,
}

fn check_rate(rate: Option<i64>) -> BillingResult<()> {
    match rate {
        Some(r) if !(0..=1_000_000).contains(&r) => Err(BillingError::Validation(
            "rate_per_minute must be from 0 to 1000000 minor units".into(),
        )),
        _ => Ok(()),
    }
}

fn check_phone(phone: Option<&str>) -> BillingResult<Option<String>> {
    phone
        .map(|p| {
            PhoneE164::parse(p)
                .map(|p| p.as_str().to_string())
                .map_err(|_| {
                    BillingError::Validation(format!("`{p}` is not an E.164 phone number"))
                })
        })
        .transpose()
}

fn check_name(name: &str) -> BillingResult<String> {
    let n = name.trim();
    if n.is_empty() || n.chars().count() > 200 {
        return Err(BillingError::Validation(
            "name must be 1 to 200 characters".into(),
        ));
    }
    Ok(n.to_string())
}

pub async fn list(tenant: &TenantStore) -> BillingResult<Vec<Operator>> {
    Ok(tenant.list_operators().await?)
}

pub async fn get(tenant: &TenantStore, id: OperatorId) -> BillingResult<Operator> {
    Ok(tenant.get_operator(id).await?)
}

pub async fn create(tenant: &TenantStore, n: NewOperator<'_>) -> BillingResult<Operator> {
    let name = check_name(n.name)?;
    check_rate(n.rate_per_minute)?;
    let phone = check_phone(n.phone)?;
    let user = match n.user_id {
        Some(u) => Some(tenant.get_user(u).await?.id),
        None => None,
    };
    Ok(tenant
        .create_operator(&name, user, phone.as_deref(), n.rate_per_minute)
        .await?)
}

pub async fn update(
    tenant: &TenantStore,
    id: OperatorId,
    c: OperatorChanges<'_>,
) -> BillingResult<Operator> {
    check_rate(c.rate_per_minute)?;
    let fields = OperatorFields {
        name: c.name.map(check_name).transpose()?,
        rate_per_minute: c.rate_per_minute.map(Some),
        active: c.active,
        phone: check_phone(c.phone)?.map(Some),
        user_id: None,
    };
    Ok(tenant.update_operator(id, fields).await?)
}
