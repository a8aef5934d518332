use store::Store;

/// What every handler may use. Holds nothing that lives in one process only, so several `inbeeld serve`
/// processes can share one database.
#[derive(Clone, Debug)]
pub struct AppState {
    pub store: Store,
    /// True when the site is served over TLS (its public URL is https): cookies are then Secure and responses
    /// carry HSTS.
    pub secure_cookies: bool,
}

impl AppState {
    pub fn new(store: Store) -> Self {
        Self { store, secure_cookies: false }
    }

    /// The state for a site whose visitors reach it at `public_url`.
    pub fn with_public_url(store: Store, public_url: &str) -> Self {
        Self { store, secure_cookies: public_url.starts_with("https://") }
    }
}
