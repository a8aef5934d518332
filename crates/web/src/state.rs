use std::net::IpAddr;
use std::sync::Arc;

use mail::Mailer;
use store::Store;

use crate::data_versions::VersionWatch;
use crate::figures::FiguresCache;
use crate::public_cache::{DEFAULT_BUDGET_BYTES, PublicCache};
use crate::security_txt::{self, Contact};

/// The public address when none is given: where `inbeeld serve` listens by default.
pub(crate) const LOCAL_URL: &str = "http://127.0.0.1:8080";

/// What every handler may use: a handle on `Shared`, which each request and each layer that needs the state clones
/// (several times per request), so a clone is one count of a reference, not a copy of every field.
#[derive(Clone, Debug)]
pub struct AppState(Arc<Shared>);

impl std::ops::Deref for AppState {
    type Target = Shared;

    fn deref(&self) -> &Shared {
        &self.0
    }
}

/// Holds nothing that lives in one process only, except the figures and the public answers kept in memory, which
/// follow the data's versions in the database; so several `inbeeld serve` processes can share one database.
#[derive(Clone, Debug)]
pub struct Shared {
    pub store: Store,
    /// True when the site is served over TLS (its public URL is https): cookies are then Secure and responses
    /// carry HSTS.
    pub secure_cookies: bool,
    /// Proxies in front of the site (a load balancer) whose `X-Forwarded-For` names the real client. From anyone
    /// else the header is ignored, because a client could write it itself.
    pub trusted_proxies: Vec<IpAddr>,
    /// The address visitors use, without a trailing slash; links in letters are built on it.
    pub public_url: String,
    /// How letters leave (an outbox folder or an SMTP server); none when the site sends no mail.
    pub mailer: Option<Arc<Mailer>>,
    /// The published figures, computed once per change of the data they show (see `figures`).
    pub figures: Arc<FiguresCache>,
    /// The public answers, written once per change of the data they show (see `public_cache`).
    pub public_cache: Arc<PublicCache>,
    /// The data's versions, which both follow.
    versions: Arc<VersionWatch>,
    /// Where to report a vulnerability, in `/.well-known/security.txt`.
    pub security_contact: Contact,
    /// When `/.well-known/security.txt` stops holding: a year after the process started.
    pub security_expires: chrono::DateTime<chrono::Utc>,
    /// Who answers for the API, in its description: the monitor team that sends the letters.
    pub api_contact: ApiContact,
}

/// The monitor team as the API's description names it (`info.contact`, with the public URL): the name that signs
/// the letters and the address they come from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ApiContact {
    pub name: String,
    pub email: String,
}

impl ApiContact {
    fn of(sender: &mail::Sender) -> ApiContact {
        ApiContact { name: app::outreach::signature(&sender.to_string()), email: sender.address.clone() }
    }

    /// The contact of a site that `inbeeld serve` runs without `--mail-from`.
    pub fn fallback() -> ApiContact {
        ApiContact::of(&mail::Sender::fallback())
    }
}

impl AppState {
    pub fn new(store: Store) -> Self {
        let versions = Arc::new(VersionWatch::default());
        Self(Arc::new(Shared {
            store,
            secure_cookies: false,
            trusted_proxies: Vec::new(),
            public_url: LOCAL_URL.to_owned(),
            mailer: None,
            figures: Arc::new(FiguresCache::new(Arc::clone(&versions))),
            public_cache: Arc::new(PublicCache::new(Arc::clone(&versions), DEFAULT_BUDGET_BYTES)),
            versions,
            security_contact: Contact::for_site(LOCAL_URL),
            security_expires: chrono::Utc::now() + security_txt::VALIDITY,
            api_contact: ApiContact::fallback(),
        }))
    }

    /// The state with `change` made to it, for the builders below, which run before the state is shared.
    fn changed(self, change: impl FnOnce(&mut Shared)) -> Self {
        let mut shared = Arc::unwrap_or_clone(self.0);
        change(&mut shared);
        Self(Arc::new(shared))
    }

    /// The state for a site whose visitors reach it at `public_url`.
    pub fn with_public_url(store: Store, public_url: &str) -> Self {
        Self::new(store).changed(|shared| {
            shared.secure_cookies = public_url.starts_with("https://");
            shared.public_url = public_url.trim_end_matches('/').to_owned();
            shared.security_contact = Contact::for_site(public_url);
        })
    }

    /// Letters (invitations, reminders) leave through `mailer`, whose sender is the API's contact.
    pub fn with_mailer(self, mailer: Mailer) -> Self {
        self.changed(|shared| {
            shared.api_contact = ApiContact::of(&mailer.sender_parts());
            shared.mailer = Some(Arc::new(mailer));
        })
    }

    /// Vulnerabilities are reported to `contact` rather than to security@ the public URL's host.
    pub fn with_security_contact(self, contact: Contact) -> Self {
        self.changed(|shared| shared.security_contact = contact)
    }

    /// Public answers are kept in memory up to `bytes` (plain and compressed together).
    pub fn with_cache_budget(self, bytes: u64) -> Self {
        self.changed(|shared| shared.public_cache = Arc::new(PublicCache::new(Arc::clone(&shared.versions), bytes)))
    }

    pub fn trusting(self, proxies: Vec<IpAddr>) -> Self {
        self.changed(|shared| shared.trusted_proxies = proxies)
    }
}
