//! Where a webhook or a Slack alert may post: the one check of a target URL, at creation and
//! again at every delivery, after DNS resolution (so a name that resolves to a private or
//! loopback address is refused like the address itself — no server-side request forgery).
//!
//! The HTTP client resolves names through [`GuardedResolver`], which refuses a name when any
//! of its addresses is private, and the connection uses the addresses it checked, so a name
//! cannot resolve one way for the check and another for the connection. Redirects are not
//! followed.

use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use reqwest::dns::{Addrs, Name, Resolve, Resolving};
use url::{Host, Url};
use vouch_core::webhook::{MAX_URL_CHARS, is_private_address};

/// How long one delivery may take, connecting included.
pub const DELIVERY_TIMEOUT: Duration = Duration::from_secs(15);

/// Why a target is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TargetError {
    /// Not an absolute `http://` or `https://` URL with a host.
    #[error("{0}")]
    Invalid(String),
    /// It is, or resolves to, a private or loopback address.
    #[error(
        "{0} is a private or loopback address: webhooks may not reach it unless \
         webhooks_allow_private is set"
    )]
    Private(String),
    /// Its name does not resolve.
    #[error("cannot resolve {host}: {reason}")]
    Unresolved {
        /// The host.
        host: String,
        /// What the resolver said.
        reason: String,
    },
}

/// Checks the form of a target URL: `http` or `https`, a host, no user name or password, at
/// most [`MAX_URL_CHARS`] characters; with `allow_private` false, a literal address must not
/// be private. Names are checked by [`check_resolved`].
pub fn check_url(text: &str, allow_private: bool) -> Result<Url, TargetError> {
    let text = text.trim();
    if text.chars().count() > MAX_URL_CHARS {
        return Err(TargetError::Invalid(format!(
            "a URL has at most {MAX_URL_CHARS} characters"
        )));
    }
    let url = Url::parse(text)
        .map_err(|error| TargetError::Invalid(format!("{text:?} is not a URL: {error}")))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(TargetError::Invalid(format!(
            "{text:?}: only http:// and https:// URLs are posted to"
        )));
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(TargetError::Invalid(format!(
            "{text:?}: a URL may not carry a user name or password"
        )));
    }
    let address = match url.host() {
        None => return Err(TargetError::Invalid(format!("{text:?} has no host"))),
        Some(Host::Ipv4(v4)) => Some(IpAddr::V4(v4)),
        Some(Host::Ipv6(v6)) => Some(IpAddr::V6(v6)),
        Some(Host::Domain(_)) => None,
    };
    if let Some(address) = address
        && !allow_private
        && is_private_address(address)
    {
        return Err(TargetError::Private(address.to_string()));
    }
    Ok(url)
}

/// Resolves the URL's host, refusing it when any address is private (unless allowed).
pub async fn check_resolved(url: &Url, allow_private: bool) -> Result<(), TargetError> {
    let Some(Host::Domain(host)) = url.host() else {
        return Ok(()); // a literal address, judged by `check_url`
    };
    if allow_private {
        return Ok(());
    }
    resolve_public(host).await.map(drop)
}

/// The addresses of `host`, all public, or why not.
async fn resolve_public(host: &str) -> Result<Vec<SocketAddr>, TargetError> {
    let unresolved = |reason: String| TargetError::Unresolved {
        host: host.to_owned(),
        reason,
    };
    let addresses: Vec<SocketAddr> = tokio::net::lookup_host((host, 0))
        .await
        .map_err(|error| unresolved(error.to_string()))?
        .collect();
    if addresses.is_empty() {
        return Err(unresolved("no address".to_owned()));
    }
    if let Some(private) = addresses
        .iter()
        .find(|address| is_private_address(address.ip()))
    {
        return Err(TargetError::Private(format!("{host} ({})", private.ip())));
    }
    Ok(addresses)
}

/// Checks a target in full: its form, then its addresses.
pub async fn check_target(text: &str, allow_private: bool) -> Result<Url, TargetError> {
    let url = check_url(text, allow_private)?;
    check_resolved(&url, allow_private).await?;
    Ok(url)
}

/// A resolver that refuses names with a private address (see the module documentation).
#[derive(Debug, Clone, Copy)]
pub struct GuardedResolver {
    /// Whether private addresses are allowed after all.
    pub allow_private: bool,
}

impl Resolve for GuardedResolver {
    fn resolve(&self, name: Name) -> Resolving {
        let allow_private = self.allow_private;
        Box::pin(async move {
            let host = name.as_str().to_owned();
            let addresses = if allow_private {
                tokio::net::lookup_host((host.as_str(), 0))
                    .await
                    .map(|found| found.collect::<Vec<_>>())
                    .map_err(|error| TargetError::Unresolved {
                        host: host.clone(),
                        reason: error.to_string(),
                    })
            } else {
                resolve_public(&host).await
            };
            let addresses: Addrs = Box::new(addresses?.into_iter());
            Ok(addresses)
        })
    }
}

/// The client every webhook and Slack alert is posted with: guarded names, no redirects, a
/// timeout of [`DELIVERY_TIMEOUT`].
pub fn client(allow_private: bool) -> Result<reqwest::Client, reqwest::Error> {
    reqwest::Client::builder()
        .dns_resolver(Arc::new(GuardedResolver { allow_private }))
        .redirect(reqwest::redirect::Policy::none())
        .timeout(DELIVERY_TIMEOUT)
        .user_agent(concat!("Vouch-Webhooks/", env!("CARGO_PKG_VERSION")))
        .build()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_http_urls_with_a_host_and_no_credentials_pass() {
        assert!(check_url("https://hooks.example.com/x", false).is_ok());
        for bad in [
            "ftp://example.com/",
            "not a url",
            "https://user:pw@example.com/",
            "file:///etc/passwd",
        ] {
            assert!(
                matches!(check_url(bad, false), Err(TargetError::Invalid(_))),
                "{bad}"
            );
        }
        let long = format!("https://example.com/{}", "a".repeat(MAX_URL_CHARS));
        assert!(matches!(
            check_url(&long, false),
            Err(TargetError::Invalid(_))
        ));
    }

    #[test]
    fn literal_private_addresses_are_refused_unless_allowed() {
        for private in [
            "http://127.0.0.1:9000/",
            "http://[::1]/",
            "http://169.254.169.254/latest/meta-data",
            "http://10.0.0.7/",
        ] {
            assert!(
                matches!(check_url(private, false), Err(TargetError::Private(_))),
                "{private}"
            );
            assert!(check_url(private, true).is_ok(), "{private}");
        }
    }

    #[tokio::test]
    async fn a_name_resolving_to_loopback_is_refused() {
        let refused = check_target("http://localhost:9/hook", false).await;
        assert!(
            matches!(refused, Err(TargetError::Private(_))),
            "{refused:?}"
        );
        assert!(check_target("http://localhost:9/hook", true).await.is_ok());
    }
}
