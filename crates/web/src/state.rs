use store::Store;

/// What every handler may use. Holds nothing that lives in one process only, so several `inbeeld serve`
/// processes can share one database.
#[derive(Clone, Debug)]
pub struct AppState {
    pub store: Store,
}

impl AppState {
    pub fn new(store: Store) -> Self {
        Self { store }
    }
}
