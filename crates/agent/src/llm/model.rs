//! The model as the tool loop sees it: one chat call at a time. [`LlmClient`] is the real one;
//! tests script their own.
use async_trait::async_trait;

use super::{ChatRequest, ChatResponse, LlmClient, LlmError};

#[async_trait]
pub trait ChatModel: Send + Sync {
    /// The configured model name (the provider may report another in its answers).
    fn model_name(&self) -> &str;

    async fn chat(&self, req: &ChatRequest) -> Result<ChatResponse, LlmError>;
}

#[async_trait]
impl ChatModel for LlmClient {
    fn model_name(&self) -> &str {
        &self.config().model
    }

    async fn chat(&self, req: &ChatRequest) -> Result<ChatResponse, LlmError> {
        LlmClient::chat(self, req).await
    }
}
