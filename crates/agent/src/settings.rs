//! A business's agent settings: who the assistant is, what it knows about the business, the
//! optional OpenAI-compatible model, and the limits of a turn. The model key is not here: the
//! caller keeps it sealed at rest and hands it to [`AgentSettings::llm_config`] opened.
//!
//! With the `openapi` feature the types also describe themselves for the API's OpenAPI
//! document (the agent-settings endpoints take and show them as they are).
use std::time::Duration;

use serde::{Deserialize, Serialize};
use switchboard_netguard::GuardedClient;

use crate::llm::{LlmConfig, RetryPolicy};

fn yes() -> bool {
    true
}
fn default_history() -> u32 {
    20
}
/// Long enough for a double-tapped send or a quick correction; messages typed while a turn
/// runs are merged into it anyway, so a longer wait would only delay every first reply.
fn default_burst_ms() -> u32 {
    500
}
fn default_hold_minutes() -> u32 {
    10
}
fn default_budget_ms() -> u32 {
    20_000
}
fn default_iterations() -> u32 {
    6
}

/// The model to use. Without it the built-in rule-based agent answers.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct LlmSettings {
    /// OpenAI-compatible base URL, e.g. `https://api.openai.com/v1` or a local Ollama.
    pub base_url: String,
    pub model: String,
    /// Write-only: the provider key, sealed at rest. Omit to keep the stored key; send `""`
    /// to remove it.
    // Never serialized; `skip_serializing_if` (unlike `skip_serializing`) keeps the field in
    // the OpenAPI document, marked write-only.
    #[serde(default, skip_serializing_if = "never_shown")]
    #[cfg_attr(feature = "openapi", schema(write_only))]
    pub api_key: Option<String>,
    #[serde(default)]
    pub temperature: Option<f32>,
    #[serde(default)]
    pub max_tokens: Option<u32>,
    /// Limit for one HTTP attempt, in milliseconds (default 15 000).
    #[serde(default)]
    pub timeout_ms: Option<u32>,
}

fn never_shown<T>(_: &T) -> bool {
    true
}

/// The agent settings of a business.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct AgentSettings {
    /// When off, inbound messages are only stored (and acknowledged if `auto_ack` is set).
    #[serde(default = "yes")]
    pub enabled: bool,
    #[serde(default)]
    pub llm: Option<LlmSettings>,
    /// Who the assistant is ("Anna, the salon's administrator").
    #[serde(default)]
    pub persona: Option<String>,
    /// Extra instructions for the model.
    #[serde(default)]
    pub instructions: Option<String>,
    #[serde(default)]
    pub address: Option<String>,
    #[serde(default)]
    pub phone: Option<String>,
    /// Opening hours shown verbatim in every language; when empty, they are derived from the
    /// staff's hours and written in the customer's language.
    #[serde(default)]
    pub hours_text: Option<String>,
    /// How many past messages the model sees.
    #[serde(default = "default_history")]
    pub history_messages: u32,
    /// Messages arriving within this many milliseconds of each other become one turn.
    #[serde(default = "default_burst_ms")]
    pub burst_ms: u32,
    /// How long an offered slot stays held while the customer confirms.
    #[serde(default = "default_hold_minutes")]
    pub hold_minutes: u32,
    /// The model's time budget for a whole turn; past it the rule-based agent answers.
    #[serde(default = "default_budget_ms")]
    pub turn_budget_ms: u32,
    /// At most this many model calls per turn (the tool loop's cap).
    #[serde(default = "default_iterations")]
    pub max_tool_iterations: u32,
}

impl Default for AgentSettings {
    fn default() -> Self {
        AgentSettings {
            enabled: true,
            llm: None,
            persona: None,
            instructions: None,
            address: None,
            phone: None,
            hours_text: None,
            history_messages: default_history(),
            burst_ms: default_burst_ms(),
            hold_minutes: default_hold_minutes(),
            turn_budget_ms: default_budget_ms(),
            max_tool_iterations: default_iterations(),
        }
    }
}

impl AgentSettings {
    /// Reads stored settings; unreadable settings fall back to the defaults (and are logged).
    pub fn from_stored(value: serde_json::Value) -> Self {
        serde_json::from_value(value).unwrap_or_else(|e| {
            tracing::warn!(error = %e, "stored agent settings unreadable; using defaults");
            AgentSettings::default()
        })
    }

    /// The model's time budget for a whole turn.
    pub fn turn_budget(&self) -> Duration {
        Duration::from_millis(u64::from(self.turn_budget_ms.max(1000)))
    }

    /// How many past messages the model sees, within sane bounds.
    pub fn history_limit(&self) -> usize {
        usize::try_from(self.history_messages.clamp(2, 200)).unwrap_or(20)
    }

    /// How long an offered slot stays held, in milliseconds (at least a minute).
    pub fn hold_ttl_ms(&self) -> i64 {
        i64::from(self.hold_minutes.max(1)) * 60_000
    }

    /// The model client configuration, when a model is configured. `api_key` is the opened
    /// provider key, if one is stored; every call goes through `outbound`, because the
    /// model's URL is the tenant's.
    pub fn llm_config(
        &self,
        api_key: Option<String>,
        outbound: &GuardedClient,
    ) -> Option<LlmConfig> {
        let llm = self.llm.as_ref()?;
        let mut config = LlmConfig::new(&llm.base_url, &llm.model);
        config.api_key = api_key;
        config.temperature = llm.temperature;
        config.max_tokens = llm.max_tokens;
        let budget = self.turn_budget();
        config.timeout =
            Duration::from_millis(u64::from(llm.timeout_ms.unwrap_or(15_000))).min(budget);
        config.deadline = budget;
        config.retry = RetryPolicy::default();
        config.outbound = Some(outbound.clone());
        Some(config)
    }
}
