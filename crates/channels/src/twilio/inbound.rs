//! Twilio messaging webhooks (SMS, MMS, WhatsApp) and message status callbacks, read from the
//! form body into a parameter map: Twilio adds parameters without notice, so nothing here is a
//! closed struct.
use switchboard_domain::message::{
    ChannelKind, DeliveryStatus, Identity, InboundMessage, Location, Media, StatusUpdate,
};

use crate::{InboundEvent, error::ParseError};

const PROVIDER: &str = "twilio";
/// Twilio sends at most 10 media per message; a larger `NumMedia` is not trusted further.
const MAX_MEDIA: usize = 10;

/// The POST parameters of one webhook, in the order received.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Params(pub Vec<(String, String)>);

impl Params {
    pub fn parse(body: &[u8]) -> Result<Self, ParseError> {
        serde_urlencoded::from_bytes::<Vec<(String, String)>>(body)
            .map(Params)
            .map_err(|e| ParseError::new(PROVIDER, format!("not a form body: {e}")))
    }

    /// The first value of `key`, if present and not blank.
    pub fn get(&self, key: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
            .filter(|v| !v.trim().is_empty())
    }

    fn require(&self, key: &str) -> Result<&str, ParseError> {
        self.get(key)
            .ok_or_else(|| ParseError::new(PROVIDER, format!("missing {key}")))
    }

    /// Every parameter as a JSON object (a repeated key keeps its last value), for `raw`.
    pub fn to_json(&self) -> serde_json::Value {
        let map: serde_json::Map<String, serde_json::Value> = self
            .0
            .iter()
            .map(|(k, v)| (k.clone(), serde_json::Value::String(v.clone())))
            .collect();
        serde_json::Value::Object(map)
    }
}

/// Reads a messaging webhook: a status callback when it carries an outbound `MessageStatus`,
/// an incoming message otherwise. Twilio gives no event time, so `now_ms` is used.
pub fn parse_webhook(body: &[u8], now_ms: i64) -> Result<InboundEvent, ParseError> {
    let params = Params::parse(body)?;
    let is_status = params.get("MessageStatus").and_then(map_status).is_some();
    if is_status {
        parse_status(&params, now_ms).map(InboundEvent::Status)
    } else {
        parse_message(&params, now_ms).map(InboundEvent::Message)
    }
}

/// An incoming SMS, MMS or WhatsApp message. `whatsapp:+E164` senders become the same phone
/// identity as SMS senders; the channel says which it was.
pub fn parse_message(params: &Params, now_ms: i64) -> Result<InboundMessage, ParseError> {
    let sid = params
        .get("MessageSid")
        .or_else(|| params.get("SmsMessageSid"))
        .or_else(|| params.get("SmsSid"))
        .ok_or_else(|| ParseError::new(PROVIDER, "missing MessageSid"))?;
    let from_raw = params.require("From")?;
    let channel = if from_raw
        .get(..9)
        .is_some_and(|p| p.eq_ignore_ascii_case("whatsapp:"))
    {
        ChannelKind::TwilioWhatsapp
    } else {
        ChannelKind::TwilioSms
    };
    // Twilio has verified the sender: a number is kept as E.164 when it has that shape, and
    // anything else (an alphanumeric sender, a short code) as a raw identity, never refused.
    let from = crate::parse_phone(from_raw)
        .or_else(|e| params.get("WaId").ok_or(e).and_then(crate::parse_phone))
        .map(Identity::Phone)
        .ok()
        .or_else(|| Identity::raw(from_raw))
        .ok_or_else(|| ParseError::new(PROVIDER, "From is not a sender"))?;

    Ok(InboundMessage {
        channel,
        provider_message_id: sid.to_string(),
        from,
        to: params.get("To").map(str::to_string),
        profile_name: params.get("ProfileName").map(str::to_string),
        text: params.get("Body").map(str::to_string),
        media: media(params),
        location: location(params),
        contact: None,
        button_payload: params
            .get("ButtonPayload")
            .or_else(|| params.get("ButtonText"))
            .map(str::to_string),
        callback_id: None,
        received_at_ms: now_ms,
        raw: params.to_json(),
    })
}

fn media(params: &Params) -> Vec<Media> {
    let n = params
        .get("NumMedia")
        .and_then(|n| n.trim().parse::<usize>().ok())
        .unwrap_or(0)
        .min(MAX_MEDIA);
    (0..n)
        .filter_map(|i| {
            let url = params.get(&format!("MediaUrl{i}"))?;
            Some(Media {
                url: Some(url.to_string()),
                provider_media_id: None,
                content_type: params
                    .get(&format!("MediaContentType{i}"))
                    .map(str::to_string),
                filename: None,
            })
        })
        .collect()
}

fn location(params: &Params) -> Option<Location> {
    let coord = |key: &str, max: f64| {
        params
            .get(key)
            .and_then(|v| v.trim().parse::<f64>().ok())
            .filter(|v| v.is_finite() && v.abs() <= max)
    };
    Some(Location {
        lat: coord("Latitude", 90.0)?,
        lon: coord("Longitude", 180.0)?,
        name: params.get("Label").map(str::to_string),
        address: params.get("Address").map(str::to_string),
    })
}

/// A message status callback.
pub fn parse_status(params: &Params, now_ms: i64) -> Result<StatusUpdate, ParseError> {
    let sid = params
        .get("MessageSid")
        .or_else(|| params.get("SmsSid"))
        .ok_or_else(|| ParseError::new(PROVIDER, "missing MessageSid"))?;
    let raw_status = params
        .get("MessageStatus")
        .or_else(|| params.get("SmsStatus"))
        .ok_or_else(|| ParseError::new(PROVIDER, "missing MessageStatus"))?;
    let status = map_status(raw_status).ok_or_else(|| {
        ParseError::new(
            PROVIDER,
            format!("`{}` is not an outbound status", truncate(raw_status)),
        )
    })?;
    Ok(StatusUpdate {
        provider_message_id: sid.to_string(),
        status,
        error_code: params.get("ErrorCode").map(str::to_string),
        error_message: params
            .get("ErrorMessage")
            .or_else(|| params.get("ChannelStatusMessage"))
            .map(str::to_string),
        at_ms: now_ms,
    })
}

/// Twilio's `MessageStatus` vocabulary mapped onto ours. `receiving`/`received` describe
/// inbound messages and map to nothing; `canceled` (a scheduled message withdrawn) is a
/// failure to deliver; `partially_delivered` (some parts of a long SMS) counts as delivered.
pub fn map_status(s: &str) -> Option<DeliveryStatus> {
    Some(match s.trim().to_ascii_lowercase().as_str() {
        "accepted" | "scheduled" | "queued" => DeliveryStatus::Queued,
        "sending" => DeliveryStatus::Sending,
        "sent" => DeliveryStatus::Sent,
        "delivered" | "partially_delivered" => DeliveryStatus::Delivered,
        "read" => DeliveryStatus::Read,
        "failed" | "canceled" => DeliveryStatus::Failed,
        "undelivered" => DeliveryStatus::Undelivered,
        _ => return None,
    })
}

fn truncate(s: &str) -> String {
    s.chars().take(32).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use switchboard_domain::PhoneE164;

    fn body(pairs: &[(&str, &str)]) -> Vec<u8> {
        serde_urlencoded::to_string(pairs).unwrap().into_bytes()
    }

    fn message(pairs: &[(&str, &str)]) -> InboundMessage {
        match parse_webhook(&body(pairs), 1_700_000_000_000).unwrap() {
            InboundEvent::Message(m) => m,
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn sms_with_unknown_params() {
        let m = message(&[
            ("ToCountry", "US"),
            ("MessageSid", "SM123"),
            ("SmsStatus", "received"),
            ("From", "+14155550100"),
            ("To", "+18005551212"),
            ("Body", "Hi, can I book?"),
            ("NumMedia", "0"),
            ("SomethingNew", "x"),
        ]);
        assert_eq!(m.channel, ChannelKind::TwilioSms);
        assert_eq!(m.provider_message_id, "SM123");
        assert_eq!(m.from.value(), "+14155550100");
        assert_eq!(m.to.as_deref(), Some("+18005551212"));
        assert_eq!(m.text.as_deref(), Some("Hi, can I book?"));
        assert!(m.media.is_empty() && m.location.is_none());
        assert_eq!(m.raw["SomethingNew"], "x");
        assert_eq!(m.received_at_ms, 1_700_000_000_000);
    }

    #[test]
    fn whatsapp_is_the_same_phone_identity() {
        let m = message(&[
            ("MessageSid", "SM9"),
            ("From", "whatsapp:+14155550100"),
            ("To", "whatsapp:+14155238886"),
            ("ProfileName", "Ann"),
            ("WaId", "14155550100"),
            ("Body", ""),
            ("ButtonPayload", "slot:2"),
            ("ButtonText", "11:30"),
        ]);
        assert_eq!(m.channel, ChannelKind::TwilioWhatsapp);
        assert_eq!(
            m.from,
            Identity::Phone(PhoneE164::parse("+14155550100").unwrap())
        );
        assert_eq!(m.profile_name.as_deref(), Some("Ann"));
        assert_eq!(m.text, None);
        assert_eq!(m.button_payload.as_deref(), Some("slot:2"));
    }

    #[test]
    fn mms_media_and_whatsapp_location() {
        let m = message(&[
            ("MessageSid", "MM1"),
            ("From", "+14155550100"),
            ("NumMedia", "2"),
            ("MediaUrl0", "https://api.twilio.com/m0"),
            ("MediaContentType0", "image/jpeg"),
            ("MediaUrl1", "https://api.twilio.com/m1"),
            ("MediaContentType1", "audio/ogg"),
            ("Latitude", "37.7749"),
            ("Longitude", "-122.4194"),
            ("Address", "1 Market St"),
            ("Label", "Office"),
        ]);
        assert_eq!(m.media.len(), 2);
        assert_eq!(m.media[1].content_type.as_deref(), Some("audio/ogg"));
        let loc = m.location.unwrap();
        assert_eq!((loc.lat, loc.lon), (37.7749, -122.4194));
        assert_eq!(loc.name.as_deref(), Some("Office"));
    }

    #[test]
    fn status_callbacks() {
        let ev = parse_webhook(
            &body(&[
                ("MessageSid", "SM1"),
                ("MessageStatus", "undelivered"),
                ("ErrorCode", "30003"),
                ("SmsStatus", "undelivered"),
            ]),
            5,
        )
        .unwrap();
        assert_eq!(
            ev,
            InboundEvent::Status(StatusUpdate {
                provider_message_id: "SM1".into(),
                status: DeliveryStatus::Undelivered,
                error_code: Some("30003".into()),
                error_message: None,
                at_ms: 5,
            })
        );
        for (tw, ours) in [
            ("queued", DeliveryStatus::Queued),
            ("sent", DeliveryStatus::Sent),
            ("delivered", DeliveryStatus::Delivered),
            ("read", DeliveryStatus::Read),
            ("failed", DeliveryStatus::Failed),
            ("canceled", DeliveryStatus::Failed),
        ] {
            assert_eq!(map_status(tw), Some(ours), "{tw}");
        }
        assert_eq!(map_status("received"), None);
    }

    #[test]
    fn verified_senders_of_any_shape_are_kept() {
        let ev = parse_webhook(b"MessageSid=SM1&From=%2B972521234567&Body=hi", 0).unwrap();
        let InboundEvent::Message(m) = ev else {
            panic!("not a message")
        };
        assert_eq!(m.from.value(), "+972521234567");
        let ev = parse_webhook(b"MessageSid=SM2&From=MyShop&Body=hi", 0).unwrap();
        let InboundEvent::Message(m) = ev else {
            panic!("not a message")
        };
        assert_eq!(m.from, Identity::Raw("MyShop".into()));
    }

    #[test]
    fn malformed_input_is_an_error() {
        assert!(parse_webhook(b"From=%2B14155550100", 0).is_err());
        assert!(parse_webhook(b"MessageSid=SM1&From=%20", 0).is_err());
        assert!(parse_webhook(&[0xff, 0x00, 0x80], 0).is_err());
        let p = Params::parse(b"MessageSid=SM1&MessageStatus=bogus").unwrap();
        assert!(parse_status(&p, 0).is_err());
    }

    proptest! {
        #[test]
        fn random_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..300)) {
            let _ = parse_webhook(&bytes, 0);
        }

        #[test]
        fn random_params_never_panic(
            pairs in proptest::collection::vec(
                (prop_oneof![Just("MessageSid".to_string()), Just("From".to_string()),
                    Just("NumMedia".to_string()), Just("Latitude".to_string()),
                    Just("Longitude".to_string()), Just("MessageStatus".to_string()),
                    Just("MediaUrl0".to_string()), "[A-Za-z]{1,8}"],
                 ".{0,20}"),
                0..12)
        ) {
            let b = serde_urlencoded::to_string(&pairs).unwrap();
            let _ = parse_webhook(b.as_bytes(), 0);
        }
    }
}
