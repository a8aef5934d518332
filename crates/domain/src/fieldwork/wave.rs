//! A wave: one round of the survey, measured against one catalogue version with one questionnaire, over a period.
//! Its state moves forward only: draft → open → closed → published, with one way back (closed → open) for a late
//! extension.

use std::fmt;

use chrono::NaiveDate;
use serde::Serialize;

use crate::catalogue::is_slug;
use crate::register::{Organisation, OrganisationKind};

/// The identifier of a wave, a slug that stands in URLs as it is (`eerste-meting`).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(transparent)]
pub struct WaveId(String);

impl WaveId {
    pub fn parse(text: &str) -> Result<Self, String> {
        let text = text.trim();
        if is_slug(text) {
            Ok(Self(text.to_owned()))
        } else {
            Err(format!("'{text}' is not a wave id: use lower-case letters, digits and hyphens, e.g. 'eerste-meting'"))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for WaveId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum WaveState {
    /// Being prepared: no invitations yet, nobody answers.
    Draft,
    /// Fieldwork: invitations go out, respondents answer.
    Open,
    /// Fieldwork over: answers are final except for corrections by the monitor team.
    Closed,
    /// The results are public.
    Published,
}

impl WaveState {
    pub const ALL: [WaveState; 4] = [WaveState::Draft, WaveState::Open, WaveState::Closed, WaveState::Published];

    pub fn code(self) -> &'static str {
        match self {
            WaveState::Draft => "draft",
            WaveState::Open => "open",
            WaveState::Closed => "closed",
            WaveState::Published => "published",
        }
    }

    pub fn parse(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|state| state.code() == code)
    }

    pub fn label_nl(self) -> &'static str {
        match self {
            WaveState::Draft => "in voorbereiding",
            WaveState::Open => "open",
            WaveState::Closed => "gesloten",
            WaveState::Published => "gepubliceerd",
        }
    }

    /// May a wave in this state move to `next`? Reopening a closed wave extends the fieldwork; a published wave
    /// stays published, because its figures are out in the world.
    pub fn may_become(self, next: WaveState) -> bool {
        matches!(
            (self, next),
            (WaveState::Draft, WaveState::Open)
                | (WaveState::Open, WaveState::Closed)
                | (WaveState::Closed, WaveState::Open)
                | (WaveState::Closed, WaveState::Published)
        )
    }

    /// Do respondents answer in this state?
    pub fn accepts_answers(self) -> bool {
        self == WaveState::Open
    }
}

impl fmt::Display for WaveState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// A wave as stored.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Wave {
    pub id: WaveId,
    pub title: String,
    pub catalogue_id: String,
    pub catalogue_version: String,
    pub questionnaire_id: String,
    /// The questionnaire version new answers are given to; older answers keep the version they answered.
    pub questionnaire_version: i64,
    /// First day of the fieldwork.
    pub opens_on: NaiveDate,
    /// Last day of the fieldwork (inclusive).
    pub closes_on: NaiveDate,
    pub state: WaveState,
    /// True for the demo's drawn answers: every page that shows them says so.
    pub simulated: bool,
}

impl Wave {
    /// The day on which the register defines the organisations a wave asks: the last day of the fieldwork. A
    /// municipality that merges during the fieldwork is asked as the new municipality, which is what is left to
    /// answer for it; the first wave (October 2010 to March 2011) thus asks the 418 municipalities of 2011.
    pub fn register_date(&self) -> NaiveDate {
        self.closes_on
    }

    /// Does this wave ask `organisation`? Every municipality that exists on the register date, and nothing else.
    pub fn asks(&self, organisation: &Organisation) -> bool {
        asks_on(organisation, self.register_date())
    }

    /// May respondents open the questionnaire? Not while the wave is a draft: until the fieldwork opens, the wave
    /// is the monitor team's alone, and a municipality is not shown a survey it was not invited to yet.
    pub fn shown_to_respondents(&self) -> bool {
        self.state != WaveState::Draft
    }

    /// Is the move to `next` allowed from the state this wave is in?
    pub fn check_move(&self, next: WaveState) -> Result<(), MoveRefused> {
        if self.state.may_become(next) { Ok(()) } else { Err(MoveRefused { from: self.state, to: next }) }
    }
}

/// The rule of `Wave::asks` for a register date, for who counts the organisations asked without a `Wave` at hand.
pub(super) fn asks_on(organisation: &Organisation, register_date: NaiveDate) -> bool {
    organisation.kind() == OrganisationKind::Gemeente && organisation.is_valid_on(register_date)
}

/// A state change that the wave's life does not allow, e.g. publishing a wave that is still open.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MoveRefused {
    pub from: WaveState,
    pub to: WaveState,
}

impl fmt::Display for MoveRefused {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let allowed: Vec<&str> = WaveState::ALL.into_iter().filter(|next| self.from.may_become(*next)).map(WaveState::code).collect();
        write!(f, "a wave that is {} cannot become {}", self.from, self.to)?;
        match allowed.as_slice() {
            [] => write!(f, "; it stays {}", self.from),
            next => write!(f, "; it can become {}", next.join(" or ")),
        }
    }
}

impl std::error::Error for MoveRefused {}

/// A wave about to be created, checked.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewWave {
    pub id: WaveId,
    pub title: String,
    pub catalogue_id: String,
    pub catalogue_version: String,
    pub questionnaire_id: String,
    pub opens_on: NaiveDate,
    pub closes_on: NaiveDate,
}

impl NewWave {
    /// Checks what does not need the database: a title, and a period that ends after it starts.
    pub fn check(&self) -> Result<(), String> {
        if self.title.trim().is_empty() {
            return Err("a wave needs a title".to_owned());
        }
        if self.closes_on < self.opens_on {
            return Err(format!("the wave closes on {} before it opens on {}", self.closes_on, self.opens_on));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn states_move_forward_and_a_closed_wave_may_reopen() {
        use WaveState::*;
        let allowed: Vec<(WaveState, WaveState)> = WaveState::ALL
            .into_iter()
            .flat_map(|from| WaveState::ALL.into_iter().map(move |to| (from, to)))
            .filter(|(from, to)| from.may_become(*to))
            .collect();
        assert_eq!(allowed, vec![(Draft, Open), (Open, Closed), (Closed, Open), (Closed, Published)]);
        assert!(Open.accepts_answers());
        assert!(!Closed.accepts_answers() && !Draft.accepts_answers() && !Published.accepts_answers());
    }

    #[test]
    fn state_codes_round_trip() {
        for state in WaveState::ALL {
            assert_eq!(WaveState::parse(state.code()), Some(state));
        }
        assert_eq!(WaveState::parse("gepubliceerd"), None);
    }

    #[test]
    fn a_wave_id_is_a_slug() {
        assert_eq!(WaveId::parse(" eerste-meting ").map(|id| id.to_string()), Ok("eerste-meting".to_owned()));
        assert!(WaveId::parse("Eerste meting").is_err());
        assert!(WaveId::parse("").is_err());
    }

    fn organisation(code: &str, valid_from: &str, valid_to: Option<&str>) -> Organisation {
        Organisation {
            code: crate::register::OrgCode::parse(code).unwrap_or_else(|e| panic!("{e}")),
            name: code.to_owned(),
            province: None,
            valid_from: valid_from.parse().unwrap_or_default(),
            valid_to: valid_to.map(|d| d.parse().unwrap_or_default()),
            successors: Vec::new(),
            centroid: None,
            area_km2: None,
        }
    }

    fn first_wave(state: WaveState) -> Wave {
        Wave {
            id: WaveId::parse("eerste-meting").unwrap_or_else(|e| panic!("{e}")),
            title: "Eerste meting".to_owned(),
            catalogue_id: "nup-2008".to_owned(),
            catalogue_version: "2008".to_owned(),
            questionnaire_id: "eerste-meting-2010".to_owned(),
            questionnaire_version: 1,
            opens_on: "2010-10-01".parse().unwrap_or_default(),
            closes_on: "2011-03-31".parse().unwrap_or_default(),
            state,
            simulated: false,
        }
    }

    #[test]
    fn a_wave_asks_the_municipalities_that_exist_on_its_last_day() {
        let wave = first_wave(WaveState::Open);
        assert!(wave.asks(&organisation("GM0363", "1990-01-01", None)));
        assert!(wave.asks(&organisation("GM1931", "2011-01-01", None)), "formed by a merger during the fieldwork");
        assert!(!wave.asks(&organisation("GM0491", "1990-01-01", Some("2011-01-01"))), "merged away during the fieldwork");
        assert!(!wave.asks(&organisation("GM1945", "2011-04-01", None)), "formed after the fieldwork");
        assert!(!wave.asks(&organisation("PV27", "1990-01-01", None)), "a province is not asked");
    }

    #[test]
    fn respondents_see_a_wave_once_it_left_its_draft() {
        assert!(!first_wave(WaveState::Draft).shown_to_respondents());
        for state in [WaveState::Open, WaveState::Closed, WaveState::Published] {
            assert!(first_wave(state).shown_to_respondents(), "{state}");
        }
    }

    #[test]
    fn a_period_must_not_end_before_it_starts() {
        let day = |d| NaiveDate::from_ymd_opt(2010, 10, d).unwrap_or_default();
        let mut wave = NewWave {
            id: WaveId::parse("w").unwrap_or_else(|e| panic!("{e}")),
            title: "Meting".to_owned(),
            catalogue_id: "nup-2008".to_owned(),
            catalogue_version: "2008".to_owned(),
            questionnaire_id: "eerste-meting-2010".to_owned(),
            opens_on: day(10),
            closes_on: day(1),
        };
        assert!(wave.check().unwrap_err().contains("before it opens"));
        wave.closes_on = day(31);
        assert_eq!(wave.check(), Ok(()));
        wave.title = " ".to_owned();
        assert!(wave.check().is_err());
    }
}
