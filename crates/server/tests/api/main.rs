//! Black-box tests of the server over HTTP, on SQLite, or on PostgreSQL when
//! `TEST_DATABASE_URL` is set (the same suite, run twice by `.ci/run`).
#![allow(clippy::unwrap_used, clippy::expect_used)]
mod agent;
mod agent_settings;
mod billing;
mod calendar;
mod channel_admin;
mod chat;
mod errors;
mod grid;
mod handover;
mod helpers;
mod http;
mod i18n;
mod jobs;
mod latency;
mod messaging;
mod openapi;
mod outbound;
mod outbox;
mod payform;
mod phones;
mod process;
mod signin;
mod startup;
mod tenancy;
mod webhook_limits;
