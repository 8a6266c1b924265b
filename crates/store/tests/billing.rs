//! Billing storage on both backends: a call's money hold and free-second reservation, the
//! sweeper expiring what never ended, split transfers, the payment-link cooldown.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use switchboard_domain::{Language, time::now_ms};
use switchboard_store::{
    Store,
    billing::{calls::NewCall, operators::PackageSeconds},
    businesses::NewBusiness,
    ledger::{NewTransfer, TransferOutcome, kind},
};
use switchboard_test_support::db;

async fn store() -> (Store, db::TestDb) {
    let d = db::fresh().await;
    let s = Store::connect(&d.url).await.unwrap();
    s.migrate().await.unwrap();
    (s, d)
}

#[tokio::test]
async fn sweeper_expires_calls_and_holds_and_frees_their_reservations() {
    let (s, _d) = store().await;
    let b = s
        .create_business(NewBusiness {
            name: "Sweep".into(),
            slug: "sweep".into(),
            time_zone: "UTC".into(),
            default_language: Language::En,
            features: Default::default(),
        })
        .await
        .unwrap();
    let t = s.tenant(b.id);
    let customer = t.customer_by_phone("+14155550100").await.unwrap();
    assert_eq!(t.customer_by_phone("+14155550100").await.unwrap(), customer);
    let op = t
        .create_operator("Op", None, None, Some(299))
        .await
        .unwrap();
    let clearing = t
        .ledger_account(kind::PAYMENT_CLEARING, "", "USD")
        .await
        .unwrap();
    let wallet = t
        .ledger_account(kind::CUSTOMER_WALLET, &customer.to_string(), "USD")
        .await
        .unwrap();
    t.transfer(NewTransfer {
        idempotency_key: "topup:x",
        kind: "topup",
        debit: &clearing,
        credit: &wallet,
        amount: 1000,
        reason: "",
    })
    .await
    .unwrap();
    let pkg = t
        .grant_package(customer, None, 600, now_ms() + 86_400_000, "gift")
        .await
        .unwrap();
    let reserve = [PackageSeconds {
        package_id: pkg.id.parse().unwrap(),
        seconds: 600,
    }];
    let now = now_ms();
    let call = t
        .open_call(NewCall {
            customer_id: customer,
            operator_id: op.id,
            tariff_json: "{}",
            wallet: &wallet,
            reserve: 700,
            packages: &reserve,
            allowed_secs: 900,
            started_at: now,
            expires_at: now + 1_000,
        })
        .await
        .unwrap()
        .unwrap();
    // The free seconds are taken: a second call cannot reserve them, nor more money.
    let second = t
        .open_call(NewCall {
            customer_id: customer,
            operator_id: op.id,
            tariff_json: "{}",
            wallet: &wallet,
            reserve: 100,
            packages: &reserve,
            allowed_secs: 60,
            started_at: now,
            expires_at: now + 1_000,
        })
        .await;
    assert!(matches!(
        second,
        Err(switchboard_store::StoreError::Conflict(_))
    ));
    let w = t.get_account(&wallet.id).await.unwrap();
    assert_eq!((w.balance, w.held), (1000, 700));
    // A stray hold of its own, expiring too.
    t.reserve("stray", &wallet, 100, now + 1_000)
        .await
        .unwrap()
        .unwrap();

    assert_eq!(s.sweep_billing(now).await.unwrap().calls, 0, "not yet due");
    let swept = s.sweep_billing(now + 2_000).await.unwrap();
    assert_eq!((swept.calls, swept.holds), (1, 1));
    let w = t.get_account(&wallet.id).await.unwrap();
    assert_eq!(
        (w.balance, w.held),
        (1000, 0),
        "nothing charged, everything freed"
    );
    let pkgs = t.customer_packages(customer).await.unwrap();
    assert_eq!(
        (pkgs[0].seconds_remaining, pkgs[0].seconds_reserved),
        (600, 0)
    );
    assert_eq!(t.get_call(call.id).await.unwrap().status, "expired");
    assert_eq!(
        s.sweep_billing(now + 2_000).await.unwrap(),
        Default::default()
    );

    // A split transfer: all or nothing, once per key.
    let opa = t
        .ledger_account(kind::OPERATOR_EARNINGS, &op.id.to_string(), "USD")
        .await
        .unwrap();
    let plat = t
        .ledger_account(kind::PLATFORM_REVENUE, "", "USD")
        .await
        .unwrap();
    for _ in 0..2 {
        let o = t
            .transfer_split(
                "text:m1",
                "text",
                &wallet,
                &[(&opa, 40), (&plat, 10)],
                "text",
            )
            .await
            .unwrap();
        assert_eq!(o, TransferOutcome::Posted);
    }
    let o = t
        .transfer_split(
            "text:m2",
            "text",
            &wallet,
            &[(&opa, 900), (&plat, 100)],
            "text",
        )
        .await
        .unwrap();
    assert_eq!(o, TransferOutcome::Refused);
    assert_eq!(t.get_account(&wallet.id).await.unwrap().balance, 950);
    assert_eq!(t.get_account(&opa.id).await.unwrap().balance, 40);
    assert_eq!(t.ledger_postings_sum().await.unwrap(), 0);

    // The payment-link cooldown: one claim per window.
    assert!(
        t.claim_payment_link_notice(&customer.to_string(), now, 60_000)
            .await
            .unwrap()
    );
    assert!(
        !t.claim_payment_link_notice(&customer.to_string(), now + 59_000, 60_000)
            .await
            .unwrap()
    );
    assert!(
        t.claim_payment_link_notice(&customer.to_string(), now + 60_000, 60_000)
            .await
            .unwrap()
    );
}
