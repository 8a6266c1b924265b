//! The Switchboard server: configuration, the axum application (REST API, webhooks, health,
//! metrics), auth and tenancy extractors, job handlers, and the `switchboard` CLI.
#![forbid(unsafe_code)]

pub mod agent;
pub mod api;
pub mod app;
pub mod auth;
pub mod cli;
pub mod config;
mod config_keys;
pub mod demo;
pub mod error;
pub mod extract;
pub mod jobs;
pub mod messaging;
pub mod ops;
pub mod outbound;
pub mod serve;

pub use app::AppState;
pub use config::Config;
pub use serve::{launch, router};

#[cfg(test)]
mod import_graph;
