//! Evolution API webhook events: the envelope `{event, instance, data, ...}` and the four
//! events we subscribe to. Field spellings drift between bridge versions (numeric vs named
//! statuses, `keyId` vs `key.id`, data as object or array), so the payload is walked as JSON.
use serde_json::Value;
use switchboard_domain::message::{
    ChannelKind, DeliveryStatus, Identity, InboundMessage, Location, Media, SharedContact,
    StatusUpdate,
};

use super::{ConnectionState, ConnectionUpdate, QrCode};
use crate::{InboundEvent, error::ParseError};

const PROVIDER: &str = "evolution";

/// Reads one webhook delivery. Events we do not use (`send.message`, `contacts.upsert`, ...)
/// and messages we must not answer (our own, groups, broadcasts) give an empty list.
pub fn parse_webhook(body: &[u8], now_ms: i64) -> Result<Vec<InboundEvent>, ParseError> {
    let root: Value = serde_json::from_slice(body)
        .map_err(|e| ParseError::new(PROVIDER, format!("not JSON: {e}")))?;
    let event = root
        .get("event")
        .and_then(Value::as_str)
        .ok_or_else(|| ParseError::new(PROVIDER, "missing event"))?
        .to_ascii_lowercase()
        .replace('_', ".");
    let instance = root
        .get("instance")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_string();
    let data = root.get("data").unwrap_or(&Value::Null);
    let at_ms = root
        .get("date_time")
        .and_then(Value::as_str)
        .and_then(|s| chrono::DateTime::parse_from_rfc3339(s).ok())
        .map_or(now_ms, |d| d.timestamp_millis());

    Ok(match event.as_str() {
        "messages.upsert" => items(data)
            .filter_map(|m| message(m, &instance, now_ms))
            .map(InboundEvent::Message)
            .collect(),
        "messages.update" => items(data)
            .filter_map(|u| status(u, at_ms))
            .map(InboundEvent::Status)
            .collect(),
        "connection.update" => {
            let state = data
                .get("state")
                .and_then(Value::as_str)
                .ok_or_else(|| ParseError::new(PROVIDER, "connection.update without state"))?;
            vec![InboundEvent::Connection(ConnectionUpdate {
                instance: str_of(data, "instance").unwrap_or(instance),
                state: ConnectionState::parse(state),
                status_reason: data.get("statusReason").and_then(Value::as_i64),
            })]
        }
        "qrcode.updated" => {
            let qr = data.get("qrcode").unwrap_or(data);
            let base64 = str_of(qr, "base64")
                .ok_or_else(|| ParseError::new(PROVIDER, "qrcode.updated without base64"))?;
            vec![InboundEvent::QrCode(QrCode {
                instance: str_of(qr, "instance").unwrap_or(instance),
                base64,
                code: str_of(qr, "code"),
                pairing_code: str_of(qr, "pairingCode"),
            })]
        }
        _ => Vec::new(),
    })
}

/// `data` is one object in v2 and an array in some versions.
fn items(data: &Value) -> Box<dyn Iterator<Item = &Value> + '_> {
    match data {
        Value::Array(a) => Box::new(a.iter()),
        Value::Object(_) => Box::new(std::iter::once(data)),
        _ => Box::new(std::iter::empty()),
    }
}

fn message(m: &Value, instance: &str, now_ms: i64) -> Option<InboundMessage> {
    let key = m.get("key")?;
    if key.get("fromMe").and_then(Value::as_bool) == Some(true) {
        return None;
    }
    let id = str_of(key, "id")?;
    let from = sender(key)?;
    let mut msg = InboundMessage {
        channel: ChannelKind::WhatsappWeb,
        provider_message_id: id,
        from,
        to: (!instance.is_empty()).then(|| instance.to_string()),
        profile_name: str_of(m, "pushName"),
        text: None,
        media: Vec::new(),
        location: None,
        contact: None,
        button_payload: None,
        callback_id: None,
        received_at_ms: timestamp_ms(m.get("messageTimestamp")).unwrap_or(now_ms),
        raw: m.clone(),
    };
    if let Some(content) = m.get("message") {
        fill_content(&mut msg, unwrap_content(content), key);
    }
    Some(msg)
}

/// Who wrote: a phone whenever the bridge reveals one. Newer WhatsApp hides numbers behind
/// `@lid` ids; the bridge then puts the phone JID in `remoteJidAlt` (or `senderPn`,
/// depending on the version). Groups, broadcasts and channels are not customers.
fn sender(key: &Value) -> Option<Identity> {
    let jid = str_of(key, "remoteJid")?;
    let (user, server) = jid
        .split_once('@')
        .unwrap_or((jid.as_str(), "s.whatsapp.net"));
    match server {
        "s.whatsapp.net" | "c.us" => crate::parse_phone(user).ok().map(Identity::Phone),
        "lid" => ["remoteJidAlt", "senderPn", "participantAlt"]
            .iter()
            .filter_map(|k| str_of(key, k))
            .find_map(|alt| {
                let (u, s) = alt
                    .split_once('@')
                    .unwrap_or((alt.as_str(), "s.whatsapp.net"));
                if s == "s.whatsapp.net" || s == "c.us" {
                    crate::parse_phone(u).ok()
                } else {
                    None
                }
            })
            .map(Identity::Phone)
            .or_else(|| Identity::whatsapp_lid(user)),
        _ => None,
    }
}

/// Disappearing and view-once messages wrap the real content one level down.
fn unwrap_content(content: &Value) -> &Value {
    let mut c = content;
    for _ in 0..3 {
        let inner = [
            "ephemeralMessage",
            "viewOnceMessage",
            "viewOnceMessageV2",
            "documentWithCaptionMessage",
        ]
        .iter()
        .find_map(|k| c.get(*k).and_then(|w| w.get("message")));
        match inner {
            Some(i) => c = i,
            None => break,
        }
    }
    c
}

fn fill_content(msg: &mut InboundMessage, c: &Value, key: &Value) {
    msg.text = str_of(c, "conversation").or_else(|| str_at(c, &["extendedTextMessage", "text"]));
    for kind in [
        "imageMessage",
        "videoMessage",
        "audioMessage",
        "documentMessage",
        "stickerMessage",
    ] {
        if let Some(obj) = c.get(kind) {
            msg.media.push(Media {
                url: str_of(obj, "url"),
                // The bridge decrypts media on request by message key id
                // (`/chat/getBase64FromMediaMessage`), so that is the handle to keep.
                provider_media_id: str_of(key, "id"),
                content_type: str_of(obj, "mimetype"),
                filename: str_of(obj, "fileName"),
            });
            if msg.text.is_none() {
                msg.text = str_of(obj, "caption");
            }
        }
    }
    if let Some(l) = c
        .get("locationMessage")
        .or_else(|| c.get("liveLocationMessage"))
    {
        let coord = |k: &str| l.get(k).and_then(Value::as_f64).filter(|f| f.is_finite());
        if let (Some(lat), Some(lon)) = (coord("degreesLatitude"), coord("degreesLongitude")) {
            msg.location = Some(Location {
                lat,
                lon,
                name: str_of(l, "name"),
                address: str_of(l, "address"),
            });
        }
    }
    if let Some(card) = c.get("contactMessage") {
        msg.contact = Some(SharedContact {
            phone: str_of(card, "vcard").and_then(|v| vcard_phone(&v)),
            name: str_of(card, "displayName"),
        });
    }
    // Legacy buttons and lists (still delivered by some clients) and reactions.
    if let Some(b) = c.get("buttonsResponseMessage") {
        msg.button_payload = str_of(b, "selectedButtonId");
        msg.text = msg.text.take().or_else(|| str_of(b, "selectedDisplayText"));
    } else if let Some(l) = c.get("listResponseMessage") {
        msg.button_payload = str_at(l, &["singleSelectReply", "selectedRowId"]);
        msg.text = msg.text.take().or_else(|| str_of(l, "title"));
    } else if let Some(t) = c.get("templateButtonReplyMessage") {
        msg.button_payload = str_of(t, "selectedId");
        msg.text = msg.text.take().or_else(|| str_of(t, "selectedDisplayText"));
    } else if let Some(r) = c.get("reactionMessage") {
        msg.text = msg.text.take().or_else(|| str_of(r, "text"));
    }
}

/// The first `TEL` line of a vCard.
fn vcard_phone(vcard: &str) -> Option<String> {
    vcard
        .lines()
        .find(|l| l.to_ascii_uppercase().starts_with("TEL"))
        .and_then(|l| l.rsplit_once(':'))
        .map(|(_, n)| n.trim().to_string())
        .filter(|n| !n.is_empty())
}

fn status(u: &Value, at_ms: i64) -> Option<StatusUpdate> {
    // Receipts for messages the customer sent (our own read marks) are not ours to track.
    let from_me = u
        .get("fromMe")
        .or_else(|| u.get("key").and_then(|k| k.get("fromMe")))
        .and_then(Value::as_bool);
    if from_me == Some(false) {
        return None;
    }
    let id = str_of(u, "keyId").or_else(|| str_at(u, &["key", "id"]))?;
    let raw = u
        .get("status")
        .or_else(|| u.get("update").and_then(|x| x.get("status")))?;
    let st = match raw {
        Value::String(s) => map_status(s),
        Value::Number(n) => n.as_u64().and_then(numeric_status),
        _ => None,
    }?;
    Some(StatusUpdate {
        provider_message_id: id,
        status: st,
        error_code: (st == DeliveryStatus::Failed).then(|| "ERROR".to_string()),
        error_message: None,
        at_ms,
    })
}

/// Baileys' ack names as the bridge reports them.
pub fn map_status(s: &str) -> Option<DeliveryStatus> {
    Some(match s.trim().to_ascii_uppercase().as_str() {
        "ERROR" => DeliveryStatus::Failed,
        "PENDING" => DeliveryStatus::Sending,
        "SERVER_ACK" => DeliveryStatus::Sent,
        "DELIVERY_ACK" => DeliveryStatus::Delivered,
        "READ" | "PLAYED" => DeliveryStatus::Read,
        _ => return None,
    })
}

/// The same acks as Baileys numbers them (older bridge versions send these).
fn numeric_status(n: u64) -> Option<DeliveryStatus> {
    [
        "ERROR",
        "PENDING",
        "SERVER_ACK",
        "DELIVERY_ACK",
        "READ",
        "PLAYED",
    ]
    .get(usize::try_from(n).ok()?)
    .and_then(|s| map_status(s))
}

fn timestamp_ms(v: Option<&Value>) -> Option<i64> {
    let v = v?;
    let secs = v
        .as_i64()
        .or_else(|| v.as_str().and_then(|s| s.trim().parse().ok()))
        // protobuf Long objects serialised as {low, high, unsigned}
        .or_else(|| v.get("low").and_then(Value::as_i64))?;
    secs.checked_mul(1000)
}

fn str_of(v: &Value, key: &str) -> Option<String> {
    v.get(key)
        .and_then(Value::as_str)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
}

fn str_at(v: &Value, path: &[&str]) -> Option<String> {
    let (last, parents) = path.split_last()?;
    let parent = parents.iter().try_fold(v, |cur, k| cur.get(*k))?;
    str_of(parent, last)
}

#[cfg(test)]
#[path = "inbound_tests.rs"]
mod tests;
