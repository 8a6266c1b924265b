//! Account histories: a customer's wallet, an operator's earnings (operators see their own;
//! money roles see everyone's) and the platform's revenue, newest first.
use serde::{Deserialize, Serialize};
use switchboard_billing::{
    operators,
    statements::{self, PageQuery},
};
use switchboard_domain::{CustomerId, OperatorId, Role};

use super::{
    MONEY, STAFF, billing_tenant,
    views::{BalanceView, LedgerEntryView},
};
use crate::{
    auth::{Principal, Tenant},
    error::{ApiResult, ErrorBody},
    extract::{AppJson, AppPath, AppQuery},
};

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

impl LedgerQuery {
    fn page(&self) -> PageQuery<'_> {
        PageQuery {
            currency: self.currency.as_deref(),
            limit: self.limit,
            cursor: self.cursor.as_deref(),
        }
    }
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct LedgerPage {
    pub account: BalanceView,
    pub entries: Vec<LedgerEntryView>,
    pub next_cursor: Option<String>,
}

impl From<statements::LedgerPage> for LedgerPage {
    fn from(p: statements::LedgerPage) -> Self {
        LedgerPage {
            account: (&p.account).into(),
            entries: p.entries.iter().map(Into::into).collect(),
            next_cursor: p.next_cursor,
        }
    }
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
    let page = statements::customer_ledger(&tenant.store, id, q.page()).await?;
    Ok(AppJson(page.into()))
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
    let op = operators::get(&tenant.store, id).await?;
    // Operators see their own earnings; money roles see everyone's.
    let own = matches!(&tenant.principal, Principal::User { user, .. }
        if op.user_id == Some(user.id));
    if !own {
        tenant.require_role(&[Role::Owner, Role::Admin, Role::Finance])?;
    }
    let page = statements::operator_ledger(&tenant.store, op.id, q.page()).await?;
    Ok(AppJson(page.into()))
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
    let page = statements::platform_ledger(&tenant.store, q.page()).await?;
    Ok(AppJson(page.into()))
}
