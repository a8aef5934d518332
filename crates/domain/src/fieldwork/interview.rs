//! The details an interviewer records before entering the answers of an interview: the day it was held, within
//! the wave's fieldwork, and with whom. Parsed from the form as typed, or refused naming the field.

use chrono::NaiveDate;

use super::{Mode, Wave};
use crate::FormError;
use crate::fieldwork::letters::dutch_date;

/// The field labels on the overview's interview form.
const DATE: &str = "Datum van het interview";
const INTERVIEWEES: &str = "Geïnterviewden";

/// The most characters kept of who was interviewed: names and functions of a few people.
pub const MAX_INTERVIEWEES_CHARS: usize = 500;

/// An interview's details, checked: a day of the wave's fieldwork and a non-empty list of who took part.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Interview {
    date: NaiveDate,
    interviewees: String,
}

impl Interview {
    /// The details as typed (`date` as yyyy-mm-dd) for an interview in `wave`; the first field that is wrong is
    /// refused, with what to type instead.
    pub fn parse(date: &str, interviewees: &str, wave: &Wave) -> Result<Self, FormError> {
        let date = NaiveDate::parse_from_str(date.trim(), "%Y-%m-%d")
            .map_err(|_| FormError::new(DATE, "vul een datum in als jjjj-mm-dd, bijvoorbeeld 2010-11-15."))?;
        if date < wave.opens_on || date > wave.closes_on {
            let period = format!("van {} tot en met {}", dutch_date(wave.opens_on), dutch_date(wave.closes_on));
            return Err(FormError::new(DATE, format!("kies een datum in de meetperiode, {period}.")));
        }
        let interviewees = interviewees.trim();
        if interviewees.is_empty() || interviewees.chars().count() > MAX_INTERVIEWEES_CHARS {
            let message = format!("vul in met wie het interview was (naam en functie), hoogstens {MAX_INTERVIEWEES_CHARS} tekens.");
            return Err(FormError::new(INTERVIEWEES, message));
        }
        Ok(Self { date, interviewees: interviewees.to_owned() })
    }
}

impl From<Interview> for Mode {
    fn from(interview: Interview) -> Self {
        Mode::Interview { date: interview.date, interviewees: interview.interviewees }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fieldwork::{WaveId, WaveState};

    fn wave() -> Wave {
        Wave {
            id: WaveId::parse("eerste-meting").unwrap(),
            title: "Eerste meting".to_owned(),
            catalogue_id: "nup-2008".to_owned(),
            catalogue_version: "2008".to_owned(),
            questionnaire_id: "eerste-meting-2010".to_owned(),
            questionnaire_version: 1,
            opens_on: NaiveDate::from_ymd_opt(2010, 10, 1).unwrap(),
            closes_on: NaiveDate::from_ymd_opt(2011, 3, 31).unwrap(),
            state: WaveState::Open,
            simulated: false,
        }
    }

    #[test]
    fn an_interview_within_the_fieldwork_becomes_the_mode_of_the_answers() {
        let interview = Interview::parse(" 2011-03-31 ", "  J. de Vries, CIO ", &wave()).unwrap();
        let date = NaiveDate::from_ymd_opt(2011, 3, 31).unwrap();
        assert_eq!(Mode::from(interview), Mode::Interview { date, interviewees: "J. de Vries, CIO".to_owned() });
        assert!(Interview::parse("2010-10-01", "J. de Vries", &wave()).is_ok(), "the first day counts");
    }

    #[test]
    fn a_date_that_is_no_date_or_outside_the_fieldwork_is_refused_naming_the_period() {
        let unreadable = Interview::parse("15-11-2010", "J. de Vries", &wave()).unwrap_err();
        assert_eq!(unreadable.to_string(), "Datum van het interview: vul een datum in als jjjj-mm-dd, bijvoorbeeld 2010-11-15.");
        let late = Interview::parse("2011-04-01", "J. de Vries", &wave()).unwrap_err();
        assert_eq!(
            late.to_string(),
            "Datum van het interview: kies een datum in de meetperiode, van 1 oktober 2010 tot en met 31 maart 2011."
        );
        assert_eq!(Interview::parse("2010-09-30", "J. de Vries", &wave()).unwrap_err().field, DATE);
    }

    #[test]
    fn who_was_interviewed_is_required_and_at_most_500_characters() {
        let empty = Interview::parse("2010-11-15", "   ", &wave()).unwrap_err();
        assert_eq!(empty.to_string(), "Geïnterviewden: vul in met wie het interview was (naam en functie), hoogstens 500 tekens.");
        assert!(Interview::parse("2010-11-15", &"é".repeat(500), &wave()).is_ok(), "characters, not bytes");
        assert_eq!(Interview::parse("2010-11-15", &"a".repeat(501), &wave()).unwrap_err().field, INTERVIEWEES);
    }
}
