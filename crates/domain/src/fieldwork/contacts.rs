//! The contacts file: where each municipality's invitation goes, as `organisation_code,name,email`.
//!
//! Whether a code is in the register is for the caller to check against the stored register; this module checks
//! what the text alone can tell.

use crate::RowError;
use crate::account::Email;
use crate::register::{OrgCode, OrganisationKind};
use crate::row_error::{CsvColumns, CsvFormat, read_rows};

const FORMAT: CsvFormat = CsvFormat {
    required: &["organisation_code", "name", "email"],
    optional: &[],
    aliases: &[("code", "organisation_code"), ("cbs_code", "organisation_code"), ("e-mail", "email")],
};

/// Where one municipality's letters go.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ContactRow {
    pub organisation: OrgCode,
    /// The person or office the letters are addressed to, shown beside the address; may be empty.
    pub name: String,
    pub email: Email,
}

#[derive(Debug, Default)]
pub struct ContactsFile {
    /// Each contact with its row number (the header is row 1).
    pub contacts: Vec<(usize, ContactRow)>,
    pub errors: Vec<RowError>,
}

/// Reads a contacts file. A municipality may appear once, so that no file can leave it unclear where its link goes.
pub fn parse_contacts_csv(text: &str) -> ContactsFile {
    let mut contacts: Vec<(usize, ContactRow)> = Vec::new();
    let errors = read_rows(text, &FORMAT, |columns, row, record, errors| match parse_contact(columns, row, record) {
        Ok(contact) => match contacts.iter().find(|(_, c)| c.organisation == contact.organisation) {
            Some((first, _)) => {
                errors.push(RowError::new(row, "organisation_code", format!("{} already appears in row {first}", contact.organisation)))
            }
            None => contacts.push((row, contact)),
        },
        Err(found) => errors.extend(found),
    });
    ContactsFile { contacts, errors }
}

fn parse_contact(columns: &CsvColumns, row: usize, record: &csv::StringRecord) -> Result<ContactRow, Vec<RowError>> {
    let required = |column: &'static str| {
        columns.cell(record, column).ok_or_else(|| RowError::new(row, column, "this cell is empty, but a value is required"))
    };
    let code = required("organisation_code").and_then(|value| match OrgCode::parse(value) {
        Ok(code) if code.kind() == OrganisationKind::Gemeente => Ok(code),
        Ok(code) => Err(RowError::new(row, "organisation_code", format!("{code} is not a municipality; the survey asks municipalities"))),
        Err(message) => Err(RowError::new(row, "organisation_code", message)),
    });
    let email = required("email").and_then(|value| {
        Email::parse(value).map_err(|_| RowError::new(row, "email", format!("'{value}' is not an e-mail address (as in naam@gemeente.nl)")))
    });
    match (code, email) {
        (Ok(organisation), Ok(email)) => {
            let name = columns.cell(record, "name").unwrap_or_default().to_owned();
            Ok(ContactRow { organisation, name, email })
        }
        (code, email) => Err([code.err(), email.err()].into_iter().flatten().collect()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_code_name_and_address() {
        let file =
            parse_contacts_csv("organisation_code,name,email\nGM0363,E. Coördinator,E.Coordinator@Amsterdam.nl\nGM0457,,info@weesp.nl\n");
        assert!(file.errors.is_empty(), "{:?}", file.errors);
        let (row, amsterdam) = &file.contacts[0];
        assert_eq!((*row, amsterdam.organisation.as_str(), amsterdam.name.as_str()), (2, "GM0363", "E. Coördinator"));
        assert_eq!(amsterdam.email.as_str(), "e.coordinator@amsterdam.nl");
        assert_eq!(file.contacts[1].1.name, "", "a name may be left out");
    }

    #[test]
    fn bad_rows_name_row_and_column() {
        let text = "code,name,e-mail\nGM0363,A,a@amsterdam.nl\nGM0003,B,appingedam.nl\nPV27,C,c@noord-holland.nl\nGM0457,D,\nXX12,E,e@x.nl\nGM0363,F,f@amsterdam.nl\n";
        let file = parse_contacts_csv(text);
        let messages: Vec<String> = file.errors.iter().map(ToString::to_string).collect();
        assert_eq!(messages.len(), 5, "{messages:#?}");
        assert_eq!(messages[0], "row 3, column email: 'appingedam.nl' is not an e-mail address (as in naam@gemeente.nl)");
        assert_eq!(messages[1], "row 4, column organisation_code: PV27 is not a municipality; the survey asks municipalities");
        assert_eq!(messages[2], "row 5, column email: this cell is empty, but a value is required");
        assert!(messages[3].starts_with("row 6, column organisation_code: "), "{}", messages[3]);
        assert_eq!(messages[4], "row 7, column organisation_code: GM0363 already appears in row 2");
        assert_eq!(file.contacts.len(), 1);
    }

    #[test]
    fn a_missing_column_is_named() {
        let errors = parse_contacts_csv("organisation_code,name\nGM0363,A\n").errors;
        assert_eq!(errors, [RowError::new(1, "email", "this required column is missing from the header")]);
    }
}
