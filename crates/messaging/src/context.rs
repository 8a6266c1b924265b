//! What the pipeline needs from its host: the store, the sealing key for channel secrets, the
//! guarded provider client and the public base URL providers call back on.
use std::sync::Arc;

use switchboard_channels::netguard::GuardedClient;
use switchboard_store::{Store, crypto::SecretBox};

#[derive(Clone)]
pub struct Context {
    pub store: Store,
    pub secrets: SecretBox,
    /// Every provider call goes through it: channel base URLs are the tenants' to set.
    pub outbound: GuardedClient,
    /// Our public URL, for webhook and status-callback addresses.
    pub public_base: Arc<str>,
}

impl Context {
    pub fn http(&self) -> &reqwest::Client {
        self.outbound.client()
    }
}
