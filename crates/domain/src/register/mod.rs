//! The register of organisations: municipalities and provinces with their CBS codes (or, for municipalities
//! elsewhere in Europe, Eurostat's LAU codes), validity dates and successors, so that a division of one date maps
//! onto a later one.

mod code;
mod file;
mod organisation;
mod search;
mod size_class;
mod succession;

pub use code::{CodeScheme, LAU_COUNTRIES, LAU_MAX_NATIONAL_CHARS, OrgCode, OrganisationKind};
pub(crate) use file::parse_date_cell;
pub use file::{RegisterFile, parse_register_csv, write_register_csv};
pub use organisation::{Centroid, Organisation};
pub use search::{NamePrefix, search_keys};
pub use size_class::SizeClass;
pub use succession::{Register, check_successions};
