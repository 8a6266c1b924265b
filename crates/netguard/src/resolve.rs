//! The HTTP-client side of the guard: a resolver that refuses names resolving to addresses
//! the policy forbids, and a redirect policy that re-checks every hop.
use std::{net::SocketAddr, sync::Arc};

use reqwest::dns::{Addrs, Name, Resolve, Resolving};

use crate::{Blocked, OutboundPolicy};

/// Most redirects one request follows (reqwest's own default is 10; providers need none).
const MAX_REDIRECTS: usize = 5;

/// Resolves with the system resolver, then refuses the whole answer when any address is
/// forbidden: a name that mixes public and internal addresses is not worth trusting.
#[derive(Clone, Debug)]
pub struct GuardedResolver {
    policy: Arc<OutboundPolicy>,
}

impl GuardedResolver {
    pub fn new(policy: Arc<OutboundPolicy>) -> Self {
        GuardedResolver { policy }
    }
}

impl Resolve for GuardedResolver {
    fn resolve(&self, name: Name) -> Resolving {
        let policy = self.policy.clone();
        let host = name.as_str().to_string();
        Box::pin(async move {
            let addrs: Vec<SocketAddr> =
                tokio::net::lookup_host((host.as_str(), 0)).await?.collect();
            if !policy.name_allowed(&host)
                && let Some(bad) = addrs.iter().find(|a| !policy.ip_allowed(a.ip()))
            {
                tracing::warn!(host = %host, address = %bad.ip(), "outbound call refused: internal address");
                return Err(Box::new(Blocked::Internal { host }) as _);
            }
            Ok(Box::new(addrs.into_iter()) as Addrs)
        })
    }
}

/// Follows at most a few redirects, each checked like the first URL (its name is checked
/// again by the resolver when it is connected to).
pub fn redirect_policy(policy: Arc<OutboundPolicy>) -> reqwest::redirect::Policy {
    reqwest::redirect::Policy::custom(move |attempt| {
        if attempt.previous().len() >= MAX_REDIRECTS {
            return attempt.error("too many redirects");
        }
        match policy.check_url(attempt.url()) {
            Ok(()) => attempt.follow(),
            Err(e) => attempt.error(e),
        }
    })
}

/// A client builder with the guard's resolver and redirect policy. Callers still run
/// [`OutboundPolicy::check_url`] on each URL, for IP literals, which skip the resolver.
///
/// System proxy variables (`HTTPS_PROXY`...) are ignored: through a proxy, the target's name
/// would be resolved by the proxy, out of the guard's sight.
pub fn client_builder(policy: Arc<OutboundPolicy>) -> reqwest::ClientBuilder {
    reqwest::Client::builder()
        .no_proxy()
        .dns_resolver(Arc::new(GuardedResolver::new(policy.clone())))
        .redirect(redirect_policy(policy))
}
