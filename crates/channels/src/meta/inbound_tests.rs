//! Tests of Meta webhook parsing on payloads shaped like Meta's reference examples.
use super::*;
use proptest::prelude::*;
use serde_json::json;

fn envelope(value: Value) -> Vec<u8> {
    json!({
        "object": "whatsapp_business_account",
        "entry": [{
            "id": "102290129340398",
            "changes": [{"field": "messages", "value": value}]
        }]
    })
    .to_string()
    .into_bytes()
}

fn metadata() -> Value {
    json!({"display_phone_number": "15550783881", "phone_number_id": "106540352242922"})
}

fn messages(body: &[u8]) -> Vec<InboundMessage> {
    parse_webhook(body, 0)
        .unwrap()
        .into_iter()
        .filter_map(|e| match e {
            InboundEvent::Message(m) => Some(m),
            _ => None,
        })
        .collect()
}

#[test]
fn text_message_with_profile_name() {
    let body = envelope(json!({
        "messaging_product": "whatsapp",
        "metadata": metadata(),
        "contacts": [{"profile": {"name": "Sheena Nelson"}, "wa_id": "16505551234"}],
        "messages": [{
            "from": "16505551234",
            "id": "wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQTRBNjU5OUFFRTAzODEwMTQ0RgA=",
            "timestamp": "1749416383",
            "type": "text",
            "text": {"body": "Does it come in another color?"},
            "brand_new_field": {"x": 1}
        }]
    }));
    let m = &messages(&body)[0];
    assert_eq!(m.channel, ChannelKind::MetaWhatsapp);
    assert_eq!(m.from.value(), "+16505551234");
    assert_eq!(m.to.as_deref(), Some("106540352242922"));
    assert_eq!(m.profile_name.as_deref(), Some("Sheena Nelson"));
    assert_eq!(m.text.as_deref(), Some("Does it come in another color?"));
    assert_eq!(m.received_at_ms, 1_749_416_383_000);
    assert!(m.provider_message_id.starts_with("wamid."));
}

#[test]
fn media_location_buttons_and_contacts() {
    let body = envelope(json!({
        "metadata": metadata(),
        "messages": [
            {"from": "16505551234", "id": "w1", "timestamp": "1", "type": "image",
             "image": {"id": "1003383421387256", "mime_type": "image/jpeg", "sha256": "x", "caption": "my cat"}},
            {"from": "16505551234", "id": "w2", "timestamp": "1", "type": "document",
             "document": {"id": "d1", "mime_type": "application/pdf", "filename": "invoice.pdf"}},
            {"from": "16505551234", "id": "w3", "timestamp": "1", "type": "location",
             "location": {"latitude": 37.48, "longitude": -122.14, "name": "Philz", "address": "101 Forest Ave"}},
            {"from": "16505551234", "id": "w4", "timestamp": "1", "type": "interactive",
             "interactive": {"type": "button_reply", "button_reply": {"id": "slot:2", "title": "11:30"}}},
            {"from": "16505551234", "id": "w5", "timestamp": "1", "type": "interactive",
             "interactive": {"type": "list_reply", "list_reply": {"id": "svc:7", "title": "Haircut", "description": "30 min"}}},
            {"from": "16505551234", "id": "w6", "timestamp": "1", "type": "button",
             "button": {"payload": "CONFIRM", "text": "Yes"}},
            {"from": "16505551234", "id": "w7", "timestamp": "1", "type": "contacts",
             "contacts": [{"name": {"formatted_name": "Bob"}, "phones": [{"phone": "+1 415 555 0101", "wa_id": "14155550101"}]}]},
            {"from": "16505551234", "id": "w8", "timestamp": "1", "type": "unsupported",
             "errors": [{"code": 131051, "title": "Message type unknown"}]}
        ]
    }));
    let ms = messages(&body);
    assert_eq!(ms.len(), 8);
    assert_eq!(
        ms[0].media[0].provider_media_id.as_deref(),
        Some("1003383421387256")
    );
    assert_eq!(ms[0].media[0].content_type.as_deref(), Some("image/jpeg"));
    assert_eq!(ms[0].text.as_deref(), Some("my cat"));
    assert_eq!(ms[1].media[0].filename.as_deref(), Some("invoice.pdf"));
    let loc = ms[2].location.as_ref().unwrap();
    assert_eq!(
        (loc.lat, loc.lon, loc.name.as_deref()),
        (37.48, -122.14, Some("Philz"))
    );
    assert_eq!(ms[3].button_payload.as_deref(), Some("slot:2"));
    assert_eq!(ms[3].text.as_deref(), Some("11:30"));
    assert_eq!(ms[4].button_payload.as_deref(), Some("svc:7"));
    assert_eq!(ms[5].button_payload.as_deref(), Some("CONFIRM"));
    assert_eq!(ms[6].contact.as_ref().unwrap().name.as_deref(), Some("Bob"));
    assert_eq!(ms[7].text, None);
}

#[test]
fn statuses_with_errors() {
    let body = envelope(json!({
        "metadata": metadata(),
        "statuses": [
            {"id": "wamid.A", "status": "delivered", "timestamp": "1700000000", "recipient_id": "16505551234"},
            {"id": "wamid.B", "status": "failed", "timestamp": "1700000001", "recipient_id": "16505551234",
             "errors": [{"code": 131047, "title": "Re-engagement message",
                         "error_data": {"details": "More than 24 hours have passed"}}]},
            {"id": "wamid.C", "status": "deleted", "timestamp": "1700000002"}
        ]
    }));
    let ev = parse_webhook(&body, 0).unwrap();
    assert_eq!(ev.len(), 2);
    assert_eq!(
        ev[0],
        InboundEvent::Status(StatusUpdate {
            provider_message_id: "wamid.A".into(),
            status: DeliveryStatus::Delivered,
            error_code: None,
            error_message: None,
            at_ms: 1_700_000_000_000,
        })
    );
    match &ev[1] {
        InboundEvent::Status(s) => {
            assert_eq!(s.status, DeliveryStatus::Failed);
            assert_eq!(s.error_code.as_deref(), Some("131047"));
            assert_eq!(
                s.error_message.as_deref(),
                Some("Re-engagement message: More than 24 hours have passed")
            );
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn several_entries_and_messages_in_one_post() {
    let one = json!({"from": "16505551234", "id": "a", "timestamp": "1", "type": "text", "text": {"body": "1"}});
    let two = json!({"from": "16505551235", "id": "b", "timestamp": "1", "type": "text", "text": {"body": "2"}});
    let body = json!({
        "object": "whatsapp_business_account",
        "entry": [
            {"id": "1", "changes": [{"field": "messages", "value": {"metadata": metadata(), "messages": [one, two]}}]},
            {"id": "2", "changes": [
                {"field": "message_template_status_update", "value": {"event": "APPROVED"}},
                {"field": "messages", "value": {"metadata": metadata(), "statuses": [{"id": "c", "status": "read", "timestamp": "2"}]}}
            ]}
        ]
    });
    let ev = parse_webhook(body.to_string().as_bytes(), 0).unwrap();
    assert_eq!(ev.len(), 3);
}

#[test]
fn bad_items_are_skipped_and_bad_payloads_refused() {
    let body = envelope(
        json!({"messages": [{"id": "x", "type": "text"}, {"from": "16505551234", "type": "text"}]}),
    );
    assert!(parse_webhook(&body, 0).unwrap().is_empty());
    assert!(parse_webhook(b"not json", 0).is_err());
    assert!(parse_webhook(b"{\"object\":\"page\"}", 0).is_err());
    assert!(parse_webhook(b"[]", 0).is_err());
    // A missing timestamp falls back to the time we received it.
    let body = envelope(
        json!({"messages": [{"from": "16505551234", "id": "m", "type": "text", "text": {"body": "x"}}]}),
    );
    assert_eq!(messages_at(&body, 42)[0].received_at_ms, 42);
}

fn messages_at(body: &[u8], now: i64) -> Vec<InboundMessage> {
    parse_webhook(body, now)
        .unwrap()
        .into_iter()
        .filter_map(|e| match e {
            InboundEvent::Message(m) => Some(m),
            _ => None,
        })
        .collect()
}

fn arb_json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        any::<f64>()
            .prop_map(|f| serde_json::Number::from_f64(f).map_or(Value::Null, Value::Number)),
        prop_oneof![
            Just("text".to_string()),
            Just("image".to_string()),
            Just("16505551234".to_string()),
            Just("failed".to_string()),
            ".{0,10}"
        ]
        .prop_map(Value::from),
    ];
    leaf.prop_recursive(4, 48, 6, |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            proptest::collection::hash_map(
                prop_oneof![
                    Just("entry".to_string()),
                    Just("changes".to_string()),
                    Just("value".to_string()),
                    Just("messages".to_string()),
                    Just("statuses".to_string()),
                    Just("contacts".to_string()),
                    Just("from".to_string()),
                    Just("id".to_string()),
                    Just("type".to_string()),
                    Just("status".to_string()),
                    Just("errors".to_string()),
                    Just("location".to_string()),
                    Just("interactive".to_string()),
                    Just("timestamp".to_string()),
                    "[a-z]{1,6}"
                ],
                inner,
                0..5
            )
            .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

proptest! {
    #[test]
    fn random_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..300)) {
        let _ = parse_webhook(&bytes, 0);
    }

    #[test]
    fn random_json_shapes_never_panic(v in arb_json()) {
        let _ = parse_webhook(v.to_string().as_bytes(), 0);
        let wrapped = json!({"entry": [{"changes": [{"value": {"messages": [v.clone()], "statuses": [v]}}]}]});
        let _ = parse_webhook(wrapped.to_string().as_bytes(), 0);
    }
}
