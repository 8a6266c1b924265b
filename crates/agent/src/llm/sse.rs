//! Server-sent events for streamed completions: the byte stream is split into events by
//! `eventsource-stream` (bytes may arrive cut anywhere, even inside a UTF-8 character), and the
//! JSON chunks (text deltas, tool-call fragments, final usage) are accumulated into one
//! response.
use bytes::Bytes;
use eventsource_stream::{EventStreamError, Eventsource};
use futures::{Stream, StreamExt, TryStreamExt, future, stream};
use serde::Deserialize;
use serde_json::Value;

use super::wire::{WireToolCall, arguments_text, content_text};
use super::{ChatResponse, LlmError, StreamDelta, ToolCall, Usage};

/// The `data` of every event in an SSE byte stream. A last event the server did not close with
/// a blank line still counts: the stream's end closes it.
pub fn data_events<S, E>(bytes: S) -> impl Stream<Item = Result<String, EventStreamError<E>>>
where
    S: Stream<Item = Result<Bytes, E>>,
{
    bytes
        .chain(stream::once(future::ready(Ok(Bytes::from_static(b"\n\n")))))
        .eventsource()
        .map_ok(|event| event.data)
}

#[derive(Deserialize)]
struct Chunk {
    #[serde(default)]
    model: Option<String>,
    #[serde(default)]
    choices: Vec<ChunkChoice>,
    #[serde(default)]
    usage: Option<Usage>,
    #[serde(default)]
    error: Option<Value>,
}

#[derive(Deserialize)]
struct ChunkChoice {
    #[serde(default)]
    delta: Option<Delta>,
    #[serde(default)]
    finish_reason: Option<String>,
}

#[derive(Deserialize)]
struct Delta {
    #[serde(default)]
    content: Value,
    #[serde(default)]
    tool_calls: Vec<WireToolCall>,
}

/// Builds the final response out of streamed chunks.
#[derive(Default)]
pub struct StreamAccumulator {
    content: String,
    tool_calls: Vec<ToolCall>,
    finish_reason: Option<String>,
    usage: Option<Usage>,
    model: Option<String>,
    done: bool,
}

impl StreamAccumulator {
    /// Applies one event payload; returns what the caller may show right away.
    pub fn apply(&mut self, data: &str) -> Result<Vec<StreamDelta>, LlmError> {
        if data.trim() == "[DONE]" {
            self.done = true;
            return Ok(Vec::new());
        }
        let chunk: Chunk =
            serde_json::from_str(data).map_err(|e| LlmError::Decode(e.to_string()))?;
        if let Some(err) = chunk.error {
            let message = err
                .get("message")
                .and_then(Value::as_str)
                .map(str::to_string)
                .unwrap_or_else(|| err.to_string());
            return Err(LlmError::Server {
                status: 200,
                message,
            });
        }
        if chunk.model.is_some() {
            self.model = chunk.model;
        }
        if chunk.usage.is_some() {
            self.usage = chunk.usage;
        }
        let mut out = Vec::new();
        let Some(choice) = chunk.choices.into_iter().next() else {
            return Ok(out);
        };
        if choice.finish_reason.is_some() {
            self.finish_reason = choice.finish_reason;
        }
        let Some(delta) = choice.delta else {
            return Ok(out);
        };
        if let Some(text) = content_text(&delta.content).filter(|t| !t.is_empty()) {
            self.content.push_str(&text);
            out.push(StreamDelta::Content(text));
        }
        for (pos, frag) in delta.tool_calls.into_iter().enumerate() {
            // `index` says which call a fragment continues; servers that omit it send one
            // call per position.
            let index = frag.index.unwrap_or(pos);
            while self.tool_calls.len() <= index {
                self.tool_calls.push(ToolCall::default());
            }
            let Some(call) = self.tool_calls.get_mut(index) else {
                continue;
            };
            if let Some(id) = frag.id.filter(|s| !s.is_empty()) {
                call.id = id;
            }
            if let Some(f) = frag.function {
                if let Some(name) = f.name.filter(|s| !s.is_empty()) {
                    if call.name.is_empty() {
                        out.push(StreamDelta::ToolCallStarted {
                            index,
                            name: name.clone(),
                        });
                    }
                    call.name.push_str(&name);
                }
                call.arguments.push_str(&arguments_text(&f.arguments));
            }
        }
        Ok(out)
    }

    /// Whether `data: [DONE]` was seen.
    pub fn is_done(&self) -> bool {
        self.done
    }

    /// Whether anything at all has arrived (after which a retry would repeat text).
    pub fn has_output(&self) -> bool {
        !self.content.is_empty() || !self.tool_calls.is_empty()
    }

    pub fn finish(self) -> ChatResponse {
        let tool_calls = self
            .tool_calls
            .into_iter()
            .enumerate()
            .filter(|(_, c)| !c.name.is_empty())
            .map(|(i, mut c)| {
                if c.id.is_empty() {
                    c.id = format!("call_{i}");
                }
                c
            })
            .collect();
        ChatResponse {
            content: Some(self.content).filter(|c| !c.is_empty()),
            tool_calls,
            finish_reason: self.finish_reason,
            usage: self.usage,
            model: self.model,
        }
    }
}
