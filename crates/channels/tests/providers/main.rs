//! Every client against its fake provider over real HTTP on 127.0.0.1: successful sends,
//! a 500 then success, a permanent 4xx carrying the provider's code, a 429 with Retry-After,
//! and webhooks built and signed by the fakes, verified and parsed by the channel modules.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod evolution;
mod meta;
mod telegram;
mod twilio;

use switchboard_channels::build_client;

fn http() -> reqwest::Client {
    build_client().unwrap()
}

fn now_ms() -> i64 {
    1_700_000_000_000
}
