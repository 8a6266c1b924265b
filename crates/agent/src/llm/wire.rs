//! The JSON shapes of the chat-completions API: building the request body and reading replies
//! leniently (providers add fields and vary in what they omit).
use serde::Deserialize;
use serde_json::{Value, json};

use super::{
    ChatMessage, ChatRequest, ChatResponse, LlmConfig, LlmError, ToolCall, ToolChoice, Usage,
};

pub(crate) fn request_body(config: &LlmConfig, req: &ChatRequest, stream: bool) -> Value {
    let mut body = json!({
        "model": config.model,
        "messages": req.messages.iter().map(message).collect::<Vec<_>>(),
    });
    if !req.tools.is_empty() {
        body["tools"] = req
            .tools
            .iter()
            .map(|t| {
                json!({"type": "function", "function": {
                    "name": t.name, "description": t.description, "parameters": t.parameters,
                }})
            })
            .collect();
        if let Some(choice) = &req.tool_choice {
            body["tool_choice"] = match choice {
                ToolChoice::Auto => json!("auto"),
                ToolChoice::None => json!("none"),
                ToolChoice::Required => json!("required"),
                ToolChoice::Function(name) => {
                    json!({"type": "function", "function": {"name": name}})
                }
            };
        }
    }
    if let Some(t) = config.temperature {
        body["temperature"] = json!(t);
    }
    if let Some(m) = config.max_tokens {
        body["max_tokens"] = json!(m);
    }
    if stream {
        body["stream"] = json!(true);
        body["stream_options"] = json!({"include_usage": true});
    }
    body
}

fn message(m: &ChatMessage) -> Value {
    match m {
        ChatMessage::System { content } => json!({"role": "system", "content": content}),
        ChatMessage::User { content } => json!({"role": "user", "content": content}),
        ChatMessage::Assistant {
            content,
            tool_calls,
        } => {
            let mut v = json!({"role": "assistant", "content": content});
            if !tool_calls.is_empty() {
                v["tool_calls"] = tool_calls
                    .iter()
                    .map(|c| {
                        json!({"id": c.id, "type": "function", "function": {
                            "name": c.name, "arguments": c.arguments,
                        }})
                    })
                    .collect();
            }
            v
        }
        ChatMessage::Tool {
            tool_call_id,
            content,
        } => json!({"role": "tool", "tool_call_id": tool_call_id, "content": content}),
    }
}

#[derive(Deserialize)]
struct Completion {
    #[serde(default)]
    model: Option<String>,
    #[serde(default)]
    choices: Vec<Choice>,
    #[serde(default)]
    usage: Option<Usage>,
}

#[derive(Deserialize)]
struct Choice {
    #[serde(default)]
    message: Option<WireMessage>,
    #[serde(default)]
    finish_reason: Option<String>,
}

#[derive(Deserialize)]
struct WireMessage {
    #[serde(default)]
    content: Value,
    #[serde(default)]
    tool_calls: Vec<WireToolCall>,
}

#[derive(Deserialize, Default)]
pub(crate) struct WireToolCall {
    #[serde(default)]
    pub index: Option<usize>,
    #[serde(default)]
    pub id: Option<String>,
    #[serde(default)]
    pub function: Option<WireFunction>,
}

#[derive(Deserialize, Default)]
pub(crate) struct WireFunction {
    #[serde(default)]
    pub name: Option<String>,
    /// Usually a string; a few servers send an object, which is re-serialised.
    #[serde(default)]
    pub arguments: Value,
}

/// Text content: a string, or (some providers) a list of `{type: text, text}` parts.
pub(crate) fn content_text(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Array(parts) => {
            let text: String = parts
                .iter()
                .filter_map(|p| p.get("text").and_then(Value::as_str))
                .collect();
            Some(text)
        }
        _ => None,
    }
}

pub(crate) fn arguments_text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Null => String::new(),
        other => other.to_string(),
    }
}

pub(crate) fn parse_completion(body: &[u8]) -> Result<ChatResponse, LlmError> {
    let c: Completion =
        serde_json::from_slice(body).map_err(|e| LlmError::Decode(e.to_string()))?;
    let choice = c
        .choices
        .into_iter()
        .next()
        .ok_or_else(|| LlmError::Decode("the reply has no choices".into()))?;
    let message = choice
        .message
        .ok_or_else(|| LlmError::Decode("the choice has no message".into()))?;
    let tool_calls = message
        .tool_calls
        .into_iter()
        .enumerate()
        .map(|(i, t)| {
            let f = t.function.unwrap_or_default();
            ToolCall {
                id: t.id.unwrap_or_else(|| format!("call_{i}")),
                name: f.name.unwrap_or_default(),
                arguments: arguments_text(&f.arguments),
            }
        })
        .collect();
    Ok(ChatResponse {
        content: content_text(&message.content).filter(|s| !s.is_empty()),
        tool_calls,
        finish_reason: choice.finish_reason,
        usage: c.usage,
        model: c.model,
    })
}

/// The human-readable message of an error body (`{"error": {"message": ...}}` or plain text).
pub(crate) fn error_message(body: &[u8]) -> String {
    let parsed: Option<Value> = serde_json::from_slice(body).ok();
    let from_json = parsed.as_ref().and_then(|v| {
        v.pointer("/error/message")
            .or_else(|| v.get("error"))
            .or_else(|| v.get("message"))
            .and_then(Value::as_str)
            .map(str::to_string)
    });
    from_json.unwrap_or_else(|| {
        let text = String::from_utf8_lossy(body);
        text.chars().take(500).collect()
    })
}
