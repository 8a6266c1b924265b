//! The outbox calls the provider once per message: a repeated provider id, a failed write
//! after the provider accepted, and an attempt whose outcome is unknown never lead to a
//! second send.
use std::time::Duration;

use serde_json::{Value, json};
use switchboard_store::Backend;
use switchboard_test_support::twilio::{self, FakeTwilio};

use crate::{
    helpers::{TestApp, spawn_app},
    messaging::{inbound_conversation, twilio_channel},
};

struct Outbox {
    app: TestApp,
    fake: FakeTwilio,
    key: String,
    business: String,
    conv: String,
}

async fn outbox() -> Outbox {
    let app = spawn_app().await;
    let a = app.seed_business("Outbox Once").await;
    let fake = twilio::spawn().await.unwrap();
    let ch = twilio_channel(&app, &a.owner_key, "twilio_sms", &fake.url()).await;
    let conv = inbound_conversation(&app, &a.owner_key, &ch, "SM9001").await;
    app.state.worker.drain().await.unwrap();
    Outbox {
        app,
        fake,
        key: a.owner_key,
        business: a.business_id,
        conv,
    }
}

impl Outbox {
    /// Queues a text reply through the API and returns its message id.
    async fn reply(&self, body: &str) -> String {
        let r = self.app.post_text(&self.key, &self.conv, body).await;
        assert_eq!(r.status(), 202, "{}", r.text().await.unwrap());
        let v: Value = r.json().await.unwrap();
        v["message_ids"][0].as_str().unwrap().to_string()
    }

    async fn row(&self, id: &str) -> switchboard_store::messaging::MessageRow {
        self.app
            .store
            .tenant(self.business.parse().unwrap())
            .get_message(id.parse().unwrap())
            .await
            .unwrap()
    }

    /// Runs due jobs a few times, moving the clock past short retry backoffs.
    async fn drain_a_while(&self) {
        for _ in 0..4 {
            self.app.state.worker.drain().await.unwrap();
            self.app.clock.advance(Duration::from_millis(120));
        }
    }

    fn sends(&self) -> usize {
        self.fake.message_requests().len()
    }

    async fn exec(&self, sqlite: &str, postgres: &[&str]) {
        let db = &self.app.store.db;
        match self.app.store.backend() {
            Backend::Sqlite => {
                switchboard_store::on_db!(db, w, p => sqlx::raw_sql(sqlx::AssertSqlSafe(sqlite.to_string())).execute(p).await.map(|_| ()))
                    .unwrap();
            }
            Backend::Postgres => {
                for sql in postgres {
                    switchboard_store::on_db!(db, w, p => sqlx::raw_sql(sqlx::AssertSqlSafe(sql.to_string())).execute(p).await.map(|_| ()))
                        .unwrap();
                }
            }
        }
    }
}

/// The provider answers with this resource, whatever it was asked.
fn accepted(sid: &str) -> Value {
    json!({"sid": sid, "status": "queued", "body": "", "to": "+14155550100"})
}

#[tokio::test]
async fn a_provider_id_seen_before_is_not_an_error_and_nothing_is_sent_twice() {
    let o = outbox().await;
    let sid = "SM0123456789abcdef0123456789abcdef";
    o.fake.fail_next("Messages.json", 201, accepted(sid));
    o.fake.fail_next("Messages.json", 201, accepted(sid));
    let first = o.reply("first").await;
    o.drain_a_while().await;
    let second = o.reply("second").await;
    o.drain_a_while().await;
    assert_eq!(o.sends(), 2, "one provider call per message");
    for id in [&first, &second] {
        let row = o.row(id).await;
        assert!(row.sent_at.is_some(), "{} recorded as sent", row.status);
        assert_ne!(
            row.status,
            switchboard_store::messaging::MessageStatus::Failed
        );
    }
    assert_eq!(
        o.row(&first).await.provider_message_id.as_deref(),
        Some(sid)
    );
    // The conversation's later replies still go out.
    let third = o.reply("third").await;
    o.drain_a_while().await;
    assert_eq!(o.sends(), 3);
    assert!(o.row(&third).await.provider_message_id.is_some());
    o.app.stop().await;
}

#[tokio::test]
async fn a_failed_write_after_the_provider_accepted_retries_the_write_not_the_send() {
    let o = outbox().await;
    // The fault: every write that records a send fails, after the provider said yes.
    o.exec(
        "CREATE TRIGGER injected_fault BEFORE UPDATE OF sent_at ON messages \
         WHEN NEW.sent_at IS NOT NULL AND OLD.sent_at IS NULL \
         BEGIN SELECT RAISE(ABORT, 'injected fault'); END",
        &[
            "CREATE FUNCTION injected_fault() RETURNS trigger AS $$ BEGIN RAISE EXCEPTION 'injected fault'; END $$ LANGUAGE plpgsql",
            "CREATE TRIGGER injected_fault BEFORE UPDATE ON messages FOR EACH ROW \
             WHEN (NEW.sent_at IS NOT NULL AND OLD.sent_at IS NULL) EXECUTE FUNCTION injected_fault()",
        ],
    )
    .await;
    let id = o.reply("Your visit is confirmed").await;
    o.drain_a_while().await;
    assert_eq!(o.sends(), 1);
    let row = o.row(&id).await;
    assert_eq!(
        row.status,
        switchboard_store::messaging::MessageStatus::Sending,
        "acceptance not recorded yet"
    );
    assert!(row.sent_at.is_none());

    o.exec(
        "DROP TRIGGER injected_fault",
        &["DROP TRIGGER injected_fault ON messages"],
    )
    .await;
    o.drain_a_while().await;
    assert_eq!(o.sends(), 1, "the customer got one copy");
    let row = o.row(&id).await;
    assert!(row.sent_at.is_some() && row.provider_message_id.is_some());
    o.app.stop().await;
}

#[tokio::test]
async fn an_attempt_whose_outcome_is_unknown_is_set_aside_not_sent_again() {
    let o = outbox().await;
    let id = o.reply("hello").await;
    // A worker marked the attempt and died before the provider answered.
    assert_eq!(
        o.app.store.begin_send(id.parse().unwrap()).await.unwrap(),
        switchboard_store::outbox::SendClaim::Claimed
    );
    o.drain_a_while().await;
    assert_eq!(o.sends(), 0);
    let row = o.row(&id).await;
    assert_eq!(
        row.status,
        switchboard_store::messaging::MessageStatus::Failed
    );
    assert_eq!(row.error_code.as_deref(), Some("outcome_unknown"));
    o.app.stop().await;
}

#[tokio::test]
async fn a_refused_send_is_retried_and_delivered_once() {
    let o = outbox().await;
    o.fake.rate_limit_next(0);
    let id = o.reply("after a 429").await;
    o.drain_a_while().await;
    assert_eq!(
        o.sends(),
        2,
        "the refused attempt and one that went through"
    );
    assert!(o.row(&id).await.sent_at.is_some());
    o.app.stop().await;
}
