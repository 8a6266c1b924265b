//! Creating Checkout Sessions through Stripe's API.
use std::fmt;

use serde::Deserialize;
use switchboard_domain::Money;

use super::super::http::{Dialect, ErrorDetail, send_json};
use super::super::{ProviderError, is_reference_id};

const PROVIDER: &str = "stripe";

const DIALECT: Dialect = Dialect {
    name: PROVIDER,
    error_detail: stripe_error_detail,
    // Stripe tells clients outright whether a failed request is worth repeating (e.g. a 409
    // from a concurrent request with the same idempotency key is).
    should_retry_header: Some("stripe-should-retry"),
};

/// Stripe errors look like `{"error": {"type", "code", "message", ...}}`; `code` is absent on
/// some errors, in which case `type` is the best code we have.
fn stripe_error_detail(body: &[u8]) -> ErrorDetail {
    #[derive(Deserialize)]
    struct Envelope {
        error: Detail,
    }
    #[derive(Deserialize)]
    struct Detail {
        code: Option<String>,
        #[serde(rename = "type")]
        kind: Option<String>,
        message: Option<String>,
    }
    match serde_json::from_slice::<Envelope>(body) {
        Ok(Envelope { error }) => ErrorDetail {
            code: error.code.or(error.kind),
            message: error.message,
        },
        Err(_) => ErrorDetail::default(),
    }
}

/// Talks to Stripe with a secret key.
#[derive(Clone)]
pub struct StripeClient {
    http: reqwest::Client,
    api_base: String,
    secret_key: String,
}

// The secret key must never reach a log line.
impl fmt::Debug for StripeClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("StripeClient")
            .field("api_base", &self.api_base)
            .field("secret_key", &"[redacted]")
            .finish()
    }
}

/// What to charge for one top-up.
#[derive(Debug, Clone, Copy)]
pub struct NewCheckoutSession<'a> {
    /// Our top-up id: becomes `client_reference_id`, `metadata[topup_id]` and the
    /// `Idempotency-Key`, so a retried request cannot create a second session.
    pub topup_id: &'a str,
    pub amount: Money,
    /// Line item name on the payment page, e.g. "Balance top-up $20.00".
    pub product_name: &'a str,
    pub success_url: &'a str,
    pub cancel_url: &'a str,
    /// The customer's phone (E.164), kept in metadata so staff can find the payment in
    /// Stripe's dashboard. Never in `client_reference_id`, which rejects `+`.
    pub customer_phone: Option<&'a str>,
}

/// A created session: send `url` to the customer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CreatedCheckoutSession {
    pub id: String,
    pub url: String,
}

#[derive(Deserialize)]
struct SessionResponse {
    id: String,
    url: Option<String>,
}

impl StripeClient {
    pub const DEFAULT_API_BASE: &'static str = "https://api.stripe.com";

    pub fn new(http: reqwest::Client, secret_key: impl Into<String>) -> Self {
        Self {
            http,
            api_base: Self::DEFAULT_API_BASE.to_string(),
            secret_key: secret_key.into(),
        }
    }

    /// Points the client elsewhere (a fake server in tests).
    pub fn with_api_base(mut self, api_base: impl Into<String>) -> Self {
        self.api_base = api_base.into().trim_end_matches('/').to_string();
        self
    }

    /// `POST /v1/checkout/sessions` for a one-off payment of `amount`.
    #[tracing::instrument(skip_all, fields(topup_id = req.topup_id), err)]
    pub async fn create_checkout_session(
        &self,
        req: &NewCheckoutSession<'_>,
    ) -> Result<CreatedCheckoutSession, ProviderError> {
        // Stripe allows 200 characters in client_reference_id.
        if !is_reference_id(req.topup_id, 200) {
            return Err(ProviderError::invalid_request(
                PROVIDER,
                "top-up id must be 1-200 letters, digits, '-' or '_'",
            ));
        }
        if !req.amount.currency.is_fiat() || req.amount.minor <= 0 {
            return Err(ProviderError::invalid_request(
                PROVIDER,
                format!("cannot charge {}", req.amount),
            ));
        }
        let mut form: Vec<(&str, String)> = vec![
            ("mode", "payment".into()),
            (
                "line_items[0][price_data][currency]",
                req.amount.currency.code().to_ascii_lowercase(),
            ),
            (
                "line_items[0][price_data][unit_amount]",
                req.amount.minor.to_string(),
            ),
            (
                "line_items[0][price_data][product_data][name]",
                req.product_name.into(),
            ),
            ("line_items[0][quantity]", "1".into()),
            ("success_url", req.success_url.into()),
            ("cancel_url", req.cancel_url.into()),
            ("client_reference_id", req.topup_id.into()),
            ("metadata[topup_id]", req.topup_id.into()),
            // Also on the PaymentIntent, so refunds and disputes (which carry the intent, not
            // the session) still lead back to the top-up.
            (
                "payment_intent_data[metadata][topup_id]",
                req.topup_id.into(),
            ),
        ];
        if let Some(phone) = req.customer_phone {
            form.push(("metadata[customer_phone]", phone.into()));
        }
        let request = self
            .http
            .post(format!("{}/v1/checkout/sessions", self.api_base))
            .bearer_auth(&self.secret_key)
            .header("Idempotency-Key", req.topup_id)
            .form(&form);
        let session: SessionResponse = send_json(&DIALECT, request).await?;
        let url = session.url.ok_or_else(|| ProviderError::Permanent {
            provider: PROVIDER,
            status: None,
            code: Some("invalid_response".into()),
            message: format!("checkout session {} came back without a url", session.id),
        })?;
        Ok(CreatedCheckoutSession {
            id: session.id,
            url,
        })
    }
}
