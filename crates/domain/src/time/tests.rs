use super::*;

#[test]
fn a_frozen_clock_stands_still_until_advanced() {
    let start = to_datetime(1_700_000_000_000);
    let manual = ManualClock::frozen(start);
    let clock = manual.clock();
    assert_eq!(clock.now(), start);
    assert_eq!(clock.now(), start);
    manual.advance(Duration::from_secs(90));
    assert_eq!(clock.now_ms(), 1_700_000_090_000);
}

#[test]
fn clones_of_a_manual_clock_share_one_time() {
    let manual = ManualClock::frozen(to_datetime(0));
    let other = manual.clone();
    other.advance(Duration::from_millis(5));
    assert_eq!(manual.now_ms(), 5);
}

#[test]
fn a_running_clock_is_the_wall_clock_plus_what_was_advanced() {
    let manual = ManualClock::running();
    manual.advance(Duration::from_secs(3600));
    let ahead = manual.now_ms() - now_ms();
    assert!((3_590_000..=3_600_000).contains(&ahead), "{ahead}");
}

#[test]
fn the_default_clock_is_the_system_clock() {
    let diff = (Clock::default().now_ms() - now_ms()).abs();
    assert!(diff < 5_000, "{diff}");
}
