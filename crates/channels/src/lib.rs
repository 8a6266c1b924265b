//! Messaging providers of Switchboard. One module per provider — [`twilio`], [`meta`] (WhatsApp
//! Cloud API), [`telegram`], [`evolution`] (the WhatsApp Web bridge) — each able to verify a
//! webhook on its raw body, parse it into the channel-independent model of
//! `switchboard_domain::message`, and send. Credentials come in as plain structs so the server
//! can decrypt them per channel; one shared `reqwest::Client` serves every channel.
//!
//! Nothing here routes HTTP or touches the database: the server verifies and parses webhooks
//! with these functions, and the outbox worker sends through a [`Sender`].
#![forbid(unsafe_code)]

pub mod error;
pub mod evolution;
pub mod http;
pub mod meta;
pub mod split;
pub mod telegram;
pub mod twilio;

pub use error::{ParseError, SendError, VerifyError};
pub use evolution::{EvolutionClient, EvolutionCredentials};
pub use http::{build_client, build_guarded_client};
pub use meta::{MetaClient, MetaCredentials};
pub use switchboard_netguard as netguard;
pub use telegram::{TelegramClient, TelegramCredentials};
pub use twilio::{TwilioClient, TwilioCredentials};

use subtle::ConstantTimeEq;
use switchboard_domain::message::{
    ChannelKind, DeliveryStatus, InboundMessage, OutboundContent, StatusUpdate,
};
use switchboard_domain::phone::{InvalidPhone, PhoneE164};

/// What one webhook (or one long-polled update) tells us.
// Messages are by far the most common event and each is moved only a few times, so boxing
// the large variant would add an allocation to the usual path to save copies on rare ones.
#[allow(clippy::large_enum_variant)]
#[derive(Clone, Debug, PartialEq)]
pub enum InboundEvent {
    /// A customer wrote (or pressed a button).
    Message(InboundMessage),
    /// A message we sent moved on.
    Status(StatusUpdate),
    /// The WhatsApp Web bridge's session changed state.
    Connection(evolution::ConnectionUpdate),
    /// The WhatsApp Web bridge has a new pairing QR code to show staff.
    QrCode(evolution::QrCode),
}

/// A message the provider accepted.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SentMessage {
    /// The provider's id, to record on the outbox row and match status callbacks against.
    pub provider_message_id: String,
    /// The state the provider reported on acceptance, if it says.
    pub status: Option<DeliveryStatus>,
}

/// Any channel's client, so the outbox can hold one per channel without caring which.
///
/// # Idempotency
/// None of the four providers deduplicates message creation by a client-supplied key
/// (Twilio's `I-Twilio-Idempotency-Token` only exists on webhooks *it* sends us), so no key
/// header is sent. The `idempotency_key` (the outbox row id) is recorded on the tracing span.
/// At-most-once is the outbox's job: it marks the row before the call and records the outcome
/// after it, and never calls again for a row whose outcome it does not know. Errors that may
/// hide an acceptance (a timeout, a connection broken after the request went out) say
/// [`SendError::may_have_been_sent`].
#[derive(Clone, Debug)]
pub enum Sender {
    Twilio(TwilioClient),
    Meta(MetaClient),
    Telegram(TelegramClient),
    Evolution(EvolutionClient),
}

impl Sender {
    pub fn kind(&self) -> ChannelKind {
        match self {
            Sender::Twilio(c) => c.kind(),
            Sender::Meta(_) => ChannelKind::MetaWhatsapp,
            Sender::Telegram(_) => ChannelKind::Telegram,
            Sender::Evolution(_) => ChannelKind::WhatsappWeb,
        }
    }

    /// Sends one message to `to` (an E.164 phone for Twilio, Meta and the bridge; a chat id
    /// for Telegram). Long texts should be cut with [`split::prepare`] before they get here.
    pub async fn send(
        &self,
        to: &str,
        content: &OutboundContent,
        idempotency_key: &str,
    ) -> Result<SentMessage, SendError> {
        match self {
            Sender::Twilio(c) => c.send(to, content, idempotency_key).await,
            Sender::Meta(c) => c.send(to, content, idempotency_key).await,
            Sender::Telegram(c) => c.send(to, content, idempotency_key).await,
            Sender::Evolution(c) => c.send(to, content, idempotency_key).await,
        }
    }
}

/// Reads a phone a provider reported or this service stored: a structural E.164 check only
/// (see [`PhoneE164::from_provider`]), so a verified sender is never refused because the
/// numbering-plan tables lag behind, and no webhook pays for a full libphonenumber parse.
/// Provider addresses are ASCII; anything else is refused up front.
pub(crate) fn parse_phone(s: &str) -> Result<PhoneE164, InvalidPhone> {
    if s.is_ascii() {
        PhoneE164::from_provider(s)
    } else {
        Err(InvalidPhone(s.chars().take(64).collect()))
    }
}

/// Compares secrets without leaking, through timing, how much of them matched.
pub(crate) fn ct_eq(a: &str, b: &str) -> bool {
    a.as_bytes().ct_eq(b.as_bytes()).into()
}

/// A shared-secret header check (Telegram's secret token, our bridge header). An empty
/// configured secret rejects everything: a channel without a secret must not accept webhooks.
pub(crate) fn check_shared_secret(expected: &str, got: Option<&str>) -> Result<(), VerifyError> {
    let got = got.ok_or(VerifyError::Missing)?;
    if !expected.is_empty() && ct_eq(expected, got) {
        Ok(())
    } else {
        Err(VerifyError::Mismatch)
    }
}

#[cfg(test)]
mod tests;
