//! Which changes alter what the public sees. Every change writes an audit entry; its `Scope` says which part of
//! the public data it touched, and the newest entry's id per scope is that part's version. A public page or
//! document declares what it `Shows`, and `DataVersions::of` gives the versions it depends on: the same versions
//! mean the same answer, in every process that shares the database. So a save in a wave that is not published
//! changes no public page, and a correction in a published wave only the pages of that wave and of later ones,
//! whose trend includes it.

use chrono::NaiveDate;

use crate::fieldwork::WaveId;

/// The part of the public data an audited change touched.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Scope {
    Data(Data),
    /// The wave's own state and answers: public from the moment it is published.
    Wave(WaveId),
    /// A change this module does not know: every public page may show it.
    Everything,
}

/// The public data other than the waves' answers.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Data {
    /// Organisations, their successions, population figures and boundaries.
    Register,
    Catalogues,
    Knowledge,
    Collaborations,
}

impl Data {
    pub const ALL: [Data; 4] = [Data::Register, Data::Catalogues, Data::Knowledge, Data::Collaborations];

    pub fn key(self) -> &'static str {
        match self {
            Data::Register => "register",
            Data::Catalogues => "catalogues",
            Data::Knowledge => "knowledge",
            Data::Collaborations => "collaborations",
        }
    }
}

/// What the audit log keeps as the scope of `Everything`.
pub const EVERYTHING: &str = "everything";
/// What the audit log keeps before a wave's id as the scope of its changes.
pub const WAVE_PREFIX: &str = "wave:";

/// The subjects of actions (the part before the first dot) that change nothing the public sees: accounts, signing
/// in and the second factor, sessions, links, personal API tokens (made, used, revoked), contacts, support planning.
const PRIVATE_SUBJECTS: [&str; 10] =
    ["user", "login", "logout", "2fa", "session", "password_link", "invitation", "api_token", "contact", "support_plan"];
/// Actions on a wave that only its team sees: sending its letters.
const PRIVATE_WAVE_ACTIONS: [&str; 3] = ["wave.invite", "wave.remind", "wave.letters."];

impl Scope {
    /// The scope of an audited change, from its action and target as `audit::Change` holds them; `None` when the
    /// public sees nothing of it. An action not named here touches `Everything`, so that a new kind of change
    /// makes pages stale rather than wrong.
    pub fn of(action: &str, target: &str) -> Option<Scope> {
        let subject = action.split_once('.').map_or(action, |(subject, _)| subject);
        if PRIVATE_SUBJECTS.contains(&subject) || PRIVATE_WAVE_ACTIONS.iter().any(|private| action.starts_with(private)) {
            return None;
        }
        let data = |data| Some(Scope::Data(data));
        match subject {
            "organisation" | "population" | "boundaries" => data(Data::Register),
            "catalogue" => data(Data::Catalogues),
            "article" => data(Data::Knowledge),
            "collaboration" => data(Data::Collaborations),
            // A new questionnaire version moves only waves in draft or open (recorded as `wave.questionnaire`).
            "questionnaire" => None,
            // A response's target is "wave/organisation"; a wave's is its id.
            "wave" | "response" => {
                let wave = target.split_once('/').map_or(target, |(wave, _)| wave);
                Some(WaveId::parse(wave).map_or(Scope::Everything, Scope::Wave))
            }
            _ => Some(Scope::Everything),
        }
    }

    /// The scope as the audit log keeps it.
    pub fn key(&self) -> String {
        match self {
            Scope::Data(data) => data.key().to_owned(),
            Scope::Wave(wave) => format!("{WAVE_PREFIX}{wave}"),
            Scope::Everything => EVERYTHING.to_owned(),
        }
    }
}

/// What a public page or document shows, and so which versions it depends on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Shows {
    pub data: &'static [Data],
    pub waves: WavesShown,
}

/// Which published waves' answers a page shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WavesShown {
    None,
    /// The wave named in the address, with the published waves before it that its trend draws on.
    Named,
    /// Every published wave (a list of them, or a profile from the newest that asked a municipality).
    Published,
}

impl Shows {
    /// A page that shows only what does not change while the site runs.
    pub const FIXED: Shows = Shows { data: &[], waves: WavesShown::None };
}

/// A published wave and the version of its state and answers.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PublishedWave {
    pub id: WaveId,
    /// The waves of a trend are those that closed on or before its wave, oldest first.
    pub closes_on: NaiveDate,
    pub version: i64,
}

/// The version of every part of the public data, read at one moment.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DataVersions {
    pub everything: i64,
    /// The version of each `Data`, by its place in `Data::ALL`.
    pub data: [i64; Data::ALL.len()],
    pub published: Vec<PublishedWave>,
}

impl DataVersions {
    pub fn of_data(&self, data: Data) -> i64 {
        Data::ALL.iter().position(|d| *d == data).map_or(0, |index| self.data[index])
    }

    /// The versions an answer showing `shows` depends on, for the wave `wave` named in its address: the same list
    /// means the same answer. `None` when the page names a wave that is not published, which has no public answer
    /// to keep.
    pub fn of(&self, shows: &Shows, wave: Option<&str>) -> Option<Vec<i64>> {
        let mut versions = vec![self.everything];
        versions.extend(shows.data.iter().map(|data| self.of_data(*data)));
        match shows.waves {
            WavesShown::None => {}
            WavesShown::Published => versions.extend(self.published.iter().map(|w| w.version)),
            WavesShown::Named => {
                let named = self.published.iter().find(|w| Some(w.id.as_str()) == wave)?;
                // The trend draws on the published waves that closed no later; each is named by its version,
                // which no other scope shares.
                versions.extend(self.published.iter().filter(|w| w.closes_on <= named.closes_on).map(|w| w.version));
            }
        }
        Some(versions)
    }

    /// The newest change a data set of the published wave `wave` shows, which shows `shows` besides the wave's own
    /// answers and state: the highest of those versions, each the id of an audit entry. `None` when the wave is not
    /// published or no change to any of it was recorded.
    pub fn newest_change(&self, shows: &Shows, wave: &str) -> Option<i64> {
        let own = self.published.iter().find(|w| w.id.as_str() == wave)?.version;
        self.of(shows, Some(wave))?.into_iter().chain([own]).max().filter(|id| *id > 0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn wave(id: &str) -> WaveId {
        WaveId::parse(id).unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn a_change_is_scoped_to_the_public_data_it_touches() {
        let cases = [
            ("organisation.add", "GM0363", Some(Scope::Data(Data::Register))),
            ("population.update", "GM0363 2024-01-01", Some(Scope::Data(Data::Register))),
            ("boundaries.import", "boundaries 2024", Some(Scope::Data(Data::Register))),
            ("catalogue.add", "nup 2008", Some(Scope::Data(Data::Catalogues))),
            ("article.edit", "digid", Some(Scope::Data(Data::Knowledge))),
            ("collaboration.review", "eerste-meting/GM0363", Some(Scope::Data(Data::Collaborations))),
            ("response.save", "vervolgmeting/GM0363", Some(Scope::Wave(wave("vervolgmeting")))),
            ("response.correct", "eerste-meting/GM0363", Some(Scope::Wave(wave("eerste-meting")))),
            ("wave.state", "eerste-meting", Some(Scope::Wave(wave("eerste-meting")))),
            ("questionnaire.import", "benchmark version 2", None),
            ("wave.invite", "eerste-meting", None),
            ("wave.letters.retry_in_doubt", "eerste-meting", None),
            ("login.password", "a@b.nl", None),
            ("login", "a@b.nl", None),
            ("logout", "a@b.nl", None),
            ("2fa.setup", "a@b.nl", None),
            ("2fa.recovery_code", "a@b.nl", None),
            ("session.renewed", "a@b.nl", None),
            ("user.rehash", "a@b.nl", None),
            ("contact.set", "GM0363", None),
            ("api_token.create", "a@b.nl / notebook (#1)", None),
            ("api_token.use", "a@b.nl / notebook (#1)", None),
            ("api_token.revoke", "a@b.nl / notebook (#1)", None),
            ("invitation.used", "GM0363", None),
            ("support_plan.create", "support_plan:1", None),
            ("something.new", "x", Some(Scope::Everything)),
            ("response.save", "Not A Wave/GM0363", Some(Scope::Everything)),
        ];
        for (action, target, scope) in cases {
            assert_eq!(Scope::of(action, target), scope, "{action} {target}");
        }
        assert_eq!(Scope::Wave(wave("eerste-meting")).key(), "wave:eerste-meting");
        assert_eq!(Scope::Data(Data::Knowledge).key(), "knowledge");
    }

    fn versions() -> DataVersions {
        let date = |d: &str| d.parse::<NaiveDate>().unwrap_or_else(|e| panic!("{e}"));
        DataVersions {
            everything: 1,
            data: [10, 20, 30, 40],
            published: vec![
                PublishedWave { id: wave("eerste-meting"), closes_on: date("2011-06-30"), version: 100 },
                PublishedWave { id: wave("vervolgmeting"), closes_on: date("2013-06-30"), version: 200 },
            ],
        }
    }

    #[test]
    fn a_page_depends_on_what_it_shows_and_a_wave_on_the_waves_of_its_trend() {
        let v = versions();
        let register = Shows { data: &[Data::Register], waves: WavesShown::None };
        assert_eq!(v.of(&register, None), Some(vec![1, 10]));
        let named = Shows { data: &[Data::Register, Data::Collaborations], waves: WavesShown::Named };
        assert_eq!(v.of(&named, Some("eerste-meting")), Some(vec![1, 10, 40, 100]), "a later wave is not in the trend");
        assert_eq!(v.of(&named, Some("vervolgmeting")), Some(vec![1, 10, 40, 100, 200]));
        assert_eq!(v.of(&named, Some("open-meting")), None, "a wave that is not published has no public page");
        let every = Shows { data: &[], waves: WavesShown::Published };
        assert_eq!(v.of(&every, None), Some(vec![1, 100, 200]));
        assert_eq!(v.of(&Shows::FIXED, None), Some(vec![1]));
    }

    #[test]
    fn a_data_set_changed_with_the_newest_change_it_shows() {
        let v = versions();
        let register = Shows { data: &[Data::Register], waves: WavesShown::None };
        assert_eq!(v.newest_change(&register, "eerste-meting"), Some(100), "its own wave, not the register's older change");
        let trend = Shows { data: &[Data::Register], waves: WavesShown::Named };
        assert_eq!(v.newest_change(&trend, "eerste-meting"), Some(100), "a later wave is not in its trend");
        assert_eq!(v.newest_change(&trend, "vervolgmeting"), Some(200));
        let knowledge = Shows { data: &[Data::Knowledge], waves: WavesShown::None };
        let newer_knowledge = DataVersions { data: [10, 20, 300, 40], ..versions() };
        assert_eq!(newer_knowledge.newest_change(&knowledge, "eerste-meting"), Some(300));
        assert_eq!(v.newest_change(&register, "open-meting"), None, "a wave that is not published");
        assert_eq!(DataVersions::default().newest_change(&register, "eerste-meting"), None);
        let unrecorded =
            DataVersions { everything: 0, data: [0; 4], published: vec![PublishedWave { version: 0, ..v.published[0].clone() }] };
        assert_eq!(unrecorded.newest_change(&register, "eerste-meting"), None, "no change recorded");
    }
}
