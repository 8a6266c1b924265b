use super::*;
use DeliveryStatus::*;

#[test]
fn moves_forward_only() {
    assert!(Queued.advances_to(Sent));
    assert!(Sent.advances_to(Delivered));
    assert!(Delivered.advances_to(Read));
    assert!(!Delivered.advances_to(Sent));
    assert!(!Read.advances_to(Delivered));
    assert!(!Sent.advances_to(Sent));
}

#[test]
fn failures_beat_in_flight_and_lose_to_receipts() {
    assert!(Sent.advances_to(Undelivered));
    assert!(Queued.advances_to(Failed));
    assert!(!Failed.advances_to(Sent));
    assert!(!Failed.advances_to(Undelivered));
    assert!(!Undelivered.advances_to(Failed));
    assert!(!Delivered.advances_to(Failed));
    assert!(Failed.advances_to(Delivered));
    assert!(Failed.advances_to(Read));
}

#[test]
fn any_arrival_order_ends_in_the_same_state() {
    // Whatever order callbacks arrive in, applying advances_to converges on the maximum.
    let seqs: [&[DeliveryStatus]; 4] = [
        &[Queued, Sent, Delivered, Read],
        &[Read, Sent, Queued, Delivered],
        &[Delivered, Queued, Read, Sent],
        &[Sent, Read, Delivered, Queued],
    ];
    for seq in seqs {
        let end = seq
            .iter()
            .fold(Queued, |cur, &n| if cur.advances_to(n) { n } else { cur });
        assert_eq!(end, Read);
    }
}

#[test]
fn names_round_trip() {
    for s in DeliveryStatus::ALL {
        assert_eq!(DeliveryStatus::parse(s.as_str()), Some(s));
        let json = serde_json::to_string(&s).unwrap();
        assert_eq!(json, format!("\"{}\"", s.as_str()));
    }
    assert_eq!(DeliveryStatus::parse("bogus"), None);
    assert!(Read.is_final() && Failed.is_final() && !Delivered.is_final());
}
