//! What the monitor team types to enter or change a collaboration, checked into a `CollaborationDraft` or refused
//! with a Dutch message per field.

use std::collections::{BTreeMap, BTreeSet};

use super::{Area, CollaborationDraft};
pub use crate::FormError;
use crate::register::{OrgCode, OrganisationKind};

/// The longest name the register keeps.
pub const MAX_NAME_CHARS: usize = 200;

/// The form as typed: members as CBS codes separated by spaces, commas or lines, areas as choice codes.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CollaborationForm {
    pub name: String,
    pub members: String,
    pub areas: Vec<String>,
}

impl CollaborationForm {
    /// The form from its HTML fields (`naam`, `leden`, and `gebied` once per ticked area); others are ignored.
    pub fn from_fields(fields: &[(String, String)]) -> CollaborationForm {
        let mut form = CollaborationForm::default();
        for (name, value) in fields {
            match name.as_str() {
                "naam" => form.name = value.clone(),
                "leden" => form.members = value.clone(),
                "gebied" => form.areas.push(value.clone()),
                _ => {}
            }
        }
        form
    }

    /// The form filled with a stored collaboration, to edit it.
    pub fn of(collaboration: &super::Collaboration) -> CollaborationForm {
        CollaborationForm {
            name: collaboration.name.clone(),
            members: collaboration.members.iter().map(OrgCode::as_str).collect::<Vec<_>>().join(" "),
            areas: collaboration.areas.iter().map(|area| area.code().to_owned()).collect(),
        }
    }
}

/// Checks `form` against the register (`register`: the names of the organisations it holds, by code). Every
/// mistake is reported, not only the first.
pub fn check_form(form: &CollaborationForm, register: &BTreeMap<OrgCode, String>) -> Result<CollaborationDraft, Vec<FormError>> {
    let mut errors = Vec::new();
    let name = form.name.split_whitespace().collect::<Vec<_>>().join(" ");
    if name.is_empty() {
        errors.push(FormError { field: "Naam", message: "geef de samenwerking een naam.".into() });
    } else if name.chars().count() > MAX_NAME_CHARS {
        errors.push(FormError { field: "Naam", message: format!("de naam is langer dan {MAX_NAME_CHARS} tekens; kort hem in.") });
    }

    let mut members = BTreeSet::new();
    let tokens: Vec<&str> = form.members.split(|c: char| c.is_whitespace() || c == ',' || c == ';').filter(|t| !t.is_empty()).collect();
    for token in &tokens {
        match OrgCode::parse(token) {
            Err(_) => errors.push(FormError {
                field: "Leden",
                message: format!("‘{token}’ is geen CBS-code; een gemeente is GM met vier cijfers, bijvoorbeeld GM0363."),
            }),
            Ok(code) if code.kind() != OrganisationKind::Gemeente => {
                errors.push(FormError { field: "Leden", message: format!("{code} is een provincie; alleen gemeenten zijn lid.") })
            }
            Ok(code) if !register.contains_key(&code) => {
                errors.push(FormError { field: "Leden", message: format!("{code} staat niet in het register.") })
            }
            Ok(code) => {
                members.insert(code);
            }
        }
    }
    if tokens.is_empty() {
        errors
            .push(FormError { field: "Leden", message: "noem ten minste één gemeente, met haar CBS-code (bijvoorbeeld GM0363).".into() });
    }

    let mut areas = BTreeSet::new();
    for code in form.areas.iter().filter(|code| !code.trim().is_empty()) {
        match Area::parse(code) {
            Some(area) => {
                areas.insert(area);
            }
            None => {
                errors.push(FormError { field: "Gebieden", message: format!("‘{}’ is geen gebied; kies uit de lijst.", code.trim()) })
            }
        }
    }

    if errors.is_empty() { Ok(CollaborationDraft { name, members, areas }) } else { Err(errors) }
}
