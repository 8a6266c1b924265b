//! `/api/v1/billing/...`: the tariff, payment-provider keys, balances and ledger history per
//! customer, per operator and for the platform, manual credits and debits (owner or finance,
//! audited), and free-minute grants — one module per resource over `switchboard_billing`,
//! with the answers' schemas in [`views`] and the one mapping of billing errors in [`error`].
use switchboard_billing::payments::Payments;
use switchboard_domain::Role;

use crate::{app::AppState, auth::Tenant, error::ApiResult};

mod adjustments;
mod customers;
mod error;
mod ledger;
mod providers;
mod tariff;
pub mod views;

pub use adjustments::*;
pub use customers::*;
pub use ledger::*;
pub use providers::*;
pub use tariff::*;

pub(crate) const STAFF: &[Role] = &[Role::Owner, Role::Admin, Role::Agent, Role::Finance];
pub(crate) const MONEY: &[Role] = &[Role::Owner, Role::Finance];
pub(crate) const SETTINGS: &[Role] = &[Role::Owner, Role::Admin, Role::Finance];

pub(crate) fn billing_tenant(tenant: &Tenant, roles: &[Role]) -> ApiResult<()> {
    tenant.require_role(roles)
}

/// The payment service over this process's store, keys, HTTP client and URLs.
pub(crate) fn payments(state: &AppState) -> Payments<'_> {
    Payments {
        store: &state.store,
        secrets: &state.secrets,
        http: &state.http,
        worker: &state.worker,
        public_base: state.config.public_base(),
        stripe_api_base: &state.config.stripe_api_base,
        square_api_base: &state.config.square_api_base,
    }
}
