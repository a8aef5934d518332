use std::net::IpAddr;

use store::Store;

/// What every handler may use. Holds nothing that lives in one process only, so several `inbeeld serve`
/// processes can share one database.
#[derive(Clone, Debug)]
pub struct AppState {
    pub store: Store,
    /// True when the site is served over TLS (its public URL is https): cookies are then Secure and responses
    /// carry HSTS.
    pub secure_cookies: bool,
    /// Proxies in front of the site (a load balancer) whose `X-Forwarded-For` names the real client. From anyone
    /// else the header is ignored, because a client could write it itself.
    pub trusted_proxies: Vec<IpAddr>,
}

impl AppState {
    pub fn new(store: Store) -> Self {
        Self { store, secure_cookies: false, trusted_proxies: Vec::new() }
    }

    /// The state for a site whose visitors reach it at `public_url`.
    pub fn with_public_url(store: Store, public_url: &str) -> Self {
        Self { store, secure_cookies: public_url.starts_with("https://"), trusted_proxies: Vec::new() }
    }

    pub fn trusting(mut self, proxies: Vec<IpAddr>) -> Self {
        self.trusted_proxies = proxies;
        self
    }
}
