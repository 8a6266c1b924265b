//! Guards outbound calls to URLs that tenants configure (a channel's `api_base`, the agent's
//! model `base_url`, future webhook endpoints): they must not reach loopback, private,
//! link-local, carrier-grade NAT, unique-local or cloud metadata addresses, unless the operator
//! allows them (self-hosted bridges and local models are legitimate).
//!
//! Three checks, because each alone has a gap:
//! - [`OutboundPolicy::check_url`] on every URL before it is called, for IP literals (an HTTP
//!   client never asks a resolver about `http://10.0.0.5/`);
//! - [`GuardedResolver`], which checks every address a name resolves to, at connection time,
//!   so a name cannot be re-pointed at an internal address after it was validated;
//! - [`redirect_policy`], which re-checks each redirect hop.
#![forbid(unsafe_code)]

mod resolve;

use std::{
    net::{IpAddr, Ipv4Addr, Ipv6Addr},
    sync::Arc,
};

use ipnet::IpNet;
use url::{Host, Url};

pub use resolve::{GuardedResolver, client_builder, redirect_policy};

/// How long a check at configuration time waits for DNS.
const LOOKUP_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(3);

/// Why a URL may not be called.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum Blocked {
    #[error("not a URL")]
    NotUrl,
    #[error("only http and https URLs can be called")]
    Scheme,
    #[error("the URL has no host")]
    NoHost,
    /// The host is, or resolves to, an address outside the public internet.
    #[error(
        "{host} is a loopback, private, link-local or metadata address, which the operator has not allowed"
    )]
    Internal { host: String },
}

impl Blocked {
    /// Finds a `Blocked` among an error's causes (the HTTP client wraps resolver errors).
    pub fn find<'a>(e: &'a (dyn std::error::Error + 'static)) -> Option<&'a Blocked> {
        let mut cur = Some(e);
        while let Some(err) = cur {
            if let Some(b) = err.downcast_ref::<Blocked>() {
                return Some(b);
            }
            cur = err.source();
        }
        None
    }
}

/// A host the operator allows whatever it resolves to, optionally on one port only.
#[derive(Clone, Debug, PartialEq, Eq)]
struct HostRule {
    host: String,
    port: Option<u16>,
}

/// What the operator allows beyond the public internet: networks (CIDR or single addresses)
/// and host names (with an optional port). The default allows nothing internal.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct OutboundPolicy {
    nets: Vec<IpNet>,
    hosts: Vec<HostRule>,
}

/// An entry of the allow-list that cannot be read.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error(
    "`{0}` is not a CIDR (10.0.0.0/8), an address (192.168.1.20) or a host[:port] (bridge.internal:8080)"
)]
pub struct BadAllowEntry(pub String);

impl OutboundPolicy {
    /// Reads a comma-separated allow-list: CIDRs (`10.0.0.0/8`, `fd00::/8`), addresses
    /// (`127.0.0.1`, `::1`) and host names with an optional port (`bridge.lan`,
    /// `localhost:11434`). Empty entries are ignored.
    pub fn parse(list: &str) -> Result<Self, BadAllowEntry> {
        let mut policy = OutboundPolicy::default();
        for entry in list.split(',').map(str::trim).filter(|e| !e.is_empty()) {
            if let Ok(net) = entry.parse::<IpNet>() {
                policy.nets.push(net);
            } else if let Ok(ip) = entry.trim_matches(['[', ']']).parse::<IpAddr>() {
                policy.nets.push(IpNet::from(ip));
            } else {
                policy.hosts.push(parse_host_rule(entry)?);
            }
        }
        Ok(policy)
    }

    /// Nothing internal is allowed (the default).
    pub fn is_strict(&self) -> bool {
        self.nets.is_empty() && self.hosts.is_empty()
    }

    /// May a connection go to `ip`?
    pub fn ip_allowed(&self, ip: IpAddr) -> bool {
        let ip = canonical(ip);
        !is_internal(ip) || self.nets.iter().any(|n| n.contains(&ip))
    }

    /// Is `host` allowed by name (on `port`, when the rule names one)?
    fn host_allowed(&self, host: &str, port: Option<u16>) -> bool {
        let host = host.trim_end_matches('.').to_ascii_lowercase();
        self.hosts
            .iter()
            .any(|r| r.host == host && (r.port.is_none() || r.port == port))
    }

    /// Is `name` allowed whatever it resolves to, on some port? (A resolver does not see the
    /// port; [`check_url`](Self::check_url) has already checked it.)
    pub(crate) fn name_allowed(&self, name: &str) -> bool {
        let name = name.trim_end_matches('.').to_ascii_lowercase();
        self.hosts.iter().any(|r| r.host == name)
    }

    /// The checks that need no DNS: the scheme, IP-literal hosts, and host rules. A name
    /// that passes here is checked again, address by address, when it is resolved.
    pub fn check_url(&self, url: &Url) -> Result<(), Blocked> {
        if !matches!(url.scheme(), "http" | "https") {
            return Err(Blocked::Scheme);
        }
        let port = url.port_or_known_default();
        let host = url.host().ok_or(Blocked::NoHost)?;
        let ip = match host {
            Host::Ipv4(v4) => IpAddr::V4(v4),
            Host::Ipv6(v6) => IpAddr::V6(v6),
            Host::Domain(_) => return Ok(()),
        };
        let literal = url.host_str().unwrap_or_default();
        if self.ip_allowed(ip) || self.host_allowed(literal.trim_matches(['[', ']']), port) {
            Ok(())
        } else {
            Err(Blocked::Internal {
                host: literal.to_string(),
            })
        }
    }

    /// [`check_url`](Self::check_url) plus a DNS lookup of a named host, for checking a URL
    /// when it is configured. A name that does not resolve now passes: it is checked again
    /// on every connection.
    pub async fn check_url_resolved(&self, url: &Url) -> Result<(), Blocked> {
        self.check_url(url)?;
        let Some(Host::Domain(name)) = url.host() else {
            return Ok(());
        };
        let port = url.port_or_known_default().unwrap_or(80);
        if self.host_allowed(name, Some(port)) {
            return Ok(());
        }
        // A resolver that hangs must not hang the request that configures the URL.
        let lookup = tokio::time::timeout(LOOKUP_TIMEOUT, tokio::net::lookup_host((name, port)));
        let Ok(Ok(addrs)) = lookup.await else {
            return Ok(());
        };
        for a in addrs {
            if !self.ip_allowed(a.ip()) {
                return Err(Blocked::Internal {
                    host: name.to_string(),
                });
            }
        }
        Ok(())
    }
}

/// Parses `url` and checks it as [`OutboundPolicy::check_url_resolved`] does: the one check
/// to run wherever a tenant sets a URL we will call.
pub async fn validate_outbound_url(url: &str, policy: &OutboundPolicy) -> Result<Url, Blocked> {
    let parsed = Url::parse(url.trim()).map_err(|_| Blocked::NotUrl)?;
    policy.check_url_resolved(&parsed).await?;
    Ok(parsed)
}

/// An HTTP client built over [`client_builder`] together with its policy, so whoever holds
/// it can also run the literal check ([`GuardedClient::check`]) that the client cannot.
#[derive(Clone, Debug)]
pub struct GuardedClient {
    client: reqwest::Client,
    policy: Arc<OutboundPolicy>,
}

impl GuardedClient {
    /// `client` must have been built from [`client_builder`] with the same `policy`.
    pub fn new(client: reqwest::Client, policy: Arc<OutboundPolicy>) -> Self {
        GuardedClient { client, policy }
    }

    pub fn client(&self) -> &reqwest::Client {
        &self.client
    }

    pub fn policy(&self) -> &OutboundPolicy {
        &self.policy
    }

    /// Parses `url` and runs [`OutboundPolicy::check_url`]: call before each use of a
    /// configured base URL.
    pub fn check(&self, url: &str) -> Result<(), Blocked> {
        let parsed = Url::parse(url.trim()).map_err(|_| Blocked::NotUrl)?;
        self.policy.check_url(&parsed)
    }
}

fn parse_host_rule(entry: &str) -> Result<HostRule, BadAllowEntry> {
    let bad = || BadAllowEntry(entry.to_string());
    let url = Url::parse(&format!("http://{entry}")).map_err(|_| bad())?;
    let host = url.host_str().ok_or_else(bad)?;
    // Only a bare host[:port]: anything else means the operator wrote something else.
    if url.path() != "/" || url.query().is_some() || !url.username().is_empty() {
        return Err(bad());
    }
    Ok(HostRule {
        host: host
            .trim_matches(['[', ']'])
            .trim_end_matches('.')
            .to_string(),
        port: url.port(),
    })
}

/// IPv4-mapped IPv6 addresses (`::ffff:127.0.0.1`) are their IPv4 address.
fn canonical(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(IpAddr::V6(v6), IpAddr::V4),
        v4 => v4,
    }
}

/// Addresses a tenant's URL must not reach by default.
pub fn is_internal(ip: IpAddr) -> bool {
    match canonical(ip) {
        IpAddr::V4(v4) => internal_v4(v4),
        IpAddr::V6(v6) => internal_v6(v6),
    }
}

fn internal_v4(ip: Ipv4Addr) -> bool {
    let [a, b, c, _] = ip.octets();
    ip.is_unspecified()
        || ip.is_loopback()
        || ip.is_private()
        || ip.is_link_local() // 169.254.0.0/16, cloud metadata included
        || ip.is_broadcast()
        || ip.is_multicast()
        || ip.is_documentation()
        || a == 0 // "this network"
        || (a == 100 && (64..128).contains(&b)) // carrier-grade NAT, 100.64.0.0/10
        || (a == 192 && b == 0 && c == 0) // IETF protocol assignments
        || (a == 198 && (b == 18 || b == 19)) // benchmarking
        || a >= 240 // reserved
}

fn internal_v6(ip: Ipv6Addr) -> bool {
    let seg = ip.segments();
    ip.is_unspecified()
        || ip.is_loopback()
        || ip.is_multicast()
        || (seg[0] & 0xfe00) == 0xfc00 // unique local fc00::/7 (AWS metadata fd00:ec2::254)
        || (seg[0] & 0xffc0) == 0xfe80 // link-local
        || (seg[0] & 0xffc0) == 0xfec0 // site-local (deprecated, still routed by some)
        || (seg[0] == 0x2001 && seg[1] == 0x0db8) // documentation
        // NAT64, 6to4, the deprecated IPv4-compatible ::a.b.c.d and SIIT's ::ffff:0:a.b.c.d
        // embed an IPv4 address: judge that one (a host with a route for them reaches it).
        || (seg[0] == 0x0064 && seg[1] == 0xff9b && internal_v4(embedded_v4(seg[6], seg[7])))
        || (seg[..6] == [0; 6] && internal_v4(embedded_v4(seg[6], seg[7])))
        || (seg[..4] == [0; 4] && seg[4] == 0xffff && seg[5] == 0
            && internal_v4(embedded_v4(seg[6], seg[7])))
        || (seg[0] == 0x0064 && seg[1] == 0xff9b && seg[2] == 0x0001) // local-use NAT64
        || (seg[0] == 0x2002 && internal_v4(embedded_v4(seg[1], seg[2])))
}

fn embedded_v4(hi: u16, lo: u16) -> Ipv4Addr {
    let [a, b] = hi.to_be_bytes();
    let [c, d] = lo.to_be_bytes();
    Ipv4Addr::new(a, b, c, d)
}

#[cfg(test)]
mod tests;
