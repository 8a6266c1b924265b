//! Top-ups: `POST /api/v1/topups` (staff create one for a customer and get the provider's
//! payment page) and the public payment page `/pay/{business}` whose form (amount and an
//! E.164 phone) creates a top-up bound to that number and redirects (303) to the provider.
use axum::{
    extract::State,
    http::{StatusCode, header},
    response::{Html, IntoResponse, Response},
};
use serde::Deserialize;
use switchboard_billing::{
    PaymentProvider,
    accounts::load_tariff,
    payments::topups::{self, Payer, check_offered_amount, paying_business},
};
use switchboard_domain::{BusinessId, CustomerId, Money, PhoneE164, TopupId};

use crate::{
    api::billing::{STAFF, billing_tenant, payments, views::TopupView},
    app::AppState,
    auth::Tenant,
    error::{ApiError, ApiResult, ErrorBody, ErrorCode},
    extract::{AppJson, AppPath, RawBody},
    ops::limits::ClientIp,
};

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateTopup {
    /// The customer to credit; or give `phone` to find (or register) them by number.
    pub customer_id: Option<CustomerId>,
    /// E.164 phone the top-up is bound to.
    pub phone: Option<String>,
    /// One of the tariff's top-up amounts, minor units of its currency.
    pub amount: i64,
    /// Default: the tariff's provider, or the only one configured.
    pub provider: Option<PaymentProvider>,
}

fn parse_phone(p: &str) -> ApiResult<String> {
    PhoneE164::parse(p)
        .map(|p| p.as_str().to_string())
        .map_err(|_| {
            ApiError::validation(format!(
                "`{}` is not an E.164 phone number (+ and country code)",
                p.chars().take(32).collect::<String>()
            ))
        })
}

/// Create a top-up and its payment page at the provider (`checkout_url`).
#[utoipa::path(post, path = "/api/v1/topups", tag = "billing", request_body = CreateTopup,
    responses((status = 201, body = TopupView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody), (status = 503, body = ErrorBody)))]
pub async fn create(
    State(state): State<AppState>,
    tenant: Tenant,
    AppJson(body): AppJson<CreateTopup>,
) -> ApiResult<(StatusCode, AppJson<TopupView>)> {
    billing_tenant(&tenant, STAFF)?;
    let phone = body.phone.as_deref().map(parse_phone).transpose()?;
    let payer = match (body.customer_id, phone) {
        (Some(c), phone) => Payer::Customer(c, phone),
        (None, Some(p)) => Payer::RegisterPhone(p),
        (None, None) => return Err(ApiError::validation("give `customer_id` or `phone`")),
    };
    let topup = payments(&state)
        .create_topup(&tenant.business, payer, body.amount, body.provider)
        .await?;
    Ok((StatusCode::CREATED, AppJson((&topup).into())))
}

/// One top-up.
#[utoipa::path(get, path = "/api/v1/topups/{id}", tag = "billing",
    params(("id" = String, Path, description = "Top-up id")),
    responses((status = 200, body = TopupView), (status = 404, body = ErrorBody)))]
pub async fn get_one(
    tenant: Tenant,
    AppPath(id): AppPath<TopupId>,
) -> ApiResult<AppJson<TopupView>> {
    billing_tenant(&tenant, STAFF)?;
    Ok(AppJson((&topups::get(&tenant.store, id).await?).into()))
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#39;")
}

/// The public payment page: choose an amount, enter the phone number to credit.
#[utoipa::path(get, path = "/pay/{business_id}", tag = "billing", security(()),
    params(("business_id" = BusinessId, Path, description = "Business id")),
    responses((status = 200, description = "HTML payment page", content_type = "text/html"), (status = 404, body = ErrorBody)))]
pub async fn pay_page(
    State(state): State<AppState>,
    AppPath(id): AppPath<BusinessId>,
) -> ApiResult<Response> {
    let business = paying_business(&state.store, id).await?;
    let tariff = load_tariff(&state.store.tenant(business.id)).await?;
    let page = switchboard_i18n::billing::pay_page(business.default_language, &business.name);
    let name = escape(&business.name);
    let options: String = tariff
        .topup_amounts
        .iter()
        .enumerate()
        .map(|(i, a)| {
            let label = escape(&switchboard_i18n::format::money_of(
                Money::new(*a, tariff.currency),
                business.default_language,
            ));
            let checked = if i == 0 { " checked" } else { "" };
            format!("<label><input type=\"radio\" name=\"amount\" value=\"{a}\"{checked} required> {label}</label><br>\n")
        })
        .collect();
    let dir = if business.default_language.is_rtl() {
        "rtl"
    } else {
        "ltr"
    };
    let lang = business.default_language.code();
    let (title, intro, phone, submit) = (
        escape(&page.title),
        escape(&page.intro),
        escape(&page.phone),
        escape(&page.submit),
    );
    let html = format!(
        "<!doctype html>\n<html lang=\"{lang}\" dir=\"{dir}\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
<title>{title}</title></head><body>\n<h1>{name}</h1>\n<p>{intro}</p>\n\
<form method=\"post\" action=\"/pay/{id}\">\n{options}\
<label>{phone} <input type=\"tel\" name=\"phone\" required pattern=\"\\+[1-9][0-9]{{6,14}}\" placeholder=\"+14155550100\" autocomplete=\"tel\" dir=\"ltr\"></label><br>\n\
<button type=\"submit\">{submit}</button>\n</form>\n</body></html>\n",
        id = business.id
    );
    Ok(Html(html).into_response())
}

#[derive(Debug, Deserialize)]
struct PayForm {
    amount: String,
    phone: String,
}

/// The payment form: creates a top-up for the phone number and sends the browser to the
/// provider's payment page (303). Limited per client IP and per phone (429 with
/// `Retry-After`); the customer is registered only when the payment succeeds.
#[utoipa::path(post, path = "/pay/{business_id}", tag = "billing", security(()),
    params(("business_id" = BusinessId, Path, description = "Business id")),
    request_body(content = String, content_type = "application/x-www-form-urlencoded", description = "`amount` (minor units) and `phone` (E.164)"),
    responses((status = 303, description = "Redirect to the provider's payment page"), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody), (status = 429, body = ErrorBody)))]
pub async fn pay_submit(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    AppPath(id): AppPath<BusinessId>,
    RawBody(body): RawBody,
) -> ApiResult<Response> {
    state.limits.webhook(&format!("pay:{id}"))?;
    state.limits.pay_from_ip(&id.to_string(), ip)?;
    let business = paying_business(&state.store, id).await?;
    let form: PayForm = serde_urlencoded::from_bytes(&body).map_err(|e| {
        ApiError::bad_request(ErrorCode::InvalidForm, format!("form not understood: {e}"))
    })?;
    let phone = parse_phone(form.phone.trim())?;
    let amount: i64 = form
        .amount
        .trim()
        .parse()
        .map_err(|_| ApiError::validation("amount must be a whole number of minor units"))?;
    check_offered_amount(&state.store.tenant(business.id), amount).await?;
    state.limits.pay_for_phone(&id.to_string(), &phone)?;
    // Bound to the phone only: the customer is registered when the payment is credited, so
    // forms that are never paid leave no customer behind.
    let topup = payments(&state)
        .create_topup(&business, Payer::PhoneOnly(phone), amount, None)
        .await?;
    let url = topup
        .checkout_url
        .ok_or_else(|| ApiError::Internal(anyhow::anyhow!("top-up without a checkout url")))?;
    Ok((StatusCode::SEE_OTHER, [(header::LOCATION, url)]).into_response())
}
