//! Reply delay with the real worker pool and default agent settings: the first reply to a
//! single message waits only the default burst window, bursts are still merged, and
//! a message written while a turn runs is answered in that turn's reply.
use std::time::{Duration, Instant};

use serde_json::json;
use switchboard_test_support::openai::{FakeOpenAi, ScriptedReply};

use crate::calendar::salon;
use crate::chat::{Channel, Path, agent_settings};
use crate::helpers::{TestApp, spawn_app_with, spawn_app_with_clock};
use switchboard_domain::time::ManualClock;

/// Waits until the business has sent `n` messages to `to`; the time it took.
async fn until_sent(channel: &Channel, to: &str, n: usize, since: Instant) -> Duration {
    let deadline = since + Duration::from_secs(15);
    while channel.sent_to(to).len() < n {
        assert!(Instant::now() < deadline, "no reply to {to} within 15 s");
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    since.elapsed()
}

/// Waits until no job is queued or running: every turn and send the messages caused is over,
/// so a reply that was going to be sent has been.
async fn until_idle(app: &TestApp) {
    let deadline = Instant::now() + Duration::from_secs(15);
    loop {
        let counts = app.store.job_counts().await.unwrap();
        if !counts
            .iter()
            .any(|(status, n)| *n > 0 && (status == "queued" || status == "running"))
        {
            return;
        }
        assert!(Instant::now() < deadline, "jobs still pending: {counts:?}");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

/// With default settings a single message is answered as soon as the default burst window
/// (500 ms) has passed on the app's clock, which stands still until the test moves it: a
/// longer window would hold the reply back for good. How fast the reply is in wall time is a
/// benchmark's business (`bench/`), not a test's.
#[tokio::test]
async fn a_single_message_is_answered_once_the_default_burst_window_has_passed() {
    // An hour ahead of the wall clock, so nothing that still reads the wall clock is held
    // back by it.
    let clock = ManualClock::frozen(chrono::Utc::now() + chrono::Duration::hours(1));
    let app = spawn_app_with_clock(clock, |c| c.run_workers = true).await;
    let a = app
        .seed_agent_business("Quick Salon", "America/New_York")
        .await;
    salon(&app, &a.owner_key).await;
    // Default settings: nothing about the burst window is set.
    agent_settings(&app, &a.owner_key, json!({"address": "12 Main St."})).await;
    let channel = Channel::open(&app, &a.owner_key, Path::TwilioSms).await;
    let customer = "+12125550100";
    channel
        .deliver(&app, customer, "Hi, what services do you offer?")
        .await;
    app.clock.advance(Duration::from_millis(500));
    until_sent(&channel, customer, 1, Instant::now()).await;
    assert!(channel.sent_to(customer)[0].contains("Haircut"));
    app.stop().await;
}

#[tokio::test]
async fn a_quick_burst_gets_one_reply() {
    let app = spawn_app_with(|c| c.run_workers = true).await;
    let a = app
        .seed_agent_business("Burst Salon", "America/New_York")
        .await;
    salon(&app, &a.owner_key).await;
    let channel = Channel::open(&app, &a.owner_key, Path::TwilioSms).await;
    let customer = "+12125550199";
    let t0 = Instant::now();
    channel.deliver(&app, customer, "Hi").await;
    channel
        .deliver(&app, customer, "what services do you offer?")
        .await;
    until_sent(&channel, customer, 1, t0).await;
    until_idle(&app).await;
    let sent = channel.sent_to(customer);
    assert_eq!(sent.len(), 1, "{sent:?}");
    assert!(
        sent[0].contains("Haircut"),
        "the merged turn answers both: {sent:?}"
    );
    app.stop().await;
}

#[tokio::test]
async fn a_message_written_while_the_model_thinks_joins_the_reply() {
    let app = spawn_app_with(|c| c.run_workers = true).await;
    let model = FakeOpenAi::spawn().await.unwrap();
    let a = app
        .seed_agent_business("Merge Salon", "America/New_York")
        .await;
    salon(&app, &a.owner_key).await;
    agent_settings(
        &app,
        &a.owner_key,
        json!({"llm": {"base_url": model.url(), "model": "fake-gpt", "api_key": "sk-test-key"}}),
    )
    .await;
    model.push(ScriptedReply::content("a stale answer").with_delay(Duration::from_millis(1500)));
    model.push(ScriptedReply::content("an answer to both"));
    let channel = Channel::open(&app, &a.owner_key, Path::TwilioSms).await;
    let customer = "+12125550188";
    let t0 = Instant::now();
    channel.deliver(&app, customer, "Hi").await;
    // The turn starts after the burst window and waits on the model: write again meanwhile.
    let deadline = Instant::now() + Duration::from_secs(15);
    while model.bodies().is_empty() {
        assert!(Instant::now() < deadline, "the model was never asked");
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    channel
        .deliver(&app, customer, "do you cut hair on Sundays?")
        .await;
    until_sent(&channel, customer, 1, t0).await;
    until_idle(&app).await;
    assert_eq!(channel.sent_to(customer), ["an answer to both"]);
    let last = model.bodies().last().unwrap().to_string();
    assert!(last.contains("Sundays"), "the model saw the second message");
    app.stop().await;
}
