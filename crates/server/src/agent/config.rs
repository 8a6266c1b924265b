//! The agent settings as the server keeps them: the settings themselves live in the agent
//! crate; here are the model key, sealed at rest and never returned, and the view the API
//! shows.
use serde::Serialize;
use switchboard_agent::llm::LlmConfig;
use switchboard_store::crypto::SecretBox;

pub use switchboard_agent::settings::{AgentSettings, LlmSettings};

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

/// The model client configuration of a business, when a model is configured: its sealed key
/// opened, every call through the guarded client.
pub fn llm_config(
    settings: &AgentSettings,
    sealed_key: Option<&str>,
    secrets: &SecretBox,
    business: &str,
    outbound: &switchboard_channels::netguard::GuardedClient,
) -> Option<LlmConfig> {
    settings.llm.as_ref()?;
    let api_key = sealed_key.and_then(|k| match secrets.open(k, &key_context(business)) {
        Ok(key) => Some(key),
        Err(e) => {
            tracing::error!(error = %e, "cannot open the stored model key");
            None
        }
    });
    settings.llm_config(api_key, outbound)
}

/// The sealing context of a business's model key: a key sealed for one business cannot be
/// opened as another's.
pub fn key_context(business: &str) -> String {
    format!("agent:llm_api_key:{business}")
}
