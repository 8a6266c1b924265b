//! Telegram updates (from the webhook or `getUpdates`) read into the common model. Only
//! private chats are served: a front-desk bot added to a group must not answer everyone in it.
use serde_json::Value;
use switchboard_domain::message::{
    ChannelKind, Identity, InboundMessage, Location, Media, SharedContact,
};

use crate::{InboundEvent, error::ParseError};

const PROVIDER: &str = "telegram";

/// Reads one update. `Ok(None)` for updates we do not act on (edits, group chats, bots, chat
/// member changes...); they should still be acknowledged. The dedupe key is `update_id`.
pub fn parse_update(body: &[u8], now_ms: i64) -> Result<Option<InboundEvent>, ParseError> {
    let v: Value = serde_json::from_slice(body)
        .map_err(|e| ParseError::new(PROVIDER, format!("not JSON: {e}")))?;
    parse_update_value(&v, now_ms)
}

/// [`parse_update`] on an already parsed value (what `getUpdates` returns).
pub fn parse_update_value(update: &Value, now_ms: i64) -> Result<Option<InboundEvent>, ParseError> {
    let update_id = update
        .get("update_id")
        .and_then(Value::as_i64)
        .ok_or_else(|| ParseError::new(PROVIDER, "missing update_id"))?;
    if let Some(m) = update.get("message") {
        return Ok(message(update_id, m, update, now_ms).map(InboundEvent::Message));
    }
    if let Some(cb) = update.get("callback_query") {
        return Ok(callback(update_id, cb, update, now_ms).map(InboundEvent::Message));
    }
    Ok(None)
}

fn message(update_id: i64, m: &Value, raw: &Value, now_ms: i64) -> Option<InboundMessage> {
    let chat = m.get("chat")?;
    if chat.get("type").and_then(Value::as_str) != Some("private") {
        return None;
    }
    let from = m.get("from");
    if from.and_then(|f| f.get("is_bot")).and_then(Value::as_bool) == Some(true) {
        return None;
    }
    let mut msg = base(update_id, chat, from, raw)?;
    msg.received_at_ms = m
        .get("date")
        .and_then(Value::as_i64)
        .and_then(|s| s.checked_mul(1000))
        .unwrap_or(now_ms);
    msg.text = str_of(m, "text").or_else(|| str_of(m, "caption"));
    msg.media = media(m);
    let venue = m.get("venue");
    let loc = m
        .get("location")
        .or_else(|| venue.and_then(|v| v.get("location")));
    msg.location = loc.and_then(|l| {
        Some(Location {
            lat: finite(l.get("latitude")?)?,
            lon: finite(l.get("longitude")?)?,
            name: venue.and_then(|v| str_of(v, "title")),
            address: venue.and_then(|v| str_of(v, "address")),
        })
    });
    msg.contact = m.get("contact").map(|c| SharedContact {
        phone: str_of(c, "phone_number"),
        name: full_name(Some(c)),
    });
    Some(msg)
}

fn callback(update_id: i64, cb: &Value, raw: &Value, now_ms: i64) -> Option<InboundMessage> {
    let from = cb.get("from");
    // The chat is on the message the keyboard was attached to; in a private chat it equals
    // the user id, which is the fallback when that message is too old to be included.
    let chat = cb.get("message").and_then(|m| m.get("chat")).or(from)?;
    if chat
        .get("type")
        .and_then(Value::as_str)
        .is_some_and(|t| t != "private")
    {
        return None;
    }
    let mut msg = base(update_id, chat, from, raw)?;
    msg.button_payload = str_of(cb, "data");
    msg.callback_id = str_of(cb, "id");
    msg.received_at_ms = now_ms;
    Some(msg)
}

fn base(update_id: i64, chat: &Value, from: Option<&Value>, raw: &Value) -> Option<InboundMessage> {
    let chat_id = chat.get("id")?.as_i64()?;
    let username = from
        .and_then(|f| str_of(f, "username"))
        .or_else(|| str_of(chat, "username"));
    Some(InboundMessage {
        channel: ChannelKind::Telegram,
        provider_message_id: update_id.to_string(),
        from: Identity::Telegram { chat_id, username },
        to: None,
        profile_name: full_name(from).or_else(|| full_name(Some(chat))),
        text: None,
        media: Vec::new(),
        location: None,
        contact: None,
        button_payload: None,
        callback_id: None,
        received_at_ms: 0,
        raw: raw.clone(),
    })
}

/// Attachments as file ids, to resolve with `getFile`. For photos Telegram sends several
/// sizes, largest last; we keep the largest.
fn media(m: &Value) -> Vec<Media> {
    let mut out = Vec::new();
    if let Some(largest) = m
        .get("photo")
        .and_then(Value::as_array)
        .and_then(|p| p.last())
    {
        out.extend(file(largest, Some("image/jpeg")));
    }
    for (key, default_type) in [
        ("document", None),
        ("voice", Some("audio/ogg")),
        ("audio", Some("audio/mpeg")),
        ("video", Some("video/mp4")),
        ("video_note", Some("video/mp4")),
        ("sticker", Some("image/webp")),
    ] {
        if let Some(obj) = m.get(key) {
            out.extend(file(obj, default_type));
        }
    }
    out
}

fn file(obj: &Value, default_type: Option<&str>) -> Option<Media> {
    Some(Media {
        url: None,
        provider_media_id: Some(str_of(obj, "file_id")?),
        content_type: str_of(obj, "mime_type").or_else(|| default_type.map(str::to_string)),
        filename: str_of(obj, "file_name"),
    })
}

fn full_name(v: Option<&Value>) -> Option<String> {
    let v = v?;
    let parts: Vec<String> = ["first_name", "last_name"]
        .iter()
        .filter_map(|k| str_of(v, k))
        .collect();
    (!parts.is_empty()).then(|| parts.join(" "))
}

fn str_of(v: &Value, key: &str) -> Option<String> {
    v.get(key)
        .and_then(Value::as_str)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
}

fn finite(v: &Value) -> Option<f64> {
    v.as_f64().filter(|f| f.is_finite())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use serde_json::json;

    fn msg(update: Value) -> InboundMessage {
        match parse_update(update.to_string().as_bytes(), 7).unwrap() {
            Some(InboundEvent::Message(m)) => m,
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn text_message() {
        let m = msg(json!({
            "update_id": 10000,
            "message": {
                "message_id": 1365,
                "from": {"id": 1111111, "is_bot": false, "first_name": "Ann", "last_name": "Lee",
                         "username": "annlee", "language_code": "ru"},
                "chat": {"id": 1111111, "type": "private", "first_name": "Ann", "username": "annlee"},
                "date": 1441645532,
                "text": "Привет"
            }
        }));
        assert_eq!(m.provider_message_id, "10000");
        assert_eq!(
            m.from,
            Identity::Telegram {
                chat_id: 1111111,
                username: Some("annlee".into())
            }
        );
        assert_eq!(m.profile_name.as_deref(), Some("Ann Lee"));
        assert_eq!(m.text.as_deref(), Some("Привет"));
        assert_eq!(m.received_at_ms, 1_441_645_532_000);
        assert_eq!(m.raw["message"]["message_id"], 1365);
    }

    #[test]
    fn photo_document_voice_location_contact() {
        let m = msg(json!({
            "update_id": 2,
            "message": {
                "message_id": 5, "date": 1, "chat": {"id": 42, "type": "private"},
                "from": {"id": 42, "is_bot": false, "first_name": "Bo"},
                "caption": "see",
                "photo": [{"file_id": "small", "width": 90}, {"file_id": "big", "width": 1280}],
                "document": {"file_id": "doc", "file_name": "a.pdf", "mime_type": "application/pdf"},
                "voice": {"file_id": "v", "duration": 3},
                "location": {"latitude": 55.75, "longitude": 37.61},
                "contact": {"phone_number": "+79123456789", "first_name": "Bo", "user_id": 42}
            }
        }));
        assert_eq!(m.text.as_deref(), Some("see"));
        let ids: Vec<_> = m
            .media
            .iter()
            .filter_map(|x| x.provider_media_id.as_deref())
            .collect();
        assert_eq!(ids, ["big", "doc", "v"]);
        assert_eq!(m.media[2].content_type.as_deref(), Some("audio/ogg"));
        assert_eq!(m.media[1].filename.as_deref(), Some("a.pdf"));
        assert_eq!(
            m.location.as_ref().map(|l| (l.lat, l.lon)),
            Some((55.75, 37.61))
        );
        assert_eq!(m.contact.unwrap().phone.as_deref(), Some("+79123456789"));
    }

    #[test]
    fn callback_query() {
        let m = msg(json!({
            "update_id": 3,
            "callback_query": {
                "id": "4382bfdwdsb323b2d9",
                "from": {"id": 42, "is_bot": false, "first_name": "Bo", "username": "bo"},
                "message": {"message_id": 9, "date": 1, "chat": {"id": 42, "type": "private"}, "text": "Pick"},
                "chat_instance": "-1",
                "data": "slot:2"
            }
        }));
        assert_eq!(m.button_payload.as_deref(), Some("slot:2"));
        assert_eq!(m.callback_id.as_deref(), Some("4382bfdwdsb323b2d9"));
        assert_eq!(m.from.value(), "42");
        assert_eq!(m.received_at_ms, 7);
        assert_eq!(m.text_or_payload(), Some("slot:2"));
    }

    #[test]
    fn ignored_updates() {
        for u in [
            json!({"update_id": 1, "edited_message": {"chat": {"id": 1, "type": "private"}}}),
            json!({"update_id": 1, "message": {"chat": {"id": -100, "type": "supergroup"}, "text": "hi"}}),
            json!({"update_id": 1, "message": {"chat": {"id": 5, "type": "private"},
                   "from": {"id": 5, "is_bot": true}, "text": "hi"}}),
            json!({"update_id": 1, "my_chat_member": {}}),
        ] {
            assert_eq!(
                parse_update(u.to_string().as_bytes(), 0).unwrap(),
                None,
                "{u}"
            );
        }
    }

    #[test]
    fn malformed_updates_are_errors() {
        assert!(parse_update(b"nope", 0).is_err());
        assert!(parse_update(b"{\"message\":{}}", 0).is_err());
        assert!(parse_update(b"{\"update_id\":\"1\"}", 0).is_err());
    }

    proptest! {
        #[test]
        fn random_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..300)) {
            let _ = parse_update(&bytes, 0);
        }

        #[test]
        fn random_fields_never_panic(
            chat_type in prop_oneof![Just("private"), Just("group"), Just("x")],
            text in proptest::option::of(".{0,20}"),
            lat in proptest::option::of(any::<f64>()),
            photo_len in 0usize..3,
            with_from in any::<bool>(),
        ) {
            let photos: Vec<Value> = (0..photo_len).map(|i| json!({"file_id": i.to_string()})).collect();
            let mut m = json!({"chat": {"id": 1, "type": chat_type}, "photo": photos,
                               "location": {"latitude": lat, "longitude": 1.0}});
            if let Some(t) = text { m["text"] = t.into(); }
            if with_from { m["from"] = json!({"id": 1, "first_name": "A"}); }
            let _ = parse_update_value(&json!({"update_id": 1, "message": m.clone()}), 0);
            let _ = parse_update_value(&json!({"update_id": 1, "callback_query": {"message": m}}), 0);
        }
    }
}
