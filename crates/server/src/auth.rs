//! Who is calling, and for which business. `Auth` resolves the bearer credential (platform admin
//! token, business API key, or staff session from the header or the `sb_session` cookie);
//! `Tenant` adds the business every scoped query runs against. A business-scoped handler takes
//! `Tenant`, so it cannot forget the business filter.
use axum::{extract::FromRequestParts, http::request::Parts};
use axum_extra::extract::CookieJar;
use secrecy::ExposeSecret;
use subtle::ConstantTimeEq;
use switchboard_domain::{BusinessId, Role, SessionId};
use switchboard_store::{
    StoreError, TenantStore,
    audit::AuditRecord,
    auth::{ApiKey, Credential},
    businesses::Business,
    users::User,
};

use crate::{
    app::AppState,
    error::{ApiError, ErrorCode},
    ops::request_id::current_request_id,
};

pub const SESSION_COOKIE: &str = "sb_session";
/// Header the platform admin uses to act inside one business.
pub const BUSINESS_HEADER: &str = "x-business-id";

#[derive(Clone, Debug)]
pub enum Principal {
    PlatformAdmin,
    ApiKey(ApiKey),
    User { user: User, session_id: SessionId },
}

impl Principal {
    /// How the audit log names this caller.
    pub fn actor(&self) -> String {
        match self {
            Principal::PlatformAdmin => "admin".into(),
            Principal::ApiKey(k) => format!("api_key:{}", k.id),
            Principal::User { user, .. } => format!("user:{}", user.id),
        }
    }

    pub fn business_id(&self) -> Option<BusinessId> {
        match self {
            Principal::PlatformAdmin => None,
            Principal::ApiKey(k) => Some(k.business_id),
            Principal::User { user, .. } => Some(user.business_id),
        }
    }

    /// The caller's role inside its business; the platform admin has every right.
    pub fn role(&self) -> Option<Role> {
        match self {
            Principal::PlatformAdmin => None,
            Principal::ApiKey(k) => Some(k.role),
            Principal::User { user, .. } => Some(user.role),
        }
    }
}

fn bearer(parts: &Parts) -> Option<String> {
    if let Some(v) = parts.headers.get(axum::http::header::AUTHORIZATION) {
        let v = v.to_str().ok()?;
        let (scheme, token) = v.split_once(' ')?;
        return scheme
            .eq_ignore_ascii_case("bearer")
            .then(|| token.trim().to_string());
    }
    CookieJar::from_headers(&parts.headers)
        .get(SESSION_COOKIE)
        .map(|c| c.value().to_string())
}

/// An authenticated caller.
pub struct Auth(pub Principal);

impl FromRequestParts<AppState> for Auth {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        if let Some(p) = parts.extensions.get::<Principal>() {
            return Ok(Auth(p.clone()));
        }
        let token = bearer(parts).ok_or(ApiError::Unauthorized)?;
        if token.is_empty() || token.len() > 512 {
            return Err(ApiError::Unauthorized);
        }
        let principal = if let Some(admin) = &state.config.admin_token
            && bool::from(admin.expose_secret().as_bytes().ct_eq(token.as_bytes()))
        {
            Principal::PlatformAdmin
        } else {
            match state.store.authenticate(&token).await {
                Ok(Credential::ApiKey(k)) => Principal::ApiKey(k),
                Ok(Credential::Session { user, session_id }) => {
                    Principal::User { user, session_id }
                }
                Err(StoreError::NotFound) => return Err(ApiError::Unauthorized),
                Err(e) => return Err(e.into()),
            }
        };
        parts.extensions.insert(principal.clone());
        Ok(Auth(principal))
    }
}

/// The platform admin, and nobody else.
pub struct PlatformAdmin;

impl FromRequestParts<AppState> for PlatformAdmin {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        match Auth::from_request_parts(parts, state).await?.0 {
            Principal::PlatformAdmin => Ok(PlatformAdmin),
            _ => Err(ApiError::forbidden("platform admin only")),
        }
    }
}

/// The business a request acts in, with the caller and a store scoped to it.
#[derive(Clone)]
pub struct Tenant {
    pub business: Business,
    pub principal: Principal,
    pub store: TenantStore,
}

impl Tenant {
    pub fn id(&self) -> BusinessId {
        self.business.id
    }

    pub fn is_admin(&self) -> bool {
        matches!(self.principal, Principal::PlatformAdmin)
    }

    /// Passes for the platform admin and for callers holding one of `roles`.
    pub fn require_role(&self, roles: &[Role]) -> Result<(), ApiError> {
        match self.principal.role() {
            None => Ok(()),
            Some(r) if roles.contains(&r) => Ok(()),
            Some(r) => Err(ApiError::forbidden(format!(
                "role `{r}` may not do this (needs one of: {})",
                roles
                    .iter()
                    .map(|r| r.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            ))),
        }
    }

    /// The server-side feature guard: a disabled feature answers 403 `feature_disabled`.
    pub fn require_feature(&self, feature: switchboard_domain::Feature) -> Result<(), ApiError> {
        if self.business.feature_enabled(feature) {
            Ok(())
        } else {
            Err(ApiError::FeatureDisabled(feature.to_string()))
        }
    }

    pub fn actor(&self) -> String {
        self.principal.actor()
    }

    /// An audit entry for an action of this caller in this business, tied to the request.
    pub fn audit_record(
        &self,
        action: impl Into<String>,
        target: Option<String>,
        details: serde_json::Value,
    ) -> AuditRecord {
        AuditRecord {
            business_id: Some(self.id()),
            actor: self.actor(),
            action: action.into(),
            target,
            details,
            request_id: Some(current_request_id()),
        }
    }

    /// Writes [`audit_record`](Self::audit_record) to the audit log.
    pub async fn audit(
        &self,
        action: impl Into<String>,
        target: Option<String>,
        details: serde_json::Value,
    ) -> Result<(), ApiError> {
        self.store
            .store()
            .audit(self.audit_record(action, target, details))
            .await?;
        Ok(())
    }
}

impl FromRequestParts<AppState> for Tenant {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        if let Some(t) = parts.extensions.get::<Tenant>() {
            return Ok(t.clone());
        }
        let Auth(principal) = Auth::from_request_parts(parts, state).await?;
        let business_id = match principal.business_id() {
            Some(id) => id,
            None => parts
                .headers
                .get(BUSINESS_HEADER)
                .and_then(|v| v.to_str().ok())
                .ok_or_else(|| {
                    ApiError::bad_request(
                        ErrorCode::BusinessRequired,
                        "the platform admin names the business with the X-Business-Id header",
                    )
                })?
                .parse()
                .map_err(|_| {
                    ApiError::bad_request(
                        ErrorCode::InvalidBusinessId,
                        "X-Business-Id is not an id",
                    )
                })?,
        };
        let business = state.store.get_business(business_id).await?;
        let tenant = Tenant {
            store: state.store.tenant(business.id),
            business,
            principal,
        };
        parts.extensions.insert(tenant.clone());
        Ok(tenant)
    }
}
