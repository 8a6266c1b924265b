//! Client for OpenAI-compatible chat-completions APIs (OpenAI, Gemini's OpenAI endpoint, Ollama,
//! vLLM, llama.cpp): plain and streamed replies, tool calls, retries with backoff.

mod answer;
mod client;
mod model;
mod retry;
mod sse;
mod types;
mod wire;

#[cfg(test)]
mod tests;

pub use client::LlmClient;
pub use model::ChatModel;
pub use retry::RetryPolicy;
pub use sse::{StreamAccumulator, data_events};
pub use types::{
    ChatMessage, ChatRequest, ChatResponse, StreamDelta, ToolCall, ToolChoice, ToolSpec, Usage,
};

use std::time::Duration;

/// Where and how to reach the model. One per business.
#[derive(Clone)]
pub struct LlmConfig {
    /// e.g. `https://api.openai.com/v1`; `/chat/completions` is appended.
    pub base_url: String,
    pub model: String,
    /// Sent as a bearer token; local servers (Ollama, llama.cpp) need none.
    pub api_key: Option<String>,
    /// Sampling temperature; a float is fine here, it is not money.
    pub temperature: Option<f32>,
    pub max_tokens: Option<u32>,
    /// Limit for one HTTP attempt (for a stream: the longest silence between chunks).
    pub timeout: Duration,
    /// Limit for the whole call including retries and their waits.
    pub deadline: Duration,
    pub retry: RetryPolicy,
    /// The server's guarded HTTP client: `base_url` is checked against its policy and every
    /// call goes through it. Without one the client builds its own, unguarded (tests, tools).
    pub outbound: Option<switchboard_netguard::GuardedClient>,
}

impl LlmConfig {
    pub fn new(base_url: impl Into<String>, model: impl Into<String>) -> Self {
        Self {
            base_url: base_url.into(),
            model: model.into(),
            api_key: None,
            temperature: None,
            max_tokens: None,
            timeout: Duration::from_secs(30),
            deadline: Duration::from_secs(60),
            retry: RetryPolicy::default(),
            outbound: None,
        }
    }

    /// The chat-completions endpoint under `base_url`.
    pub fn chat_url(&self) -> String {
        format!("{}/chat/completions", self.base_url.trim_end_matches('/'))
    }
}

// Hand-written so the API key never reaches a log line.
impl std::fmt::Debug for LlmConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LlmConfig")
            .field("base_url", &self.base_url)
            .field("model", &self.model)
            .field("api_key", &self.api_key.as_ref().map(|_| "[redacted]"))
            .field("temperature", &self.temperature)
            .field("max_tokens", &self.max_tokens)
            .field("timeout", &self.timeout)
            .field("deadline", &self.deadline)
            .field("retry", &self.retry)
            .finish()
    }
}

/// Why a chat call failed.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum LlmError {
    #[error("the model did not answer in time")]
    Timeout,
    #[error("rate limited by the model provider")]
    RateLimited { retry_after: Option<Duration> },
    // The provider's own words (`message`) are for logs: the display, which ends up in stored
    // turns and API answers, never repeats what a configured address answered.
    #[error("model provider error (HTTP {status})")]
    Server { status: u16, message: String },
    #[error("the model provider rejected the request (HTTP {status})")]
    BadRequest { status: u16, message: String },
    #[error("cannot read the model's answer: {0}")]
    Decode(String),
    #[error("cannot reach the model provider: {0}")]
    Network(String),
    #[error("invalid model configuration: {0}")]
    Config(String),
}

impl LlmError {
    /// Worth another attempt: the provider may recover (429, 5xx, timeouts, dropped connections).
    pub fn is_retryable(&self) -> bool {
        matches!(
            self,
            LlmError::Timeout
                | LlmError::RateLimited { .. }
                | LlmError::Server { .. }
                | LlmError::Network(_)
        )
    }
}
