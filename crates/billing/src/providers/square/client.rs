//! Creating payment links and reading orders through Square's API.
use std::fmt;

use serde::Deserialize;
use serde_json::json;
use switchboard_domain::Money;

use super::super::http::{Dialect, ErrorDetail, send_json};
use super::super::{ProviderError, is_reference_id};
use super::event::SquareMoney;

const PROVIDER: &str = "square";

const DIALECT: Dialect = Dialect {
    name: PROVIDER,
    error_detail: square_error_detail,
    should_retry_header: None,
};

/// Square errors look like `{"errors": [{"category", "code", "detail", "field"}]}`; the first
/// one is the one to report.
fn square_error_detail(body: &[u8]) -> ErrorDetail {
    #[derive(Deserialize)]
    struct Envelope {
        errors: Vec<Detail>,
    }
    #[derive(Deserialize)]
    struct Detail {
        code: Option<String>,
        detail: Option<String>,
    }
    match serde_json::from_slice::<Envelope>(body) {
        Ok(env) => env
            .errors
            .into_iter()
            .next()
            .map_or_else(ErrorDetail::default, |d| ErrorDetail {
                code: d.code,
                message: d.detail,
            }),
        Err(_) => ErrorDetail::default(),
    }
}

/// Talks to Square with an access token, for one location.
#[derive(Clone)]
pub struct SquareClient {
    http: reqwest::Client,
    api_base: String,
    access_token: String,
    location_id: String,
    version: String,
}

// The access token must never reach a log line.
impl fmt::Debug for SquareClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SquareClient")
            .field("api_base", &self.api_base)
            .field("access_token", &"[redacted]")
            .field("location_id", &self.location_id)
            .field("version", &self.version)
            .finish()
    }
}

/// A created payment link: send `url` to the customer; `order_id` is how payments find the
/// top-up again.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CreatedPaymentLink {
    pub id: String,
    pub url: String,
    pub order_id: String,
}

/// The parts of a Square `Order` we use.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct SquareOrder {
    pub id: String,
    /// Our top-up id, set when the link was created.
    #[serde(default)]
    pub reference_id: Option<String>,
    #[serde(default)]
    pub location_id: Option<String>,
    /// `DRAFT` until paid, then `OPEN` / `COMPLETED`.
    #[serde(default)]
    pub state: Option<String>,
    #[serde(default)]
    pub total_money: Option<SquareMoney>,
}

#[derive(Deserialize)]
struct LinkResponse {
    payment_link: Link,
}

#[derive(Deserialize)]
struct Link {
    id: String,
    url: String,
    order_id: String,
}

#[derive(Deserialize)]
struct OrderResponse {
    order: SquareOrder,
}

impl SquareClient {
    pub const DEFAULT_API_BASE: &'static str = "https://connect.squareup.com";
    /// The API version we were written against; sent on every call so a change to the
    /// application's pinned version in Square's dashboard cannot change response shapes.
    pub const DEFAULT_VERSION: &'static str = "2025-01-23";

    pub fn new(
        http: reqwest::Client,
        access_token: impl Into<String>,
        location_id: impl Into<String>,
    ) -> Self {
        Self {
            http,
            api_base: Self::DEFAULT_API_BASE.to_string(),
            access_token: access_token.into(),
            location_id: location_id.into(),
            version: Self::DEFAULT_VERSION.to_string(),
        }
    }

    /// Points the client elsewhere: `https://connect.squareupsandbox.com`, or a fake server.
    pub fn with_api_base(mut self, api_base: impl Into<String>) -> Self {
        self.api_base = api_base.into().trim_end_matches('/').to_string();
        self
    }

    /// Overrides the `Square-Version` header.
    pub fn with_version(mut self, version: impl Into<String>) -> Self {
        self.version = version.into();
        self
    }

    fn authed(&self, request: reqwest::RequestBuilder) -> reqwest::RequestBuilder {
        request
            .bearer_auth(&self.access_token)
            .header("Square-Version", &self.version)
    }

    /// `POST /v2/online-checkout/payment-links` with an order of one line item, so the order's
    /// `reference_id` carries our top-up id (a quick-pay link could not).
    #[tracing::instrument(skip_all, fields(topup_id = topup_id), err)]
    pub async fn create_payment_link(
        &self,
        topup_id: &str,
        amount: Money,
        name: &str,
    ) -> Result<CreatedPaymentLink, ProviderError> {
        // Order.reference_id holds at most 40 characters; a UUID takes 36.
        if !is_reference_id(topup_id, 40) {
            return Err(ProviderError::invalid_request(
                PROVIDER,
                "top-up id must be 1-40 letters, digits, '-' or '_'",
            ));
        }
        if !amount.currency.is_fiat() || amount.minor <= 0 {
            return Err(ProviderError::invalid_request(
                PROVIDER,
                format!("cannot charge {amount}"),
            ));
        }
        let body = json!({
            // The top-up id: a retried request returns the first link instead of a second one.
            "idempotency_key": topup_id,
            "order": {
                "location_id": self.location_id,
                "reference_id": topup_id,
                "line_items": [{
                    "name": name,
                    "quantity": "1",
                    "base_price_money": { "amount": amount.minor, "currency": amount.currency.code() },
                }],
            },
        });
        let request = self.authed(
            self.http
                .post(format!(
                    "{}/v2/online-checkout/payment-links",
                    self.api_base
                ))
                .json(&body),
        );
        let link: LinkResponse = send_json(&DIALECT, request).await?;
        Ok(CreatedPaymentLink {
            id: link.payment_link.id,
            url: link.payment_link.url,
            order_id: link.payment_link.order_id,
        })
    }

    /// `GET /v2/orders/{order_id}`: how a completed payment finds its top-up
    /// (`reference_id`).
    #[tracing::instrument(skip(self), err)]
    pub async fn retrieve_order(&self, order_id: &str) -> Result<SquareOrder, ProviderError> {
        // The id goes into the URL path and arrived in a webhook body: only Square-shaped ids.
        if !is_reference_id(order_id, 192) {
            return Err(ProviderError::invalid_request(
                PROVIDER,
                "order id must be letters, digits, '-' or '_'",
            ));
        }
        let request = self.authed(
            self.http
                .get(format!("{}/v2/orders/{order_id}", self.api_base)),
        );
        let order: OrderResponse = send_json(&DIALECT, request).await?;
        Ok(order.order)
    }
}
