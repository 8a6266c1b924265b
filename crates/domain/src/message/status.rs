//! Delivery states of an outbound message and the rule that keeps them moving forward when
//! providers report them out of order.
use serde::{Deserialize, Serialize};

/// Where an outbound message is on its way to the customer.
///
/// Providers call back out of order (Twilio and Meta both say so), so a stored status only
/// changes when [`DeliveryStatus::advances_to`] allows it. The order is
///
/// `queued < sending < sent < {failed, undelivered} < delivered < read`
///
/// - In-flight states only move forward: a late `sent` never undoes `delivered`.
/// - A failure beats every in-flight state: `sent` then `undelivered` is the normal way a
///   carrier reports a lost SMS, and Meta reports `failed` after `sent` (e.g. error 131047).
/// - Proof of receipt beats a failure: a `delivered` or `read` receipt can only come from the
///   handset, so when one arrives after a `failed` the failure was stale (a provider-side retry
///   succeeded) and the receipt is the truth.
/// - `failed` and `undelivered` rank equal: once one is recorded the other adds nothing.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum DeliveryStatus {
    /// In our outbox or the provider's queue.
    Queued,
    /// Handed to the provider, no confirmation yet.
    Sending,
    /// The provider passed it on (carrier / WhatsApp server).
    Sent,
    Delivered,
    Read,
    /// The provider gave up before delivery.
    Failed,
    /// The carrier or WhatsApp could not deliver it.
    Undelivered,
}

impl DeliveryStatus {
    pub const ALL: [DeliveryStatus; 7] = [
        DeliveryStatus::Queued,
        DeliveryStatus::Sending,
        DeliveryStatus::Sent,
        DeliveryStatus::Delivered,
        DeliveryStatus::Read,
        DeliveryStatus::Failed,
        DeliveryStatus::Undelivered,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            DeliveryStatus::Queued => "queued",
            DeliveryStatus::Sending => "sending",
            DeliveryStatus::Sent => "sent",
            DeliveryStatus::Delivered => "delivered",
            DeliveryStatus::Read => "read",
            DeliveryStatus::Failed => "failed",
            DeliveryStatus::Undelivered => "undelivered",
        }
    }

    /// Our own stored names only; provider vocabularies are mapped in the channels crate.
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|st| st.as_str() == s)
    }

    /// Position in the resolution order documented on the type.
    pub fn rank(self) -> u8 {
        match self {
            DeliveryStatus::Queued => 0,
            DeliveryStatus::Sending => 1,
            DeliveryStatus::Sent => 2,
            DeliveryStatus::Failed | DeliveryStatus::Undelivered => 3,
            DeliveryStatus::Delivered => 4,
            DeliveryStatus::Read => 5,
        }
    }

    /// Should a message now in `self` move to `next`? Strictly forward in the order above, so
    /// repeated and stale callbacks are no-ops.
    pub fn advances_to(self, next: DeliveryStatus) -> bool {
        next.rank() > self.rank()
    }

    pub fn is_failure(self) -> bool {
        matches!(self, DeliveryStatus::Failed | DeliveryStatus::Undelivered)
    }

    /// Nothing but a receipt can follow: a failure, or `read`.
    pub fn is_final(self) -> bool {
        self.is_failure() || self == DeliveryStatus::Read
    }
}

impl std::fmt::Display for DeliveryStatus {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A provider's report about a message we sent.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct StatusUpdate {
    /// The id the provider gave the message when we sent it (Twilio `SM...`, Meta `wamid...`,
    /// the bridge's key id).
    pub provider_message_id: String,
    pub status: DeliveryStatus,
    /// The provider's own error code, as text (Twilio `30003`, Meta `131047`).
    pub error_code: Option<String>,
    pub error_message: Option<String>,
    /// When the provider says it happened, or when we heard of it if it does not say.
    pub at_ms: i64,
}

#[cfg(test)]
mod tests;
