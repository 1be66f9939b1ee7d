//! Whose address a request comes from (LC-2): the socket's peer, unless the
//! peer is a proxy the organisation trusts, in which case the address the
//! proxies recorded in `X-Forwarded-For`. A forwarded header from anyone
//! else is ignored: a visitor cannot choose the address that is kept about
//! them, or dodge a per-address limit, by sending one.

use std::fmt;
use std::net::IpAddr;
use std::str::FromStr;

/// A network in CIDR form (`10.0.0.0/8`, `2001:db8::/32`), or one address.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IpNet {
    addr: IpAddr,
    prefix: u8,
}

/// Why a network was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("a network is an address, or an address and a prefix length such as 10.0.0.0/8 or 2001:db8::/32")]
pub struct InvalidNetwork;

impl IpNet {
    pub fn contains(&self, ip: IpAddr) -> bool {
        match (self.addr, canonical(ip)) {
            (IpAddr::V4(net), IpAddr::V4(ip)) => {
                let mask = u32::MAX
                    .checked_shl(32 - u32::from(self.prefix))
                    .unwrap_or(0);
                u32::from(net) & mask == u32::from(ip) & mask
            }
            (IpAddr::V6(net), IpAddr::V6(ip)) => {
                let mask = u128::MAX
                    .checked_shl(128 - u32::from(self.prefix))
                    .unwrap_or(0);
                u128::from(net) & mask == u128::from(ip) & mask
            }
            _ => false,
        }
    }
}

impl FromStr for IpNet {
    type Err = InvalidNetwork;

    fn from_str(raw: &str) -> Result<Self, Self::Err> {
        let raw = raw.trim();
        let (addr, prefix) = match raw.split_once('/') {
            Some((a, p)) => (a, Some(p)),
            None => (raw, None),
        };
        let addr: IpAddr = addr.parse().map_err(|_| InvalidNetwork)?;
        let addr = canonical(addr);
        let max = if addr.is_ipv4() { 32 } else { 128 };
        let prefix = match prefix {
            Some(p) => p.parse::<u8>().map_err(|_| InvalidNetwork)?,
            None => max,
        };
        if prefix > max {
            return Err(InvalidNetwork);
        }
        Ok(Self { addr, prefix })
    }
}

impl fmt::Display for IpNet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.addr, self.prefix)
    }
}

/// An IPv4 address written as IPv6 (`::ffff:192.0.2.1`) is the IPv4 one.
fn canonical(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(ip, IpAddr::V4),
        v4 => v4,
    }
}

/// The proxies whose `X-Forwarded-For` is believed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TrustedProxies(Vec<IpNet>);

impl TrustedProxies {
    pub fn new(networks: Vec<IpNet>) -> Self {
        Self(networks)
    }

    pub fn trusts(&self, ip: IpAddr) -> bool {
        self.0.iter().any(|n| n.contains(ip))
    }

    /// The client's address. When the peer is trusted, `X-Forwarded-For` is
    /// read from the right (each proxy appends the address it received
    /// from), past trusted proxies, to the first address that is not one.
    /// An entry that is not an address stops the walk at the proxy that
    /// added it. With no header, or an untrusted peer, the peer it is.
    pub fn client_ip(&self, peer: IpAddr, forwarded_for: Option<&str>) -> IpAddr {
        let peer = canonical(peer);
        if !self.trusts(peer) {
            return peer;
        }
        let Some(header) = forwarded_for else {
            return peer;
        };
        let mut client = peer;
        for entry in header.rsplit(',') {
            let Ok(ip) = entry.trim().parse::<IpAddr>() else {
                return client;
            };
            let ip = canonical(ip);
            client = ip;
            if !self.trusts(ip) {
                return ip;
            }
        }
        client
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    fn proxies(nets: &[&str]) -> TrustedProxies {
        TrustedProxies::new(nets.iter().map(|n| n.parse().unwrap()).collect())
    }

    #[test]
    fn networks_parse_and_contain() {
        let net: IpNet = "10.0.0.0/8".parse().unwrap();
        assert!(net.contains(ip("10.200.1.2")));
        assert!(!net.contains(ip("11.0.0.1")));
        assert!(net.contains(ip("::ffff:10.1.2.3")), "IPv4 written as IPv6");
        let one: IpNet = "192.0.2.7".parse().unwrap();
        assert!(one.contains(ip("192.0.2.7")) && !one.contains(ip("192.0.2.8")));
        let v6: IpNet = "2001:db8::/32".parse().unwrap();
        assert!(v6.contains(ip("2001:db8:1::5")) && !v6.contains(ip("2001:db9::1")));
        let all: IpNet = "0.0.0.0/0".parse().unwrap();
        assert!(all.contains(ip("203.0.113.9")));
        for bad in ["", "10.0.0.0/33", "::/129", "example.org", "10.0.0.0/x"] {
            assert_eq!(bad.parse::<IpNet>(), Err(InvalidNetwork), "{bad}");
        }
    }

    #[test]
    fn forwarded_addresses_count_only_from_trusted_proxies() {
        let none = TrustedProxies::default();
        assert_eq!(
            none.client_ip(ip("203.0.113.5"), Some("198.51.100.1")),
            ip("203.0.113.5"),
            "an untrusted peer cannot choose its address"
        );
        let lb = proxies(&["10.0.0.0/8", "127.0.0.1"]);
        assert_eq!(
            lb.client_ip(ip("10.0.0.2"), Some("198.51.100.1")),
            ip("198.51.100.1")
        );
        assert_eq!(
            lb.client_ip(ip("10.0.0.2"), Some("6.6.6.6, 198.51.100.1, 10.0.0.9")),
            ip("198.51.100.1"),
            "read from the right, past trusted hops; the visitor's own entries are ignored"
        );
        assert_eq!(lb.client_ip(ip("10.0.0.2"), None), ip("10.0.0.2"));
        assert_eq!(
            lb.client_ip(ip("10.0.0.2"), Some("garbage, 10.0.0.7")),
            ip("10.0.0.7"),
            "an unreadable entry stops at the proxy that added it"
        );
        assert_eq!(
            lb.client_ip(ip("::ffff:10.0.0.2"), Some("2001:db8::1")),
            ip("2001:db8::1")
        );
    }
}
