//! The storage story, run on SQLite always and on PostgreSQL when `TEST_DATABASE_URL` is set:
//! the same calls must behave the same on both backends.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use serde_json::json;
use switchboard_domain::{Language, Role};
use switchboard_store::{
    Store, StoreError,
    auth::Credential,
    businesses::{BusinessUpdate, NewBusiness},
    jobs::{JobStatus, NewJob},
};
use switchboard_test_support::db;

async fn store() -> (Store, db::TestDb) {
    let d = db::fresh().await;
    let s = Store::connect(&d.url).await.unwrap();
    s.migrate().await.unwrap();
    assert!(s.ready().await.unwrap());
    (s, d)
}

fn new_business(slug: &str) -> NewBusiness {
    NewBusiness {
        name: format!("Business {slug}"),
        slug: slug.into(),
        time_zone: "Europe/Moscow".into(),
        default_language: Language::Ru,
        features: [("invoices".to_string(), true)].into(),
    }
}

#[tokio::test]
async fn businesses_users_keys_and_sessions() {
    let (s, _d) = store().await;
    let b = s.create_business(new_business("alpha")).await.unwrap();
    assert!(
        b.feature_enabled(switchboard_domain::Feature::Invoices)
            && b.feature_enabled(switchboard_domain::Feature::Crm)
    );
    assert!(matches!(
        s.create_business(new_business("alpha")).await,
        Err(StoreError::Conflict(_))
    ));
    let b = s
        .update_business(
            b.id,
            BusinessUpdate {
                features: [("crm".to_string(), false)].into(),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert!(
        !b.feature_enabled(switchboard_domain::Feature::Crm)
            && b.feature_enabled(switchboard_domain::Feature::Invoices)
    );
    assert_eq!(s.get_business_by_slug("alpha").await.unwrap().id, b.id);

    let t = s.tenant(b.id);
    let u = t
        .create_user(
            "Owner@Alpha.example",
            "Owner",
            "long-password-1",
            Role::Owner,
        )
        .await
        .unwrap();
    assert_eq!(u.email, "owner@alpha.example");
    let (_, token, _) = s
        .sign_in("owner@alpha.example", "long-password-1", None)
        .await
        .unwrap();
    assert!(matches!(
        s.authenticate(&token).await.unwrap(),
        Credential::Session { .. }
    ));
    assert!(matches!(
        s.sign_in("owner@alpha.example", "nope", None).await,
        Err(StoreError::NotFound)
    ));

    let (key, secret) = t.create_api_key("ci", Role::Agent).await.unwrap();
    match s.authenticate(&secret).await.unwrap() {
        Credential::ApiKey(k) => assert_eq!(k.id, key.id),
        other => panic!("{other:?}"),
    }
    t.revoke_api_key(key.id).await.unwrap();
    assert!(matches!(
        s.authenticate(&secret).await,
        Err(StoreError::NotFound)
    ));

    // Another tenant sees none of it.
    let other = s.create_business(new_business("beta")).await.unwrap();
    let o = s.tenant(other.id);
    assert!(matches!(o.get_user(u.id).await, Err(StoreError::NotFound)));
    assert!(matches!(
        o.revoke_api_key(key.id).await,
        Err(StoreError::NotFound)
    ));
    assert!(o.list_users().await.unwrap().is_empty());
}

#[tokio::test]
async fn jobs_claim_complete_fail_and_order() {
    let (s, _d) = store().await;
    let a = s
        .enqueue(NewJob::new("k", json!({"n": 1})).queue_key("q"))
        .await
        .unwrap();
    let b = s
        .enqueue(NewJob::new("k", json!({"n": 2})).queue_key("q"))
        .await
        .unwrap();
    let c = s
        .enqueue(NewJob::new("k", json!({"n": 3})).max_attempts(1))
        .await
        .unwrap();
    // The head of queue `q` and the unkeyed job are claimable; job b waits for a.
    let claimed: Vec<i64> = s
        .claim_jobs("w1", 10, 60_000)
        .await
        .unwrap()
        .iter()
        .map(|j| j.id)
        .collect();
    assert_eq!(claimed, vec![a.id, c.id]);
    assert!(s.claim_jobs("w2", 10, 60_000).await.unwrap().is_empty());
    assert!(s.complete_job(a.id, "w1").await.unwrap());
    assert_eq!(
        s.fail_job(c.id, "w1", "boom", Some(0)).await.unwrap(),
        JobStatus::Dead
    );
    let next = s.claim_jobs("w2", 10, 60_000).await.unwrap();
    assert_eq!(next.len(), 1);
    assert_eq!(next[0].id, b.id);
    assert_eq!(
        s.fail_job(b.id, "w2", "later", Some(0)).await.unwrap(),
        JobStatus::Queued
    );
    assert_eq!(
        s.get_job(b.id).await.unwrap().last_error.as_deref(),
        Some("later")
    );
    let dead = s
        .list_jobs(None, Some(JobStatus::Dead), None, 10)
        .await
        .unwrap();
    assert_eq!(dead.len(), 1);
    assert_eq!(
        s.retry_dead_job(c.id, None).await.unwrap().status,
        JobStatus::Queued
    );
}

#[tokio::test]
async fn a_thousand_concurrent_charges_against_500_never_overdraw() {
    use switchboard_store::ledger::{NewTransfer, TransferOutcome, kind};
    let (s, _d) = store().await;
    let b = s.create_business(new_business("ledger")).await.unwrap();
    let t = s.tenant(b.id);
    let clearing = t
        .ledger_account(kind::PAYMENT_CLEARING, "", "USD")
        .await
        .unwrap();
    let wallet = t
        .ledger_account(kind::CUSTOMER_WALLET, "customer-1", "USD")
        .await
        .unwrap();
    let revenue = t
        .ledger_account(kind::PLATFORM_REVENUE, "", "USD")
        .await
        .unwrap();
    let topup = t
        .transfer(NewTransfer {
            idempotency_key: "topup:pay_1",
            kind: "topup",
            debit: &clearing,
            credit: &wallet,
            amount: 500,
            reason: "",
        })
        .await
        .unwrap();
    assert_eq!(topup.outcome(), TransferOutcome::Posted);
    // The same payment event again credits nothing more.
    let again = t
        .transfer(NewTransfer {
            idempotency_key: "topup:pay_1",
            kind: "topup",
            debit: &clearing,
            credit: &wallet,
            amount: 500,
            reason: "",
        })
        .await
        .unwrap();
    assert_eq!(again.id, topup.id);

    let mut tasks = Vec::new();
    for i in 0..1000 {
        let (t, wallet, revenue) = (t.clone(), wallet.clone(), revenue.clone());
        tasks.push(tokio::spawn(async move {
            let key = format!("charge:msg-{i}");
            t.transfer(NewTransfer {
                idempotency_key: &key,
                kind: "ai_reply",
                debit: &wallet,
                credit: &revenue,
                amount: 1,
                reason: "",
            })
            .await
            .unwrap()
            .outcome()
        }));
    }
    let mut posted = 0;
    for task in tasks {
        if task.await.unwrap() == TransferOutcome::Posted {
            posted += 1;
        }
    }
    assert_eq!(posted, 500);
    assert_eq!(t.get_account(&wallet.id).await.unwrap().balance, 0);
    assert_eq!(t.get_account(&revenue.id).await.unwrap().balance, 500);
    assert_eq!(t.ledger_postings_sum().await.unwrap(), 0);

    // A refused charge stays refused after money arrives; a new fact is charged.
    t.transfer(NewTransfer {
        idempotency_key: "topup:pay_2",
        kind: "topup",
        debit: &clearing,
        credit: &wallet,
        amount: 10,
        reason: "",
    })
    .await
    .unwrap();
    let mut refused_seen = 0;
    for i in 0..1000 {
        let key = format!("charge:msg-{i}");
        let r = t
            .transfer(NewTransfer {
                idempotency_key: &key,
                kind: "ai_reply",
                debit: &wallet,
                credit: &revenue,
                amount: 1,
                reason: "",
            })
            .await
            .unwrap();
        if r.outcome() == TransferOutcome::Refused {
            refused_seen += 1;
        }
    }
    assert_eq!(
        refused_seen, 500,
        "retries return the first outcome, refusals included"
    );
    assert_eq!(t.get_account(&wallet.id).await.unwrap().balance, 10);
}

#[tokio::test]
async fn holds_reserve_settle_release_and_expire() {
    use switchboard_store::ledger::{NewTransfer, TransferOutcome, kind};
    let (s, _d) = store().await;
    let b = s.create_business(new_business("holds")).await.unwrap();
    let t = s.tenant(b.id);
    let clearing = t
        .ledger_account(kind::PAYMENT_CLEARING, "", "USD")
        .await
        .unwrap();
    let wallet = t
        .ledger_account(kind::CUSTOMER_WALLET, "c1", "USD")
        .await
        .unwrap();
    let earnings = t
        .ledger_account(kind::OPERATOR_EARNINGS, "op1", "USD")
        .await
        .unwrap();
    t.transfer(NewTransfer {
        idempotency_key: "topup:1",
        kind: "topup",
        debit: &clearing,
        credit: &wallet,
        amount: 500,
        reason: "",
    })
    .await
    .unwrap();
    let far = switchboard_domain::time::now_ms() + 3_600_000;
    assert!(
        t.reserve("call:1", &wallet, 600, far)
            .await
            .unwrap()
            .is_none(),
        "cannot hold more than the balance"
    );
    let hold = t
        .reserve("call:1", &wallet, 300, far)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        t.reserve("call:1", &wallet, 300, far)
            .await
            .unwrap()
            .unwrap()
            .id,
        hold.id,
        "idempotent"
    );
    assert_eq!(t.get_account(&wallet.id).await.unwrap().held, 300);
    // Held money cannot be spent elsewhere.
    let spend = |key: &'static str, amount| {
        let (t, wallet, earnings) = (t.clone(), wallet.clone(), earnings.clone());
        async move {
            t.transfer(NewTransfer {
                idempotency_key: key,
                kind: "text",
                debit: &wallet,
                credit: &earnings,
                amount,
                reason: "",
            })
            .await
            .unwrap()
            .outcome()
        }
    };
    assert_eq!(spend("text:1", 250).await, TransferOutcome::Refused);
    assert_eq!(spend("text:2", 200).await, TransferOutcome::Posted);
    assert!(
        !t.extend_hold(&hold, 1, far).await.unwrap(),
        "nothing left to extend with"
    );

    let settled = t
        .settle_hold(&hold, "call:1:settle", &earnings, 250, "call")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(settled.amount, 250);
    let again = t
        .settle_hold(&hold, "call:1:settle", &earnings, 250, "call")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(again.id, settled.id);
    let w = t.get_account(&wallet.id).await.unwrap();
    assert_eq!((w.balance, w.held), (50, 0));
    assert_eq!(t.get_account(&earnings.id).await.unwrap().balance, 450);

    let h2 = t
        .reserve("call:2", &wallet, 50, far)
        .await
        .unwrap()
        .unwrap();
    assert!(t.release_hold(&h2).await.unwrap());
    assert!(!t.release_hold(&h2).await.unwrap());
    let h3 = t
        .reserve(
            "call:3",
            &wallet,
            40,
            switchboard_domain::time::now_ms() - 1,
        )
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        t.expire_holds(switchboard_domain::time::now_ms())
            .await
            .unwrap(),
        1
    );
    assert_eq!(t.get_hold(&h3.id).await.unwrap().status, "expired");
    let w = t.get_account(&wallet.id).await.unwrap();
    assert_eq!((w.balance, w.held), (50, 0));
    assert_eq!(t.ledger_postings_sum().await.unwrap(), 0);
}
