//! Who is asking, for throttling and audit: always an IP address — anything else is refused —
//! and IPv6 callers grouped by their /64, the block one subscriber gets.
//!
//! - Behind CloudFront (an origin secret is configured, and the request carried it — checked
//!   before anything else): the viewer's address CloudFront reports, `CloudFront-Viewer-Address`.
//!   A request without it is refused, never put down to the edge's own address.
//! - Behind a proxy of ours: `X-Forwarded-For`, read only when the connection comes from a
//!   configured proxy address (`VERIFIER_TRUSTED_PROXIES`), from the right, skipping our own
//!   proxies: the first address they did not add themselves is the caller's.
//! - Otherwise the event's source IP under Lambda, or the connection's address.

use std::net::{IpAddr, Ipv6Addr, SocketAddr};

use axum::extract::ConnectInfo;
use ipnet::IpNet;

use super::HttpConfig;

/// No address, or one that does not parse.
#[derive(Debug, PartialEq, Eq)]
pub(super) struct Unreadable;

/// The caller of a request, as throttling and audit know it.
pub(super) fn caller_address(parts: &axum::http::request::Parts, config: &HttpConfig) -> Result<String, Unreadable> {
    let header = |name: &str| parts.headers.get(name).and_then(|v| v.to_str().ok());
    let address = if config.origin_secret.is_some() {
        parse_viewer_address(header("cloudfront-viewer-address").ok_or(Unreadable)?).ok_or(Unreadable)?
    } else if let Some(ip) = lambda_source_ip(parts)? {
        ip
    } else {
        let peer = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map(|ConnectInfo(address)| address.ip())
            .ok_or(Unreadable)?;
        if trusted(&config.trusted_proxies, peer) {
            forwarded_for(parts, &config.trusted_proxies)?.unwrap_or(peer)
        } else {
            peer
        }
    };
    Ok(caller_group(address))
}

/// Whether `address` is one of our own proxies.
pub(crate) fn trusted(proxies: &[IpNet], address: IpAddr) -> bool {
    let address = canonical(address);
    proxies.iter().any(|net| net.contains(&address))
}

/// The first address in `X-Forwarded-For`, from the right, that is not one of our proxies
/// (`None` when every entry is ours, or there is none: the proxy itself asked).
fn forwarded_for(parts: &axum::http::request::Parts, proxies: &[IpNet]) -> Result<Option<IpAddr>, Unreadable> {
    let entries: Vec<&str> = parts
        .headers
        .get_all("x-forwarded-for")
        .iter()
        .map(|v| v.to_str().map_err(|_| Unreadable))
        .collect::<Result<Vec<_>, _>>()?
        .into_iter()
        .flat_map(|v| v.split(','))
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .collect();
    for entry in entries.iter().rev() {
        let address: IpAddr = entry.parse().map_err(|_| Unreadable)?;
        if !trusted(proxies, address) {
            return Ok(Some(address));
        }
    }
    Ok(None)
}

fn lambda_source_ip(parts: &axum::http::request::Parts) -> Result<Option<IpAddr>, Unreadable> {
    match parts.extensions.get::<lambda_http::request::RequestContext>() {
        Some(lambda_http::request::RequestContext::ApiGatewayV2(context)) => match &context.http.source_ip {
            Some(ip) => Ok(Some(ip.parse().map_err(|_| Unreadable)?)),
            None => Err(Unreadable),
        },
        _ => Ok(None),
    }
}

/// `CloudFront-Viewer-Address`: `198.51.100.10:46532` or `2001:db8::1:46532` — the address,
/// a colon, the port.
fn parse_viewer_address(value: &str) -> Option<IpAddr> {
    let (address, port) = value.trim().rsplit_once(':')?;
    port.parse::<u16>().ok()?;
    address.trim_start_matches('[').trim_end_matches(']').parse().ok()
}

/// An IPv4 address written as IPv6 (`::ffff:192.0.2.7`) is the IPv4 address.
fn canonical(address: IpAddr) -> IpAddr {
    match address {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(address, IpAddr::V4),
        v4 => v4,
    }
}

/// The group a caller is counted in: an IPv4 address, or an IPv6 /64.
pub(crate) fn caller_group_address(address: IpAddr) -> IpAddr {
    match canonical(address) {
        IpAddr::V6(v6) => IpAddr::V6(Ipv6Addr::from(u128::from(v6) & !((1u128 << 64) - 1))),
        v4 => v4,
    }
}

/// The caller as throttling and audit know it: an IPv4 address, or an IPv6 /64.
fn caller_group(address: IpAddr) -> String {
    match caller_group_address(address) {
        IpAddr::V4(v4) => v4.to_string(),
        IpAddr::V6(prefix) => format!("{prefix}/64"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn callers_are_ip_addresses_and_ipv6_is_grouped_by_64() {
        assert_eq!(caller_group("192.0.2.7".parse().unwrap()), "192.0.2.7");
        assert_eq!(
            caller_group("2001:db8:1:2:aaaa::1".parse().unwrap()),
            "2001:db8:1:2::/64"
        );
        assert_eq!(
            caller_group("2001:db8:1:2:ffff::9".parse().unwrap()),
            caller_group("2001:db8:1:2::1".parse().unwrap())
        );
        assert_ne!(
            caller_group("2001:db8:1:3::1".parse().unwrap()),
            caller_group("2001:db8:1:2::1".parse().unwrap())
        );
        assert_eq!(caller_group("::ffff:192.0.2.7".parse().unwrap()), "192.0.2.7");
        assert_eq!(
            parse_viewer_address("198.51.100.10:46532"),
            Some("198.51.100.10".parse().unwrap())
        );
        assert_eq!(
            parse_viewer_address("2001:db8::1:46532"),
            Some("2001:db8::1".parse().unwrap())
        );
        assert_eq!(parse_viewer_address("garbage-not-an-ip:1"), None);
        assert_eq!(parse_viewer_address("198.51.100.10"), None);
    }

    fn parts(peer: &str, forwarded: &[&str]) -> axum::http::request::Parts {
        let mut request = axum::http::Request::new(());
        for value in forwarded {
            request.headers_mut().append("x-forwarded-for", value.parse().unwrap());
        }
        let peer: IpAddr = peer.parse().unwrap();
        request
            .extensions_mut()
            .insert(ConnectInfo(SocketAddr::new(peer, 40000)));
        request.into_parts().0
    }

    /// `X-Forwarded-For` is anyone's to write: it names the caller only when our own proxy
    /// connected, and then only the entry our proxies did not write themselves.
    #[test]
    fn forwarded_for_is_read_only_from_our_proxies() {
        let config = HttpConfig {
            trusted_proxies: vec!["10.0.0.0/8".parse().unwrap(), "127.0.0.1/32".parse().unwrap()],
            ..HttpConfig::default()
        };
        let caller = |peer, forwarded: &[&str]| caller_address(&parts(peer, forwarded), &config);
        // Straight from the internet: the header is ignored, whatever it says.
        assert_eq!(caller("198.51.100.9", &["192.0.2.1"]), Ok("198.51.100.9".into()));
        // Through our proxy: the address it appended, not what the client put before it.
        assert_eq!(
            caller("10.1.2.3", &["192.0.2.66, 203.0.113.5"]),
            Ok("203.0.113.5".into())
        );
        assert_eq!(
            caller("10.1.2.3", &["192.0.2.66", "203.0.113.5, 10.9.9.9"]),
            Ok("203.0.113.5".into())
        );
        assert_eq!(caller("::ffff:127.0.0.1", &["203.0.113.5"]), Ok("203.0.113.5".into()));
        assert_eq!(caller("10.1.2.3", &[]), Ok("10.1.2.3".into()), "the proxy itself");
        assert_eq!(caller("10.1.2.3", &["garbage-not-an-ip"]), Err(Unreadable));
        // Without configured proxies nobody's header is read.
        let direct = HttpConfig::default();
        assert_eq!(
            caller_address(&parts("10.1.2.3", &["203.0.113.5"]), &direct),
            Ok("10.1.2.3".into())
        );
    }
}
