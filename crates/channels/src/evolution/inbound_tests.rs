//! Tests of Evolution webhook parsing on payloads shaped like the bridge's (v2) deliveries.
use super::*;
use proptest::prelude::*;
use serde_json::json;

fn envelope(event: &str, data: Value) -> Vec<u8> {
    json!({
        "event": event,
        "instance": "shop-1",
        "data": data,
        "destination": "https://sb.example/webhooks/evolution/abc",
        "date_time": "2024-01-19T14:12:48.643Z",
        "sender": "14155238886@s.whatsapp.net",
        "server_url": "http://bridge:8080",
        "apikey": "KEY"
    })
    .to_string()
    .into_bytes()
}

fn upsert(key: Value, message: Value) -> Vec<u8> {
    envelope(
        "messages.upsert",
        json!({"key": key, "pushName": "Ann", "message": message,
               "messageType": "conversation", "messageTimestamp": 1717000000,
               "instanceId": "uuid", "source": "android"}),
    )
}

fn one_message(body: &[u8]) -> InboundMessage {
    match parse_webhook(body, 0).unwrap().as_slice() {
        [InboundEvent::Message(m)] => m.clone(),
        other => panic!("{other:?}"),
    }
}

#[test]
fn text_from_a_phone() {
    let m = one_message(&upsert(
        json!({"remoteJid": "14155550100@s.whatsapp.net", "fromMe": false, "id": "3EB0A1"}),
        json!({"conversation": "Hi! Free tomorrow?"}),
    ));
    assert_eq!(m.channel, ChannelKind::WhatsappWeb);
    assert_eq!(m.provider_message_id, "3EB0A1");
    assert_eq!(m.from.value(), "+14155550100");
    assert_eq!(m.to.as_deref(), Some("shop-1"));
    assert_eq!(m.profile_name.as_deref(), Some("Ann"));
    assert_eq!(m.text.as_deref(), Some("Hi! Free tomorrow?"));
    assert_eq!(m.received_at_ms, 1_717_000_000_000);
}

#[test]
fn lid_senders_use_the_alternate_phone_jid_or_stay_lids() {
    let m = one_message(&upsert(
        json!({"remoteJid": "123456789012345@lid", "remoteJidAlt": "14155550100@s.whatsapp.net",
               "fromMe": false, "id": "A"}),
        json!({"extendedTextMessage": {"text": "hello"}}),
    ));
    assert_eq!(m.from.value(), "+14155550100");
    assert_eq!(m.text.as_deref(), Some("hello"));
    let m = one_message(&upsert(
        json!({"remoteJid": "123456789012345@lid", "fromMe": false, "id": "B"}),
        json!({"conversation": "x"}),
    ));
    assert_eq!(m.from, Identity::WhatsAppLid("123456789012345".into()));
    assert_eq!(m.from.kind(), "whatsapp_lid");
}

#[test]
fn own_group_and_broadcast_messages_are_skipped() {
    for key in [
        json!({"remoteJid": "14155550100@s.whatsapp.net", "fromMe": true, "id": "1"}),
        json!({"remoteJid": "120363041967849074@g.us", "fromMe": false, "id": "2",
               "participant": "14155550100@s.whatsapp.net"}),
        json!({"remoteJid": "status@broadcast", "fromMe": false, "id": "3"}),
    ] {
        assert!(
            parse_webhook(&upsert(key, json!({"conversation": "x"})), 0)
                .unwrap()
                .is_empty()
        );
    }
    assert!(
        parse_webhook(&envelope("send.message", json!({"key": {"id": "x"}})), 0)
            .unwrap()
            .is_empty()
    );
    assert!(
        parse_webhook(&envelope("contacts.upsert", json!([])), 0)
            .unwrap()
            .is_empty()
    );
}

#[test]
fn media_location_contact_and_wrapped_content() {
    let key = json!({"remoteJid": "14155550100@s.whatsapp.net", "fromMe": false, "id": "M1"});
    let m = one_message(&upsert(
        key.clone(),
        json!({"imageMessage": {"url": "https://mmg.whatsapp.net/x.enc", "mimetype": "image/jpeg",
                                "caption": "this one"}}),
    ));
    assert_eq!(m.media[0].content_type.as_deref(), Some("image/jpeg"));
    assert_eq!(m.media[0].provider_media_id.as_deref(), Some("M1"));
    assert_eq!(m.text.as_deref(), Some("this one"));
    let m = one_message(&upsert(
        key.clone(),
        json!({"documentWithCaptionMessage": {"message": {"documentMessage":
            {"fileName": "a.pdf", "mimetype": "application/pdf", "caption": "invoice"}}}}),
    ));
    assert_eq!(m.media[0].filename.as_deref(), Some("a.pdf"));
    let m = one_message(&upsert(
        key.clone(),
        json!({"locationMessage": {"degreesLatitude": 32.08, "degreesLongitude": 34.78, "name": "Office"}}),
    ));
    assert_eq!(m.location.map(|l| (l.lat, l.lon)), Some((32.08, 34.78)));
    let m = one_message(&upsert(
        key.clone(),
        json!({"contactMessage": {"displayName": "Bob",
            "vcard": "BEGIN:VCARD\nVERSION:3.0\nFN:Bob\nTEL;type=CELL;waid=14155550101:+1 415-555-0101\nEND:VCARD"}}),
    ));
    assert_eq!(m.contact.unwrap().phone.as_deref(), Some("+1 415-555-0101"));
    let m = one_message(&upsert(
        key.clone(),
        json!({"ephemeralMessage": {"message": {"extendedTextMessage": {"text": "vanishing"}}}}),
    ));
    assert_eq!(m.text.as_deref(), Some("vanishing"));
    let m = one_message(&upsert(
        key,
        json!({"buttonsResponseMessage": {"selectedButtonId": "slot:1", "selectedDisplayText": "10:00"}}),
    ));
    assert_eq!(
        (m.button_payload.as_deref(), m.text.as_deref()),
        (Some("slot:1"), Some("10:00"))
    );
}

#[test]
fn status_updates_named_and_numeric() {
    let ev = parse_webhook(
        &envelope(
            "messages.update",
            json!({"messageId": "cuid", "keyId": "3EB0B2", "remoteJid": "14155550100@s.whatsapp.net",
                   "fromMe": true, "status": "DELIVERY_ACK", "instanceId": "uuid"}),
        ),
        0,
    )
    .unwrap();
    assert_eq!(
        ev,
        vec![InboundEvent::Status(StatusUpdate {
            provider_message_id: "3EB0B2".into(),
            status: DeliveryStatus::Delivered,
            error_code: None,
            error_message: None,
            at_ms: 1_705_673_568_643,
        })]
    );
    let ev = parse_webhook(
        &envelope(
            "MESSAGES_UPDATE",
            json!([{"key": {"id": "K", "fromMe": true}, "update": {"status": 4}}]),
        ),
        0,
    )
    .unwrap();
    assert!(
        matches!(&ev[0], InboundEvent::Status(s) if s.status == DeliveryStatus::Read && s.provider_message_id == "K")
    );
    for (name, st) in [
        ("ERROR", DeliveryStatus::Failed),
        ("PENDING", DeliveryStatus::Sending),
        ("SERVER_ACK", DeliveryStatus::Sent),
        ("PLAYED", DeliveryStatus::Read),
    ] {
        assert_eq!(map_status(name), Some(st));
    }
    // Read receipts of the customer's own messages are not ours.
    let ev = parse_webhook(
        &envelope(
            "messages.update",
            json!({"keyId": "X", "fromMe": false, "status": "READ"}),
        ),
        0,
    )
    .unwrap();
    assert!(ev.is_empty());
}

#[test]
fn connection_and_qr_events() {
    let ev = parse_webhook(
        &envelope(
            "connection.update",
            json!({"instance": "shop-1", "state": "close", "statusReason": 401}),
        ),
        0,
    )
    .unwrap();
    assert_eq!(
        ev,
        vec![InboundEvent::Connection(ConnectionUpdate {
            instance: "shop-1".into(),
            state: ConnectionState::Close,
            status_reason: Some(401),
        })]
    );
    let ev = parse_webhook(
        &envelope(
            "qrcode.updated",
            json!({"qrcode": {"instance": "shop-1", "pairingCode": null, "code": "2@abc",
                              "base64": "data:image/png;base64,iVBORw0KGgo="}}),
        ),
        0,
    )
    .unwrap();
    match &ev[0] {
        InboundEvent::QrCode(q) => {
            assert_eq!(q.base64, "data:image/png;base64,iVBORw0KGgo=");
            assert_eq!(q.code.as_deref(), Some("2@abc"));
            assert_eq!(q.pairing_code, None);
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn malformed_envelopes_are_errors() {
    assert!(parse_webhook(b"", 0).is_err());
    assert!(parse_webhook(b"{\"data\":{}}", 0).is_err());
    assert!(parse_webhook(&envelope("connection.update", json!({})), 0).is_err());
    assert!(parse_webhook(&envelope("qrcode.updated", json!({"qrcode": {}})), 0).is_err());
}

proptest! {
    #[test]
    fn random_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..300)) {
        let _ = parse_webhook(&bytes, 0);
    }

    #[test]
    fn random_fields_never_panic(
        event in prop_oneof![Just("messages.upsert"), Just("messages.update"),
                             Just("connection.update"), Just("qrcode.updated"), Just("x")],
        jid in prop_oneof![Just("14155550100@s.whatsapp.net".to_string()), Just("1@lid".to_string()),
                           Just("1@g.us".to_string()), ".{0,12}"],
        status in prop_oneof![Just(json!("READ")), Just(json!(9)), Just(json!(-1)), Just(json!(null)), Just(json!({}))],
        ts in prop_oneof![Just(json!(i64::MAX)), Just(json!("12")), Just(json!({"low": 5})), Just(json!([]))],
        as_array in any::<bool>(),
    ) {
        let item = json!({"key": {"remoteJid": jid, "id": "i", "fromMe": null},
                          "message": {"locationMessage": {"degreesLatitude": "x"}},
                          "messageTimestamp": ts, "status": status, "keyId": 5,
                          "state": 3, "qrcode": {"base64": 1}});
        let data = if as_array { json!([item]) } else { item };
        let _ = parse_webhook(&envelope(event, data), 0);
    }
}
