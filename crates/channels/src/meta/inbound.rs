//! Meta WhatsApp Cloud webhooks: `entry[].changes[].value` with `messages[]`, `contacts[]` and
//! `statuses[]`. One POST can carry several of each, so everything comes back as a list. The
//! payload is walked as JSON values, not typed structs, so new fields and new message types
//! never break parsing.
use std::collections::HashMap;

use serde_json::Value;
use switchboard_domain::message::{
    ChannelKind, DeliveryStatus, Identity, InboundMessage, Location, Media, SharedContact,
    StatusUpdate,
};

use crate::{InboundEvent, error::ParseError};

const PROVIDER: &str = "meta";

/// Every message and status in one webhook, in payload order. Items without the fields that
/// identify them (id, sender) are skipped with a warning rather than failing the batch: Meta
/// retries a failed delivery for days, and one odd item must not block the others.
/// `now_ms` stands in for a missing timestamp.
pub fn parse_webhook(body: &[u8], now_ms: i64) -> Result<Vec<InboundEvent>, ParseError> {
    let root: Value = serde_json::from_slice(body)
        .map_err(|e| ParseError::new(PROVIDER, format!("not JSON: {e}")))?;
    let entries = root
        .get("entry")
        .and_then(Value::as_array)
        .ok_or_else(|| ParseError::new(PROVIDER, "no entry array"))?;
    let mut events = Vec::new();
    for change in entries
        .iter()
        .filter_map(|e| e.get("changes").and_then(Value::as_array))
        .flatten()
    {
        if change
            .get("field")
            .and_then(Value::as_str)
            .is_some_and(|f| f != "messages")
        {
            continue;
        }
        let Some(value) = change.get("value") else {
            continue;
        };
        parse_value(value, now_ms, &mut events);
    }
    Ok(events)
}

fn parse_value(value: &Value, now_ms: i64, out: &mut Vec<InboundEvent>) {
    let to = str_at(value, &["metadata", "phone_number_id"]).map(str::to_string);
    let names: HashMap<&str, &str> = array(value, "contacts")
        .filter_map(|c| Some((c.get("wa_id")?.as_str()?, str_at(c, &["profile", "name"])?)))
        .collect();
    for m in array(value, "messages") {
        match parse_message(m, to.as_deref(), &names, now_ms) {
            Some(msg) => out.push(InboundEvent::Message(msg)),
            None => tracing::warn!(
                provider = PROVIDER,
                "skipped a message without id or sender"
            ),
        }
    }
    for s in array(value, "statuses") {
        if let Some(st) = parse_status(s, now_ms) {
            out.push(InboundEvent::Status(st));
        }
    }
}

fn parse_message(
    m: &Value,
    to: Option<&str>,
    names: &HashMap<&str, &str>,
    now_ms: i64,
) -> Option<InboundMessage> {
    let id = m.get("id")?.as_str()?;
    let from_raw = m.get("from")?.as_str()?;
    // The sender is verified by Meta: never drop the message because of its number's shape.
    let from = crate::parse_phone(from_raw)
        .map(Identity::Phone)
        .ok()
        .or_else(|| Identity::raw(from_raw))?;
    let kind = m.get("type").and_then(Value::as_str).unwrap_or("unknown");
    let mut msg = InboundMessage {
        channel: ChannelKind::MetaWhatsapp,
        provider_message_id: id.to_string(),
        from,
        to: to.map(str::to_string),
        profile_name: names.get(from_raw).map(|n| n.to_string()),
        text: None,
        media: Vec::new(),
        location: None,
        contact: None,
        button_payload: None,
        callback_id: None,
        received_at_ms: seconds_to_ms(m.get("timestamp")).unwrap_or(now_ms),
        raw: m.clone(),
    };
    match kind {
        "text" => msg.text = str_at(m, &["text", "body"]).map(str::to_string),
        "image" | "video" | "audio" | "document" | "sticker" => {
            let obj = m.get(kind);
            msg.media.push(Media {
                url: None,
                provider_media_id: obj
                    .and_then(|o| o.get("id"))
                    .and_then(Value::as_str)
                    .map(str::to_string),
                content_type: obj
                    .and_then(|o| o.get("mime_type"))
                    .and_then(Value::as_str)
                    .map(str::to_string),
                filename: obj
                    .and_then(|o| o.get("filename"))
                    .and_then(Value::as_str)
                    .map(str::to_string),
            });
            msg.text = obj
                .and_then(|o| o.get("caption"))
                .and_then(Value::as_str)
                .map(str::to_string);
        }
        "location" => {
            let l = m.get("location");
            let coord = |k: &str| l.and_then(|l| l.get(k)).and_then(number);
            if let (Some(lat), Some(lon)) = (coord("latitude"), coord("longitude")) {
                msg.location = Some(Location {
                    lat,
                    lon,
                    name: str_at(m, &["location", "name"]).map(str::to_string),
                    address: str_at(m, &["location", "address"]).map(str::to_string),
                });
            }
        }
        "interactive" => {
            // Reply buttons and list rows: the id is what we put in, the title what they saw.
            let reply = m
                .get("interactive")
                .and_then(|i| i.get("button_reply").or_else(|| i.get("list_reply")));
            msg.button_payload = reply
                .and_then(|r| r.get("id"))
                .and_then(Value::as_str)
                .map(str::to_string);
            msg.text = reply
                .and_then(|r| r.get("title"))
                .and_then(Value::as_str)
                .map(str::to_string);
        }
        "button" => {
            // A template's quick-reply button.
            msg.button_payload = str_at(m, &["button", "payload"]).map(str::to_string);
            msg.text = str_at(m, &["button", "text"]).map(str::to_string);
        }
        "contacts" => {
            let c = m.get("contacts").and_then(|c| c.get(0));
            msg.contact = c.map(|c| SharedContact {
                phone: c
                    .get("phones")
                    .and_then(|p| p.get(0))
                    .and_then(|p| p.get("phone").or_else(|| p.get("wa_id")))
                    .and_then(Value::as_str)
                    .map(str::to_string),
                name: str_at(c, &["name", "formatted_name"]).map(str::to_string),
            });
        }
        "reaction" => msg.text = str_at(m, &["reaction", "emoji"]).map(str::to_string),
        _ => {}
    }
    Some(msg)
}

fn parse_status(s: &Value, now_ms: i64) -> Option<StatusUpdate> {
    let id = s.get("id")?.as_str()?;
    let status = map_status(s.get("status")?.as_str()?)?;
    let err = s.get("errors").and_then(|e| e.get(0));
    let error_code = err
        .and_then(|e| e.get("code"))
        .and_then(crate::http::code_text);
    let error_message = err.and_then(|e| {
        let title = e
            .get("title")
            .or_else(|| e.get("message"))
            .and_then(Value::as_str);
        let details = str_at(e, &["error_data", "details"]);
        match (title, details) {
            (Some(t), Some(d)) if t != d => Some(format!("{t}: {d}")),
            (Some(t), _) => Some(t.to_string()),
            (None, d) => d.map(str::to_string),
        }
    });
    Some(StatusUpdate {
        provider_message_id: id.to_string(),
        status,
        error_code,
        error_message,
        at_ms: seconds_to_ms(s.get("timestamp")).unwrap_or(now_ms),
    })
}

/// Meta's status names. `deleted` and `warning` say nothing about delivery and map to
/// nothing; `played` (a voice message listened to) is as good as read.
pub fn map_status(s: &str) -> Option<DeliveryStatus> {
    Some(match s {
        "sent" => DeliveryStatus::Sent,
        "delivered" => DeliveryStatus::Delivered,
        "read" | "played" => DeliveryStatus::Read,
        "failed" => DeliveryStatus::Failed,
        _ => return None,
    })
}

fn array<'a>(v: &'a Value, key: &str) -> impl Iterator<Item = &'a Value> {
    v.get(key).and_then(Value::as_array).into_iter().flatten()
}

fn str_at<'a>(v: &'a Value, path: &[&str]) -> Option<&'a str> {
    path.iter()
        .try_fold(v, |cur, k| cur.get(*k))
        .and_then(Value::as_str)
}

/// Coordinates arrive as numbers, occasionally as strings.
fn number(v: &Value) -> Option<f64> {
    v.as_f64()
        .or_else(|| v.as_str().and_then(|s| s.trim().parse().ok()))
        .filter(|f: &f64| f.is_finite())
}

/// Meta timestamps are Unix seconds as strings.
fn seconds_to_ms(v: Option<&Value>) -> Option<i64> {
    let v = v?;
    let secs = v
        .as_i64()
        .or_else(|| v.as_str().and_then(|s| s.trim().parse().ok()))?;
    secs.checked_mul(1000)
}

#[cfg(test)]
#[path = "inbound_tests.rs"]
mod tests;
