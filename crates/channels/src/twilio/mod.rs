//! Twilio Programmable Messaging (SMS, MMS and WhatsApp): webhook signatures, incoming
//! messages and status callbacks, and sending.
mod client;
mod inbound;
mod signature;

pub use client::{TwilioClient, TwilioCredentials};
pub use inbound::{Params, map_status, parse_message, parse_status, parse_webhook};
pub use signature::{compute_signature, url_variants, validate, validate_json, verify_webhook};

/// The header carrying Twilio's request signature.
pub const SIGNATURE_HEADER: &str = "x-twilio-signature";
