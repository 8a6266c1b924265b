//! The model key of a business: sealed at rest for that business only, opened for the turn.
use switchboard_agent::{llm::LlmConfig, settings::AgentSettings};
use switchboard_channels::netguard::GuardedClient;
use switchboard_store::crypto::SecretBox;

/// The model client configuration of a business, when a model is configured: its sealed key
/// opened, every call through the guarded client.
pub fn llm_config(
    settings: &AgentSettings,
    sealed_key: Option<&str>,
    secrets: &SecretBox,
    business: &str,
    outbound: &GuardedClient,
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
