//! `/api/v1/auth`: staff sign-in with e-mail and password. The answer carries a session token
//! (also set as the `sb_session` cookie for the web UI).
use axum::{extract::State, response::IntoResponse};
use axum_extra::extract::{
    CookieJar,
    cookie::{Cookie, SameSite},
};
use serde::{Deserialize, Serialize};
use switchboard_store::StoreError;

use crate::{
    api::users::User,
    app::AppState,
    auth::{Auth, Principal, SESSION_COOKIE},
    error::{ApiError, ApiResult, ErrorBody},
    extract::AppJson,
    ops::limits::ClientIp,
};

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Login {
    pub email: String,
    pub password: String,
    /// Needed only when the e-mail belongs to staff of several businesses.
    pub business: Option<String>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct LoginAnswer {
    /// Bearer token for the API; the same value is set as the `sb_session` cookie.
    pub token: String,
    #[serde(with = "crate::api::time::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub expires_at: i64,
    pub user: User,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Me {
    /// `admin`, `api_key` or `user`.
    pub kind: String,
    pub user: Option<User>,
    pub business: Option<crate::api::businesses::BusinessView>,
    pub role: Option<switchboard_domain::Role>,
}

/// Sign in. Repeated failures for one e-mail (known or not) or from one address are answered
/// 429 with `Retry-After`, for a time that doubles with each further failure.
#[utoipa::path(post, path = "/api/v1/auth/login", tag = "auth", request_body = Login, security(()),
    responses((status = 200, body = LoginAnswer), (status = 401, body = ErrorBody), (status = 422, body = ErrorBody), (status = 429, body = ErrorBody)))]
pub async fn login(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    AppJson(body): AppJson<Login>,
) -> ApiResult<impl IntoResponse> {
    if body.email.len() > 254 || body.password.len() > 256 {
        return Err(ApiError::validation("e-mail or password too long"));
    }
    state.sign_in.check(&body.email, ip)?;
    let (user, token, expires_at) = match state
        .store
        .sign_in(&body.email, &body.password, body.business.as_deref())
        .await
    {
        Ok(v) => v,
        Err(StoreError::NotFound) => {
            state.sign_in.failed(&body.email, ip);
            return Err(ApiError::Unauthorized);
        }
        Err(e) => return Err(e.into()),
    };
    state.sign_in.succeeded(&body.email);
    let cookie = session_cookie(
        token.clone(),
        switchboard_store::auth::SESSION_TTL_MS / 1000,
    )
    .secure(state.config.public_url.starts_with("https://"));
    let headers = CookieJar::new().add(cookie);
    Ok((
        headers,
        AppJson(LoginAnswer {
            token,
            expires_at,
            user: user.into(),
        }),
    ))
}

/// Sign out (ends the session used for this request).
#[utoipa::path(post, path = "/api/v1/auth/logout", tag = "auth",
    responses((status = 204), (status = 401, body = ErrorBody)))]
pub async fn logout(
    State(state): State<AppState>,
    Auth(principal): Auth,
) -> ApiResult<impl IntoResponse> {
    if let Principal::User { user, session_id } = principal {
        state.store.sign_out(session_id, user.id).await?;
    }
    let clear = CookieJar::new().add(session_cookie(String::new(), 0));
    Ok((axum::http::StatusCode::NO_CONTENT, clear))
}

/// The staff session cookie: the whole site, not readable by scripts, sent on top-level
/// navigation only; `max_age_secs` 0 clears it.
fn session_cookie(value: String, max_age_secs: i64) -> cookie::CookieBuilder<'static> {
    Cookie::build((SESSION_COOKIE, value))
        .path("/")
        .http_only(true)
        .same_site(SameSite::Lax)
        .max_age(cookie::time::Duration::seconds(max_age_secs))
}

/// Who am I.
#[utoipa::path(get, path = "/api/v1/auth/me", tag = "auth",
    responses((status = 200, body = Me), (status = 401, body = ErrorBody)))]
pub async fn me(State(state): State<AppState>, Auth(principal): Auth) -> ApiResult<AppJson<Me>> {
    let business = match principal.business_id() {
        Some(id) => Some((&state.store.get_business(id).await?).into()),
        None => None,
    };
    let (kind, user) = match &principal {
        Principal::PlatformAdmin => ("admin", None),
        Principal::ApiKey(_) => ("api_key", None),
        Principal::User { user, .. } => ("user", Some(user.clone().into())),
    };
    Ok(AppJson(Me {
        kind: kind.into(),
        user,
        business,
        role: principal.role(),
    }))
}

#[cfg(test)]
mod tests;
