//! Calls (authorize, settle, split), manual adjustments (roles, audit), the AI-reply gate the
//! message path calls, and the billing feature flag, over HTTP.
use serde_json::{Value, json};
use switchboard_billing::{ReplyGate, gate_ai_reply, refund_ai_reply};

use crate::billing::{PHONE, available, customer_with_conversation, put};
use crate::helpers::{assert_error, spawn_app};

#[tokio::test]
async fn calls_authorize_settle_and_split() {
    let app = spawn_app().await;
    let a = app.seed_business("Operator Line").await;
    let key = a.owner_key.as_str();
    let (customer, _) = customer_with_conversation(&app, key).await;
    let r = app
        .post(
            "/api/v1/operators",
            key,
            json!({"name": "Olga", "rate_per_minute": 299}),
        )
        .await;
    assert_eq!(r.status(), 201, "{}", r.text().await.unwrap());
    let op: Value = r.json().await.unwrap();
    let op_id = op["id"].as_str().unwrap();

    // An operator is paid by calls, so cannot open them or report their length.
    let r = app
        .post(
            "/api/v1/api-keys",
            key,
            json!({"name": "op", "role": "operator"}),
        )
        .await;
    let op_key = r.json::<Value>().await.unwrap()["secret"]
        .as_str()
        .unwrap()
        .to_string();
    assert_error(
        app.post(
            "/api/v1/calls",
            &op_key,
            json!({"customer_id": customer, "operator_id": op_id}),
        )
        .await,
        403,
        "forbidden",
    )
    .await;

    // No money: the call is refused with a stable code.
    let open = || {
        app.post(
            "/api/v1/calls",
            key,
            json!({"customer_id": customer, "operator_id": op_id}),
        )
    };
    assert_error(open().await, 402, "insufficient_balance").await;

    // $20.00 at $0.99 connect + $2.99/min: 6 minutes.
    let r = app
        .post(
            &format!("/api/v1/billing/customers/{customer}/adjustments"),
            key,
            json!({"direction": "credit", "amount": 2000, "reason": "test credit"}),
        )
        .await;
    assert_eq!(r.status(), 201, "{}", r.text().await.unwrap());
    let est: Value = app
        .get(
            &format!("/api/v1/billing/customers/{customer}?operator_id={op_id}"),
            key,
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(est["estimated_talk_secs"], 360);

    // With 10 free minutes: 16 minutes.
    let r = app
        .post(
            &format!("/api/v1/billing/customers/{customer}/free-minutes"),
            key,
            json!({"minutes": 10}),
        )
        .await;
    assert_eq!(r.status(), 201, "{}", r.text().await.unwrap());
    let r = open().await;
    assert_eq!(r.status(), 201);
    let call: Value = r.json().await.unwrap();
    assert_eq!(call["allowed_secs"], 960);
    assert_eq!(call["reserved_free_seconds"], 600);
    assert_eq!(call["reserved_amount"], 99 + 6 * 299);
    assert_eq!(available(&app, key, &customer).await, 2000 - (99 + 6 * 299));
    let id = call["id"].as_str().unwrap();
    let ev_path = format!("/api/v1/calls/{id}/events");
    let ev = |body: Value| app.post(&ev_path, key, body);
    assert_eq!(ev(json!({"type": "answered"})).await.status(), 200);
    assert_eq!(ev(json!({"type": "heartbeat"})).await.status(), 200);
    assert_error(ev(json!({"type": "ended"})).await, 422, "validation_failed").await;

    // 7 min 10 s with 10 free minutes: $0.99 and 8 free minutes, settled once.
    for _ in 0..2 {
        let r = ev(json!({"type": "ended", "duration_secs": 430})).await;
        assert_eq!(r.status(), 200);
        let done: Value = r.json().await.unwrap();
        assert_eq!(done["status"], "settled");
        assert_eq!(done["charge"]["total"], 99);
        assert_eq!(done["charge"]["free_seconds_used"], 480);
        assert_eq!(
            done["charge"]["split"],
            json!({"operator": 79, "platform": 20})
        );
    }
    assert_eq!(available(&app, key, &customer).await, 2000 - 99);
    let est: Value = app
        .get(&format!("/api/v1/billing/customers/{customer}"), key)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(est["free_seconds"], 120);

    // A paid minute: 99 + 299 = 398, split 318 / 80 (operator floor, platform remainder).
    let call: Value = open().await.json().await.unwrap();
    let id = call["id"].as_str().unwrap();
    let r = app
        .post(
            &format!("/api/v1/calls/{id}/events"),
            key,
            json!({"type": "ended", "duration_secs": 150}),
        )
        .await;
    let done: Value = r.json().await.unwrap();
    // 150 s = 3 increments: 2 free minutes, 1 paid.
    assert_eq!(done["charge"]["total"], 398);
    assert_eq!(
        done["charge"]["split"],
        json!({"operator": 318, "platform": 80})
    );
    assert_eq!(available(&app, key, &customer).await, 2000 - 99 - 398);

    let ol: Value = app
        .get(&format!("/api/v1/billing/operators/{op_id}/ledger"), key)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(ol["account"]["balance"], 79 + 318);
    let pl: Value = app
        .get("/api/v1/billing/platform/ledger", key)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(pl["account"]["balance"], 20 + 80);
    let tenant = app.store.tenant(a.business_id.parse().unwrap());
    assert_eq!(tenant.ledger_postings_sum().await.unwrap(), 0);

    // Reports: earnings per operator, revenue by type, consumption, as JSON and CSV.
    let rep: Value = app
        .get("/api/v1/billing/reports/operator-earnings", key)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(rep["rows"][0]["key"], op_id);
    assert_eq!(rep["rows"][0]["amount"], 397);
    let rep: Value = app
        .get("/api/v1/billing/reports/consumption", key)
        .await
        .json()
        .await
        .unwrap();
    let calls = rep["rows"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["key"] == "call")
        .unwrap()
        .clone();
    assert_eq!(calls["amount"], 497);
    let r = app
        .get("/api/v1/billing/reports/platform-revenue?format=csv", key)
        .await;
    assert_eq!(r.status(), 200);
    assert!(
        r.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/csv")
    );
    let text = r.text().await.unwrap();
    assert_eq!(text, "type,currency,count,amount\r\ncall,USD,2,100\r\n");
    let r = app
        .client
        .get(app.url("/api/v1/billing/reports/topups"))
        .bearer_auth(key)
        .header("accept", "text/csv")
        .send()
        .await
        .unwrap();
    assert!(
        r.text()
            .await
            .unwrap()
            .starts_with("id,customer_id,phone,provider")
    );
    assert_error(
        app.get("/api/v1/billing/reports/nope", key).await,
        400,
        "invalid_path",
    )
    .await;
    assert_error(
        app.get("/api/v1/billing/reports/topups?format=xml", key)
            .await,
        400,
        "invalid_format",
    )
    .await;
    app.stop().await;
}

#[tokio::test]
async fn manual_adjustments_need_owner_or_finance_and_are_audited() {
    let app = spawn_app().await;
    let a = app.seed_business("Audit Shop").await;
    let key = a.owner_key.as_str();
    let (customer, _) = customer_with_conversation(&app, key).await;
    let mut keys = Vec::new();
    for role in ["agent", "finance"] {
        let r = app
            .post("/api/v1/api-keys", key, json!({"name": role, "role": role}))
            .await;
        assert_eq!(r.status(), 201);
        keys.push(
            r.json::<Value>().await.unwrap()["secret"]
                .as_str()
                .unwrap()
                .to_string(),
        );
    }
    let (agent, finance) = (keys[0].clone(), keys[1].clone());
    let path = format!("/api/v1/billing/customers/{customer}/adjustments");
    let credit = json!({"direction": "credit", "amount": 500, "reason": "goodwill"});
    assert_error(
        app.post(&path, &agent, credit.clone()).await,
        403,
        "forbidden",
    )
    .await;
    assert_error(
        app.post(
            &path,
            &finance,
            json!({"direction": "credit", "amount": 500, "reason": " "}),
        )
        .await,
        422,
        "validation_failed",
    )
    .await;
    assert_error(
        app.post(
            &path,
            &finance,
            json!({"direction": "credit", "amount": -5, "reason": "x"}),
        )
        .await,
        422,
        "validation_failed",
    )
    .await;
    // Idempotent with a key.
    for _ in 0..2 {
        let r = app
            .client
            .post(app.url(&path))
            .bearer_auth(&finance)
            .header("idempotency-key", "k-1")
            .json(&credit)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 201);
    }
    assert_eq!(available(&app, key, &customer).await, 500);
    // The same key for a different adjustment is refused, not silently answered.
    let r = app
        .client
        .post(app.url(&path))
        .bearer_auth(&finance)
        .header("idempotency-key", "k-1")
        .json(&json!({"direction": "credit", "amount": 900, "reason": "goodwill"}))
        .send()
        .await
        .unwrap();
    assert_error(r, 409, "idempotency_key_reused").await;
    assert_eq!(available(&app, key, &customer).await, 500);
    assert_error(
        app.post(
            &path,
            key,
            json!({"direction": "debit", "amount": 501, "reason": "too much"}),
        )
        .await,
        402,
        "insufficient_balance",
    )
    .await;
    let r = app
        .post(
            &path,
            key,
            json!({"direction": "debit", "amount": 200, "reason": "correction"}),
        )
        .await;
    assert_eq!(r.status(), 201);
    assert_eq!(available(&app, key, &customer).await, 300);
    let audit: Value = app
        .get("/api/v1/audit-log", key)
        .await
        .json()
        .await
        .unwrap();
    let text = audit.to_string();
    assert!(text.contains("billing.manual_credit") && text.contains("goodwill"));
    assert!(text.contains("billing.manual_debit") && text.contains("correction"));
    // Written with the transfer: the refused over-debit is on record as refused, and the
    // replayed credit (same key) is on record once.
    assert!(
        text.contains("too much") && text.contains("refused"),
        "{text}"
    );
    assert_eq!(text.matches("goodwill").count(), 1, "{text}");
    // Other tenants' customers do not exist here.
    let b = app.seed_business("Other").await;
    assert_error(
        app.post(&path, &b.owner_key, credit).await,
        404,
        "not_found",
    )
    .await;
    app.stop().await;
}

#[tokio::test]
async fn ai_reply_gate_sends_one_payment_link_then_charges_once() {
    let app = spawn_app().await;
    let a = app.seed_business("Gate Shop").await;
    let key = a.owner_key.as_str();
    let (customer, conv) = customer_with_conversation(&app, key).await;
    let r = put(
        &app,
        "/api/v1/billing/tariff",
        key,
        json!({"ai_reply_price": 25, "payment_link_cooldown_secs": 3600}),
    )
    .await;
    assert_eq!(r.status(), 200, "{}", r.text().await.unwrap());
    assert_error(
        put(
            &app,
            "/api/v1/billing/tariff",
            key,
            json!({"topup_amounts": []}),
        )
        .await,
        422,
        "validation_failed",
    )
    .await;
    let business = app
        .store
        .get_business(a.business_id.parse().unwrap())
        .await
        .unwrap();
    let tenant = app.store.tenant(business.id);
    let conversation = tenant
        .get_conversation(conv.parse().unwrap())
        .await
        .unwrap();
    let gate = |m: &'static str| {
        gate_ai_reply(
            &app.store,
            &business,
            &customer,
            &conversation,
            m,
            "https://sb.example",
        )
    };

    match gate("m1").await.unwrap() {
        ReplyGate::LowBalance {
            payment_message: Some(text),
        } => {
            assert!(
                text.contains(&format!("https://sb.example/pay/{}", a.business_id)),
                "{text}"
            );
        }
        other => panic!("{other:?}"),
    }
    // Within the cooldown: no second link.
    assert_eq!(
        gate("m2").await.unwrap(),
        ReplyGate::LowBalance {
            payment_message: None
        }
    );
    let r = app
        .post(
            &format!("/api/v1/billing/customers/{customer}/adjustments"),
            key,
            json!({"direction": "credit", "amount": 60, "reason": "top-up by hand"}),
        )
        .await;
    assert_eq!(r.status(), 201);
    for _ in 0..2 {
        match gate("m3").await.unwrap() {
            ReplyGate::Charged {
                amount,
                balance_after,
            } => {
                assert_eq!(amount.minor, 25);
                assert_eq!(balance_after, 35);
            }
            other => panic!("{other:?}"),
        }
    }
    assert!(matches!(
        gate("m4").await.unwrap(),
        ReplyGate::Charged {
            balance_after: 10,
            ..
        }
    ));
    // 10 left: short again, and the cooldown still holds.
    assert_eq!(
        gate("m5").await.unwrap(),
        ReplyGate::LowBalance {
            payment_message: None
        }
    );
    // A turn that failed for good gets its reply price back, once.
    assert!(refund_ai_reply(&app.store, &business, "m4").await.unwrap());
    assert!(refund_ai_reply(&app.store, &business, "m4").await.unwrap());
    assert!(!refund_ai_reply(&app.store, &business, "m5").await.unwrap());
    assert_eq!(available(&app, key, &customer).await, 35);
    app.stop().await;
}

#[tokio::test]
async fn billing_endpoints_respect_the_feature_flag_and_validate() {
    let app = spawn_app().await;
    let a = app.seed_business("Flags").await;
    let key = a.owner_key.as_str();
    assert_error(
        app.post("/api/v1/operators", key, json!({"name": ""}))
            .await,
        422,
        "validation_failed",
    )
    .await;
    assert_error(
        put(
            &app,
            "/api/v1/billing/providers/stripe",
            key,
            json!({"credentials": {"secret_key": "sk"}}),
        )
        .await,
        422,
        "validation_failed",
    )
    .await;
    assert_error(
        app.post(
            "/api/v1/topups",
            key,
            json!({"phone": PHONE, "amount": 1000}),
        )
        .await,
        422,
        "payment_provider_missing",
    )
    .await;
    let r = app
        .client
        .patch(app.url(&format!("/api/v1/businesses/{}", a.business_id)))
        .bearer_auth(crate::helpers::ADMIN)
        .json(&json!({"features": {"billing": false}}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200, "{}", r.text().await.unwrap());
    assert_error(
        app.get("/api/v1/billing/tariff", key).await,
        403,
        "feature_disabled",
    )
    .await;
    let r = app
        .client
        .get(app.url(&format!("/pay/{}", a.business_id)))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 404);
    app.stop().await;
}
