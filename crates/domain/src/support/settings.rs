//! The planner's settings as the monitor team types them, checked: every impossible value is refused with a
//! message that names the field, and the typed text is kept by the caller to show again.

use serde::{Deserialize, Serialize};

use crate::questionnaire::SupportForm;

/// More would no longer be a meeting around a table.
pub const MAX_GROUP_SIZE: u32 = 100;
/// More meetings per province than there are municipalities in the largest would plan nothing more.
pub const MAX_MEETINGS_PER_REGION: u32 = 100;
/// Further than from one end of the country to the other.
pub const MAX_KM: f64 = 500.0;
/// A meeting brings at least two municipalities together; one alone is a visit, not a meeting.
pub const MIN_GROUP: usize = 2;

/// How municipalities are grouped into regions.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Grouping {
    /// Per province, at most this many meetings in each.
    PerRegion { meetings: u32 },
    /// Around a host: every invitee within this many kilometres of it (between the centroids), as many meetings as
    /// needed.
    WithinDistance { km: f64 },
}

/// Whose requests the planner takes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum FormFilter {
    /// Everyone who needs support with a block, whatever the form asked.
    Any,
    /// Only those who ask this form for the block.
    Form(SupportForm),
}

impl FormFilter {
    pub const ANY: &'static str = "alle";

    pub fn code(self) -> &'static str {
        match self {
            FormFilter::Any => Self::ANY,
            FormFilter::Form(form) => form.code(),
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        if code == Self::ANY { Some(FormFilter::Any) } else { SupportForm::from_code(code).map(FormFilter::Form) }
    }

    /// "alle gemeenten die om ondersteuning vroegen", "wie om ‘Regionale bijeenkomsten’ vroeg".
    pub fn label_nl(self) -> String {
        match self {
            FormFilter::Any => "iedereen die om ondersteuning vroeg, in welke vorm ook".to_owned(),
            FormFilter::Form(form) => format!("wie om ‘{}’ vroeg", form.label_nl()),
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Settings {
    pub grouping: Grouping,
    /// At most this many municipalities in one meeting.
    pub group_size: u32,
    pub form: FormFilter,
}

impl Settings {
    /// The settings in one Dutch sentence fragment, for the page and the export.
    pub fn describe_nl(&self) -> String {
        let grouping = match self.grouping {
            Grouping::PerRegion { meetings } => format!("hoogstens {meetings} per provincie"),
            Grouping::WithinDistance { km } => format!("iedereen binnen {} km van de gastgemeente", km_nl(km)),
        };
        format!("Bijeenkomsten: {grouping}; hoogstens {} gemeenten per bijeenkomst; voor {}.", self.group_size, self.form.label_nl())
    }
}

/// A distance as the pages write it: "25" or "12,5".
pub fn km_nl(km: f64) -> String {
    let rounded = (km * 10.0).round() / 10.0;
    if rounded.fract() == 0.0 { format!("{rounded:.0}") } else { format!("{rounded:.1}").replace('.', ",") }
}

/// The settings form as typed. Field names are those of the HTML form.
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
pub struct SettingsForm {
    /// "regio" or "afstand".
    #[serde(default)]
    pub indeling: String,
    #[serde(default)]
    pub bijeenkomsten: String,
    #[serde(default)]
    pub afstand: String,
    #[serde(default)]
    pub groepsgrootte: String,
    #[serde(default)]
    pub vorm: String,
}

impl SettingsForm {
    pub const PER_REGION: &'static str = "regio";
    pub const WITHIN_DISTANCE: &'static str = "afstand";

    /// What the form shows before anything is typed: three meetings per province of at most ten municipalities,
    /// for those who asked for regional meetings.
    pub fn initial() -> Self {
        Self {
            indeling: Self::PER_REGION.to_owned(),
            bijeenkomsten: "3".to_owned(),
            afstand: "25".to_owned(),
            groepsgrootte: "10".to_owned(),
            vorm: SupportForm::RegionalMeetings.code().to_owned(),
        }
    }

    /// The settings, or every field that is wrong, each with its message.
    pub fn parse(&self) -> Result<Settings, Vec<SettingError>> {
        let mut errors = Vec::new();
        let group_size = whole(&self.groepsgrootte, "groepsgrootte", "Groepsgrootte", &mut errors).and_then(|size| {
            let refuse = |message: String| SettingError { field: "groepsgrootte", message };
            if (size as usize) < MIN_GROUP {
                errors.push(refuse(format!(
                    "Groepsgrootte: een bijeenkomst brengt minstens {MIN_GROUP} gemeenten samen, dus de groepsgrootte is minstens {MIN_GROUP} (u vulde {size} in)."
                )));
                None
            } else if size > MAX_GROUP_SIZE {
                errors.push(refuse(format!("Groepsgrootte: hoogstens {MAX_GROUP_SIZE} gemeenten per bijeenkomst (u vulde {size} in).")));
                None
            } else {
                Some(size)
            }
        });
        let grouping = match self.indeling.as_str() {
            Self::PER_REGION => {
                whole(&self.bijeenkomsten, "bijeenkomsten", "Bijeenkomsten per provincie", &mut errors).and_then(|meetings| {
                    let refuse = |message: String| SettingError { field: "bijeenkomsten", message };
                    if meetings == 0 {
                        errors.push(refuse(
                            "Bijeenkomsten per provincie: met 0 bijeenkomsten valt er niets te plannen; vul minstens 1 in.".to_owned(),
                        ));
                        None
                    } else if meetings > MAX_MEETINGS_PER_REGION {
                        errors.push(refuse(format!(
                            "Bijeenkomsten per provincie: hoogstens {MAX_MEETINGS_PER_REGION} (u vulde {meetings} in)."
                        )));
                        None
                    } else {
                        Some(Grouping::PerRegion { meetings })
                    }
                })
            }
            Self::WITHIN_DISTANCE => distance(&self.afstand, &mut errors).map(|km| Grouping::WithinDistance { km }),
            _ => {
                errors.push(SettingError {
                    field: "indeling",
                    message: "Indeling: kies ‘per provincie’ of ‘binnen een afstand’.".to_owned(),
                });
                None
            }
        };
        let form = FormFilter::from_code(&self.vorm);
        if form.is_none() {
            errors.push(SettingError { field: "vorm", message: "Vorm van ondersteuning: kies een van de vormen uit de lijst.".to_owned() });
        }
        match (grouping, group_size, form) {
            (Some(grouping), Some(group_size), Some(form)) if errors.is_empty() => Ok(Settings { grouping, group_size, form }),
            _ => Err(errors),
        }
    }
}

/// A field that is wrong: its form name and a Dutch message that starts with its label.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SettingError {
    pub field: &'static str,
    pub message: String,
}

fn whole(text: &str, field: &'static str, label: &str, errors: &mut Vec<SettingError>) -> Option<u32> {
    let text = text.trim();
    if text.is_empty() {
        errors.push(SettingError { field, message: format!("{label}: vul een aantal in.") });
        return None;
    }
    match text.parse::<i64>() {
        Ok(value) if value < 0 => {
            errors.push(SettingError { field, message: format!("{label}: een aantal kan niet negatief zijn (u vulde {value} in).") });
            None
        }
        Ok(value) => Some(u32::try_from(value).unwrap_or(u32::MAX)),
        Err(_) => {
            errors.push(SettingError { field, message: format!("{label}: ‘{text}’ is geen geheel getal.") });
            None
        }
    }
}

fn distance(text: &str, errors: &mut Vec<SettingError>) -> Option<f64> {
    let text = text.trim();
    let refuse = |message: String| SettingError { field: "afstand", message };
    if text.is_empty() {
        errors.push(refuse("Afstand: vul een afstand in kilometers in, bijvoorbeeld 25.".to_owned()));
        return None;
    }
    let Some(km) = text.replace(',', ".").parse::<f64>().ok().filter(|km| km.is_finite()) else {
        errors.push(refuse(format!("Afstand: ‘{text}’ is geen getal; vul een afstand in kilometers in, bijvoorbeeld 25 of 12,5.")));
        return None;
    };
    if km < 0.0 {
        errors.push(refuse(format!("Afstand: een afstand kan niet negatief zijn (u vulde {text} in).")));
        None
    } else if km == 0.0 {
        errors.push(refuse("Afstand: binnen 0 km kan niemand naar een ander reizen; vul meer dan 0 km in.".to_owned()));
        None
    } else if km > MAX_KM {
        errors.push(refuse(format!(
            "Afstand: {text} km is verder dan van de ene kant van het land naar de andere; vul hoogstens {} km in.",
            km_nl(MAX_KM)
        )));
        None
    } else {
        Some(km)
    }
}
