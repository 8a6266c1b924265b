//! The HTTP side of the chat client: one attempt at a time under a per-attempt timeout, retried
//! within the overall deadline.
use std::time::Duration;

use eventsource_stream::EventStreamError;
use futures::{StreamExt, stream};
use reqwest::header::{CONTENT_TYPE, RETRY_AFTER};
use serde_json::Value;
use tokio::time::{Instant, timeout};

use super::retry::parse_retry_after;
use super::sse::{StreamAccumulator, data_events};
use super::wire::{error_message, parse_completion, request_body};
use super::{ChatRequest, ChatResponse, LlmConfig, LlmError, StreamDelta};

/// A chat-completions client for one configuration. Cheap to clone (the connection pool is
/// shared).
#[derive(Clone, Debug)]
pub struct LlmClient {
    http: reqwest::Client,
    config: LlmConfig,
}

/// A failed attempt and how long the provider asked us to wait.
struct Failure {
    error: LlmError,
    retry_after: Option<Duration>,
}

impl From<LlmError> for Failure {
    fn from(error: LlmError) -> Self {
        Failure {
            error,
            retry_after: None,
        }
    }
}

fn from_reqwest(e: reqwest::Error) -> LlmError {
    // Refused by the outbound guard: retrying cannot help until the operator allows it.
    if let Some(blocked) = switchboard_netguard::Blocked::find(&e) {
        return LlmError::Config(format!("base URL refused: {blocked}"));
    }
    if e.is_timeout() {
        LlmError::Timeout
    } else if e.is_decode() {
        LlmError::Decode(e.to_string())
    } else {
        LlmError::Network(e.to_string())
    }
}

impl LlmClient {
    pub fn new(config: LlmConfig) -> Result<Self, LlmError> {
        if config.base_url.trim().is_empty() || config.model.trim().is_empty() {
            return Err(LlmError::Config("base URL and model are required".into()));
        }
        let http = match &config.outbound {
            Some(guarded) => {
                guarded
                    .check(&config.base_url)
                    .map_err(|e| LlmError::Config(format!("base URL refused: {e}")))?;
                guarded.client().clone()
            }
            None => reqwest::Client::builder()
                .connect_timeout(config.timeout.min(Duration::from_secs(10)))
                .build()
                .map_err(|e| LlmError::Config(e.to_string()))?,
        };
        Ok(Self { http, config })
    }

    pub fn config(&self) -> &LlmConfig {
        &self.config
    }

    /// One non-streamed completion, retried on 429, 5xx, timeouts and connection errors.
    pub async fn chat(&self, req: &ChatRequest) -> Result<ChatResponse, LlmError> {
        let body = request_body(&self.config, req, false);
        let deadline = Instant::now() + self.config.deadline;
        let mut attempt = 0;
        loop {
            let limit = self.attempt_limit(deadline)?;
            let result = match timeout(limit, self.complete_once(&body)).await {
                Ok(r) => r,
                Err(_) => Err(LlmError::Timeout.into()),
            };
            match result {
                Ok(resp) => return Ok(resp),
                Err(f) => self.wait_before_retry(f, &mut attempt, deadline).await?,
            }
        }
    }

    /// A streamed completion: `on_delta` sees text as it arrives; the accumulated response
    /// (tool calls with complete arguments, usage) is returned at the end. A failure before
    /// the first delta is retried like `chat`; after it the error is returned, because a retry
    /// would show the customer the same words twice.
    pub async fn chat_stream<F>(
        &self,
        req: &ChatRequest,
        mut on_delta: F,
    ) -> Result<ChatResponse, LlmError>
    where
        F: FnMut(StreamDelta) + Send,
    {
        let body = request_body(&self.config, req, true);
        let deadline = Instant::now() + self.config.deadline;
        let mut attempt = 0;
        loop {
            let mut acc = StreamAccumulator::default();
            match self
                .stream_once(&body, &mut acc, &mut on_delta, deadline)
                .await
            {
                Ok(Some(plain)) => return Ok(plain),
                Ok(None) => return Ok(acc.finish()),
                Err(f) if acc.has_output() => return Err(f.error),
                Err(f) => self.wait_before_retry(f, &mut attempt, deadline).await?,
            }
        }
    }

    fn attempt_limit(&self, deadline: Instant) -> Result<Duration, LlmError> {
        let remaining = deadline.saturating_duration_since(Instant::now());
        if remaining.is_zero() {
            return Err(LlmError::Timeout);
        }
        Ok(remaining.min(self.config.timeout))
    }

    /// Returns the error when it is final; otherwise sleeps the backoff and returns `Ok`.
    async fn wait_before_retry(
        &self,
        failure: Failure,
        attempt: &mut u32,
        deadline: Instant,
    ) -> Result<(), LlmError> {
        let policy = self.config.retry;
        if !failure.error.is_retryable() || *attempt >= policy.max_retries {
            return Err(failure.error);
        }
        let wait = failure
            .retry_after
            .unwrap_or_else(|| policy.backoff(*attempt));
        if Instant::now() + wait >= deadline {
            return Err(failure.error);
        }
        tracing::warn!(
            attempt = *attempt + 1,
            wait_ms = u64::try_from(wait.as_millis()).unwrap_or(u64::MAX),
            error = %failure.error,
            "model call failed, retrying"
        );
        tokio::time::sleep(wait).await;
        *attempt += 1;
        Ok(())
    }

    async fn send(&self, body: &Value) -> Result<reqwest::Response, Failure> {
        let mut rb = self.http.post(self.config.chat_url()).json(body);
        if let Some(key) = self.config.api_key.as_deref().filter(|k| !k.is_empty()) {
            rb = rb.bearer_auth(key);
        }
        let resp = rb.send().await.map_err(from_reqwest)?;
        let status = resp.status();
        if status.is_success() {
            return Ok(resp);
        }
        let retry_after = resp
            .headers()
            .get(RETRY_AFTER)
            .and_then(|v| v.to_str().ok())
            .and_then(parse_retry_after);
        let bytes = resp.bytes().await.unwrap_or_default();
        let message = error_message(&bytes);
        let code = status.as_u16();
        tracing::warn!(status = code, detail = %message, "the model provider answered an error");
        let error = match code {
            429 => LlmError::RateLimited { retry_after },
            408 => LlmError::Timeout,
            500..=599 => LlmError::Server {
                status: code,
                message,
            },
            _ => LlmError::BadRequest {
                status: code,
                message,
            },
        };
        Err(Failure { error, retry_after })
    }

    async fn complete_once(&self, body: &Value) -> Result<ChatResponse, Failure> {
        let resp = self.send(body).await?;
        let bytes = resp.bytes().await.map_err(from_reqwest)?;
        Ok(parse_completion(&bytes)?)
    }

    /// Streams one attempt into `acc`. A server that ignores `stream: true` and answers one
    /// plain completion gets that completion returned instead.
    async fn stream_once<F>(
        &self,
        body: &Value,
        acc: &mut StreamAccumulator,
        on_delta: &mut F,
        deadline: Instant,
    ) -> Result<Option<ChatResponse>, Failure>
    where
        F: FnMut(StreamDelta) + Send,
    {
        let limit = self.attempt_limit(deadline)?;
        let resp = timeout(limit, self.send(body))
            .await
            .map_err(|_| LlmError::Timeout)??;
        let is_json = resp
            .headers()
            .get(CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|ct| ct.starts_with("application/json"));
        if is_json {
            let bytes = timeout(limit, resp.bytes())
                .await
                .map_err(|_| LlmError::Timeout)?
                .map_err(from_reqwest)?;
            let done = parse_completion(&bytes)?;
            if let Some(text) = &done.content {
                on_delta(StreamDelta::Content(text.clone()));
            }
            return Ok(Some(done));
        }
        let chunks = stream::unfold(resp, |mut resp| async move {
            match resp.chunk().await {
                Ok(Some(bytes)) => Some((Ok(bytes), resp)),
                Ok(None) => None,
                Err(e) => Some((Err(e), resp)),
            }
        });
        let mut events = std::pin::pin!(data_events(chunks));
        loop {
            // Between chunks the per-attempt timeout bounds silence; the deadline bounds all.
            let limit = self.attempt_limit(deadline)?;
            let next = timeout(limit, events.next())
                .await
                .map_err(|_| LlmError::Timeout)?;
            let data = match next {
                None => return Ok(None),
                Some(Ok(data)) => data,
                Some(Err(EventStreamError::Transport(e))) => return Err(from_reqwest(e).into()),
                Some(Err(e)) => return Err(LlmError::Decode(e.to_string()).into()),
            };
            for delta in acc.apply(&data)? {
                on_delta(delta);
            }
            if acc.is_done() {
                return Ok(None);
            }
        }
    }
}
