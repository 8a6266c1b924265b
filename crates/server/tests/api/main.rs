//! Black-box tests of the server over HTTP, on SQLite, or on PostgreSQL when
//! `TEST_DATABASE_URL` is set (the same suite, run twice by `.ci/run`).
#![allow(clippy::unwrap_used, clippy::expect_used)]
mod agent;
mod billing;
mod calendar;
mod chat;
mod conversations;
mod conversations_asks;
mod errors;
mod grid;
mod handover;
mod helpers;
mod i18n;
mod jobs;
mod latency;
mod messaging;
mod openapi;
mod outbound;
mod outbox;
mod phones;
mod process;
mod slot_holds;
mod tenancy;
mod webhook_limits;
