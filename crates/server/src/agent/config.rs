//! The agent settings as the server keeps them: the settings themselves live in the agent
//! crate; here are the model key, sealed at rest and never returned, and the view the API
//! shows.
use serde::Serialize;

pub use switchboard_agent::settings::{AgentSettings, LlmSettings};
pub use switchboard_messaging::turn::{key_context, llm_config};

/// The settings as the API shows them.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct AgentSettingsView {
    #[serde(flatten)]
    pub settings: AgentSettings,
    /// Whether a model key is stored (the key itself is never returned).
    pub llm_api_key_set: bool,
    /// `llm` when a model is configured, else `rules`.
    pub engine: &'static str,
}
