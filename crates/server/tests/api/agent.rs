//! The agent end to end: customers write through the real webhook paths (fake Twilio, fake
//! Telegram), the rule-based agent books, cancels and moves appointments in the calendar in
//! English, Russian and Hebrew; the model path runs tools, is refused writes before a
//! confirmation, and falls back to the rule-based agent when the model fails or is slow.
use std::time::Duration;

use chrono_tz::Tz;
use reqwest::Method;
use serde_json::{Value, json};
use switchboard_test_support::{telegram, twilio};

use crate::calendar::{at, salon, tomorrow};
use crate::helpers::{Seeded, TestApp, spawn_app};

pub(crate) const TOKEN: &str = "twilio-auth-token-1234";
pub(crate) const OUR_NUMBER: &str = "+14155559999";

pub(crate) async fn agent_settings(app: &TestApp, key: &str, settings: Value) {
    let r = app
        .request(Method::PUT, "/api/v1/agent", Some(key), Some(settings))
        .await;
    assert_eq!(r.status(), 200, "{}", r.text().await.unwrap());
}

/// A salon business with its agent on and no burst wait.
pub(crate) async fn agent_salon(app: &TestApp, tz: &str) -> (Seeded, String, String) {
    let a = app.seed_agent_business("Studio Bella", tz).await;
    let (haircut, anna) = salon(app, &a.owner_key).await;
    agent_settings(
        app,
        &a.owner_key,
        json!({"burst_ms": 0, "address": "12 Main St."}),
    )
    .await;
    (a, haircut, anna)
}

/// A customer texting the business over Twilio (SMS, or WhatsApp when `whatsapp`).
pub(crate) struct Sms<'a> {
    app: &'a TestApp,
    fake: &'a twilio::FakeTwilio,
    channel: String,
    from: String,
    whatsapp: bool,
    pub(crate) seen: usize,
    n: usize,
}

impl<'a> Sms<'a> {
    pub(crate) async fn open(
        app: &'a TestApp,
        key: &str,
        fake: &'a twilio::FakeTwilio,
        from: &str,
    ) -> Self {
        Self::open_kind(app, key, fake, from, false).await
    }

    async fn open_kind(
        app: &'a TestApp,
        key: &str,
        fake: &'a twilio::FakeTwilio,
        from: &str,
        whatsapp: bool,
    ) -> Self {
        let kind = if whatsapp {
            "twilio_whatsapp"
        } else {
            "twilio_sms"
        };
        let r = app
            .create_channel(key,
                json!({"kind": kind, "address": OUR_NUMBER, "api_base": fake.url(),
                       "credentials": {"account_sid": "AC00000000000000000000000000000000", "auth_token": TOKEN}}),
            )
            .await;
        assert_eq!(r.status(), 201);
        let ch: Value = r.json().await.unwrap();
        Self {
            app,
            fake,
            channel: ch["id"].as_str().unwrap().to_string(),
            from: from.to_string(),
            whatsapp,
            seen: 0,
            n: 0,
        }
    }

    /// Another customer writing to the same channel.
    pub(crate) fn another(&self, from: &str) -> Sms<'a> {
        Sms {
            app: self.app,
            fake: self.fake,
            channel: self.channel.clone(),
            from: from.to_string(),
            whatsapp: self.whatsapp,
            seen: 0,
            // Message ids stay apart from every other customer's (numbers differ at the end).
            n: 1_000_000
                * from[from.len().saturating_sub(3)..]
                    .parse::<usize>()
                    .unwrap_or(1),
        }
    }

    /// Delivers `text` through the signed webhook (no jobs run).
    async fn send(&mut self, text: &str) {
        self.n += 1;
        let url = self.app.url(&format!("/webhooks/twilio/{}", self.channel));
        let sid = format!("SM{:032}", self.n + 1000 * self.from.len());
        let params = if self.whatsapp {
            twilio::whatsapp_params(&sid, &self.from, OUR_NUMBER, text, "Dana")
        } else {
            twilio::sms_params(&sid, &self.from, OUR_NUMBER, text)
        };
        let (sig, body) = twilio::signed_sms_webhook(TOKEN, &url, &params);
        let r = self
            .app
            .client
            .post(&url)
            .header("content-type", "application/x-www-form-urlencoded")
            .header("x-twilio-signature", sig)
            .body(body)
            .send()
            .await
            .unwrap();
        let status = r.status();
        assert_eq!(status, 200, "{}", r.text().await.unwrap());
    }

    /// Sends `text`, runs the jobs, and returns what the business sent back (all parts).
    pub(crate) async fn say(&mut self, text: &str) -> String {
        self.send(text).await;
        self.app.state.worker.drain().await.unwrap();
        let to = if self.whatsapp {
            format!("whatsapp:{}", self.from)
        } else {
            self.from.clone()
        };
        let sent: Vec<String> = self
            .fake
            .message_requests()
            .into_iter()
            .filter(|m| m.get("To") == Some(&to))
            .map(|m| m.get("Body").cloned().unwrap_or_default())
            .collect();
        let new = sent[self.seen..].join("\n");
        self.seen = sent.len();
        new
    }
}

pub(crate) fn has(reply: &str, needles: &[&str]) {
    for n in needles {
        assert!(reply.contains(n), "missing {n:?} in reply:\n{reply}");
    }
}

pub(crate) async fn appointments(app: &TestApp, key: &str, query: &str) -> Vec<Value> {
    let r = app.get(&format!("/api/v1/appointments?{query}"), key).await;
    assert_eq!(r.status(), 200);
    r.json::<Vec<Value>>().await.unwrap()
}

/// The customer of a conversation and their ledger history.
pub(crate) async fn customer_ledger(app: &TestApp, key: &str, conv: &str) -> (String, Value) {
    let v: Value = app
        .get(&format!("/api/v1/conversations/{conv}"), key)
        .await
        .json()
        .await
        .unwrap();
    let customer = v["customer_id"].as_str().unwrap().to_string();
    let ledger: Value = app
        .get(&format!("/api/v1/billing/customers/{customer}/ledger"), key)
        .await
        .json()
        .await
        .unwrap();
    (customer, ledger)
}

pub(crate) async fn only_conversation(app: &TestApp, key: &str) -> String {
    let v: Value = app
        .get("/api/v1/conversations", key)
        .await
        .json()
        .await
        .unwrap();
    v["items"][0]["id"].as_str().unwrap().to_string()
}

#[tokio::test]
async fn english_over_sms_books_cancels_moves_and_offers_alternatives() {
    let app = spawn_app().await;
    let (a, haircut, _) = agent_salon(&app, "America/New_York").await;
    let key = &a.owner_key;
    let fake = twilio::spawn().await.unwrap();
    let mut c = Sms::open(&app, key, &fake, "+14155550100").await;

    has(
        &c.say("Hi, what services do you offer?").await,
        &["Haircut", "$40.00"],
    );
    has(
        &c.say("Can I book a haircut tomorrow?").await,
        &["Free times for Haircut tomorrow", "1) 9:00 AM"],
    );
    has(
        &c.say("1").await,
        &["Haircut with Anna tomorrow at 9:00 AM, $40.00. Shall I book it?"],
    );
    assert!(
        appointments(&app, key, "status=booked").await.is_empty(),
        "nothing before the yes"
    );
    has(
        &c.say("Yes").await,
        &["You're booked for Haircut with Anna tomorrow at 9:00 AM"],
    );
    let booked = appointments(&app, key, "status=booked").await;
    assert_eq!(booked.len(), 1);
    assert_eq!(booked[0]["source"], "agent");
    assert_eq!(booked[0]["service_id"], haircut.as_str());

    // Cancel.
    has(
        &c.say("I need to cancel my appointment").await,
        &["Cancel your Haircut", "(yes/no)"],
    );
    has(&c.say("yes please").await, &["is cancelled"]);
    assert!(appointments(&app, key, "status=booked").await.is_empty());

    // Book again, then move it.
    c.say("haircut tomorrow at 10am").await;
    has(
        &c.say("yes").await,
        &["You're booked for Haircut with Anna tomorrow at 10:00 AM"],
    );
    let tz: Tz = "America/New_York".parse().unwrap();
    let target = tomorrow(tz) + chrono::Duration::days(2);
    let weekday = target.format("%A").to_string();
    let r = c
        .say(&format!(
            "Can I reschedule my appointment to {weekday} at 2pm?"
        ))
        .await;
    has(&r, &["Move your Haircut", "2:00 PM with Anna? (yes/no)"]);
    has(&c.say("ok").await, &["is now on", "2:00 PM"]);
    let booked = appointments(&app, key, "status=booked").await;
    assert_eq!(booked.len(), 1);
    assert_eq!(
        booked[0]["start"]
            .as_str()
            .unwrap()
            .parse::<chrono::DateTime<chrono::Utc>>()
            .unwrap(),
        at(tz, target, 14)
    );

    // Somebody else has 3 PM tomorrow: the nearest free times are offered instead.
    let r = app
        .book(key, json!({"service_id": haircut, "start": at(tz, tomorrow(tz), 15), "customer_phone": "+14155550111"}))
        .await;
    assert_eq!(r.status(), 201);
    let r = c.say("haircut tomorrow at 3pm").await;
    has(
        &r,
        &[
            "the time you asked for (tomorrow at 3:00 PM) is already taken",
            "1) 1:00 PM",
            "2) 2:00 PM",
            "3) 4:00 PM",
        ],
    );
    let before = appointments(&app, key, "status=booked").await.len();
    c.say("no thanks").await;
    assert_eq!(
        appointments(&app, key, "status=booked").await.len(),
        before,
        "declining the alternatives books nothing"
    );

    // Every turn and tool call is on record.
    let conv = only_conversation(&app, key).await;
    let turns: Vec<Value> = app
        .get(&format!("/api/v1/conversations/{conv}/turns"), key)
        .await
        .json()
        .await
        .unwrap();
    assert!(turns.len() >= 12, "{}", turns.len());
    assert!(turns.iter().all(|t| t["engine"] == "rules"));
    let calls: Vec<&Value> = turns
        .iter()
        .flat_map(|t| t["tool_calls"].as_array().unwrap())
        .collect();
    for name in [
        "free_slots",
        "hold_slot",
        "create_appointment",
        "cancel_appointment",
        "reschedule_appointment",
        "list_appointments",
    ] {
        assert!(
            calls
                .iter()
                .any(|c| c["name"] == name && c["outcome"] == "ok"),
            "no {name} in {calls:?}"
        );
    }
    app.stop().await;
}

#[tokio::test]
async fn russian_over_telegram_books_and_cancels() {
    let app = spawn_app().await;
    let (a, _, _) = agent_salon(&app, "Europe/Moscow").await;
    let key = &a.owner_key;
    let fake = telegram::spawn().await.unwrap();
    let r = app
        .create_channel(key, json!({"kind": "telegram", "address": "bella_bot", "api_base": fake.url(), "credentials": {"bot_token": "123:ABC", "secret_token": "tg-secret"}}))
        .await;
    assert_eq!(r.status(), 201);
    let ch: Value = r.json().await.unwrap();
    let id = ch["id"].as_str().unwrap().to_string();
    let mut update_id = 500;
    let mut seen = 0;
    let mut say = async |text: &str| -> String {
        update_id += 1;
        let r = app
            .client
            .post(app.url(&format!("/webhooks/telegram/{id}")))
            .header("content-type", "application/json")
            .header("x-telegram-bot-api-secret-token", "tg-secret")
            .body(telegram::text_update(update_id, 777, "Ivan", Some("ivan"), text).to_string())
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200);
        app.state.worker.drain().await.unwrap();
        let sent: Vec<String> = fake
            .sent()
            .iter()
            .map(|m| m["text"].as_str().unwrap_or_default().to_string())
            .collect();
        let new = sent[seen..].join("\n");
        seen = sent.len();
        new
    };
    has(
        &say("Здравствуйте! Хочу записаться на стрижку завтра").await,
        &["Свободное время — завтра (Стрижка):", "1) 09:00"],
    );
    has(
        &say("второй").await,
        &[
            "Стрижка, мастер Anna, завтра в 10:00",
            "Записываю? (да/нет)",
        ],
    );
    has(
        &say("да").await,
        &["Готово! Вы записаны: Стрижка, мастер Anna, завтра в 10:00."],
    );
    assert_eq!(appointments(&app, key, "status=booked").await.len(), 1);
    has(&say("Хочу отменить запись").await, &["Отменить"]);
    has(&say("да").await, &["отмен"]);
    assert!(appointments(&app, key, "status=booked").await.is_empty());
    assert_eq!(appointments(&app, key, "status=cancelled").await.len(), 1);
    app.stop().await;
}

#[tokio::test]
async fn hebrew_over_whatsapp_books_and_moves() {
    let app = spawn_app().await;
    let (a, _, _) = agent_salon(&app, "Asia/Jerusalem").await;
    let key = &a.owner_key;
    let fake = twilio::spawn().await.unwrap();
    let mut c = Sms::open_kind(&app, key, &fake, "+972502345678", true).await;
    has(
        &c.say("שלום, אפשר לקבוע תור לתספורת מחר?").await,
        &["שעות פנויות למחר (תספורת):", "1) 9:00"],
    );
    has(
        &c.say("הראשון").await,
        &["תספורת אצל Anna, מחר בשעה 9:00", "לקבוע? (כן/לא)"],
    );
    has(
        &c.say("כן").await,
        &["נקבע לך תור: תספורת אצל Anna, מחר בשעה 9:00."],
    );
    let booked = appointments(&app, key, "status=booked").await;
    assert_eq!(booked.len(), 1);
    has(
        &c.say("אפשר להזיז את התור למחר ב-15:00?").await,
        &["15:00", "(כן/לא)"],
    );
    has(&c.say("כן").await, &["15:00"]);
    let tz: Tz = "Asia/Jerusalem".parse().unwrap();
    let booked = appointments(&app, key, "status=booked").await;
    assert_eq!(booked.len(), 1);
    assert_eq!(
        booked[0]["start"]
            .as_str()
            .unwrap()
            .parse::<chrono::DateTime<chrono::Utc>>()
            .unwrap(),
        at(tz, tomorrow(tz), 15)
    );
    app.stop().await;
}

#[tokio::test]
async fn a_burst_of_messages_is_one_turn() {
    let app = spawn_app().await;
    let (a, _, _) = agent_salon(&app, "America/New_York").await;
    agent_settings(&app, &a.owner_key, json!({"burst_ms": 800})).await;
    let fake = twilio::spawn().await.unwrap();
    let mut c = Sms::open(&app, &a.owner_key, &fake, "+14155550122").await;
    // Three messages in quick succession: the first turn waits for the burst to end.
    for text in ["Hi", "I'd like a haircut", "tomorrow please"] {
        c.send(text).await;
        app.state.worker.drain().await.unwrap();
    }
    assert!(
        fake.message_requests().is_empty(),
        "no answer inside the burst window"
    );
    app.clock.advance(Duration::from_millis(900));
    app.state.worker.drain().await.unwrap();
    let replies = fake.message_requests();
    assert_eq!(replies.len(), 1, "one reply to the whole burst");
    has(
        replies[0].get("Body").unwrap(),
        &["Free times for Haircut tomorrow"],
    );
    let conv = only_conversation(&app, &a.owner_key).await;
    let turns: Vec<Value> = app
        .get(&format!("/api/v1/conversations/{conv}/turns"), &a.owner_key)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(turns.len(), 1);
    app.stop().await;
}
