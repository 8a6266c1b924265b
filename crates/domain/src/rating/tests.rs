//! The agreed billing examples, edge cases of the tariff options, and property tests tying
//! estimates, reservations and charges together.
use proptest::prelude::*;
use uuid::Uuid;

use super::*;
use crate::OperatorId;
use crate::money::Currency;

const NOW: i64 = 1_700_000_000_000;
const DAY_MS: i64 = 86_400_000;

/// $2.99 a minute, $0.99 to connect, 60/60 increments.
fn tariff() -> CallTariff {
    CallTariff::per_minute(Currency::Usd, 299, 99)
}

fn free_minutes(minutes: u32) -> Vec<FreePackage> {
    vec![FreePackage {
        id: Uuid::from_u128(1),
        seconds_remaining: minutes * 60,
        granted_at: NOW - DAY_MS,
        expires_at: NOW + 30 * DAY_MS,
        operator: None,
    }]
}

#[test]
fn twenty_dollars_buy_six_minutes() {
    assert_eq!(estimate_talk_time(2000, &tariff(), &[], NOW, None), 360);
}

#[test]
fn ten_free_minutes_add_ten_minutes() {
    assert_eq!(
        estimate_talk_time(2000, &tariff(), &free_minutes(10), NOW, None),
        960
    );
}

#[test]
fn call_within_free_minutes_costs_the_connect_fee_and_whole_free_minutes() {
    let c = rate_call(&tariff(), 430, &free_minutes(10), NOW, None);
    assert_eq!(c.rounded_secs, 480);
    assert_eq!(c.free_seconds_used, 480);
    assert_eq!(
        c.package_usage,
        vec![PackageUsage {
            package_id: Uuid::from_u128(1),
            seconds: 480
        }]
    );
    assert_eq!(c.billable_seconds, 0);
    assert_eq!((c.connect_fee, c.usage_cost, c.adjustment), (99, 0, 0));
    assert_eq!(c.total, 99);
}

#[test]
fn a_paid_minute_splits_80_20() {
    assert_eq!(
        split(299, 80),
        Split {
            operator: 239,
            platform: 60
        }
    );
    let c = rate_call(&tariff(), 60, &[], NOW, None);
    assert_eq!((c.connect_fee, c.usage_cost, c.total), (99, 299, 398));
    assert_eq!(c.split, split(398, 80));
}

#[test]
fn estimated_calls_cost_what_the_balance_holds() {
    let six = rate_call(&tariff(), 360, &[], NOW, None);
    assert_eq!(six.total, 99 + 6 * 299);
    assert!(rate_call(&tariff(), 361, &[], NOW, None).total > 2000);
    let sixteen = rate_call(&tariff(), 960, &free_minutes(10), NOW, None);
    assert_eq!(
        (sixteen.free_seconds_used, sixteen.billable_seconds),
        (600, 360)
    );
    assert_eq!(sixteen.total, 99 + 6 * 299);
    let auth = authorize_call(2000, &tariff(), &free_minutes(10), NOW, None);
    assert_eq!(
        auth,
        CallAuthorization {
            allowed_secs: 960,
            reserve: 1893,
            free_seconds: 600
        }
    );
}

#[test]
fn free_minutes_without_money_need_the_connect_fee_waived() {
    // The connect fee is due on connection, so free minutes alone cannot start a call...
    assert_eq!(
        estimate_talk_time(0, &tariff(), &free_minutes(10), NOW, None),
        0
    );
    assert_eq!(
        estimate_talk_time(98, &tariff(), &free_minutes(10), NOW, None),
        0
    );
    assert_eq!(
        estimate_talk_time(99, &tariff(), &free_minutes(10), NOW, None),
        600
    );
    // ...unless the tariff waives it on calls covered by free minutes.
    let waived = CallTariff {
        waive_connect_fee_on_free_minutes: true,
        ..tariff()
    };
    assert_eq!(
        estimate_talk_time(0, &waived, &free_minutes(10), NOW, None),
        600
    );
    assert_eq!(
        rate_call(&waived, 430, &free_minutes(10), NOW, None).total,
        0
    );
    // A call that runs past the free time pays the fee after all.
    assert_eq!(
        rate_call(&waived, 601, &free_minutes(10), NOW, None).total,
        99 + 299
    );
}

#[test]
fn nothing_is_charged_for_a_call_that_never_connected() {
    let c = rate_call(&tariff(), 0, &free_minutes(10), NOW, None);
    assert_eq!((c.total, c.free_seconds_used), (0, 0));
    assert!(c.package_usage.is_empty());
}

#[test]
fn increments_round_up() {
    assert_eq!(round_up_to_increments(1, 60, 60), 60);
    assert_eq!(round_up_to_increments(61, 60, 60), 120);
    assert_eq!(round_up_to_increments(61, 60, 1), 61);
    assert_eq!(round_up_to_increments(30, 60, 1), 60);
    assert_eq!(round_up_to_increments(7, 1, 1), 7);
    assert_eq!(round_up_to_increments(0, 60, 60), 0);
    assert_eq!(round_up_to_increments(u32::MAX, 60, 3600), 4_294_969_260);
    let per_second = CallTariff {
        first_increment_secs: 1,
        next_increment_secs: 1,
        ..tariff()
    };
    // 61 s at 299/min = 303.98, billed 304.
    assert_eq!(rate_call(&per_second, 61, &[], NOW, None).usage_cost, 304);
    // $20.00 - $0.99 buys 381 s (381 s costs 1898.65 -> 1899; 382 s would cost 1904).
    assert_eq!(estimate_talk_time(2000, &per_second, &[], NOW, None), 381);
}

#[test]
fn minimum_charge_and_cap() {
    let t = CallTariff {
        minimum_charge: 500,
        max_cost_per_call: Some(1000),
        ..tariff()
    };
    let short = rate_call(&t, 10, &[], NOW, None);
    assert_eq!(
        (
            short.connect_fee,
            short.usage_cost,
            short.adjustment,
            short.total
        ),
        (99, 299, 102, 500)
    );
    // No paid time, no minimum: only the connect fee.
    assert_eq!(rate_call(&t, 10, &free_minutes(1), NOW, None).total, 99);
    let long = rate_call(&t, 3600, &[], NOW, None);
    assert_eq!(
        (long.total, long.adjustment),
        (1000, 1000 - (99 + 60 * 299))
    );
    // With the cap affordable, talk time is bounded only by the longest allowed call.
    assert_eq!(
        estimate_talk_time(1000, &t, &[], NOW, None),
        DEFAULT_MAX_CALL_SECS
    );
    // 3 min cost 996; the 4th minute would hit the 1000 cap, which 999 cannot pay.
    assert_eq!(estimate_talk_time(999, &t, &[], NOW, None), 180);
}

#[test]
fn packages_are_used_oldest_first_and_only_where_valid() {
    let op = OperatorId(Uuid::from_u128(10));
    let packages = vec![
        FreePackage {
            id: Uuid::from_u128(2),
            seconds_remaining: 300,
            granted_at: NOW - DAY_MS,
            expires_at: NOW + DAY_MS,
            operator: None,
        },
        FreePackage {
            id: Uuid::from_u128(3),
            seconds_remaining: 120,
            granted_at: NOW - 2 * DAY_MS,
            expires_at: NOW + DAY_MS,
            operator: Some(op),
        },
        FreePackage {
            id: Uuid::from_u128(4),
            seconds_remaining: 6000,
            granted_at: NOW - 3 * DAY_MS,
            expires_at: NOW,
            operator: None,
        },
    ];
    let c = rate_call(&tariff(), 400, &packages, NOW, Some(op));
    assert_eq!(c.rounded_secs, 420);
    assert_eq!(
        c.package_usage,
        vec![
            PackageUsage {
                package_id: Uuid::from_u128(3),
                seconds: 120
            },
            PackageUsage {
                package_id: Uuid::from_u128(2),
                seconds: 300
            },
        ]
    );
    let other = rate_call(&tariff(), 400, &packages, NOW, None);
    assert_eq!(
        (other.free_seconds_used, other.billable_seconds),
        (300, 120)
    );
    assert_eq!(other.total, 99 + 2 * 299);
}

#[test]
fn validation_catches_bad_tariffs() {
    assert_eq!(tariff().validate(), Ok(()));
    let bad = |f: fn(&mut CallTariff)| {
        let mut t = tariff();
        f(&mut t);
        t.validate()
    };
    assert_eq!(
        bad(|t| t.rate_per_minute = -1),
        Err(TariffError::Negative("rate_per_minute"))
    );
    assert_eq!(
        bad(|t| t.next_increment_secs = 0),
        Err(TariffError::Increment)
    );
    assert_eq!(bad(|t| t.max_call_secs = 0), Err(TariffError::MaxCallSecs));
    assert_eq!(
        bad(|t| t.operator_share_percent = 101),
        Err(TariffError::Share)
    );
    assert_eq!(
        bad(|t| t.currency = Currency::Tokens),
        Err(TariffError::TokenCurrency)
    );
    let parsed: Result<CallTariff, _> = serde_json::from_value(serde_json::json!({
        "currency": "USD", "rate_per_minute": 299, "connect_fee": 99
    }));
    assert_eq!(parsed.ok(), Some(tariff()));
}

fn op_id(n: u8) -> Option<OperatorId> {
    (n > 0).then(|| OperatorId(Uuid::from_u128(u128::from(n))))
}

prop_compose! {
    fn any_tariff()(
        rate in 0i64..1_000,
        fee in 0i64..500,
        waive in any::<bool>(),
        first in prop::sample::select(vec![1u32, 6, 30, 60]),
        next in prop::sample::select(vec![1u32, 6, 30, 60]),
        minimum in prop_oneof![Just(0i64), 0i64..2_000],
        cap in prop::option::of(0i64..20_000),
        max_call in 1u32..20_000,
        share in 0u8..=100,
    ) -> CallTariff {
        CallTariff {
            currency: Currency::Usd,
            rate_per_minute: rate,
            connect_fee: fee,
            waive_connect_fee_on_free_minutes: waive,
            first_increment_secs: first,
            next_increment_secs: next,
            minimum_charge: minimum,
            max_cost_per_call: cap,
            max_call_secs: max_call,
            operator_share_percent: share,
        }
    }
}

prop_compose! {
    fn any_packages()(
        raw in prop::collection::vec((0u32..1_500, 0i64..100, 0i64..200, 0u8..3), 0..4)
    ) -> Vec<FreePackage> {
        raw.into_iter()
            .enumerate()
            .map(|(i, (secs, granted, expires, op))| FreePackage {
                id: Uuid::from_u128(i as u128 + 1),
                seconds_remaining: secs,
                granted_at: granted,
                expires_at: expires,
                operator: op_id(op),
            })
            .collect()
    }
}

proptest! {
    #[test]
    fn estimate_is_affordable_and_maximal(
        t in any_tariff(),
        packages in any_packages(),
        balance in 0i64..50_000,
        now in 0i64..200,
        op in 0u8..3,
        frac in 0u32..=100,
    ) {
        let op = op_id(op);
        let est = estimate_talk_time(balance, &t, &packages, now, op);
        prop_assert!(est <= t.max_call_secs);
        let at_estimate = rate_call(&t, est, &packages, now, op);
        prop_assert!(at_estimate.total <= balance);
        // Any shorter call costs no more.
        let shorter = est / 100 * frac;
        prop_assert!(rate_call(&t, shorter, &packages, now, op).total <= at_estimate.total);
        if est < t.max_call_secs {
            // One second (so one increment) more no longer fits the balance.
            prop_assert!(rate_call(&t, est + 1, &packages, now, op).total > balance);
            prop_assert!(rate_call(&t, est + t.next_increment_secs, &packages, now, op).total > balance);
        }
        let auth = authorize_call(balance, &t, &packages, now, op);
        prop_assert_eq!(auth.allowed_secs, est);
        prop_assert_eq!(auth.reserve, at_estimate.total);
        prop_assert_eq!(auth.reserve, max_charge_for(&t, est, &packages, now, op));
        prop_assert_eq!(auth.free_seconds, at_estimate.free_seconds_used);
    }

    #[test]
    fn charges_are_internally_consistent(
        t in any_tariff(),
        packages in any_packages(),
        duration in 0u32..20_000,
        now in 0i64..200,
        op in 0u8..3,
    ) {
        let op = op_id(op);
        let c = rate_call(&t, duration, &packages, now, op);
        prop_assert!(c.rounded_secs >= duration);
        prop_assert_eq!(c.free_seconds_used + c.billable_seconds, c.rounded_secs);
        prop_assert!(c.free_seconds_used <= free_seconds_available(&packages, now, op));
        let from_packages: u32 = c.package_usage.iter().map(|u| u.seconds).sum();
        prop_assert_eq!(from_packages, c.free_seconds_used);
        for u in &c.package_usage {
            let p = packages.iter().find(|p| p.id == u.package_id);
            prop_assert!(p.is_some_and(|p| p.usable(now, op) && u.seconds <= p.seconds_remaining));
        }
        prop_assert_eq!(c.connect_fee + c.usage_cost + c.adjustment, c.total);
        prop_assert!(c.total >= 0);
        if let Some(cap) = t.max_cost_per_call {
            prop_assert!(c.total <= cap);
        }
        prop_assert_eq!(c.split.operator + c.split.platform, c.total);
        // Longer calls never cost less.
        let longer = rate_call(&t, duration + 1, &packages, now, op);
        prop_assert!(longer.total >= c.total);
    }
}
