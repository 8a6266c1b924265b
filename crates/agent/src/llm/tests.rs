//! The chat client against the scripted fake OpenAI server, and the SSE parser on its own.
use std::time::{Duration, Instant};

use serde_json::json;
use switchboard_test_support::openai::{FakeOpenAi, ScriptedReply};

use super::*;

fn config(url: String) -> LlmConfig {
    LlmConfig {
        api_key: Some("sk-test".into()),
        temperature: Some(0.2),
        max_tokens: Some(300),
        timeout: Duration::from_secs(2),
        deadline: Duration::from_secs(5),
        retry: RetryPolicy {
            max_retries: 2,
            base_delay: Duration::from_millis(10),
            max_delay: Duration::from_millis(50),
        },
        ..LlmConfig::new(url, "gpt-test")
    }
}

fn tools() -> Vec<ToolSpec> {
    vec![ToolSpec {
        name: "free_slots".into(),
        description: "Free times".into(),
        parameters: json!({"type": "object", "properties": {"date": {"type": "string"}}}),
    }]
}

#[tokio::test]
async fn plain_chat_sends_the_openai_shape() {
    let fake = FakeOpenAi::spawn().await.unwrap();
    fake.push_content("Hello! How can I help?");
    let client = LlmClient::new(config(fake.url())).unwrap();
    let req = ChatRequest::new(vec![
        ChatMessage::system("Be nice"),
        ChatMessage::user("Hi"),
    ])
    .with_tools(tools(), ToolChoice::Auto);
    let resp = client.chat(&req).await.unwrap();
    assert_eq!(resp.content.as_deref(), Some("Hello! How can I help?"));
    assert_eq!(resp.finish_reason.as_deref(), Some("stop"));
    let usage = resp.usage.unwrap();
    assert_eq!(
        usage.total_tokens,
        usage.prompt_tokens + usage.completion_tokens
    );
    assert!(usage.prompt_tokens > 0);

    let sent = &fake.requests()[0];
    assert_eq!(sent.path, "/v1/chat/completions");
    assert_eq!(sent.header("authorization"), Some("Bearer sk-test"));
    let body = sent.json();
    assert_eq!(body["model"], "gpt-test");
    assert_eq!(
        body["messages"][0],
        json!({"role": "system", "content": "Be nice"})
    );
    assert_eq!(
        body["messages"][1],
        json!({"role": "user", "content": "Hi"})
    );
    assert_eq!(body["tools"][0]["type"], "function");
    assert_eq!(body["tools"][0]["function"]["name"], "free_slots");
    assert_eq!(body["tool_choice"], "auto");
    assert_eq!(body["max_tokens"], 300);
    assert!(body.get("stream").is_none());
}

#[tokio::test]
async fn empty_script_answers_the_default_content() {
    let fake = FakeOpenAi::spawn().await.unwrap();
    fake.set_default_content("Default answer");
    let client = LlmClient::new(config(fake.url())).unwrap();
    let resp = client
        .chat(&ChatRequest::new(vec![ChatMessage::user("hi")]))
        .await
        .unwrap();
    assert_eq!(resp.content.as_deref(), Some("Default answer"));
    assert_eq!(fake.remaining(), 0);
}

#[tokio::test]
async fn tool_calls_and_their_results_go_back_to_the_model() {
    let fake = FakeOpenAi::spawn().await.unwrap();
    fake.push_tool_call("free_slots", json!({"date": "2026-05-13"}));
    fake.push_content("Tomorrow at 10:00 or 11:30?");
    let client = LlmClient::new(config(fake.url())).unwrap();
    let mut messages = vec![ChatMessage::user("Anything tomorrow?")];
    let first = client
        .chat(&ChatRequest::new(messages.clone()).with_tools(tools(), ToolChoice::Auto))
        .await
        .unwrap();
    assert_eq!(first.finish_reason.as_deref(), Some("tool_calls"));
    assert_eq!(first.content, None);
    let call = &first.tool_calls[0];
    assert_eq!(call.name, "free_slots");
    let args: serde_json::Value = serde_json::from_str(&call.arguments).unwrap();
    assert_eq!(args["date"], "2026-05-13");

    messages.push(first.to_message());
    messages.push(ChatMessage::tool(
        call.id.clone(),
        r#"{"slots":["10:00","11:30"]}"#,
    ));
    let second = client
        .chat(&ChatRequest::new(messages).with_tools(tools(), ToolChoice::Auto))
        .await
        .unwrap();
    assert_eq!(
        second.content.as_deref(),
        Some("Tomorrow at 10:00 or 11:30?")
    );

    let body = fake.last_body().unwrap();
    let msgs = body["messages"].as_array().unwrap();
    assert_eq!(msgs[1]["role"], "assistant");
    assert_eq!(msgs[1]["tool_calls"][0]["id"], call.id.as_str());
    assert_eq!(msgs[1]["tool_calls"][0]["function"]["name"], "free_slots");
    assert_eq!(
        msgs[2],
        json!({"role": "tool", "tool_call_id": call.id, "content": r#"{"slots":["10:00","11:30"]}"#})
    );
}

#[tokio::test]
async fn streaming_delivers_deltas_and_the_whole_answer() {
    let fake = FakeOpenAi::spawn().await.unwrap();
    let text = "Здравствуйте! Завтра в 15:00 свободно. שלום 👋";
    fake.push_content(text);
    let client = LlmClient::new(config(fake.url())).unwrap();
    let mut seen = String::new();
    let resp = client
        .chat_stream(&ChatRequest::new(vec![ChatMessage::user("hi")]), |d| {
            if let StreamDelta::Content(c) = d {
                seen.push_str(&c);
            }
        })
        .await
        .unwrap();
    assert_eq!(seen, text);
    assert_eq!(resp.content.as_deref(), Some(text));
    assert_eq!(resp.finish_reason.as_deref(), Some("stop"));
    assert!(resp.usage.is_some(), "usage arrives in the last chunk");
    let body = fake.last_body().unwrap();
    assert_eq!(body["stream"], true);
    assert_eq!(body["stream_options"]["include_usage"], true);
}

#[tokio::test]
async fn streaming_accumulates_tool_call_fragments() {
    let fake = FakeOpenAi::spawn().await.unwrap();
    let args = json!({"service_id": "0196b1c2-0000-7000-8000-000000000001", "date": "2026-05-13", "part_of_day": "morning"});
    fake.push(ScriptedReply::tool_calls(vec![
        ("free_slots".into(), args.clone()),
        ("list_services".into(), json!({})),
    ]));
    let client = LlmClient::new(config(fake.url())).unwrap();
    let mut started = Vec::new();
    let resp = client
        .chat_stream(&ChatRequest::new(vec![ChatMessage::user("hi")]), |d| {
            if let StreamDelta::ToolCallStarted { name, .. } = d {
                started.push(name);
            }
        })
        .await
        .unwrap();
    assert_eq!(started, ["free_slots", "list_services"]);
    assert_eq!(resp.tool_calls.len(), 2);
    assert_eq!(
        serde_json::from_str::<serde_json::Value>(&resp.tool_calls[0].arguments).unwrap(),
        args
    );
    assert_eq!(resp.tool_calls[1].arguments, "{}");
    assert!(resp.tool_calls[0].id.starts_with("call_"));
    assert_eq!(resp.finish_reason.as_deref(), Some("tool_calls"));
}

#[tokio::test]
async fn server_errors_and_rate_limits_are_retried() {
    let fake = FakeOpenAi::spawn().await.unwrap();
    fake.fail_next(503, json!({"error": {"message": "overloaded"}}));
    fake.push(ScriptedReply::rate_limited(0));
    fake.push_content("finally");
    let client = LlmClient::new(config(fake.url())).unwrap();
    let resp = client
        .chat(&ChatRequest::new(vec![ChatMessage::user("hi")]))
        .await
        .unwrap();
    assert_eq!(resp.content.as_deref(), Some("finally"));
    assert_eq!(fake.requests().len(), 3);
}

#[tokio::test]
async fn streaming_is_retried_before_any_output() {
    let fake = FakeOpenAi::spawn().await.unwrap();
    fake.push(ScriptedReply::error(500, "boom"));
    fake.push_content("ok now");
    let client = LlmClient::new(config(fake.url())).unwrap();
    let resp = client
        .chat_stream(&ChatRequest::new(vec![ChatMessage::user("hi")]), |_| {})
        .await
        .unwrap();
    assert_eq!(resp.content.as_deref(), Some("ok now"));
    assert_eq!(fake.requests().len(), 2);
}

#[tokio::test]
async fn client_errors_are_not_retried() {
    let fake = FakeOpenAi::spawn().await.unwrap();
    fake.push(ScriptedReply::error(400, "Invalid 'messages[0].role'"));
    let client = LlmClient::new(config(fake.url())).unwrap();
    let err = client
        .chat(&ChatRequest::new(vec![ChatMessage::user("hi")]))
        .await
        .unwrap_err();
    assert_eq!(
        err,
        LlmError::BadRequest {
            status: 400,
            message: "Invalid 'messages[0].role'".into()
        }
    );
    assert!(!err.is_retryable());
    assert_eq!(fake.requests().len(), 1);
}

#[tokio::test]
async fn retries_give_up_after_the_limit() {
    let fake = FakeOpenAi::spawn().await.unwrap();
    for _ in 0..5 {
        fake.push(ScriptedReply::error(502, "bad gateway"));
    }
    let client = LlmClient::new(config(fake.url())).unwrap();
    let err = client
        .chat(&ChatRequest::new(vec![ChatMessage::user("hi")]))
        .await
        .unwrap_err();
    assert!(
        matches!(err, LlmError::Server { status: 502, .. }),
        "{err:?}"
    );
    assert_eq!(fake.requests().len(), 3, "one try and two retries");
}

#[tokio::test]
async fn slow_answers_time_out_within_the_deadline() {
    let fake = FakeOpenAi::spawn().await.unwrap();
    for _ in 0..3 {
        fake.push(ScriptedReply::content("too late").with_delay(Duration::from_secs(3)));
    }
    let mut cfg = config(fake.url());
    cfg.timeout = Duration::from_millis(200);
    cfg.deadline = Duration::from_millis(700);
    let client = LlmClient::new(cfg).unwrap();
    let started = Instant::now();
    let err = client
        .chat(&ChatRequest::new(vec![ChatMessage::user("hi")]))
        .await
        .unwrap_err();
    assert_eq!(err, LlmError::Timeout);
    assert!(
        started.elapsed() < Duration::from_millis(1500),
        "{:?}",
        started.elapsed()
    );
    assert!(fake.requests().len() >= 2, "timeouts are retried");
}

#[tokio::test]
async fn a_retry_after_beyond_the_deadline_is_not_waited_for() {
    let fake = FakeOpenAi::spawn().await.unwrap();
    fake.push(ScriptedReply::rate_limited(30));
    let client = LlmClient::new(config(fake.url())).unwrap();
    let started = Instant::now();
    let err = client
        .chat(&ChatRequest::new(vec![ChatMessage::user("hi")]))
        .await
        .unwrap_err();
    assert_eq!(
        err,
        LlmError::RateLimited {
            retry_after: Some(Duration::from_secs(30))
        }
    );
    assert!(started.elapsed() < Duration::from_secs(2));
}

#[tokio::test]
async fn unreachable_server_is_a_network_error() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/v1", listener.local_addr().unwrap());
    drop(listener);
    let client = LlmClient::new(config(url)).unwrap();
    let err = client
        .chat(&ChatRequest::new(vec![ChatMessage::user("hi")]))
        .await
        .unwrap_err();
    assert!(matches!(err, LlmError::Network(_)), "{err:?}");
}

#[test]
fn config_debug_hides_the_key() {
    let cfg = config("http://x".into());
    let shown = format!("{cfg:?}");
    assert!(!shown.contains("sk-test"));
    assert!(shown.contains("[redacted]"));
    assert!(LlmClient::new(LlmConfig::new("", "m")).is_err());
    assert_eq!(
        LlmConfig::new("https://api.openai.com/v1/", "m").chat_url(),
        "https://api.openai.com/v1/chat/completions"
    );
}

#[test]
fn backoff_grows_with_jitter_and_a_cap() {
    let p = RetryPolicy {
        max_retries: 5,
        base_delay: Duration::from_millis(100),
        max_delay: Duration::from_millis(1000),
    };
    for _ in 0..50 {
        let d0 = p.backoff(0);
        assert!(
            d0 >= Duration::from_millis(50) && d0 <= Duration::from_millis(100),
            "{d0:?}"
        );
        let d3 = p.backoff(3);
        assert!(
            d3 >= Duration::from_millis(400) && d3 <= Duration::from_millis(800),
            "{d3:?}"
        );
        assert!(p.backoff(30) <= Duration::from_millis(1000));
    }
    assert_eq!(retry::parse_retry_after("7"), Some(Duration::from_secs(7)));
    assert_eq!(
        retry::parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT"),
        Some(Duration::ZERO)
    );
    assert_eq!(retry::parse_retry_after("soon"), None);
}

/// The data of the events in `chunks`, as the streaming client reads them.
fn events_of(chunks: &[&[u8]]) -> Vec<String> {
    let chunks = chunks
        .iter()
        .map(|c| Ok::<_, ()>(bytes::Bytes::copy_from_slice(c)))
        .collect::<Vec<_>>();
    futures::executor::block_on(futures::TryStreamExt::try_collect(data_events(
        futures::stream::iter(chunks),
    )))
    .unwrap()
}

#[test]
fn sse_parser_survives_any_split() {
    let stream = "data: {\"choices\":[{\"delta\":{\"content\":\"Привет, \"}}]}\r\n\r\n: keep-alive\n\ndata: {\"choices\":[{\"delta\":{\"content\":\"мир\"},\"finish_reason\":\"stop\"}]}\n\ndata: {\"choices\":[],\"usage\":{\"prompt_tokens\":3,\"completion_tokens\":2,\"total_tokens\":5}}\n\ndata: [DONE]\n\n";
    let bytes = stream.as_bytes();
    for split in 0..bytes.len() {
        let mut acc = StreamAccumulator::default();
        for e in events_of(&[&bytes[..split], &bytes[split..]]) {
            acc.apply(&e).unwrap();
        }
        assert!(acc.is_done());
        let resp = acc.finish();
        assert_eq!(
            resp.content.as_deref(),
            Some("Привет, мир"),
            "split at {split}"
        );
        assert_eq!(resp.usage.map(|u| u.total_tokens), Some(5));
    }
}

#[test]
fn a_last_event_without_a_closing_blank_line_still_counts() {
    let events = events_of(&[b"data: {\"a\":1}\n\ndata: [DONE]"]);
    assert_eq!(events, ["{\"a\":1}", "[DONE]"]);
}

#[test]
fn stream_error_chunks_and_garbage_are_errors() {
    let mut acc = StreamAccumulator::default();
    assert!(matches!(
        acc.apply(r#"{"error":{"message":"overloaded"}}"#),
        Err(LlmError::Server { .. })
    ));
    assert!(matches!(acc.apply("not json"), Err(LlmError::Decode(_))));
    assert!(matches!(
        wire::parse_completion(b"{}"),
        Err(LlmError::Decode(_))
    ));
    assert!(matches!(
        wire::parse_completion(b"<html>"),
        Err(LlmError::Decode(_))
    ));
}

#[tokio::test]
async fn a_guarded_client_never_calls_a_model_inside_the_network() {
    use std::sync::Arc;
    use switchboard_netguard::{GuardedClient, OutboundPolicy, client_builder};

    let fake = FakeOpenAi::spawn().await.unwrap();
    fake.push_content("never asked");
    let policy = Arc::new(OutboundPolicy::default());
    let guarded = GuardedClient::new(client_builder(policy.clone()).build().unwrap(), policy);
    // An IP literal is refused when the client is made; a name when it resolves.
    let literal = LlmConfig {
        outbound: Some(guarded.clone()),
        ..config(fake.url())
    };
    assert!(matches!(LlmClient::new(literal), Err(LlmError::Config(_))));
    let named = LlmConfig {
        outbound: Some(guarded),
        ..config(fake.url().replace("127.0.0.1", "localhost"))
    };
    let err = LlmClient::new(named)
        .unwrap()
        .chat(&ChatRequest::new(vec![ChatMessage::user("hi")]))
        .await
        .unwrap_err();
    assert!(matches!(err, LlmError::Config(_)), "{err:?}");
    assert!(!err.is_retryable());
    assert!(fake.requests().is_empty());
}
