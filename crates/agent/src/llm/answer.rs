//! The public types of the model's answer: the whole response, its token usage, and the
//! pieces of a streamed answer.
use serde::{Deserialize, Serialize};

use super::types::{ChatMessage, ToolCall};

/// Token counts reported by the provider.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Usage {
    #[serde(default)]
    pub prompt_tokens: u64,
    #[serde(default)]
    pub completion_tokens: u64,
    #[serde(default)]
    pub total_tokens: u64,
}

/// The model's answer: text, tool calls, or both.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ChatResponse {
    pub content: Option<String>,
    pub tool_calls: Vec<ToolCall>,
    /// `stop`, `tool_calls`, `length`, `content_filter`, ...
    pub finish_reason: Option<String>,
    pub usage: Option<Usage>,
    pub model: Option<String>,
}

impl ChatResponse {
    /// The assistant message to append to the history before sending tool results back.
    pub fn to_message(&self) -> ChatMessage {
        ChatMessage::Assistant {
            content: self.content.clone(),
            tool_calls: self.tool_calls.clone(),
        }
    }
}

/// A piece of a streamed answer, handed to the caller as it arrives.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum StreamDelta {
    /// More reply text.
    Content(String),
    /// The model started a tool call (arguments follow and are delivered in the final response).
    ToolCallStarted { index: usize, name: String },
}
