//! A proposal of meetings, as planned and then adjusted by the monitor team: an invitee removed, a municipality
//! that asked for the topic added, a meeting dropped. Every adjustment keeps the proposal whole: each request of
//! the demand is either an invitee of exactly one meeting on its block or listed as uncovered, with a reason.

use serde::Serialize;

use super::demand::Request;
use super::planner::{Locations, Meeting, Reason, Uncovered, sort_uncovered};
use super::settings::{Grouping, Settings};
use crate::register::OrgCode;

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Proposal {
    pub settings: Settings,
    pub meetings: Vec<Meeting>,
    /// The requests no meeting covers, in block order.
    pub uncovered: Vec<Uncovered>,
}

/// Why an adjustment is refused.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum AdjustError {
    NoSuchMeeting(u32),
    NotInvited {
        meeting: u32,
        organisation: OrgCode,
    },
    /// Removing the last invitee would leave a meeting of nobody: drop the meeting instead.
    LastInvitee {
        meeting: u32,
    },
    Full {
        meeting: u32,
        group_size: u32,
    },
    /// Already on the list of this meeting, or of another on the same topic.
    AlreadyInvited {
        meeting: u32,
        organisation: OrgCode,
    },
    /// Did not ask for help with the meeting's topic (with the proposal's form).
    DidNotAsk {
        organisation: OrgCode,
        block: String,
    },
}

impl AdjustError {
    /// The refusal in Dutch; `name` gives an organisation's name, `block_name` a block's.
    pub fn message_nl(&self, name: &dyn Fn(&OrgCode) -> String, block_name: &dyn Fn(&str) -> String) -> String {
        match self {
            AdjustError::NoSuchMeeting(meeting) => format!("Bijeenkomst {meeting} staat (niet meer) in dit voorstel."),
            AdjustError::NotInvited { meeting, organisation } => {
                format!("{} staat niet (meer) op de lijst van bijeenkomst {meeting}.", name(organisation))
            }
            AdjustError::LastInvitee { meeting } => {
                format!("Dat is de laatste genodigde van bijeenkomst {meeting}; verwijder dan de hele bijeenkomst.")
            }
            AdjustError::Full { meeting, group_size } => {
                format!("Bijeenkomst {meeting} is vol: er komen hoogstens {group_size} gemeenten in een bijeenkomst.")
            }
            AdjustError::AlreadyInvited { meeting, organisation } => {
                format!("{} staat al op de lijst van bijeenkomst {meeting}.", name(organisation))
            }
            AdjustError::DidNotAsk { organisation, block } => {
                format!("{} vroeg in deze meting niet om ondersteuning bij {}.", name(organisation), block_name(block))
            }
        }
    }
}

impl Proposal {
    /// Requests covered: invitees of a meeting.
    pub fn covered(&self) -> usize {
        self.meetings.iter().map(|m| m.invitees.len()).sum()
    }

    /// Every request the proposal was made for: covered and uncovered.
    pub fn demand(&self) -> usize {
        self.covered() + self.uncovered.len()
    }

    pub fn meeting(&self, number: u32) -> Option<&Meeting> {
        self.meetings.iter().find(|m| m.number == number)
    }

    /// Who may be added to a meeting: the uncovered requests for its topic.
    pub fn candidates(&self, number: u32) -> Vec<&OrgCode> {
        let Some(meeting) = self.meeting(number) else { return Vec::new() };
        self.uncovered.iter().filter(|u| u.request.block == meeting.block).map(|u| &u.request.organisation).collect()
    }

    fn index(&self, number: u32) -> Result<usize, AdjustError> {
        self.meetings.iter().position(|m| m.number == number).ok_or(AdjustError::NoSuchMeeting(number))
    }

    fn max_km(&self) -> Option<f64> {
        match self.settings.grouping {
            Grouping::WithinDistance { km } => Some(km),
            Grouping::PerRegion { .. } => None,
        }
    }

    /// Takes `organisation` off the list of meeting `number`; its request becomes uncovered. The host is chosen
    /// again among those left.
    pub fn remove_invitee(&mut self, number: u32, organisation: &OrgCode, locations: &Locations) -> Result<(), AdjustError> {
        let index = self.index(number)?;
        let meeting = &self.meetings[index];
        if !meeting.invites(organisation) {
            return Err(AdjustError::NotInvited { meeting: number, organisation: organisation.clone() });
        }
        if meeting.invitees.len() == 1 {
            return Err(AdjustError::LastInvitee { meeting: number });
        }
        let members: Vec<OrgCode> = meeting.invitees.iter().map(|i| &i.organisation).filter(|o| *o != organisation).cloned().collect();
        let block = meeting.block.clone();
        self.regather(index, &members, locations);
        self.uncover(Request { organisation: organisation.clone(), block });
        Ok(())
    }

    /// Adds `organisation` to meeting `number`: it must have asked for help with the meeting's topic, not be on a
    /// list for that topic already, and the meeting must have room.
    pub fn add_invitee(&mut self, number: u32, organisation: &OrgCode, locations: &Locations) -> Result<(), AdjustError> {
        let index = self.index(number)?;
        let meeting = &self.meetings[index];
        if let Some(other) = self.meetings.iter().find(|m| m.block == meeting.block && m.invites(organisation)) {
            return Err(AdjustError::AlreadyInvited { meeting: other.number, organisation: organisation.clone() });
        }
        let Some(position) =
            self.uncovered.iter().position(|u| u.request.block == meeting.block && &u.request.organisation == organisation)
        else {
            return Err(AdjustError::DidNotAsk { organisation: organisation.clone(), block: meeting.block.clone() });
        };
        if meeting.invitees.len() >= self.settings.group_size as usize {
            return Err(AdjustError::Full { meeting: number, group_size: self.settings.group_size });
        }
        let mut members: Vec<OrgCode> = meeting.invitees.iter().map(|i| i.organisation.clone()).collect();
        members.push(organisation.clone());
        self.regather(index, &members, locations);
        self.uncovered.remove(position);
        Ok(())
    }

    /// Drops meeting `number`; its invitees' requests become uncovered. The other meetings keep their numbers.
    pub fn drop_meeting(&mut self, number: u32) -> Result<(), AdjustError> {
        let index = self.index(number)?;
        let meeting = self.meetings.remove(index);
        for invitee in meeting.invitees {
            self.uncover(Request { organisation: invitee.organisation, block: meeting.block.clone() });
        }
        Ok(())
    }

    fn regather(&mut self, index: usize, members: &[OrgCode], locations: &Locations) {
        let max_km = self.max_km();
        let old = &self.meetings[index];
        if let Some(meeting) = Meeting::gathered(old.number, old.block.clone(), old.region.clone(), members, locations, max_km) {
            self.meetings[index] = meeting;
        }
    }

    fn uncover(&mut self, request: Request) {
        self.uncovered.push(Uncovered { request, reason: Reason::RemovedByTeam });
        sort_uncovered(&mut self.uncovered);
    }
}
