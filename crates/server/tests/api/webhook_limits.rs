//! Our own limits never drop a verified webhook (Twilio does not retry a 429): only requests
//! that fail verification are limited, per source and per channel.
use switchboard_test_support::twilio;

use crate::{
    helpers::{assert_error, spawn_app_with},
    messaging::{OUR_NUMBER, post_twilio, twilio_channel},
};

#[tokio::test]
async fn verified_webhooks_are_never_answered_429() {
    let app = spawn_app_with(|c| c.webhook_rate_per_sec = 1).await;
    let a = app.seed_business("Busy Salon").await;
    let fake = twilio::spawn().await.unwrap();
    let ch = twilio_channel(&app, &a.owner_key, "twilio_sms", &fake.url()).await;
    let id = ch["id"].as_str().unwrap();
    let url = format!("{}/webhooks/twilio/{id}", app.base);
    // Far beyond one per second with bursts of five.
    for i in 0..40 {
        let from = format!("+1415555{:04}", 100 + i);
        let p = twilio::sms_params(&format!("SM{i:032}"), &from, OUR_NUMBER, "hi");
        let r = post_twilio(&app, id, &url, &p, false).await;
        assert_eq!(r.status(), 200, "webhook {i}");
    }
    let tenant = app.store.tenant(a.business_id.parse().unwrap());
    assert_eq!(tenant.count_messages("in").await.unwrap(), 40);
    app.stop().await;
}

#[tokio::test]
async fn forged_webhooks_past_the_limit_get_429_and_signed_ones_still_get_through() {
    let app = spawn_app_with(|c| c.webhook_rate_per_sec = 1).await;
    let a = app.seed_business("Targeted Salon").await;
    let fake = twilio::spawn().await.unwrap();
    let ch = twilio_channel(&app, &a.owner_key, "twilio_sms", &fake.url()).await;
    let id = ch["id"].as_str().unwrap();
    let url = format!("{}/webhooks/twilio/{id}", app.base);
    let forged = twilio::sms_params("SMforged", "+14155550100", OUR_NUMBER, "spam");
    for _ in 0..5 {
        let r = post_twilio(&app, id, &url, &forged, true).await;
        assert_error(r, 403, "forbidden").await;
    }
    let r = post_twilio(&app, id, &url, &forged, true).await;
    assert!(r.headers().contains_key("retry-after"));
    assert_error(r, 429, "rate_limited").await;

    let real = twilio::sms_params("SMreal", "+14155550101", OUR_NUMBER, "Can I book?");
    assert_eq!(
        post_twilio(&app, id, &url, &real, false).await.status(),
        200
    );
    let tenant = app.store.tenant(a.business_id.parse().unwrap());
    assert_eq!(tenant.count_messages("in").await.unwrap(), 1);
    app.stop().await;
}
