//! Customers writing to an agent business through the real, signed webhook paths (Twilio SMS,
//! Twilio WhatsApp, Meta WhatsApp Cloud), and what the business sent back to each of them.
use std::sync::atomic::{AtomicUsize, Ordering};

use reqwest::Method;
use serde_json::{Value, json};
use switchboard_test_support::{meta, twilio};

use crate::helpers::TestApp;

pub const TWILIO_TOKEN: &str = "twilio-auth-token-1234";
pub const OUR_NUMBER: &str = "+14155559999";
const META_PHONE_ID: &str = "106540352242922";
const META_SECRET: &str = "meta-app-secret";

/// Provider message ids must be unique across every customer of a test.
static NEXT_ID: AtomicUsize = AtomicUsize::new(1);

/// Sets the business's agent settings.
pub async fn agent_settings(app: &TestApp, key: &str, settings: Value) {
    let r = app
        .request(Method::PUT, "/api/v1/agent", Some(key), Some(settings))
        .await;
    assert_eq!(r.status(), 200, "{}", r.text().await.unwrap());
}

/// Which provider path a customer writes through.
#[derive(Clone, Copy, Debug)]
pub enum Path {
    TwilioSms,
    TwilioWhatsapp,
    Meta,
}

/// The fake provider behind a channel.
pub enum Fake {
    Twilio(twilio::FakeTwilio),
    Meta(meta::FakeMeta),
}

/// One channel of the business, on a fake provider.
pub struct Channel {
    pub id: String,
    pub path: Path,
    pub fake: Fake,
}

impl Channel {
    pub async fn open(app: &TestApp, key: &str, path: Path) -> Self {
        let (fake, body) = match path {
            Path::TwilioSms | Path::TwilioWhatsapp => {
                let fake = twilio::spawn().await.unwrap();
                let kind = if matches!(path, Path::TwilioSms) {
                    "twilio_sms"
                } else {
                    "twilio_whatsapp"
                };
                let body = json!({"kind": kind, "address": OUR_NUMBER, "api_base": fake.url(),
                    "credentials": {"account_sid": "AC00000000000000000000000000000000", "auth_token": TWILIO_TOKEN}});
                (Fake::Twilio(fake), body)
            }
            Path::Meta => {
                let fake = meta::spawn().await.unwrap();
                let body = json!({"kind": "meta_whatsapp", "address": META_PHONE_ID, "api_base": fake.url(),
                    "credentials": {"access_token": "EAAG-token", "app_secret": META_SECRET, "verify_token": "verify-me"}});
                (Fake::Meta(fake), body)
            }
        };
        let r = app.create_channel(key, body).await;
        assert_eq!(r.status(), 201, "{}", r.text().await.unwrap());
        let ch: Value = r.json().await.unwrap();
        Self {
            id: ch["id"].as_str().unwrap().to_string(),
            path,
            fake,
        }
    }

    /// Delivers `text` from `from` (`+E164`) through the signed webhook; asserts the provider
    /// got a 200 (no jobs run).
    pub async fn deliver(&self, app: &TestApp, from: &str, text: &str) {
        let n = NEXT_ID.fetch_add(1, Ordering::Relaxed);
        let r = match self.path {
            Path::TwilioSms | Path::TwilioWhatsapp => {
                let url = app.url(&format!("/webhooks/twilio/{}", self.id));
                let sid = format!("SM{n:032}");
                let params = if matches!(self.path, Path::TwilioWhatsapp) {
                    twilio::whatsapp_params(&sid, from, OUR_NUMBER, text, "Dana")
                } else {
                    twilio::sms_params(&sid, from, OUR_NUMBER, text)
                };
                let (sig, body) = twilio::signed_sms_webhook(TWILIO_TOKEN, &url, &params);
                app.client
                    .post(&url)
                    .header("content-type", "application/x-www-form-urlencoded")
                    .header("x-twilio-signature", sig)
                    .body(body)
                    .send()
                    .await
                    .unwrap()
            }
            Path::Meta => {
                let body = meta::text_message(
                    META_PHONE_ID,
                    from.trim_start_matches('+'),
                    "Dana",
                    &format!("wamid.{n}"),
                    text,
                )
                .to_string();
                app.client
                    .post(app.url(&format!("/webhooks/meta/{}", self.id)))
                    .header("content-type", "application/json")
                    .header(
                        "x-hub-signature-256",
                        meta::signed_payload(META_SECRET, body.as_bytes()),
                    )
                    .body(body)
                    .send()
                    .await
                    .unwrap()
            }
        };
        let status = r.status();
        assert_eq!(status, 200, "{}", r.text().await.unwrap());
    }

    /// Every text the business sent to `to` (`+E164`) so far, in order.
    pub fn sent_to(&self, to: &str) -> Vec<String> {
        match &self.fake {
            Fake::Twilio(f) => {
                let addr = if matches!(self.path, Path::TwilioWhatsapp) {
                    format!("whatsapp:{to}")
                } else {
                    to.to_string()
                };
                f.message_requests()
                    .into_iter()
                    .filter(|m| m.get("To") == Some(&addr))
                    .map(|m| m.get("Body").cloned().unwrap_or_default())
                    .collect()
            }
            Fake::Meta(f) => f
                .message_requests()
                .into_iter()
                .filter(|m| m["to"] == to.trim_start_matches('+'))
                .map(|m| m["text"]["body"].as_str().unwrap_or_default().to_string())
                .collect(),
        }
    }

    /// Delivers `text`, runs the jobs, and returns what the business sent back to `from`.
    pub async fn say(&self, app: &TestApp, from: &str, text: &str) -> String {
        let before = self.sent_to(from).len();
        self.deliver(app, from, text).await;
        app.state.worker.drain().await.unwrap();
        self.sent_to(from)[before..].join("\n")
    }
}

/// Booked appointments of the business.
pub async fn booked(app: &TestApp, key: &str) -> Vec<Value> {
    let r = app.get("/api/v1/appointments?status=booked", key).await;
    assert_eq!(r.status(), 200);
    r.json().await.unwrap()
}
